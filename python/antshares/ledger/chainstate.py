"""A node's ledger: its LMDB store and the native engine that mirrors it (SPEC §4–§7, §11).

`ChainState.open` opens the data dir of a network; an empty one gets the network's genesis. The
engine (`antshares_native._native.Ledger`) holds the state tables in memory (assets, ANS
holders in an order-statistics index, candidacies, ballots, totals) and the UTXO set behind a
bounded cache; this module loads it from the store once, then per batch of blocks:

1. the engine decodes all blocks, checks every signature of the batch in one parallel run (the
   GIL released) and asks, in one callback, for the UTXOs its cache lacks and whether input-less
   txids are already in the chain — answered from one read snapshot;
2. it applies the blocks in order under every rule, stopping at the first rejected block (the
   witnesses of transactions a mempool verified already, named by wtxid, are not checked again);
3. everything the applied blocks changed is written in one LMDB transaction (the UTXO flush, the
   state tables, the blocks and indexes, the tip), so a kill at any instant leaves the store at
   the end of a complete earlier batch.

If the write fails, the engine is ahead of the store: it is rebuilt from the store, so memory
and disk never disagree.

`ChainState.check_transactions` checks loose transactions (a mempool's) under the same rules, each
alone against the tip, changing nothing: the wtxids of those it passed with their signatures may
be handed to `apply_blocks` as `verified`.
"""

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from antshares_native._native import Ledger, PreparedBlocks, prepare_blocks

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import Profile
from antshares.storage import schema
from antshares.storage.env import ReadTxn, Store, StoreError, open_store

__all__ = [
    "DEFAULT_UTXO_CACHE_BYTES",
    "BatchResult",
    "ChainState",
    "RuleError",
    "TxCheck",
]

DEFAULT_UTXO_CACHE_BYTES = 256 << 20
"""UTXO cache budget: clean entries are evicted down to this after each commit."""
ANC = 10**8
"""Satoshi per ANC: profile fees and deposits are whole ANC."""

_TABLES = {t.name.decode(): t for t in schema.TABLES}


class RuleError(Exception):
    """A block (or transaction) broke a rule: where, and which rule."""

    def __init__(self, info: Mapping[str, Any]) -> None:
        super().__init__(str(info["message"]))
        self.height: int = info["height"]
        self.block_hash: bytes | None = info["block_hash"]
        self.tx_index: int | None = info["tx_index"]
        self.txid: bytes | None = info["txid"]
        self.rule: str = info["rule"]
        self.detail: str = info["detail"]


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: blocks, transactions and signatures applied, and the block that stopped
    it, if any (the blocks before it are committed)."""

    applied: int
    transactions: int
    signatures: int
    error: RuleError | None
    reused: int = 0
    """Signatures not checked because their transaction's wtxid was in `verified`."""


@dataclass(frozen=True)
class TxCheck:
    """The verdict on one loose transaction, checked alone against the tip."""

    txid: bytes | None
    """32 bytes, internal order; None when the bytes do not decode."""
    wtxid: bytes | None
    """SHA-256 of the complete serialized transaction (witnesses included)."""
    size: int
    """len(raw)."""
    byte_fee: int
    """SPEC §4 byte fee in ANC satoshi: ANC in − ANC out − service fee (0 when rejected)."""
    rule: str | None
    """None: valid against the tip; else the engine's rule name."""
    detail: str | None

    @property
    def ok(self) -> bool:
        return self.rule is None


def new_engine(profile: Profile, utxo_cache_bytes: int) -> Ledger:
    fees = profile.service_fees_anc
    return Ledger(
        list(profile.standby_keys),
        (
            fees["register"] * ANC,
            fees["issue"] * ANC,
            fees["enrollment"] * ANC,
            fees["voting"] * ANC,
        ),
        profile.min_enrollment_deposit_anc * ANC,
        utxo_cache_bytes,
    )


