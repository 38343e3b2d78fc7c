"""Bookkeeper election (SPEC §6): hand-computed cases, the MainNet case, and property tests
against a deliberately simple reference written here (unit-weight expansion, brute force)."""

import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import load_profile
from antshares.core import UInt160
from antshares.core.address import address_from_script_hash
from antshares.crypto import Curve, public_key_from_secret, sort_keys
from antshares.ledger.election import (
    Ballot,
    bookkeeper_count,
    elect,
    next_consensus,
    tally,
)

# --- keys ---------------------------------------------------------------------------------------

POOL = [public_key_from_secret(i.to_bytes(32, "big")) for i in range(1, 41)]  # valid P-256 keys
STANDBY_POOL = [public_key_from_secret((1000 + i).to_bytes(32, "big")) for i in range(7)]
MAINNET = load_profile("mainnet")


def fake_key(i: int) -> bytes:
    """A 33-byte key of the right shape (not a curve point): enough for the count, which never
    decodes keys."""
    return b"\x02" + i.to_bytes(32, "big")


def fake_keys(k: int, offset: int = 0) -> tuple[bytes, ...]:
    return tuple(fake_key(offset + i) for i in range(k))


# P-256 decompression, written out so the tie order is checked against an independent X, Y.
P = 2**256 - 2**224 + 2**192 + 2**96 - 1
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B


