"""Functional tests: real `antshares node` processes on loopback (SPEC §10–§12).

A solo bookkeeper and relays form a network through P2P only (each relay knows one seed);
transactions go in through a relay's RPC. Ports are picked by the nodes (port 0) and read from
their node-info.json.
"""

import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from antshares.chain.files import write_chain_file
from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import load_profile
from antshares.core import UInt256
from antshares.devnet.generate import generated_blocks
from antshares.devnet.init import DevnetInit, init_devnet
from antshares.devnet.rpc_workload import NODE_MIX, RpcWorkload
from antshares.devnet.workload import Workload
from antshares.ledger.chainstate import ChainState
from antshares.ledger.digest import state_digest
from antshares.ledger.importer import import_chain
from antshares.node.localnet import LocalNode, wait_until
from antshares.rpc.client import RpcError
from antshares.storage import open_store
from antshares.wallet.requests import RelayError, RpcRelay, relay

pytestmark = pytest.mark.slow


@pytest.fixture
def devnet(tmp_path: Path) -> DevnetInit:
    return init_devnet(tmp_path / "bookkeeper", block_time=1, seed="node-network")


@pytest.fixture
def network(devnet: DevnetInit, tmp_path: Path) -> Iterator[list[LocalNode]]:
    """bookkeeper <- relay-1 <- relay-2 (each relay seeded with the node before it)."""
    bookkeeper = LocalNode(
        "bookkeeper",
        tmp_path / "bookkeeper",
        devnet.profile_path,
        key_file=devnet.keys_path,
        block_time=1,
    )
    nodes = [bookkeeper]
    try:
        bookkeeper.start()
        relay1 = LocalNode(
            "relay-1", tmp_path / "relay-1", devnet.profile_path, seeds=[bookkeeper.endpoint]
        )
        nodes.append(relay1.start())
        relay2 = LocalNode(
            "relay-2", tmp_path / "relay-2", devnet.profile_path, seeds=[relay1.endpoint]
        )
        nodes.append(relay2.start())
        for node in nodes:
            wait_until(
                lambda n=node: n.rpc.call("getconnectioncount") >= 1,
                20,
                f"{node.name} to have a peer",
            )
        yield nodes
    except BaseException:
        for node in nodes:
            print(f"--- {node.name} ---\n{node.log_tail(60)}")
        raise
    finally:
        for node in nodes:
            node.stop()


def one_tip(nodes: list[LocalNode], timeout: float = 20) -> tuple[int, str]:
    def same() -> tuple[int, str] | None:
        tips = {(n.height(), str(n.rpc.call("getbestblockhash"))) for n in nodes}
        return next(iter(tips)) if len(tips) == 1 else None

    tip: tuple[int, str] = wait_until(same, timeout, "every node on one tip")
    return tip


def digests_after_stop(nodes: list[LocalNode]) -> set[bytes]:
    """Stop the bookkeeper, let the relays reach its tip, stop them: their state digests."""
    nodes[0].stop()
    final = max(n.height() for n in nodes[1:] if n.running())
    for node in nodes[1:]:
        wait_until(lambda n=node: n.height() >= final, 20, f"{node.name} at {final}")
        node.stop()
    digests = set()
    for node in nodes:
        with open_store(
            node.data_dir,
            load_profile(str(node.profile_path)).magic,
            genesis_hash_of(node),
            readonly=True,
        ) as store:
            digests.add(state_digest(store))
    return digests


def genesis_hash_of(node: LocalNode) -> bytes:
    return genesis_block(load_profile(str(node.profile_path))).hash.to_bytes()