class ChainState:
    """The ledger of one data dir. Not thread-safe: one writer drives it."""

    def __init__(
        self, profile: Profile, store: Store, utxo_cache_bytes: int = DEFAULT_UTXO_CACHE_BYTES
    ) -> None:
        self.profile = profile
        self.store = store
        self.utxo_cache_bytes = utxo_cache_bytes
        self.genesis = genesis_block(profile)
        self.engine = self._load()

    @classmethod
    def open(
        cls,
        profile: Profile,
        data_dir: str | os.PathLike[str],
        *,
        sync: bool = True,
        utxo_cache_bytes: int = DEFAULT_UTXO_CACHE_BYTES,
    ) -> "ChainState":
        """Open (creating if needed) the data dir of `profile`; see `open_store` for errors."""
        genesis_hash = genesis_block(profile).hash.to_bytes()
        store = open_store(Path(data_dir), profile.magic, genesis_hash, sync=sync)
        try:
            return cls(profile, store, utxo_cache_bytes)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "ChainState":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def height(self) -> int:
        height = self.engine.height
        assert height is not None  # the genesis is applied on open
        return height

    @property
    def tip_timestamp(self) -> int:
        timestamp = self.engine.tip_timestamp
        assert timestamp is not None
        return timestamp

    @property
    def tip_hash(self) -> bytes:
        tip = self.engine.tip_hash
        assert tip is not None
        return tip

    # Loading.

    def _load(self) -> Ledger:
        engine = new_engine(self.profile, self.utxo_cache_bytes)
        with self.store.read() as txn:
            tip = txn.get(schema.META, schema.META_TIP)
            if tip is not None:
                self._load_tables(engine, txn, tip)
                return engine
        error = engine.apply_genesis(self.genesis.to_bytes())
        if error is not None:
            raise RuleError(error)
        self._commit(engine)
        return engine

    def _load_tables(self, engine: Ledger, txn: ReadTxn, tip: bytes) -> None:
        for table in (schema.ASSETS, schema.HOLDERS, schema.ENROLLMENTS, schema.BALLOTS):
            engine.load_table(table.name.decode(), list(txn.cursor(table).iternext()))
        engine.load_table("agency_splits", list(txn.cursor(schema.AGENCY_SPLITS).iternext()))
        minted = txn.get(schema.TOTALS, schema.TOTAL_ANC_MINTED)
        burned = txn.get(schema.TOTALS, schema.TOTAL_ANC_BURNED)
        engine.load_totals(
            schema.decode_u64(minted) if minted else 0, schema.decode_u64(burned) if burned else 0
        )
        height, tip_hash = schema.decode_tip(tip)
        raw_tip = txn.get(schema.BLOCKS, tip_hash)
        keepers = txn.get(schema.BOOKKEEPERS, schema.height_key(height + 1))
        if raw_tip is None or keepers is None:
            raise StoreError(f"the store's tip {height} has no block or bookkeepers record")
        beacon = txn.get(schema.BEACONS, schema.height_key(height)) if height else None
        engine.load_tip(raw_tip, keepers, beacon, self.genesis.hash.to_bytes())

    # Applying.

    def _reader(self, txn: ReadTxn) -> Any:
        utxos = self.store.db(schema.UTXOS)
        index = self.store.db(schema.TX_INDEX)
        get = txn.txn.get

        def read(keys: bytes, txids: bytes) -> tuple[list[bytes | None], list[bool]]:
            size = schema.OUTPOINT_KEY_SIZE
            coins = [get(keys[i : i + size], db=utxos) for i in range(0, len(keys), size)]
            known = [get(txids[i : i + 32], db=index) is not None for i in range(0, len(txids), 32)]
            return coins, known

        return read

    def apply_blocks(
        self,
        blocks: Sequence[bytes],
        verify_signatures: bool = True,
        verified: Collection[bytes] = (),
    ) -> BatchResult:
        """Apply consecutive blocks after the tip and commit them in one transaction.

        With `verify_signatures` False (trusted import up to a checkpoint) witnesses are not
        checked; every other rule is. `verified` holds wtxids (SHA-256 of complete transaction
        bytes) whose witnesses were verified already, by `check_transactions`: a block
        transaction with one of them skips the signature batch. The blocks before a rejected
        one are committed."""
        previous = self.block_at(self.height)
        prepared = prepare_blocks(list(blocks), verify_signatures, previous, verified or None)
        return self.apply_prepared(prepared)

    def apply_prepared(self, prepared: PreparedBlocks, commit: bool = True) -> BatchResult:
        """Apply blocks made ready by `prepare_blocks` (possibly on another thread, while the
        previous batch was applied) and commit them in one transaction. With `commit` False the
        blocks stay in the engine until `commit()` (a bulk import commits several batches at
        once); reads see them, the store does not."""
        with self.store.read() as txn:
            result = self.engine.apply_prepared(prepared, self._reader(txn))
        if result["applied"] and commit:
            self._commit(self.engine)
        error = result["error"]
        return BatchResult(
            result["applied"],
            result["transactions"],
            result["signatures"],
            None if error is None else RuleError(error),
            result["reused"],
        )

    def check_transactions(
        self, raws: Sequence[bytes], verify_signatures: bool = True
    ) -> list[TxCheck]:
        """Check each raw transaction alone against the tip, as if it were the only transaction
        of the next block (not cumulative: conflicts between them are the caller's), under every
        rule a block's transaction meets. With `verify_signatures` every witness is checked, in
        one parallel batch; without (signatures verified before), only the state rules run.
        Changes nothing."""
        with self.store.read() as txn:
            rows = self.engine.check_transactions(list(raws), verify_signatures, self._reader(txn))
        return [TxCheck(*row) for row in rows]

    def propose(self, transactions: Sequence[bytes], secrets: Sequence[tuple[int, bytes]]) -> Any:
        """What the next block must hold with these candidate transactions (see the engine)."""
        with self.store.read() as txn:
            return self.engine.propose(list(transactions), list(secrets), self._reader(txn))

    def commit(self) -> None:
        """Write every applied block not yet in the store, in one transaction."""
        self._commit(self.engine)

    def _commit(self, engine: Ledger) -> None:
        writes = engine.take_writes()
        try:
            with self.store.write() as w:
                for name, puts, deletes, size in writes:
                    table = _TABLES[name]
                    if deletes:
                        w.delete_many(table, deletes)
                    w.put_many(table, puts, size)
        except BaseException:
            # The engine is ahead of the store: rebuild it from what was committed.
            self.engine = self._load()
            raise
        engine.writes_committed()

    # Reads for tools and tests.

    def block_at(self, height: int) -> bytes | None:
        with self.store.read() as txn:
            block_hash = txn.get(schema.HEIGHT_TO_HASH, schema.height_key(height))
            return None if block_hash is None else txn.get(schema.BLOCKS, block_hash)

    def beacon_at(self, height: int) -> bytes | None:
        """The beacon record of a block: R (32) ‖ its MinerTransaction."""
        with self.store.read() as txn:
            return txn.get(schema.BEACONS, schema.height_key(height))
