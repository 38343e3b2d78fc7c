"""`antshares verify [--json] FILE...`: verify blocks from hex, raw or chain.acc files."""

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from antshares.chain.files import ChainFileError, RawBlock, iter_blocks
from antshares.verify import BlockReport, verify_chain

BATCH_BLOCKS = 256
BATCH_BYTES = 8 * 1024 * 1024
PROGRESS_EVERY_S = 2.0


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "verify",
        help="verify blocks: parse, txids, Merkle root, every standard witness",
        description="Each FILE holds one block as hex text or raw bytes, or many as chain.acc /"
        " chain.N.acc. Blocks of a chain file are checked against each other (prev hash, the"
        " block witness against the previous NextConsensus).",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per block")
    p.set_defaults(run=run)


def _batches(path: Path) -> Iterator[list[RawBlock]]:
    batch: list[RawBlock] = []
    size = 0
    for block in iter_blocks(path):
        batch.append(block)
        size += len(block.data)
        if len(batch) >= BATCH_BLOCKS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class _Printer:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.header_done = False

    def row(self, report: BlockReport, seconds: float) -> None:
        if self.as_json:
            print(json.dumps(report.to_json()))
            return
        if not self.header_done:
            print(f"{'height':>9}  {'hash':<64}  {'txs':>5}  {'sigs':>6}  verdict  {'ms':>8}")
            self.header_done = True
        height = "?" if report.height is None else str(report.height)
        verdict = "ok" if report.ok else "FAIL"
        print(
            f"{height:>9}  {report.hash or '-':<64}  {len(report.txids):>5}  "
            f"{report.signatures_checked:>6}  {verdict:<7}  {seconds * 1000:>8.2f}"
        )
        if report.nonstandard_witnesses:
            print(f"{'':>11}{report.nonstandard_witnesses} non-standard witness(es) not evaluated")
        if report.error:
            print(f"{'':>11}error: {report.error}")


def run(args: argparse.Namespace) -> int:
    printer = _Printer(args.json)
    failed = errors = total = 0
    started = last_progress = time.perf_counter()
    for path in args.files:
        previous: BlockReport | None = None
        try:
            for batch in _batches(path):
                t0 = time.perf_counter()
                reports = verify_chain([b.data for b in batch], previous)
                per_block = (time.perf_counter() - t0) / len(batch)
                for report in reports:
                    printer.row(report, per_block)
                    failed += not report.ok
                total += len(reports)
                # The next batch continues from this one, unless its last block is unreadable.
                previous = reports[-1] if reports[-1].hash is not None else None
                now = time.perf_counter()
                if len(batch) > 1 and now - last_progress >= PROGRESS_EVERY_S:
                    rate = total / (now - started)
                    print(f"... {total} blocks, {rate:,.0f} blocks/s", file=sys.stderr)
                    last_progress = now
        except (OSError, ChainFileError) as exc:
            print(f"antshares verify: {exc}", file=sys.stderr)
            errors += 1
    if not args.json:
        print(f"{total} block(s): {total - failed} ok, {failed} failed", file=sys.stderr)
    return 2 if errors else (1 if failed else 0)