def x_then_y(key: bytes) -> tuple[int, int]:
    assert len(key) == 33
    x = int.from_bytes(key[1:], "big")
    y = pow((x**3 - 3 * x + B) % P, (P + 1) // 4, P)
    if y % 2 != key[0] - 2:
        y = P - y
    return x, y


# --- the reference ------------------------------------------------------------------------------


def ref_count(ballots: list[tuple[int, tuple[bytes, ...]]], standby_count: int) -> int:
    """Expand every ballot into 4·w unit copies of its k, sort, keep the middle half by index
    (copies W .. 3W−1 of 4W: exactly the band [W/4, 3W/4] in quarter-units), average, round half
    up with Fractions."""
    units = sorted(len(c) for w, c in ballots for _ in range(4 * w))
    if not units:
        return standby_count
    total = len(units) // 4
    band = units[total : 3 * total]
    mean = Fraction(sum(band), len(band))
    count = math.floor(mean + Fraction(1, 2))
    return min(max(count, standby_count), 1024)


def ref_elect(
    ballots: list[tuple[int, tuple[bytes, ...]]], active: set[bytes], standby: list[bytes]
) -> list[bytes]:
    count = ref_count(ballots, len(standby))
    votes = {key: sum(w for w, c in ballots if key in c) for key in active}
    voted = [key for key in active if votes[key] > 0]
    ranked = sorted(voted, key=lambda key: (-votes[key], x_then_y(key)))
    chosen = ranked[:count]
    for key in standby:
        if len(chosen) < count and key not in chosen:
            chosen.append(key)
    return chosen


# --- strategies ---------------------------------------------------------------------------------

# Count only: k matters, keys are shape-valid placeholders.
k_ballots = st.lists(
    st.tuples(st.integers(1, 8), st.integers(1, 40)).map(lambda t: (t[0], fake_keys(t[1]))),
    max_size=12,
)
real_ballots = st.lists(
    st.tuples(
        st.integers(1, 6),
        st.lists(st.sampled_from(POOL), min_size=1, max_size=12, unique=True).map(tuple),
    ),
    max_size=10,
)
active_sets = st.sets(st.sampled_from(POOL))
standby_lists = st.lists(st.sampled_from(POOL + STANDBY_POOL), min_size=1, max_size=9, unique=True)


# --- count: hand-computed -----------------------------------------------------------------------


def test_count_no_ballots_is_standby_count() -> None:
    assert bookkeeper_count([], 7) == 7
    assert bookkeeper_count([], 1) == 1


def test_count_single_ballot() -> None:
    assert bookkeeper_count([(1, fake_keys(5))], 1) == 5
    assert bookkeeper_count([Ballot(100, fake_keys(9))], 4) == 9


def test_count_splits_ballots_at_both_band_edges() -> None:
    # W = 8, band [2, 6]. k=2 covers [0,3) → 1 inside; k=5 covers [3,5) → 2; k=9 [5,8) → 1.
    # mean = (2·1 + 5·2 + 9·1) / 4 = 21/4 = 5.25 → 5.
    ballots = [(3, fake_keys(2)), (2, fake_keys(5)), (3, fake_keys(9))]
    assert bookkeeper_count(ballots, 1) == 5
    assert ref_count(ballots, 1) == 5


def test_count_rounds_half_up() -> None:
    # W = 2, band [0.5, 1.5]: half of each ballot; mean (1 + 4) / 2 = 2.5 → 3 (not banker's 2).
    assert bookkeeper_count([(1, fake_keys(1)), (1, fake_keys(4))], 1) == 3
    # W = 3, band [0.75, 2.25]: k=1 → 1/4, k=2 → 1, k=6 → 1/4; mean = 3.75 / 1.5 = 2.5 → 3.
    assert bookkeeper_count([(1, fake_keys(1)), (1, fake_keys(2)), (1, fake_keys(6))], 1) == 3
    # Below one half rounds down: W = 8, band [2, 6]: k=2 → 3, k=3 → 1; mean 9/4 = 2.25 → 2.
    assert bookkeeper_count([(5, fake_keys(2)), (3, fake_keys(3))], 1) == 2
    # W = 4, band [1, 3] = one unit of k=2 and one of k=3: mean 2.5 → 3.
    assert bookkeeper_count([(2, fake_keys(2)), (2, fake_keys(3))], 1) == 3


def test_count_ignores_the_outer_quarters() -> None:
    # A light ballot listing 1000 keys sits in the top quarter and does not move the count.
    ballots = [(3, fake_keys(4)), (1, fake_keys(1000))]
    assert bookkeeper_count(ballots, 1) == 4
    # Nor does a light ballot listing a single key, in the bottom quarter.
    assert bookkeeper_count([(1, fake_keys(1)), (3, fake_keys(12))], 1) == 12


def test_count_at_least_standby_at_most_1024() -> None:
    assert bookkeeper_count([(5, fake_keys(3))], 7) == 7
    assert bookkeeper_count([(5, fake_keys(1024))], 7) == 1024
    assert bookkeeper_count([(1, fake_keys(1023)), (1, fake_keys(1024))], 1) == 1024  # 1023.5
    assert bookkeeper_count([], 1024) == 1024
    assert bookkeeper_count([(1, fake_keys(3))], 1024) == 1024


def test_count_order_among_equal_k_is_irrelevant() -> None:
    a = [(1, fake_keys(3)), (5, fake_keys(3, 100)), (2, fake_keys(7))]
    b = [(5, fake_keys(3, 100)), (2, fake_keys(7)), (1, fake_keys(3))]
    assert bookkeeper_count(a, 1) == bookkeeper_count(b, 1) == ref_count(a, 1)


# --- count: properties --------------------------------------------------------------------------


@given(k_ballots, st.integers(1, 30))
def test_count_matches_reference(ballots: list[tuple[int, tuple[bytes, ...]]], s: int) -> None:
    assert bookkeeper_count(ballots, s) == ref_count(ballots, s)


@given(k_ballots, st.integers(1, 30), st.randoms(use_true_random=False))
def test_count_is_order_independent(
    ballots: list[tuple[int, tuple[bytes, ...]]], s: int, rnd: random.Random
) -> None:
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert bookkeeper_count(shuffled, s) == bookkeeper_count(ballots, s)


@given(k_ballots, st.integers(1, 30))
def test_count_bounds(ballots: list[tuple[int, tuple[bytes, ...]]], s: int) -> None:
    count = bookkeeper_count(ballots, s)
    assert s <= count <= 1024
    if ballots and count > s:
        ks = [len(c) for _, c in ballots]
        assert min(ks) <= count <= max(ks)


@given(k_ballots, st.integers(2, 5), st.integers(1, 30))
def test_count_scales_with_weights(
    ballots: list[tuple[int, tuple[bytes, ...]]], factor: int, s: int
) -> None:
    # Only weight proportions matter.
    scaled = [(w * factor, c) for w, c in ballots]
    assert bookkeeper_count(scaled, s) == bookkeeper_count(ballots, s)


@settings(max_examples=30)
@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(1, 1024)).map(lambda t: (t[0], fake_keys(t[1]))),
        min_size=1,
        max_size=4,
    )
)
def test_count_matches_reference_with_long_ballots(
    ballots: list[tuple[int, tuple[bytes, ...]]],
) -> None:
    assert bookkeeper_count(ballots, 1) == ref_count(ballots, 1)


