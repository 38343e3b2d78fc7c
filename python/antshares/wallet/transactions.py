"""The transactions a wallet builds (SPEC §4): transfers of any asset (to addresses or stealth
addresses), Register, Issue in batches, Enrollment with its deposit, withdrawal of a candidacy,
Voting, and three-party Share transfers.

    view = LedgerView.open(profile, data_dir)
    builder = TransactionBuilder(wallet, view)
    draft = builder.transfer([Payment(view.ans, 10 * FIXED8, receiver)], byte_fee=100_000)
    tx = sign_draft(wallet, draft)                   # antshares.wallet.requests
    # or, when others must sign too: SigningRequest.from_draft(draft, magic).save(path)

Every builder method returns a `Draft` (antshares.wallet.drafting): the unsigned transaction, its
required signers in witness order, the outputs it spends and its fees. Nothing is signed here.

Funding: the outputs, the service fee (burned) and the byte fee (to the bookkeepers) are paid
from the paying accounts (`sources`: by default every account of the wallet that can sign alone,
the default account first; never a watch-only one), coins chosen largest first
(`drafting.select_coins`). Change goes to `change_to`, by default the first paying account.
The service fees and the minimum enrollment deposit are the network profile's. The byte fee is
`byte_fee` (raw ANC), or at least `fee_per_byte` × the estimated signed size when the builder
has one (each bookkeeper's policy sets its own minimum; it may be zero).

A builder remembers the coins its drafts spend, so several drafts made before the next block
never spend one coin twice; call `release()` once they are confirmed or abandoned (a draft that
never confirms keeps its coins reserved until then). Input-less transactions (an Issue or
Register on a network without service fees) get a random Remark attribute, so their txid is
new (the ledger refuses one seen before).
"""

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from antshares.core import (
    AssetType,
    CoinReference,
    Transaction,
    TxAttribute,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
)
from antshares.wallet.accounts import Account, AccountKind
from antshares.wallet.drafting import (
    FIXED8,
    MAX_TX_SIZE,
    Draft,
    InsufficientFundsError,
    Signer,
    TransactionError,
    WatchOnlyError,
    byte_fee_for,
    check_value,
    estimated_size,
    required_signers,
    select_coins,
)
from antshares.wallet.keys import AccountError
from antshares.wallet.ledger_view import AssetInfo, LedgerView, UnspentCoin
from antshares.wallet.nep6 import AccountRef, Wallet, WalletAccount
from antshares.wallet.stealth import StealthAddress, StealthPayment, pay

__all__ = ["REGISTRABLE_TYPES", "Payment", "TransactionBuilder", "asset_name_json"]

REGISTRABLE_TYPES = (AssetType.CURRENCY, AssetType.SHARE, AssetType.INVOICE, AssetType.TOKEN)
MAX_ATTRIBUTES = 16
MAX_VOTE_CANDIDATES = 1024
MAX_ASSET_NAME = 1024
REMARK = 0xF0
_FEE_ROUNDS = 6  # fee_per_byte: a new fee can change the coins, hence the size; it settles fast


@dataclass(frozen=True)
class Payment:
    """`value` (raw Fixed8) of `asset_id` to a script hash or a stealth address."""

    asset_id: UInt256
    value: int
    to: UInt160 | StealthAddress


def asset_name_json(name: str) -> str:
    """An asset name as AntShares stores it: a JSON list of names by language. A name that is
    already such a list is kept as is."""
    text = name.strip()
    if text.startswith("["):
        try:
            json.loads(text)
            return text
        except ValueError:
            pass
    return json.dumps([{"lang": "en", "name": name}], separators=(",", ":"), ensure_ascii=False)


def _script_hash(ref: AccountRef | UInt160) -> UInt160:
    if isinstance(ref, WalletAccount | Account):
        return ref.script_hash
    if isinstance(ref, UInt160):
        return ref
    return Account.watch_only(address=ref).script_hash


