"""What the node commands share: choosing the network and data dir, opening the store.

`--network` is mainnet, testnet, devnet or a profile JSON file. A devnet has no built-in profile:
`antshares devnet init` writes one into its data dir (`devnet_profile_path`), and every later
command reads it from there, so the keys and magic travel with the data they describe.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import BUILTIN, Profile, load_profile
from antshares.storage import Store, StoreError, data_dir, open_store

__all__ = [
    "DEFAULT_NETWORK",
    "DEVNET",
    "EXIT_FAILURE",
    "EXIT_OK",
    "EXIT_USAGE",
    "NetworkError",
    "add_network_args",
    "command_group",
    "devnet_profile_path",
    "non_negative_int",
    "open_node_store",
    "positive_int",
    "report_error",
    "resolve_network",
]

DEFAULT_NETWORK = "mainnet"
DEVNET = "devnet"
DEVNET_PROFILE = "profile.json"

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class NetworkError(ValueError):
    """`--network` / `--data-dir` do not name a usable network profile."""


def command_group(sub: Any, name: str, help: str) -> Any:
    """The subcommands of `antshares NAME` (such as `chain`), created on first use.

    Lets separate modules add commands to one group (`chain import`, `chain export`) without
    knowing each other: each calls `command_group(sub, "chain", ...).add_parser(...)`.
    """
    group_parser = sub.choices.get(name)
    if group_parser is None:
        group_parser = sub.add_parser(name, help=help, description=help)
        return group_parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")
    for action in group_parser._actions:  # argparse keeps no public handle on it
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise ValueError(f"command {name!r} exists and takes no subcommands")


def add_network_args(parser: argparse.ArgumentParser) -> None:
    """Add `--network` and `--data-dir` to a subcommand's parser."""
    parser.add_argument(
        "--network",
        default=DEFAULT_NETWORK,
        metavar="NETWORK",
        help=f"{', '.join(BUILTIN)}, {DEVNET} (profile in the data dir) or a profile JSON file"
        f" (default {DEFAULT_NETWORK})",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="the node's data dir (default: $XDG_DATA_HOME/antshares/<network>,"
        " else ~/.local/share/antshares/<network>)",
    )


def devnet_profile_path(data_dir: Path) -> Path:
    """Where a devnet's profile lives: inside its data dir."""
    return data_dir / DEVNET_PROFILE


def resolve_network(args: argparse.Namespace) -> tuple[Profile, Path]:
    """The profile and data dir that `--network` and `--data-dir` select.

    Raises NetworkError (naming the file or the fix) for an unknown network, an unreadable
    profile, or a devnet data dir without a profile.
    """
    network: str = args.network
    override: Path | None = args.data_dir
    try:
        if network == DEVNET:
            directory = data_dir(DEVNET, override)
            profile_path = devnet_profile_path(directory)
            if not profile_path.is_file():
                raise NetworkError(
                    f"no devnet profile at {profile_path}: create one with"
                    f" `antshares devnet init --data-dir {directory}`"
                )
            return load_profile(str(profile_path)), directory
        profile = load_profile(network)
        # A profile file's data lands under its own name, beside the built-in networks.
        return profile, data_dir(profile.name, override)
    except NetworkError:
        raise
    except (OSError, ValueError) as exc:
        raise NetworkError(str(exc)) from exc


def open_node_store(
    profile: Profile, data_dir: Path, readonly: bool = False, sync: bool = True
) -> Store:
    """Open (or, writable, create) the store of `profile` in `data_dir`.

    The store is checked against the profile's magic and genesis hash, so a data dir of another
    network raises StoreMismatchError. Read-only, a missing store raises StoreError.
    """
    try:
        genesis_hash = genesis_block(profile).hash.to_bytes()
    except ValueError as exc:
        raise NetworkError(f"profile {profile.name}: {exc}") from exc
    if readonly and not (data_dir / "data.mdb").is_file():
        raise StoreError(
            f"no {profile.name} node data in {data_dir}: start the node there (`antshares"
            " devnet run` on a devnet) or import a chain first, or pass another --data-dir"
        )
    return open_store(data_dir, profile.magic, genesis_hash, readonly=readonly, sync=sync)


def report_error(command: str, message: object) -> None:
    """Print `antshares COMMAND: message` to stderr, the one error format of the CLI."""
    print(f"antshares {command}: {message}", file=sys.stderr)


def non_negative_int(text: str) -> int:
    """argparse type: an integer ≥ 0 (heights, counts)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    value = non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
