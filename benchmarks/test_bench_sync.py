"""A late node's sync over P2P against a local chain import of the same blocks
(`antshares.bench_node.bench_sync`: a server node process holding a generated devnet chain, a
node started empty with the server as its only seed, timed from its process start; the
baseline is `import_chain` of the same chain file, in the same run).

Run: `.venv/bin/pytest benchmarks/test_bench_sync.py -s`; figures printed and in `extra_info`.
Timings are not tests: nothing here asserts a speed.
"""

from pathlib import Path
from typing import Any

from antshares.bench_node import SyncFigures, bench_sync


def test_sync_over_p2p(benchmark: Any, tmp_path: Path) -> None:
    figures: SyncFigures = benchmark.pedantic(bench_sync, args=(tmp_path,), rounds=1, iterations=1)
    row = figures.result()
    benchmark.extra_info.update(
        blocks=figures.blocks,
        transactions=figures.transactions,
        sync_tx_per_s=round(row.ours),
        import_tx_per_s=round(row.baseline),
        ratio=round(row.ratio, 3),
    )
    print(
        f"\nsync over P2P: {figures.blocks} blocks, {figures.transactions} txs in"
        f" {figures.sync_seconds:.2f} s ({row.ours:,.0f} tx/s); chain import"
        f" {figures.import_seconds:.2f} s ({row.baseline:,.0f} tx/s); ratio {row.ratio:.2f}"
    )
