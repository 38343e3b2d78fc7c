"""Ledger benchmarks: chain import (every signature checked, and trusted) and the lottery draw.

`antshares bench` runs them on a small generated chain; `antshares bench --ledger` on the issue's
size (1000 blocks × 200 transactions, ≥ 200,000 transactions), where the targets apply:

- verified import ≥ 25,000 tx/s, and ≥ 0.70 of the bare batch-signature rate of the same
  signatures (every witness signature of every block, each with the key it matched and its
  message's SHA-256 precomputed, verified in big parallel batches: the signature work alone);
- trusted import (`trusted_until` = the last block) ≥ 60,000 tx/s;
- the peak RSS of each import and the lottery draw with 10^6 holders are reported.

Chains come from `antshares devnet generate`'s generator and are cached under
`benchmarks/.cache/` (or $ANTSHARES_BENCH_CACHE), keyed by blocks, transactions per block, seed,
bookkeeper count and GENERATOR_VERSION; each import runs in a fresh subprocess (cold caches, its
own peak RSS) on a fresh data dir, exactly as `antshares chain import` does it.
"""

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "FULL_BLOCKS",
    "FULL_TXS_PER_BLOCK",
    "GENERATOR_VERSION",
    "CachedChain",
    "ImportRun",
    "LotteryFigures",
    "bare_signature_seconds",
    "cache_dir",
    "cached_chain",
    "chain_signatures",
    "import_in_subprocess",
    "lottery_figures",
    "run_import",
]

GENERATOR_VERSION = 3
"""Bump when the generator's output changes meaning, so stale cached chains are not reused."""
FULL_BLOCKS = 1000
FULL_TXS_PER_BLOCK = 200
FULL_MIN_TRANSACTIONS = 200_000
"""The issue's targets apply to chains of at least this many transactions."""
BARE_BATCH = 65_536
"""Signatures per bare verify call: big batches, the baseline at its fastest."""
GENESIS_TIMESTAMP = 1_500_000_000
"""Fixed, so that a seed gives the same chain on every machine (init uses the clock otherwise)."""


def cache_dir() -> Path:
    """$ANTSHARES_BENCH_CACHE, else the checkout's benchmarks/.cache, else ~/.cache/antshares."""
    env = os.environ.get("ANTSHARES_BENCH_CACHE")
    if env:
        return Path(env)
    repo_benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    if repo_benchmarks.is_dir():
        return repo_benchmarks / ".cache"
    return Path.home() / ".cache" / "antshares" / "bench"


@dataclass(frozen=True)
class CachedChain:
    """A generated chain in the cache: its devnet profile, its chain.acc and what it holds."""

    root: Path
    blocks: int  # including the genesis
    transactions: int
    last_hash: str  # display hex of the last block: the trusted-import checkpoint

    @property
    def profile_path(self) -> Path:
        return self.root / "profile.json"

    @property
    def chain_path(self) -> Path:
        return self.root / "chain.acc"


