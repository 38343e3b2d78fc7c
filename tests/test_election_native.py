"""The native bookkeeper election (native/ledger/src/election.rs) against its Python reference,
antshares.ledger.election: equal results on random ballots, and ValueError on the same inputs."""

from collections.abc import Callable, Sequence

import pytest
from antshares_native import _native
from hypothesis import given, settings
from hypothesis import strategies as st

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import load_profile
from antshares.core import UInt160
from antshares.crypto import Curve, public_key_from_secret, sort_keys
from antshares.ledger import election as reference

U64_MAX = 2**64 - 1
MAINNET = load_profile("mainnet")


def secret(i: int) -> bytes:
    return i.to_bytes(32, "big")


P256 = [public_key_from_secret(secret(i)) for i in range(1, 25)]
K1 = [b"\x01" + public_key_from_secret(secret(i), Curve.SECP256K1) for i in range(1, 9)]
SM2 = [b"\x02" + public_key_from_secret(secret(i), Curve.SM2) for i in range(1, 9)]
POOL = P256 + K1 + SM2  # valid keys, 33 and 34 bytes
STANDBY_POOL = [public_key_from_secret(secret(1000 + i)) for i in range(8)]
NOT_ON_CURVE = b"\x02" + b"\xff" * 32  # right shape, X ≥ p


def shape_key(i: int) -> bytes:
    """Right length, not decoded unless active and voted: fills ballots to raise the count."""
    return b"\x03" + i.to_bytes(32, "big")


Ballots = list[tuple[int, tuple[bytes, ...]]]

# Small weights make ties and band edges inside ballots; big ones test exactness near 2**64.
weights = st.one_of(
    st.integers(1, 6),
    st.integers(1, U64_MAX),
    st.sampled_from([2**32, 2**63 - 1, 2**63, U64_MAX - 1, U64_MAX]),
)


@st.composite
def ballot(draw: st.DrawFn) -> tuple[int, tuple[bytes, ...]]:
    listed = draw(st.lists(st.sampled_from(POOL + STANDBY_POOL), max_size=14, unique=True))
    # Extra shape-only keys (never active) push k, so the count can exceed the candidates.
    filler = draw(st.integers(0 if listed else 1, 40))
    offset = draw(st.integers(0, 1000))
    keys = listed + [shape_key(offset + j) for j in range(filler)]
    return draw(weights), tuple(draw(st.permutations(keys)))


ballot_lists = st.lists(ballot(), max_size=10)
active_sets = st.sets(st.sampled_from(POOL + STANDBY_POOL))
standby_lists = st.lists(st.sampled_from(STANDBY_POOL + POOL), min_size=1, max_size=9, unique=True)


def outcome(fn: Callable[[], object]) -> object:
    """The result, or the type of the ValueError raised (messages may differ in detail)."""
    try:
        return fn()
    except ValueError:
        return ValueError


# --- equal results ------------------------------------------------------------------------------


@given(ballot_lists, active_sets, standby_lists)
def test_elect_equals_reference(ballots: Ballots, active: set[bytes], standby: list[bytes]) -> None:
    expected = reference.elect(ballots, active, standby)
    assert _native.election_elect(ballots, active, standby) == expected


@given(ballot_lists, st.integers(1, 1024))
def test_count_equals_reference(ballots: Ballots, standby_count: int) -> None:
    expected = reference.bookkeeper_count(ballots, standby_count)
    assert _native.election_count(ballots, standby_count) == expected


@settings(max_examples=40)
@given(
    st.lists(st.tuples(weights, st.integers(1, 1024)), min_size=1, max_size=6),
    st.integers(1, 40),
)
def test_count_of_long_ballots_equals_reference(shape: list[tuple[int, int]], s: int) -> None:
    ballots = [(w, tuple(shape_key(j) for j in range(k))) for w, k in shape]
    assert _native.election_count(ballots, s) == reference.bookkeeper_count(ballots, s)


@given(ballot_lists, active_sets, standby_lists)
def test_next_consensus_of_the_elected_equals_reference(
    ballots: Ballots, active: set[bytes], standby: list[bytes]
) -> None:
    chosen = reference.elect(ballots, active, standby)
    expected = reference.next_consensus(chosen)
    assert _native.election_next_consensus(chosen) == expected
    assert _native.election_next_consensus(list(reversed(chosen))) == expected


@given(st.lists(st.sampled_from(POOL), min_size=1, max_size=40, unique=True))
def test_next_consensus_equals_reference(keys: list[bytes]) -> None:
    assert _native.election_next_consensus(keys) == reference.next_consensus(keys)


# --- equal refusals -----------------------------------------------------------------------------

odd_keys = st.one_of(
    st.sampled_from([*POOL[:4], NOT_ON_CURVE]),
    st.binary(min_size=31, max_size=35),
)
odd_ballots = st.lists(
    st.tuples(
        st.integers(-2, 4),
        st.lists(odd_keys, max_size=4).map(tuple),
    ),
    max_size=4,
)


@given(
    odd_ballots,
    st.sets(odd_keys, max_size=4),
    st.lists(odd_keys, max_size=4),
    st.integers(-1, 3),
)
def test_malformed_input_is_refused_alike(
    ballots: Ballots, active: set[bytes], standby: list[bytes], standby_count: int
) -> None:
    assert outcome(lambda: _native.election_elect(ballots, active, standby)) == outcome(
        lambda: reference.elect(ballots, active, standby)
    )
    assert outcome(lambda: _native.election_count(ballots, standby_count)) == outcome(
        lambda: reference.bookkeeper_count(ballots, standby_count)
    )
    assert outcome(lambda: _native.election_next_consensus(standby)) == outcome(
        lambda: reference.next_consensus(standby)
    )


