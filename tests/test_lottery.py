"""ANC generation and the lottery (SPEC §5): the native code against pure-Python references.

The references are deliberately simple: the mint formula in Python integers, `int.from_bytes`
for the lottery number, hashlib for dSHA256, and a dict with a sorted linear scan for the holder
index. Exact vectors pin the first blocks' mints.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antshares.core import UInt160
from antshares.ledger import lottery as L

SUPPLY = 10**16
EXAMPLES = settings(max_examples=200, deadline=None)
U64_MAX = 2**64 - 1


def ref_mint(minted: int, burned: int) -> int:
    return (SUPPLY - (minted - burned)) * 24_297_257 // 10**14


def le(key: bytes) -> int:
    """UInt160 order: the 20 bytes as a little-endian number."""
    return int.from_bytes(key, "little")


class RefIndex:
    """A dict of balances; order and draws by sorting and scanning."""

    def __init__(self) -> None:
        self.bal: dict[bytes, int] = {}

    def set(self, key: bytes, value: int) -> None:
        if value:
            self.bal[key] = value
        else:
            self.bal.pop(key, None)

    def items(self) -> list[tuple[bytes, int]]:
        return sorted(self.bal.items(), key=lambda kv: le(kv[0]))

    def total(self) -> int:
        return sum(self.bal.values())

    def winner(self, n: int) -> bytes:
        cumulative = 0
        for key, value in self.items():
            cumulative += value
            if cumulative > n:
                return key
        raise AssertionError("n >= total")

    def prefix_sum(self, key: bytes) -> int:
        return sum(v for k, v in self.bal.items() if le(k) < le(key))


def assert_same(index: L.HolderIndex, ref: RefIndex) -> None:
    assert len(index) == len(ref.bal)
    assert index.total == ref.total()
    assert [(k.to_bytes(), v) for k, v in index.items()] == ref.items()


# ---- mint ----


def test_first_blocks_mint_exact_amounts() -> None:
    # Block 1: 10^16 × 24297257 / 10^14 = 24297257 × 100.
    assert L.mint_amount(0, 0) == 2_429_725_700
    # Block 2: (10^16 − 2,429,725,700) × 24297257 / 10^14 = 2,429,725,109.64… → 2,429,725,109.
    assert L.mint_amount(2_429_725_700, 0) == 2_429_725_109
    # Block 3: (10^16 − 4,859,450,809) × 24297257 / 10^14 = 2,429,724,519.28… → 2,429,724,519.
    assert L.mint_amount(4_859_450_809, 0) == 2_429_724_519
    minted = 0
    for _ in range(1000):
        m = L.mint_amount(minted, 0)
        assert m == ref_mint(minted, 0)
        minted += m
    assert minted <= SUPPLY


def test_burned_fees_raise_the_mint() -> None:
    minted = 10**15
    base = L.mint_amount(minted, 0)
    # A Register fee (10,000 ANC = 10^12 satoshi) burned adds 242,972.57 → 242,972 here.
    assert L.mint_amount(minted, 10**12) - base == 242_972
    # Burning everything ever minted restores the block-1 amount.
    assert L.mint_amount(minted, minted) == 2_429_725_700


def test_mint_bounds() -> None:
    assert L.mint_amount(SUPPLY, 0) == 0
    # The mint is 0 once less than 10^14 / 24297257 ≈ 4,115,690.9 satoshi is undistributed.
    assert L.mint_amount(SUPPLY - 4_115_690, 0) == 0
    assert L.mint_amount(SUPPLY - 4_115_691, 0) == 1
    # Minted alone may exceed the supply when burned ANC is minted again.
    assert L.mint_amount(U64_MAX, U64_MAX) == 2_429_725_700
    assert L.mint_amount(U64_MAX, U64_MAX - SUPPLY) == 0


@pytest.mark.parametrize(
    ("minted", "burned", "exc"),
    [
        (0, 1, ValueError),  # burned more than minted
        (SUPPLY + 1, 0, ValueError),  # more in circulation than the supply
        (U64_MAX, 0, ValueError),
        (-1, 0, ValueError),
        (0, -1, ValueError),
        (2**64, 0, ValueError),
        (1.0, 0, TypeError),
        ("1", 0, TypeError),
        (True, 0, TypeError),
    ],
)
def test_mint_rejects_impossible_input(minted: Any, burned: Any, exc: type[Exception]) -> None:
    with pytest.raises(exc):
        L.mint_amount(minted, burned)


@EXAMPLES
@given(st.integers(0, U64_MAX), st.integers(0, U64_MAX))
def test_mint_matches_reference(minted: int, burned: int) -> None:
    if burned <= minted and minted - burned <= SUPPLY:
        assert L.mint_amount(minted, burned) == ref_mint(minted, burned)
    else:
        with pytest.raises(ValueError, match="impossible ANC totals"):
            L.mint_amount(minted, burned)


@EXAMPLES
@given(st.integers(0, SUPPLY), st.integers(0, U64_MAX - SUPPLY))
def test_mint_matches_reference_in_domain(circulating: int, burned: int) -> None:
    assert L.mint_amount(circulating + burned, burned) == ref_mint(circulating + burned, burned)


# ---- lottery number, first random ----


@EXAMPLES
@given(st.binary(min_size=32, max_size=32))
def test_lottery_number_is_little_endian_mod_1e8(r: bytes) -> None:
    assert L.lottery_number(r) == int.from_bytes(r, "little") % 10**8


def test_lottery_number_vectors() -> None:
    assert L.lottery_number(bytes(32)) == 0
    assert L.lottery_number(b"\x07" + bytes(31)) == 7
    assert L.lottery_number(bytes(31) + b"\x01") == 2**248 % 10**8
    # 2^256 − 1: the last eight digits of 2^256 are 29639936.
    assert L.lottery_number(b"\xff" * 32) == 29_639_935
    assert L.lottery_number((10**8).to_bytes(32, "little")) == 0


@pytest.mark.parametrize("size", [0, 31, 33])
def test_lottery_number_needs_32_bytes(size: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        L.lottery_number(bytes(size))


def test_first_random_is_dsha256_of_genesis_hash() -> None:
    # The MainNet genesis hash (SPEC §2), display hex reversed into internal order.
    genesis = bytes.fromhex("d42561e3d30e15be6400b6df2f328e02d2bf6354c41dce433bc57687c82144bf")[
        ::-1
    ]
    expected = hashlib.sha256(hashlib.sha256(genesis).digest()).digest()
    assert L.first_random(genesis) == expected
    assert L.lottery_number(L.first_random(genesis)) == int.from_bytes(expected, "little") % 10**8
    with pytest.raises(ValueError, match="32 bytes"):
        L.first_random(bytes(20))


# ---- holder index ----


def key(last: int, first: int = 0) -> bytes:
    return bytes([first]) + bytes(18) + bytes([last])


def test_order_is_uint160_order() -> None:
    a, b = key(1, first=0xFF), key(2, first=0x00)  # a < b: the last byte is most significant
    index = L.HolderIndex()
    index.set_balance(b, 5)
    index.set_balance(UInt160(a), 3)
    assert [k for k, _ in index.items()] == [UInt160(a), UInt160(b)]
    assert all(isinstance(k, UInt160) for k, _ in index.items())
    assert [index.winner(n) for n in range(8)] == [UInt160(a)] * 3 + [UInt160(b)] * 5
    assert index.prefix_sum(b) == 3
    assert UInt160(a) in index and b in index and key(3) not in index


def test_draw_winner_uses_the_lottery_number() -> None:
    index = L.HolderIndex([(key(1), 60_000_000), (key(2), 40_000_000)])
    r = (59_999_999 + 10**8 * 12345).to_bytes(32, "little")
    assert L.draw_winner(index, r) == UInt160(key(1))
    r = (60_000_000).to_bytes(32, "little")
    assert L.draw_winner(index, r) == UInt160(key(2))


def test_index_errors_change_nothing() -> None:
    index = L.HolderIndex()
    with pytest.raises(ValueError, match="empty"):
        index.winner(0)
    index.set_balance(key(1), 3)
    with pytest.raises(ValueError, match="not below the total"):
        index.winner(3)
    with pytest.raises(ValueError, match="negative"):
        index.add(key(1), -4)
    with pytest.raises(ValueError, match="overflow"):
        index.add(key(1), U64_MAX)
    with pytest.raises(ValueError):
        index.add(key(1), 2**200)
    with pytest.raises(ValueError):
        index.set_balance(key(1), -1)
    with pytest.raises(ValueError):
        index.set_balance(key(1), 2**64)
    with pytest.raises(ValueError):
        index.winner(-1)
    with pytest.raises(ValueError, match="20 bytes"):
        index.balance(bytes(19))
    with pytest.raises(TypeError):
        index.balance("00" * 20)
    with pytest.raises(TypeError):
        index.set_balance(key(1), 1.5)
    with pytest.raises(TypeError):
        index.set_balance(key(1), True)
    # apply is atomic: one failing key leaves everything as it was.
    with pytest.raises(ValueError, match="negative"):
        index.apply([(key(2), 5), (key(1), -2), (key(2), -6)])
    assert [(k.to_bytes(), v) for k, v in index.items()] == [(key(1), 3)]
    index.apply([(key(2), 5), (key(1), -3), (UInt160(key(2)), -1)])
    assert [(k.to_bytes(), v) for k, v in index.items()] == [(key(2), 4)]
    with pytest.raises(TypeError):
        index.apply([key(1)])
    with pytest.raises(ValueError):
        index.apply([(key(1), 1, 2)])


def test_constructor() -> None:
    index = L.HolderIndex([(key(3), 1), (key(1), 2), (key(2), 0)])
    assert [(k.to_bytes(), v) for k, v in index.items()] == [(key(1), 2), (key(3), 1)]
    with pytest.raises(ValueError, match="given twice"):
        L.HolderIndex([(key(1), 1), (UInt160(key(1)), 2)])
    assert len(L.HolderIndex()) == 0 and L.HolderIndex().total == 0
    assert "2 holders" in repr(index)
    copy = index.copy()
    copy.set_balance(key(1), 0)
    assert len(copy) == 1 and len(index) == 2


KEYS = [key(last, first) for last, first in itertools.product((0, 1, 7, 255), (0, 3, 255))]
OPS = st.lists(
    st.tuples(
        st.sampled_from(["set", "add", "sub", "apply", "draw"]),
        st.integers(0, len(KEYS) - 1),
        st.integers(0, 2**40),
    ),
    max_size=60,
)


@EXAMPLES
@given(OPS)
def test_index_matches_reference(ops: list[tuple[str, int, int]]) -> None:
    index, ref = L.HolderIndex(), RefIndex()
    for op, i, v in ops:
        k = KEYS[i]
        arg: UInt160 | bytes = UInt160(k) if v % 2 else k
        old = ref.bal.get(k, 0)
        if op == "set":
            value = v if v % 3 else 0
            assert index.set_balance(arg, value) == old
            ref.set(k, value)
        elif op == "add":
            assert index.add(arg, v) == old + v
            ref.set(k, old + v)
        elif op == "sub":
            d = min(v, old) if v % 4 else old + 1
            if d <= old:
                assert index.add(arg, -d) == old - d
                ref.set(k, old - d)
            else:
                with pytest.raises(ValueError):
                    index.add(arg, -d)
        elif op == "apply":
            other = KEYS[(i + v) % len(KEYS)]
            deltas = [(k, v), (other, -v // 2)]
            new = dict(ref.bal)
            for dk, dv in deltas:
                new[dk] = new.get(dk, 0) + dv
            if all(x >= 0 for x in new.values()):
                index.apply(deltas)
                for dk, dv in new.items():
                    ref.set(dk, dv)
            else:
                with pytest.raises(ValueError):
                    index.apply(deltas)
        else:
            total = ref.total()
            if total:
                n = v % total
                assert index.winner(n) == UInt160(ref.winner(n))
                assert index.prefix_sum(k) == ref.prefix_sum(k)
        assert index.balance(k) == ref.bal.get(k, 0)
    assert_same(index, ref)


def test_many_holders_against_reference() -> None:
    rng = random.Random(20160826)
    ref = RefIndex()
    for _ in range(20_000):
        ref.set(rng.randbytes(20), rng.randint(1, 9_999))
    index = L.HolderIndex(ref.bal.items())
    assert_same(index, ref)
    one_by_one = L.HolderIndex()
    for k, v in ref.bal.items():
        one_by_one.set_balance(k, v)
    assert one_by_one.items() == index.items()
    # Draws: cumulative boundaries found by one sorted pass.
    items = ref.items()
    bounds = list(itertools.accumulate(v for _, v in items))
    for j in rng.sample(range(len(items)), 200):
        start = bounds[j] - items[j][1]
        for n in (start, bounds[j] - 1):
            assert index.winner(n).to_bytes() == items[j][0]
