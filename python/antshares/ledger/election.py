"""Bookkeeper election (SPEC §6), as pure functions over plain data: no storage, no I/O.

Inputs
  * ballots: one ``(weight, candidates)`` pair per *active* Voting transaction (SPEC §4): ``weight``
    is the voter's whole ANS shares in that transaction's still-unspent outputs (an ``int`` > 0) and
    ``candidates`` the 1–1024 distinct public keys (33-byte P-256 or 34-byte tagged, SPEC §3) that
    the transaction lists, in any order. A :class:`Ballot` or any plain 2-tuple will do.
  * active candidates: the public keys of enrollments whose deposit output is unspent.
  * standby keys: the network profile's ordered list (SPEC §2).

Rules and the choices this module makes where SPEC §6 leaves room
  * Count (:func:`bookkeeper_count`). ``k`` of a ballot is the number of keys it lists, whether
    or not they are still active. Ballots are laid end to end by ascending ``k``, each occupying
    an interval of length ``w`` on ``[0, W)`` (``W`` = total weight); the band is ``[W/4, 3W/4]``
    and a ballot counts with the length of its interval that lies inside the band, so a ballot
    crossing a band edge is split by weight. The mean is taken over the band's weight ``W/2`` and
    rounded half up; the arithmetic is exact (integers scaled by 4, no floats). Ballots of equal
    ``k`` are taken in their given order (a stable sort), but that order cannot change the
    result: together they occupy the same interval whatever their order, the band overlaps that
    interval by the same length, and every part of it is multiplied by the same ``k``. The code
    therefore merges them into one weight per ``k``. No ballots (``W = 0``): the count is the
    standby count. In all cases the result is ``min(max(count, standby count), 1024)``.
  * Ranking (:func:`elect`). A ballot adds its full ``w`` to every *active* candidate it lists;
    keys it lists that are no longer active are ignored (they still count in its ``k``). Only
    candidates with votes > 0 are ranked, by votes descending, ties by public key in multisig
    order (:func:`antshares.crypto.sort_keys`: X, then Y, prefix ignored, then curve tag — a
    total order on distinct keys). An active candidate nobody votes for is *not* ranked ahead of
    the standby fill; it can only be chosen as a standby key. When fewer than ``count`` are
    ranked, the list is filled with the standby keys in profile order, skipping those already
    chosen; then the first ``count`` are taken. If ranked candidates and standby keys together
    are fewer than ``count`` (ballots may list candidates that have since withdrawn), the list is
    all of them: it never has fewer members than the standby list.
  * NextMiner (:func:`next_consensus`): the script hash of the ``(n − ⌊(n−1)/3⌋)``-of-``n``
    multisig of the elected keys (key order inside the script is the multisig order, so the
    order of the list does not matter).

Every malformed input raises ``ValueError`` naming the ballot and the problem.

This module is the reference; its native twin, for the ledger engine, is
``native/ledger/src/election.rs`` (tests/test_election_native.py holds them equal).
"""

from collections import Counter
from collections.abc import Iterable, Sequence, Set
from typing import NamedTuple

from antshares.core import UInt160
from antshares.core.address import (
    MAX_MULTISIG_KEYS,
    consensus_threshold,
    multisig_script,
    script_hash,
)
from antshares.crypto import sort_keys

MAX_BOOKKEEPERS = MAX_MULTISIG_KEYS  # 1024: the count never exceeds it
MAX_BALLOT_CANDIDATES = 1024  # SPEC §4: a Voting transaction lists 1–1024 candidates
KEY_LENGTHS = (33, 34)  # compressed P-256 key; tag byte + compressed point (SPEC §3)


class Ballot(NamedTuple):
    """One active Voting transaction: its ANS weight and the public keys it lists."""

    weight: int
    candidates: tuple[bytes, ...]


BallotLike = tuple[int, Sequence[bytes]]


def _check_key(key: object, what: str) -> bytes:
    if not isinstance(key, bytes):
        raise ValueError(f"{what}: a public key must be bytes, not {type(key).__name__}")
    if len(key) not in KEY_LENGTHS:
        raise ValueError(f"{what}: a public key is 33 or 34 bytes, not {len(key)}")
    return key


def _check_ballots(ballots: Iterable[BallotLike]) -> list[Ballot]:
    """Validate and normalize; raises ValueError naming the offending ballot by index."""
    checked: list[Ballot] = []
    for i, ballot in enumerate(ballots):
        try:
            weight, candidates = ballot
        except (TypeError, ValueError):
            raise ValueError(f"ballot {i}: expected a (weight, candidates) pair") from None
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise ValueError(f"ballot {i}: weight must be an int, not {type(weight).__name__}")
        if weight <= 0:
            raise ValueError(f"ballot {i}: weight must be > 0 whole ANS shares, got {weight}")
        if isinstance(candidates, bytes | str):
            raise ValueError(f"ballot {i}: candidates must be a sequence of public keys")
        keys = tuple(_check_key(k, f"ballot {i}, candidate {j}") for j, k in enumerate(candidates))
        if not 1 <= len(keys) <= MAX_BALLOT_CANDIDATES:
            raise ValueError(
                f"ballot {i}: lists {len(keys)} candidates; a Voting transaction lists "
                f"1 to {MAX_BALLOT_CANDIDATES}"
            )
        if len(set(keys)) != len(keys):
            dup = next(k for k, n in Counter(keys).items() if n > 1)
            raise ValueError(f"ballot {i}: candidate {dup.hex()} is listed twice")
        checked.append(Ballot(weight, keys))
    return checked


