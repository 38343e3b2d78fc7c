"""Transactions accepted into a node's mempool over JSON-RPC, against the bare native check
(`antshares.bench_node.bench_mempool_rpc`: a real relay node process, a generated devnet chain,
transactions valid independently sent in JSON-RPC batches; the baseline is
`ChainState.check_transactions` in-process on the same transactions, in the same run).

Run: `.venv/bin/pytest benchmarks/test_bench_node.py -s`; figures printed and in `extra_info`.
Timings are not tests: nothing here asserts a speed.
"""

from pathlib import Path
from typing import Any

from antshares.bench_node import RPC_BATCH, RPC_CLIENTS, MempoolFigures, bench_mempool_rpc


def test_mempool_admission_over_rpc(benchmark: Any, tmp_path: Path) -> None:
    figures: MempoolFigures = benchmark.pedantic(
        bench_mempool_rpc, args=(tmp_path,), rounds=1, iterations=1
    )
    row = figures.result()
    benchmark.extra_info.update(
        transactions=figures.transactions,
        rpc_tx_per_s=round(row.ours),
        native_check_tx_per_s=round(row.baseline),
        ratio=round(row.ratio, 3),
    )
    print(
        f"\nmempool over RPC: {row.ours:,.0f} tx/s ({figures.transactions} txs, batches of"
        f" {RPC_BATCH}, {RPC_CLIENTS} clients); native check_transactions {row.baseline:,.0f}"
        f" tx/s; ratio {row.ratio:.2f}"
    )
