"""The parts every transaction the wallet builds shares: drafts, required signers, coin
selection, amounts and fees, and the errors (SPEC §4).

A `Draft` is an unsigned transaction plus what signing it needs: the required signers in
witness order (script hash, and the verification script when known), the outputs its inputs
spend, the fees. `antshares.wallet.transactions` makes drafts; `antshares.wallet.requests`
signs them (alone, or in turn through a signing request file).

Required signers (SPEC §4, as the ledger checks them): the owner of every spent output; the
receiver of every output of a DutyFlag asset (Share, Invoice); the Admin of a Share that the
transaction moves (inputs or outputs); for Issue the Admin of every asset it creates; the Owner
key's single-signature account for Register; the enrollee's for Enrollment. One witness each,
sorted by script hash read as a little-endian number.

Coin selection is deterministic: largest coins first (fewest inputs, so the smallest witness
set and byte fee), ties by outpoint; coins that back an active vote come last (spending them
lowers that vote's weight); enrollment deposits are never picked (only `withdraw` spends them).
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from antshares.core import CoinReference, Transaction, TxOutput, TxType, UInt160, UInt256
from antshares.core.address import script_address
from antshares.wallet.keys import SigningError, WalletError
from antshares.wallet.ledger_view import AssetInfo, UnspentCoin, format_amount

__all__ = [
    "MAX_TX_SIZE",
    "Draft",
    "IncompleteError",
    "InsufficientFundsError",
    "Signer",
    "TransactionError",
    "WatchOnlyError",
    "estimated_size",
    "le_order",
    "parse_amount",
    "required_signers",
    "select_coins",
    "signer_label",
]

MAX_TX_SIZE = 1 << 20  # SPEC §4
FIXED8 = 10**8
_SIGNATURE_PUSH_SIZE = 65  # 40 ‖ r‖s
_SINGLE_SIG_SCRIPT_SIZE = 35  # 21 ‖ key ‖ AC: the guess for a signer whose script is unknown


class TransactionError(WalletError, ValueError):
    """A transaction that cannot be built as asked (bad amount, cap, inactive candidate…)."""


class InsufficientFundsError(TransactionError):
    """The paying accounts hold less of an asset than the transaction needs."""

    def __init__(self, asset: AssetInfo, needed: int, available: int, where: str) -> None:
        super().__init__(
            f"insufficient funds: {asset.format(needed)} {asset.display_name} needed,"
            f" {asset.format(available)} available in {where}"
        )
        self.asset_id = asset.asset_id
        self.needed = needed
        self.available = available


class WatchOnlyError(TransactionError):
    """A watch-only account (or a wallet of them) asked to pay or sign."""


class IncompleteError(SigningError):
    """Some required witness lacks signatures: who (an address, or the script hash while the
    signer's script is unknown), how many it has and needs (0: unknown until it signs)."""

    def __init__(self, missing: Sequence[tuple[str, int, int]]) -> None:
        parts = [
            f"{who} has {have} of {need} signatures" if need else f"{who} has not signed"
            for who, have, need in missing
        ]
        super().__init__("signatures missing: " + "; ".join(parts))
        self.missing = list(missing)


@dataclass(frozen=True)
class Signer:
    """A required signer: its script hash and, when known, its verification script."""

    script_hash: UInt160
    script: bytes | None = None

    @property
    def label(self) -> str:
        """The address when the script is known (its version follows the curves), else the
        script hash."""
        return signer_label(self.script_hash, self.script)


@dataclass(frozen=True)
class Draft:
    """An unsigned transaction and what its signing needs."""

    kind: str  # transfer, register, issue, enrollment, withdrawal, vote, share_transfer
    tx: Transaction  # no witnesses
    signers: tuple[Signer, ...]  # required, in witness order
    spent: Mapping[CoinReference, TxOutput]  # the outputs its inputs spend
    service_fee: int = 0  # raw ANC, burned
    byte_fee: int = 0  # raw ANC, paid to the bookkeepers
    notes: tuple[str, ...] = field(default=())  # e.g. the one-time address of a stealth payment

    @property
    def txid(self) -> UInt256:
        return self.tx.hash


def signer_label(h: UInt160, script: bytes | None) -> str:
    return f"script hash {h}" if script is None else script_address(script)


def le_order(h: UInt160) -> int:
    """The protocol's UInt160 order: the bytes read as a little-endian number."""
    return int.from_bytes(h.to_bytes(), "little")


def required_signers(
    tx: Transaction,
    spent: Mapping[CoinReference, TxOutput],
    asset: Callable[[UInt256], AssetInfo | None],
    extra: Iterable[UInt160] = (),
) -> list[UInt160]:
    """The script hashes that must sign `tx` (not Agency), in witness order (module doc).
    `extra`: the Register owner's or the enrollee's single-signature account."""
    required: dict[bytes, UInt160] = {h.to_bytes(): h for h in extra}
    flows: dict[UInt256, list[int]] = {}
    for ref in tx.inputs:
        out = spent.get(ref)
        if out is None:
            raise TransactionError(f"input {ref.prev_hash}:{ref.prev_index} is not resolved")
        required[out.script_hash.to_bytes()] = out.script_hash
        flows.setdefault(out.asset_id, [0, 0])[0] += out.value
    for out in tx.outputs:
        info = _known(asset, out.asset_id)
        if info.duty:
            required[out.script_hash.to_bytes()] = out.script_hash
        flows.setdefault(out.asset_id, [0, 0])[1] += out.value
    for asset_id, (value_in, value_out) in flows.items():
        info = _known(asset, asset_id)
        issues = tx.type == TxType.ISSUE and value_out > value_in
        if info.is_share or issues:
            required[info.admin.to_bytes()] = info.admin
    return sorted(required.values(), key=le_order)


def _known(asset: Callable[[UInt256], AssetInfo | None], asset_id: UInt256) -> AssetInfo:
    info = asset(asset_id)
    if info is None:
        raise TransactionError(f"asset {asset_id} is not registered")
    return info


def select_coins(
    coins: Iterable[UnspentCoin], need: int, exclude: Iterable[CoinReference] = ()
) -> list[UnspentCoin] | None:
    """Coins worth at least `need`, largest first (votes' coins last, deposits never); None
    when all of them together are not enough."""
    if need <= 0:
        return []
    skip = set(exclude)
    usable = [c for c in coins if not c.deposit and c.ref not in skip]
    usable.sort(key=lambda c: (c.ballot, -c.value, c.ref.prev_hash.to_bytes(), c.ref.prev_index))
    picked: list[UnspentCoin] = []
    total = 0
    for coin in usable:
        picked.append(coin)
        total += coin.value
        if total >= need:
            return picked
    return None


def parse_amount(text: str, asset: AssetInfo | int) -> int:
    """A decimal amount (e.g. "12.5") of `asset` (or at that precision) as a raw Fixed8
    value; TransactionError when it is not positive or finer than the precision."""
    precision = asset if isinstance(asset, int) else asset.precision
    name = "" if isinstance(asset, int) else f" {asset.display_name}"
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise TransactionError(f"{text!r} is not an amount") from None
    if not value.is_finite() or value <= 0:
        raise TransactionError(f"an amount must be positive, got {text!r}")
    raw = value.scaleb(8)
    if raw != raw.to_integral_value() or int(raw) % 10 ** (8 - precision):
        raise TransactionError(f"{text}{name} is finer than its precision ({precision} decimals)")
    if int(raw) >= 2**63:
        raise TransactionError(f"{text} is too large an amount")
    return int(raw)


def check_value(value: int, asset: AssetInfo) -> None:
    """A raw output value of `asset`: positive and a multiple of its unit."""
    if value <= 0:
        raise TransactionError(f"an amount of {asset.display_name} must be positive")
    if value % asset.unit:
        raise TransactionError(
            f"{format_amount(value)} {asset.display_name} is finer than its precision"
            f" ({asset.precision} decimals)"
        )


def _var_int_size(n: int) -> int:
    return 1 if n < 0xFD else 3 if n <= 0xFFFF else 5


def estimated_size(
    tx: Transaction, signers: Sequence[Signer], m_of: Callable[[Signer], int]
) -> int:
    """The size of `tx` once signed: its unsigned bytes, then one witness per signer (m
    signatures and the verification script; an unknown script counts as single-signature)."""
    size = len(tx.unsigned_bytes()) + _var_int_size(len(signers))
    for signer in signers:
        script = signer.script
        script_size = _SINGLE_SIG_SCRIPT_SIZE if script is None else len(script)
        invocation = max(1, m_of(signer)) * _SIGNATURE_PUSH_SIZE
        size += _var_int_size(invocation) + invocation + _var_int_size(script_size) + script_size
    return size


def byte_fee_for(size: int, fee_per_byte: int) -> int:
    return math.ceil(size * fee_per_byte)