def _check_standby_count(standby_count: int) -> None:
    if isinstance(standby_count, bool) or not isinstance(standby_count, int):
        raise ValueError("standby count must be an int")
    if not 1 <= standby_count <= MAX_BOOKKEEPERS:
        raise ValueError(
            f"standby count must be between 1 and {MAX_BOOKKEEPERS}, got {standby_count}"
        )


def _check_standby_keys(standby_keys: Sequence[bytes]) -> list[bytes]:
    keys = [_check_key(k, f"standby key {i}") for i, k in enumerate(standby_keys)]
    if not keys:
        raise ValueError("at least one standby key is needed")
    _check_standby_count(len(keys))
    if len(set(keys)) != len(keys):
        dup = next(k for k, n in Counter(keys).items() if n > 1)
        raise ValueError(f"standby key {dup.hex()} appears twice")
    return keys


def _count(ballots: Sequence[Ballot], standby_count: int) -> int:
    """SPEC §6 count of already-validated ballots."""
    by_k: Counter[int] = Counter()
    for weight, candidates in ballots:
        by_k[len(candidates)] += weight
    total = sum(by_k.values())
    if total == 0:
        return standby_count
    # Positions scaled by 4 so the band [W/4, 3W/4] has integer edges [W, 3W].
    low, high = total, 3 * total
    start = 0
    weighted = 0  # Σ k × (4 × weight inside the band)
    for k in sorted(by_k):
        end = start + 4 * by_k[k]
        inside = min(end, high) - max(start, low)
        if inside > 0:
            weighted += k * inside
        start = end
    # mean = weighted / (4 × W/2) = weighted / 2W; round half up = ⌊mean + 1/2⌋.
    count = (weighted + total) // (2 * total)
    return min(max(count, standby_count), MAX_BOOKKEEPERS)


def bookkeeper_count(ballots: Iterable[BallotLike], standby_count: int) -> int:
    """Number of bookkeepers (SPEC §6): round-half-up of the w-weighted mean k over the middle
    50% of the weight, at least `standby_count`, at most 1024; `standby_count` when no ballots.

    `standby_count` must be 1–1024. See the module docstring for the exact band rule.
    """
    _check_standby_count(standby_count)
    return _count(_check_ballots(ballots), standby_count)


def tally(ballots: Iterable[BallotLike], active_candidates: Iterable[bytes]) -> dict[bytes, int]:
    """Votes of every active candidate that at least one ballot lists (all values are > 0)."""
    checked = _check_ballots(ballots)
    return _tally(checked, _as_set(active_candidates))


def _as_set(keys: Iterable[bytes]) -> Set[bytes]:
    return keys if isinstance(keys, Set) else frozenset(keys)


def _tally(ballots: Sequence[Ballot], active: Set[bytes]) -> dict[bytes, int]:
    votes: dict[bytes, int] = {}
    for weight, candidates in ballots:
        for key in candidates:
            if key in active:
                votes[key] = votes.get(key, 0) + weight
    return votes


def _rank(votes: dict[bytes, int]) -> list[bytes]:
    """Keys by votes descending, ties in multisig key order."""
    try:
        position = {key: i for i, key in enumerate(sort_keys(list(votes)))}
    except ValueError as exc:
        raise ValueError(f"an active candidate has an invalid public key: {exc}") from exc
    return sorted(votes, key=lambda key: (-votes[key], position[key]))


def elect(
    ballots: Iterable[BallotLike],
    active_candidates: Iterable[bytes],
    standby_keys: Sequence[bytes],
) -> list[bytes]:
    """The bookkeepers of the next block (SPEC §6), in election order: ranked candidates first
    (votes descending, ties in multisig key order), then standby keys in profile order.

    Only active candidates with votes > 0 are ranked; the list is filled from the standby keys
    when they are fewer than the count. See the module docstring for every choice made here.
    """
    checked = _check_ballots(ballots)
    standby = _check_standby_keys(standby_keys)
    count = _count(checked, len(standby))
    chosen = _rank(_tally(checked, _as_set(active_candidates)))[:count]
    if len(chosen) < count:
        taken = set(chosen)
        for key in standby:
            if len(chosen) == count:
                break
            if key not in taken:
                chosen.append(key)
                taken.add(key)
    return chosen


def next_consensus(bookkeepers: Sequence[bytes]) -> UInt160:
    """NextMiner / NextConsensus: script hash of the (n − ⌊(n−1)/3⌋)-of-n multisig of the keys."""
    keys = [_check_key(k, f"bookkeeper {i}") for i, k in enumerate(bookkeepers)]
    if not keys:
        raise ValueError("next_consensus needs at least one bookkeeper")
    return script_hash(multisig_script(consensus_threshold(len(keys)), keys))


__all__ = [
    "MAX_BALLOT_CANDIDATES",
    "MAX_BOOKKEEPERS",
    "Ballot",
    "BallotLike",
    "bookkeeper_count",
    "elect",
    "next_consensus",
    "tally",
]