# --- election: hand-computed --------------------------------------------------------------------


def test_mainnet_without_ballots_elects_the_standby_keys() -> None:
    standby = list(MAINNET.standby_keys)
    chosen = elect([], set(), standby)
    assert chosen == standby
    nc = next_consensus(chosen)
    assert nc == UInt160(bytes.fromhex("59e75d652b5d3827bf04c165bbe9ef95cca4bf55"))
    assert nc.to_bytes().hex() == "59e75d652b5d3827bf04c165bbe9ef95cca4bf55"
    assert address_from_script_hash(nc) == "APyEx5f4Zm4oCHwFWiSTaph1fPBxZacYVR"
    assert nc == genesis_block(MAINNET).header.next_consensus


def test_ranking_by_votes() -> None:
    a, b, c = POOL[0], POOL[1], POOL[2]
    s1, s2 = STANDBY_POOL[0], STANDBY_POOL[1]
    ballots = [(5, (a, b)), (3, (c,)), (2, (b,))]
    assert tally(ballots, {a, b, c}) == {a: 5, b: 7, c: 3}
    # k: 1 (w 3+2), 2 (w 5); W = 10, band [2.5, 7.5] → mean 1.5 → 2; standby 2 → count 2.
    assert elect(ballots, {a, b, c}, [s1, s2]) == [b, a]
    # With three standby keys, count 3: all three candidates outrank the standby fill.
    assert elect(ballots, {a, b, c}, [s1, s2, STANDBY_POOL[2]]) == [b, a, c]


def test_one_share_counts_fully_for_each_listed_candidate() -> None:
    a, b, c = POOL[:3]
    assert tally([(1, (a, b, c))], {a, b, c}) == {a: 1, b: 1, c: 1}


def test_standby_fill_in_profile_order_skipping_chosen() -> None:
    s = STANDBY_POOL[:4]
    a = POOL[5]
    assert elect([(1, (a,))], {a}, s) == [a, s[0], s[1], s[2]]
    # A standby key that wins votes is not taken twice.
    assert elect([(1, (s[2],))], {s[2]}, s) == [s[2], s[0], s[1], s[3]]


def test_inactive_and_unvoted_candidates() -> None:
    a, withdrawn, unvoted = POOL[:3]
    s = STANDBY_POOL[:3]
    # The withdrawn key counts in k but gets no votes; the unvoted active key is not ranked.
    chosen = elect([(4, (a, withdrawn))], {a, unvoted}, s)
    assert chosen == [a, s[0], s[1]]
    assert tally([(4, (a, withdrawn))], {a, unvoted}) == {a: 4}


def test_too_few_candidates_and_standby_keys() -> None:
    # Every ballot lists 10 keys but only 2 remain active: count 10, only 2 + 3 exist.
    listed = tuple(POOL[:10])
    s = STANDBY_POOL[:3]
    chosen = elect([(3, listed), (1, listed)], set(POOL[:2]), s)
    assert bookkeeper_count([(3, listed), (1, listed)], 3) == 10
    assert set(chosen[:2]) == set(POOL[:2])
    assert chosen[2:] == s


def test_ties_broken_by_multisig_key_order() -> None:
    keys = POOL[:12]
    ballots = [(2, tuple(keys))]
    chosen = elect(ballots, set(keys), STANDBY_POOL[:1])
    assert chosen == sort_keys(keys)
    assert chosen == sorted(keys, key=x_then_y)
    # Multisig order ignores the 02/03 prefix, so it differs from byte order for some pair.
    pair = next(
        (p, q)
        for p in POOL
        for q in POOL
        if p[0] > q[0] and x_then_y(p) < x_then_y(q)  # 03‖smaller X vs 02‖larger X
    )
    assert elect([(1, pair)], set(pair), STANDBY_POOL[:1])[:2] == [pair[0], pair[1]]


def test_ties_with_tagged_keys_use_sort_keys_order() -> None:
    secret = (7).to_bytes(32, "big")
    p256 = public_key_from_secret(secret)
    k1 = b"\x01" + public_key_from_secret(secret, Curve.SECP256K1)
    sm2 = b"\x02" + public_key_from_secret(secret, Curve.SM2)
    keys = (sm2, k1, p256, POOL[0])
    chosen = elect([(1, keys)], set(keys), STANDBY_POOL[:1])
    assert chosen == sort_keys(list(keys))


