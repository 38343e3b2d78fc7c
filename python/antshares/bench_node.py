"""The node's benchmarks (`antshares bench --node`, and benchmarks/test_bench_node.py,
test_bench_sync.py): ratios against baselines measured in the same run, on the same inputs.

- framing: messages/s decoded by the Cython framing module against its pure-Python twin;
- mempool over RPC: transactions/s a real relay node process admits through `sendrawtransaction`
  (JSON-RPC batches) against `ChainState.check_transactions` on the same transactions in-process
  — the least admission can cost (decode, every signature, every rule);
- sync over P2P: transactions/s a node started empty reaches by syncing a chain from a server
  node over loopback (from its process start) against `import_chain` of the same blocks.

Reported, no targets. Each node figure is one run: a node's mempool or store cannot be reset.
"""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from antshares.bench import Result, rate
from antshares.chain.files import write_chain_file
from antshares.core import Block
from antshares.devnet.generate import generated_blocks
from antshares.devnet.init import DevnetInit, init_devnet
from antshares.devnet.rpc_workload import NODE_MIX
from antshares.devnet.workload import Workload
from antshares.ledger.chainstate import ChainState
from antshares.ledger.importer import import_chain
from antshares.network import _framing_py
from antshares.node.localnet import LocalNode, wait_until

__all__ = [
    "MempoolFigures",
    "SyncFigures",
    "bench_framing",
    "bench_mempool_rpc",
    "bench_sync",
    "run_node_benchmarks",
]

MAGIC = 0x00746E41
RPC_BATCH = 100
RPC_CLIENTS = 2


def bench_framing(count: int = 10_000) -> Result | None:
    """Decoding `count` small messages from 64 KiB reads; None when the module is not built."""
    try:
        from antshares.network import _framing as compiled
    except ImportError:
        return None
    kinds = [("inv", 34), ("ping", 12), ("tx", 250), ("getdata", 34)]
    wire = b"".join(
        _framing_py.encode_message(MAGIC, kinds[i % 4][0], os.urandom(kinds[i % 4][1]))
        for i in range(count)
    )
    chunks = [wire[i : i + 65536] for i in range(0, len(wire), 65536)]

    def decode(module: ModuleType) -> None:
        decoder = module.FrameDecoder(MAGIC)
        for chunk in chunks:
            decoder.feed(chunk)

    ours = rate(lambda: decode(compiled), count)
    base = rate(lambda: decode(_framing_py), count)
    return Result(f"P2P framing decode ({count} msgs)", ours, base, "pure-Python twin", None)


def _chain(root: Path, seed: str, blocks: int, txs_per_block: int) -> tuple[DevnetInit, Path, int]:
    """A devnet and a generated chain file of it; the number of transactions after the genesis."""
    devnet = init_devnet(root / "devnet", block_time=1, seed=seed)
    counts: list[int] = []

    def raws() -> Iterator[bytes]:
        for raw, count in generated_blocks(
            devnet.profile, list(devnet.secrets), blocks, txs_per_block, seed
        ):
            counts.append(count)
            yield raw

    chain = root / "chain.acc"
    write_chain_file(chain, raws())
    return devnet, chain, sum(counts[1:])


def _import(devnet: DevnetInit, chain: Path, data_dir: Path) -> float:
    start = time.perf_counter()
    with ChainState.open(devnet.profile, data_dir) as state:
        stats = import_chain(state, [chain])
    if stats.error is not None:
        raise RuntimeError(f"the benchmark chain does not import: {stats.error}")
    return time.perf_counter() - start


@dataclass(frozen=True)
class MempoolFigures:
    transactions: int
    rpc_seconds: float
    native_seconds: float

    def result(self) -> Result:
        n = self.transactions
        return Result(
            f"mempool over RPC ({n:,} txs)",
            n / self.rpc_seconds,
            n / self.native_seconds,
            "check_transactions, in-process",
            None,
        )


