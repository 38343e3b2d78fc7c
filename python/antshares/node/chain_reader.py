"""`ChainReader` over the node's LMDB store and mempool: what peers and RPC read.

Reads run on the event loop thread in LMDB read transactions (a consistent snapshot each, no
lock with the ledger thread, which is the only writer). Block bytes are served as stored.
"""

from collections.abc import Callable

from antshares_native._native import decode_var_int

from antshares.core import Block
from antshares.storage import schema
from antshares.storage.env import Store

__all__ = ["StoreChainReader", "header_bytes"]

_UNSIGNED_HEADER = 104
"""Version, prev hash, Merkle root, timestamp, index, consensus data, NextConsensus
(format-1x §2.1)."""


def header_bytes(raw_block: bytes) -> bytes:
    """The header of a block as the `headers` message carries it: BlockBase, then 0x00.

    The header is a prefix of the block: its fixed part, a 0x01, and the witness's two
    var-length scripts."""
    position = _UNSIGNED_HEADER + 1
    for _ in range(2):
        length, size = decode_var_int(raw_block[position : position + 9])
        position += size + length
    if position > len(raw_block):
        raise ValueError("the block is shorter than its header")
    return raw_block[:position] + b"\x00"


class StoreChainReader:
    """ChainReader over a Store (read-only use) plus a mempool lookup."""

    def __init__(
        self,
        store: Store,
        magic: int,
        mempool_raw: Callable[[bytes], bytes | None],
        mempool_txids: Callable[[], list[bytes]],
    ) -> None:
        self.store = store
        self._magic = magic
        self._mempool_raw = mempool_raw
        self._mempool_txids = mempool_txids

    @property
    def magic(self) -> int:
        return self._magic

    def _tip(self) -> tuple[int, bytes]:
        with self.store.read() as txn:
            tip = txn.get(schema.META, schema.META_TIP)
        if tip is None:
            raise RuntimeError(f"{self.store.path} has no tip (not opened by a node)")
        return schema.decode_tip(tip)

    @property
    def height(self) -> int:
        return self._tip()[0]

    @property
    def tip_hash(self) -> bytes:
        return self._tip()[1]

    def hash_at(self, height: int) -> bytes | None:
        if not 0 <= height <= 0xFFFFFFFF:
            return None
        with self.store.read() as txn:
            return txn.get(schema.HEIGHT_TO_HASH, schema.height_key(height))

    def height_of(self, block_hash: bytes) -> int | None:
        if len(block_hash) != 32:
            return None
        with self.store.read() as txn:
            value = txn.get(schema.HASH_TO_HEIGHT, block_hash)
        return None if value is None else schema.decode_height_key(value)

    def block_raw(self, block_hash: bytes) -> bytes | None:
        if len(block_hash) != 32:
            return None
        with self.store.read() as txn:
            return txn.get(schema.BLOCKS, block_hash)

    def header_raw(self, block_hash: bytes) -> bytes | None:
        raw = self.block_raw(block_hash)
        return None if raw is None else header_bytes(raw)

    def transaction_raw(self, txid: bytes) -> bytes | None:
        pooled = self._mempool_raw(txid)
        if pooled is not None:
            return pooled
        return self.confirmed_transaction_raw(txid)

    def confirmed_transaction_raw(self, txid: bytes) -> bytes | None:
        if len(txid) != 32:
            return None
        with self.store.read() as txn:
            location = txn.get(schema.TX_INDEX, txid)
            if location is None:
                return None
            height, position = schema.decode_tx_location(location)
            block_hash = txn.get(schema.HEIGHT_TO_HASH, schema.height_key(height))
            raw = None if block_hash is None else txn.get(schema.BLOCKS, block_hash)
        if raw is None:
            return None
        return Block.from_bytes(raw).transactions[position].to_bytes()

    def mempool_txids(self) -> list[bytes]:
        return self._mempool_txids()

    def has_transaction(self, txid: bytes) -> bool:
        if self._mempool_raw(txid) is not None:
            return True
        if len(txid) != 32:
            return False
        with self.store.read() as txn:
            return txn.get(schema.TX_INDEX, txid) is not None
