"""Transactions accepted into a node's mempool over JSON-RPC, against the bare native check.

A relay node (a real `antshares node` process, no bookkeeper, so nothing leaves its mempool) holds
a generated devnet chain; the workload drafts a few thousand transactions that are valid
independently (confirmed coins only) and a client sends them as `sendrawtransaction` in
JSON-RPC batches. The baseline, measured in the same run on the same transactions, is
`ChainState.check_transactions` called in-process in one batch: what the mempool's admission
costs at the least (decode, every signature, every state rule). The ratio shows what the RPC,
JSON, the mempool's bookkeeping and the ledger-thread hand-off add.

Run: `.venv/bin/pytest benchmarks/test_bench_node.py -s`; figures are printed and kept in
`extra_info`. Timings are not tests: nothing here asserts a speed.
"""

import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from antshares.chain.files import write_chain_file
from antshares.core import Block, Transaction
from antshares.devnet.generate import generated_blocks
from antshares.devnet.init import DevnetInit, init_devnet
from antshares.devnet.rpc_workload import NODE_MIX
from antshares.devnet.workload import Workload
from antshares.ledger.chainstate import ChainState
from antshares.ledger.importer import import_chain
from antshares.node.localnet import LocalNode

BLOCKS, TXS_PER_BLOCK = 40, 100
SEED = "bench-node"
BATCH = 100
CLIENTS = 2


@dataclass
class Prepared:
    devnet: DevnetInit
    data_dir: Path
    txs: list[Transaction]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prepared]:
    root = tmp_path_factory.mktemp("bench-node")
    devnet = init_devnet(root / "devnet", block_time=1, seed=SEED)
    secrets = list(devnet.secrets)
    workload = Workload(devnet.profile, secrets, SEED, mix=NODE_MIX, confirmed_only=True)
    raws = []
    for raw, _ in generated_blocks(devnet.profile, secrets, BLOCKS, TXS_PER_BLOCK, seed=SEED):
        workload.on_block(Block.from_bytes(raw))
        raws.append(raw)
    chain = root / "chain.acc"
    write_chain_file(chain, iter(raws))
    data_dir = root / "node"
    with ChainState.open(devnet.profile, data_dir) as state:
        assert import_chain(state, [chain]).error is None
    yield Prepared(devnet, data_dir, workload.next_transactions(5000))


def _native_rate(prepared: Prepared, raws: list[bytes], scratch: Path) -> float:
    shutil.copytree(prepared.data_dir, scratch)
    with ChainState.open(prepared.devnet.profile, scratch) as state:
        state.check_transactions(raws[:10])  # warm the UTXO cache path and key cache alike
        start = time.perf_counter()
        checks = state.check_transactions(raws)
        elapsed = time.perf_counter() - start
    assert all(c.ok for c in checks), {c.rule for c in checks if not c.ok}
    return len(raws) / elapsed


def _send(node: LocalNode, chunk: list[bytes]) -> int:
    replies = node.rpc.batch([("sendrawtransaction", [raw.hex()]) for raw in chunk])
    return sum(1 for r in replies if r is True)


def test_mempool_admission_over_rpc(benchmark: Any, prepared: Prepared, tmp_path: Path) -> None:
    raws = [tx.to_bytes() for tx in prepared.txs]
    native = _native_rate(prepared, raws, tmp_path / "scratch")
    node = LocalNode("bench", prepared.data_dir, prepared.devnet.profile_path)
    node.start()
    try:
        chunks = [raws[i : i + BATCH] for i in range(0, len(raws), BATCH)]

        def run() -> int:
            with ThreadPoolExecutor(CLIENTS) as pool:
                return sum(pool.map(lambda c: _send(node, c), chunks))

        start = time.perf_counter()
        accepted = benchmark.pedantic(run, rounds=1, iterations=1)
        elapsed = time.perf_counter() - start
        assert accepted == len(raws)
        assert len(node.rpc.call("getrawmempool")) == len(raws)
    finally:
        node.stop()
    rpc_rate = len(raws) / elapsed
    benchmark.extra_info.update(
        transactions=len(raws),
        rpc_tx_per_s=round(rpc_rate),
        native_check_tx_per_s=round(native),
        ratio=round(rpc_rate / native, 3),
    )
    print(
        f"\nmempool over RPC: {rpc_rate:,.0f} tx/s ({len(raws)} txs, batches of {BATCH},"
        f" {CLIENTS} clients); native check_transactions {native:,.0f} tx/s;"
        f" ratio {rpc_rate / native:.2f}"
    )
