"""The network part of `make demo`: a solo bookkeeper and two relaying nodes on loopback.

relay-2 knows only relay-1, relay-1 only the bookkeeper: everything relay-2's RPC receives goes
through two hops of P2P relay to be mined, and every block comes back the same way. The workload
is sent through relay-2's RPC; after each block the script prints every node's height, peers and
the balances of two accounts, which must agree. Ctrl-C stops every node cleanly.
"""

import argparse
import signal
import sys
import tempfile
from pathlib import Path

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import Profile
from antshares.core import TxType
from antshares.core.address import address_from_script_hash
from antshares.devnet.init import init_devnet
from antshares.devnet.rpc_workload import RpcWorkload
from antshares.devnet.workload import AccountKind
from antshares.node.localnet import LocalNode, wait_until

ANS, ANC = "ANS", "ANC"
GENESIS, P256 = AccountKind.GENESIS, AccountKind.P256


def balances(node: LocalNode, address: str, assets: dict[str, str]) -> str:
    state = node.rpc.call("getaccountstate", address)
    held = {b["asset"]: b["value"] for b in state.get("balances", [])}
    return " ".join(f"{name} {held.get(asset, '0')}" for name, asset in assets.items())


def show(nodes: list[LocalNode], addresses: list[str], assets: dict[str, str]) -> None:
    """Each node's height, best block, peers and the balances of `addresses`."""
    for node in nodes:
        height = node.height()
        best = str(node.rpc.call("getbestblockhash"))
        peers = int(node.rpc.call("getconnectioncount"))
        held = "  ".join(f"{a[:8]}… {balances(node, a, assets)}" for a in addresses)
        print(
            f"  {node.name:<10} height {height:>3}  best {best[2:12]}…  peers {peers}  {held}",
            flush=True,
        )


def main() -> int:
    # Ctrl-C must interrupt the demo even when started from a shell that ignores SIGINT in
    # background jobs; the nodes, in the same process group, stop on their own.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-block", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="antshares-net-") as tmp:
        root = Path(tmp)
        devnet = init_devnet(root / "bookkeeper", block_time=1)
        profile = devnet.profile_path
        print(f"== Three nodes on loopback in {root}: a bookkeeper, relay-1, relay-2 ==")
        bookkeeper = LocalNode(
            "bookkeeper", root / "bookkeeper", profile, key_file=devnet.keys_path, block_time=1
        )
        nodes = [bookkeeper]
        try:
            bookkeeper.start()
            relay1 = LocalNode("relay-1", root / "relay-1", profile, seeds=[bookkeeper.endpoint])
            nodes.append(relay1.start())
            relay2 = LocalNode("relay-2", root / "relay-2", profile, seeds=[relay1.endpoint])
            nodes.append(relay2.start())
            wait_until(lambda: relay2.rpc.call("getconnectioncount"), 15, "relay-2 to connect")
            assets = native_assets(devnet.profile)
            workload = RpcWorkload(relay2.rpc, devnet.profile, list(devnet.secrets), "demo")
            workload.catch_up()
            accounts = workload.workload.accounts
            watched = [next(a for a in accounts if a.kind == k) for k in (GENESIS, P256)]
            addresses = [
                address_from_script_hash(a.script_hash, devnet.profile.address_version)
                for a in watched
            ]
            print(
                f"== The workload sends {args.per_block} transactions a block to relay-2's RPC =="
            )
            for _ in range(args.rounds):
                report = workload.round(args.per_block)
                refused = ", ".join(f"{r} {n}" for r, n in sorted(report.refused.items()))
                print(
                    f"block {report.height}: sent {report.sent}, accepted {report.accepted},"
                    f" included {report.included}" + (f" (refused: {refused})" if refused else "")
                )
                show(nodes, addresses, assets)
            print("== Convergence: every node on the same tip ==")
            tips = wait_until(lambda: one_tip(nodes), 15, "every node on one tip")
            (height, best) = next(iter(tips))
            print(f"all {len(nodes)} nodes at height {height}, block {best}")
            show(nodes, addresses, assets)
        except KeyboardInterrupt:
            print("interrupted: stopping the nodes", file=sys.stderr)
            return 130
        except Exception as exc:
            for node in nodes:
                print(f"--- {node.name} log ---\n{node.log_tail()}", file=sys.stderr)
            print(f"demo failed: {exc}", file=sys.stderr)
            return 1
        finally:
            for node in nodes:
                code = node.stop()
                print(f"{node.name} stopped (exit {code})")
    return 0


def one_tip(nodes: list[LocalNode]) -> set[tuple[int, str]] | None:
    """{(height, best hash)} when every node agrees, else None."""
    tips = {(n.height(), str(n.rpc.call("getbestblockhash"))) for n in nodes}
    return tips if len(tips) == 1 else None


def native_assets(profile: Profile) -> dict[str, str]:
    """ANS and ANC: the assets the genesis registers, as RPC shows asset ids."""
    registers = [tx for tx in genesis_block(profile).transactions if tx.type == TxType.REGISTER]
    return {name: "0x" + tx.txid for name, tx in zip((ANS, ANC), registers, strict=True)}


if __name__ == "__main__":
    sys.exit(main())