class TransactionBuilder:
    """Drafts transactions paid from a wallet's accounts, with the coins a ledger view shows."""

    def __init__(self, wallet: Wallet, ledger: LedgerView, *, fee_per_byte: int = 0) -> None:
        if fee_per_byte < 0:
            raise TransactionError("fee_per_byte must not be negative")
        self.wallet = wallet
        self.ledger = ledger
        self.fee_per_byte = fee_per_byte
        fees = ledger.profile.service_fees_anc
        self.service_fees = {name: fees.get(name, 0) * FIXED8 for name in fees}
        self.min_deposit = ledger.profile.min_enrollment_deposit_anc * FIXED8
        self._reserved: set[CoinReference] = set()
        self._issuing: dict[UInt256, int] = {}  # issued by drafts not yet confirmed
        self._assets: dict[UInt256, AssetInfo] = {}

    def release(self) -> None:
        """Forget the coins and issues of earlier drafts (they confirmed, or were abandoned)."""
        self._reserved.clear()
        self._issuing.clear()
        self._assets.clear()

    # --- lookups ---------------------------------------------------------------------------

    def asset(self, asset_id: UInt256) -> AssetInfo:
        info = self._assets.get(asset_id) or self.ledger.asset(asset_id)
        if info is None:
            raise TransactionError(f"asset {asset_id} is not registered")
        self._assets[asset_id] = info
        return info

    def _lookup(self, asset_id: UInt256) -> AssetInfo | None:
        try:
            return self.asset(asset_id)
        except TransactionError:
            return None

    def paying_accounts(self, sources: Iterable[AccountRef] | None = None) -> list[WalletAccount]:
        """The accounts that pay: those given (any but watch-only), or by default every account
        whose witness this wallet can make alone (the default account first)."""
        if sources is not None:
            chosen = [self.wallet.account(ref) for ref in sources]
            for entry in chosen:
                if entry.kind == AccountKind.WATCH_ONLY:
                    raise WatchOnlyError(f"{entry.address} is watch-only: it cannot pay")
            if not chosen:
                raise TransactionError("no paying account given")
            return chosen
        ordered = list(self.wallet.accounts)
        default = self.wallet.default_account
        if default is not None:
            ordered.remove(default)
            ordered.insert(0, default)
        able = [
            e
            for e in ordered
            if e.kind != AccountKind.WATCH_ONLY and 0 < e.account.m <= len(e.held_keys())
        ]
        if not able:
            raise WatchOnlyError(
                "no account of this wallet can pay: it holds only watch-only accounts or"
                " accounts it cannot sign for alone (name one with sources=/--from)"
            )
        return able

    # --- the transaction kinds -------------------------------------------------------------

    def transfer(
        self,
        payments: Sequence[Payment],
        *,
        sources: Iterable[AccountRef] | None = None,
        change_to: AccountRef | UInt160 | None = None,
        byte_fee: int = 0,
        attributes: Sequence[TxAttribute] = (),
    ) -> Draft:
        """A Contract transaction: the payments (any assets; a Share also needs its Admin and
        receivers, an Invoice its receivers), change and fees."""
        if not payments:
            raise TransactionError("a transfer needs at least one payment")
        outputs: list[TxOutput] = []
        extra_attributes = list(attributes)
        notes: list[str] = []
        for payment in payments:
            check_value(payment.value, self.asset(payment.asset_id))
            if isinstance(payment.to, StealthAddress):
                paid: StealthPayment = pay(payment.to, payment.asset_id, payment.value)
                outputs.append(paid.output)
                extra_attributes.append(paid.attribute)
                notes.append(f"stealth payment to one-time address {paid.address}")
            else:
                outputs.append(TxOutput(payment.asset_id, payment.value, payment.to))
        return self._assemble(
            "transfer",
            TxType.CONTRACT,
            {},
            outputs,
            sources=sources,
            change_to=change_to,
            byte_fee=byte_fee,
            attributes=extra_attributes,
            notes=notes,
        )

    def share_transfer(
        self,
        asset_id: UInt256,
        value: int,
        buyer: AccountRef | UInt160,
        *,
        seller: AccountRef | None = None,
        price: tuple[UInt256, int] | None = None,
        byte_fee: int = 0,
    ) -> Draft:
        """The three-party equity transfer (SPEC §4): `value` shares from the seller (an account
        of this wallet) to the buyer, optionally paid for atomically with `price` = (asset,
        raw value) from the buyer's coins on the ledger. Seller, buyer and the Share's Admin
        must all sign: usually through a signing request each of them signs in turn."""
        share = self.asset(asset_id)
        if not share.is_share:
            raise TransactionError(f"{share.display_name} is not a Share (type {share.type_name})")
        check_value(value, share)
        buyer_hash = _script_hash(buyer)
        if seller is None:
            seller = self._largest_holder(asset_id)
        seller_account = self.paying_accounts([seller])[0]
        seller_hash = seller_account.script_hash
        if buyer_hash == seller_hash:
            raise TransactionError("the buyer and the seller are the same account")
        outputs = [TxOutput(asset_id, value, buyer_hash)]
        fixed: list[UnspentCoin] = []
        if price is not None:
            price_asset, price_value = price
            currency = self.asset(price_asset)
            check_value(price_value, currency)
            coins = [c for c in self.ledger.unspent([buyer_hash]) if c.asset_id == price_asset]
            fixed = select_coins(coins, price_value, self._reserved) or []
            if not fixed:
                available = sum(c.value for c in coins if c.ref not in self._reserved)
                raise InsufficientFundsError(
                    currency, price_value, available, "the buyer's account"
                )
            outputs.append(TxOutput(price_asset, price_value, seller_hash))
            change = sum(c.value for c in fixed) - price_value
            if change:
                outputs.append(TxOutput(price_asset, change, buyer_hash))
        return self._assemble(
            "share_transfer",
            TxType.CONTRACT,
            {},
            outputs,
            fixed=fixed,
            sources=[seller_account],
            change_to=seller_hash,
            byte_fee=byte_fee,
        )

    def _largest_holder(self, asset_id: UInt256) -> WalletAccount:
        """The paying account holding the most of `asset_id` (the first one when none does)."""
        accounts = self.paying_accounts()
        held: dict[UInt160, int] = {}
        for coin in self.ledger.unspent([a.script_hash for a in accounts]):
            if coin.asset_id == asset_id:
                held[coin.script_hash] = held.get(coin.script_hash, 0) + coin.value
        return max(accounts, key=lambda a: held.get(a.script_hash, 0))

    def register(
        self,
        asset_type: AssetType | int,
        name: str,
        amount: int,
        precision: int,
        *,
        owner: AccountRef | bytes,
        admin: AccountRef | UInt160,
        sources: Iterable[AccountRef] | None = None,
        change_to: AccountRef | UInt160 | None = None,
        byte_fee: int = 0,
    ) -> Draft:
        """A Register (资产创设): `amount` is the cap, raw Fixed8 (-1 = unlimited); `owner` a
        P-256 key (an account of this wallet, or the 33-byte key) that signs; `admin` the
        script hash that will sign Issues (and every Share transfer)."""
        if asset_type not in REGISTRABLE_TYPES:
            names = ", ".join(f"{t.name.lower()} 0x{t:02x}" for t in REGISTRABLE_TYPES)
            raise TransactionError(
                f"asset type 0x{int(asset_type):02x} cannot be registered ({names})"
            )
        if not 0 <= precision <= 8:
            raise TransactionError(f"precision must be 0 to 8, got {precision}")
        unit = 10 ** (8 - precision)
        if amount != -1 and (amount <= 0 or amount % unit):
            raise TransactionError(
                "the amount must be positive and a whole number of units at this precision"
                " (or unlimited)"
            )
        stored_name = asset_name_json(name)
        if not name.strip() or len(stored_name.encode("utf-8")) > MAX_ASSET_NAME:
            raise TransactionError(f"an asset name is 1 to {MAX_ASSET_NAME} bytes")
        owner_key = self._owner_key(owner)
        exclusive: dict[str, Any] = {
            "asset_type": int(asset_type),
            "name": stored_name,
            "amount": amount,
            "precision": precision,
            "owner": owner_key,
            "admin": _script_hash(admin),
        }
        return self._assemble(
            "register",
            TxType.REGISTER,
            exclusive,
            [],
            burn=self.service_fees.get("register", 0),
            sources=sources,
            change_to=change_to,
            byte_fee=byte_fee,
            extra_signers=[Account.single(owner_key)],
        )

    def _owner_key(self, owner: AccountRef | bytes) -> bytes:
        if isinstance(owner, bytes):
            key = owner
        else:
            account = self.wallet.account(owner).account
            if account.kind != AccountKind.SINGLE:
                raise TransactionError(
                    f"the owner of an asset is one key: {account.address} is a"
                    f" {account.kind.value} account"
                )
            key = account.public_keys[0]
        if len(key) != 33:
            raise TransactionError("the owner of an asset must be a secp256r1 (P-256) key")
        try:
            Account.single(key)
        except AccountError as exc:
            raise TransactionError(str(exc)) from None
        return key

    def issue(
        self,
        asset_id: UInt256,
        receivers: Sequence[tuple[AccountRef | UInt160, int]],
        *,
        sources: Iterable[AccountRef] | None = None,
        change_to: AccountRef | UInt160 | None = None,
        byte_fee: int = 0,
    ) -> Draft:
        """An Issue (资产分配): one batch of new outputs of a registered asset, within its cap.
        The Admin signs; so does every receiver of a Share or an Invoice."""
        info = self.ledger.asset(asset_id)  # fresh: the issued amount moves
        if info is None:
            raise TransactionError(f"asset {asset_id} is not registered")
        if not receivers:
            raise TransactionError("an issue needs at least one receiver")
        outputs = []
        for receiver, value in receivers:
            check_value(value, info)
            outputs.append(TxOutput(asset_id, value, _script_hash(receiver)))
        total = sum(o.value for o in outputs)
        remaining = info.remaining
        if remaining is not None:
            remaining -= self._issuing.get(asset_id, 0)
        if remaining is not None and total > remaining:
            raise TransactionError(
                f"issuing {info.format(total)} {info.display_name} exceeds its cap: only"
                f" {info.format(remaining)} of {info.format(info.amount)} is left"
            )
        native = asset_id in (self.ledger.ans, self.ledger.anc)
        draft = self._assemble(
            "issue",
            TxType.ISSUE,
            {},
            outputs,
            created={asset_id},
            burn=0 if native else self.service_fees.get("issue", 0),
            sources=sources,
            change_to=change_to,
            byte_fee=byte_fee,
        )
        self._issuing[asset_id] = self._issuing.get(asset_id, 0) + total
        return draft

    def enroll(
        self,
        account: AccountRef,
        *,
        deposit: int | None = None,
        sources: Iterable[AccountRef] | None = None,
        change_to: AccountRef | UInt160 | None = None,
        byte_fee: int = 0,
    ) -> Draft:
        """An Enrollment (登记候选记账人) of a single-key P-256 account: output 0 pays the
        deposit (the network's minimum by default) to that account; spending it withdraws."""
        entry = self.wallet.account(account)
        key = entry.account.public_keys[0] if entry.account.public_keys else b""
        if entry.kind != AccountKind.SINGLE or len(key) != 33:
            raise TransactionError(
                f"a candidate is a single secp256r1 key: {entry.address} is not such an account"
            )
        amount = self.min_deposit if deposit is None else deposit
        if amount < self.min_deposit or amount <= 0:
            minimum = self.asset(self.ledger.anc).format(self.min_deposit)
            raise TransactionError(f"the deposit must be at least {minimum} ANC")
        return self._assemble(
            "enrollment",
            TxType.ENROLLMENT,
            {"public_key": key},
            [TxOutput(self.ledger.anc, amount, entry.script_hash)],  # output 0: the deposit
            burn=self.service_fees.get("enrollment", 0),
            sources=sources,
            change_to=change_to,
            byte_fee=byte_fee,
            extra_signers=[entry.account],
        )

    def withdraw(
        self,
        enrollment: UInt256,
        *,
        to: AccountRef | UInt160 | None = None,
        byte_fee: int = 0,
    ) -> Draft:
        """Withdraw a candidacy: spend its deposit (output 0) back to the enrollee (or `to`);
        the byte fee, if any, comes out of the deposit."""
        info = self.ledger.enrollment(enrollment)
        if info is None:
            raise TransactionError(f"{enrollment} is not an active enrollment")
        coin = self.ledger.coin(info.deposit)
        if coin is None or coin.ref in self._reserved:
            raise TransactionError(f"the deposit of {enrollment} is already being spent")
        if not 0 <= byte_fee < coin.value:
            raise TransactionError("the byte fee must be less than the deposit")
        receiver = coin.script_hash if to is None else _script_hash(to)
        return self._assemble(
            "withdrawal",
            TxType.CONTRACT,
            {},
            [TxOutput(coin.asset_id, coin.value - byte_fee, receiver)],
            fixed=[coin],
            fixed_fee=byte_fee,
        )

    def vote(
        self,
        candidates: Sequence[UInt256],
        *,
        voter: AccountRef,
        amount: int | None = None,
        sources: Iterable[AccountRef] | None = None,
        change_to: AccountRef | UInt160 | None = None,
        byte_fee: int = 0,
    ) -> Draft:
        """A Voting transaction (选举记账人) for 1–1024 active enrollments (by Enrollment txid,
        no public key twice). The voter's ANS coins (all of them, or coins covering `amount`
        largest first) are sent back to the voter in one output: its whole shares are the
        vote's weight while that output stays unspent."""
        entry = self.wallet.account(voter)
        if entry.kind == AccountKind.WATCH_ONLY:
            raise WatchOnlyError(f"{entry.address} is watch-only: it cannot vote")
        chosen = list(candidates)
        if not 1 <= len(chosen) <= MAX_VOTE_CANDIDATES:
            raise TransactionError(
                f"a vote lists 1 to {MAX_VOTE_CANDIDATES} candidates, got {len(chosen)}"
            )
        if len(set(chosen)) != len(chosen):
            raise TransactionError("a candidate is listed twice")
        keys: set[bytes] = set()
        for txid in chosen:
            enrollment = self.ledger.enrollment(txid)
            if enrollment is None:
                raise TransactionError(f"{txid} is not an active enrollment")
            if enrollment.public_key in keys:
                raise TransactionError(f"enrollment {txid} repeats another candidate's key")
            keys.add(enrollment.public_key)
        ans = self.asset(self.ledger.ans)
        coins = [c for c in self.ledger.unspent([entry.script_hash]) if c.asset_id == ans.asset_id]
        usable = [c for c in coins if not c.deposit and c.ref not in self._reserved]
        if amount is None:
            picked = usable
        else:
            check_value(amount, ans)
            picked = select_coins(usable, amount) or []
        if not picked:
            held = sum(c.value for c in usable)
            raise InsufficientFundsError(ans, amount or FIXED8, held, entry.address)
        weight = sum(c.value for c in picked)
        return self._assemble(
            "vote",
            TxType.VOTING,
            {"enrollments": chosen},
            [TxOutput(ans.asset_id, weight, entry.script_hash)],
            fixed=picked,
            burn=self.service_fees.get("voting", 0),
            sources=sources,
            change_to=change_to,
            byte_fee=byte_fee,
        )

    # --- assembling ------------------------------------------------------------------------

    def _assemble(
        self,
        kind: str,
        tx_type: int,
        exclusive: dict[str, Any],
        outputs: list[TxOutput],
        *,
        fixed: Sequence[UnspentCoin] = (),
        created: set[UInt256] | None = None,
        burn: int = 0,
        fixed_fee: int = 0,
        sources: Iterable[AccountRef] | None = None,
        change_to: AccountRef | UInt160 | None = None,
        byte_fee: int = 0,
        attributes: Sequence[TxAttribute] = (),
        extra_signers: Sequence[Account] = (),
        notes: Sequence[str] = (),
    ) -> Draft:
        """Fund `outputs` (+ `burn` + the byte fee, in ANC) from the paying accounts beyond the
        `fixed` inputs, add change, and draft the transaction with its signers."""
        if byte_fee < 0:
            raise TransactionError("the byte fee must not be negative")
        for coin in fixed:
            if coin.ref in self._reserved:
                raise TransactionError(f"coin {coin.ref.prev_hash}:{coin.ref.prev_index} is taken")
        payers = _Payers(self, sources, change_to)
        nonce = TxAttribute(REMARK, secrets.token_bytes(8))
        fee = byte_fee
        for _ in range(_FEE_ROUNDS):
            funded, change = self._fund(outputs, fixed, created or set(), burn + fee, payers)
            inputs = [c.ref for c in (*fixed, *funded)]
            tx_attributes = list(attributes) + ([] if inputs else [nonce])
            if len(tx_attributes) > MAX_ATTRIBUTES:
                raise TransactionError(f"a transaction has at most {MAX_ATTRIBUTES} attributes")
            try:
                tx = Transaction(
                    tx_type, 0, exclusive, tx_attributes, inputs, [*outputs, *change], []
                )
            except ValueError as exc:
                raise TransactionError(f"cannot build the transaction: {exc}") from None
            spent = {c.ref: c.output for c in (*fixed, *funded)}
            signers = self._signers(tx, spent, extra_signers)
            size = estimated_size(tx, signers, _threshold)
            wanted = max(byte_fee, byte_fee_for(size, self.fee_per_byte))
            if wanted <= fee:
                break
            fee = wanted
        else:  # the draft in hand pays less than its size asks for
            raise TransactionError("the byte fee did not settle: give --fee / byte_fee")
        if size > MAX_TX_SIZE:
            raise TransactionError(f"the transaction would be {size} bytes, over {MAX_TX_SIZE}")
        self._reserved.update(tx.inputs)
        return Draft(kind, tx, tuple(signers), spent, burn, fee + fixed_fee, tuple(notes))

    def _fund(
        self,
        outputs: Sequence[TxOutput],
        fixed: Sequence[UnspentCoin],
        created: set[UInt256],
        anc_burn: int,
        payers: "_Payers",
    ) -> tuple[list[UnspentCoin], list[TxOutput]]:
        needs: dict[UInt256, int] = {}
        for out in outputs:
            if out.asset_id not in created:
                needs[out.asset_id] = needs.get(out.asset_id, 0) + out.value
        if anc_burn:
            needs[self.ledger.anc] = needs.get(self.ledger.anc, 0) + anc_burn
        for coin in fixed:
            needs[coin.asset_id] = needs.get(coin.asset_id, 0) - coin.value
        taken = self._reserved | {c.ref for c in fixed}
        funded: list[UnspentCoin] = []
        change: list[TxOutput] = []
        for asset_id in sorted(needs, key=lambda a: a.to_bytes()):
            need = needs[asset_id]
            surplus = -need
            if need > 0:
                pool = [c for c in payers.coins() if c.asset_id == asset_id]
                picked = select_coins(pool, need, taken)
                if picked is None:
                    available = sum(c.value for c in pool if c.ref not in taken and not c.deposit)
                    raise InsufficientFundsError(
                        self.asset(asset_id), need, available, payers.describe()
                    )
                funded.extend(picked)
                surplus = sum(c.value for c in picked) - need
            if surplus > 0:
                change.append(TxOutput(asset_id, surplus, payers.change_to()))
        return funded, change

    def _signers(
        self,
        tx: Transaction,
        spent: dict[CoinReference, TxOutput],
        extra: Sequence[Account],
    ) -> list[Signer]:
        known: dict[UInt160, bytes] = {}
        for entry in self.wallet.accounts:
            if entry.account.verification_script is not None:
                known[entry.script_hash] = entry.account.verification_script
        for account in extra:
            if account.verification_script is not None:
                known[account.script_hash] = account.verification_script
        hashes = required_signers(tx, spent, self._lookup, [a.script_hash for a in extra])
        return [Signer(h, known.get(h)) for h in hashes]


