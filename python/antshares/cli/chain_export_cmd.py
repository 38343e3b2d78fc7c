"""`antshares chain export --out FILE [--start N] [--count N]`: the main chain as a chain file.

Writes the NEO 2.x layouts (SPEC §11): `chain.acc` is a u32 count then every block from height 0;
`chain.N.acc` is a u32 start height, a u32 count, then the blocks from N. NEO 2.x and our reader
pick the layout by file name, so a file that does not start at 0 must be named `chain.N.acc`.
Blocks are copied as stored (raw wire bytes), not re-encoded. The file is written beside FILE and
renamed over it once complete. The store is opened read-only, so a node can keep running.

Exit codes: 0 ok; 1 the export failed (no store, no blocks, a hole in the chain, I/O); 2 bad
arguments (unknown network, no devnet profile, a name that does not match the layout).
"""

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from antshares.chain.files import ChainFileError, write_chain_file
from antshares.storage import Store, StoreError, schema

from .common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    NetworkError,
    add_network_args,
    command_group,
    non_negative_int,
    open_node_store,
    positive_int,
    report_error,
    resolve_network,
)
from .progress import Progress

COMMAND = "chain export"
# Blocks are read in short snapshots: a long one would keep a running node from reusing pages.
SNAPSHOT_BLOCKS = 1024
SNAPSHOT_BYTES = 64 * 1024 * 1024
MAX_HEIGHT = 0xFFFFFFFF
_CHAIN_N = re.compile(r"^chain\.(\d+)\.acc$")


class ExportError(Exception):
    """The store cannot be exported as asked (no blocks, a hole in the chain)."""


def _height(text: str) -> int:
    value = non_negative_int(text)
    if value > MAX_HEIGHT:
        raise argparse.ArgumentTypeError(f"{value} is above the largest height {MAX_HEIGHT}")
    return value


def add_parser(sub: Any) -> None:
    group = command_group(sub, "chain", "import and export the block chain")
    p = group.add_parser(
        "export",
        help="write the main chain to a chain.acc / chain.N.acc file",
        description="Copies blocks from the store into a NEO 2.x chain file: chain.acc from"
        " height 0, or chain.N.acc (named after its start height N) with --start N. Read-only:"
        " safe beside a running node.",
    )
    add_network_args(p)
    p.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="chain.acc or chain.N.acc"
    )
    p.add_argument("--start", type=_height, default=0, metavar="N", help="first height (default 0)")
    p.add_argument(
        "--count",
        type=positive_int,
        default=None,
        metavar="N",
        help="at most N blocks (default: to the tip)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(run=run)


def file_start(out: Path, start: int) -> int | None:
    """The start height to write in the header of `out`, or None for the chain.acc layout.

    Raises ValueError when the name of `out` would make readers use the other layout.
    """
    match = _CHAIN_N.match(out.name)
    if match is not None:
        if int(match.group(1)) != start:
            raise ValueError(
                f"{out.name} names start height {int(match.group(1))} but the export starts at"
                f" {start}: name the file chain.{start}.acc"
            )
        return start
    if start != 0:
        raise ValueError(
            f"an export starting at height {start} must be named chain.{start}.acc (readers take"
            f" the layout from the name), not {out.name}"
        )
    return None


def chain_tip(store: Store) -> int:
    """Height of the last block of the store; ExportError when it holds none."""
    with store.read() as txn:
        tip = txn.get(schema.META, schema.META_TIP)
    if tip is None:
        raise ExportError(f"store at {store.path} holds no blocks (no tip): nothing to export")
    height, _ = schema.decode_tip(tip)
    return height


def iter_main_chain(store: Store, first: int, last: int) -> Iterator[tuple[int, bytes]]:
    """(height, raw block) of the main chain from `first` to `last`, both included.

    Blocks are read in runs of at most SNAPSHOT_BLOCKS blocks or SNAPSHOT_BYTES bytes, each in its
    own snapshot; blocks at or below the tip never change, so the runs fit together. A missing
    height or block raises ExportError.
    """
    height = first
    while height <= last:
        batch: list[tuple[int, bytes]] = []
        size = 0
        with store.read() as txn, txn.cursor(schema.HEIGHT_TO_HASH) as cursor:
            positioned = cursor.set_key(schema.height_key(height))
            while height <= last and len(batch) < SNAPSHOT_BLOCKS and size < SNAPSHOT_BYTES:
                if not positioned or cursor.key() != schema.height_key(height):
                    raise ExportError(f"height {height} is missing from the chain index")
                block_hash = cursor.value()
                raw = txn.get(schema.BLOCKS, block_hash)
                if raw is None:
                    raise ExportError(
                        f"block {block_hash[::-1].hex()} at height {height} is missing"
                    )
                batch.append((height, raw))
                size += len(raw)
                height += 1
                positioned = cursor.next()
        yield from batch


@dataclass(frozen=True)
class ExportPlan:
    """What an export writes: heights `first`..`last` into `out`, with `header_start` (or None)."""

    out: Path
    header_start: int | None
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def plan_export(store: Store, out: Path, start: int = 0, count: int | None = None) -> ExportPlan:
    """Check the request against the store: blocks `start`.., at most `count`, at most the tip.

    Raises ValueError for a file name that does not match the layout, ExportError for a store
    without blocks or a start above the tip.
    """
    header_start = file_start(out, start)
    tip = chain_tip(store)
    if start > tip:
        raise ExportError(f"start height {start} is above the tip {tip}")
    last = tip if count is None else min(tip, start + count - 1)
    return ExportPlan(out, header_start, start, last)


def write_export(store: Store, plan: ExportPlan, progress: Progress | None = None) -> int:
    """Write the blocks of `plan` (atomically: a temp file renamed); the number written."""

    def blocks() -> Iterator[bytes]:
        for height, raw in iter_main_chain(store, plan.first, plan.last):
            yield raw
            if progress is not None:
                progress.advance(height=height)

    written = write_chain_file(plan.out, blocks(), start=plan.header_start)
    assert written == plan.count, "iter_main_chain yields every height or raises"
    return written


def export_chain(store: Store, out: Path, start: int = 0, count: int | None = None) -> ExportPlan:
    """`plan_export` then `write_export`, without progress; what was written."""
    plan = plan_export(store, out, start, count)
    write_export(store, plan)
    return plan


def run(args: argparse.Namespace) -> int:
    try:
        profile, data_dir = resolve_network(args)
        file_start(args.out, args.start)
    except (NetworkError, ValueError) as exc:
        report_error(COMMAND, exc)
        return EXIT_USAGE
    try:
        with open_node_store(profile, data_dir, readonly=True) as store:
            plan = plan_export(store, args.out, args.start, args.count)
            with Progress("export", plan.count, quiet=args.quiet, count_txs=False) as progress:
                write_export(store, plan, progress)
    except NetworkError as exc:  # the profile's genesis is not the one it names
        report_error(COMMAND, exc)
        return EXIT_USAGE
    except (StoreError, ExportError, ChainFileError, OSError) as exc:
        report_error(COMMAND, exc)
        return EXIT_FAILURE
    print(f"{args.out}: heights {plan.first}..{plan.last}, {plan.count} blocks")
    return EXIT_OK
