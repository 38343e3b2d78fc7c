"""Evidence of bookkeeper misbehaviour (SPEC §7.10): kept, reportable over RPC (`getevidence`).

A record is a JSON object with `kind` (`double-header`: two blocks signed by the bookkeepers at
one height; `double-dealing` and `bad-share` come with the multi-bookkeeper consensus), `height`,
`seen` (unix time) and the proof itself (both signed headers, hex). Records are appended to
`evidence.jsonl` in the data dir, one per line, so a restart keeps them; the pool holds the
newest `max_records` and never the same proof twice.
"""

import json
import logging
import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

__all__ = ["EVIDENCE_FILE", "EvidencePool"]

EVIDENCE_FILE = "evidence.jsonl"
MAX_RECORDS = 1000
MAX_LINE_BYTES = 1 << 20
"""A line longer than this is damage, not evidence: skipped when loading."""

log = logging.getLogger("antshares.node")


class EvidencePool:
    def __init__(self, data_dir: Path, max_records: int = MAX_RECORDS) -> None:
        self.path = data_dir / EVIDENCE_FILE
        self.max_records = max_records
        self._records: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._load()

    def _load(self) -> None:
        try:
            f = self.path.open("rb")
        except FileNotFoundError:
            return
        with f:
            for number, line in enumerate(f, 1):
                if len(line) > MAX_LINE_BYTES:
                    log.warning("%s:%d: skipped an oversize evidence line", self.path, number)
                    continue
                try:
                    record = json.loads(line)
                    key = _key(record)
                except (ValueError, KeyError, TypeError):
                    log.warning("%s:%d: skipped a damaged evidence line", self.path, number)
                    continue
                self._remember(key, record)

    def _remember(self, key: str, record: dict[str, Any]) -> None:
        self._records[key] = record
        while len(self._records) > self.max_records:
            self._records.popitem(last=False)

    def add_double_header(self, height: int, ours: bytes, theirs: bytes) -> bool:
        """Two different headers at `height`, both carrying a valid bookkeeper witness.
        False when this proof is already kept."""
        first, second = sorted((ours.hex(), theirs.hex()))
        record = {
            "kind": "double-header",
            "height": height,
            "seen": int(time.time()),
            "headers": [first, second],
        }
        return self.add(record)

    def add(self, record: dict[str, Any]) -> bool:
        key = _key(record)
        if key in self._records:
            return False
        self._remember(key, record)
        line = json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n"
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        log.warning(
            "evidence of misbehaviour kept: %s at height %s", record["kind"], record["height"]
        )
        return True

    def records(self) -> list[dict[str, Any]]:
        return list(self._records.values())

    def __len__(self) -> int:
        return len(self._records)


def _key(record: dict[str, Any]) -> str:
    kind = record["kind"]
    height = int(record["height"])
    proof = record.get("headers") or record.get("proof")
    if not isinstance(kind, str) or proof is None:
        raise ValueError("not an evidence record")
    return f"{kind}:{height}:{json.dumps(proof, sort_keys=True)}"