def bench_mempool_rpc(root: Path, blocks: int = 40, txs_per_block: int = 100) -> MempoolFigures:
    """Transactions valid independently (confirmed coins only), sent to a relay node's RPC."""
    seed = "bench-node"
    devnet, chain, _ = _chain(root, seed, blocks, txs_per_block)
    workload = Workload(
        devnet.profile, list(devnet.secrets), seed, mix=NODE_MIX, confirmed_only=True
    )
    data_dir = root / "node"
    _import(devnet, chain, data_dir)
    with ChainState.open(devnet.profile, data_dir) as state:
        for height in range(state.height + 1):
            raw = state.block_at(height)
            assert raw is not None
            workload.on_block(Block.from_bytes(raw))
    raws = [tx.to_bytes() for tx in workload.next_transactions(blocks * txs_per_block)]

    scratch = root / "scratch"
    shutil.copytree(data_dir, scratch)
    with ChainState.open(devnet.profile, scratch) as state:
        state.check_transactions(raws[:10])  # warm the key cache and the UTXO path
        start = time.perf_counter()
        checks = state.check_transactions(raws)
        native = time.perf_counter() - start
    refused = {c.rule for c in checks if not c.ok}
    if refused:
        raise RuntimeError(f"the benchmark transactions do not check: {refused}")

    node = LocalNode("bench", data_dir, devnet.profile_path).start()
    try:
        chunks = [raws[i : i + RPC_BATCH] for i in range(0, len(raws), RPC_BATCH)]

        def send(chunk: list[bytes]) -> int:
            replies = node.rpc.batch([("sendrawtransaction", [raw.hex()]) for raw in chunk])
            return sum(1 for r in replies if r is True)

        start = time.perf_counter()
        with ThreadPoolExecutor(RPC_CLIENTS) as pool:
            accepted = sum(pool.map(send, chunks))
        over_rpc = time.perf_counter() - start
        if accepted != len(raws) or len(node.rpc.call("getrawmempool")) != len(raws):
            raise RuntimeError(f"the node accepted {accepted} of {len(raws)} transactions")
    finally:
        node.stop()
    return MempoolFigures(len(raws), over_rpc, native)


@dataclass(frozen=True)
class SyncFigures:
    blocks: int
    transactions: int
    sync_seconds: float
    import_seconds: float

    def result(self) -> Result:
        n = self.transactions
        return Result(
            f"sync over P2P ({self.blocks:,} blocks)",
            n / self.sync_seconds,
            n / self.import_seconds,
            "chain import, same blocks",
            None,
        )


def bench_sync(root: Path, blocks: int = 1000, txs_per_block: int = 100) -> SyncFigures:
    """A node started empty syncs a server node's chain, timed from its process start (Python
    start-up, store and handshake included: the sync may begin before its ports are known)."""
    devnet, chain, transactions = _chain(root, "bench-sync", blocks, txs_per_block)
    imported = _import(devnet, chain, root / "import")
    _import(devnet, chain, root / "server")
    server = LocalNode("server", root / "server", devnet.profile_path).start()
    late = LocalNode("late", root / "late", devnet.profile_path, seeds=[server.endpoint])
    try:
        start = time.perf_counter()
        late.start()
        wait_until(lambda: late.height() >= blocks, 600, "the late node to sync", 0.02)
        synced = time.perf_counter() - start
        if late.rpc.call("getbestblockhash") != server.rpc.call("getbestblockhash"):
            raise RuntimeError("the late node synced another chain")
    finally:
        late.stop()
        server.stop()
    return SyncFigures(blocks, transactions, synced, imported)


def run_node_benchmarks(quick: bool = False) -> list[Result]:
    """The rows of `antshares bench --node`."""
    rows: list[Result] = []
    framing = bench_framing(2_000 if quick else 10_000)
    if framing is not None:
        rows.append(framing)
    with tempfile.TemporaryDirectory(prefix="antshares-bench-node-") as tmp:
        root = Path(tmp)
        mempool = bench_mempool_rpc(root / "mempool", *((10, 50) if quick else (40, 100)))
        rows.append(mempool.result())
        rows.append(bench_sync(root / "sync", *((100, 20) if quick else (1000, 100))).result())
    return rows
