"""The `antshares` command line: `verify`, `genesis`, `bench`, `chain import|export`, `state
digest`, `devnet`, `identity`, `wallet`, `node`."""

import argparse
import sys
from collections.abc import Sequence

from . import (
    bench_cmd,
    chain_export_cmd,
    chain_import_cmd,
    devnet_chain_cmd,
    devnet_cmd,
    devnet_workload_cmd,
    genesis_cmd,
    identity_cmd,
    node_cmd,
    state_cmd,
    verify_cmd,
    wallet,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="antshares", description="AntShares node tools (SPEC: ../shared/docs/SPEC.md)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    verify_cmd.add_parser(sub)
    genesis_cmd.add_parser(sub)
    bench_cmd.add_parser(sub)
    chain_export_cmd.add_parser(sub)
    chain_import_cmd.add_parser(sub)
    state_cmd.add_parser(sub)
    devnet_cmd.add_parser(sub)
    devnet_chain_cmd.add_parser(sub)
    devnet_workload_cmd.add_parser(sub)
    identity_cmd.add_parser(sub)
    wallet.add_parser(sub)
    node_cmd.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
