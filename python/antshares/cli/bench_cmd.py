"""`antshares bench [--quick]`: the benchmark table (ratios against same-run baselines)."""

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
    results = run_all(args.shared, quick=args.quick)
    print(format_table(results))
    return 1 if any(r.passed is False for r in results) else 0
