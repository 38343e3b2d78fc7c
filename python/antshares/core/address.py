"""Scripts, script hashes, addresses and WIF (SPEC §3, format-1x §4).

An address is Base58Check(version ‖ script hash); the version byte follows the curves of the
script's keys: 0x17 (`A…`) by default, 0x05 (`3…`) when every key is secp256k1, 0x3F (`S…`) when
every key is SM2.
"""

from collections.abc import Sequence

from antshares_native import _native

from antshares.crypto import Curve, sort_keys

from . import UInt160

VERSION_DEFAULT = 0x17
VERSION_SECP256K1 = 0x05
VERSION_SM2 = 0x3F
MAX_MULTISIG_KEYS = 1024

script_hash = _native.script_hash
wif_encode = _native.wif_encode
wif_decode = _native.wif_decode
parse_invocation = _native.parse_invocation


def key_curve(key: bytes) -> Curve:
    """Curve of a script key: 33 bytes = P-256, 34 bytes = tag byte + compressed point."""
    if len(key) == 33:
        return Curve.SECP256R1
    if len(key) == 34:
        return Curve.from_tag(key[0])
    raise ValueError(f"a script key is 33 or 34 bytes, not {len(key)}")


def tagged_key(point: bytes, curve: Curve) -> bytes:
    """The key as it appears in scripts: P-256 untagged, other curves prefixed by their tag."""
    if len(point) != 33:
        raise ValueError("expected a 33-byte compressed point")
    tag = curve.key_tag
    return point if tag is None else bytes([tag]) + point


def single_sig_script(key: bytes) -> bytes:
    """`21 <key> AC` for P-256, `22 <tagged key> AC` for secp256k1 and SM2."""
    return _native.single_sig_script(key)


def multisig_script(m: int, keys: Sequence[bytes]) -> bytes:
    """m-of-n CHECKMULTISIG script with keys in protocol order (X, then Y; prefix ignored)."""
    if not 1 <= m <= len(keys) <= MAX_MULTISIG_KEYS:
        raise ValueError(f"need 1 <= m <= n <= {MAX_MULTISIG_KEYS}, got m={m}, n={len(keys)}")
    if len(set(keys)) != len(keys):
        raise ValueError("a key appears twice in the multisig")
    return _native.multisig_script_sorted(m, sort_keys(keys))


def consensus_threshold(n: int) -> int:
    """Signatures needed among n bookkeepers: n − ⌊(n−1)/3⌋ (SPEC §6)."""
    return n - (n - 1) // 3


def script_keys(script: bytes) -> list[bytes]:
    """The keys of a standard single or multisig script; empty for anything else."""
    kind = _native.classify_script(script)
    if kind[0] == "single":
        return [kind[1]]
    if kind[0] == "multisig":
        return list(kind[2])
    return []


def address_version(script: bytes) -> int:
    curves = {key_curve(k) for k in script_keys(script)}
    if curves == {Curve.SECP256K1}:
        return VERSION_SECP256K1
    if curves == {Curve.SM2}:
        return VERSION_SM2
    return VERSION_DEFAULT


def address_from_script_hash(h: UInt160, version: int = VERSION_DEFAULT) -> str:
    return _native.address_from_script_hash(h, version)


def script_address(script: bytes) -> str:
    """The address of a verification script, with the version byte its keys' curves call for."""
    return address_from_script_hash(script_hash(script), address_version(script))


def decode_address(address: str) -> tuple[int, UInt160]:
    """(version, script hash); raises ValueError on a bad checksum, length or version."""
    return _native.decode_address(address)


__all__ = [
    "VERSION_DEFAULT",
    "VERSION_SECP256K1",
    "VERSION_SM2",
    "address_from_script_hash",
    "address_version",
    "consensus_threshold",
    "decode_address",
    "key_curve",
    "multisig_script",
    "parse_invocation",
    "script_address",
    "script_hash",
    "script_keys",
    "single_sig_script",
    "tagged_key",
    "wif_decode",
    "wif_encode",
]
