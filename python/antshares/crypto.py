"""ECDSA over secp256r1 (default), secp256k1 and SM2 (SPEC §3), single and batched.

Batches run natively on every core with the GIL released; decoded public keys are cached.
Signatures are 64-byte r‖s; P-256/secp256k1 sign SHA-256 of the message, SM2 uses SM3 with the
default user id. Verification accepts high-S; signing always produces low-S.
"""

from collections.abc import Iterable, Sequence
from enum import StrEnum

from antshares_native import _native


class Curve(StrEnum):
    SECP256R1 = "secp256r1"
    SECP256K1 = "secp256k1"
    SM2 = "sm2"

    @property
    def key_tag(self) -> int | None:
        """The tag byte of a 34-byte tagged key (SPEC §3); P-256 keys are untagged."""
        return {Curve.SECP256R1: None, Curve.SECP256K1: 0x01, Curve.SM2: 0x02}[self]

    @classmethod
    def from_tag(cls, tag: int) -> "Curve":
        for curve in cls:
            if curve.key_tag == tag:
                return curve
        raise ValueError(f"unknown curve tag 0x{tag:02x}")


def public_key_from_secret(secret: bytes, curve: Curve = Curve.SECP256R1) -> bytes:
    """The 33-byte compressed public key of a 32-byte secret."""
    return _native.public_key_from_secret(curve.value, secret)


def sign(secret: bytes, message: bytes, curve: Curve = Curve.SECP256R1) -> bytes:
    """Sign `message` (the unsigned bytes, not a digest); returns 64-byte low-S r‖s."""
    return _native.sign(curve.value, secret, message)


def verify(key: bytes, message: bytes, signature: bytes, curve: Curve = Curve.SECP256R1) -> bool:
    """Verify one signature; any malformed key or signature is simply invalid."""
    return _native.verify(curve.value, key, message, signature)


def verify_batch(items: Iterable[tuple[Curve, bytes, bytes, bytes]]) -> list[bool]:
    """Verify many (curve, key, message, signature) in one native call on all cores."""
    return _native.verify_batch([(c.value, k, m, s) for c, k, m, s in items])


def verify_batch_digests(items: Iterable[tuple[Curve, bytes, bytes, bytes]]) -> list[bool]:
    """Like verify_batch with the SHA-256 of each message given instead (P-256/secp256k1)."""
    return _native.verify_batch_digests([(c.value, k, d, s) for c, k, d, s in items])


def sort_keys(keys: Sequence[bytes]) -> list[bytes]:
    """Multisig key order: by X then Y as integers, prefix and tag ignored (format-1x §4)."""
    return _native.sort_keys(list(keys))


def key_cache_stats() -> dict[str, int]:
    """Hits, misses and size of the process-wide decoded-key cache."""
    stats = _native.key_cache_stats()
    return {"hits": stats["hits"], "misses": stats["misses"], "size": stats["size"]}


__all__ = [
    "Curve",
    "key_cache_stats",
    "public_key_from_secret",
    "sign",
    "sort_keys",
    "verify",
    "verify_batch",
    "verify_batch_digests",
]
