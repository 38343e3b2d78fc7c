"""Headers-first block sync, relayed blocks and orphans.

1. Headers: one getheaders at a time, to the peer showing the greatest height, with a locator from
   our best header back to the genesis. Headers that link (prev_hash, consecutive index) and whose
   block witnesses verify (signed for the previous header's NextConsensus) extend the
   `HeaderChain`; one that does not link, or has a bad witness, is misbehaviour. Replies are
   handled one at a time, in arrival order, each one's witnesses checked in one native batch off
   the event loop. We ask again while the peer still shows more (a full reply of 2000, or a height
   above our best header).
2. Blocks: the header chain's blocks above the tip, inside a window, are asked for with getdata in
   chunks, round-robin over the peers whose height covers them, at most `max_blocks_in_flight` per
   peer. A request that times out (or is answered by notfound) is asked of another peer; the peer
   is left out of requests for a while.
3. Apply: blocks arrive in any order into a buffer (bounded by bytes); one task hands the run that
   follows the tip to `BlockSink.add_blocks`, in batches. An invalid block scores the peer that sent
   it and cuts the header chain there.
4. A block announced alone when we are synced is fetched directly; one whose parent is unknown goes
   to the orphan pool and makes us ask that peer for headers; orphans follow their parent in.
"""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Protocol

from antshares_native._native import Block, Header, verify_headers

from antshares.network.ahead import HeaderChain, OrphanPool
from antshares.network.config import P2PConfig, Score
from antshares.network.messages import (
    MAX_HEADERS,
    InvType,
    encode_getblocks,
    encode_inventory,
)
from antshares.network.peer import Peer
from antshares.node.backend import AcceptResult, BlockSink, ChainReader

__all__ = ["BlockSync", "SyncHost"]

log = logging.getLogger("antshares.network")

MAX_LOCATOR_SENT = 64
_APPLY_BATCH_BYTES = 16 << 20
_NEXT_CONSENSUS = slice(84, 104)
"""Where a block's NextConsensus sits in its bytes (format-1x §2.1: after version, prev_hash,
merkle_root, timestamp, index, consensus_data)."""
_MAX_QUEUED_REPLIES = 8
"""Headers replies waiting while one is being checked. Only replies nobody asked for pile up (one
getheaders is out at a time); past this they are dropped."""


class SyncHost(Protocol):
    """What the sync needs of the node."""

    def ready_peers(self) -> list[Peer]:
        """Handshaked, still connected peers."""
        ...

    def misbehave(
        self, peer: Peer, points: int, reason: str, *, disconnect: bool = False
    ) -> None: ...

    def relay_block(self, block_hash: bytes) -> None: ...


