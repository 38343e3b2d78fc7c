"""`antshares chain import FILE... [--trusted-until HASH]`: replay chain files into a data dir.

Import-only: opens no network port. Resumable: run it again after an interruption and it goes on
from the data dir's tip. Exit codes: 0 imported, 1 a block broke a rule (named with its height,
transaction and rule; everything before it is committed) or the files are unusable, 2 usage.
"""

import argparse
from pathlib import Path
from typing import Any

from antshares.chain.files import ChainFileError
from antshares.ledger.chainstate import DEFAULT_UTXO_CACHE_BYTES, ChainState, RuleError
from antshares.ledger.importer import (
    DEFAULT_BATCH_BLOCKS,
    ChainImportError,
    import_chain,
)
from antshares.storage.env import StoreError

from .common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    NetworkError,
    add_network_args,
    command_group,
    positive_int,
    report_error,
    resolve_network,
)
from .progress import Progress

COMMAND = "chain import"


def add_parser(sub: Any) -> None:
    group = command_group(sub, "chain", "import and export the block chain")
    p = group.add_parser(
        "import",
        help="apply the blocks of chain.acc / chain.N.acc files to a data dir",
        description="Verifies and applies every block under every rule, in atomic batches;"
        " resumes from the data dir's tip; opens no network port.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="chain.acc or chain.N.acc")
    add_network_args(p)
    p.add_argument(
        "--trusted-until",
        metavar="HASH",
        default=None,
        help="skip signature checks up to and including this block hash (it must be in the"
        " files); every other rule is still checked",
    )
    p.add_argument(
        "--utxo-cache-mb",
        type=positive_int,
        default=DEFAULT_UTXO_CACHE_BYTES >> 20,
        metavar="MB",
        help=f"UTXO cache budget (default {DEFAULT_UTXO_CACHE_BYTES >> 20})",
    )
    p.add_argument(
        "--batch-blocks",
        type=positive_int,
        default=DEFAULT_BATCH_BLOCKS,
        metavar="N",
        help=f"blocks per atomic batch, at most (default {DEFAULT_BATCH_BLOCKS})",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(run=run)


def _count_blocks(files: list[Path]) -> int | None:
    total = 0
    for path in files:
        try:
            with path.open("rb") as f:
                header = f.read(8)
        except OSError:
            return None
        offset = 4 if path.name != "chain.acc" and path.name.startswith("chain.") else 0
        if len(header) < offset + 4:
            return None
        total += int.from_bytes(header[offset : offset + 4], "little")
    return total


def run(args: argparse.Namespace) -> int:
    try:
        profile, data_dir = resolve_network(args)
    except NetworkError as exc:
        report_error(COMMAND, exc)
        return EXIT_USAGE
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        report_error(COMMAND, f"no such file: {', '.join(missing)}")
        return EXIT_USAGE
    try:
        state = ChainState.open(
            profile, data_dir, sync=False, utxo_cache_bytes=args.utxo_cache_mb << 20
        )
    except (StoreError, RuleError, ValueError, OSError) as exc:
        report_error(COMMAND, exc)
        return EXIT_FAILURE
    try:
        start = state.height
        total = _count_blocks(args.files)
        remaining = None if total is None else max(total - start - 1, 0)
        with Progress("import", remaining, quiet=args.quiet) as progress:
            stats = import_chain(
                state,
                args.files,
                trusted_until=args.trusted_until,
                batch_blocks=args.batch_blocks,
                on_batch=lambda blocks, txs, height: progress.advance(blocks, txs, height),
            )
        state.store.sync()
    except (ChainImportError, ChainFileError, StoreError, OSError) as exc:
        report_error(COMMAND, exc)
        return EXIT_FAILURE
    finally:
        state.close()
    trusted = f", {stats.trusted_blocks} trusted" if stats.trusted_blocks else ""
    print(
        f"imported {stats.blocks} blocks ({stats.transactions} transactions,"
        f" {stats.signatures} signatures{trusted}); skipped {stats.skipped} already here;"
        f" tip {start + stats.blocks}"
    )
    if stats.error is not None:
        report_error(COMMAND, f"stopped: {stats.error}")
        return EXIT_FAILURE
    if stats.file_error is not None:
        report_error(COMMAND, f"stopped: {stats.file_error}")
        return EXIT_FAILURE
    return EXIT_OK
