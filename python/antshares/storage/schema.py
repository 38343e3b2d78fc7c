"""The LMDB schema of a node (SPEC §11): every table, its key and value layout, in one place.

Conventions, shared by every table:
  * integers are fixed-width big-endian (u16, u32, u64 unsigned; i64 two's complement), so that
    LMDB's byte-wise key order is numeric order and cursors walk heights in ascending order;
  * hashes (block hash, txid, asset id) are their 32 bytes in internal order — the order
    `UInt256.to_bytes()` returns, the reverse of the displayed hex; script hashes likewise 20 bytes;
  * `‖` is concatenation; "n × X" is a run of fixed-width X whose count is implied by the length;
  * no table is dupsort: every key has exactly one value, so a put replaces and a batch of state
    changes is a plain set of puts and deletes.

The key helpers below are the only way keys are built; they check lengths and ranges so a short
hash can never silently alias another key. Value codecs are given for the fixed-width values; the
ledger owns the variable ones (their layouts are documented on the tables).
Bump SCHEMA_VERSION whenever a layout changes: a node refuses to open a data dir of another version.
"""

import struct
from dataclasses import dataclass

from antshares.ledger.utxo import COIN_SIZE, OUTPOINT_SIZE, decode_outpoint, encode_outpoint

SCHEMA_VERSION = 1
"""Layout version of every table below; stored in metadata and checked on open."""


@dataclass(frozen=True)
class Table:
    """One LMDB named database: its name and the documented layout of its keys and values."""

    name: bytes
    key: str
    value: str
    doc: str
    dupsort: bool = False


# fmt: off
BLOCKS = Table(
    b"blocks", "block hash (32)", "raw block, wire bytes (SPEC §1)",
    "every accepted block, for serving peers, export and re-validation",
)
HEIGHT_TO_HASH = Table(
    b"height_to_hash", "height u32 BE", "block hash (32)",
    "the main chain in order: export, sync and 'block at height' walk it by cursor",
)
HASH_TO_HEIGHT = Table(
    b"hash_to_height", "block hash (32)", "height u32 BE",
    "the reverse index: is this hash on the main chain, and where",
)
TX_INDEX = Table(
    b"tx_index", "txid (32)", "height u32 BE ‖ position in block u32 BE",
    "finds any confirmed transaction inside its block (and rejects a txid seen before)",
)
UTXOS = Table(
    b"utxos", "txid (32) ‖ output index u16 BE (antshares.ledger.utxo.encode_outpoint)",
    "asset id (32) ‖ value i64 LE ‖ script hash (20) ‖ height u32 LE: the 64-byte coin of the"
    " native UTXO cache, whose flushes write this table (antshares.ledger.utxo.encode_coin)",
    "the unspent outputs: the hot path of input checks, fronted by the native cache",
)
ASSETS = Table(
    b"assets", "asset id = Register txid (32)",
    "issued so far i64 BE, satoshi ‖ the Register transaction's exclusive data (wire bytes)",
    "registration fields (type, name, cap, precision, owner, admin) and the issued amount",
)
HOLDERS = Table(
    b"ans_holders", "script hash reversed (20): big-endian UInt160, see holder_key",
    "whole ANS shares u64 BE (never 0: a holder with no shares is deleted)",
    "ANS balances for the lottery (SPEC §5); a cursor walks them in ascending UInt160 order",
)
ENROLLMENTS = Table(
    b"enrollments", "Enrollment txid (32)",
    "public key, compressed (33) ‖ deposit outpoint (34, as a UTXO key)",
    "active bookkeeper candidates (SPEC §4); deleted when the deposit is spent",
)
BALLOTS = Table(
    b"ballots", "Voting txid (32)",
    "weight u64 BE, whole ANS ‖ n × candidate public key (33), as listed",
    "active ballots for the election count (SPEC §6): the weight falls as their ANS outputs"
    " are spent, and the ballot is deleted at zero",
)
TOTALS = Table(
    b"totals", "ASCII name (see TOTAL_*)", "u64 BE",
    "running sums the rules need in O(1): ANC minted and burned (SPEC §5)",
)
BOOKKEEPERS = Table(
    b"bookkeepers", "height u32 BE",
    "n × compressed public key (33), election order",
    "the bookkeepers of the block at this height, so history never needs a re-count",
)
BEACONS = Table(
    b"beacons", "height u32 BE",
    "R used by this block (32) ‖ its MinerTransaction v1 (wire bytes)",
    "random-beacon evidence (SPEC §7.7): the value R and the dealings/secrets behind it",
)
AGENCY_SPLITS = Table(
    b"agency_splits", "Agency txid (32)",
    "asset (32) ‖ value asset (32) ‖ agent (20) ‖ amount i64 BE ‖ price i64 BE ‖ client (20) ‖"
    " n × output index u16 BE",
    "SplitOrders of Agency transactions, for carrying a partial fill over (SPEC §8)",
)
META = Table(
    b"meta", "ASCII name (see META_*)", "per key, see META_*",
    "what this data dir is: schema version, network magic, genesis hash, tip",
)
# fmt: on

