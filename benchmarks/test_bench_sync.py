"""A late node's sync over P2P against a local chain import of the same blocks.

A server node (a real `antshares node` process) holds a generated devnet chain; a second node
started empty with the server as its only seed syncs it headers-first over loopback. Baseline,
in the same run on the same blocks: `import_chain` of the chain file into a fresh data dir
(every signature checked, the import's pipeline) — what the syncing node's ledger does at best.
The ratio shows what the P2P layer (headers, getdata round trips, framing, the hand-off to the
ledger thread) costs.

Run: `.venv/bin/pytest benchmarks/test_bench_sync.py -s`; figures printed and in `extra_info`.
Timings are not tests: nothing here asserts a speed.
"""

import time
from pathlib import Path
from typing import Any

import pytest

from antshares.chain.files import write_chain_file
from antshares.devnet.generate import generated_blocks
from antshares.devnet.init import init_devnet
from antshares.ledger.chainstate import ChainState
from antshares.ledger.importer import import_chain
from antshares.node.localnet import LocalNode, wait_until

BLOCKS, TXS_PER_BLOCK = 1000, 100
SEED = "bench-sync"


def test_sync_over_p2p(benchmark: Any, tmp_path: Path) -> None:
    devnet = init_devnet(tmp_path / "devnet", block_time=1, seed=SEED)
    secrets = list(devnet.secrets)
    chain = tmp_path / "chain.acc"
    counts = []

    def blocks() -> Any:
        for raw, count in generated_blocks(devnet.profile, secrets, BLOCKS, TXS_PER_BLOCK, SEED):
            counts.append(count)
            yield raw

    write_chain_file(chain, blocks())
    transactions = sum(counts[1:])

    start = time.perf_counter()
    with ChainState.open(devnet.profile, tmp_path / "import") as state:
        stats = import_chain(state, [chain])
    imported = time.perf_counter() - start
    assert stats.error is None

    with ChainState.open(devnet.profile, tmp_path / "server") as state:
        assert import_chain(state, [chain]).error is None
    server = LocalNode("server", tmp_path / "server", devnet.profile_path).start()
    late = LocalNode("late", tmp_path / "late", devnet.profile_path, seeds=[server.endpoint])
    try:

        def sync() -> float:
            # From the process start: its startup (imports, store, handshake) counts too, as
            # the sync may begin before start() has read the node's ports.
            began = time.perf_counter()
            late.start()
            wait_until(lambda: late.height() >= BLOCKS, 300, "the late node to sync", 0.02)
            return time.perf_counter() - began

        synced = benchmark.pedantic(sync, rounds=1, iterations=1)
        assert late.rpc.call("getbestblockhash") == server.rpc.call("getbestblockhash")
    finally:
        late.stop()
        server.stop()
    if not isinstance(synced, float):
        pytest.fail("the sync did not report its time")
    ratio = imported / synced
    benchmark.extra_info.update(
        blocks=BLOCKS,
        transactions=transactions,
        sync_tx_per_s=round(transactions / synced),
        import_tx_per_s=round(transactions / imported),
        ratio=round(ratio, 3),
    )
    print(
        f"\nsync over P2P: {BLOCKS} blocks, {transactions} txs in {synced:.2f} s"
        f" ({transactions / synced:,.0f} tx/s); chain import {imported:.2f} s"
        f" ({transactions / imported:,.0f} tx/s); ratio {ratio:.2f}"
    )
