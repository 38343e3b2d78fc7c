"""Deterministic key material for devnets and their workload.

A devnet seeded with `--seed` must come out the same on every machine, so its keys are derived:
secret = SHA-256("antshares-devnet" ‖ seed ‖ label ‖ index ‖ retry), retried in the rare case
that the value is not a valid secret of the curve (zero or not below the group order).
Unseeded devnets draw their secrets from os.urandom. None of this is for real money.
"""

import os

from antshares.core.hashing import sha256
from antshares.crypto import Curve, public_key_from_secret

__all__ = ["derive_key", "random_key", "seed_bytes"]

_DOMAIN = b"antshares-devnet\x00"
_MAX_RETRIES = 256


def seed_bytes(seed: int | str | bytes) -> bytes:
    """The bytes a seed stands for; `7`, `"7"` and `b"7"` are the same seed."""
    if isinstance(seed, bytes):
        return seed
    return str(seed).encode("utf-8")


def _valid_key(curve: Curve, secret: bytes) -> bytes | None:
    try:
        return public_key_from_secret(secret, curve)
    except ValueError:
        return None


def derive_key(curve: Curve, seed: bytes, label: str, index: int) -> tuple[bytes, bytes]:
    """(secret, 33-byte compressed public key), a pure function of its arguments."""
    prefix = _DOMAIN + seed + b"\x00" + label.encode("utf-8") + b"\x00" + index.to_bytes(8, "big")
    for retry in range(_MAX_RETRIES):
        secret = sha256(prefix + bytes([retry]))
        point = _valid_key(curve, secret)
        if point is not None:
            return secret, point
    # 256 hashes in a row at or above the group order cannot happen with SHA-256.
    raise RuntimeError(f"no valid {curve} secret derived for {label}/{index}")


def random_key(curve: Curve) -> tuple[bytes, bytes]:
    """(secret, 33-byte compressed public key) from the operating system's randomness."""
    while True:
        secret = os.urandom(32)
        point = _valid_key(curve, secret)
        if point is not None:
            return secret, point
