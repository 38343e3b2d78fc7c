"""The node's mempool: verified transactions waiting for a block, in arrival order (SPEC §4, §7).

A bookkeeper cannot exclude or reorder (SPEC §7): its proposal is its mempool in the order the
transactions arrived, so the pool keeps that order and `candidates` hands it out unchanged. What a
bookkeeper's policy does decide is what it admits: the minimum byte fee per byte (SPEC §4, may be
zero) and how much it holds. When full, a newcomer paying a strictly higher fee rate (byte fee per
byte) evicts the lowest-rate entries; otherwise it is refused.

Every transaction is checked against the tip by a `Checker` (the node passes
`ChainState.check_transactions`), once per `add` batch so the witnesses verify in one parallel
batch. The checker sees each transaction alone against the tip, so a pool transaction never spends
another's outputs: evicting or dropping one never strands a second. Two pool transactions never
spend the same outpoint either (the first seen wins, `mempool-conflict`), which is what lets the
block checks skip the witnesses of `verified_wtxids()`.

Threads: no locks, by design. Every write (`add`, `remove_block`, `revalidate`) comes from one
thread, the node's ledger thread. `get`, `__contains__`, `__len__` and `txids` are single dict
operations on immutable entries, atomic under CPython's GIL, so the event loop may read through
them meanwhile (the other readers iterate and belong on the ledger thread).
"""

import hashlib
import heapq
import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from antshares.core import DecodeError, Transaction, TxType
from antshares.node.backend import AcceptResult

__all__ = [
    "INCLUDED",
    "MAX_TX_SIZE",
    "BlockTransaction",
    "Checker",
    "Dropped",
    "Entry",
    "Mempool",
    "MempoolPolicy",
    "Outpoint",
    "TxCheckLike",
]

MAX_TX_SIZE = 1 << 20
"""SPEC §4: a transaction of at most 1 MB (the engine's limit)."""

INCLUDED = "included"
"""The reason `remove_block` gives for a transaction the block holds (not a rule broken)."""

SPENT_BY_BLOCK = "spent-or-missing-input"
"""What the checker says of a transaction whose input the chain has spent: the rule of a pool
transaction that lost its conflict with a block."""

Outpoint = tuple[bytes, int]
"""(txid, output index) of a spent output."""

BlockTransaction = Transaction | tuple[bytes, Iterable[Outpoint]]
"""A transaction of an applied block: decoded, or as (txid, the outpoints it spends)."""

Dropped = tuple[bytes, str, str]
"""(txid, rule or `INCLUDED`, detail) of a transaction that left the pool."""


def rate_key(byte_fee: int, size: int) -> int:
    """⌊byte_fee / size · 2^64⌋: orders fee rates exactly as the fractions do (two different
    rates of transactions under 2^32 bytes differ by more than 2^-64), and ints compare fast
    in the eviction heap where Fractions would not."""
    return (byte_fee << 64) // size


def _heap_key(entry: "Entry") -> int:
    return rate_key(entry.byte_fee, entry.size)


class TxCheckLike(Protocol):
    """The checker's verdict on one transaction (`antshares.ledger.chainstate.TxCheck`)."""

    @property
    def txid(self) -> bytes | None: ...
    @property
    def wtxid(self) -> bytes | None: ...
    @property
    def size(self) -> int: ...
    @property
    def byte_fee(self) -> int: ...
    @property
    def rule(self) -> str | None: ...
    @property
    def detail(self) -> str | None: ...
    @property
    def ok(self) -> bool: ...


Checker = Callable[[Sequence[bytes], bool], Sequence[TxCheckLike]]
"""(raw transactions, verify signatures) → one verdict each, in order, every transaction checked
alone against the tip: `ChainState.check_transactions`."""