# --- hand cases ---------------------------------------------------------------------------------


def test_mainnet_standby_keys_give_the_genesis_next_consensus() -> None:
    standby = list(MAINNET.standby_keys)
    chosen = _native.election_elect([], [], standby)
    assert chosen == standby
    nc = _native.election_next_consensus(chosen)
    assert nc == UInt160(bytes.fromhex("59e75d652b5d3827bf04c165bbe9ef95cca4bf55"))
    assert nc == genesis_block(MAINNET).header.next_consensus


def test_ranking_ties_fill_and_rounding() -> None:
    a, b, c = P256[:3]
    s = STANDBY_POOL[:3]
    ballots = [(5, (a, b)), (3, (c,)), (2, (b,))]
    # Count 3 (standby); votes b 7, a 5, c 3.
    assert _native.election_elect(ballots, [a, b, c], s) == [b, a, c]
    # c withdrawn: the first standby key fills its place.
    assert _native.election_elect(ballots, [a, b], s) == [b, a, s[0]]
    # All tied: multisig key order, tagged keys included.
    keys = P256[:4] + K1[:2] + SM2[:2]
    assert _native.election_elect([(2, tuple(keys))], keys, s[:1]) == sort_keys(keys)
    # W = 2, band [0.5, 1.5]: mean (1 + 4) / 2 = 2.5 rounds up to 3.
    assert _native.election_count([(1, (shape_key(0),)), (1, P256[:4])], 1) == 3
    assert _native.election_count([(U64_MAX, P256[:2]), (U64_MAX, P256[:3])], 1) == 3


def test_fewer_candidates_than_the_count() -> None:
    listed = tuple(P256[:10])
    s = STANDBY_POOL[:3]
    chosen = _native.election_elect([(3, listed), (1, listed)], P256[:2], s)
    assert _native.election_count([(3, listed), (1, listed)], 3) == 10
    assert chosen == reference.elect([(3, listed), (1, listed)], set(P256[:2]), s)
    assert len(chosen) == 5 and chosen[2:] == s


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ((0, (POOL[0],)), "ballot 1: weight must be > 0"),
        ((-3, (POOL[0],)), "ballot 1: weight must be > 0"),
        ((True, (POOL[0],)), "ballot 1: weight must be an int"),
        ((1, ()), "ballot 1: lists 0 candidates"),
        ((1, tuple(shape_key(j) for j in range(1025))), "ballot 1: lists 1025 candidates"),
        ((1, (POOL[0], POOL[1], POOL[0])), f"candidate {POOL[0].hex()} is listed twice"),
        ((1, (POOL[0][:32],)), "ballot 1, candidate 0: a public key is 33 or 34 bytes, not 32"),
        ((1, ("02" * 33,)), "ballot 1, candidate 0: a public key must be bytes"),
        ((1, POOL[0]), "ballot 1: candidates must be a sequence of public keys"),
        ((1,), "ballot 1: expected a (weight, candidates) pair"),
    ],
)
def test_messages_match_the_reference(ballot: object, message: str) -> None:
    ballots: Sequence[object] = [(1, (POOL[1],)), ballot]
    with pytest.raises(ValueError, match="ballot 1") as py_err:
        reference.elect(ballots, set(POOL), STANDBY_POOL)  # type: ignore[arg-type]
    with pytest.raises(ValueError) as native_err:
        _native.election_elect(ballots, POOL, STANDBY_POOL)  # type: ignore[arg-type]
    assert message in str(py_err.value)
    assert message in str(native_err.value)


def test_other_refusals() -> None:
    with pytest.raises(ValueError, match="between 1 and 1024, got 0"):
        _native.election_count([], 0)
    with pytest.raises(ValueError, match="between 1 and 1024, got 1025"):
        _native.election_count([], 1025)
    with pytest.raises(ValueError, match="at least one standby key"):
        _native.election_elect([], [], [])
    with pytest.raises(ValueError, match="appears twice"):
        _native.election_elect([], [], [STANDBY_POOL[0], STANDBY_POOL[0]])
    with pytest.raises(ValueError, match="invalid public key"):
        _native.election_elect([(1, (NOT_ON_CURVE, POOL[0]))], [NOT_ON_CURVE], STANDBY_POOL)
    # Not active: never decoded.
    assert POOL[0] in _native.election_elect(
        [(1, (NOT_ON_CURVE, POOL[0]))], [POOL[0]], STANDBY_POOL
    )
    with pytest.raises(ValueError, match="at least one bookkeeper"):
        _native.election_next_consensus([])
    with pytest.raises(ValueError, match=r"bookkeeper 0: .*33 or 34 bytes"):
        _native.election_next_consensus([b"\x02"])


def test_weights_above_u64_are_refused_natively() -> None:
    # The reference takes any int; the native twin stops at 2**64-1 (the ANS supply is 10**8).
    ballots = [(2**64, (POOL[0],))]
    assert reference.bookkeeper_count(ballots, 1) == 1
    with pytest.raises(ValueError, match="above 2\\*\\*64-1"):
        _native.election_count(ballots, 1)
