"""What a wallet reads from a node's data dir: assets, unspent coins, enrollments, history.

Read-only and local (no network): `LedgerView.open(profile, data_dir)` opens the LMDB store
read-only — no writer lock, MVCC snapshots — so it runs beside a node without disturbing it.
Every method reads one snapshot (history: one per chunk of blocks).

Costs (the store has no index by script hash, by design: the node does not need one):
- `unspent` / `balances` walk the whole UTXO table once (98 bytes a coin; about 4 million coins
  a second from a warm page cache, fewer from a cold disk), however many accounts are asked about;
- `history` decodes every block of the range asked for. A transaction is the wallet's when an
  output pays one of its script hashes or a witness is one of its scripts (a spend needs its
  owner's witness), so only those transactions have their inputs resolved: from the outputs
  the scan has already seen, else from the transaction index (one block decoded per lookup,
  cached). Bound it with `start`/`stop` and `limit`; `History.next_height` resumes.
- `asset`, `enrollment`, `transaction` are point lookups.
- `ballots`, `candidates`, `votes` walk the (small) ballot and enrollment tables, with a point
  lookup per ballot for its unspent outputs; `outputs_of` decodes one block per distinct
  transaction asked about.

Thread safety: the methods that keep no cache (`unspent`, `balances`, `blocks`, `outputs_of`,
`ballots`, `candidates`, `votes`, `beacon`, `anc_totals`, `transaction_height`, `bookkeepers`) may
run on any thread; `block` and `transaction` share a block cache and belong to one thread.
"""

import json
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import lmdb

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import Profile
from antshares.core import (
    AssetType,
    Block,
    CoinReference,
    Transaction,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
)
from antshares.core.address import script_hash
from antshares.ledger.utxo import (
    COIN_SIZE,
    Coin,
    decode_coin,
    decode_outpoint,
    encode_outpoint,
)
from antshares.storage import schema
from antshares.storage.env import ReadTxn, Store, StoreError, open_store

__all__ = [
    "AncTotals",
    "AssetInfo",
    "BallotInfo",
    "BeaconRecord",
    "CandidateInfo",
    "EnrollmentInfo",
    "History",
    "HistoryEntry",
    "LedgerView",
    "UnspentCoin",
    "format_amount",
]

FIXED8 = 10**8
HISTORY_CHUNK_BLOCKS = 1_000  # blocks read per snapshot: a long scan never pins old pages long
_BLOCK_CACHE = 64  # decoded blocks kept for resolving the inputs of older transactions
_DUTY_FLAG = 0x80


