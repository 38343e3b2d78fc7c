"""`antshares devnet generate` (a realistic valid chain file) and `antshares devnet run` (a solo
bookkeeper producing blocks on a timer, optionally fed by the workload generator)."""

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any

from antshares.core import Block, UInt160
from antshares.core.address import address_from_script_hash
from antshares.devnet.generate import generate_chain
from antshares.devnet.init import load_bookkeeper_keys
from antshares.devnet.solo import SoloBookkeeper
from antshares.devnet.workload import Workload
from antshares.ledger.builder import BlockBuilder, FileBeaconSecrets
from antshares.ledger.chainstate import ChainState, RuleError
from antshares.storage import schema
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

ANC = 10**8


def add_parser(sub: Any) -> None:
    group = command_group(sub, "devnet", "create and drive a local development network")
    g = group.add_parser(
        "generate",
        help="write a realistic valid chain (chain.acc) of the devnet for tests and benchmarks",
        description="Builds blocks on a scratch ledger with the devnet's keys: transfers"
        " (single, multisig, three curves), registers, issues in batches, three-signature"
        " equity transfers, enrollments, votes; a lottery winner every block.",
    )
    add_network_args(g)
    g.add_argument("--blocks", type=positive_int, required=True, metavar="N")
    g.add_argument("--txs-per-block", type=positive_int, required=True, metavar="M")
    g.add_argument("--out", type=Path, required=True, metavar="FILE", help="e.g. chain.acc")
    g.add_argument("--seed", default="antshares", help="workload seed (default: antshares)")
    g.add_argument("--quiet", action="store_true")
    g.set_defaults(run=run_generate, network="devnet")

    r = group.add_parser(
        "run",
        help="run the solo bookkeeper: a block every --block-time seconds",
        description="Produces blocks from its mempool on a timer; with --workload M, the"
        " workload generator submits up to M transactions per block. Ctrl-C stops cleanly.",
    )
    add_network_args(r)
    r.add_argument("--block-time", type=float, default=None, metavar="S", help="default: profile")
    r.add_argument("--blocks", type=positive_int, default=None, metavar="N", help="stop after N")
    r.add_argument("--workload", type=int, default=0, metavar="M", help="transactions per block")
    r.add_argument("--seed", default="antshares", help="workload seed")
    r.set_defaults(run=run_solo, network="devnet")


def _devnet(args: argparse.Namespace, command: str) -> tuple[Any, Path, list[bytes]] | None:
    try:
        profile, data_dir = resolve_network(args)
        secrets = load_bookkeeper_keys(data_dir)
    except (NetworkError, ValueError) as exc:
        report_error(command, exc)
        return None
    return profile, data_dir, secrets


def run_generate(args: argparse.Namespace) -> int:
    found = _devnet(args, "devnet generate")
    if found is None:
        return EXIT_USAGE
    profile, _, secrets = found
    try:
        with Progress("generate", args.blocks + 1, quiet=args.quiet) as progress:
            total = generate_chain(
                profile,
                secrets,
                args.out,
                args.blocks,
                args.txs_per_block,
                args.seed,
                on_block=lambda height, count: progress.advance(1, count, height),
            )
    except (OSError, RuleError, ValueError, RuntimeError) as exc:
        report_error("devnet generate", exc)
        return EXIT_FAILURE
    print(f"{args.out}: {args.blocks + 1} blocks, {total} transactions")
    return EXIT_OK


def anc_balances(state: ChainState, holders: set[bytes]) -> dict[bytes, int]:
    """ANC (satoshi) of each script hash, by a scan of the UTXO set (a devnet is small)."""
    anc = state.engine.native_assets[1]
    totals: Counter[bytes] = Counter()
    with state.store.read() as txn:
        for _, value in txn.cursor(schema.UTXOS).iternext():
            if value[:32] == anc and value[40:60] in holders:
                totals[value[40:60]] += int.from_bytes(value[32:40], "little", signed=True)
    return dict(totals)


def run_solo(args: argparse.Namespace) -> int:
    found = _devnet(args, "devnet run")
    if found is None:
        return EXIT_USAGE
    profile, data_dir, secrets = found
    try:
        state = ChainState.open(profile, data_dir)
    except (StoreError, RuleError, OSError) as exc:
        report_error("devnet run", exc)
        return EXIT_FAILURE
    workload = Workload(profile, secrets, args.seed) if args.workload else None
    builder = BlockBuilder(
        state,
        secrets,
        FileBeaconSecrets(data_dir / "beacon-secrets.json"),
        key_lookup=None if workload is None else workload.secret_for,
    )
    block_time = args.block_time or profile.block_time_seconds
    solo = SoloBookkeeper(state, builder, block_time)
    if workload is not None:
        for height in range(state.height + 1):
            raw = state.block_at(height)
            assert raw is not None
            workload.on_block(Block.from_bytes(raw))
    winners: set[bytes] = set()
    produced = 0
    print(
        f"solo bookkeeper on {profile.name} at height {state.height}, a block every {block_time}s"
    )
    try:
        while args.blocks is None or produced < args.blocks:
            if workload is not None:
                for tx in workload.next_transactions(args.workload):
                    solo.submit(tx)
            started = time.monotonic()
            built = solo.step()
            produced += 1
            if workload is not None:
                workload.on_block(built.block)
            line = f"block {built.block.index}: {len(built.block.transactions) - 1} txs"
            mint = built.miner_outputs[0] if built.miner_outputs else None
            if mint is not None:
                winners.add(mint.script_hash.to_bytes())
                address = address_from_script_hash(UInt160(mint.script_hash.to_bytes()))
                line += f", lottery {mint.value / ANC:.8f} ANC -> {address}"
            if solo.dropped:
                line += f", {len(solo.dropped)} dropped ({solo.dropped[0][1]})"
            balances = anc_balances(state, winners)
            top = sorted(balances.items(), key=lambda kv: -kv[1])[:3]
            shown = ", ".join(
                f"{address_from_script_hash(UInt160(h))[:8]}… {v / ANC:.2f}" for h, v in top
            )
            print(f"{line}; ANC of winners: {shown} ({time.monotonic() - started:.2f}s)")
    except KeyboardInterrupt:
        print("stopped")
    except (RuleError, RuntimeError) as exc:
        report_error("devnet run", exc)
        return EXIT_FAILURE
    finally:
        state.close()
    return EXIT_OK
