"""Where the time of a chain import goes: the importer's stages run one after the other.

    .venv/bin/python benchmarks/profile_import.py [BLOCKS TXS] [--stats FILE]

On the cached generated chain (default: the issue's 1000 blocks × 200 transactions), split into
the importer's batches (8 MiB / 2000 blocks), this times in one process, each stage alone:

1. the bare batch of the same signatures (digests precomputed; `bench_ledger`);
2. `prepare_blocks(batch, verify=True)` for every batch: decode + every signature (native);
3. `prepare_blocks(batch, verify=False)`: decode alone (native);
4. `ChainState.apply_prepared` for every batch on a fresh data dir, committed as the importer
   commits (every 32 MiB), under cProfile: the rules and state updates (native
   `Ledger.apply_prepared`), the writes handed to Python (`take_writes`) and the LMDB
   puts/deletes and commits (Python + lmdb);

with wall and process CPU seconds (all threads) for each, then the top of the cProfile of 4.
The real import overlaps 2–3 (on a second thread) with 4; on two cores the signature batch
already fills both, so its wall time is close to (CPU of 2 + CPU of 4) / 2.
"""

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from antshares_native import _native
from antshares_native._native import prepare_blocks

from antshares.bench_ledger import (
    FULL_BLOCKS,
    FULL_TXS_PER_BLOCK,
    bare_signature_seconds,
    cached_chain,
    chain_signatures,
)
from antshares.chain.files import iter_chain_file
from antshares.chain.profiles import load_profile
from antshares.ledger.chainstate import ChainState
from antshares.ledger.importer import (
    DEFAULT_BATCH_BLOCKS,
    DEFAULT_BATCH_BYTES,
    DEFAULT_COMMIT_BYTES,
)


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("size", type=int, nargs="*", default=[FULL_BLOCKS, FULL_TXS_PER_BLOCK])
    p.add_argument("--stats", type=Path, default=None, help="write the cProfile stats of stage 4")
    args = p.parse_args()
    chain = cached_chain(*args.size)
    raws = [b.data for b in iter_chain_file(chain.chain_path)]
    genesis, rest = raws[0], raws[1:]
    batches: list[list[bytes]] = [[]]
    size = 0
    for raw in rest:
        if size >= DEFAULT_BATCH_BYTES or len(batches[-1]) >= DEFAULT_BATCH_BLOCKS:
            batches.append([])
            size = 0
        batches[-1].append(raw)
        size += len(raw)
    signatures = chain_signatures(chain)
    print(
        f"{chain.chain_path}: {len(rest)} blocks in {len(batches)} batches, "
        f"{len(signatures):,} signatures"
    )

    rows: list[tuple[str, float, float]] = []
    _, wall, cpu = timed(bare_signature_seconds(signatures))
    rows.append(("1 bare batch, same signatures", wall, cpu))
    by_curve = []
    for curve in ("secp256r1", "secp256k1", "sm2"):
        subset = [s for s in signatures if s[0] == curve]
        _, _, c_cpu = timed(bare_signature_seconds(subset))
        by_curve.append(f"{curve} {len(subset):,} sigs {c_cpu:.2f} s")

    def prepare_all(verify: bool) -> list[Any]:
        _native.clear_caches()
        out, previous = [], genesis
        for batch in batches:
            out.append(prepare_blocks(batch, verify, previous))
            previous = batch[-1]
        return out

    _, wall, cpu = timed(lambda: prepare_all(True))
    rows.append(("2 prepare_blocks, verify", wall, cpu))
    prepared, wall, cpu = timed(lambda: prepare_all(False))
    rows.append(("3 prepare_blocks, no signatures", wall, cpu))

    profile = load_profile(str(chain.profile_path))
    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory(prefix="antshares-profile-") as tmp:
        state = ChainState.open(profile, tmp, sync=False)
        try:

            def apply_all() -> int:
                # Committed as the importer does: every DEFAULT_COMMIT_BYTES of blocks, and each
                # of the last two batches alone.
                txs, pending = 0, 0
                for i, (item, batch) in enumerate(zip(prepared, batches, strict=True)):
                    result = state.apply_prepared(item, commit=False)
                    if result.error is not None:
                        raise RuntimeError(str(result.error))
                    txs += result.transactions
                    pending += sum(map(len, batch))
                    if pending >= DEFAULT_COMMIT_BYTES or i >= len(batches) - 2:
                        state.commit()
                        pending = 0
                state.commit()
                state.store.sync()
                return txs

            txs, wall, cpu = timed(lambda: profiler.runcall(apply_all))
        finally:
            state.close()
    rows.append(("4 apply_prepared + commit (cProfile on)", wall, cpu))

    print(f"{'stage':<42} {'wall s':>8} {'cpu s':>8} {'cpu/wall':>8}")
    for name, wall, cpu in rows:
        print(f"{name:<42} {wall:>8.2f} {cpu:>8.2f} {cpu / wall:>8.2f}")
    sig_cpu = rows[1][2] - rows[2][2]
    print(f"signature CPU inside prepare (2 - 3): {sig_cpu:.2f} s; bare: {rows[0][2]:.2f} s")
    print(f"bare CPU by curve: {'; '.join(by_curve)}")
    ideal = (rows[1][2] + rows[3][2]) / 2
    print(
        f"two-core bound of the pipelined import, (cpu 2 + cpu 4) / 2: {ideal:.2f} s "
        f"= {txs / ideal:,.0f} tx/s, {rows[0][2] / 2 / ideal:.2f} of the bare rate (bare cpu / 2)"
    )
    stats = pstats.Stats(profiler, stream=sys.stdout)
    if args.stats is not None:
        stats.dump_stats(str(args.stats))
    stats.sort_stats("tottime").print_stats(12)
    return 0


if __name__ == "__main__":
    sys.exit(main())
