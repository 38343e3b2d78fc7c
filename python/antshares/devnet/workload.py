"""A deterministic generator of valid devnet transactions: the load `antshares devnet generate`
puts into blocks.

The workload owns every key it uses: the bookkeepers' (their multisig holds the genesis ANS), a
few hundred user accounts (P-256 mostly, some secp256k1 and SM2 tagged keys, some 2-of-3
multisigs, SPEC §3) and the keys of the candidates it enrolls. It learns coins only from blocks,
so it follows what the chain decided rather than what it hoped:

    workload = Workload(profile, bookkeeper_secrets, seed=7)
    workload.on_block(genesis)               # the genesis first, then every block in order
    txs = workload.next_transactions(500)    # valid together, in this order, in the next block
    ...                                      # the block builder adds its MinerTransaction
    workload.on_block(block)                 # learns outputs (lottery mint included), spends

Transactions handed out but missing from the next block are abandoned: `on_block` drops every
reservation and unconfirmed output, so their coins become spendable again (a block that includes
only a prefix of a batch is fine: each transaction depends only on earlier ones). Callers should
drop abandoned transactions: the workload may spend their coins again. Calling
`next_transactions` twice before a block continues the same batch.

Bootstrap: the first batches move ANS from the genesis multisig to every user account (so the
lottery has hundreds of holders); fee-paying kinds start once lottery ANC has arrived. After
that the mix (`DEFAULT_MIX`) draws: ANS transfers, Currency/Token transfers, three-party Share
transfers (seller, buyer, company admin; often paid for in a Currency), ANC transfers (some leave
a small byte fee), registers of user assets, issues in batches under the cap, enrollments with
deposits, votes for 1–5 candidates, and withdrawals (spending an enrollment's output 0). A kind
that cannot be made at the moment (no ANC for its fee, nothing registered yet) falls back to an
ANS transfer.

Witnesses follow the consensus rules (SPEC §4): one per required signer, sorted by script hash;
a multisig pushes m signatures in key order; signatures are over the unsigned bytes and low-S
(`antshares.crypto.sign`). Signing is batched after the transactions of a call are drafted (a
txid excludes witnesses), optionally on several threads, as the native signer releases the GIL.
Same seed, same blocks ⇒ the same transactions, byte for byte.
"""

import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Any, Generic, TypeVar

from antshares.chain.profiles import Profile
from antshares.core import (
    AssetType,
    Block,
    CoinReference,
    Transaction,
    TxAttribute,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
    Witness,
)
from antshares.core.address import (
    consensus_threshold,
    multisig_script,
    script_hash,
    script_keys,
    single_sig_script,
    tagged_key,
)
from antshares.crypto import Curve, public_key_from_secret, sign

from .keys import derive_key, seed_bytes

__all__ = [
    "DEFAULT_MIX",
    "Account",
    "AccountKind",
    "KeyPair",
    "Kind",
    "Workload",
]

FIXED8 = 10**8
DUTY_FLAG = 0x80
REMARK = 0xF0  # attribute usage; makes an input-less transaction unique
SIGNATURE_PUSH = b"\x40"  # PUSHBYTES64
USUAL_SIGNERS = 0.9  # share of multisig signatures made by an account's first m keys

# Bootstrap: outputs per fan-out transaction, ANS per account, ANS the genesis multisig keeps.
FANOUT = 100
FUND_SHARES = (1_000, 300_000)
GENESIS_KEEPS_SHARES = 10_000_000
# Limits that keep the devnet's state realistic rather than ever-growing.
MAX_USER_ASSETS = 12
MAX_ACTIVE_CANDIDATES = 24
MAX_VOTE_CANDIDATES = 5
MAX_FEE_INPUTS = 8
FEE_ATTEMPTS = 4
CONSOLIDATE_PROBABILITY = 0.15
ANC_TIP_PROBABILITY = 0.3
ANC_TIPS = (1_000, 10_000, 100_000)  # satoshi left as byte fee by some ANC transfers
MIN_PARALLEL_SIGNATURES = 64


class Kind(StrEnum):
    """What a generated transaction does (the keys of the mix and of `Workload.emitted`)."""

    DISTRIBUTE = "distribute"
    ANS_TRANSFER = "ans_transfer"
    ASSET_TRANSFER = "asset_transfer"
    SHARE_TRANSFER = "share_transfer"
    ANC_TRANSFER = "anc_transfer"
    REGISTER = "register"
    ISSUE = "issue"
    ENROLLMENT = "enrollment"
    VOTE = "vote"
    WITHDRAWAL = "withdrawal"


# Relative weights of the kinds once bootstrapped; fee-paying kinds are further limited by the
# ANC the lottery has minted (about 24 ANC a block at first), the rest fall back to ANS transfers.
DEFAULT_MIX: Mapping[Kind, float] = {
    Kind.ANS_TRANSFER: 45,
    Kind.ASSET_TRANSFER: 24,
    Kind.SHARE_TRANSFER: 6,
    Kind.ANC_TRANSFER: 5,
    Kind.ISSUE: 4,
    Kind.VOTE: 4,
    Kind.ENROLLMENT: 2,
    Kind.REGISTER: 1,
    Kind.WITHDRAWAL: 0.5,
}


