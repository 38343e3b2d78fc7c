"""A fingerprint of the ledger state: two nodes at the same tip must print the same digest.

`state_digest` is SHA-256 over every table of `schema.STATE_TABLES`, in that order, each walked in
key order from one read snapshot. The hashed stream is framed so that no two different states
give the same bytes:

    "antshares-state-digest/1"                       the domain and version of this layout
    per table:  u32 BE name length ‖ name
                per entry:  0x01 ‖ u32 BE key length ‖ key ‖ u32 BE value length ‖ value
                0x00 ‖ u64 BE entry count             the end of the table

Blocks, their indexes and META are not hashed, so re-storing blocks leaves the digest as it is,
while any change of a state entry (or of the set of state tables) changes it. LMDB returns keys
sorted, so the digest does not depend on the order in which entries were written.
"""

import hashlib
import struct
from typing import Any

from antshares.storage import ReadTxn, Store, schema

__all__ = [
    "DIGEST_DOMAIN",
    "digest_snapshot",
    "state_digest",
    "state_summary",
    "summary_snapshot",
]

DIGEST_DOMAIN = b"antshares-state-digest/1"
"""Prefix of the hashed stream; bump the number whenever the framing changes."""

_ENTRY_HEAD = struct.Struct(">BI")  # 0x01 ‖ key length
_LENGTH = struct.Struct(">I")
_TABLE_END = struct.Struct(">BQ")  # 0x00 ‖ entry count
_FLUSH_BYTES = 1 << 20  # hash in ~1 MiB chunks: few update() calls, bounded memory


def digest_snapshot(txn: ReadTxn) -> bytes:
    """The state digest (32 bytes) as seen by the read transaction `txn`."""
    sha = hashlib.sha256()
    sha.update(_LENGTH.pack(len(DIGEST_DOMAIN)) + DIGEST_DOMAIN)
    entry_head, length, flush_at = _ENTRY_HEAD.pack, _LENGTH.pack, _FLUSH_BYTES
    for table in schema.STATE_TABLES:
        buffer = bytearray(_LENGTH.pack(len(table.name)) + table.name)
        count = 0
        with txn.cursor(table) as cursor:
            for key, value in cursor.iternext(keys=True, values=True):
                buffer += entry_head(1, len(key))
                buffer += key
                buffer += length(len(value))
                buffer += value
                count += 1
                if len(buffer) >= flush_at:
                    sha.update(buffer)
                    buffer.clear()
        buffer += _TABLE_END.pack(0, count)
        sha.update(buffer)
    return sha.digest()


def summary_snapshot(txn: ReadTxn) -> dict[str, Any]:
    """Entry counts of every state table and the tip, as seen by `txn`.

    `{"tables": {name: entries}, "tip": {"height": h, "hash": displayed hex} or None}`.
    """
    tables = {table.name.decode("ascii"): txn.count(table) for table in schema.STATE_TABLES}
    tip_value = txn.get(schema.META, schema.META_TIP)
    tip: dict[str, Any] | None = None
    if tip_value is not None:
        height, block_hash = schema.decode_tip(tip_value)
        tip = {"height": height, "hash": block_hash[::-1].hex()}  # displayed: reversed
    return {"tables": tables, "tip": tip}


def state_digest(store: Store) -> bytes:
    """SHA-256 (32 bytes) of the ledger state of `store`, from one read snapshot."""
    with store.read() as txn:
        return digest_snapshot(txn)


def state_summary(store: Store) -> dict[str, Any]:
    """Entry counts per state table and the tip (see `summary_snapshot`), from one snapshot."""
    with store.read() as txn:
        return summary_snapshot(txn)