TABLES: tuple[Table, ...] = (
    BLOCKS,
    HEIGHT_TO_HASH,
    HASH_TO_HEIGHT,
    TX_INDEX,
    UTXOS,
    ASSETS,
    HOLDERS,
    ENROLLMENTS,
    BALLOTS,
    TOTALS,
    BOOKKEEPERS,
    BEACONS,
    AGENCY_SPLITS,
    META,
)
MAX_DBS = len(TABLES)
"""LMDB `max_dbs`: one named database per table."""

# The ledger state that blocks update, in the order `antshares.ledger.digest` hashes it: two nodes
# at the same tip must agree on every table here. The blocks and their indexes are left out (they
# are the input, not the state), and so is META (it describes the data dir). A table that joins
# the state is appended at the end; that changes every digest, as it should.
STATE_TABLES: tuple[Table, ...] = (
    UTXOS,
    ASSETS,
    HOLDERS,
    ENROLLMENTS,
    BALLOTS,
    TOTALS,
    BOOKKEEPERS,
    AGENCY_SPLITS,
)

META_SCHEMA_VERSION = b"schema_version"
"""u32 BE: SCHEMA_VERSION of the node that created the data dir."""
META_MAGIC = b"magic"
"""u32 BE: the network magic (SPEC §2)."""
META_GENESIS = b"genesis_hash"
"""32 bytes: the genesis block hash, internal order."""
META_TIP = b"tip"
"""height u32 BE ‖ block hash (32): the last block applied; absent until genesis is applied."""

TOTAL_ANC_MINTED = b"anc_minted"
"""u64 BE: ANC (satoshi) minted by the lottery so far."""
TOTAL_ANC_BURNED = b"anc_burned"
"""u64 BE: ANC (satoshi) burned as service fees or destroyed so far."""

HASH_SIZE = 32
SCRIPT_HASH_SIZE = 20
# The UTXO key and value have one codec, the native cache's (its flushes write UTXOS).
OUTPOINT_KEY_SIZE = OUTPOINT_SIZE
UTXO_VALUE_SIZE = COIN_SIZE
outpoint_key = encode_outpoint
decode_outpoint_key = decode_outpoint

_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_LOCATION = struct.Struct(">II")


def _fixed(value: bytes, size: int, what: str) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{what} must be bytes, not {type(value).__name__}")
    value = bytes(value)
    if len(value) != size:
        raise ValueError(f"{what} must be {size} bytes, got {len(value)}")
    return value


def _pack(fmt: struct.Struct, value: int, what: str) -> bytes:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    try:
        return fmt.pack(value)
    except struct.error:
        raise ValueError(f"{what} {value} out of range") from None


# Integers.


def encode_u32(value: int) -> bytes:
    return _pack(_U32, value, "u32")


def decode_u32(data: bytes) -> int:
    return int(_U32.unpack(_fixed(data, 4, "u32"))[0])


def encode_u64(value: int) -> bytes:
    return _pack(_U64, value, "u64")


def decode_u64(data: bytes) -> int:
    return int(_U64.unpack(_fixed(data, 8, "u64"))[0])


# Keys.


def height_key(height: int) -> bytes:
    """Key of HEIGHT_TO_HASH, BOOKKEEPERS and BEACONS: height u32 BE."""
    return _pack(_U32, height, "height")


def decode_height_key(key: bytes) -> int:
    return int(_U32.unpack(_fixed(key, 4, "height key"))[0])


def hash_key(digest: bytes) -> bytes:
    """Key of the tables keyed by a 32-byte hash (block hash, txid, asset id): the hash itself."""
    return _fixed(digest, HASH_SIZE, "hash")


def holder_key(script_hash: bytes) -> bytes:
    """Key of HOLDERS: the script hash reversed.

    A UInt160 compares as a little-endian number; reversing its bytes makes LMDB's byte order the
    ascending UInt160 order of the lottery (SPEC §5).
    """
    return _fixed(script_hash, SCRIPT_HASH_SIZE, "script hash")[::-1]


def decode_holder_key(key: bytes) -> bytes:
    """The script hash (internal order) of a HOLDERS key."""
    return _fixed(key, SCRIPT_HASH_SIZE, "holder key")[::-1]


# Fixed-width values.


def encode_tx_location(height: int, position: int) -> bytes:
    """Value of TX_INDEX: height u32 BE ‖ position of the transaction in its block u32 BE."""
    return _pack(_U32, height, "height") + _pack(_U32, position, "tx position")


def decode_tx_location(data: bytes) -> tuple[int, int]:
    height, position = _LOCATION.unpack(_fixed(data, 8, "tx location"))
    return int(height), int(position)


def encode_tip(height: int, block_hash: bytes) -> bytes:
    """Value of META_TIP: height u32 BE ‖ block hash (32)."""
    return height_key(height) + hash_key(block_hash)


def decode_tip(data: bytes) -> tuple[int, bytes]:
    data = _fixed(data, 4 + HASH_SIZE, "tip")
    return decode_height_key(data[:4]), data[4:]