class AccountKind(StrEnum):
    P256 = "p256"
    SECP256K1 = "secp256k1"
    SM2 = "sm2"
    MULTISIG = "multisig"  # 2-of-3 user account
    BOOKKEEPER = "bookkeeper"  # single-sig of a standby key (byte fees may be paid here)
    GENESIS = "genesis"  # the (⌊n/2⌋+1)-of-n multisig that the genesis pays all ANS to
    CONSENSUS = "consensus"  # the (n − ⌊(n−1)/3⌋)-of-n multisig of the standby keys
    CANDIDATE = "candidate"  # single-sig P-256 of an enrolled candidate


@dataclass(frozen=True, slots=True)
class KeyPair:
    curve: Curve
    secret: bytes
    point: bytes  # 33-byte compressed public key
    script_key: bytes  # as in scripts: the point, tagged for secp256k1 and SM2

    @classmethod
    def from_secret(cls, curve: Curve, secret: bytes, point: bytes | None = None) -> "KeyPair":
        point = public_key_from_secret(secret, curve) if point is None else point
        return cls(curve, secret, point, tagged_key(point, curve))


class Account:
    """A verification script the workload can sign for; `keys` are in the script's key order."""

    __slots__ = ("index", "keys", "kind", "m", "order", "script", "script_hash")

    def __init__(
        self, index: int, kind: AccountKind, script: bytes, keys: Sequence[KeyPair], m: int
    ) -> None:
        self.index = index
        self.kind = kind
        self.script = script
        self.script_hash: UInt160 = script_hash(script)
        # Witnesses are sorted by script hash read as a little-endian number (UInt160 order).
        self.order = int.from_bytes(self.script_hash.to_bytes(), "little")
        self.keys = tuple(keys)
        self.m = m

    @classmethod
    def single(cls, index: int, kind: AccountKind, key: KeyPair) -> "Account":
        return cls(index, kind, single_sig_script(key.script_key), (key,), 1)

    @classmethod
    def multisig(cls, index: int, kind: AccountKind, m: int, keys: Sequence[KeyPair]) -> "Account":
        """m-of-n over all n `keys`."""
        script = multisig_script(m, [k.script_key for k in keys])
        by_key = {k.script_key: k for k in keys}
        ordered = [by_key[k] for k in script_keys(script)]
        return cls(index, kind, script, ordered, m)

    def __repr__(self) -> str:
        return f"Account({self.index}, {self.kind}, {self.script_hash})"


@dataclass(slots=True)
class _Coin:
    ref: CoinReference
    asset: UInt256
    value: int
    owner: Account
    locked: bool  # an enrollment deposit: spent only to withdraw


@dataclass(slots=True)
class _Asset:
    asset_id: UInt256
    asset_type: int
    precision: int
    unit: int  # outputs are multiples of 10^(8 − precision)
    cap: int  # raw Fixed8; −1 = unlimited
    admin: Account | None  # None when the admin script is not the workload's
    issued: int = 0  # confirmed

    @property
    def duty(self) -> bool:
        """DutyFlag (Share, Invoice): every receiver of an output must sign."""
        return bool(self.asset_type & DUTY_FLAG)

    @property
    def is_share(self) -> bool:
        return self.asset_type == AssetType.SHARE


@dataclass(slots=True)
class _Enrollment:
    txid: UInt256
    point: bytes
    deposit: CoinReference
    account: Account | None  # the enrollee, when it is one of the workload's candidates


@dataclass(slots=True)
class _Draft:
    kind: Kind
    tx_type: int
    exclusive: dict[str, Any]
    attributes: list[TxAttribute]
    inputs: list[CoinReference]
    outputs: list[TxOutput]
    unsigned: Transaction
    signers: list[tuple[Account, tuple[KeyPair, ...]]]


T = TypeVar("T")


class _RandomSet(Generic[T]):
    """A set with O(1) add, remove and uniform random choice; its order is deterministic."""

    __slots__ = ("_items", "_pos")

    def __init__(self) -> None:
        self._items: list[T] = []
        self._pos: dict[T, int] = {}

    def add(self, item: T) -> None:
        self._pos[item] = len(self._items)
        self._items.append(item)

    def remove(self, item: T) -> None:
        pos = self._pos.pop(item)
        last = self._items.pop()
        if pos < len(self._items):
            self._items[pos] = last
            self._pos[last] = pos

    def choice(self, rng: random.Random) -> T:
        return self._items[rng.randrange(len(self._items))]

    def __len__(self) -> int:
        return len(self._items)


def _asset_name(label: str) -> str:
    return json.dumps([{"lang": "en", "name": label}], separators=(",", ":"))


def _split(total_units: int, parts: int, rng: random.Random) -> list[int]:
    """`total_units` (≥ parts) as `parts` positive integers."""
    cuts = sorted(rng.sample(range(1, total_units), parts - 1)) if parts > 1 else []
    edges = [0, *cuts, total_units]
    return [b - a for a, b in pairwise(edges)]


def _sign_jobs(jobs: Sequence[tuple[Curve, bytes, bytes]]) -> list[bytes]:
    return [sign(secret, message, curve) for curve, secret, message in jobs]


