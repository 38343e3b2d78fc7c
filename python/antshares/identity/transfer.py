"""A Share transfer as the company sees it: who gives how much, who receives how much.

Built from a plain transaction plus the outputs its inputs spend (the transaction names only
references; the caller resolves them from the ledger or a signing request). Amounts are raw
Fixed8 integers, net per account: a seller's change back to itself is not a transfer.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from antshares.core import CoinReference, Transaction, TxOutput, TxType, UInt160, UInt256
from antshares.core.address import script_hash

from .policy import Policy, Refusal

__all__ = ["ShareTransfer", "share_transfer"]


@dataclass(frozen=True, slots=True)
class ShareTransfer:
    txid: UInt256
    asset_id: UInt256
    sold: dict[UInt160, int]  # net amount each seller gives away
    received: dict[UInt160, int]  # net amount each receiver gets
    spent: dict[UInt160, int]  # what each seller's inputs of the asset held
    scripts: dict[UInt160, bytes] = field(default_factory=dict)  # verification scripts known


def share_transfer(
    tx: Transaction,
    asset_id: UInt256,
    spent_outputs: Mapping[CoinReference, TxOutput],
    scripts: Iterable[bytes] = (),
) -> ShareTransfer:
    """The net movement of `asset_id` in a Contract transaction; Refusal(TRANSFER) when it is
    not one (another type, an input not resolved, value created, the asset not moved).

    `scripts`: verification scripts of receivers, beyond those in the transaction's witnesses
    (a receiver's witness may come after the company's signature).
    """
    if tx.type != TxType.CONTRACT:
        raise Refusal(Policy.TRANSFER, f"a type 0x{tx.type:02x} transaction is no transfer")
    spent: dict[UInt160, int] = {}
    for ref in tx.inputs:
        output = spent_outputs.get(ref)
        if output is None:
            raise Refusal(
                Policy.TRANSFER, f"input {ref.prev_hash}:{ref.prev_index} is not resolved"
            )
        if output.asset_id == asset_id:
            spent[output.script_hash] = spent.get(output.script_hash, 0) + output.value
    paid: dict[UInt160, int] = {}
    for output in tx.outputs:
        if output.asset_id == asset_id:
            paid[output.script_hash] = paid.get(output.script_hash, 0) + output.value
    if not spent and not paid:
        raise Refusal(Policy.TRANSFER, f"the transaction does not move asset {asset_id}")
    if sum(paid.values()) != sum(spent.values()):
        raise Refusal(Policy.TRANSFER, "the outputs of the asset do not equal its inputs")
    sold: dict[UInt160, int] = {}
    received: dict[UInt160, int] = {}
    for account in sorted({*spent, *paid}):
        delta = paid.get(account, 0) - spent.get(account, 0)
        if delta < 0:
            sold[account] = -delta
        elif delta > 0:
            received[account] = delta
    known = {w.verification for w in tx.witnesses}
    known.update(scripts)
    return ShareTransfer(
        tx.hash, asset_id, sold, received, spent, {script_hash(s): s for s in known}
    )