@dataclass(frozen=True)
class MempoolPolicy:
    """This bookkeeper's admission policy (SPEC §4: its own, not consensus)."""

    min_byte_fee_per_byte: int = 0
    """ANC satoshi of byte fee per byte of transaction; zero admits fee-less transactions."""
    max_count: int = 50_000
    max_bytes: int = 64 * 1024 * 1024
    max_tx_size: int = MAX_TX_SIZE


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    """One pool transaction."""

    raw: bytes
    tx: Transaction
    txid: bytes
    wtxid: bytes
    size: int
    byte_fee: int
    fee_rate: Fraction
    """byte_fee / size, exact so equal rates compare equal."""
    outpoints: tuple[Outpoint, ...]
    """Every output it spends: its inputs and its Agency orders' inputs."""
    sequence: int
    """Arrival order, increasing over the pool's life."""
    arrived: float
    """Arrival time (the pool's clock, seconds)."""


def spent_outpoints(tx: Transaction) -> tuple[Outpoint, ...]:
    refs = list(tx.inputs)
    if tx.type == TxType.AGENCY:
        for order in tx.exclusive["orders"]:
            refs.extend(order["inputs"])
    return tuple((ref.prev_hash.to_bytes(), ref.prev_index) for ref in refs)


def _describe(outpoint: Outpoint) -> str:
    txid, index = outpoint
    return f"{txid[::-1].hex()}:{index}"  # displayed order, like the engine's details


@dataclass
class _Offer:
    """A raw transaction of an `add` batch that passed the cheap checks."""

    position: int
    raw: bytes
    tx: Transaction
    txid: bytes
    outpoints: tuple[Outpoint, ...]


