"""pytest-benchmark files: ours and the baseline side by side in one group each.

Run: `.venv/bin/pytest benchmarks --benchmark-group-by=group` (not part of `make test`; timings are
not tests). `antshares bench` prints the same comparisons as ratios with their targets.
"""

import hashlib
from pathlib import Path

import pytest
from antshares_native import _native

from antshares.bench import _der, _signed_items, hashlib_merkle_root
from antshares.crypto import Curve
from conftest import block_bytes

N = 1024


@pytest.fixture(scope="module")
def p256_items() -> list[tuple[bytes, bytes, bytes, bytes]]:
    return _signed_items(Curve.SECP256R1, N)


@pytest.fixture(scope="module")
def k1_items() -> list[tuple[bytes, bytes, bytes, bytes]]:
    return _signed_items(Curve.SECP256K1, N)


@pytest.mark.benchmark(group="p256-verify-1024")
def test_p256_batch(benchmark, p256_items) -> None:  # type: ignore[no-untyped-def]
    batch = [("secp256r1", k, m, s) for _, k, m, s in p256_items]
    assert all(benchmark(_native.verify_batch, batch))


@pytest.mark.benchmark(group="p256-verify-1024")
def test_p256_cryptography_single_thread(benchmark, p256_items) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    algo = ec.ECDSA(hashes.SHA256())
    loaded = [
        (ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), k), m, _der(s))
        for _, k, m, s in p256_items
    ]
    benchmark(lambda: [key.verify(der, msg, algo) for key, msg, der in loaded])


@pytest.mark.benchmark(group="secp256k1-verify-1024")
def test_k1_batch(benchmark, k1_items) -> None:  # type: ignore[no-untyped-def]
    batch = [("secp256k1", k, m, s) for _, k, m, s in k1_items]
    assert all(benchmark(_native.verify_batch, batch))


@pytest.mark.benchmark(group="secp256k1-verify-1024")
def test_k1_coincurve_single_thread(benchmark, k1_items) -> None:  # type: ignore[no-untyped-def]
    import coincurve

    loaded = [(coincurve.PublicKey(k), m, _der(s)) for _, k, m, s in k1_items]
    assert all(benchmark(lambda: [key.verify(der, msg) for key, msg, der in loaded]))


@pytest.mark.parametrize("name", ["mainnet-1050514.hex", "mainnet-797966.hex"])
def test_block_full_verify(benchmark, name: str) -> None:  # type: ignore[no-untyped-def]
    raw = block_bytes(name)
    benchmark.group = f"block-{Path(name).stem}"
    assert benchmark(_native.verify_block, raw, None)["ok"]


@pytest.mark.parametrize("name", ["mainnet-1050514.hex", "mainnet-797966.hex"])
def test_block_bare_batch(benchmark, name: str) -> None:  # type: ignore[no-untyped-def]
    # Each signature with its matched key and its message's SHA-256: the signature work alone.
    pairs = [
        (c, k, hashlib.sha256(m).digest(), s)
        for c, k, m, s in _native.block_signatures(block_bytes(name))
    ]
    benchmark.group = f"block-{Path(name).stem}"
    assert all(benchmark(_native.verify_batch_digests, pairs))


LEAVES = [hashlib.sha256(i.to_bytes(4, "little")).digest() for i in range(2048)]


@pytest.mark.benchmark(group="merkle-2048")
def test_merkle_native(benchmark) -> None:  # type: ignore[no-untyped-def]
    benchmark(_native.merkle_root, LEAVES)


@pytest.mark.benchmark(group="merkle-2048")
def test_merkle_hashlib(benchmark) -> None:  # type: ignore[no-untyped-def]
    assert benchmark(hashlib_merkle_root, LEAVES) == _native.merkle_root(LEAVES)