def metric(node: LocalNode, name: str) -> float:
    """A value of the node's /metrics (Prometheus text)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{node.rpc_port}/metrics", timeout=5) as reply:
        for line in reply.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"{name} is not in /metrics")


def confirmed_everywhere(nodes: list[LocalNode], txid: str) -> set[str]:
    """The block hash holding `txid` on each node (waits until all have it)."""

    def found() -> set[str] | None:
        blocks = set()
        for node in nodes:
            tx = node.rpc.call("getrawtransaction", txid, 1)
            if not tx.get("blockhash"):
                return None
            blocks.add(str(tx["blockhash"]))
        return blocks

    blocks: set[str] = wait_until(found, 30, f"{txid} in a block on every node")
    return blocks


def test_a_transaction_sent_to_a_relay_is_mined_and_seen_by_all(
    network: list[LocalNode], devnet: DevnetInit
) -> None:
    relay2 = network[2]
    driver = RpcWorkload(relay2.rpc, devnet.profile, list(devnet.secrets), "relay-test")
    # The first round spends the genesis ANS (few transactions), the second many.
    for _ in range(2):
        report = driver.round(10)
        assert report.accepted == report.sent >= 1, report
        for txid in sorted(driver.sent):
            assert len(confirmed_everywhere(network, "0x" + str(UInt256(txid)))) == 1
    assert report.sent == 10
    # relay-2 verified those transactions on admission: the block did not check them again.
    assert metric(relay2, "antshares_signatures_reused_total") >= 10
    # A wallet's RpcRelay reaches the same mempool; the same transaction again is refused.
    tx = driver.workload.next_transactions(1)[0]
    assert "accepted" in relay(tx, RpcRelay(relay2.rpc.url)).message
    with pytest.raises(RelayError, match=r"already|spent"):
        relay(tx, RpcRelay(relay2.rpc.url))
    confirmed_everywhere(network, "0x" + tx.txid)
    one_tip(network)
    # A node killed without warning restarts from its store and catches up.
    relay1 = network[1]
    relay1.kill()
    wait_until(lambda: network[0].height() >= report.height + 2, 20, "two more blocks")
    relay1.start()
    height, _ = one_tip(network, timeout=30)
    assert height >= report.height + 2
    wait_until(lambda: relay2.rpc.call("getconnectioncount") >= 1, 30, "relay-2 to reconnect")
    # So does the bookkeeper: its beacon secrets were on disk before each block that fixed them.
    bookkeeper = network[0]
    bookkeeper.kill()
    bookkeeper.start()
    wait_until(lambda: bookkeeper.height() >= height + 2, 30, "blocks after the restart")
    one_tip(network, timeout=30)
    assert len(digests_after_stop(network)) == 1


def test_a_double_spend_sent_to_two_nodes_ends_once_in_the_chain(
    network: list[LocalNode], devnet: DevnetInit
) -> None:
    # Two workloads with different seeds both start by spending the genesis ANS output.
    drafts = []
    for seed in ("spender-a", "spender-b"):
        workload = Workload(devnet.profile, list(devnet.secrets), seed, mix=NODE_MIX)
        workload.on_block(genesis_block(devnet.profile))
        drafts.append(workload.next_transactions(1)[0])
    a, b = drafts
    assert a.hash != b.hash
    assert {i.to_bytes() for i in a.inputs} & {i.to_bytes() for i in b.inputs}
    results: dict[str, object] = {}

    def send(name: str, node: LocalNode, raw: bytes) -> None:
        try:
            results[name] = node.rpc.call("sendrawtransaction", raw.hex())
        except RpcError as exc:
            results[name] = exc

    threads = [
        threading.Thread(target=send, args=("a", network[1], a.to_bytes())),
        threading.Thread(target=send, args=("b", network[2], b.to_bytes())),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    start = network[0].height()
    wait_until(lambda: min(n.height() for n in network) >= start + 2, 30, "two more blocks")
    one_tip(network)
    for node in network:
        found = []
        for tx in (a, b):
            try:
                found.append(
                    bool(node.rpc.call("getrawtransaction", f"0x{tx.txid}", 1).get("blockhash"))
                )
            except RpcError:
                found.append(False)
        assert found.count(True) == 1, (node.name, found, results)


def test_a_late_node_syncs_hundreds_of_blocks(devnet: DevnetInit, tmp_path: Path) -> None:
    chain = tmp_path / "chain.acc"
    blocks = 520
    write_chain_file(
        chain,
        (raw for raw, _ in generated_blocks(devnet.profile, list(devnet.secrets), blocks, 1)),
    )
    servers = []
    try:
        for name in ("server-1", "server-2"):
            directory = tmp_path / name
            with ChainState.open(devnet.profile, directory) as state:
                stats = import_chain(state, [chain])
                assert stats.error is None and state.height == blocks
            servers.append(LocalNode(name, directory, devnet.profile_path).start())
        late = LocalNode(
            "late", tmp_path / "late", devnet.profile_path, seeds=[s.endpoint for s in servers]
        )
        servers.append(late.start())
        wait_until(lambda: late.height() == blocks, 120, f"the late node at {blocks}")
        tips = {str(n.rpc.call("getbestblockhash")) for n in servers}
        assert len(tips) == 1
    finally:
        for node in servers:
            node.stop()
    digests = set()
    for node in servers:
        with open_store(
            node.data_dir, devnet.profile.magic, genesis_hash_of(node), readonly=True
        ) as store:
            digests.add(state_digest(store))
    assert len(digests) == 1
