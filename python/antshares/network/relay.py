"""Transaction and consensus relay: announcements in, requests out, admission, announcements on.

An inv of transactions we lack and have not asked for recently becomes a getdata to that peer; the
request is remembered (bounded, with expiry) so other peers' announcements of the same item do not
make us fetch it twice. Arrived transactions queue (bounded) for one worker that offers them to
`BlockSink.add_transaction`; an accepted one is announced to every peer that does not have it.
A rejection by rule is not relayed and not scored: policy (fees, double spends) is not misbehaviour;
only bytes that do not decode are.

Consensus payloads (inv type 0xE0, command "consensus") are carried for the consensus service: each
is handed once (hash-deduplicated) to the `on_consensus` callback, and relayed when it returns True.
With no callback they are ignored.
"""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from antshares_native._native import hash256

from antshares.network.bounded import ExpiringMap, LruSet
from antshares.network.config import P2PConfig
from antshares.network.messages import InvType, encode_inventory
from antshares.network.peer import Peer
from antshares.node.backend import BlockSink, ChainReader

__all__ = ["ConsensusHandler", "Relay", "RelayHost"]

log = logging.getLogger("antshares.network")

ADMISSIONS = 64

ConsensusHandler = Callable[[bytes, Peer], bool]
"""on_consensus(payload, peer) -> relay it on?"""


class RelayHost(Protocol):
    def ready_peers(self) -> list[Peer]: ...


class Relay:
    def __init__(
        self,
        config: P2PConfig,
        chain: ChainReader,
        sink: BlockSink,
        host: RelayHost,
        clock: Callable[[], float],
    ) -> None:
        self.config = config
        self.chain = chain
        self.sink = sink
        self.host = host
        self.clock = clock
        self.on_consensus: ConsensusHandler | None = None
        self.requested: ExpiringMap[bytes, Peer] = ExpiringMap(config.max_requests)
        self.seen: LruSet[bytes] = LruSet(config.seen_items)
        """Transactions and consensus payloads already handled (or being handled)."""
        self._consensus: OrderedDict[bytes, bytes] = OrderedDict()
        self._consensus_bytes = 0
        self._queue: asyncio.Queue[tuple[Peer, bytes, bytes]] = asyncio.Queue(
            config.max_pending_transactions
        )
        self._task: asyncio.Task[None] | None = None
        self.transactions_received = 0
        self.transactions_accepted = 0
        self.transactions_dropped = 0
        self.consensus_received = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._admit_loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def tick(self) -> None:
        """Forget requests that were not answered: another announcement may now be followed."""
        self.requested.expire(self.clock())

    # Announcements in.

    def on_inv(self, peer: Peer, inv_type: InvType, hashes: tuple[bytes, ...]) -> None:
        if inv_type == InvType.CONSENSUS and self.on_consensus is None:
            return
        deadline = self.clock() + self.config.request_timeout
        wanted: list[bytes] = []
        for item in hashes:
            peer.learn(item)
            if item in self.seen or item in self.requested:
                continue
            if inv_type == InvType.TX and self.chain.has_transaction(item):
                continue
            self.requested.put(item, peer, deadline)
            wanted.append(item)
        if wanted:
            peer.send("getdata", encode_inventory(inv_type, wanted))

    # Transactions.

    def on_transaction(self, peer: Peer, txid: bytes, raw: bytes) -> None:
        """A decoded transaction from `peer` (the caller scored it if it did not decode)."""
        peer.learn(txid)
        self.requested.pop(txid)
        self.transactions_received += 1
        if not self.seen.add(txid):
            return
        try:
            self._queue.put_nowait((peer, txid, raw))
        except asyncio.QueueFull:
            self.seen.discard(txid)  # may be offered again later
            self.transactions_dropped += 1
            log.debug("%s: transaction queue full, dropped one", peer)

    async def _admit_loop(self) -> None:
        # Up to ADMISSIONS offers at once: the node batches concurrent add_transaction calls.
        slots = asyncio.Semaphore(ADMISSIONS)
        running: set[asyncio.Task[None]] = set()
        try:
            while True:
                item = await self._queue.get()
                await slots.acquire()
                task = asyncio.get_running_loop().create_task(self._admit(*item))
                running.add(task)
                task.add_done_callback(running.discard)
                task.add_done_callback(lambda _: slots.release())
        finally:
            for task in running:
                task.cancel()

    async def _admit(self, peer: Peer, txid: bytes, raw: bytes) -> None:
        try:
            result = await self.sink.add_transaction(raw)
        except Exception:
            log.exception("%s: add_transaction failed", peer)
            return
        if result.accepted:
            self.transactions_accepted += 1
            self.relay_transaction(txid, source=peer)
        elif not result.known:
            log.debug("%s: transaction rejected: %s (%s)", peer, result.rule, result.detail)

    def relay_transaction(self, txid: bytes, source: object | None = None) -> None:
        payload = encode_inventory(InvType.TX, [txid])
        for p in self.host.ready_peers():
            if p is source or not p.relay or p.knows(txid):
                continue
            p.learn(txid)
            p.send("inv", payload)

    # Consensus payloads.

    def consensus_payload(self, item: bytes) -> bytes | None:
        return self._consensus.get(item)

    def _remember_consensus(self, item: bytes, payload: bytes) -> None:
        self._consensus[item] = payload
        self._consensus_bytes += len(payload)
        while self._consensus_bytes > self.config.max_consensus_cache_bytes and self._consensus:
            _, old = self._consensus.popitem(last=False)
            self._consensus_bytes -= len(old)

    def _announce_consensus(self, item: bytes, source: Peer | None) -> None:
        payload = encode_inventory(InvType.CONSENSUS, [item])
        for p in self.host.ready_peers():
            if p is source or p.knows(item):
                continue
            p.learn(item)
            p.send("inv", payload)

    def on_consensus_payload(self, peer: Peer, payload: bytes) -> None:
        item = hash256(payload)
        peer.learn(item)
        self.requested.pop(item)
        handler = self.on_consensus
        if handler is None or not self.seen.add(item):
            return
        self.consensus_received += 1
        self._remember_consensus(item, payload)
        try:
            relay = handler(payload, peer)
        except Exception:
            log.exception("%s: the consensus handler failed", peer)
            return
        if relay:
            self._announce_consensus(item, peer)

    def broadcast_consensus(self, payload: bytes) -> bytes:
        """Announce a consensus payload of our own to every peer; its hash (dSHA256)."""
        item = hash256(payload)
        self.seen.add(item)
        self._remember_consensus(item, payload)
        self._announce_consensus(item, None)
        return item
