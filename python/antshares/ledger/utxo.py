"""The UTXO set's read path: outpoints and coins in their store encoding, and `UtxoCache`.

Store encoding (the LMDB UTXO table holds exactly these bytes):

- key, 34 bytes: txid (32 bytes, internal order) ‖ output index as a big-endian u16, so the
  outputs of one transaction sort by index;
- value, 64 bytes: asset id (32) ‖ value (i64 Fixed8 satoshi, little-endian, > 0) ‖
  script hash (20) ‖ height of the creating block (u32, little-endian).

`UtxoCache` (native, `antshares-ledger`) is a layered view — block overlay → cache → store —
that does no I/O and takes whole batches of packed keys. Per block (or batch of blocks):

1. `keys = cache.missing(b"".join(outpoint keys of the block))`; fetch those 34-byte keys in
   one read transaction and `cache.load(keys, [value or None, ...])`;
2. `cache.begin_block()`, then per transaction `cache.spend_many(input keys)` (the spent
   values; ValueError naming the first missing or double-spent outpoint, and nothing spent)
   and `cache.add_many(output keys, values)`; `cache.commit_block()`, or `cache.abort_block()`
   for a rejected block (nothing changes);
3. when `cache.memory_usage > cache.memory_budget`: write `cache.flush()` — (key, value) puts
   and (key, None) deletes, in key order — in one write transaction, then `cache.flush_done()`.

A new output spent before any flush never reaches the store. Outpoints the cache knows nothing
about are assumed absent from the store when outputs are added: rule out duplicate transactions
with the transaction index, or load the output keys too (a loaded coin makes add_many fail).
"""

import struct
from collections.abc import Iterable
from typing import NamedTuple

from antshares_native._native import UtxoCache

from antshares.core import UInt160, UInt256

__all__ = [
    "COIN_SIZE",
    "OUTPOINT_SIZE",
    "Coin",
    "UtxoCache",
    "decode_coin",
    "decode_outpoint",
    "encode_coin",
    "encode_outpoint",
    "pack_outpoints",
]

OUTPOINT_SIZE = 34
"""Bytes of a store key: txid ‖ big-endian u16 index."""
COIN_SIZE = 64
"""Bytes of a store value: asset id ‖ i64 LE value ‖ script hash ‖ u32 LE height."""

_COIN = struct.Struct("<32sq20sI")
_MAX_VALUE = 2**63 - 1


class Coin(NamedTuple):
    """An unspent output: asset, value (Fixed8 satoshi, > 0), owner script hash, height."""

    asset_id: UInt256
    value: int
    script_hash: UInt160
    height: int


def _raw(x: UInt256 | UInt160 | bytes, n: int, what: str) -> bytes:
    raw = x if isinstance(x, bytes) else x.to_bytes()
    if len(raw) != n:
        raise ValueError(f"{what} needs {n} bytes, got {len(raw)}")
    return raw


def encode_outpoint(txid: UInt256 | bytes, index: int) -> bytes:
    """The 34-byte store key of output `index` (0..65535) of transaction `txid`."""
    if not 0 <= index <= 0xFFFF:
        raise ValueError(f"output index must be in 0..65535, got {index}")
    return _raw(txid, 32, "txid") + index.to_bytes(2, "big")


def decode_outpoint(key: bytes) -> tuple[UInt256, int]:
    """(txid, index) of a 34-byte store key."""
    if len(key) != OUTPOINT_SIZE:
        raise ValueError(f"an outpoint needs {OUTPOINT_SIZE} bytes, got {len(key)}")
    return UInt256(key[:32]), int.from_bytes(key[32:], "big")


def pack_outpoints(outpoints: Iterable[tuple[UInt256 | bytes, int]]) -> bytes:
    """The store keys of (txid, index) pairs, concatenated: the `keys` of a batch call."""
    return b"".join(encode_outpoint(txid, index) for txid, index in outpoints)


def encode_coin(
    asset_id: UInt256 | bytes, value: int, script_hash: UInt160 | bytes, height: int
) -> bytes:
    """The 64-byte store value of a coin. ValueError unless 0 < value < 2**63 and height is
    a u32."""
    if not 0 < value <= _MAX_VALUE:
        raise ValueError(f"a coin's value must be in 1..2**63-1, got {value}")
    if not 0 <= height <= 0xFFFF_FFFF:
        raise ValueError(f"height must be in 0..2**32-1, got {height}")
    return _COIN.pack(
        _raw(asset_id, 32, "asset id"), value, _raw(script_hash, 20, "script hash"), height
    )


def decode_coin(value: bytes) -> Coin:
    """The coin of a 64-byte store value. ValueError on a wrong length or a value ≤ 0."""
    if len(value) != COIN_SIZE:
        raise ValueError(f"a coin needs {COIN_SIZE} bytes, got {len(value)}")
    asset, amount, script, height = _COIN.unpack(value)
    if amount <= 0:
        raise ValueError(f"a coin's value must be positive, got {amount}")
    return Coin(UInt256(asset), amount, UInt160(script), height)