def cached_chain(
    blocks: int,
    txs_per_block: int,
    seed: str = "bench",
    bookkeepers: int = 1,
    cache: Path | None = None,
    on_block: Callable[[int, int], None] | None = None,
) -> CachedChain:
    """The chain of `blocks` generated blocks (plus the genesis) of `txs_per_block` each, built
    once and then read from the cache. A new entry is built in a scratch folder and renamed into
    place, so an interrupted build leaves nothing half-written."""
    cache = cache_dir() if cache is None else cache
    name = f"chain-b{blocks}-t{txs_per_block}-k{bookkeepers}-{seed}-v{GENERATOR_VERSION}"
    root = cache / name
    meta_path = root / "meta.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        return CachedChain(root, meta["blocks"], meta["transactions"], meta["last_hash"])

    from antshares.devnet.generate import generate_chain
    from antshares.devnet.init import init_devnet

    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=cache))
    try:
        made = init_devnet(scratch, bookkeepers=bookkeepers, seed=seed, timestamp=GENESIS_TIMESTAMP)
        chain_acc = scratch / "chain.acc"
        total = generate_chain(
            made.profile, list(made.secrets), chain_acc, blocks, txs_per_block, seed, on_block
        )
        last = _last_block_hash(chain_acc)
        meta = {
            "blocks": blocks + 1,
            "transactions": total,
            "last_hash": last[::-1].hex(),
            "txs_per_block": txs_per_block,
            "seed": seed,
            "bookkeepers": bookkeepers,
            "generator_version": GENERATOR_VERSION,
        }
        (scratch / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        try:
            scratch.rename(root)
        except OSError:  # another process finished the same entry first
            if not meta_path.is_file():
                raise
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return cached_chain(blocks, txs_per_block, seed, bookkeepers, cache)


def _last_block_hash(path: Path) -> bytes:
    from antshares.chain.files import iter_chain_file

    last = b""
    for block in iter_chain_file(path):
        last = block.data
    # The block hash: double SHA-256 of the 104 unsigned header bytes (internal order).
    return hashlib.sha256(hashlib.sha256(last[:104]).digest()).digest()


# ---- import ----


@dataclass(frozen=True)
class ImportRun:
    """One import of a whole chain into a fresh data dir (the child process's figures)."""

    seconds: float  # import_chain + the final sync
    open_seconds: float  # ChainState.open of the empty data dir (writes the genesis)
    blocks: int
    transactions: int
    signatures: int
    peak_rss_bytes: int  # the child's VmHWM (ru_maxrss): interpreter, engine, LMDB pages
    end_rss_anon_bytes: int  # at the end: heap (engine, UTXO cache, Python objects)
    end_rss_file_bytes: int  # at the end: mapped files (LMDB pages touched, the extension)
    utxo_cache_usage: tuple[int, int]  # the engine's (entries, bytes) at the end
    error: str | None

    @property
    def tx_per_second(self) -> float:
        return self.transactions / self.seconds

    @property
    def signatures_per_second(self) -> float:
        return self.signatures / self.seconds


def run_import(
    chain: CachedChain, data_dir: Path, trusted: bool, profile_out: Path | None = None
) -> ImportRun:
    """Import `chain` into the empty `data_dir` in this process, as `antshares chain import`
    does (sync off during the batches, one sync at the end). With `profile_out`, under cProfile,
    whose stats are dumped there."""
    import resource

    from antshares.chain.profiles import load_profile
    from antshares.ledger.chainstate import ChainState
    from antshares.ledger.importer import import_chain

    profile = load_profile(str(chain.profile_path))
    started = time.perf_counter()
    state = ChainState.open(profile, data_dir, sync=False)
    opened = time.perf_counter()
    try:
        checkpoint = chain.last_hash if trusted else None

        def work() -> Any:
            stats = import_chain(state, [chain.chain_path], trusted_until=checkpoint)
            state.store.sync()
            return stats

        if profile_out is None:
            stats = work()
        else:
            import cProfile

            profiler = cProfile.Profile()
            stats = profiler.runcall(work)
            profiler.dump_stats(str(profile_out))
        done = time.perf_counter()
        usage = state.engine.utxo_cache_usage
        status = _proc_status()
    finally:
        state.close()
    return ImportRun(
        seconds=done - opened,
        open_seconds=opened - started,
        blocks=stats.blocks,
        transactions=stats.transactions,
        signatures=stats.signatures,
        peak_rss_bytes=status.get("VmHWM")
        or _ru_maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        end_rss_anon_bytes=status.get("RssAnon", 0),
        end_rss_file_bytes=status.get("RssFile", 0),
        utxo_cache_usage=(usage[0], usage[1]),
        error=None if stats.error is None else str(stats.error),
    )


def _proc_status() -> dict[str, int]:
    """The kB fields of /proc/self/status (VmHWM, RssAnon, RssFile...) in bytes; {} elsewhere."""
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            name, _, value = line.partition(":")
            parts = value.split()
            if len(parts) == 2 and parts[1] == "kB":
                out[name] = int(parts[0]) * 1024
    except OSError:
        pass
    return out


def _ru_maxrss_bytes(ru_maxrss: int) -> int:
    """ru_maxrss is KiB on Linux, bytes on macOS."""
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def import_in_subprocess(
    chain: CachedChain, trusted: bool, profile_out: Path | None = None
) -> ImportRun:
    """`run_import` in a fresh interpreter on a fresh temporary data dir (removed after)."""
    with tempfile.TemporaryDirectory(prefix="antshares-bench-import-") as tmp:
        command = [sys.executable, "-m", "antshares.bench_ledger", str(chain.root), tmp]
        if trusted:
            command.append("--trusted")
        if profile_out is not None:
            command += ["--profile", str(profile_out)]
        out = subprocess.run(command, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"the import subprocess failed ({out.returncode}): {out.stderr}")
        fields = json.loads(out.stdout.strip().splitlines()[-1])
        fields["utxo_cache_usage"] = tuple(fields["utxo_cache_usage"])
        return ImportRun(**fields)


# ---- the bare batch-signature baseline ----


def chain_signatures(chain: CachedChain) -> list[tuple[str, bytes, bytes, bytes]]:
    """(curve, key, message, signature) of every verifying signature of every block."""
    from antshares_native import _native

    from antshares.chain.files import iter_chain_file

    out: list[tuple[str, bytes, bytes, bytes]] = []
    for block in iter_chain_file(chain.chain_path):
        out.extend(_native.block_signatures(block.data))
    return out


def bare_signature_seconds(
    signatures: list[tuple[str, bytes, bytes, bytes]], batch: int = BARE_BATCH
) -> Callable[[], float]:
    """A timer of the bare verification of `signatures`: P-256 and secp256k1 with their SHA-256
    digests precomputed (`verify_batch_digests`), SM2 with its message (its digest needs the
    signer's Z, so hashing is part of SM2 verification), in batches of `batch`; the decoded-key
    cache is cleared first, as the importing process starts without one."""
    from antshares_native import _native

    digested = [(c, k, hashlib.sha256(m).digest(), s) for c, k, m, s in signatures if c != "sm2"]
    sm2 = [item for item in signatures if item[0] == "sm2"]

    def timed() -> float:
        _native.clear_caches()
        start = time.perf_counter()
        for i in range(0, len(digested), batch):
            if not all(_native.verify_batch_digests(digested[i : i + batch])):
                raise RuntimeError("a matched signature failed in the bare batch")
        for i in range(0, len(sm2), batch):
            if not all(_native.verify_batch(sm2[i : i + batch])):
                raise RuntimeError("a matched SM2 signature failed in the bare batch")
        return time.perf_counter() - start

    return timed


# ---- lottery ----


@dataclass(frozen=True)
class LotteryFigures:
    holders: int
    build_seconds: float  # HolderIndex from 10^6 (key, balance) pairs
    draw_us: float  # draw_winner(index, R): R mod 10^8, then the O(log n) descent
    update_us: float  # one add() of a holder's balance change


def lottery_figures(holders: int = 1_000_000, draws: int = 20_000, seed: int = 1) -> LotteryFigures:
    """A HolderIndex of `holders` random UInt160 keys whose whole-share balances add up to the
    10^8 ANS shares; best of 5 timed rounds of `draws` draws (random R) and of as many updates."""
    from antshares.ledger.lottery import LOTTERY_MODULUS, HolderIndex, draw_winner

    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, LOTTERY_MODULUS), holders - 1))
    balances = [b - a for a, b in zip([0, *cuts], [*cuts, LOTTERY_MODULUS], strict=True)]
    keys = [rng.randbytes(20) for _ in range(holders)]
    start = time.perf_counter()
    index = HolderIndex(zip(keys, balances, strict=True))
    build = time.perf_counter() - start
    if len(index) != holders or index.total != LOTTERY_MODULUS:
        raise RuntimeError("the holder index lost holders or shares")
    randoms = [rng.randbytes(32) for _ in range(draws)]
    moved = rng.sample(keys, draws)
    best_draw = best_update = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for r in randoms:
            draw_winner(index, r)
        best_draw = min(best_draw, time.perf_counter() - start)
        start = time.perf_counter()
        for key in moved:
            index.add(key, 1)
        best_update = min(best_update, time.perf_counter() - start)
        for key in moved:
            index.add(key, -1)
    return LotteryFigures(holders, build, best_draw / draws * 1e6, best_update / draws * 1e6)


def _main(argv: list[str]) -> int:
    """Child entry: `python -m antshares.bench_ledger CHAIN_DIR DATA_DIR [--trusted]
    [--profile FILE]` prints the ImportRun as one JSON line."""
    import argparse
    from dataclasses import asdict

    p = argparse.ArgumentParser(prog="python -m antshares.bench_ledger")
    p.add_argument("chain", type=Path, help="a cache entry (profile.json, chain.acc, meta.json)")
    p.add_argument("data_dir", type=Path)
    p.add_argument("--trusted", action="store_true")
    p.add_argument("--profile", type=Path, default=None, help="cProfile stats file")
    args = p.parse_args(argv)
    meta = json.loads((args.chain / "meta.json").read_text())
    chain = CachedChain(args.chain, meta["blocks"], meta["transactions"], meta["last_hash"])
    run = run_import(chain, args.data_dir, args.trusted, args.profile)
    print(json.dumps(asdict(run)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