def test_next_consensus_threshold_and_order_independence() -> None:
    keys = POOL[:4]
    assert next_consensus(keys) == next_consensus(list(reversed(keys)))
    assert next_consensus(keys[:1]) != next_consensus(keys[:2])


# --- election: properties -----------------------------------------------------------------------


@given(real_ballots, active_sets, standby_lists)
def test_elect_matches_reference(
    ballots: list[tuple[int, tuple[bytes, ...]]], active: set[bytes], standby: list[bytes]
) -> None:
    assert elect(ballots, active, standby) == ref_elect(ballots, active, standby)


@given(real_ballots, active_sets, standby_lists, st.randoms(use_true_random=False))
def test_elect_invariants(
    ballots: list[tuple[int, tuple[bytes, ...]]],
    active: set[bytes],
    standby: list[bytes],
    rnd: random.Random,
) -> None:
    chosen = elect(ballots, active, standby)
    count = bookkeeper_count(ballots, len(standby))
    votes = tally(ballots, active)
    assert len(set(chosen)) == len(chosen)
    assert len(standby) <= len(chosen) <= count
    assert all(key in votes or key in standby for key in chosen)
    if len(votes) + len(set(standby) - set(votes)) >= count:
        assert len(chosen) == count
    # Input order does not matter: ballots, keys within a ballot, the active set.
    shuffled = [(w, tuple(rnd.sample(c, len(c)))) for w, c in ballots]
    rnd.shuffle(shuffled)
    assert elect(shuffled, frozenset(active), standby) == chosen
    # A voted candidate is never outranked by a standby fill.
    for i, key in enumerate(chosen):
        if key not in votes:
            assert all(k not in votes for k in chosen[i:])
    assert next_consensus(chosen) == next_consensus(sorted(chosen))


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ((0, (POOL[0],)), "weight must be > 0"),
        ((-3, (POOL[0],)), "weight must be > 0"),
        ((1.0, (POOL[0],)), "weight must be an int"),
        ((True, (POOL[0],)), "weight must be an int"),
        ((1, ()), "lists 0 candidates"),
        ((1, fake_keys(1025)), "lists 1025 candidates"),
        ((1, (POOL[0], POOL[1], POOL[0])), "listed twice"),
        ((1, (POOL[0][:32],)), "33 or 34 bytes, not 32"),
        ((1, (POOL[0] + b"\x00\x00",)), "33 or 34 bytes, not 35"),
        ((1, ("02" * 33,)), "must be bytes"),
        ((1, POOL[0]), "sequence of public keys"),
        ((1,), "(weight, candidates) pair"),
    ],
)
def test_invalid_ballots(ballot: object, message: str) -> None:
    ballots = [(1, (POOL[1],)), ballot]
    with pytest.raises(ValueError, match="ballot 1") as err:
        bookkeeper_count(ballots, 1)  # type: ignore[arg-type]
    assert message in str(err.value)
    with pytest.raises(ValueError, match="ballot 1"):
        elect(ballots, set(POOL), STANDBY_POOL)  # type: ignore[arg-type]


def test_invalid_standby() -> None:
    with pytest.raises(ValueError, match="between 1 and 1024"):
        bookkeeper_count([], 0)
    with pytest.raises(ValueError, match="between 1 and 1024"):
        bookkeeper_count([], 1025)
    with pytest.raises(ValueError, match="at least one standby key"):
        elect([], set(), [])
    with pytest.raises(ValueError, match="appears twice"):
        elect([], set(), [STANDBY_POOL[0], STANDBY_POOL[0]])
    with pytest.raises(ValueError, match=r"standby key 1: .*33 or 34 bytes"):
        elect([], set(), [STANDBY_POOL[0], b"\x02" * 20])


def test_invalid_key_points() -> None:
    bad = b"\x02" + b"\xff" * 32  # right length, not on the curve
    with pytest.raises(ValueError, match="invalid public key"):
        elect([(1, (bad, POOL[0]))], {bad, POOL[0]}, STANDBY_POOL)
    # Not active: never decoded, never chosen.
    assert POOL[0] in elect([(1, (bad, POOL[0]))], {POOL[0]}, STANDBY_POOL)
    with pytest.raises(ValueError, match="at least one bookkeeper"):
        next_consensus([])
    with pytest.raises(ValueError, match=r"bookkeeper 0: .*33 or 34 bytes"):
        next_consensus([b"\x02"])
