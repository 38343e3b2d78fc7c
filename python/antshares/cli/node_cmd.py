"""`antshares node`: run a node — P2P, mempool, JSON-RPC, and blocks if it holds bookkeeper keys.

Stops cleanly on Ctrl-C or SIGTERM: connections close, the ledger finishes the block it is
applying (each block commits whole), the store closes.
"""

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

from antshares.node.config import ConfigError, load_config
from antshares.node.logs import setup_logging
from antshares.storage.env import StoreError

from .common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    NetworkError,
    add_network_args,
    report_error,
    resolve_network,
)

COMMAND = "node"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        COMMAND,
        help="run a node: P2P, mempool, JSON-RPC (and blocks, with bookkeeper keys)",
        description="Runs a node of the network until Ctrl-C or SIGTERM. Settings come from a"
        " TOML file (see docs/node.md); without one, a relaying node on localhost with the"
        " profile's ports.",
    )
    add_network_args(p)
    p.add_argument("--config", type=Path, default=None, metavar="FILE", help="TOML settings")
    p.add_argument("--log-format", choices=("text", "json"), default=None, help="overrides [log]")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        profile, data_dir = resolve_network(args)
        config = load_config(args.config)
    except (NetworkError, ConfigError) as exc:
        report_error(COMMAND, exc)
        return EXIT_USAGE
    setup_logging(args.log_format or config.log.format, config.log.level)
    from antshares.node.service import Node  # the node's imports are only needed here

    data_dir.mkdir(parents=True, exist_ok=True)
    node = Node(profile, data_dir, config)
    try:
        _run_loop(node)
    except (StoreError, ValueError, OSError) as exc:
        report_error(COMMAND, exc)
        return EXIT_FAILURE
    return EXIT_OK


def _run_loop(node: Any) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, node.request_stop)
        try:
            await node.start()
        except BaseException:
            await node.stop()
            raise
        await node.wait_stopped()

    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        asyncio.run(main())
    else:
        uvloop.run(main())
    # Stopped cleanly: a second Ctrl-C (a terminal sends one to every process of the group,
    # a supervisor may add its own) must not turn the clean exit into a death by signal.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    print("node stopped", file=sys.stderr)