class BlockSync:
    def __init__(
        self,
        config: P2PConfig,
        chain: ChainReader,
        sink: BlockSink,
        host: SyncHost,
        clock: Callable[[], float],
    ) -> None:
        self.config = config
        self.chain = chain
        self.sink = sink
        self.host = host
        self.clock = clock
        tip_hash = chain.tip_hash
        self.headers = HeaderChain(
            config.max_headers_ahead, chain.height, tip_hash, self._next_consensus_of(tip_hash)
        )
        # The headers reply whose witnesses are being checked, and those that came meanwhile.
        self._checking: asyncio.Task[None] | None = None
        self._waiting: deque[tuple[Peer, list[Header]]] = deque()
        # hash → (height when known, the peer asked, deadline)
        self.in_flight: dict[bytes, tuple[int | None, Peer, float]] = {}
        # height → (hash, raw block, the peer it came from)
        self.buffer: dict[int, tuple[bytes, bytes, Peer | None]] = {}
        self.buffer_bytes = 0
        self.orphans: OrphanPool[Peer | None] = OrphanPool(
            config.max_orphans, config.max_orphan_bytes
        )
        self.blocks_received = 0
        self.blocks_applied = 0
        self.invalid_blocks = 0
        self._average_block = 4096.0  # bytes; refined as blocks arrive (sizes the window)
        self._round_robin = 0
        self._scan_from = 0
        """Every height from the tip up to this one is in flight or buffered."""
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # Lifecycle.

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._apply_loop())

    async def stop(self) -> None:
        for task in (self._task, self._checking):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._checking = None
        self._waiting.clear()

    # The local tip.

    def _sync_tip(self) -> int:
        """Read the tip (the node may have added blocks of its own) and follow it."""
        tip_hash = self.chain.tip_hash
        # The height of that very hash: two separate reads could straddle a new block.
        height = self.chain.height_of(tip_hash)
        if height is None:  # a store changing under us: keep what we had this time
            return self.headers.base_height
        if (height, tip_hash) != (self.headers.base_height, self.headers.base_hash):
            if not self.headers.rebase(height, tip_hash):
                self._scan_from = height + 1  # a new header chain: nothing of it asked for
                # A tip the header chain did not hold: what the header after it must be signed
                # for is in its own header.
                self.headers.base_next_consensus = self._next_consensus_of(tip_hash)
            for h in [h for h in self.buffer if h <= height]:
                self._unbuffer(h)
        return height

    def _next_consensus_of(self, block_hash: bytes) -> bytes | None:
        """A local block's NextConsensus (None when the store does not have it)."""
        raw = self.chain.header_raw(block_hash)  # the header, then the headers message's 0x00
        return None if raw is None else Header.from_bytes(raw[:-1]).next_consensus.to_bytes()

    def _best_tip(self) -> tuple[bytes, int, bytes] | None:
        """(hash, height, NextConsensus) of the best header, what the next header is checked
        against; None while the local tip's NextConsensus cannot be read (nothing is checked)."""
        next_consensus = self.headers.tip_next_consensus
        if next_consensus is None:
            return None
        return self.headers.tip_hash, self.headers.tip_height, next_consensus

    def _hash_at(self, height: int) -> bytes | None:
        if height >= self.headers.base_height:
            return self.headers.hash_at(height)
        return self.chain.hash_at(height)

    def locator(self) -> list[bytes]:
        """Hashes from our best header back to the genesis: 10 consecutive, then doubling gaps."""
        self._sync_tip()
        out: list[bytes] = []
        height, step = self.headers.tip_height, 1
        while height > 0 and len(out) < MAX_LOCATOR_SENT - 1:
            block_hash = self._hash_at(height)
            if block_hash is not None:
                out.append(block_hash)
            if len(out) >= 10:
                step *= 2
            height -= step
        genesis = self.chain.hash_at(0)
        if genesis is not None:
            out.append(genesis)
        return out

    # Headers.

    def on_peer_ready(self, peer: Peer) -> None:
        self.maybe_request_headers()

    def on_peer_height(self, peer: Peer, height: int) -> None:
        if height > peer.height:
            peer.height = height
            if height > self.headers.tip_height:
                self.maybe_request_headers()

    def request_headers(self, peer: Peer) -> None:
        """getheaders to `peer`, unless one is out to it or the header chain is over half full
        (each reply repeats what we hold, so wait until blocks have made room)."""
        if len(self.headers) > self.headers.capacity // 2:
            return
        now = self.clock()
        at = peer.headers_requested_at
        if at is not None and now - at < self.config.headers_timeout:
            return
        peer.headers_requested_at = now
        peer.send("getheaders", encode_getblocks(self.locator()))

    def maybe_request_headers(self) -> None:
        """Ask the highest peer above our best header, unless a request is out already."""
        self._sync_tip()
        if len(self.headers) > self.headers.capacity // 2:
            return
        now = self.clock()
        ready = self.host.ready_peers()
        for p in ready:
            at = p.headers_requested_at
            if at is not None and now - at < self.config.headers_timeout:
                return
        best = self.headers.tip_height
        candidates = [p for p in ready if p.height > best]
        if candidates:
            self.request_headers(max(candidates, key=lambda p: p.height))

    def on_headers(self, peer: Peer, headers: list[Header]) -> None:
        """A reply is handled at once, up to checking the witnesses of the headers it adds: that
        runs off the event loop, and the replies arriving meanwhile wait their turn (whether they
        link depends on what the one being checked adds)."""
        if self._checking is None:
            self._take_headers(peer, headers)
        elif len(self._waiting) < _MAX_QUEUED_REPLIES:
            self._waiting.append((peer, headers))
        else:
            # A peer we did ask is asked again when its request times out.
            log.debug("%s: headers reply dropped: %d waiting", peer, len(self._waiting))

    def _take_headers(self, peer: Peer, headers: list[Header]) -> None:
        self._sync_tip()
        fresh, full = self._linking(peer, headers)
        if fresh:
            task = self._check_headers(peer, headers, fresh, full)
            self._checking = asyncio.get_running_loop().create_task(task)
        else:
            self._headers_taken(peer, headers, 0, False, full)

    async def _check_headers(
        self, peer: Peer, headers: list[Header], fresh: list[Header], full: bool
    ) -> None:
        try:
            added, bad = await self._append_verified(peer, fresh)
            self._headers_taken(peer, headers, added, bad, full)
        except Exception:
            log.exception("%s: checking headers failed", peer)
        self._checking = None
        # The replies that came meanwhile, in arrival order, until one needs checking again.
        while self._waiting and self._checking is None:
            self._take_headers(*self._waiting.popleft())

    def _headers_taken(
        self, peer: Peer, headers: list[Header], added: int, bad: bool, full: bool
    ) -> None:
        """Ask for more: of this peer while it shows more, or of the highest peer."""
        # Cleared only now: no other getheaders goes out while a reply is being checked.
        peer.headers_requested_at = None
        if added:
            log.debug("%s: %d new headers, best header %d", peer, added, self.headers.tip_height)
            self.schedule_downloads()
        if bad or (not added and len(headers) < MAX_HEADERS and not full):
            # It has shown nothing (valid) above our best header: do not keep asking it.
            peer.height = min(peer.height, self.headers.tip_height)
        if peer.height > self.headers.tip_height and (added or len(headers) == MAX_HEADERS):
            self.request_headers(peer)
        self.maybe_request_headers()

    def _linking(self, peer: Peer, headers: list[Header]) -> tuple[list[Header], bool]:
        """The cheap filter: the run of headers after those we know that extends our best header
        (prev_hash, consecutive index), up to the room left; and whether the room ran out. A header
        that neither is known nor links ends the run and is misbehaviour."""
        fresh: list[Header] = []
        height, tip_hash = self.headers.tip_height, self.headers.tip_hash
        room = self.headers.capacity - len(self.headers)
        for header in headers:
            block_hash = header.hash.to_bytes()
            if self.headers.height_of(block_hash) is not None or (
                self.chain.height_of(block_hash) is not None
            ):
                peer.height = max(peer.height, header.index)
                continue
            if header.index != height + 1 or header.prev_hash.to_bytes() != tip_hash:
                self.host.misbehave(
                    peer,
                    Score.HEADERS_NOT_LINKING,
                    f"header {header.index} does not link to our best header {height}",
                )
                break
            if len(fresh) >= room:
                return fresh, True  # the rest is asked for again once blocks are applied
            fresh.append(header)
            height, tip_hash = header.index, block_hash
        return fresh, False

    async def _append_verified(self, peer: Peer, fresh: list[Header]) -> tuple[int, bool]:
        """Check the witnesses of `fresh` (a run extending our best header) in one native batch
        off the event loop, then append its valid part. (How many were appended, whether one had
        a bad witness: misbehaviour, and it ends the run.)"""
        tip = self._best_tip()
        if tip is None:
            return 0, False
        raws = [h.to_bytes() for h in fresh]
        valid, error = await asyncio.to_thread(verify_headers, raws, tip)
        if error is not None:
            self.host.misbehave(peer, Score.BAD_HEADER, f"invalid header: {error}")
        # The header chain may have moved meanwhile (blocks applied, a relayed block appended, an
        # invalid one cut): a checked header goes in only while it extends the best header, so
        # the header it was checked against is the one it follows.
        self._sync_tip()
        added = 0
        for header in fresh[:valid]:
            block_hash = header.hash.to_bytes()
            peer.height = max(peer.height, header.index)
            if self.headers.height_of(block_hash) is not None or (
                self.chain.height_of(block_hash) is not None
            ):
                continue
            if (
                header.index != self.headers.tip_height + 1
                or header.prev_hash.to_bytes() != self.headers.tip_hash
                or self.headers.full
            ):
                break
            self.headers.append(block_hash, header.next_consensus.to_bytes())
            added += 1
        return added, error is not None

    # Block requests.

    def _over_budget(self) -> bool:
        estimate = self.buffer_bytes + len(self.in_flight) * self._average_block
        return estimate >= self.config.max_buffer_bytes

    def schedule_downloads(self) -> None:
        tip = self._sync_tip()
        if self.headers.tip_height <= tip:
            return
        cfg = self.config
        now = self.clock()
        peers = [
            p
            for p in self.host.ready_peers()
            if p.stalled_until <= now
            and p.height > tip
            and len(p.blocks_in_flight) < cfg.max_blocks_in_flight
        ]
        if not peers:
            return
        # Collect no more than the peers have room for, from the first height not yet covered:
        # this runs on every block that arrives, so it must not walk the whole window.
        room_total = sum(cfg.max_blocks_in_flight - len(p.blocks_in_flight) for p in peers)
        end = min(self.headers.tip_height, tip + cfg.max_blocks_ahead)
        wanted: list[tuple[int, bytes]] = []
        height = max(tip + 1, self._scan_from)
        while height <= end and len(wanted) < room_total:
            block_hash = self.headers.hash_at(height)
            if block_hash is None:
                break
            if block_hash not in self.in_flight and height not in self.buffer:
                wanted.append((height, block_hash))
            height += 1
        start = self._round_robin % len(peers)
        peers = peers[start:] + peers[:start]
        self._round_robin += 1
        deadline = now + cfg.block_timeout
        pos = 0
        while pos < len(wanted):
            progress = False
            for p in peers:
                room = min(
                    cfg.blocks_per_request, cfg.max_blocks_in_flight - len(p.blocks_in_flight)
                )
                chunk: list[bytes] = []
                while pos < len(wanted) and len(chunk) < room and wanted[pos][0] <= p.height:
                    height, block_hash = wanted[pos]
                    # The next block to apply is always asked for; the rest only within budget.
                    if height != tip + 1 and self._over_budget():
                        break
                    chunk.append(block_hash)
                    self.in_flight[block_hash] = (height, p, deadline)
                    pos += 1
                if chunk:
                    p.blocks_in_flight.update(chunk)
                    p.send("getdata", encode_inventory(InvType.BLOCK, chunk))
                    progress = True
            if not progress:
                break
        # Every height below this one is now in flight or buffered.
        self._scan_from = wanted[pos][0] if pos < len(wanted) else height

    def _release(self, block_hash: bytes) -> Peer | None:
        """Forget a request (answered, timed out, refused): its height is wanted again."""
        entry = self.in_flight.pop(block_hash, None)
        if entry is None:
            return None
        if entry[0] is not None:
            self._scan_from = min(self._scan_from, entry[0])
        entry[1].blocks_in_flight.discard(block_hash)
        return entry[1]

    def tick(self) -> None:
        """Expire block and header requests; ask again elsewhere. Retry applying (after a sink
        error the next block stays buffered and nothing else would wake the applier)."""
        now = self.clock()
        if self._sync_tip() + 1 in self.buffer:
            self._wake.set()
        for block_hash, (height, peer, deadline) in list(self.in_flight.items()):
            if deadline <= now:
                self._release(block_hash)
                peer.stalled_until = now + self.config.block_timeout
                log.info("%s: block %s timed out; asking another peer", peer, height)
        for p in self.host.ready_peers():
            at = p.headers_requested_at
            if at is not None and now - at >= self.config.headers_timeout:
                p.headers_requested_at = None
                p.height = min(p.height, self.headers.tip_height)
        self.maybe_request_headers()
        self.schedule_downloads()

    def on_notfound(self, peer: Peer, hashes: tuple[bytes, ...]) -> None:
        released = False
        for block_hash in hashes:
            entry = self.in_flight.get(block_hash)
            if entry is not None and entry[1] is peer:
                self._release(block_hash)
                released = True
        if released:
            peer.stalled_until = self.clock() + self.config.block_timeout
            self.schedule_downloads()

    def on_peer_gone(self, peer: Peer) -> None:
        for block_hash in list(peer.blocks_in_flight):
            self._release(block_hash)
        self.schedule_downloads()

    # Announcements and blocks.

    def on_block_inv(self, peer: Peer, hashes: tuple[bytes, ...]) -> None:
        for block_hash in hashes:
            peer.learn(block_hash)
        tip = self._sync_tip()
        unknown = [
            h
            for h in hashes
            if self.headers.height_of(h) is None
            and h not in self.in_flight
            and h not in self.orphans
            and self.chain.height_of(h) is None
        ]
        if not unknown:
            return
        synced = self.headers.tip_height == tip
        if (
            len(unknown) == 1
            and synced
            and len(peer.blocks_in_flight) < self.config.max_blocks_in_flight
        ):
            # Most likely the next block: fetch it (if it does not connect, it becomes an orphan).
            block_hash = unknown[0]
            self.in_flight[block_hash] = (None, peer, self.clock() + self.config.block_timeout)
            peer.blocks_in_flight.add(block_hash)
            peer.send("getdata", encode_inventory(InvType.BLOCK, [block_hash]))
        else:
            self.request_headers(peer)

    def on_block(self, peer: Peer | None, block: Block, raw: bytes) -> None:
        block_hash = block.hash.to_bytes()
        height = block.index
        prev_hash = block.header.prev_hash.to_bytes()
        self.blocks_received += 1
        self._average_block += (len(raw) - self._average_block) / 16
        if peer is not None:
            peer.learn(block_hash)
            peer.height = max(peer.height, height)
            peer.blocks_received += 1
        self._release(block_hash)
        tip = self._sync_tip()
        if height <= tip:
            return  # we have it (or another block there: nothing to do with it)
        if self.headers.hash_at(height) == block_hash:
            self._buffer(height, block_hash, raw, peer, tip)
        elif (
            height == self.headers.tip_height + 1
            and prev_hash == self.headers.tip_hash
            and not self.headers.full
        ):
            if not self._witness_ok(peer, block.header):
                return
            self.headers.append(block_hash, block.header.next_consensus.to_bytes())
            self._buffer(height, block_hash, raw, peer, tip)
        elif self.headers.height_of(prev_hash) is None and self.chain.height_of(prev_hash) is None:
            if self.orphans.add(block_hash, prev_hash, raw, peer):
                log.debug("%s: orphan block %d (%d in the pool)", peer, height, len(self.orphans))
            if peer is not None:
                self.request_headers(peer)
        self.schedule_downloads()

    def _witness_ok(self, peer: Peer | None, header: Header) -> bool:
        """Whether a relayed block's header, which links to our best header, is signed for its
        NextConsensus: the header chain takes no unchecked header (a forged one there would make
        the honest headers not link). Checked on the loop: one header is a few signatures."""
        tip = self._best_tip()
        if tip is None:
            return False
        _, error = verify_headers([header.to_bytes()], tip)
        if error is not None and peer is not None:
            self.host.misbehave(peer, Score.BAD_HEADER, f"block {header.index}: {error}")
        return error is None

    def _buffer(
        self, height: int, block_hash: bytes, raw: bytes, peer: Peer | None, tip: int
    ) -> None:
        if height in self.buffer:
            return
        if height != tip + 1 and self.buffer_bytes + len(raw) > self.config.max_buffer_bytes:
            # Over budget: asked for again when its turn is nearer.
            self._scan_from = min(self._scan_from, height)
            return
        self.buffer[height] = (block_hash, raw, peer)
        self.buffer_bytes += len(raw)
        if height == tip + 1:
            self._wake.set()

    def _unbuffer(self, height: int) -> tuple[bytes, bytes, Peer | None] | None:
        entry = self.buffer.pop(height, None)
        if entry is not None:
            self.buffer_bytes -= len(entry[1])
        return entry

    # Applying.

    async def _apply_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self._apply_ready()
            except Exception:
                log.exception("applying downloaded blocks failed")

    async def _apply_ready(self) -> None:
        applied_any = False
        while True:
            tip = self._sync_tip()
            self._adopt_orphans(tip)
            heights: list[int] = []
            size = 0
            height = tip + 1
            while (
                height in self.buffer
                and len(heights) < self.config.apply_batch
                and (size < _APPLY_BATCH_BYTES or not heights)
            ):
                heights.append(height)
                size += len(self.buffer[height][1])
                height += 1
            if not heights:
                break
            results = await self.sink.add_blocks([self.buffer[h][1] for h in heights])
            entries = [self._unbuffer(h) for h in heights]
            rejected = self._settle(heights, entries, results)
            applied_any = applied_any or any(r.accepted for r in results)
            if rejected:
                break
        if applied_any:
            tip = self._sync_tip()
            if tip >= max((p.height for p in self.host.ready_peers()), default=0):
                self.host.relay_block(self.headers.base_hash)
            self.maybe_request_headers()
            self.schedule_downloads()

    def _adopt_orphans(self, tip: int) -> None:
        """Move an orphan whose parent is now the tip into the buffer."""
        for block_hash, raw, source in self.orphans.take_children(self.headers.base_hash):
            if tip + 1 in self.buffer:
                continue
            expected = self.headers.hash_at(tip + 1)
            if expected is None:
                # Unchecked, but applied next: an invalid block cuts the header chain there.
                self.headers.append(block_hash, raw[_NEXT_CONSENSUS])
            elif expected != block_hash:
                continue  # the checked header chain has another block there
            self._buffer(tip + 1, block_hash, raw, source, tip)

    def _settle(
        self,
        heights: list[int],
        entries: list[tuple[bytes, bytes, Peer | None] | None],
        results: list[AcceptResult],
    ) -> bool:
        """Count what was applied; on a rejected block score its sender and cut the header chain
        there. True when a block was rejected."""
        for height, entry, result in zip(heights, entries, results, strict=False):
            if result.ok:
                self.blocks_applied += result.accepted
                continue
            if result.rule == "not-tried":
                continue
            self.invalid_blocks += 1
            source = entry[2] if entry is not None else None
            reason = f"invalid block {height}: {result.rule}: {result.detail}"
            log.warning("%s: %s", source or "local", reason)
            if source is not None:
                self.host.misbehave(source, Score.INVALID_BLOCK, reason)
            self.headers.truncate(height)
            self._scan_from = min(self._scan_from, height)
            for h in [h for h in self.buffer if h >= height]:
                self._unbuffer(h)
            for block_hash, (at, _, _) in list(self.in_flight.items()):
                if at is not None and at >= height:
                    self._release(block_hash)
            return True
        return False
