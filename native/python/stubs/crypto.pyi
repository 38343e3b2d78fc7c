# Stub fragment for antshares_native._native: the signature functions (native/python/src/crypto.rs).
# Curves: "secp256r1" (P-256, default), "secp256k1", "sm2". Keys: 33-byte compressed points.
# Signatures: 64 bytes r||s. Messages are the signed bytes (hashed inside: SHA-256, or SM3 for SM2).
from collections.abc import Sequence
from typing import Literal, TypedDict

CurveName = Literal["secp256r1", "secp256k1", "sm2"]

class KeyCacheStats(TypedDict):
    hits: int
    misses: int
    size: int

def public_key_from_secret(curve: str, secret: bytes) -> bytes:
    """33-byte compressed public key of a 32-byte secret. ValueError: unknown curve, bad secret."""

def sign(curve: str, secret: bytes, message: bytes) -> bytes:
    """64-byte r||s; deterministic, low-S for the ECDSA curves. ValueError: curve, bad secret."""

def verify(curve: str, key: bytes, message: bytes, signature: bytes) -> bool:
    """High-S accepted. Malformed keys/signatures give False; an unknown curve raises ValueError."""

def verify_batch(items: Sequence[tuple[str | int, bytes, bytes, bytes]]) -> list[bool]:
    """Items (curve, key, message, signature), verified in parallel with the GIL released.
    The curve may also be its code (0 secp256r1, 1 secp256k1, 2 sm2)."""

def verify_batch_packed(
    curves: bytes, keys: bytes, signatures: bytes, messages: Sequence[bytes]
) -> list[bool]:
    """curves: one code per item (0 secp256r1, 1 secp256k1, 2 sm2); keys: 33*n bytes;
    signatures: 64*n bytes; messages: n items. ValueError on inconsistent sizes or codes."""

def compare_keys(a: bytes, b: bytes) -> int:
    """-1/0/1 in multisig order: X, then Y (prefix ignored); 34-byte tagged keys then by tag.
    ValueError on malformed or invalid keys."""

def sort_keys(keys: Sequence[bytes]) -> list[bytes]:
    """A new list in multisig order (see compare_keys). ValueError on malformed or invalid keys."""

def key_cache_stats() -> KeyCacheStats:
    """Counters of the process-wide decoded-key cache."""
