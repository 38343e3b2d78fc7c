"""The random beacon (SPEC §7.7): Feldman secret sharing over P-256 checked against plain-Python
modular arithmetic and the ECDSA key derivation, and the version-1 MinerTransaction that carries
the evidence."""

import hashlib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antshares.core import DecodeError, Transaction, TxType
from antshares.crypto import public_key_from_secret
from antshares.ledger import beacon

ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
"""The P-256 group order n."""

scalar = st.integers(1, ORDER - 1)


def be(v: int) -> bytes:
    return v.to_bytes(32, "big")


def evaluate(coefficients: list[int], x: int) -> int:
    """The reference: the polynomial at x, mod n, in plain integers."""
    return sum(a * pow(x, i, ORDER) for i, a in enumerate(coefficients)) % ORDER


def test_commitment_is_the_public_key_of_the_secret() -> None:
    for s in (1, 2, 0xDEADBEEF, ORDER - 1):
        assert beacon.commitment(be(s)) == public_key_from_secret(be(s))


@pytest.mark.parametrize("bad", [be(0), be(ORDER), b"\xff" * 32])
def test_commitment_rejects_zero_and_out_of_range(bad: bytes) -> None:
    with pytest.raises(ValueError, match="secret 0 is"):
        beacon.commitment(bad)


@pytest.mark.parametrize("length", [0, 31, 34])
def test_wrong_lengths_are_value_errors(length: int) -> None:
    with pytest.raises(ValueError, match=f"needs 32 bytes, got {length}"):
        beacon.commitment(bytes(length))
    with pytest.raises(ValueError, match=f"needs 32 bytes, got {length}"):
        beacon.header_nonce(bytes(length))
    with pytest.raises(ValueError, match=r"secrets\[1\] needs 32 bytes"):
        beacon.random_value([bytes(32), bytes(length)])
    with pytest.raises(ValueError, match=f"share needs 32 bytes, got {length}"):
        beacon.verify_share([], 1, bytes(length))
    with pytest.raises(ValueError, match=rf"commitments\[0\] needs 33 bytes, got {length + 1}"):
        beacon.verify_share([bytes(length + 1)], 1, bytes(32))


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        beacon.commitment("00" * 32)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        beacon.share([be(1)], True)
    with pytest.raises(TypeError):
        beacon.recover_secret([[1, be(1)]])  # type: ignore[list-item]


@settings(max_examples=40, deadline=None)
@given(st.lists(scalar, min_size=1, max_size=6), st.integers(1, 65535))
def test_share_matches_plain_arithmetic(coefficients: list[int], x: int) -> None:
    coeffs = [be(a) for a in coefficients]
    assert beacon.share(coeffs, x) == be(evaluate(coefficients, x))
    commitments = beacon.deal(coeffs)
    assert commitments == [public_key_from_secret(c) for c in coeffs]
    assert beacon.verify_share(commitments, x, beacon.share(coeffs, x))


def test_verify_share_rejects_wrong_shares() -> None:
    coefficients = [be(a) for a in (11, 22, 33)]
    commitments = beacon.deal(coefficients)
    good = beacon.share(coefficients, 5)
    assert beacon.verify_share(commitments, 5, good)
    assert not beacon.verify_share(commitments, 6, good)
    assert not beacon.verify_share(commitments, 0, good)
    assert not beacon.verify_share(commitments, 5, be((int.from_bytes(good) + 1) % ORDER))
    assert not beacon.verify_share(commitments, 5, be(ORDER))
    assert not beacon.verify_share(commitments[:2], 5, good)
    assert not beacon.verify_share([], 5, good)
    assert not beacon.verify_share([b"\x04" + commitments[0][1:], *commitments[1:]], 5, good)
    with pytest.raises(ValueError, match=r"x must be in 0\.\.65535"):
        beacon.verify_share(commitments, 65536, good)


@pytest.mark.parametrize("n", [1, 4, 5, 7])
def test_any_k_of_n_shares_recover_the_secret(n: int) -> None:
    f = (n - 1) // 3
    coefficients = [
        int.from_bytes(hashlib.sha256(b"%d/%d" % (n, i)).digest()) for i in range(f + 1)
    ]
    coeffs = [be(a) for a in coefficients]
    shares = [(x, beacon.share(coeffs, x)) for x in range(1, n + 1)]
    for k in range(1, n + 1):
        for subset in itertools.combinations(shares, k):
            got = beacon.recover_secret(reversed(subset))
            if k >= f + 1:
                assert got == coeffs[0], subset
            else:
                assert got != coeffs[0], subset


def test_recover_rejects_bad_share_sets() -> None:
    s = be(7)
    with pytest.raises(ValueError, match="no shares"):
        beacon.recover_secret([])
    with pytest.raises(ValueError, match="x must be at least 1"):
        beacon.recover_secret([(0, s)])
    with pytest.raises(ValueError, match="two shares at x = 3"):
        beacon.recover_secret([(3, s), (3, s)])
    with pytest.raises(ValueError, match="share 1 is not below"):
        beacon.recover_secret([(1, s), (2, be(ORDER))])
    with pytest.raises(ValueError, match="expected 2 fields"):
        beacon.recover_secret([(1, s, s)])  # type: ignore[list-item]


