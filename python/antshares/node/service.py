"""A running node: the ledger, the mempool, the P2P layer, the RPC server and, on a bookkeeper,
block production — wired together on one asyncio loop.

Threads: the event loop serves peers and RPC; one ledger thread owns the `ChainState` (its native
engine is single-writer) and the mempool's writes. Every ledger operation is a function run on
that thread (`_on_ledger`), so heavy work — a batch of blocks, a batch of signature checks, both
with the GIL released inside the engine — never stalls the loop. The loop reads the chain only
through LMDB read transactions (`StoreChainReader`), never the engine.

Transactions offered by peers and RPC clients are admitted in batches (`_admit_transactions`):
whatever arrived while the previous batch was being checked goes to the mempool in one call, so
its signatures are verified in one parallel run.
"""

import asyncio
import contextlib
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from antshares_native._native import verify_block

from antshares.chain.profiles import Profile
from antshares.core import Block, Header
from antshares.devnet.init import read_bookkeeper_keys
from antshares.fileio import write_atomic
from antshares.ledger.builder import BlockBuilder, FileBeaconSecrets
from antshares.ledger.chainstate import ChainState
from antshares.network.config import P2PConfig
from antshares.network.node import P2PNode
from antshares.node.backend import AcceptResult, PeerInfo
from antshares.node.chain_reader import StoreChainReader, header_bytes
from antshares.node.config import NodeConfig
from antshares.node.evidence import EvidencePool
from antshares.node.mempool import Mempool, MempoolPolicy
from antshares.node.rpc_context import NodeRpcContext
from antshares.rpc.server import RpcServer
from antshares.wallet.ledger_view import LedgerView

__all__ = ["NODE_INFO_FILE", "USER_AGENT", "Node"]

log = logging.getLogger("antshares.node")

NODE_INFO_FILE = "node-info.json"
"""Written once the node listens: pid and the ports it bound (port 0 in the config picks one)."""
USER_AGENT = "/antshares-py:0.1.0/"
MAX_BLOCK_TXS = 10_000
TX_BATCH = 4096
"""Most transactions admitted to the mempool in one ledger call."""
RATE_WINDOW = 60.0
"""Seconds over which blocks/s and signatures/s are averaged."""

T = TypeVar("T")


@dataclass
class _Rates:
    """Events per second over the last RATE_WINDOW seconds."""

    events: deque[tuple[float, int]]

    def add(self, count: int) -> None:
        if count:
            self.events.append((time.monotonic(), count))

    def per_second(self) -> float:
        now = time.monotonic()
        while self.events and self.events[0][0] < now - RATE_WINDOW:
            self.events.popleft()
        return sum(c for _, c in self.events) / RATE_WINDOW


def _rates() -> _Rates:
    return _Rates(deque())