class Mempool:
    def __init__(
        self, policy: MempoolPolicy, checker: Checker, clock: Callable[[], float] = time.time
    ) -> None:
        self.policy = policy
        self.checker = checker
        self.clock = clock
        self._entries: dict[bytes, Entry] = {}
        """By txid, in arrival order (dicts keep insertion order)."""
        self._spenders: dict[Outpoint, bytes] = {}
        """Outpoint → txid of the pool transaction that spends it."""
        self._wtxids: set[bytes] = set()
        self._wtxids_frozen: frozenset[bytes] | None = None
        self._by_rate: list[tuple[int, int, bytes]] = []
        """Min-heap of (fee rate key, −sequence, txid); items of entries that left stay until popped
        (lazy deletion)."""
        self._bytes = 0
        self._sequence = itertools.count()
        self._accepted = 0
        self._known = 0
        self._evicted = 0
        self._rejected: dict[str, int] = {}

    # Reading.

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, txid: object) -> bool:
        return txid in self._entries

    def get(self, txid: bytes) -> Entry | None:
        return self._entries.get(txid)

    @property
    def total_bytes(self) -> int:
        return self._bytes

    def txids(self) -> list[bytes]:
        """Oldest first."""
        return list(self._entries)

    def candidates(self, max_count: int | None = None) -> list[Entry]:
        """The next block's transactions: the oldest `max_count` (all if None), in arrival order
        (the bookkeeper may not reorder, SPEC §7)."""
        return list(itertools.islice(self._entries.values(), max_count))

    def verified_wtxids(self) -> frozenset[bytes]:
        """The wtxids whose witnesses verified on entry: the block checks may skip them."""
        if self._wtxids_frozen is None:
            self._wtxids_frozen = frozenset(self._wtxids)
        return self._wtxids_frozen

    def stats(self) -> dict[str, object]:
        return {
            "count": len(self._entries),
            "bytes": self._bytes,
            "accepted": self._accepted,
            "known": self._known,
            "rejected": dict(self._rejected),
            "evicted": self._evicted,
        }

    # Admission.

    def add(self, raws: Sequence[bytes]) -> list[AcceptResult]:
        """Offer transactions (one result each, in order). Cheap checks first — size, decoding,
        already here, spends what a pool transaction spends — so that a flood of duplicates or
        double spends costs no signature checks; then one checker call for the rest; then, in
        order, conflicts within the batch (the first wins), the fee policy and the capacity."""
        results: list[AcceptResult | None] = [None] * len(raws)
        offers: list[_Offer] = []
        first_seen: dict[bytes, int] = {}  # raw → position of its first copy in this batch
        copies: list[tuple[int, int]] = []  # (position, position of the first copy)
        for position, raw in enumerate(raws):
            if raw in first_seen:
                copies.append((position, first_seen[raw]))
                continue
            first_seen[raw] = position
            verdict = self._screen(position, raw)
            if isinstance(verdict, AcceptResult):
                results[position] = verdict
            else:
                offers.append(verdict)

        checks = self.checker([o.raw for o in offers], True) if offers else []
        for offer, check in zip(offers, checks, strict=True):
            results[offer.position] = self._admit(offer, check)
        for offer in offers:
            # A later, better-paying transaction of this batch evicted it: say so, not relay it.
            result = results[offer.position]
            if result is not None and result.accepted and offer.txid not in self._entries:
                results[offer.position] = _reject(
                    "mempool-full", "evicted by a higher fee rate in the same batch"
                )

        for position, first in copies:
            result = results[first]
            assert result is not None
            results[position] = AcceptResult(False, known=True) if result.accepted else result

        final = [r for r in results if r is not None]
        assert len(final) == len(raws)
        for r in final:
            self._count(r)
        return final

    def _screen(self, position: int, raw: bytes) -> AcceptResult | _Offer:
        """The checks that need no chain state: a result, or the offer to check further."""
        if len(raw) > self.policy.max_tx_size:
            limit = self.policy.max_tx_size
            return _reject("tx-size", f"{len(raw)} bytes, this node admits at most {limit}")
        try:
            tx = Transaction.from_bytes(raw)
        except DecodeError as exc:
            return _reject("tx-decode", str(exc))
        if tx.type == TxType.MINER:  # the checker rejects it too; a block makes its own
            return _reject("miner-position", "a MinerTransaction never enters the mempool")
        txid = tx.hash.to_bytes()
        if txid in self._entries:
            return AcceptResult(False, known=True)
        outpoints = spent_outpoints(tx)
        conflict = self._conflict(outpoints)
        if conflict is not None:
            return conflict
        return _Offer(position, raw, tx, txid, outpoints)

    def _conflict(self, outpoints: Sequence[Outpoint]) -> AcceptResult | None:
        for outpoint in outpoints:
            spender = self._spenders.get(outpoint)
            if spender is not None:
                return _reject(
                    "mempool-conflict",
                    f"{_describe(outpoint)} is spent by {spender[::-1].hex()}, seen first",
                )
        return None

    def _admit(self, offer: _Offer, check: TxCheckLike) -> AcceptResult:
        # Another copy of this transaction (other witnesses, same txid) came earlier in the batch.
        if offer.txid in self._entries:
            return AcceptResult(False, known=True)
        if not check.ok:
            return _reject(check.rule or "invalid", check.detail or "")
        # An earlier transaction of this batch may have claimed an outpoint since _screen.
        conflict = self._conflict(offer.outpoints)
        if conflict is not None:
            return conflict
        size = len(offer.raw)
        minimum = size * self.policy.min_byte_fee_per_byte
        if check.byte_fee < minimum:
            return _reject(
                "mempool-fee",
                f"byte fee {check.byte_fee} for {size} bytes, this node asks at least {minimum}",
            )
        rate = Fraction(check.byte_fee, size)
        victims = self._make_room(size, rate_key(check.byte_fee, size))
        if victims is None:
            return _reject(
                "mempool-full",
                f"the mempool is full and the fee rate {float(rate):.4g}/byte evicts nothing",
            )
        for victim in victims:
            self._remove(victim.txid)
            self._evicted += 1
        wtxid = check.wtxid or hashlib.sha256(offer.raw).digest()
        self._insert(
            Entry(
                offer.raw,
                offer.tx,
                offer.txid,
                wtxid,
                size,
                check.byte_fee,
                rate,
                offer.outpoints,
                next(self._sequence),
                self.clock(),
            )
        )
        return AcceptResult(True, txid=offer.txid)

    def _make_room(self, size: int, rate: int) -> list[Entry] | None:
        """The entries to evict so that a newcomer of `size` bytes fits, all of a fee rate
        strictly below `rate` (a `rate_key`; the latest arrivals first among equals: the older
        ones are nearer their block); None if it cannot fit. Evicts nothing itself."""
        count = len(self._entries) + 1
        total = self._bytes + size
        victims: list[Entry] = []
        popped: list[tuple[int, int, bytes]] = []
        while count > self.policy.max_count or total > self.policy.max_bytes:
            lowest = self._pop_lowest()
            if lowest is None or lowest[0] >= rate:
                if lowest is not None:
                    popped.append(lowest)
                for item in popped:
                    heapq.heappush(self._by_rate, item)
                return None
            popped.append(lowest)
            victim = self._entries[lowest[2]]
            victims.append(victim)
            count -= 1
            total -= victim.size
        return victims  # their heap items are gone with them

    def _pop_lowest(self) -> tuple[int, int, bytes] | None:
        while self._by_rate:
            item = heapq.heappop(self._by_rate)
            entry = self._entries.get(item[2])
            if entry is not None and entry.sequence == -item[1]:
                return item
        return None

    def _insert(self, entry: Entry) -> None:
        self._entries[entry.txid] = entry
        for outpoint in entry.outpoints:
            self._spenders[outpoint] = entry.txid
        self._wtxids.add(entry.wtxid)
        self._wtxids_frozen = None
        self._bytes += entry.size
        heapq.heappush(self._by_rate, (_heap_key(entry), -entry.sequence, entry.txid))

    def _remove(self, txid: bytes) -> Entry:
        entry = self._entries.pop(txid)
        for outpoint in entry.outpoints:
            del self._spenders[outpoint]
        self._wtxids.discard(entry.wtxid)
        self._wtxids_frozen = None
        self._bytes -= entry.size
        # Stale heap items go when popped; rebuild when they outnumber the live ones.
        if len(self._by_rate) > 2 * len(self._entries) + 64:
            self._by_rate = [(_heap_key(e), -e.sequence, e.txid) for e in self._entries.values()]
            heapq.heapify(self._by_rate)
        return entry

    def _count(self, result: AcceptResult) -> None:
        if result.accepted:
            self._accepted += 1
        elif result.known:
            self._known += 1
        else:
            rule = result.rule or "invalid"
            self._rejected[rule] = self._rejected.get(rule, 0) + 1

    # After a block.

    def remove_block(self, transactions: Iterable[BlockTransaction]) -> list[Dropped]:
        """Forget what an applied block settled: the transactions it holds (`INCLUDED`) and any
        pool transaction spending an output the block spent (its conflict lost)."""
        dropped: list[Dropped] = []
        for item in transactions:
            if isinstance(item, Transaction):
                txid, outpoints = item.hash.to_bytes(), spent_outpoints(item)
            else:
                txid, outpoints = item[0], tuple(item[1])
            if txid in self._entries:
                self._remove(txid)
                dropped.append((txid, INCLUDED, "in the block"))
            for outpoint in outpoints:
                spender = self._spenders.get(outpoint)
                if spender is not None:
                    self._remove(spender)
                    dropped.append(
                        (
                            spender,
                            SPENT_BY_BLOCK,
                            f"{_describe(outpoint)} was spent by block transaction"
                            f" {txid[::-1].hex()}",
                        )
                    )
        return dropped

    def revalidate(self) -> list[Dropped]:
        """Check every pool transaction against the new tip again, in one batch, and drop those
        that fail. Signatures are not verified again: they verified on entry and no state
        changes them."""
        if not self._entries:
            return []
        entries = list(self._entries.values())
        checks = self.checker([e.raw for e in entries], False)
        dropped: list[Dropped] = []
        for entry, check in zip(entries, checks, strict=True):
            if not check.ok:
                self._remove(entry.txid)
                dropped.append((entry.txid, check.rule or "invalid", check.detail or ""))
        return dropped


def _reject(rule: str, detail: str) -> AcceptResult:
    return AcceptResult(False, rule=rule, detail=detail)
