"""Hash functions of the protocol (SPEC §1), computed natively."""

from antshares_native._native import hash160, hash256, merkle_root, sha256

__all__ = ["hash160", "hash256", "merkle_root", "sha256"]