def _threshold(signer: Signer) -> int:
    if signer.script is None:
        return 1
    return Account.watch_only(script=signer.script).m


class _Payers:
    """The paying accounts and their coins, looked up only when something must be paid."""

    def __init__(
        self,
        builder: TransactionBuilder,
        sources: Iterable[AccountRef] | None,
        change_to: AccountRef | UInt160 | None,
    ) -> None:
        self._builder = builder
        self._sources = None if sources is None else list(sources)
        self._change_to = change_to
        self._accounts: list[WalletAccount] | None = None
        self._coins: list[UnspentCoin] | None = None

    def accounts(self) -> list[WalletAccount]:
        if self._accounts is None:
            self._accounts = self._builder.paying_accounts(self._sources)
        return self._accounts

    def coins(self) -> list[UnspentCoin]:
        if self._coins is None:
            hashes = [a.script_hash for a in self.accounts()]
            self._coins = self._builder.ledger.unspent(hashes)
        return self._coins

    def change_to(self) -> UInt160:
        if self._change_to is not None:
            return _script_hash(self._change_to)
        return self.accounts()[0].script_hash

    def describe(self) -> str:
        addresses = [a.address for a in self.accounts()]
        shown = ", ".join(addresses[:3]) + (
            f" and {len(addresses) - 3} more" if len(addresses) > 3 else ""
        )
        return shown
