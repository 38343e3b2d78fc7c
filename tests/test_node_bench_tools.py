"""`antshares bench --node`'s measurements run end to end on small inputs (their figures are
reported, not asserted: timings are not tests)."""

import pytest

from antshares.bench_node import run_node_benchmarks

pytestmark = pytest.mark.slow


def test_node_benchmark_rows() -> None:
    rows = {row.name.split(" (")[0]: row for row in run_node_benchmarks(quick=True)}
    assert set(rows) == {"P2P framing decode", "mempool over RPC", "sync over P2P"}
    for row in rows.values():
        assert row.ours > 0 and row.baseline > 0 and row.target is None
    # Every drafted transaction was accepted (bench_mempool_rpc raises otherwise), and the
    # sync reached the server's tip: the names carry what was measured.
    assert rows["sync over P2P"].name == "sync over P2P (100 blocks)"