def format_amount(value: int, precision: int = 8) -> str:
    """A raw Fixed8 value as a decimal string with at most `precision` decimals."""
    text = format(Decimal(value).scaleb(-8).quantize(Decimal(1).scaleb(-precision)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class AssetInfo:
    """A registered asset (the Register transaction's fields) and how much is issued."""

    asset_id: UInt256
    asset_type: int
    name: str  # as registered: usually a JSON list of {"lang", "name"}
    amount: int  # the cap, raw Fixed8; -1 = unlimited
    precision: int
    owner: bytes  # compressed public key (b"\\x00" for the genesis assets)
    admin: UInt160
    issued: int

    @property
    def unit(self) -> int:
        """Output values must be multiples of this (10^(8 − precision))."""
        return int(10 ** (8 - self.precision))

    @property
    def duty(self) -> bool:
        """DutyFlag (Share, Invoice): every receiver must sign."""
        return bool(self.asset_type & _DUTY_FLAG)

    @property
    def is_share(self) -> bool:
        return self.asset_type == AssetType.SHARE

    @property
    def type_name(self) -> str:
        try:
            return AssetType(self.asset_type).name.lower()
        except ValueError:
            return f"0x{self.asset_type:02x}"

    @property
    def display_name(self) -> str:
        """The English name of a JSON name list (else the first one), or the name as is."""
        return _display_name(self.name)

    @property
    def remaining(self) -> int | None:
        """Raw amount still issuable; None when unlimited."""
        if self.amount < 0:
            return None
        return self.amount - self.issued

    def format(self, value: int) -> str:
        return format_amount(value, self.precision)


def _display_name(raw: str) -> str:
    try:
        names = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(names, list):
        entries = [n for n in names if isinstance(n, dict) and isinstance(n.get("name"), str)]
        for entry in entries:
            if str(entry.get("lang", "")).startswith("en"):
                return str(entry["name"])
        if entries:
            return str(entries[0]["name"])
    return raw


@dataclass(frozen=True)
class UnspentCoin:
    """An unspent output and what spending it does besides moving value."""

    ref: CoinReference
    asset_id: UInt256
    value: int
    script_hash: UInt160
    height: int
    deposit: bool = False  # output 0 of an active Enrollment: spending it withdraws the candidacy
    ballot: bool = False  # an ANS output of an active vote: spending it lowers the vote's weight

    @property
    def output(self) -> TxOutput:
        return TxOutput(self.asset_id, self.value, self.script_hash)


@dataclass(frozen=True)
class EnrollmentInfo:
    """An active candidacy: its Enrollment txid, public key and deposit (output 0)."""

    txid: UInt256
    public_key: bytes
    deposit: CoinReference


@dataclass(frozen=True)
class BallotInfo:
    """An active vote (SPEC §4, §6): its Voting txid, its weight in whole ANS (the ANS of its
    outputs still unspent), the candidates it lists, and who holds those outputs."""

    txid: UInt256
    weight: int
    candidates: tuple[bytes, ...]
    voters: tuple[UInt160, ...]


@dataclass(frozen=True)
class CandidateInfo:
    """An active candidacy with its deposit's value and its votes (whole ANS of the ballots
    that list its key)."""

    txid: UInt256
    public_key: bytes
    deposit: CoinReference
    deposit_value: int
    votes: int


@dataclass(frozen=True)
class BeaconRecord:
    """The random-beacon evidence of a block (SPEC §7.7): `random` is the R its lottery used
    (R of the block before; its low 64 bits are this header's nonce), `miner` its
    version-1 MinerTransaction with the dealings it fixes and the secrets it reveals."""

    height: int
    block_hash: UInt256
    random: bytes
    header_nonce: int
    miner: Transaction

    @property
    def dealings(self) -> list[tuple[int, list[bytes]]]:
        """(dealer index, Feldman commitments) of each dealing fixed in this block."""
        return [
            (int(d["dealer"]), list(d["commitments"])) for d in self.miner.exclusive["dealings"]
        ]

    @property
    def secrets(self) -> list[tuple[int, bytes]]:
        """(dealer index, secret) of each secret revealed for the previous block's dealings."""
        return [(int(s["dealer"]), bytes(s["secret"])) for s in self.miner.exclusive["secrets"]]


@dataclass(frozen=True)
class AncTotals:
    """ANC minted by the lottery and burned as service fees, through block `height`
    (satoshi, read in one snapshot with the height)."""

    height: int
    minted: int
    burned: int


@dataclass(frozen=True)
class HistoryEntry:
    """A transaction that touched the wallet: the net change per asset (raw, signed)."""

    height: int
    timestamp: int
    txid: UInt256
    tx_type: int
    changes: dict[UInt256, int]

    @property
    def type_name(self) -> str:
        try:
            return TxType(self.tx_type).name.lower()
        except ValueError:
            return f"0x{self.tx_type:02x}"


@dataclass
class History:
    """Entries found in [start, next_height); `complete` when the scan reached `stop`."""

    entries: list[HistoryEntry] = field(default_factory=list)
    start: int = 0
    next_height: int = 0
    complete: bool = True


def _raw(h: UInt160 | UInt256) -> bytes:
    return h.to_bytes()


class LedgerView:
    """Read-only view of one data dir. Use `open` (or wrap a `Store` opened elsewhere)."""

    def __init__(self, store: Store, profile: Profile) -> None:
        self.store = store
        self.profile = profile
        self._assets: dict[UInt256, AssetInfo] = {}
        self._blocks: OrderedDict[int, Block] = OrderedDict()
        with store.read() as txn:
            if txn.get(schema.META, schema.META_TIP) is None:
                raise StoreError(f"the store at {store.path} holds no chain yet")
            genesis = self._block(txn, 0)
        registers = [tx for tx in genesis.transactions if tx.type == TxType.REGISTER]
        kinds = {int(tx.exclusive["asset_type"]): tx.hash for tx in registers}
        if AssetType.ANTSHARE not in kinds or AssetType.ANTCOIN not in kinds:
            raise StoreError(f"the genesis block in {store.path} registers no ANS or ANC")
        self.ans: UInt256 = kinds[AssetType.ANTSHARE]
        self.anc: UInt256 = kinds[AssetType.ANTCOIN]

    @classmethod
    def open(cls, profile: Profile, data_dir: str | os.PathLike[str]) -> "LedgerView":
        """Open the store in `data_dir` read-only; StoreError when there is none or it belongs
        to another network."""
        path = Path(data_dir)
        genesis_hash = genesis_block(profile).hash.to_bytes()
        store = open_store(path, profile.magic, genesis_hash, readonly=True)
        try:
            return cls(store, profile)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "LedgerView":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Chain.

    @property
    def height(self) -> int:
        with self.store.read() as txn:
            tip = txn.get(schema.META, schema.META_TIP)
        assert tip is not None  # checked on open; a tip never goes away
        return schema.decode_tip(tip)[0]

    def _block(self, txn: ReadTxn, height: int) -> Block:
        cached = self._blocks.get(height)
        if cached is not None:
            self._blocks.move_to_end(height)
            return cached
        block_hash = txn.get(schema.HEIGHT_TO_HASH, schema.height_key(height))
        raw = None if block_hash is None else txn.get(schema.BLOCKS, block_hash)
        if raw is None:
            raise StoreError(f"block {height} is missing from {self.store.path}")
        block = Block.from_bytes(raw)
        self._blocks[height] = block
        if len(self._blocks) > _BLOCK_CACHE:
            self._blocks.popitem(last=False)
        return block

    def block(self, height: int) -> Block:
        with self.store.read() as txn:
            return self._block(txn, height)

    def blocks(self, start: int = 0, stop: int | None = None) -> Iterator[Block]:
        """Blocks start ≤ height < stop (default: through the tip), a snapshot per chunk."""
        end = self.height + 1 if stop is None else min(stop, self.height + 1)
        height = max(start, 0)
        while height < end:
            chunk_end = min(end, height + HISTORY_CHUNK_BLOCKS)
            with self.store.read() as txn:
                chunk = [self._read_block(txn, h) for h in range(height, chunk_end)]
            yield from chunk
            height = chunk_end

    def _read_block(self, txn: ReadTxn, height: int) -> Block:
        # Not through the cache: a long scan would only evict what input lookups need.
        block_hash = txn.get(schema.HEIGHT_TO_HASH, schema.height_key(height))
        raw = None if block_hash is None else txn.get(schema.BLOCKS, block_hash)
        if raw is None:
            raise StoreError(f"block {height} is missing from {self.store.path}")
        return Block.from_bytes(raw)

    def transaction(self, txid: UInt256) -> tuple[Transaction, int] | None:
        """A confirmed transaction and its block height, through the transaction index."""
        with self.store.read() as txn:
            return self._transaction(txn, txid)

    def _transaction(self, txn: ReadTxn, txid: UInt256) -> tuple[Transaction, int] | None:
        location = txn.get(schema.TX_INDEX, _raw(txid))
        if location is None:
            return None
        height, position = schema.decode_tx_location(location)
        return self._block(txn, height).transactions[position], height

    # Assets.

    def asset(self, asset_id: UInt256) -> AssetInfo | None:
        """A registered asset, or None. The issued amount is read fresh every time."""
        with self.store.read() as txn:
            value = txn.get(schema.ASSETS, _raw(asset_id))
        return None if value is None else _decode_asset(asset_id, value)

    def assets(self) -> list[AssetInfo]:
        """Every registered asset (a walk of the asset table)."""
        with self.store.read() as txn:
            rows = list(txn.cursor(schema.ASSETS).iternext())
        return [_decode_asset(UInt256(key), value) for key, value in rows]

    # Coins.

    def unspent(self, script_hashes: Iterable[UInt160]) -> list[UnspentCoin]:
        """Every unspent output paying one of `script_hashes`, in outpoint order. Walks the whole
        UTXO table (see the module doc for the cost)."""
        wanted = {_raw(h) for h in script_hashes}
        if not wanted:
            return []
        found: list[tuple[bytes, bytes]] = []
        with self.store.read() as txn:
            for key, value in txn.cursor(schema.UTXOS).iternext():
                if len(value) == COIN_SIZE and value[40:60] in wanted:
                    found.append((bytes(key), bytes(value)))
            deposits = {bytes(v[33:67]) for _, v in txn.cursor(schema.ENROLLMENTS).iternext()}
            ballots = {
                bytes(key[:32]) for key, _ in found if txn.get(schema.BALLOTS, key[:32]) is not None
            }
        coins = []
        for key, value in found:
            txid, index = decode_outpoint(key)
            coin = decode_coin(value)
            coins.append(
                UnspentCoin(
                    CoinReference(txid, index),
                    coin.asset_id,
                    coin.value,
                    coin.script_hash,
                    coin.height,
                    deposit=key in deposits,
                    ballot=coin.asset_id == self.ans and key[:32] in ballots,
                )
            )
        return coins

    def coin(self, ref: CoinReference) -> UnspentCoin | None:
        """One unspent output, or None when it is spent or never existed."""
        key = encode_outpoint(ref.prev_hash, ref.prev_index)
        with self.store.read() as txn:
            value = txn.get(schema.UTXOS, key)
            if value is None:
                return None
            deposit = any(
                bytes(v[33:67]) == key for _, v in txn.cursor(schema.ENROLLMENTS).iternext()
            )
            ballot = txn.get(schema.BALLOTS, key[:32]) is not None
        coin = decode_coin(value)
        return UnspentCoin(
            ref,
            coin.asset_id,
            coin.value,
            coin.script_hash,
            coin.height,
            deposit,
            ballot and coin.asset_id == self.ans,
        )

    def balances(self, script_hashes: Iterable[UInt160]) -> dict[UInt160, dict[UInt256, int]]:
        """Raw balance per script hash and asset (only non-zero ones appear)."""
        totals: dict[UInt160, dict[UInt256, int]] = {}
        for coin in self.unspent(script_hashes):
            per_asset = totals.setdefault(coin.script_hash, {})
            per_asset[coin.asset_id] = per_asset.get(coin.asset_id, 0) + coin.value
        return totals

    # Candidacies.

    def enrollment(self, txid: UInt256) -> EnrollmentInfo | None:
        """An active enrollment (its deposit unspent), or None."""
        with self.store.read() as txn:
            value = txn.get(schema.ENROLLMENTS, _raw(txid))
        return None if value is None else _decode_enrollment(txid, value)

    def enrollments(self) -> list[EnrollmentInfo]:
        with self.store.read() as txn:
            rows = list(txn.cursor(schema.ENROLLMENTS).iternext())
        return [_decode_enrollment(UInt256(key), value) for key, value in rows]

    def candidates(self) -> list[CandidateInfo]:
        """Every active candidacy with its deposit value and votes, in Enrollment txid order."""
        with self.store.read() as txn:
            votes = _votes(txn)
            found = []
            for key, value in txn.cursor(schema.ENROLLMENTS).iternext():
                info = _decode_enrollment(UInt256(key), value)
                coin = txn.get(schema.UTXOS, bytes(value[33:67]))
                deposit = 0 if coin is None else decode_coin(coin).value
                votes_for = votes.get(info.public_key, 0)
                found.append(
                    CandidateInfo(info.txid, info.public_key, info.deposit, deposit, votes_for)
                )
        return found

    def votes(self) -> dict[bytes, int]:
        """Whole ANS per candidate key over the active ballots that list it (SPEC §6: a ballot
        adds its full weight to each candidate it lists). Keys no ballot lists are absent."""
        with self.store.read() as txn:
            return _votes(txn)

    def ballots(self, voter: UInt160 | None = None) -> list[BallotInfo]:
        """The active ballots in Voting txid order; with `voter`, those whose unspent ANS
        outputs pay it. The voters are read from the UTXO table by the Voting txid (its
        outputs sort together), so this does not walk the coins."""
        found = []
        with self.store.read() as txn:
            coins = txn.cursor(schema.UTXOS)
            for key, value in txn.cursor(schema.BALLOTS).iternext():
                outputs = _outputs_left(coins, bytes(key))
                voters = sorted({c.script_hash for c in outputs if c.asset_id == self.ans})
                if voter is not None and voter not in voters:
                    continue
                weight = schema.decode_u64(bytes(value[:8]))
                keys = tuple(bytes(value[i : i + 33]) for i in range(8, len(value), 33))
                found.append(BallotInfo(UInt256(key), weight, keys, tuple(voters)))
        return found

    def bookkeepers(self, height: int) -> list[bytes] | None:
        """The bookkeepers (compressed keys, election order) that sign the block at `height`;
        the record for tip + 1 is the next block's. None when there is no record."""
        with self.store.read() as txn:
            value = txn.get(schema.BOOKKEEPERS, schema.height_key(height))
        if value is None:
            return None
        return [bytes(value[i : i + 33]) for i in range(0, len(value), 33)]

    # Beacon and totals.

    def beacon(self, height: int) -> BeaconRecord | None:
        """The beacon record of the block at `height`; None for the genesis, a height past the
        tip, or a block whose MinerTransaction is version 0 (AntShares 1.0 data)."""
        with self.store.read() as txn:
            record = txn.get(schema.BEACONS, schema.height_key(height))
            block_hash = txn.get(schema.HEIGHT_TO_HASH, schema.height_key(height))
            raw = None if block_hash is None else txn.get(schema.BLOCKS, block_hash)
        if record is None or block_hash is None or raw is None:
            return None
        header = Block.from_bytes(raw).header
        miner = Transaction.from_bytes(bytes(record[32:]))
        return BeaconRecord(
            height, UInt256(block_hash), bytes(record[:32]), header.consensus_data, miner
        )

    def anc_totals(self) -> AncTotals:
        """ANC minted and burned so far, with the height they are at (one snapshot)."""
        with self.store.read() as txn:
            tip = txn.get(schema.META, schema.META_TIP)
            minted = txn.get(schema.TOTALS, schema.TOTAL_ANC_MINTED)
            burned = txn.get(schema.TOTALS, schema.TOTAL_ANC_BURNED)
        assert tip is not None  # checked on open; a tip never goes away
        return AncTotals(
            schema.decode_tip(tip)[0],
            0 if minted is None else schema.decode_u64(minted),
            0 if burned is None else schema.decode_u64(burned),
        )

    # Transactions by id.

    def transaction_height(self, txid: UInt256) -> int | None:
        """Height of the block that holds a confirmed transaction (index lookup only)."""
        with self.store.read() as txn:
            location = txn.get(schema.TX_INDEX, _raw(txid))
        return None if location is None else schema.decode_tx_location(location)[0]

    def outputs_of(self, refs: Iterable[CoinReference]) -> dict[CoinReference, TxOutput]:
        """The outputs that `refs` point to, spent or not, from confirmed transactions; a
        reference to an unknown transaction or past its outputs is left out. One snapshot and a
        cache of its own (each block decoded once per call), so it may run on any thread."""
        blocks: dict[int, Block] = {}
        found: dict[CoinReference, TxOutput] = {}
        with self.store.read() as txn:
            for ref in refs:
                location = txn.get(schema.TX_INDEX, _raw(ref.prev_hash))
                if location is None:
                    continue
                height, position = schema.decode_tx_location(location)
                block = blocks.get(height)
                if block is None:
                    block = blocks[height] = self._read_block(txn, height)
                outputs = block.transactions[position].outputs
                if ref.prev_index < len(outputs):
                    found[ref] = outputs[ref.prev_index]
        return found

    # History.

    def history(
        self,
        scripts: Iterable[bytes | UInt160],
        start: int = 0,
        stop: int | None = None,
        *,
        limit: int | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> History:
        """The transactions of blocks start ≤ height < stop (default: through the tip) that
        pay one of `scripts` (verification scripts or script hashes) or carry its witness. At
        most `limit` entries: `next_height` then says where to resume (`complete` is False).
        `on_progress(height, stop)` is called after each chunk of blocks."""
        hashes: set[bytes] = set()
        for item in scripts:
            if isinstance(item, UInt160):
                hashes.add(_raw(item))
            else:
                hashes.add(_raw(script_hash(item)))
        end = self.height + 1 if stop is None else min(stop, self.height + 1)
        start = max(start, 0)
        result = History(start=start, next_height=start, complete=True)
        seen: dict[CoinReference, TxOutput] = {}  # our outputs met so far in the scan
        height = start
        while height < end:
            chunk_end = min(end, height + HISTORY_CHUNK_BLOCKS)
            with self.store.read() as txn:
                for h in range(height, chunk_end):
                    block = self._read_block(txn, h)
                    for tx in block.transactions:
                        entry = self._history_entry(txn, block, tx, hashes, seen, start)
                        if entry is not None:
                            result.entries.append(entry)
                    result.next_height = h + 1
                    if limit is not None and len(result.entries) >= limit:
                        result.complete = result.next_height >= end
                        return result
            height = chunk_end
            if on_progress is not None:
                on_progress(height, end)
        result.complete = True
        return result

    def _history_entry(
        self,
        txn: ReadTxn,
        block: Block,
        tx: Transaction,
        hashes: set[bytes],
        seen: dict[CoinReference, TxOutput],
        start: int,
    ) -> HistoryEntry | None:
        txid = tx.hash
        changes: dict[UInt256, int] = {}
        for index, out in enumerate(tx.outputs):
            if _raw(out.script_hash) in hashes:
                seen[CoinReference(txid, index)] = out
                changes[out.asset_id] = changes.get(out.asset_id, 0) + out.value
        witnesses = list(tx.witnesses)
        inputs = list(tx.inputs)
        if tx.type == TxType.AGENCY:
            for order in tx.exclusive["orders"]:
                witnesses.extend(order["witnesses"])
                inputs.extend(order["inputs"])
        signed = any(_raw(w.script_hash) in hashes for w in witnesses)
        if signed:  # only a signer can have spent our outputs: resolve its inputs
            for ref in inputs:
                spent = seen.pop(ref, None)
                if spent is None and start > 0:
                    spent = self._output(txn, ref)
                    if spent is not None and _raw(spent.script_hash) not in hashes:
                        spent = None
                if spent is not None:
                    changes[spent.asset_id] = changes.get(spent.asset_id, 0) - spent.value
        if not changes and not signed:
            return None
        return HistoryEntry(
            block.index,
            block.timestamp,
            txid,
            tx.type,
            {a: v for a, v in changes.items() if v != 0},
        )

    def _output(self, txn: ReadTxn, ref: CoinReference) -> TxOutput | None:
        found = self._transaction(txn, ref.prev_hash)
        if found is None:
            return None
        outputs = found[0].outputs
        return outputs[ref.prev_index] if ref.prev_index < len(outputs) else None


def _decode_asset(asset_id: UInt256, value: bytes) -> AssetInfo:
    issued = int.from_bytes(value[:8], "big", signed=True)
    # The exclusive data is the Register transaction's: decode it with the one native codec by
    # wrapping it in an otherwise empty Register transaction.
    wrapped = bytes([TxType.REGISTER, 0]) + bytes(value[8:]) + b"\x00\x00\x00\x00"
    fields: dict[str, Any] = Transaction.from_bytes(wrapped).exclusive
    return AssetInfo(
        asset_id,
        int(fields["asset_type"]),
        str(fields["name"]),
        int(fields["amount"]),
        int(fields["precision"]),
        bytes(fields["owner"]),
        fields["admin"],
        issued,
    )


def _decode_enrollment(txid: UInt256, value: bytes) -> EnrollmentInfo:
    deposit_txid, index = decode_outpoint(bytes(value[33:67]))
    return EnrollmentInfo(txid, bytes(value[:33]), CoinReference(deposit_txid, index))


def _votes(txn: ReadTxn) -> dict[bytes, int]:
    votes: dict[bytes, int] = {}
    for _, value in txn.cursor(schema.BALLOTS).iternext():
        weight = schema.decode_u64(bytes(value[:8]))
        for i in range(8, len(value), 33):
            key = bytes(value[i : i + 33])
            votes[key] = votes.get(key, 0) + weight
    return votes


def _outputs_left(coins: "lmdb.Cursor[bytes]", txid: bytes) -> list[Coin]:
    """The unspent outputs of one transaction: its UTXO keys share the txid prefix."""
    found = []
    if coins.set_range(txid):
        for key, value in coins:
            if bytes(key[:32]) != txid:
                break
            found.append(decode_coin(bytes(value)))
    return found
