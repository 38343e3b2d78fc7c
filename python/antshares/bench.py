"""Benchmarks as ratios against baselines measured in the same run (`antshares bench`).

Absolute rates on these shared 2-core machines are noisy; the ratios are what the targets are on.
Baselines: `cryptography` (OpenSSL) for P-256 and `coincurve` (libsecp256k1) for secp256k1, one
thread each with key objects loaded in advance; `gmssl` for SM2; a hashlib loop for Merkle roots.
Each figure is the best of several timed repetitions.
"""

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from antshares_native import _native

from antshares.crypto import Curve

MIN_SECONDS = 0.4
REPEATS = 5


@dataclass(frozen=True)
class Result:
    name: str
    ours: float  # items per second
    baseline: float
    baseline_name: str
    target: float | None  # minimum ratio, None = reported only

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.ratio >= self.target


@dataclass(frozen=True)
class Figure:
    """An absolute figure (a rate, a size, a latency) with no same-run baseline."""

    name: str
    value: float
    unit: str
    target: float | None  # minimum value, None = reported only
    note: str

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.value >= self.target


def rate(fn: Callable[[], Any], items: int, min_seconds: float = MIN_SECONDS) -> float:
    """Best items/s over REPEATS timed runs of `fn`, each repeated until it lasts min_seconds."""
    fn()  # warm caches and pools once
    best = 0.0
    for _ in range(REPEATS):
        loops, elapsed = 0, 0.0
        start = time.perf_counter()
        while elapsed < min_seconds / REPEATS or loops == 0:
            fn()
            loops += 1
            elapsed = time.perf_counter() - start
        best = max(best, items * loops / elapsed)
    return best


def _signed_items(curve: Curve, count: int) -> list[tuple[bytes, bytes, bytes, bytes]]:
    """(secret, key, message, signature) with distinct keys and ~250-byte messages, like txs."""
    out = []
    for i in range(count):
        secret = hashlib.sha256(f"bench {curve.value} {i}".encode()).digest()
        message = os.urandom(250)
        key = _native.public_key_from_secret(curve.value, secret)
        out.append((secret, key, message, _native.sign(curve.value, secret, message)))
    return out


def _der(sig: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    return encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))


def bench_p256(count: int) -> Result:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    signed = _signed_items(Curve.SECP256R1, count)
    algo = ec.ECDSA(hashes.SHA256())
    loaded = [
        (ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), k), m, _der(s))
        for _, k, m, s in signed
    ]

    def baseline() -> None:
        for key, msg, der in loaded:
            key.verify(der, msg, algo)

    batch = [(Curve.SECP256R1.value, k, m, s) for _, k, m, s in signed]
    ours = rate(lambda: _native.verify_batch(batch), count)
    return Result("P-256 batch verify", ours, rate(baseline, count), "cryptography 1 thread", 2.0)


def bench_secp256k1(count: int) -> Result:
    import coincurve

    signed = _signed_items(Curve.SECP256K1, count)
    loaded = [(coincurve.PublicKey(k), m, _der(s)) for _, k, m, s in signed]

    def baseline() -> None:
        for key, msg, der in loaded:
            key.verify(der, msg)

    batch = [(Curve.SECP256K1.value, k, m, s) for _, k, m, s in signed]
    ours = rate(lambda: _native.verify_batch(batch), count)
    return Result("secp256k1 batch verify", ours, rate(baseline, count), "coincurve 1 thread", 1.9)


