"""The AntShares native core (Rust): codec, hashes, batched ECDSA and the block verifier.

The compiled module `_native` is private; the `antshares` package wraps it with the public API.
"""

from antshares_native import _native

__all__ = ["_native"]