class Node:
    """One node process. `start()`, then `wait_stopped()`; `request_stop()` from a signal."""

    def __init__(self, profile: Profile, data_dir: Path, config: NodeConfig) -> None:
        self.profile = profile
        self.data_dir = data_dir
        self.config = config
        self.nonce = int.from_bytes(os.urandom(4), "little")
        self._ledger = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger")
        self.state: ChainState | None = None
        self.mempool: Mempool | None = None
        self.chain: StoreChainReader | None = None
        self.view: LedgerView | None = None
        self.p2p: P2PNode | None = None
        self.rpc: RpcServer | None = None
        self.evidence = EvidencePool(data_dir)
        self.builder: BlockBuilder | None = None
        self.block_time = float(
            config.bookkeeper.block_time
            if config.bookkeeper is not None and config.bookkeeper.block_time is not None
            else profile.block_time_seconds
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._stopped = asyncio.Event()
        self._tip_changed = asyncio.Event()
        self._tx_queue: asyncio.Queue[tuple[bytes, asyncio.Future[AcceptResult]]] = asyncio.Queue()
        self.signatures_reused = 0
        """Block signatures not checked again: their transactions were verified on admission."""
        self.block_rate = _rates()
        self.signature_rate = _rates()
        self.started = time.time()

    # Life cycle.

    async def start(self) -> None:
        """Open the ledger, then listen (P2P, RPC) and start producing blocks if a bookkeeper."""
        config = self.config
        self.state = await self._on_ledger(self._open_state)
        state = self.state
        self.mempool = Mempool(
            MempoolPolicy(
                min_byte_fee_per_byte=config.mempool.min_byte_fee,
                max_count=config.mempool.max_transactions,
                max_bytes=config.mempool.max_megabytes << 20,
            ),
            state.check_transactions,
        )
        mempool = self.mempool
        self.chain = StoreChainReader(
            state.store, self.profile.magic, self._mempool_raw, mempool.txids
        )
        self.view = LedgerView(state.store, self.profile)
        if config.bookkeeper is not None:
            secrets = read_bookkeeper_keys(config.bookkeeper.key_file)
            self.builder = BlockBuilder(
                state, secrets, FileBeaconSecrets(self.data_dir / "beacon-secrets.json")
            )
        p2p = config.p2p
        seeds = p2p.seeds if p2p.seeds is not None else _profile_seeds(self.profile)
        self.p2p = P2PNode(
            P2PConfig(
                magic=self.profile.magic,
                listen_host=p2p.listen,
                listen_port=self.profile.p2p_port if p2p.port is None else p2p.port,
                seeds=tuple(seeds),
                max_outbound=p2p.max_outbound,
                max_inbound=p2p.max_inbound,
                user_agent=USER_AGENT,
                nonce=self.nonce,
                ban_seconds=p2p.ban_seconds,
            ),
            self.chain,
            self,
        )
        await self.p2p.start()
        if config.rpc.enabled:
            self.rpc = RpcServer(
                NodeRpcContext(self),
                host=config.rpc.listen,
                port=self.profile.rpc_port if config.rpc.port is None else config.rpc.port,
            )
            await self.rpc.start()
        self._tasks.append(asyncio.create_task(self._admit_transactions(), name="mempool"))
        if self.builder is not None:
            self._tasks.append(asyncio.create_task(self._produce_blocks(), name="bookkeeper"))
        self._write_node_info()
        log.info(
            "node up: network %s, height %d, p2p %s:%d, rpc %s, %s",
            self.profile.name,
            self.chain.height,
            p2p.listen,
            self.p2p.listening_port,
            f"{config.rpc.listen}:{self.rpc.port}" if self.rpc is not None else "off",
            "bookkeeper" if self.builder is not None else "relay",
        )

    def _open_state(self) -> ChainState:
        return ChainState.open(
            self.profile,
            self.data_dir,
            utxo_cache_bytes=self.config.ledger.utxo_cache_megabytes << 20,
        )

    def _write_node_info(self) -> None:
        assert self.p2p is not None
        info = {
            "pid": os.getpid(),
            "network": self.profile.name,
            "magic": self.profile.magic,
            "p2p_port": self.p2p.listening_port,
            "rpc_port": self.rpc.port if self.rpc is not None else None,
        }
        write_atomic(self.data_dir / NODE_INFO_FILE, (json.dumps(info) + "\n").encode())

    def request_stop(self) -> None:
        self._stopping.set()

    async def wait_stopped(self) -> None:
        """Run until `request_stop()`, then stop everything cleanly."""
        await self._stopping.wait()
        await self.stop()

    async def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopping.set()
        log.info("node stopping")
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.rpc is not None:
            await self.rpc.stop()
        if self.p2p is not None:
            await self.p2p.stop()
        while not self._tx_queue.empty():
            _, future = self._tx_queue.get_nowait()
            if not future.done():
                future.set_result(AcceptResult(False, rule="node-stopping", detail="shut down"))
        # Whatever the ledger thread is doing finishes (a block commits whole) before the close.
        if self.state is not None:
            await self._on_ledger(self.state.close)
        self._ledger.shutdown(wait=True)
        with contextlib.suppress(FileNotFoundError):
            (self.data_dir / NODE_INFO_FILE).unlink()
        self._stopped.set()
        log.info("node stopped")

    async def _on_ledger(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._ledger, fn, *args)

    # Transactions (BlockSink, and RPC through submit_transaction).

    def _mempool_raw(self, txid: bytes) -> bytes | None:
        assert self.mempool is not None
        entry = self.mempool.get(txid)
        return None if entry is None else entry.raw

    async def add_transaction(self, raw: bytes) -> AcceptResult:
        """A transaction from a peer (the P2P layer relays it if accepted)."""
        future: asyncio.Future[AcceptResult] = asyncio.get_running_loop().create_future()
        await self._tx_queue.put((raw, future))
        return await future

    async def submit_transaction(self, raw: bytes) -> AcceptResult:
        """A transaction from an RPC client: admitted, then announced to every peer."""
        result = await self.add_transaction(raw)
        if result.accepted and result.txid is not None and self.p2p is not None:
            self.p2p.relay_transaction(result.txid)
        return result

    async def _admit_transactions(self) -> None:
        queue = self._tx_queue
        while True:
            batch = [await queue.get()]
            while len(batch) < TX_BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                results = await self._on_ledger(self._admit, [raw for raw, _ in batch])
            except Exception as exc:  # keep serving: the batch fails, the node does not
                log.exception("admitting %d transactions failed", len(batch))
                results = [AcceptResult(False, rule="internal", detail=str(exc))] * len(batch)
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    def _admit(self, raws: Sequence[bytes]) -> list[AcceptResult]:
        assert self.mempool is not None
        results = self.mempool.add(raws)
        self.signature_rate.add(sum(1 for r in results if r.accepted))
        return results

    # Blocks (BlockSink, and RPC through submit_block).

    async def add_blocks(self, raws: Sequence[bytes]) -> list[AcceptResult]:
        results, applied = await self._on_ledger(self._apply_blocks, list(raws))
        if applied:
            self._tip_changed.set()
            if self.p2p is not None:
                for block_hash in applied:
                    self.p2p.relay_block(block_hash)
        return results

    async def submit_block(self, raw: bytes) -> AcceptResult:
        return (await self.add_blocks([raw]))[0]

    def _apply_blocks(self, raws: list[bytes]) -> tuple[list[AcceptResult], list[bytes]]:
        """Apply what extends the tip; note forks signed by the bookkeepers as evidence."""
        state, mempool = self.state, self.mempool
        assert state is not None and mempool is not None
        results: list[AcceptResult | None] = [None] * len(raws)
        chain: list[tuple[int, bytes, Block]] = []
        next_height, prev_hash = state.height + 1, state.tip_hash
        for i, raw in enumerate(raws):
            try:
                block = Block.from_bytes(raw)
            except ValueError as exc:
                results[i] = AcceptResult(False, rule="block-decode", detail=str(exc))
                continue
            index = block.index
            if index < next_height and not chain:
                results[i] = self._known_or_fork(block, raw)
            elif index == next_height and block.header.prev_hash.to_bytes() == prev_hash:
                chain.append((i, raw, block))
                next_height, prev_hash = index + 1, block.hash.to_bytes()
            else:
                results[i] = AcceptResult(
                    False,
                    rule="block-orphan",
                    detail=f"block {index} does not follow block {next_height - 1}",
                )
        applied: list[bytes] = []
        if chain:
            outcome = state.apply_blocks(
                [raw for _, raw, _ in chain], verified=mempool.verified_wtxids()
            )
            for position, (i, _, block) in enumerate(chain):
                if position < outcome.applied:
                    results[i] = AcceptResult(True)
                    applied.append(block.hash.to_bytes())
                    mempool.remove_block(block.transactions)
                elif position == outcome.applied and outcome.error is not None:
                    error = outcome.error
                    results[i] = AcceptResult(False, rule=error.rule, detail=error.detail)
                else:
                    results[i] = AcceptResult(
                        False, rule="not-tried", detail="an earlier block failed"
                    )
            self.block_rate.add(outcome.applied)
            self.signature_rate.add(outcome.signatures)
            self.signatures_reused += outcome.reused
            if outcome.applied:
                dropped = mempool.revalidate()
                if dropped:
                    log.info(
                        "mempool: %d transactions no longer valid after the block", len(dropped)
                    )
        return [
            r if r is not None else AcceptResult(False, rule="not-tried") for r in results
        ], applied

    def _known_or_fork(self, block: Block, raw: bytes) -> AcceptResult:
        assert self.chain is not None
        index = block.index
        ours = self.chain.hash_at(index)
        if ours == block.hash.to_bytes():
            return AcceptResult(False, known=True)
        # A different block at a height we have: if the bookkeepers signed it, that is
        # equivocation (SPEC §7.10), worth keeping; otherwise it is just an invalid block.
        previous = self.chain.hash_at(index - 1) if index > 0 else None
        prev_raw = None if previous is None else self.chain.block_raw(previous)
        our_raw = None if ours is None else self.chain.block_raw(ours)
        if prev_raw is not None and our_raw is not None:
            expected = Header.from_bytes(header_bytes(prev_raw)[:-1]).next_consensus
            if verify_block(raw, expected)["ok"]:
                self.evidence.add_double_header(index, header_bytes(our_raw), header_bytes(raw))
                return AcceptResult(
                    False, rule="block-fork", detail=f"a second signed block at height {index}"
                )
        return AcceptResult(False, rule="block-stale", detail=f"block {index} is not on this chain")

    # Block production (a solo bookkeeper).

    async def _produce_blocks(self) -> None:
        assert self.state is not None
        state = self.state
        while True:
            due = await self._on_ledger(lambda: state.tip_timestamp + self.block_time)
            delay = due - time.time()
            if delay > 0:
                self._tip_changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._tip_changed.wait(), delay)
                if self._tip_changed.is_set():
                    continue  # a block arrived from elsewhere: the next one is due later
            try:
                block_hash, count = await self._on_ledger(self._produce, due)
            except Exception:
                log.exception("producing a block failed; retrying after the block time")
                await asyncio.sleep(self.block_time)
                continue
            self.block_rate.add(1)
            assert self.chain is not None
            log.info("block %d produced with %d transactions", self.chain.height, count)
            if self.p2p is not None:
                self.p2p.relay_block(block_hash)

    def _produce(self, due: float) -> tuple[bytes, int]:
        builder, mempool = self.builder, self.mempool
        assert builder is not None and mempool is not None
        entries = mempool.candidates(MAX_BLOCK_TXS)
        built = builder.produce(
            [e.tx for e in entries],
            int(max(time.time(), due)),
            verified=mempool.verified_wtxids(),
        )
        mempool.remove_block(built.block.transactions)
        mempool.revalidate()
        return built.block.hash.to_bytes(), len(built.included)

    # What RPC and /metrics read.

    def mempool_txids(self) -> list[bytes]:
        return self.mempool.txids() if self.mempool is not None else []

    def version(self) -> dict[str, Any]:
        port = self.p2p.listening_port if self.p2p is not None else 0
        return {"port": port, "nonce": self.nonce, "useragent": USER_AGENT}

    def peers_connected(self) -> list[PeerInfo]:
        return self.p2p.connected() if self.p2p is not None else []

    def metrics(self) -> dict[str, float]:
        assert self.chain is not None and self.mempool is not None
        return {
            "height": float(self.chain.height),
            "peers": float(len(self.peers_connected())),
            "mempool_size": float(len(self.mempool)),
            "mempool_bytes": float(self.mempool.total_bytes),
            "blocks_per_second": self.block_rate.per_second(),
            "verify_rate": self.signature_rate.per_second(),
            "signatures_reused_total": float(self.signatures_reused),
            "evidence": float(len(self.evidence)),
            "uptime_seconds": time.time() - self.started,
        }

    def healthy(self) -> tuple[bool, str]:
        if self._stopping.is_set():
            return False, "stopping"
        if self.state is None or self.chain is None:
            return False, "starting"
        return True, f"height {self.chain.height}"


def _profile_seeds(profile: Profile) -> list[tuple[str, int]]:
    seeds = []
    for seed in profile.seeds:
        host, _, port = seed.rpartition(":")
        seeds.append((host, int(port)) if host else (seed, profile.p2p_port))
    return seeds
