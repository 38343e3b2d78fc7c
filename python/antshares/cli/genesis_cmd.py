"""`antshares genesis --network mainnet|testnet|PROFILE.json [--json]`."""

import argparse
import json
import sys
from typing import Any

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import load_profile


def add_parser(sub: Any) -> None:
    p = sub.add_parser("genesis", help="build the genesis block of a network profile")
    p.add_argument("--network", default="mainnet", help="mainnet, testnet or a profile JSON file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        profile = load_profile(args.network)
        block = genesis_block(profile)
    except ValueError as exc:
        print(f"antshares genesis: {exc}", file=sys.stderr)
        return 2
    raw = block.to_bytes().hex()
    if args.json:
        print(json.dumps({"network": profile.name, "hash": str(block.hash), "raw": raw}))
    else:
        print(f"network {profile.name}")
        print(f"hash    {block.hash}")
        print(f"raw     {raw}")
    return 0