def bench_sm2(count: int) -> Result:
    from gmssl import sm2

    signed = _signed_items(Curve.SM2, count)
    curve_p = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)
    loaded = []
    for _, key, msg, sig in signed:
        x = int.from_bytes(key[1:], "big")
        y2 = (pow(x, 3, curve_p) - 3 * x + _SM2_B) % curve_p
        y = pow(y2, (curve_p + 1) // 4, curve_p)
        if y % 2 != key[0] % 2:
            y = curve_p - y
        crypt = sm2.CryptSM2(private_key=f"{1:064x}", public_key="00")
        # Set the key directly: gmssl's constructor strips leading "0"/"4" characters.
        crypt.public_key = f"{x:064x}{y:064x}"
        loaded.append((crypt, msg, sig.hex()))

    if not all(crypt.verify_with_sm3(sig, msg) for crypt, msg, sig in loaded[:3]):
        raise RuntimeError("gmssl rejects our SM2 signatures: the baseline is not comparable")

    def baseline() -> None:
        for crypt, msg, sig in loaded:
            crypt.verify_with_sm3(sig, msg)

    batch = [(Curve.SM2.value, k, m, s) for _, k, m, s in signed]
    ours = rate(lambda: _native.verify_batch(batch), count)
    base = rate(baseline, min(count, 20), min_seconds=0.5)
    return Result("SM2 batch verify", ours, base, "gmssl (pure Python) 1 thread", None)


def openssl_sm2_verify_rate(seconds: int = 2) -> float | None:
    """One core of OpenSSL's SM2 verification (`openssl speed sm2`), if the tool is installed."""
    exe = shutil.which("openssl")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "speed", "-seconds", str(seconds), "sm2"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        if "SM2" in line and "bits" in line:
            return float(line.split()[-1])  # the verify/s column
    return None


def bench_sm2_openssl(count: int) -> Result | None:
    base = openssl_sm2_verify_rate()
    if base is None:
        return None
    signed = _signed_items(Curve.SM2, count)
    batch = [(Curve.SM2.value, k, m, s) for _, k, m, s in signed]
    ours = rate(lambda: _native.verify_batch(batch), count)
    return Result("SM2 batch verify", ours, base, "OpenSSL `speed sm2`, 1 core", None)


_SM2_B = int("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16)


def bench_block(path: Path, cold: bool) -> Result:
    """Full verification of a real block vs the bare batch rate of the same signatures.

    The bare batch gets each signature with the key it matched and the SHA-256 of its message
    already computed, so it measures the signature work alone; the full verifier also decodes,
    hashes every transaction, rebuilds the Merkle root and walks each multisig.
    """
    raw = bytes.fromhex(path.read_text().strip())
    pairs = _native.block_signatures(raw)  # (curve, key, message, signature) each signature
    sigs = len(pairs)
    if any(curve == Curve.SM2.value for curve, _, _, _ in pairs):
        raise RuntimeError(f"{path.name}: SM2 signatures have no digest-only baseline")
    digested = [(c, k, hashlib.sha256(m).digest(), s) for c, k, m, s in pairs]

    def full() -> None:
        if cold:
            _native.clear_caches()
        report = _native.verify_block(raw, None)
        if not report["ok"]:
            raise RuntimeError(f"{path.name} does not verify: {report['error']}")

    def bare() -> None:
        if cold:
            _native.clear_caches()
        if not all(_native.verify_batch_digests(digested)):
            raise RuntimeError(f"{path.name}: a matched signature failed in the bare batch")

    label = f"block {path.stem.split('-')[-1]} full verify{' (cold caches)' if cold else ''}"
    return Result(label, rate(full, sigs), rate(bare, sigs), "bare batch, same signatures", 0.9)


def hashlib_merkle_root(leaves: list[bytes]) -> bytes:
    """The Merkle root in plain Python (the baseline, and an independent reference)."""
    level = list(leaves)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [
            hashlib.sha256(hashlib.sha256(level[i] + level[i + 1]).digest()).digest()
            for i in range(0, len(level), 2)
        ]
    return level[0]


def bench_merkle(count: int) -> Result:
    leaves = [hashlib.sha256(i.to_bytes(4, "little")).digest() for i in range(count)]
    if hashlib_merkle_root(leaves) != _native.merkle_root(leaves):
        raise RuntimeError("native Merkle root differs from the hashlib reference")
    ours = rate(lambda: _native.merkle_root(leaves), count)
    base = rate(lambda: hashlib_merkle_root(leaves), count)
    return Result(f"Merkle root ({count} leaves)", ours, base, "hashlib loop", 5.0)


def run_all(
    shared: Path, quick: bool = False, ledger: tuple[int, int] | None = None
) -> list[Result | Figure]:
    """Every comparison; with `ledger` = (blocks, transactions per block), the ledger rows on a
    generated chain of that size (see bench_ledger)."""
    n = 256 if quick else 2048
    results: list[Result | Figure] = [bench_p256(n), bench_secp256k1(n), bench_sm2(n // 4)]
    openssl_sm2 = bench_sm2_openssl(n // 4)
    if openssl_sm2 is not None:
        results.append(openssl_sm2)
    results.append(bench_merkle(n))
    for height in ("1050514", "797966"):
        path = shared / "vectors" / "blocks" / f"mainnet-{height}.hex"
        if path.is_file():
            results.append(bench_block(path, cold=False))
            results.append(bench_block(path, cold=True))
    if ledger is not None:
        results += bench_ledger(*ledger, repeats=2 if quick else 3)
    return results


def bench_ledger(blocks: int, txs_per_block: int, repeats: int) -> list[Result | Figure]:
    """Chain import (every signature checked; trusted) and the lottery draw; see bench_ledger.

    The import rows have targets only for chains of at least 200,000 transactions (the issue's
    size: `antshares bench --ledger`); on the small default chain they are reported."""
    from antshares import bench_ledger as bl

    def progress(height: int, count: int) -> None:
        if height % 100 == 0:
            print(f"  generating the benchmark chain: block {height}/{blocks}", flush=True)

    chain = bl.cached_chain(blocks, txs_per_block, on_block=progress)
    full = chain.transactions >= bl.FULL_MIN_TRANSACTIONS
    bare = bl.bare_signature_seconds(bl.chain_signatures(chain))
    # Interleaved, best of `repeats` each: the bare batch and the import see the same noise.
    verified = trusted = None
    bare_best = float("inf")
    for _ in range(repeats):
        bare_best = min(bare_best, bare())
        run = bl.import_in_subprocess(chain, trusted=False)
        if run.error is not None:
            raise RuntimeError(f"the benchmark chain does not import: {run.error}")
        verified = run if verified is None or run.seconds < verified.seconds else verified
        run = bl.import_in_subprocess(chain, trusted=True)
        if run.error is not None:
            raise RuntimeError(f"the benchmark chain does not import (trusted): {run.error}")
        trusted = run if trusted is None or run.seconds < trusted.seconds else trusted
    assert verified is not None and trusted is not None
    size = f"{verified.transactions:,} txs"
    mib = 1 << 20
    rows: list[Result | Figure] = [
        Figure(
            f"import, all signatures ({size})",
            verified.tx_per_second,
            "tx/s",
            25_000 if full else None,
            f"{verified.signatures:,} signatures, {verified.seconds:.2f} s",
        ),
        Result(
            f"import vs bare batch ({verified.signatures:,} sigs)",
            verified.signatures_per_second,
            verified.signatures / bare_best,
            "bare batch, same signatures",
            0.70 if full else None,
        ),
        Figure(
            f"trusted import ({size})",
            trusted.tx_per_second,
            "tx/s",
            60_000 if full else None,
            f"{trusted.seconds:.2f} s, up to the last block",
        ),
    ]
    for label, run in (("import all signatures", verified), ("trusted import", trusted)):
        anon, mapped, cache = (
            run.end_rss_anon_bytes / mib,
            run.end_rss_file_bytes / mib,
            run.utxo_cache_usage[0] / mib,
        )
        note = f"at the end: heap {anon:.0f} MiB (UTXO cache {cache:.0f}), mapped/LMDB {mapped:.0f}"
        rows.append(Figure(f"peak RSS, {label}", run.peak_rss_bytes / mib, "MiB", None, note))
    lottery = bl.lottery_figures()
    holders = f"{lottery.holders:,} holders"
    rows += [
        Figure(f"lottery draw ({holders})", lottery.draw_us, "µs", None, "draw_winner(index, R)"),
        Figure(f"holder update ({holders})", lottery.update_us, "µs", None, "HolderIndex.add"),
        Figure(f"holder index build ({holders})", lottery.build_seconds, "s", None, ""),
    ]
    return rows


def format_table(results: list[Result | Figure]) -> str:
    ratios = [r for r in results if isinstance(r, Result)]
    figures = [r for r in results if isinstance(r, Figure)]
    lines = [
        f"{'benchmark':<40} {'ours/s':>12} {'baseline/s':>12} {'ratio':>7} {'target':>7}  "
        f"verdict  baseline",
    ]
    for r in ratios:
        target = "-" if r.target is None else f"{r.target:.2f}x"
        verdict = {None: "report", True: "PASS", False: "FAIL"}[r.passed]
        lines.append(
            f"{r.name:<40} {r.ours:>12,.0f} {r.baseline:>12,.0f} {r.ratio:>6.2f}x {target:>7}  "
            f"{verdict:<7}  {r.baseline_name}"
        )
    if figures:
        lines += ["", f"{'figure':<40} {'value':>12} {'unit':<5} {'target':>12}  verdict  note"]
    for f in figures:
        target = "-" if f.target is None else f"{f.target:,.0f}"
        verdict = {None: "report", True: "PASS", False: "FAIL"}[f.passed]
        value = f"{f.value:,.0f}" if f.value >= 100 else f"{f.value:,.2f}"
        lines.append(f"{f.name:<40} {value:>12} {f.unit:<5} {target:>12}  {verdict:<7}  {f.note}")
    return "\n".join(lines)