class Workload:
    """Seeded generator of valid transactions for a devnet whose keys it owns (module doc)."""

    def __init__(
        self,
        profile: Profile,
        bookkeeper_secrets: Iterable[bytes],
        seed: int | str | bytes,
        *,
        accounts: int = 420,
        mix: Mapping[Kind, float] | None = None,
        signing_threads: int = 1,
        confirmed_only: bool = False,
    ) -> None:
        if accounts < 10:
            raise ValueError(f"a workload needs at least 10 user accounts, got {accounts}")
        if signing_threads < 1:
            raise ValueError(f"signing_threads must be at least 1, got {signing_threads}")
        mix = DEFAULT_MIX if mix is None else mix
        if Kind.DISTRIBUTE in mix or any(w < 0 for w in mix.values()) or not sum(mix.values()):
            raise ValueError("mix: non-negative weights of the kinds after bootstrap, not all 0")
        self._profile = profile
        self._seed = seed_bytes(seed)
        self._rng = random.Random(b"workload\x00" + self._seed)
        self._threads = signing_threads
        self._confirmed_only = confirmed_only
        """Spend only outputs of blocks: what a node's mempool admits (it checks each
        transaction against the chain's tip, so one spending an unconfirmed output is refused)."""
        self._mix_kinds = [k for k, w in mix.items() if w > 0]
        weights = [mix[k] for k in self._mix_kinds]
        self._mix_cumulative = [sum(weights[: i + 1]) / sum(weights) for i in range(len(weights))]
        self._fees = {
            name: anc * FIXED8 for name, anc in profile.service_fees_anc.items() if anc > 0
        }
        self._min_deposit = profile.min_enrollment_deposit_anc * FIXED8

        self._accounts: list[Account] = []
        self._by_hash: dict[UInt160, Account] = {}
        self._secrets: dict[bytes, bytes] = {}  # script key -> secret
        self._genesis_account = self._bookkeeper_accounts(list(bookkeeper_secrets))
        self._users = self._user_accounts(accounts)
        self._p256_users = [a for a in self._users if a.kind == AccountKind.P256]
        self._multisig_users = [a for a in self._users if a.kind == AccountKind.MULTISIG]
        self._candidates: dict[bytes, Account] = {}  # point -> candidate account

        # Chain state, as of the last block seen, plus what this batch has drafted on top.
        self._height = 0  # the index the next on_block must carry
        self._ans: UInt256 | None = None
        self._anc: UInt256 | None = None
        self._assets: dict[UInt256, _Asset] = {}
        self._user_assets: list[_Asset] = []  # registered by the workload, in order
        self._coins: dict[CoinReference, _Coin] = {}  # ours, unspent; drafted outputs too
        self._pool: dict[UInt256, _RandomSet[CoinReference]] = {}  # spendable, per asset
        self._owned: dict[tuple[UInt256, int], dict[CoinReference, None]] = {}
        self._available: dict[UInt256, int] = {}  # spendable value per asset
        self._enrollments: dict[UInt256, _Enrollment] = {}  # active (deposit unspent)
        self._deposits: dict[CoinReference, UInt256] = {}  # deposit -> enrollment txid
        self._funded: set[int] = set()  # user accounts that have received ANS
        self._unfunded: list[Account] = list(self._users)
        self._nonce = 0
        self.emitted: Counter[Kind] = Counter()  # drafted so far, confirmed or not
        self._reset_batch()

    # --- accounts ----------------------------------------------------------------------------

    def _add_account(self, account: Account) -> Account:
        existing = self._by_hash.get(account.script_hash)
        if existing is not None:
            return existing  # e.g. the 1-of-1 genesis and consensus multisigs of one bookkeeper
        self._accounts.append(account)
        self._by_hash[account.script_hash] = account
        for key in account.keys:
            self._secrets[key.script_key] = key.secret
        return account

    def _bookkeeper_accounts(self, secrets: list[bytes]) -> Account:
        standby = self._profile.standby_keys
        wanted = set(standby)
        held: dict[bytes, KeyPair] = {}
        for secret in secrets:
            for curve in Curve:
                try:
                    pair = KeyPair.from_secret(curve, secret)
                except ValueError:
                    continue
                if pair.script_key in wanted:
                    held[pair.script_key] = pair
                    break
        n = len(standby)
        genesis_m = n // 2 + 1
        if len(held) < genesis_m:
            raise ValueError(
                f"the workload needs the secrets of at least {genesis_m} of the {n} standby keys"
                f" (the genesis ANS is at their {genesis_m}-of-{n} multisig); got {len(held)}"
            )
        pairs = [held[k] for k in standby if k in held]
        for pair in pairs:
            self._add_account(Account.single(len(self._accounts), AccountKind.BOOKKEEPER, pair))
        genesis = self._add_account(self._partial_multisig(AccountKind.GENESIS, genesis_m, held))
        if len(held) >= consensus_threshold(n):
            consensus_m = consensus_threshold(n)
            self._add_account(self._partial_multisig(AccountKind.CONSENSUS, consensus_m, held))
        return genesis

    def _partial_multisig(self, kind: AccountKind, m: int, held: dict[bytes, KeyPair]) -> Account:
        """m-of-n over all standby keys, signed with the ones whose secrets are held."""
        script = multisig_script(m, list(self._profile.standby_keys))
        keys = [held[k] for k in script_keys(script) if k in held]
        return Account(len(self._accounts), kind, script, keys, m)

    def _user_accounts(self, count: int) -> list[Account]:
        # P-256 single keys dominate, as on AntShares MainNet (its only curve); 2-of-3 multisig
        # (mixed curves), secp256k1 and SM2 accounts are there so every path is exercised.
        multisigs, k1s, sm2s = count // 20, count // 25, count // 40
        plan = (
            [(AccountKind.P256, Curve.SECP256R1)] * (count - multisigs - k1s - sm2s)
            + [(AccountKind.SECP256K1, Curve.SECP256K1)] * k1s
            + [(AccountKind.SM2, Curve.SM2)] * sm2s
        )
        users: list[Account] = []
        for i, (kind, curve) in enumerate(plan):
            pair = self._derive(curve, "user", i)
            users.append(self._add_account(Account.single(len(self._accounts), kind, pair)))
        mixed = (Curve.SECP256R1, Curve.SECP256K1, Curve.SM2)
        for i in range(multisigs):
            # Every third 2-of-3 mixes the curves inside one script (SPEC §3 allows it).
            curves = mixed if i % 3 == 2 else (Curve.SECP256R1,) * 3
            pairs = [self._derive(c, "multisig", 3 * i + j) for j, c in enumerate(curves)]
            account = Account.multisig(len(self._accounts), AccountKind.MULTISIG, 2, pairs)
            users.append(self._add_account(account))
        return users

    def _derive(self, curve: Curve, label: str, index: int) -> KeyPair:
        secret, point = derive_key(curve, self._seed, label, index)
        return KeyPair.from_secret(curve, secret, point)

    def _new_candidate(self) -> Account:
        pair = self._derive(Curve.SECP256R1, "candidate", len(self._candidates))
        account = Account.single(len(self._accounts), AccountKind.CANDIDATE, pair)
        self._add_account(account)
        self._candidates[pair.point] = account
        return account

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Every account the workload signs for: bookkeepers, users, candidates so far."""
        return tuple(self._accounts)

    def secret_for(self, public_key: bytes) -> bytes | None:
        """The secret of a key the workload made (33-byte P-256 or 34-byte tagged), if any.

        Votes can elect the workload's candidates as bookkeepers; whoever signs the devnet's
        blocks then needs their keys.
        """
        return self._secrets.get(public_key)

    # --- chain state -------------------------------------------------------------------------

    def _reset_batch(self) -> None:
        """Forget everything drafted since the last block."""
        self._reserved: dict[CoinReference, _Coin] = {}
        self._created: dict[CoinReference, None] = {}
        self._pending_issued: dict[UInt256, int] = {}
        self._pending_registers: Counter[int] = Counter()
        self._pending_candidates = 0
        self._batch_voted: set[UInt256] = set()
        self._batch_withdrawn: set[UInt256] = set()
        self._fund_next = 0

    def _make_available(self, coin: _Coin) -> None:
        pool = self._pool.get(coin.asset)
        if pool is None:
            pool = self._pool[coin.asset] = _RandomSet()
        pool.add(coin.ref)
        self._owned.setdefault((coin.asset, coin.owner.index), {})[coin.ref] = None
        self._available[coin.asset] = self._available.get(coin.asset, 0) + coin.value

    def _make_unavailable(self, coin: _Coin) -> None:
        if coin.locked:
            return
        self._pool[coin.asset].remove(coin.ref)
        del self._owned[(coin.asset, coin.owner.index)][coin.ref]
        self._available[coin.asset] -= coin.value

    def _add_coin(self, coin: _Coin) -> None:
        self._coins[coin.ref] = coin
        if not coin.locked:
            self._make_available(coin)

    def on_block(self, block: Block) -> None:
        """Learn a block: its assets, enrollments, spends and the outputs paying the workload.

        Blocks must come in order from the genesis; anything drafted and not included is
        abandoned (see the module doc).
        """
        if block.index != self._height:
            raise ValueError(f"expected block {self._height}, got block {block.index}")
        for tx in block.transactions:
            self._apply(tx)
        for ref in self._created:  # drafted outputs the block did not confirm
            coin = self._coins.pop(ref)
            if ref in self._reserved:
                del self._reserved[ref]
            else:
                self._make_unavailable(coin)
        for coin in self._reserved.values():  # reserved, but not spent by the block
            if not coin.locked:
                self._make_available(coin)
        self._reset_batch()
        self._height += 1
        if self._unfunded:
            self._unfunded = [a for a in self._unfunded if a.index not in self._funded]

    def _apply(self, tx: Transaction) -> None:
        tx_type = tx.type
        txid = tx.hash
        spent_by_asset: dict[UInt256, int] = {}
        for ref in tx.inputs:
            enrollment = self._deposits.pop(ref, None)
            if enrollment is not None:
                del self._enrollments[enrollment]
            coin = self._coins.pop(ref, None)
            if coin is None:
                continue
            if ref in self._reserved:
                del self._reserved[ref]
            else:
                self._make_unavailable(coin)  # spent by a transaction the workload did not draft
            spent_by_asset[coin.asset] = spent_by_asset.get(coin.asset, 0) + coin.value
        if tx_type == TxType.REGISTER:
            self._learn_asset(txid, tx.exclusive)
        elif tx_type == TxType.ENROLLMENT:
            point: bytes = tx.exclusive["public_key"]
            deposit = CoinReference(txid, 0)
            self._enrollments[txid] = _Enrollment(txid, point, deposit, self._candidates.get(point))
            self._deposits[deposit] = txid
        issued: dict[UInt256, int] = {}
        for index, out in enumerate(tx.outputs):
            asset = out.asset_id
            if tx_type == TxType.ISSUE:
                issued[asset] = issued.get(asset, 0) + out.value
            ref = CoinReference(txid, index)
            if ref in self._created:
                del self._created[ref]  # drafted by the workload: known, now confirmed
                owner = self._coins[ref].owner
            else:
                found = self._by_hash.get(out.script_hash)
                if found is None:
                    continue
                owner = found
                locked = tx_type == TxType.ENROLLMENT and index == 0
                self._add_coin(_Coin(ref, asset, out.value, owner, locked))
            if asset == self._ans:
                self._funded.add(owner.index)
        for asset, value in issued.items():
            info = self._assets.get(asset)
            if info is not None:
                info.issued += value - spent_by_asset.get(asset, 0)

    def _learn_asset(self, txid: UInt256, data: dict[str, Any]) -> None:
        asset_type = int(data["asset_type"])
        precision = int(data["precision"])
        info = _Asset(
            txid,
            asset_type,
            precision,
            10 ** (8 - precision),
            int(data["amount"]),
            self._by_hash.get(data["admin"]),
        )
        self._assets[txid] = info
        if asset_type == AssetType.ANTSHARE and self._ans is None:
            self._ans = txid
        elif asset_type == AssetType.ANTCOIN and self._anc is None:
            self._anc = txid
        elif info.admin is not None:  # registered by the workload: it can issue and move it
            self._user_assets.append(info)

    # --- drafting ----------------------------------------------------------------------------

    def next_transactions(self, max_count: int) -> list[Transaction]:
        """Up to `max_count` signed transactions, valid together in this order in the next block.

        Fewer only when nothing at all can be spent. RuntimeError before the genesis was seen.
        """
        if self._ans is None or self._anc is None:
            raise RuntimeError("the workload has not seen the genesis block: on_block it first")
        if max_count < 0:
            raise ValueError(f"max_count must be non-negative, got {max_count}")
        drafts: list[_Draft] = []
        while len(drafts) < max_count:
            draft = self._distribute() if self._fund_next < len(self._unfunded) else None
            if draft is None:
                draft = self._draft_one()
            if draft is None:
                break
            drafts.append(draft)
            self.emitted[draft.kind] += 1
        return self._sign_drafts(drafts)

    def _draft_one(self) -> _Draft | None:
        x = self._rng.random()
        kind = self._mix_kinds[-1]
        for k, edge in zip(self._mix_kinds, self._mix_cumulative, strict=True):
            if x < edge:
                kind = k
                break
        draft = self._builders[kind](self)
        if draft is None:
            draft = self._ans_transfer()
        if draft is None:  # no ANS spendable at all: any asset will do
            for asset in list(self._pool):
                draft = self._transfer(asset, Kind.ASSET_TRANSFER)
                if draft is not None:
                    break
        return draft

    def _unit(self, asset: UInt256) -> int:
        return self._assets[asset].unit

    def _random_user(self, exclude: Account | None = None) -> Account:
        while True:
            account = self._users[self._rng.randrange(len(self._users))]
            if account is not exclude:
                return account

    def _random_coin(self, asset: UInt256 | None) -> _Coin | None:
        pool = self._pool.get(asset) if asset is not None else None
        if not pool:
            return None
        return self._coins[pool.choice(self._rng)]

    def _gather(self, asset: UInt256, need: int) -> list[_Coin] | None:
        """Spendable coins of one owner worth ≥ need (not yet taken), or None."""
        if need <= 0:
            return []
        if self._available.get(asset, 0) < need:
            return None
        for _ in range(FEE_ATTEMPTS):
            start = self._random_coin(asset)
            if start is None:
                return None
            picked: list[_Coin] = []
            total = 0
            for ref in self._owned[(asset, start.owner.index)]:
                coin = self._coins[ref]
                picked.append(coin)
                total += coin.value
                if total >= need:
                    return picked
                if len(picked) >= MAX_FEE_INPUTS:
                    break
        return None

    def _fee_inputs(
        self, fee_name: str, extra: int = 0
    ) -> tuple[list[_Coin], list[tuple[UInt256, int, Account]]] | None:
        """ANC inputs paying `fee_name`'s service fee plus `extra`, and the change output."""
        assert self._anc is not None
        need = self._fees.get(fee_name, 0) + extra
        coins = self._gather(self._anc, need)
        if coins is None:
            return None
        change = sum(c.value for c in coins) - need
        outputs = [(self._anc, change, coins[0].owner)] if change > 0 else []
        return coins, outputs

    def _required_signers(
        self,
        tx_type: int,
        spent: Sequence[_Coin],
        outputs: Sequence[tuple[UInt256, int, Account]],
        extra: Sequence[Account],
    ) -> list[Account]:
        """SPEC §4: spent outputs' owners; DutyFlag receivers; the Admin of a moved Share and of
        each issued asset; plus `extra` (the Register owner, the enrollee)."""
        required: dict[int, Account] = {}
        admins_of: dict[UInt256, None] = {}
        spent_value: dict[UInt256, int] = {}
        for coin in spent:
            required[coin.owner.order] = coin.owner
            spent_value[coin.asset] = spent_value.get(coin.asset, 0) + coin.value
            if self._assets[coin.asset].is_share:
                admins_of[coin.asset] = None
        out_value: dict[UInt256, int] = {}
        for asset, value, account in outputs:
            info = self._assets[asset]
            if info.duty:
                required[account.order] = account
            if info.is_share:
                admins_of[asset] = None
            out_value[asset] = out_value.get(asset, 0) + value
        if tx_type == TxType.ISSUE:
            for asset, value in out_value.items():
                if value > spent_value.get(asset, 0):
                    admins_of[asset] = None
        for asset in admins_of:
            admin = self._assets[asset].admin
            if admin is None:
                raise RuntimeError(f"asset {asset} needs its admin's signature, not held")
            required[admin.order] = admin
        for account in extra:
            required[account.order] = account
        return [required[k] for k in sorted(required)]

    def _emit(
        self,
        kind: Kind,
        tx_type: int,
        exclusive: dict[str, Any],
        spent: Sequence[_Coin],
        outputs: Sequence[tuple[UInt256, int, Account]],
        extra_signers: Sequence[Account] = (),
    ) -> _Draft:
        """Reserve `spent`, draft the unsigned transaction, and offer its outputs for spending."""
        for coin in spent:
            self._make_unavailable(coin)
            self._reserved[coin.ref] = coin
        inputs = [coin.ref for coin in spent]
        tx_outputs = [TxOutput(asset, value, acct.script_hash) for asset, value, acct in outputs]
        attributes: list[TxAttribute] = []
        if not inputs:
            self._nonce += 1
            attributes.append(TxAttribute(REMARK, self._nonce.to_bytes(8, "little")))
        unsigned = Transaction(tx_type, 0, exclusive, attributes, inputs, tx_outputs, [])
        txid = unsigned.hash
        # With confirmed_only the outputs are learnt from the block that includes them.
        for index, (asset, value, account) in enumerate([] if self._confirmed_only else outputs):
            ref = CoinReference(txid, index)
            locked = tx_type == TxType.ENROLLMENT and index == 0
            self._add_coin(_Coin(ref, asset, value, account, locked))
            self._created[ref] = None
        signers = []
        for account in self._required_signers(tx_type, spent, outputs, extra_signers):
            keys = account.keys
            if account.m < len(keys):
                # Co-signers usually sign with the same keys (a recoverable account's payment
                # and query keys); now and then with another m of them (the recovery key).
                if self._rng.random() < USUAL_SIGNERS:
                    keys = keys[: account.m]
                else:
                    picked = sorted(self._rng.sample(range(len(keys)), account.m))
                    keys = tuple(keys[i] for i in picked)
            signers.append((account, keys))
        return _Draft(kind, tx_type, exclusive, attributes, inputs, tx_outputs, unsigned, signers)

    def _sign_drafts(self, drafts: list[_Draft]) -> list[Transaction]:
        jobs: list[tuple[Curve, bytes, bytes]] = []
        for draft in drafts:
            message = draft.unsigned.unsigned_bytes()
            for _, keys in draft.signers:
                jobs.extend((k.curve, k.secret, message) for k in keys)
        if self._threads > 1 and len(jobs) >= MIN_PARALLEL_SIGNATURES:
            size = -(-len(jobs) // self._threads)
            with ThreadPoolExecutor(max_workers=self._threads) as pool:
                chunks = pool.map(
                    _sign_jobs, [jobs[i : i + size] for i in range(0, len(jobs), size)]
                )
                signatures = [s for chunk in chunks for s in chunk]
        else:
            signatures = _sign_jobs(jobs)
        txs: list[Transaction] = []
        position = 0
        for draft in drafts:
            witnesses = []
            for account, keys in draft.signers:
                count = len(keys)
                sigs = signatures[position : position + count]
                position += count
                invocation = b"".join(SIGNATURE_PUSH + s for s in sigs)
                witnesses.append(Witness(invocation, account.script))
            txs.append(
                Transaction(
                    draft.tx_type,
                    0,
                    draft.exclusive,
                    draft.attributes,
                    draft.inputs,
                    draft.outputs,
                    witnesses,
                )
            )
        return txs

    # --- the kinds ---------------------------------------------------------------------------

    def _distribute(self) -> _Draft | None:
        """Bootstrap: ANS from the genesis multisig to the next accounts that have none."""
        assert self._ans is not None
        owned = self._owned.get((self._ans, self._genesis_account.index), {})
        if not owned:
            return None
        source = max((self._coins[ref] for ref in owned), key=lambda c: c.value)
        spare = source.value - GENESIS_KEEPS_SHARES * FIXED8
        targets = self._unfunded[self._fund_next : self._fund_next + FANOUT]
        if spare < len(targets) * FIXED8:
            self._fund_next = len(self._unfunded)  # nothing left to hand out: stop trying
            return None
        shares = [self._rng.randint(*FUND_SHARES) for _ in targets]
        scale = min(1.0, spare / FIXED8 / sum(shares))
        outputs = [
            (self._ans, max(1, int(s * scale)) * FIXED8, account)
            for s, account in zip(shares, targets, strict=True)
        ]
        change = source.value - sum(v for _, v, _ in outputs)
        if change > 0:
            outputs.append((self._ans, change, self._genesis_account))
        self._fund_next += len(targets)
        return self._emit(Kind.DISTRIBUTE, TxType.CONTRACT, {}, [source], outputs)

    def _ans_transfer(self) -> _Draft | None:
        return self._transfer(self._ans, Kind.ANS_TRANSFER)

    def _asset_transfer(self) -> _Draft | None:
        movable = [a for a in self._user_assets if not a.duty and self._pool.get(a.asset_id)]
        if not movable:
            return None
        return self._transfer(self._rng.choice(movable).asset_id, Kind.ASSET_TRANSFER)

    def _anc_transfer(self) -> _Draft | None:
        return self._transfer(self._anc, Kind.ANC_TRANSFER)

    def _transfer(self, asset: UInt256 | None, kind: Kind) -> _Draft | None:
        """Pay 1–3 accounts from one owner's coins of `asset`, change back to the owner."""
        first = self._random_coin(asset)
        if first is None or asset is None:
            return None
        rng = self._rng
        owner = first.owner
        spent = [first]
        if rng.random() < CONSOLIDATE_PROBABILITY:
            for ref in self._owned[(asset, owner.index)]:
                if ref != first.ref:
                    spent.append(self._coins[ref])
                    if len(spent) == 3:
                        break
        total = sum(c.value for c in spent)
        tip = 0
        if asset == self._anc and rng.random() < ANC_TIP_PROBABILITY:
            tip = min(rng.choice(ANC_TIPS), total - 1)  # ANC may be destroyed: a byte fee
        unit = self._unit(asset)
        units = (total - tip) // unit
        receivers = min(units, 1 if rng.random() < 0.85 else rng.randint(2, 3))
        sent = max(receivers, int(units * rng.random() ** 2))
        outputs: list[tuple[UInt256, int, Account]] = [
            (asset, part * unit, self._random_user(owner)) for part in _split(sent, receivers, rng)
        ]
        change = total - tip - sent * unit
        if change > 0:
            outputs.append((asset, change, owner))
        return self._emit(kind, TxType.CONTRACT, {}, spent, outputs)

    def _share_transfer(self) -> _Draft | None:
        """Equity changes hands: seller, buyer and the company's admin all sign (SPEC §4)."""
        rng = self._rng
        shares = [a for a in self._user_assets if a.is_share and self._pool.get(a.asset_id)]
        if not shares:
            return None
        share = rng.choice(shares)
        lot = self._random_coin(share.asset_id)
        assert lot is not None
        seller = lot.owner
        spent = [lot]
        outputs: list[tuple[UInt256, int, Account]] = []
        buyer = self._random_user(seller)
        currencies = [
            a
            for a in self._user_assets
            if a.asset_type == AssetType.CURRENCY and self._pool.get(a.asset_id)
        ]
        if currencies and rng.random() < 0.6:  # paid for, atomically, in a Currency
            currency = rng.choice(currencies)
            payment = self._random_coin(currency.asset_id)
            assert payment is not None
            if payment.owner is not seller:
                buyer = payment.owner
                units = payment.value // currency.unit
                price = max(1, int(units * rng.random() ** 2)) * currency.unit
                spent.append(payment)
                outputs.append((currency.asset_id, price, seller))
                if payment.value > price:
                    outputs.append((currency.asset_id, payment.value - price, buyer))
        units = lot.value // share.unit
        sold = max(1, int(units * rng.random() ** 2))
        outputs.append((share.asset_id, sold * share.unit, buyer))
        if units > sold:
            outputs.append((share.asset_id, lot.value - sold * share.unit, seller))
        return self._emit(Kind.SHARE_TRANSFER, TxType.CONTRACT, {}, spent, outputs)

    def _register(self) -> _Draft | None:
        rng = self._rng
        if len(self._user_assets) + sum(self._pending_registers.values()) >= MAX_USER_ASSETS:
            return None
        fee = self._fee_inputs("register")
        if fee is None:
            return None
        spent, outputs = fee
        kinds = (AssetType.CURRENCY, AssetType.SHARE, AssetType.TOKEN)
        counts = {
            t: self._pending_registers[t] + sum(a.asset_type == t for a in self._user_assets)
            for t in kinds
        }
        fewest = min(counts.values())
        asset_type = rng.choice([t for t in kinds if counts[t] == fewest])
        owner = rng.choice(self._p256_users)
        admin = owner if rng.random() < 0.7 else rng.choice(self._multisig_users)
        number = len(self._user_assets) + sum(self._pending_registers.values()) + 1
        if asset_type == AssetType.CURRENCY:
            precision, cap = rng.choice((2, 4, 8)), rng.randint(10**6, 10**9) * FIXED8
            name = f"Devnet Dollar {number}"
        elif asset_type == AssetType.SHARE:
            precision, cap = 0, rng.randint(10**4, 10**7) * FIXED8
            name = f"Devnet Company {number} Shares"
        else:
            precision = rng.randint(0, 8)
            cap = -1 if rng.random() < 0.5 else rng.randint(10**5, 10**9) * FIXED8
            name = f"Devnet Token {number}"
        exclusive = {
            "asset_type": int(asset_type),
            "name": _asset_name(name),
            "amount": cap,
            "precision": precision,
            "owner": owner.keys[0].point,
            "admin": admin.script_hash,
        }
        self._pending_registers[asset_type] += 1
        return self._emit(Kind.REGISTER, TxType.REGISTER, exclusive, spent, outputs, [owner])

    def _remaining(self, asset: _Asset) -> int | None:
        """Raw amount still issuable; None when unlimited."""
        if asset.cap < 0:
            return None
        return asset.cap - asset.issued - self._pending_issued.get(asset.asset_id, 0)

    def _issue(self) -> _Draft | None:
        rng = self._rng
        issuable = [
            a for a in self._user_assets if (r := self._remaining(a)) is None or r >= a.unit
        ]
        if not issuable:
            return None
        asset = rng.choice(issuable)
        remaining = self._remaining(asset)
        if remaining is None:
            batch_units = rng.randint(100, 100_000)
        else:
            left = remaining // asset.unit
            # Batches of 5–30% of what is left; the last crumbs go in one final batch.
            batch_units = left if left < 20 else max(1, int(left * rng.uniform(0.05, 0.3)))
        receivers = min(batch_units, rng.randint(1, 6))
        fee = self._fee_inputs("issue")
        if fee is None:
            return None
        spent, change = fee
        holders = rng.sample(self._users, receivers)
        outputs = [
            (asset.asset_id, units * asset.unit, holder)
            for units, holder in zip(_split(batch_units, receivers, rng), holders, strict=True)
        ]
        outputs.extend(change)
        self._pending_issued[asset.asset_id] = (
            self._pending_issued.get(asset.asset_id, 0) + batch_units * asset.unit
        )
        return self._emit(Kind.ISSUE, TxType.ISSUE, {}, spent, outputs)

    def _enroll(self) -> _Draft | None:
        active = len(self._enrollments) + self._pending_candidates
        if active >= MAX_ACTIVE_CANDIDATES:
            return None
        deposit = self._min_deposit + self._rng.choice((0, 0, 0, 1, 5)) * FIXED8
        fee = self._fee_inputs("enrollment", deposit)
        if fee is None:
            return None
        spent, change = fee
        candidate = self._new_candidate()
        assert self._anc is not None
        outputs = [(self._anc, deposit, candidate), *change]  # output 0: the deposit
        self._pending_candidates += 1
        exclusive = {"public_key": candidate.keys[0].point}
        return self._emit(
            Kind.ENROLLMENT, TxType.ENROLLMENT, exclusive, spent, outputs, [candidate]
        )

    def _vote(self) -> _Draft | None:
        rng = self._rng
        eligible = [e for e in self._enrollments.values() if e.txid not in self._batch_withdrawn]
        if not eligible:
            return None
        ballot = self._random_coin(self._ans)
        if ballot is None:
            return None
        fee = self._fee_inputs("voting")
        if fee is None:
            return None
        spent, change = fee
        picked: dict[bytes, _Enrollment] = {}  # one enrollment per public key
        for e in rng.sample(eligible, min(len(eligible), rng.randint(1, MAX_VOTE_CANDIDATES))):
            picked.setdefault(e.point, e)
        chosen = list(picked.values())
        self._batch_voted.update(e.txid for e in chosen)
        voter = ballot.owner
        outputs: list[tuple[UInt256, int, Account]] = [(ballot.asset, ballot.value, voter)]
        outputs.extend(change)
        exclusive = {"enrollments": [e.txid for e in chosen]}
        return self._emit(Kind.VOTE, TxType.VOTING, exclusive, [ballot, *spent], outputs)

    def _withdraw(self) -> _Draft | None:
        mine = [
            e
            for e in self._enrollments.values()
            if e.account is not None
            and e.txid not in self._batch_voted
            and e.txid not in self._batch_withdrawn
            and e.deposit in self._coins
            and e.deposit not in self._reserved
        ]
        if not mine:
            return None
        enrollment = self._rng.choice(mine)
        self._batch_withdrawn.add(enrollment.txid)
        deposit = self._coins[enrollment.deposit]
        outputs = [(deposit.asset, deposit.value, self._random_user())]
        return self._emit(Kind.WITHDRAWAL, TxType.CONTRACT, {}, [deposit], outputs)

    _builders: Mapping[Kind, Callable[["Workload"], _Draft | None]] = {
        Kind.ANS_TRANSFER: _ans_transfer,
        Kind.ASSET_TRANSFER: _asset_transfer,
        Kind.SHARE_TRANSFER: _share_transfer,
        Kind.ANC_TRANSFER: _anc_transfer,
        Kind.REGISTER: _register,
        Kind.ISSUE: _issue,
        Kind.ENROLLMENT: _enroll,
        Kind.VOTE: _vote,
        Kind.WITHDRAWAL: _withdraw,
    }
