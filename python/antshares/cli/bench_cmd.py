"""`antshares bench [--quick] [--ledger | --ledger-size B T | --no-ledger] [--node]`: the
benchmark table (ratios against same-run baselines, and absolute figures).

The ledger rows (chain import, lottery) run on a small generated chain by default; `--ledger`
runs them on the issue's chain (1000 blocks × 200 transactions, ≥ 200,000), where the import
targets apply. Generated chains are cached in benchmarks/.cache (the first --ledger run spends
about two minutes generating). `--node` adds the node's rows (antshares.bench_node)."""

import argparse
import os
import platform
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("bench", help="benchmark the native core against same-run baselines")
    p.add_argument("--quick", action="store_true", help="smaller inputs, shorter timings")
    p.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("ANTSHARES_SHARED", "../shared")),
        help="the shared folder holding vectors/blocks (default: $ANTSHARES_SHARED or ../shared)",
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument(
        "--ledger",
        action="store_true",
        help="ledger rows on the full chain (1000 blocks x 200 txs), where their targets apply",
    )
    size.add_argument(
        "--ledger-size",
        type=int,
        nargs=2,
        metavar=("BLOCKS", "TXS"),
        default=None,
        help="ledger rows on a chain of BLOCKS blocks of TXS transactions (default: 100 100,"
        " with --quick 20 50)",
    )
    size.add_argument("--no-ledger", action="store_true", help="skip the ledger rows")
    p.add_argument(
        "--node",
        action="store_true",
        help="add the node rows: P2P framing, mempool admission over RPC and a late node's sync"
        " over P2P (starts node processes on loopback; about a minute)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from antshares.bench import format_table, run_all
    except ImportError as exc:  # the baselines are development dependencies
        print(f"antshares bench needs the development packages: {exc}", file=sys.stderr)
        return 2
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    from antshares.bench_ledger import FULL_BLOCKS, FULL_TXS_PER_BLOCK

    ledger: tuple[int, int] | None = (20, 50) if args.quick else (100, 100)
    if args.no_ledger:
        ledger = None
    elif args.ledger:
        ledger = (FULL_BLOCKS, FULL_TXS_PER_BLOCK)
    elif args.ledger_size is not None:
        if min(args.ledger_size) <= 0:
            print("antshares bench: --ledger-size needs positive numbers", file=sys.stderr)
            return 2
        ledger = (args.ledger_size[0], args.ledger_size[1])
    results = run_all(args.shared, quick=args.quick, ledger=ledger)
    if args.node:
        from antshares.bench_node import run_node_benchmarks

        results += run_node_benchmarks(quick=args.quick)
    print(format_table(results))
    return 1 if any(r.passed is False for r in results) else 0
