"""`antshares wallet balance | history`: read a node's data dir (read-only)."""

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from antshares.core import UInt160, UInt256
from antshares.wallet.ledger_view import AssetInfo

from ..common import EXIT_OK
from ..progress import Progress
from .common import _asset_label, _guarded, _open_view, _open_wallet

QUIET_HISTORY_BLOCKS = 5_000  # shorter scans print no progress


@_guarded("balance")
def run_balance(args: argparse.Namespace) -> int:
    wallet = _open_wallet(args.wallet)
    with _open_view(args) as view:
        hashes = [e.script_hash for e in wallet.accounts]
        balances = view.balances(hashes)
        infos = {a: view.asset(a) for per in balances.values() for a in per}
        height = view.height
    report: dict[str, dict[str, str]] = {}
    totals: dict[UInt256, int] = {}
    for entry in wallet.accounts:
        per = balances.get(entry.script_hash, {})
        shown = report.setdefault(entry.address, {})
        for asset_id, value in sorted(per.items(), key=lambda kv: kv[0].to_bytes()):
            info = infos[asset_id]
            shown[_asset_label(info, asset_id)] = info.format(value) if info else str(value)
            totals[asset_id] = totals.get(asset_id, 0) + value
    if args.json:
        print(json.dumps({"height": height, "accounts": report}))
        return EXIT_OK
    print(f"height   {height}")
    for address, per_asset in report.items():
        print(address)
        for name, amount in per_asset.items():
            print(f"    {amount:>24}  {name}")
        if not per_asset:
            print(f"    {'nothing':>24}")
    if len(report) > 1 and totals:
        print("total")
        for asset_id, value in totals.items():
            info = infos[asset_id]
            amount = info.format(value) if info else str(value)
            print(f"    {amount:>24}  {_asset_label(info, asset_id)}")
    return EXIT_OK


@_guarded("history")
def run_history(args: argparse.Namespace) -> int:
    wallet = _open_wallet(args.wallet)
    scripts: list[bytes | UInt160] = [
        e.account.verification_script
        if e.account.verification_script is not None
        else e.script_hash
        for e in wallet.accounts
    ]
    with _open_view(args) as view:
        stop = None if args.to_height is None else args.to_height + 1
        end = view.height + 1 if stop is None else min(stop, view.height + 1)
        blocks = max(0, end - args.from_height)
        with Progress(
            "history", blocks, quiet=blocks < QUIET_HISTORY_BLOCKS, count_txs=False
        ) as progress:
            done = [args.from_height]

            def advance(height: int, _: int) -> None:
                progress.advance(height - done[0], 0, height)
                done[0] = height

            found = view.history(
                scripts, args.from_height, stop, limit=args.limit, on_progress=advance
            )
        infos = {a: view.asset(a) for e in found.entries for a in e.changes}
    rows: list[dict[str, Any]] = [
        {
            "height": e.height,
            "time": datetime.fromtimestamp(e.timestamp, UTC).isoformat(),
            "txid": str(e.txid),
            "type": e.type_name,
            "changes": {
                _asset_label(infos[a], a): _signed(infos[a], v) for a, v in e.changes.items()
            },
        }
        for e in found.entries
    ]
    if args.json:
        print(
            json.dumps(
                {"entries": rows, "next_height": found.next_height, "complete": found.complete}
            )
        )
        return EXIT_OK
    for row in rows:
        moved = row["changes"]
        shown = ", ".join(f"{v} {k}" for k, v in moved.items()) or "(signed)"
        print(f"{row['height']:>8}  {row['time']}  {row['txid']}  {row['type']:<10} {shown}")
    if not rows:
        print(f"no transactions of this wallet in blocks {args.from_height}–{end - 1}")
    if not found.complete:
        print(f"(limit reached: continue with --from-height {found.next_height})")
    return EXIT_OK


def _signed(info: AssetInfo | None, value: int) -> str:
    text = info.format(abs(value)) if info else str(abs(value))
    return f"{'-' if value < 0 else '+'}{text}"
