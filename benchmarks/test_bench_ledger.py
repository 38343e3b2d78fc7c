"""pytest-benchmark view of the ledger benchmarks: chain import and the lottery draw.

Run: `.venv/bin/pytest benchmarks/test_bench_ledger.py --benchmark-group-by=group`. The chain
here is small (50 blocks × 100 transactions, cached in benchmarks/.cache) and imported in this
process with the decoded-key cache cleared before each round; `antshares bench --ledger` runs the
issue's 200,000-transaction chain in fresh subprocesses, with the targets.
"""

import bisect
import itertools
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from antshares_native import _native

from antshares.bench_ledger import (
    CachedChain,
    bare_signature_seconds,
    cached_chain,
    chain_signatures,
    run_import,
)
from antshares.ledger.lottery import LOTTERY_MODULUS, HolderIndex, draw_winner, lottery_number

BLOCKS, TXS = 50, 100
HOLDERS = 1_000_000


@pytest.fixture(scope="module")
def chain() -> CachedChain:
    return cached_chain(BLOCKS, TXS)


def _import(benchmark, chain: CachedChain, trusted: bool) -> None:  # type: ignore[no-untyped-def]
    dirs: list[Path] = []

    def setup() -> tuple[tuple[CachedChain, Path, bool], dict[str, object]]:
        _native.clear_caches()
        dirs.append(Path(tempfile.mkdtemp(prefix="antshares-bench-")))
        return (chain, dirs[-1], trusted), {}

    try:
        run = benchmark.pedantic(run_import, setup=setup, rounds=5, iterations=1)
    finally:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
    assert run.error is None and run.blocks == chain.blocks - 1
    benchmark.extra_info["transactions"] = run.transactions
    benchmark.extra_info["signatures"] = run.signatures


@pytest.mark.benchmark(group=f"ledger-import-{BLOCKS}x{TXS}")
def test_import_verified(benchmark, chain: CachedChain) -> None:  # type: ignore[no-untyped-def]
    _import(benchmark, chain, trusted=False)


@pytest.mark.benchmark(group=f"ledger-import-{BLOCKS}x{TXS}")
def test_import_trusted(benchmark, chain: CachedChain) -> None:  # type: ignore[no-untyped-def]
    _import(benchmark, chain, trusted=True)


@pytest.mark.benchmark(group=f"ledger-import-{BLOCKS}x{TXS}")
def test_import_bare_batch(benchmark, chain: CachedChain) -> None:  # type: ignore[no-untyped-def]
    # The same signatures, digests precomputed: the signature work alone.
    signatures = chain_signatures(chain)
    benchmark.extra_info["signatures"] = len(signatures)
    benchmark(bare_signature_seconds(signatures))


@pytest.fixture(scope="module")
def holders() -> tuple[HolderIndex, list[int]]:
    """10^6 random holders sharing the 10^8 ANS shares, and their prefix sums in key order."""
    rng = random.Random(1)
    cuts = sorted(rng.sample(range(1, LOTTERY_MODULUS), HOLDERS - 1))
    balances = [b - a for a, b in zip([0, *cuts], [*cuts, LOTTERY_MODULUS], strict=True)]
    index = HolderIndex((rng.randbytes(20), v) for v in balances)
    assert len(index) == HOLDERS and index.total == LOTTERY_MODULUS
    return index, list(itertools.accumulate(v for _, v in index.items()))


_DRAWS = random.Random(2)
RANDOMS = [_DRAWS.randbytes(32) for _ in range(1 << 16)]  # distinct: paths not all cached


@pytest.mark.benchmark(group="lottery-draw-1e6-holders")
def test_lottery_draw(benchmark, holders) -> None:  # type: ignore[no-untyped-def]
    index, _ = holders
    draws = iter(itertools.cycle(RANDOMS))
    benchmark(lambda: draw_winner(index, next(draws)))


@pytest.mark.benchmark(group="lottery-draw-1e6-holders")
def test_lottery_static_bisect(benchmark, holders) -> None:  # type: ignore[no-untyped-def]
    # Reference: bisect on a precomputed prefix-sum list (no updates possible without O(n)).
    index, bounds = holders
    numbers = [lottery_number(r) for r in RANDOMS]
    items = index.items()
    for n in numbers[:50]:
        assert items[bisect.bisect_right(bounds, n)][0] == index.winner(n)
    draws = iter(itertools.cycle(numbers))
    benchmark(lambda: bisect.bisect_right(bounds, next(draws)))
