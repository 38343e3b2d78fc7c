"""The fast block verifier: parse, txids, Merkle root, every standard witness (SPEC §1, §3).

All signatures of a block — or of many blocks — are checked in one native batch on every core.
A witness that is neither single-signature nor multisig (a NEO 2.x contract) is counted as
non-standard: it is neither passed nor failed. State rules (who must sign, double spends) need the
ledger and are not checked here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from antshares_native import _native

from antshares.core import UInt160, UInt256

if TYPE_CHECKING:  # a stub-only type
    from antshares_native._native import VerifyReport

JSON_KEYS = (
    "height",
    "hash",
    "merkle_root",
    "merkle_ok",
    "txids",
    "tx_types",
    "signatures_checked",
    "signatures_valid",
    "nonstandard_witnesses",
    "ok",
    "error",
)


@dataclass(frozen=True)
class BlockReport:
    """What the verifier found in one block. `error` names the first failure and its reason."""

    height: int | None
    hash: str | None
    merkle_root: str | None  # recomputed from the transactions
    merkle_ok: bool
    txids: tuple[str, ...]
    tx_types: tuple[int, ...]
    signatures_checked: int
    signatures_valid: int
    nonstandard_witnesses: int
    ok: bool
    error: str | None
    next_consensus: UInt160 | None  # the header's NextConsensus: the next block's signers
    block_witness_bound: bool  # whether the block witness was checked against a NextConsensus

    @classmethod
    def _from_native(cls, d: "VerifyReport") -> "BlockReport":
        return cls(
            height=d["height"],
            hash=d["hash"],
            merkle_root=d["merkle_root"],
            merkle_ok=d["merkle_ok"],
            txids=tuple(d["txids"]),
            tx_types=tuple(d["tx_types"]),
            signatures_checked=d["signatures_checked"],
            signatures_valid=d["signatures_valid"],
            nonstandard_witnesses=d["nonstandard_witnesses"],
            ok=d["ok"],
            error=d["error"],
            next_consensus=d["next_consensus"],
            block_witness_bound=d["block_witness_bound"],
        )

    def to_json(self) -> dict[str, Any]:
        """The `antshares verify --json` object: exactly the documented keys."""
        return {
            "height": self.height,
            "hash": self.hash,
            "merkle_root": self.merkle_root,
            "merkle_ok": self.merkle_ok,
            "txids": list(self.txids),
            "tx_types": [f"0x{t:02x}" for t in self.tx_types],
            "signatures_checked": self.signatures_checked,
            "signatures_valid": self.signatures_valid,
            "nonstandard_witnesses": self.nonstandard_witnesses,
            "ok": self.ok,
            "error": self.error,
        }


def verify_block(raw: bytes, next_consensus: UInt160 | None = None) -> BlockReport:
    """Verify one serialized block. With `next_consensus` (the previous header's NextConsensus)
    the block witness must also belong to the expected bookkeepers."""
    return BlockReport._from_native(_native.verify_block(raw, next_consensus))


def verify_blocks(
    raws: Sequence[bytes], next_consensus: Sequence[UInt160 | None] | None = None
) -> list[BlockReport]:
    """Verify independent blocks with all their signatures in one native batch.

    `next_consensus[i]` is what block i's witness must hash to (None: not checked).
    """
    expected = list(next_consensus) if next_consensus is not None else [None] * len(raws)
    if len(expected) != len(raws):
        raise ValueError("next_consensus must have one entry per block")
    return [BlockReport._from_native(d) for d in _native.verify_blocks(list(raws), expected)]


def verify_chain(raws: Sequence[bytes], previous: BlockReport | None = None) -> list[BlockReport]:
    """Verify consecutive blocks in one native batch: each must name the one before it (hash and
    height) and be signed by the bookkeepers that block's NextConsensus names. `previous` is the
    report of the block before the first (the last one of the previous batch), if any."""
    tip = None
    if previous is not None:
        if previous.hash is None or previous.height is None or previous.next_consensus is None:
            raise ValueError("the previous block could not be decoded: nothing to continue from")
        tip = (UInt256.from_display(previous.hash), previous.height, previous.next_consensus)
    return [BlockReport._from_native(d) for d in _native.verify_chain(list(raws), tip)]


__all__ = ["JSON_KEYS", "BlockReport", "verify_block", "verify_blocks", "verify_chain"]
