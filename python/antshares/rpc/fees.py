"""The fees a transaction paid (NEO's `sys_fee` and `net_fee`) and the running total of system
fees that `getblocksysfee` answers.

System fee = this chain's service fee (SPEC §4), burned: Register, Issue (none when it creates
only ANS/ANC), Enrollment, Voting, as the network profile sets them; none for a Register of the
native assets (the genesis). Network fee = the byte fee: ANC in − ANC out − service fee; the
MinerTransaction (and a Claim, on old data) creates ANC and pays none. Both need the outputs the
inputs spend; when one is not in the chain (a mempool transaction spending another) the fees are
unknown.

getblocksysfee is the system fee burned by all blocks up to a height. The store keeps only the
total at the tip (burned ANC counts exactly the service fees), so the index answers from the
nearest of a checkpoint below (scanning forward) and the tip's total (scanning back), and keeps a
checkpoint every `CHECKPOINT_BLOCKS`: blocks are final (SPEC §7), so a total never changes.
"""

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from antshares.chain.profiles import Profile
from antshares.core import AssetType, Block, CoinReference, Transaction, TxOutput, TxType, UInt256
from antshares.wallet.ledger_view import FIXED8, LedgerView

__all__ = ["CHECKPOINT_BLOCKS", "FeeRules", "SysFeeIndex", "spent_refs"]

CHECKPOINT_BLOCKS = 1_000


def spent_refs(tx: Transaction) -> list[CoinReference]:
    """Every output a transaction spends: its inputs and, for Agency, its orders' inputs."""
    refs = list(tx.inputs)
    if tx.type == TxType.AGENCY:
        for order in tx.exclusive["orders"]:
            refs.extend(order["inputs"])
    return refs


@dataclass(frozen=True)
class FeeRules:
    """Service fees in satoshi, and the native asset ids."""

    register: int
    issue: int
    enrollment: int
    voting: int
    ans: UInt256
    anc: UInt256

    @classmethod
    def of(cls, profile: Profile, ans: UInt256, anc: UInt256) -> "FeeRules":
        fees = profile.service_fees_anc
        return cls(
            fees.get("register", 0) * FIXED8,
            fees.get("issue", 0) * FIXED8,
            fees.get("enrollment", 0) * FIXED8,
            fees.get("voting", 0) * FIXED8,
            ans,
            anc,
        )

    def system_fee(self, tx: Transaction, spent: Mapping[CoinReference, TxOutput]) -> int | None:
        """The service fee `tx` burned; None when it depends on inputs not in `spent`."""
        kind = tx.type
        if kind == TxType.REGISTER:
            native = tx.exclusive["asset_type"] in (AssetType.ANTSHARE, AssetType.ANTCOIN)
            return 0 if native else self.register
        if kind == TxType.ENROLLMENT:
            return self.enrollment
        if kind == TxType.VOTING:
            return self.voting
        if kind != TxType.ISSUE:
            return 0
        # An Issue pays when it creates an asset other than ANS/ANC: outputs beyond inputs.
        created: dict[UInt256, int] = {}
        for out in tx.outputs:
            created[out.asset_id] = created.get(out.asset_id, 0) + out.value
        for ref in tx.inputs:
            coin = spent.get(ref)
            if coin is None:
                return None
            created[coin.asset_id] = created.get(coin.asset_id, 0) - coin.value
        issues_other = any(
            value > 0 and asset not in (self.ans, self.anc) for asset, value in created.items()
        )
        return self.issue if issues_other else 0

    def fees(
        self, tx: Transaction, spent: Mapping[CoinReference, TxOutput]
    ) -> tuple[int, int] | None:
        """(system fee, network fee) of `tx`; None when an input is not in `spent`."""
        if tx.type in (TxType.MINER, TxType.CLAIM):
            return 0, 0
        system = self.system_fee(tx, spent)
        if system is None:
            return None
        anc = 0
        for ref in spent_refs(tx):
            coin = spent.get(ref)
            if coin is None:
                return None
            if coin.asset_id == self.anc:
                anc += coin.value
        anc -= sum(out.value for out in tx.outputs if out.asset_id == self.anc)
        return system, anc - system

    def block_system_fee(self, view: LedgerView, block: Block) -> int:
        """The service fees a confirmed block burned."""
        issues = [tx for tx in block.transactions if tx.type == TxType.ISSUE]
        spent = view.outputs_of(ref for tx in issues for ref in tx.inputs) if issues else {}
        total = 0
        for tx in block.transactions:
            fee = self.system_fee(tx, spent)
            if fee is None:  # a confirmed transaction's inputs are confirmed
                raise LookupError(f"block {block.index}: inputs of {tx.txid} are missing")
            total += fee
        return total


class SysFeeIndex:
    """Cumulative system fees by height. Blocking (it may scan many blocks): call it off the
    event loop. Thread-safe; one scan at a time."""

    def __init__(self, view: LedgerView, rules: FeeRules) -> None:
        self.view = view
        self.rules = rules
        self._totals: dict[int, int] = {0: 0}  # the genesis burns nothing
        self._lock = threading.Lock()

    def total(self, height: int) -> int | None:
        """Satoshi burned by blocks 0..height; None when `height` is past the tip."""
        with self._lock:
            tip = self.view.anc_totals()
            if height > tip.height:
                return None
            known = self._totals.get(height)
            if known is not None:
                return known
            base = max(h for h in self._totals if h <= height)
            if tip.height - height < height - base:
                return self._back_from_tip(height, tip.height, tip.burned)
            return self._forward(base, height)

    def _forward(self, base: int, height: int) -> int:
        total = self._totals[base]
        for block in self.view.blocks(base + 1, height + 1):
            total += self.rules.block_system_fee(self.view, block)
            self._remember(block.index, total)
        return total

    def _back_from_tip(self, height: int, tip: int, burned: int) -> int:
        # The tip's total and height came from one snapshot; the blocks between are final.
        blocks = self.view.blocks(height + 1, tip + 1)
        fees = [(b.index, self.rules.block_system_fee(self.view, b)) for b in blocks]
        total = burned
        for index, fee in reversed(fees):
            self._remember(index, total)
            total -= fee
        self._remember(height, total)
        return total

    def _remember(self, height: int, total: int) -> None:
        if height % CHECKPOINT_BLOCKS == 0:
            self._totals[height] = total
