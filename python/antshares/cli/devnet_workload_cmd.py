"""`antshares devnet workload`: load a running devnet node through its JSON-RPC."""

import argparse
import sys
from typing import Any

from antshares.devnet.init import load_bookkeeper_keys
from antshares.devnet.rpc_workload import RpcWorkload
from antshares.rpc.client import RpcClient, RpcError, RpcUnavailable

from .common import (
    EXIT_FAILURE,
    EXIT_OK,
    NetworkError,
    add_network_args,
    command_group,
    positive_int,
    report_error,
    resolve_network,
)

COMMAND = "devnet workload"


def add_parser(sub: Any) -> None:
    group = command_group(sub, "devnet", "create and drive a local development network")
    p = group.add_parser(
        "workload",
        help="send generated transactions to a running node over JSON-RPC",
        description="Each round drafts up to --per-block transactions (transfers, assets,"
        " Share sales, enrollments), sends them in one JSON-RPC batch and waits for the next"
        " block. Signs with the devnet's keys from --data-dir (the bookkeeper's data dir).",
    )
    add_network_args(p)
    p.add_argument("--rpc", required=True, metavar="URL", help="e.g. http://127.0.0.1:20332")
    p.add_argument("--per-block", type=positive_int, default=20, metavar="M")
    p.add_argument("--rounds", type=positive_int, default=5, metavar="N")
    p.add_argument("--seed", default="antshares", help="workload seed")
    p.set_defaults(run=run, network="devnet")


def run(args: argparse.Namespace) -> int:
    try:
        profile, data_dir = resolve_network(args)
        secrets = load_bookkeeper_keys(data_dir)
    except (NetworkError, ValueError) as exc:
        report_error(COMMAND, exc)
        return EXIT_FAILURE
    driver = RpcWorkload(RpcClient(args.rpc), profile, secrets, args.seed)
    try:
        for _ in range(args.rounds):
            report = driver.round(args.per_block)
            refused = ", ".join(f"{rule} {n}" for rule, n in sorted(report.refused.items()))
            print(
                f"block {report.height}: sent {report.sent}, accepted {report.accepted},"
                f" included {report.included}" + (f", refused: {refused}" if refused else ""),
                flush=True,
            )
    except (RpcUnavailable, RpcError, TimeoutError) as exc:
        report_error(COMMAND, exc)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return EXIT_OK
