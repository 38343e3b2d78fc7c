"""`antshares state digest [--json]`: the ledger-state fingerprint of a data dir.

Opens the store read-only, so it runs beside a node. Two nodes at the same tip must print the same
digest; comparing them is how a diverging replay is caught. Exit codes: 0 ok, 1 the store cannot
be read (missing, another network), 2 bad arguments (unknown network, no devnet profile).
"""

import argparse
import json
from typing import Any

from antshares.ledger.digest import digest_snapshot, summary_snapshot
from antshares.storage import StoreError, schema

from .common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    NetworkError,
    add_network_args,
    command_group,
    open_node_store,
    report_error,
    resolve_network,
)

COMMAND = "state digest"


def add_parser(sub: Any) -> None:
    group = command_group(sub, "state", "inspect the ledger state of a data dir")
    p = group.add_parser(
        "digest",
        help="SHA-256 of the ledger state tables, with their entry counts and the tip",
        description="Hashes the ledger state tables"
        f" ({', '.join(t.name.decode() for t in schema.STATE_TABLES)}) from one read snapshot."
        " Read-only: safe beside a node.",
    )
    add_network_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        profile, data_dir = resolve_network(args)
        with open_node_store(profile, data_dir, readonly=True) as store, store.read() as txn:
            digest = digest_snapshot(txn)
            summary = summary_snapshot(txn)
    except NetworkError as exc:
        report_error(COMMAND, exc)
        return EXIT_USAGE
    except (StoreError, OSError) as exc:
        report_error(COMMAND, exc)
        return EXIT_FAILURE
    report: dict[str, Any] = {
        "network": profile.name,
        "data_dir": str(data_dir),
        "digest": digest.hex(),
        "tip": summary["tip"],
        "tables": summary["tables"],
    }
    if args.json:
        print(json.dumps(report))
        return EXIT_OK
    tip = summary["tip"]
    tip_text = "none" if tip is None else f"{tip['height']} {tip['hash']}"
    print(f"network  {profile.name}")
    print(f"data dir {data_dir}")
    print(f"tip      {tip_text}")
    print(f"digest   {digest.hex()}")
    for name, entries in summary["tables"].items():
        print(f"  {name:<14} {entries:>12,}")
    return EXIT_OK
