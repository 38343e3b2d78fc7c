"""The co-signer's memory of what each seller transferred: a small JSON file, written atomically.

    {"format": "antshares-cosigner-log", "version": 1, "asset_id": "<asset display hex>",
     "transfers": [{"txid": "…", "seller": "<script hash display hex>", "amount": 2500000000,
                    "time": "2025-01-31T12:00:00+00:00"}, …]}

Every co-signed transfer counts from the moment the company signs (it cannot know whether the
transaction will be relayed); `release` takes back one that will never confirm. Entries older
than the cap's window are dropped on save. A corrupt or foreign file is an error, never an empty
log: forgetting past transfers would silently reset every seller's cap.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from antshares.core import UInt160, UInt256

from .errors import IdentityError
from .files import write_atomic

__all__ = ["LOG_FORMAT", "TransferLog", "TransferRecord"]

LOG_FORMAT = "antshares-cosigner-log"
LOG_VERSION = 1


@dataclass(frozen=True, slots=True)
class TransferRecord:
    txid: UInt256
    seller: UInt160
    amount: int
    time: datetime


class TransferLog:
    def __init__(self, path: Path, asset_id: UInt256, records: list[TransferRecord]) -> None:
        self.path = Path(path)
        self.asset_id = asset_id
        self.records = records

    @classmethod
    def load(cls, path: Path, asset_id: UInt256) -> "TransferLog":
        """The log at `path` (empty when the file does not exist yet)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, asset_id, [])
        except (OSError, UnicodeDecodeError) as exc:
            raise IdentityError(f"{path}: cannot read the co-signer log ({exc})") from None
        try:
            doc = json.loads(text)
            if doc.get("format") != LOG_FORMAT or doc.get("version") != LOG_VERSION:
                raise ValueError(f"not a version {LOG_VERSION} {LOG_FORMAT} file")
            if UInt256.from_display(doc["asset_id"]) != asset_id:
                raise ValueError(f"it is the log of asset {doc['asset_id']}, not {asset_id}")
            records = [
                TransferRecord(
                    UInt256.from_display(r["txid"]),
                    UInt160.from_display(r["seller"]),
                    _amount(r["amount"]),
                    _aware(datetime.fromisoformat(r["time"])),
                )
                for r in doc["transfers"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IdentityError(f"{path}: corrupt co-signer log ({exc})") from None
        return cls(path, asset_id, records)

    def total(self, seller: UInt160, since: datetime, exclude: UInt256 | None = None) -> int:
        """What `seller` transferred at or after `since`, leaving out transaction `exclude`."""
        return sum(
            r.amount
            for r in self.records
            if r.seller == seller and r.time >= since and r.txid != exclude
        )

    def record(self, txid: UInt256, sold: Mapping[UInt160, int], at: datetime) -> None:
        """Count a co-signed transaction (again: signing it twice counts it once)."""
        self.release(txid)
        self.records.extend(TransferRecord(txid, s, a, at) for s, a in sold.items())

    def release(self, txid: UInt256) -> bool:
        """Stop counting a transaction; True when it was counted."""
        kept = [r for r in self.records if r.txid != txid]
        released = len(kept) != len(self.records)
        self.records = kept
        return released

    def save(self, keep_since: datetime) -> None:
        """Write the log atomically, without the records older than `keep_since`."""
        self.records = [r for r in self.records if r.time >= keep_since]
        doc = {
            "format": LOG_FORMAT,
            "version": LOG_VERSION,
            "asset_id": str(self.asset_id),
            "transfers": [
                {
                    "txid": str(r.txid),
                    "seller": str(r.seller),
                    "amount": r.amount,
                    "time": r.time.isoformat(),
                }
                for r in self.records
            ],
        }
        write_atomic(self.path, (json.dumps(doc, indent=1) + "\n").encode("utf-8"), 0o600)


def _amount(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"amount {value!r} is not a positive integer")
    return value


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"time {moment.isoformat()} has no time zone")
    return moment
