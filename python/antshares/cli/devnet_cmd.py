"""`antshares devnet init --data-dir DIR [--bookkeepers N] [--block-time S] [--magic M] [--seed S]`.

Writes a new devnet's profile and its bookkeepers' plaintext keys (devnet only) into the data
dir; later commands find them with `--network devnet --data-dir DIR`. Exit codes: 0 written,
1 the data dir already holds a devnet (or cannot be written), 2 bad arguments.
"""

import argparse
from pathlib import Path
from typing import Any

from antshares.chain.genesis import genesis_block
from antshares.core.address import script_address, single_sig_script
from antshares.devnet.init import DEFAULT_BLOCK_TIME_SECONDS, init_devnet
from antshares.storage import data_dir

from .common import DEVNET, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, command_group, report_error

COMMAND = "devnet init"


def add_parser(sub: Any) -> None:
    group = command_group(sub, "devnet", "create and drive a local development network")
    p = group.add_parser(
        "init",
        help="write a new devnet profile and its bookkeeper keys into a data dir",
        description="Generates the bookkeeper keys (P-256), writes DIR/profile.json and"
        " DIR/bookkeeper-keys.json (plaintext WIF, mode 0600: for devnets only). Never"
        " overwrites an existing devnet.",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the devnet lives (default: the devnet data dir, see `--network devnet`)",
    )
    p.add_argument("--bookkeepers", type=int, default=1, metavar="N", help="default 1")
    p.add_argument(
        "--block-time",
        type=int,
        default=DEFAULT_BLOCK_TIME_SECONDS,
        metavar="SECONDS",
        help=f"target seconds between blocks, at least 1 (default {DEFAULT_BLOCK_TIME_SECONDS})",
    )
    p.add_argument(
        "--magic",
        type=lambda s: int(s, 0),
        default=None,
        metavar="M",
        help="network magic, decimal or 0x hex (default: random)",
    )
    p.add_argument(
        "--seed",
        default=None,
        metavar="S",
        help="derive keys, magic and genesis nonce from S (reproducible; default: random)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        directory = data_dir(DEVNET, args.data_dir)
        result = init_devnet(
            directory,
            bookkeepers=args.bookkeepers,
            block_time=args.block_time,
            magic=args.magic,
            seed=args.seed,
        )
    except ValueError as exc:
        report_error(COMMAND, exc)
        return EXIT_USAGE
    except OSError as exc:  # FileExistsError included: an existing devnet is never replaced
        report_error(COMMAND, exc)
        return EXIT_FAILURE
    profile = result.profile
    print(f"profile      {result.profile_path}")
    print(f"keys         {result.keys_path}  (plaintext, devnet only)")
    print(f"magic        0x{profile.magic:08x}")
    print(f"block time   {profile.block_time_seconds} s")
    print(f"genesis      {genesis_block(profile).hash}")
    for i, key in enumerate(profile.standby_keys):
        print(f"bookkeeper {i}  {key.hex()}  {script_address(single_sig_script(key))}")
    print(f"use it with  --network devnet --data-dir {directory}")
    return EXIT_OK
