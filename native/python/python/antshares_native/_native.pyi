# Hand-written typing stub of the compiled module `antshares_native._native` (native/python/src).
# Keep it true: every function and class the module registers, with its exact signature.
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypedDict, final

class DecodeError(ValueError):
    """Raised when bytes cannot be decoded: message "<field> at offset <n>: <reason>"."""

    field: str
    offset: int
    reason: str

@final
class UInt160:
    """20 raw bytes (internal order). str() is the display form (reversed hex). Ordered as
    little-endian numbers, i.e. like the display strings. Arguments typed UInt160 elsewhere also
    accept 20 raw bytes."""

    def __new__(cls, data: bytes) -> UInt160: ...
    @staticmethod
    def from_display(s: str) -> UInt160: ...
    @staticmethod
    def from_bytes(data: bytes) -> UInt160: ...
    def to_bytes(self) -> bytes: ...
    def __bytes__(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __lt__(self, other: UInt160, /) -> bool: ...
    def __le__(self, other: UInt160, /) -> bool: ...
    def __gt__(self, other: UInt160, /) -> bool: ...
    def __ge__(self, other: UInt160, /) -> bool: ...

@final
class UInt256:
    """32 raw bytes (internal order). str() is the display form (reversed hex). Ordered as
    little-endian numbers, i.e. like the display strings. Arguments typed UInt256 elsewhere also
    accept 32 raw bytes."""

    def __new__(cls, data: bytes) -> UInt256: ...
    @staticmethod
    def from_display(s: str) -> UInt256: ...
    @staticmethod
    def from_bytes(data: bytes) -> UInt256: ...
    def to_bytes(self) -> bytes: ...
    def __bytes__(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __lt__(self, other: UInt256, /) -> bool: ...
    def __le__(self, other: UInt256, /) -> bool: ...
    def __gt__(self, other: UInt256, /) -> bool: ...
    def __ge__(self, other: UInt256, /) -> bool: ...

@final
class Witness:
    def __new__(cls, invocation: bytes, verification: bytes) -> Witness: ...
    @property
    def invocation(self) -> bytes: ...
    @property
    def verification(self) -> bytes: ...
    @property
    def script_hash(self) -> UInt160: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> Witness: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class CoinReference:
    def __new__(cls, prev_hash: UInt256 | bytes, prev_index: int) -> CoinReference: ...
    @property
    def prev_hash(self) -> UInt256: ...
    @property
    def prev_index(self) -> int: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> CoinReference: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TxOutput:
    """`value` is the raw Fixed8 integer (amount × 10^8), > 0."""

    def __new__(
        cls, asset_id: UInt256 | bytes, value: int, script_hash: UInt160 | bytes
    ) -> TxOutput: ...
    @property
    def asset_id(self) -> UInt256: ...
    @property
    def value(self) -> int: ...
    @property
    def script_hash(self) -> UInt160: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> TxOutput: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TxAttribute:
    def __new__(cls, usage: int, data: bytes) -> TxAttribute: ...
    @property
    def usage(self) -> int: ...
    @property
    def data(self) -> bytes: ...
    def to_bytes(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Transaction:
    """`exclusive` is a dict whose keys depend on `type`; a missing or extra key is a ValueError:
    Miner {"nonce": int, "dealings": list[{"dealer": int, "commitments": list[bytes (33)]}],
    "secrets": list[{"dealer": int, "secret": bytes (32)}] (both version >= 1 only)};
    Issue, Contract {}; Claim {"claims": list[CoinReference]};
    Enrollment {"public_key": bytes (33, compressed)}; Voting {"enrollments": list[UInt256]};
    Register {"asset_type": int, "name": str, "amount": int, "precision": int, "owner": bytes,
    "admin": UInt160}; State {"descriptors": list[{"type": int, "key": bytes, "field": str,
    "value": bytes}]}; Publish {"script": bytes, "parameter_list": bytes, "return_type": int,
    "name", "code_version", "author", "email", "description": str, "need_storage": bool
    (version >= 1 only)}; Invocation {"script": bytes, "gas": int (version >= 1 only)};
    Agency {"asset_id": UInt256, "value_asset_id": UInt256, "agent": UInt160,
    "orders": list[{"amount": int, "price": int, "client": UInt160,
    "inputs": list[CoinReference], "witnesses": list[Witness]}],
    "split_order": {"amount": int, "price": int, "client": UInt160} | None (may be omitted)}.
    The constructor validates the whole transaction (ValueError); `exclusive` and the list
    properties return new objects on every access."""

    def __new__(
        cls,
        type: int,
        version: int,
        exclusive: dict[str, Any],
        attributes: Iterable[TxAttribute],
        inputs: Iterable[CoinReference],
        outputs: Iterable[TxOutput],
        witnesses: Iterable[Witness],
    ) -> Transaction: ...
    @staticmethod
    def from_bytes(data: bytes) -> Transaction: ...
    @property
    def type(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def exclusive(self) -> dict[str, Any]: ...
    @property
    def attributes(self) -> list[TxAttribute]: ...
    @property
    def inputs(self) -> list[CoinReference]: ...
    @property
    def outputs(self) -> list[TxOutput]: ...
    @property
    def witnesses(self) -> list[Witness]: ...
    @property
    def hash(self) -> UInt256: ...
    @property
    def txid(self) -> str: ...
    @property
    def size(self) -> int: ...
    def unsigned_bytes(self) -> bytes: ...
    def to_bytes(self) -> bytes: ...
    def __bytes__(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Header:
    def __new__(
        cls,
        version: int,
        prev_hash: UInt256 | bytes,
        merkle_root: UInt256 | bytes,
        timestamp: int,
        index: int,
        consensus_data: int,
        next_consensus: UInt160 | bytes,
        witness: Witness,
    ) -> Header: ...
    @staticmethod
    def from_bytes(data: bytes) -> Header: ...
    @property
    def version(self) -> int: ...
    @property
    def prev_hash(self) -> UInt256: ...
    @property
    def merkle_root(self) -> UInt256: ...
    @property
    def timestamp(self) -> int: ...
    @property
    def index(self) -> int: ...
    @property
    def consensus_data(self) -> int: ...
    @property
    def next_consensus(self) -> UInt160: ...
    @property
    def witness(self) -> Witness: ...
    @property
    def hash(self) -> UInt256: ...
    def unsigned_bytes(self) -> bytes: ...
    def to_bytes(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Block:
    def __new__(cls, header: Header, transactions: Iterable[Transaction]) -> Block: ...
    @staticmethod
    def from_bytes(data: bytes) -> Block: ...
    @property
    def header(self) -> Header: ...
    @property
    def transactions(self) -> list[Transaction]: ...
    @property
    def hash(self) -> UInt256: ...
    @property
    def index(self) -> int: ...
    @property
    def timestamp(self) -> int: ...
    @property
    def merkle_root(self) -> UInt256: ...
    def compute_merkle_root(self) -> UInt256: ...
    def to_bytes(self) -> bytes: ...
    def __len__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def decode_headers_payload(data: bytes) -> list[Header]: ...
def encode_headers_payload(headers: Iterable[Header]) -> bytes: ...
def sha256(data: bytes) -> bytes: ...
def hash256(data: bytes) -> bytes: ...
def hash160(data: bytes) -> bytes: ...
def merkle_root(hashes: Iterable[bytes | UInt256]) -> bytes: ...
def base58check_encode(data: bytes) -> str: ...
def base58check_decode(s: str) -> bytes: ...
def script_hash(script: bytes) -> UInt160: ...
def address_from_script_hash(h: UInt160 | bytes, version: int = 0x17) -> str: ...
def decode_address(addr: str) -> tuple[int, UInt160]: ...
def wif_encode(secret: bytes) -> str: ...
def wif_decode(wif: str) -> bytes: ...
def single_sig_script(key: bytes) -> bytes: ...
def multisig_script_sorted(m: int, keys: Sequence[bytes]) -> bytes: ...
def classify_script(
    script: bytes,
) -> (
    tuple[Literal["single"], bytes]
    | tuple[Literal["multisig"], int, list[bytes]]
    | tuple[Literal["nonstandard"]]
): ...
def parse_invocation(script: bytes) -> list[bytes] | None: ...
def encode_var_int(value: int) -> bytes:
    """Minimal var-int encoding (format-1x §1)."""

def decode_var_int(data: bytes) -> tuple[int, int]:
    """(value, size) of the canonical var-int at the start of data; DecodeError otherwise."""

# --- signatures (native/python/src/crypto.rs) ---

CurveName = Literal["secp256r1", "secp256k1", "sm2"]

class KeyCacheStats(TypedDict):
    hits: int
    misses: int
    size: int
    hot_tables: int  # P-256 keys holding a precomputed verification table

def public_key_from_secret(curve: str, secret: bytes) -> bytes:
    """33-byte compressed public key of a 32-byte secret. ValueError: unknown curve, bad secret."""

def sign(curve: str, secret: bytes, message: bytes) -> bytes:
    """64-byte r||s; deterministic, low-S for the ECDSA curves. ValueError: curve, bad secret."""

def verify(curve: str, key: bytes, message: bytes, signature: bytes) -> bool:
    """High-S accepted. Malformed keys/signatures give False; an unknown curve raises ValueError."""

def verify_batch(items: Sequence[tuple[str | int, bytes, bytes, bytes]]) -> list[bool]:
    """Items (curve, key, message, signature), verified in parallel with the GIL released.
    The curve may also be its code (0 secp256r1, 1 secp256k1, 2 sm2)."""

def verify_batch_digests(items: Sequence[tuple[str | int, bytes, bytes, bytes]]) -> list[bool]:
    """Items (curve, key, SHA-256 digest of the signed bytes, signature) for P-256/secp256k1.
    ValueError for SM2 items (SM2 hashes the message with the signer's Z) or digests of other
    than 32 bytes."""

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

# --- block verifier (native/python/src/verify.rs) ---

class VerifyReport(TypedDict):
    height: int | None
    hash: str | None
    merkle_root: str | None
    merkle_ok: bool
    txids: list[str]
    tx_types: bytes
    signatures_checked: int
    signatures_valid: int
    nonstandard_witnesses: int
    ok: bool
    error: str | None
    next_consensus: UInt160 | None
    block_witness_bound: bool

def verify_block(raw: bytes, next_consensus: UInt160 | bytes | None = None) -> VerifyReport:
    """Parse, txids, Merkle root and every standard witness of one block (GIL released)."""

def verify_blocks(
    raws: Sequence[bytes], expected: Sequence[UInt160 | bytes | None], chained: bool = False
) -> list[VerifyReport]:
    """Many blocks, all signatures in one parallel batch; `chained` links consecutive blocks."""

def verify_chain(
    raws: Sequence[bytes], previous: tuple[UInt256 | bytes, int, UInt160 | bytes] | None = None
) -> list[VerifyReport]:
    """Consecutive blocks continuing from `previous` = (hash, height, next_consensus) of the block
    before the first: each must follow the one before and match its NextConsensus."""

def verify_headers(
    headers: Sequence[bytes], previous: tuple[UInt256 | bytes, int, UInt160 | bytes]
) -> tuple[int, str | None]:
    """Consecutive raw headers (`Header.to_bytes()`) continuing from `previous` = (hash, height,
    next_consensus) of the header before the first: each must follow the one before, its block
    witness hash to that one's NextConsensus and its signatures verify (one parallel batch, GIL
    released). Returns (how many leading headers are valid, the first invalid one's error or
    None); nothing after the first invalid header is counted."""

def block_signatures(raw: bytes) -> list[tuple[CurveName, bytes, bytes, bytes]]:
    """(curve, key, message, signature) of every signature of the block that verifies."""

def clear_caches() -> None:
    """Forget decoded keys and learned signer patterns (for cold benchmarks)."""

# Ledger (native/python/src/ledger.rs): ANC generation and the lottery (SPEC §5).

def mint_amount(minted: int, burned: int) -> int:
    """ANC (satoshi) the next block mints: floor((10**16 - (minted - burned)) * 24297257 / 10**14).
    ValueError for impossible totals (burned > minted, minted - burned > 10**16) or ints outside
    0..2**64-1."""

def lottery_number(r: bytes) -> int:
    """R mod 10**8, the 32 bytes of `r` read as an unsigned little-endian integer."""

def first_random(genesis_hash: bytes) -> bytes:
    """dSHA256 of the 32-byte genesis hash (internal order): the random value of block 1."""

@final
class HolderIndex:
    """ANS holders (keys: UInt160 or 20 raw bytes) with non-zero whole-share balances, in
    ascending UInt160 order; O(log n) updates and lottery draws. Balances are 0..2**64-1."""

    def __new__(cls, items: Iterable[tuple[UInt160 | bytes, int]] | None = None) -> HolderIndex: ...
    def set_balance(self, key: UInt160 | bytes, balance: int) -> int: ...
    def add(self, key: UInt160 | bytes, delta: int) -> int: ...
    def apply(self, deltas: Iterable[tuple[UInt160 | bytes, int]]) -> None: ...
    def balance(self, key: UInt160 | bytes) -> int: ...
    @property
    def total(self) -> int: ...
    def winner(self, n: int) -> UInt160: ...
    def prefix_sum(self, key: UInt160 | bytes) -> int: ...
    def items(self) -> list[tuple[UInt160, int]]: ...
    def copy(self) -> HolderIndex: ...
    def __len__(self) -> int: ...
    def __contains__(self, key: UInt160 | bytes, /) -> bool: ...

# Bookkeeper election (native/python/src/election.rs), the twin of antshares.ledger.election
# (SPEC §6). Ballots are (weight, candidates) pairs; weights are ints in 1..2**64-1. Malformed
# input raises ValueError.

def election_count(ballots: Iterable[tuple[int, Sequence[bytes]]], standby_count: int) -> int:
    """Number of bookkeepers: round-half-up w-weighted mean k over the middle half of the weight,
    at least standby_count (1..1024), at most 1024; standby_count when there are no ballots."""

def election_elect(
    ballots: Iterable[tuple[int, Sequence[bytes]]],
    active: Iterable[bytes],
    standby: Sequence[bytes],
) -> list[bytes]:
    """The bookkeepers of the next block: voted active candidates by votes descending (ties in
    multisig key order), then the standby keys in order, skipping those already chosen."""

def election_next_consensus(keys: Sequence[bytes]) -> UInt160:
    """Script hash of the (n - (n-1)//3)-of-n multisig of the keys (in multisig key order)."""

# Random beacon (native/python/src/beacon.rs), SPEC §7.7: Feldman secret sharing over P-256.
# Scalars are 32 bytes big-endian, points 33-byte compressed; x is a share index (bookkeeper
# index + 1). Malformed input raises ValueError (TypeError for a wrong type).

def beacon_commitment(secret: bytes) -> bytes:
    """s·G compressed; ValueError for s = 0 or s >= the group order."""

def beacon_deal(coefficients: Iterable[bytes]) -> list[bytes]:
    """The commitments a_i·G of the polynomial a_0 + a_1·x + ... (1..342 nonzero coefficients)."""

def beacon_share(coefficients: Iterable[bytes], x: int) -> bytes:
    """The polynomial at x (1..65535)."""

def beacon_verify_share(commitments: Iterable[bytes], x: int, share: bytes) -> bool:
    """share·G == sum of C_i·x**i; False for a share that cannot be checked (bad point, x = 0)."""

def beacon_recover(shares: Iterable[tuple[int, bytes]]) -> bytes:
    """The polynomial at 0 from (x, share) pairs, Lagrange interpolation (distinct x >= 1)."""

def beacon_random(secrets: Iterable[bytes]) -> bytes:
    """R: SHA-256 of the 32-byte secrets concatenated in the order given."""

def beacon_header_nonce(r: bytes) -> int:
    """The header Nonce that carries R: its low 64 bits, little-endian."""

# UTXO cache (native/python/src/utxo.rs): the layered UTXO view, batches of packed bytes.

UTXO_KEY_SIZE: int
UTXO_VALUE_SIZE: int

class UtxoCacheStats(TypedDict):
    hits: int
    misses: int
    evictions: int
    entries: int
    dirty: int

@final
class UtxoCache:
    """The UTXO set's in-memory view (block overlay -> cache -> store). Keys: 34-byte
    outpoints (txid || big-endian u16 index) packed into one bytes; values: 64-byte coins."""

    def __new__(cls, memory_budget: int) -> UtxoCache: ...
    def missing(self, keys: bytes) -> bytes: ...
    def load(self, keys: bytes, values: Sequence[bytes | None]) -> None: ...
    def get_many(self, keys: bytes) -> list[bytes | None]: ...
    def begin_block(self) -> None: ...
    def spend_many(self, keys: bytes) -> list[bytes]: ...
    def add_many(self, keys: bytes, values: Sequence[bytes]) -> None: ...
    def commit_block(self) -> None: ...
    def abort_block(self) -> None: ...
    def flush(self) -> list[tuple[bytes, bytes | None]]: ...
    def flush_done(self) -> None: ...
    @property
    def memory_usage(self) -> int: ...
    @property
    def memory_budget(self) -> int: ...
    @property
    def block_open(self) -> bool: ...
    def stats(self) -> UtxoCacheStats: ...
    def __len__(self) -> int: ...

# Ledger engine (native/python/src/state.rs), SPEC §4–§7: applies blocks to an in-memory mirror
# of the store. Rejections come back as dicts: height, block_hash, tx_index, txid, rule, detail,
# message. Store reads go through `reader(outpoint_keys, txids) -> (coins, known)`.

class LedgerError(TypedDict):
    height: int
    block_hash: bytes | None
    tx_index: int | None
    txid: bytes | None
    rule: str
    detail: str
    message: str

class LedgerBatch(TypedDict):
    applied: int
    transactions: int
    signatures: int
    reused: int
    error: LedgerError | None

class LedgerProposal(TypedDict):
    height: int
    prev_hash: bytes
    included: list[int]
    rejected: list[tuple[int, str, str]]
    miner_outputs: list[tuple[bytes, int, bytes]]
    random: bytes
    nonce: int
    next_consensus: bytes
    bookkeepers: list[bytes]
    next_bookkeepers: list[bytes]

@final
class PreparedBlocks:
    def __len__(self) -> int: ...

def prepare_blocks(
    blocks: Sequence[bytes],
    verify_signatures: bool,
    previous_block: bytes | None,
    verified: Iterable[bytes] | None = None,
) -> PreparedBlocks:
    """`verified`: wtxids (SHA-256 of complete transaction bytes) whose witnesses were already
    verified; a block transaction with one of them skips the signature batch."""

LedgerReader = Callable[[bytes, bytes], tuple[Sequence[bytes | None], Sequence[bool]]]
LedgerTxCheck = tuple[bytes | None, bytes | None, int, int, str | None, str | None]
"""(txid, wtxid, size, byte_fee, rule, detail): rule and detail None when valid, txid and wtxid
None when the bytes do not decode."""

@final
class Ledger:
    def __new__(
        cls,
        standby_keys: Sequence[bytes],
        fees: tuple[int, int, int, int],
        min_deposit: int,
        utxo_cache_bytes: int,
    ) -> Ledger: ...
    def load_table(self, table: str, items: Sequence[tuple[bytes, bytes]]) -> None: ...
    def load_totals(self, minted: int, burned: int) -> None: ...
    def load_tip(
        self, tip_block: bytes, bookkeepers: bytes, beacon: bytes | None, genesis_hash: bytes
    ) -> None: ...
    def apply_genesis(self, raw: bytes) -> LedgerError | None: ...
    def apply_batch(
        self, blocks: Sequence[bytes], verify_signatures: bool, reader: LedgerReader
    ) -> LedgerBatch: ...
    def apply_prepared(self, prepared: PreparedBlocks, reader: LedgerReader) -> LedgerBatch: ...
    def propose(
        self,
        transactions: Sequence[bytes],
        secrets: Sequence[tuple[int, bytes]],
        reader: LedgerReader,
    ) -> LedgerProposal: ...
    def check_transactions(
        self, transactions: Sequence[bytes], verify_signatures: bool, reader: LedgerReader
    ) -> list[LedgerTxCheck]:
        """Each transaction checked alone against the tip (not cumulative); changes nothing."""
    def take_writes(
        self,
    ) -> list[tuple[str, list[tuple[bytes, bytes]], list[bytes], int]]: ...
    def writes_committed(self) -> None: ...
    @property
    def height(self) -> int | None: ...
    @property
    def tip_timestamp(self) -> int | None: ...
    @property
    def tip_hash(self) -> bytes | None: ...
    @property
    def bookkeepers(self) -> list[bytes]: ...
    @property
    def totals(self) -> tuple[int, int]: ...
    @property
    def native_assets(self) -> tuple[bytes, bytes]: ...
    @property
    def holders(self) -> tuple[int, int]: ...
    @property
    def utxo_cache_usage(self) -> tuple[int, int]: ...
    @property
    def election_state(self) -> tuple[int, int]: ...

# --- stealth (native/python/src/stealth.rs) ---
# Keys: 33-byte compressed points; secrets and tweaks: 32 bytes big-endian. ValueError: unknown
# curve, malformed/off-curve key, secret outside [1, n-1] (SM2 [1, n-2]), tweak >= n, or a
# result that is infinity / the zero secret (docs/stealth.md).

def tweak_add(curve: str, key: bytes, tweak: bytes) -> bytes:
    """key + tweak·G, compressed."""

def ecdh(curve: str, secret: bytes, key: bytes) -> bytes:
    """secret·key, compressed (the ECDH shared point)."""

def secret_tweak_add(curve: str, secret: bytes, tweak: bytes) -> bytes:
    """secret + tweak mod n: the private key of tweak_add(public(secret), tweak)."""

def shared_tweak(curve: str, shared_point: bytes) -> bytes:
    """SHA-256(shared_point) mod n; ValueError if it is 0 (pick another ephemeral key)."""