def test_deal_and_share_reject_bad_polynomials() -> None:
    with pytest.raises(ValueError, match="no coefficients"):
        beacon.deal([])
    with pytest.raises(ValueError, match="coefficient 1 is zero"):
        beacon.deal([be(1), be(0)])
    with pytest.raises(ValueError, match="343 coefficients exceed the maximum 342"):
        beacon.deal([be(1)] * 343)
    with pytest.raises(ValueError, match="x must be at least 1"):
        beacon.share([be(1)], 0)


def test_random_value_and_header_nonce() -> None:
    secrets = [hashlib.sha256(bytes([i])).digest() for i in range(5)]
    r = beacon.random_value(secrets)
    assert r == hashlib.sha256(b"".join(secrets)).digest()
    assert beacon.random_value([]) == hashlib.sha256(b"").digest()
    assert beacon.header_nonce(r) == int.from_bytes(r[:8], "little")
    assert beacon.header_nonce(bytes(range(32))) == 0x0706050403020100


# --- MinerTransaction version 1 -----------------------------------------------------------


def beacon_miner(**exclusive: object) -> Transaction:
    data: dict[str, object] = {"nonce": 42, "dealings": [], "secrets": [], **exclusive}
    return Transaction(TxType.MINER, 1, data, [], [], [], [])


def test_miner_v1_carries_dealings_and_secrets() -> None:
    coeffs = [be(a) for a in (5, 6)]
    dealings = [{"dealer": 3, "commitments": beacon.deal(coeffs)}]
    secrets = [{"dealer": 1, "secret": be(99)}]
    tx = beacon_miner(dealings=dealings, secrets=secrets)
    assert tx.exclusive == {"nonce": 42, "dealings": dealings, "secrets": secrets}
    raw = tx.to_bytes()
    assert raw[:2] == b"\x00\x01"
    # nonce, 1 dealing: dealer 3, 2 points; 1 secret: dealer 1.
    expected = (
        (42).to_bytes(4, "little")
        + b"\x01\x03\x00\x02"
        + b"".join(dealings[0]["commitments"])  # type: ignore[arg-type]
        + b"\x01\x01\x00"
        + be(99)
    )
    assert raw[2 : 2 + len(expected)] == expected
    assert Transaction.from_bytes(raw) == tx


def test_miner_v0_stays_nonce_only() -> None:
    tx = Transaction(TxType.MINER, 0, {"nonce": 7}, [], [], [], [])
    assert tx.exclusive == {"nonce": 7}
    with pytest.raises(ValueError, match='unexpected key "dealings"'):
        Transaction(TxType.MINER, 0, {"nonce": 7, "dealings": []}, [], [], [], [])


@pytest.mark.parametrize(
    ("exclusive", "message"),
    [
        ({"nonce": 1, "dealings": []}, 'missing "secrets"'),
        ({"nonce": 1, "secrets": []}, 'missing "dealings"'),
        ({"dealings": [{"dealer": 0}]}, 'missing "commitments"'),
        ({"dealings": [{"dealer": 0, "commitments": [b"\x02" * 32]}]}, "needs 33 bytes"),
        ({"dealings": [{"dealer": 0, "commitments": [b"\x04" * 33]}]}, "0x02 or 0x03"),
        ({"dealings": [{"dealer": 0, "commitments": []}]}, "at least one commitment"),
        ({"dealings": [{"dealer": 0, "commitments": [b"\x02" * 33] * 343}]}, "maximum 342"),
        ({"secrets": [{"dealer": 0, "secret": bytes(31)}]}, "needs 32 bytes"),
        ({"secrets": [{"dealer": 0, "secret": bytes(32), "x": 1}]}, 'unexpected key "x"'),
    ],
)
def test_miner_v1_rejects_malformed_evidence(exclusive: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"nonce": 1, "dealings": [], "secrets": []}
    if "nonce" in exclusive:
        base = exclusive
    else:
        base.update(exclusive)
    with pytest.raises(ValueError, match=message):
        Transaction(TxType.MINER, 1, base, [], [], [], [])


def test_miner_v1_dealer_out_of_u16_range_is_an_error() -> None:
    with pytest.raises((ValueError, OverflowError)):
        beacon_miner(secrets=[{"dealer": 65536, "secret": bytes(32)}])


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        (b"\xfd\x01\x04", "dealings"),  # 1025 dealings
        (b"\x01\x00\x00\xfd\x57\x01" + b"\x02" * 33 * 343, "dealings[0].commitments"),  # 343
        (b"\x00\xfd\x01\x04" + b"\x00" * 34 * 1025, "secrets"),  # 1025 secrets
        (b"\xfe\x00\x00\x00\x10", "dealings"),  # 2^28 dealings, no bytes behind them
        (b"\x01\x00\x00\x01\x05" + b"\x00" * 32, "dealings[0].commitments[0]"),  # bad prefix
    ],
)
def test_hostile_miner_v1_bytes_are_clean_errors(evidence: bytes, field: str) -> None:
    raw = b"\x00\x01" + bytes(4) + evidence + b"\x00\x00\x00\x00"
    with pytest.raises(DecodeError) as e:
        Transaction.from_bytes(raw)
    assert e.value.field == field


def test_every_truncation_of_a_miner_v1_fails() -> None:
    tx = beacon_miner(
        dealings=[{"dealer": 0, "commitments": beacon.deal([be(2), be(3)])}],
        secrets=[{"dealer": 0, "secret": be(4)}],
    )
    raw = tx.to_bytes()
    for end in range(len(raw)):
        with pytest.raises(DecodeError):
            Transaction.from_bytes(raw[:end])
