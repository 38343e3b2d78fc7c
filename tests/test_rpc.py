"""The JSON-RPC server (antshares.rpc) over a real devnet store: every method's shape and values
against the chain that was built (transfers, a registered and issued asset, enrollments, votes, a
byte fee), NEO 2.x error codes, batches, caps, /metrics and /health.

The server runs on its own event loop in a thread, as in the node; the tests speak HTTP to it.
Expected values come from what the test built (the devnet's own coin tracking, the transactions
and blocks themselves), or from a separate LedgerView where the brief is "as the ledger says".
"""

import asyncio
import hashlib
import http.client
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from antshares.chain.profiles import Profile
from antshares.core import (
    AssetType,
    Transaction,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
)
from antshares.core.address import address_from_script_hash, decode_address
from antshares.ledger.beacon import header_nonce, random_value
from antshares.ledger.lottery import first_random
from antshares.node.backend import AcceptResult, PeerInfo
from antshares.node.chain_reader import StoreChainReader
from antshares.rpc import RpcServer
from antshares.rpc import fees as fees_module
from antshares.rpc.fees import FeeRules, SysFeeIndex
from antshares.wallet.ledger_view import LedgerView
from devnet_chain import FIXED8, Account, Devnet, secret_of

TOKEN_NAME = '[{"lang":"en","name":"Test Token"}]'
BYTE_FEE = 12_345  # satoshi left by the paid transfer


# ---------------------------------------------------------------------------------------------
# The chain.


@dataclass
class Chain:
    net: Devnet
    view: LedgerView  # the test thread's own view (the server's belongs to its thread)
    alice: Account
    bob: Account
    candidates: list[Account]
    txs: dict[str, Transaction]
    heights: dict[str, int]
    burned: dict[int, int]  # service fees each block burned, by height
    pending: Transaction  # valid, in the mempool only

    @property
    def ans(self) -> UInt256:
        return self.net.ans

    @property
    def anc(self) -> UInt256:
        return self.net.anc

    @property
    def token(self) -> UInt256:
        return self.txs["register"].hash

    def address(self, who: Account | UInt160) -> str:
        h = who.script_hash if isinstance(who, Account) else who
        return address_from_script_hash(h)

    def raw_block(self, height: int) -> bytes:
        raw = self.net.state.block_at(height)
        assert raw is not None
        return raw


def fee(net: Devnet, kind: str) -> int:
    return net.fees[kind] * FIXED8


def build_chain(root: Path) -> Chain:
    """Transfers, a Token registered and issued, two enrollments, two ballots, a byte fee."""
    net = Devnet(root)
    for _ in range(10):  # the lottery pays each block's ANC to the genesis multisig
        net.produce()
    g = net.genesis_holder
    alice, bob = Account.single(secret_of("rpc/alice")), Account.single(secret_of("rpc/bob"))
    cands = [Account.single(secret_of(f"rpc/candidate/{i}")) for i in range(2)]
    net.hold_keys([s for c in cands for s in c.secrets])  # the votes elect them
    txs: dict[str, Transaction] = {}
    heights: dict[str, int] = {}
    burned: dict[int, int] = {}

    def block(**named: Transaction) -> None:
        net.produce(list(named.values()))
        height = net.state.height
        for name, tx in named.items():
            txs[name], heights[name] = tx, height

    block(
        fund=net.contract(
            g,
            [
                (net.ans, 1000 * FIXED8, alice.script_hash),
                (net.anc, 50 * FIXED8, alice.script_hash),
                (net.ans, 500 * FIXED8, bob.script_hash),
                (net.anc, 20 * FIXED8, bob.script_hash),
            ],
        )
    )
    registration = {
        "asset_type": AssetType.TOKEN,
        "name": TOKEN_NAME,
        "amount": 1_000_000 * FIXED8,
        "precision": 2,
        "owner": alice.public_key,
        "admin": alice.script_hash,
    }
    block(register=net.paid_tx(TxType.REGISTER, registration, alice, [], fee(net, "register")))
    burned[net.state.height] = fee(net, "register")
    for i, cand in enumerate(cands):
        deposit = TxOutput(net.anc, (net.deposit + i) * FIXED8, cand.script_hash)
        enrollment = net.paid_tx(
            TxType.ENROLLMENT,
            {"public_key": cand.public_key},
            g,
            [deposit],
            fee(net, "enrollment"),
            [cand],
        )
        block(**{f"enroll{i}": enrollment})
        burned[net.state.height] = fee(net, "enrollment")
    issued = TxOutput(txs["register"].hash, 2500_50 * 10**6, bob.script_hash)  # 2500.50
    block(issue=net.paid_tx(TxType.ISSUE, {}, alice, [issued], fee(net, "issue")))
    burned[net.state.height] = fee(net, "issue")

    def vote(voter: Account, enrollments: list[Transaction]) -> Transaction:
        coins = net.coins_of(voter.script_hash, net.ans)
        total = sum(v for _, v in coins)
        return net.paid_tx(
            TxType.VOTING,
            {"enrollments": [e.hash for e in enrollments]},
            voter,
            [TxOutput(net.ans, total, voter.script_hash)],
            fee(net, "voting"),
            extra_inputs=[c for c, _ in coins],
        )

    block(
        vote_alice=vote(alice, [txs["enroll0"], txs["enroll1"]]),
        vote_bob=vote(bob, [txs["enroll0"]]),
    )
    burned[net.state.height] = 2 * fee(net, "voting")
    block(
        transfer=net.contract(
            bob,
            [
                (net.anc, FIXED8, alice.script_hash),
                (txs["register"].hash, 100 * FIXED8, alice.script_hash),
            ],
            anc_fee=BYTE_FEE,
        )
    )
    net.produce()  # the tip: one block after the last transaction
    pending = net.contract(alice, [(net.anc, 2 * FIXED8, bob.script_hash)])
    view = LedgerView(net.state.store, net.profile)
    return Chain(net, view, alice, bob, cands, txs, heights, burned, pending)


# ---------------------------------------------------------------------------------------------
# A node for the server: the node's chain reader, a mempool, scripted submissions, fake peers.


class FakePeers:
    def __init__(self) -> None:
        self.peers = [
            PeerInfo("10.0.0.1", 10333, True, "/AntShares:2.0/", 5, 17),
            PeerInfo("10.0.0.2", 20333, False, "/NEO:2.9.0/", 3, 17),
        ]
        self.relayed: list[bytes] = []

    def connected(self) -> list[PeerInfo]:
        return list(self.peers)

    def unconnected(self) -> list[tuple[str, int]]:
        return [("10.0.0.3", 10333)]

    def banned(self) -> list[tuple[str, int]]:
        return [("10.0.0.66", 10333)]

    def relay_block(self, block_hash: bytes) -> None:
        self.relayed.append(block_hash)

    def relay_transaction(self, txid: bytes, source: object | None = None) -> None:
        self.relayed.append(txid)


EVIDENCE = [
    {
        "kind": "double-sign",
        "height": 7,
        "bookkeeper": "02" + "ab" * 32,
        "headers": ["00" * 8, "11" * 8],
    }
]


@dataclass
class FakeNode:
    """An RpcContext: the store read through `view` and `chain`; submissions recorded and
    answered from `verdicts` (accepted by default: a transaction then joins the mempool)."""

    profile: Profile
    view: LedgerView
    chain: StoreChainReader
    mempool: dict[bytes, bytes]
    """What `chain` reads as the mempool (txid → raw)."""
    peers: FakePeers = field(default_factory=FakePeers)
    verdicts: list[AcceptResult] = field(default_factory=list)
    submitted: list[bytes] = field(default_factory=list)
    health: tuple[bool, str] = (True, "")

    def _verdict(self, raw: bytes) -> AcceptResult:
        self.submitted.append(raw)
        return self.verdicts.pop(0) if self.verdicts else AcceptResult(True)

    async def submit_transaction(self, raw: bytes) -> AcceptResult:
        verdict = self._verdict(raw)
        if verdict.accepted:
            self.mempool[Transaction.from_bytes(raw).hash.to_bytes()] = raw
        return verdict

    async def submit_block(self, raw: bytes) -> AcceptResult:
        return self._verdict(raw)

    def mempool_txids(self) -> list[bytes]:
        return self.chain.mempool_txids()

    def evidence(self) -> list[dict[str, Any]]:
        return EVIDENCE

    def version(self) -> dict[str, Any]:
        return {"port": 20333, "nonce": 123456789, "useragent": "/AntShares:test/"}

    def metrics(self) -> dict[str, float]:
        return {"blocks_per_second": 2.5, "verify_rate": 1234.0, "utxo_cache_bytes": 4096}

    def healthy(self) -> tuple[bool, str]:
        return self.health


def make_node(chain: Chain) -> FakeNode:
    store = chain.net.state.store
    # The server reads on its own thread: it gets its own view (its block cache is per thread).
    view = LedgerView(store, chain.net.profile)
    mempool = {chain.pending.hash.to_bytes(): chain.pending.to_bytes()}
    return FakeNode(
        chain.net.profile,
        view,
        StoreChainReader(store, chain.net.profile.magic, mempool.get, lambda: list(mempool)),
        mempool,
    )


class ServerThread:
    """An RpcServer on its own event loop in a daemon thread."""

    def __init__(self, node: FakeNode, **options: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = RpcServer(node, **options)
        self._run(self.server.start())
        self.url = f"http://127.0.0.1:{self.server.port}"

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    def stop(self) -> None:
        self._run(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


# HTTP without proxies: the server is on 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_request(
    url: str, body: bytes | None = None, method: str = "POST"
) -> tuple[int, bytes, Any]:
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        self.next_id = 0

    def send(self, payload: Any) -> Any:
        status, body, _ = http_request(self.url + "/", json.dumps(payload).encode())
        assert status == 200, body
        return json.loads(body)

    def call(self, method: str, *params: Any) -> dict[str, Any]:
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": list(params)}
        response = self.send(request)
        assert response["jsonrpc"] == "2.0" and response["id"] == self.next_id
        return dict(response)

    def result(self, method: str, *params: Any) -> Any:
        response = self.call(method, *params)
        assert "error" not in response, response
        return response["result"]

    def error(self, method: str, *params: Any) -> dict[str, Any]:
        response = self.call(method, *params)
        assert "result" not in response, response
        return dict(response["error"])


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    built = build_chain(tmp_path_factory.mktemp("rpc-chain"))
    yield built
    built.net.state.close()


@pytest.fixture(scope="module")
def served(chain: Chain) -> Iterator[tuple[FakeNode, ServerThread]]:
    node = make_node(chain)
    server = ServerThread(node)
    yield node, server
    server.stop()


@pytest.fixture
def node(served: tuple[FakeNode, ServerThread], chain: Chain) -> Iterator[FakeNode]:
    node = served[0]
    yield node
    # Leave the node as the next test expects it.
    node.verdicts.clear()
    node.submitted.clear()
    node.health = (True, "")
    node.mempool.clear()
    node.mempool[chain.pending.hash.to_bytes()] = chain.pending.to_bytes()


@pytest.fixture
def rpc(served: tuple[FakeNode, ServerThread], node: FakeNode) -> Client:
    return Client(served[1].url)


def hex0x(h: UInt256 | UInt160) -> str:
    return f"0x{h}"


def amount_text(value: int) -> str:
    """Fixed8 as NEO prints it, written out independently of the server."""
    whole, frac = divmod(value, FIXED8)
    return str(whole) if frac == 0 else f"{whole}.{frac:08d}".rstrip("0")


# ---------------------------------------------------------------------------------------------
# Blocks.


def test_chain_tip_methods(rpc: Client, chain: Chain) -> None:
    tip = chain.net.state.height
    assert rpc.result("getblockcount") == tip + 1
    assert rpc.result("getbestblockhash") == hex0x(chain.net.blocks[-1].hash)
    for height in (0, 1, tip):
        assert rpc.result("getblockhash", height) == hex0x(chain.net.blocks[height].hash)
    assert rpc.error("getblockhash", tip + 1)["code"] == -100


def test_getblock_raw_and_verbose(rpc: Client, chain: Chain) -> None:
    height = chain.heights["register"]
    block = chain.net.blocks[height]
    raw = chain.raw_block(height)
    by_height = rpc.result("getblock", height)
    assert by_height == raw.hex() == rpc.result("getblock", str(block.hash), 0)
    verbose = rpc.result("getblock", hex0x(block.hash), True)
    assert verbose == rpc.result("getblock", height, 1)
    header = block.header
    assert verbose["hash"] == hex0x(block.hash)
    assert verbose["size"] == len(raw)
    assert verbose["version"] == header.version
    assert verbose["previousblockhash"] == hex0x(chain.net.blocks[height - 1].hash)
    assert verbose["merkleroot"] == hex0x(header.merkle_root)
    assert (verbose["time"], verbose["index"]) == (header.timestamp, height)
    assert verbose["nonce"] == f"{header.consensus_data:016x}" and len(verbose["nonce"]) == 16
    assert decode_address(verbose["nextconsensus"])[1] == header.next_consensus
    assert verbose["script"] == {
        "invocation": header.witness.invocation.hex(),
        "verification": header.witness.verification.hex(),
    }
    assert verbose["confirmations"] == chain.net.state.height - height + 1
    assert verbose["nextblockhash"] == hex0x(chain.net.blocks[height + 1].hash)
    assert [t["txid"] for t in verbose["tx"]] == [hex0x(t.hash) for t in block.transactions]
    assert [t["type"] for t in verbose["tx"]] == ["MinerTransaction", "RegisterTransaction"]
    miner, register = verbose["tx"]
    assert (miner["sys_fee"], miner["net_fee"], miner["vin"]) == ("0", "0", [])
    assert register["sys_fee"] == amount_text(fee(chain.net, "register"))
    assert register["net_fee"] == "0"
    assert register["asset"] == {
        "type": "Token",
        "name": json.loads(TOKEN_NAME),
        "amount": "1000000",
        "precision": 2,
        "owner": chain.alice.public_key.hex(),
        "admin": chain.address(chain.alice),
    }
    tip = rpc.result("getblock", chain.net.state.height, True)
    assert tip["confirmations"] == 1 and "nextblockhash" not in tip


def test_verbose_transactions_show_inputs_outputs_witnesses_and_fees(
    rpc: Client, chain: Chain
) -> None:
    tx = chain.txs["transfer"]
    height = chain.heights["transfer"]
    verbose = rpc.result("getblock", height, True)["tx"][1]
    assert verbose["txid"] == hex0x(tx.hash)
    assert verbose["size"] == len(tx.to_bytes())
    assert (verbose["type"], verbose["version"], verbose["attributes"]) == (
        "ContractTransaction",
        0,
        [],
    )
    assert verbose["vin"] == [{"txid": hex0x(r.prev_hash), "vout": r.prev_index} for r in tx.inputs]
    assert verbose["vout"] == [
        {
            "n": i,
            "asset": hex0x(o.asset_id),
            "value": amount_text(o.value),
            "address": chain.address(o.script_hash),
        }
        for i, o in enumerate(tx.outputs)
    ]
    assert verbose["scripts"] == [
        {"invocation": w.invocation.hex(), "verification": w.verification.hex()}
        for w in tx.witnesses
    ]
    assert (verbose["sys_fee"], verbose["net_fee"]) == ("0", amount_text(BYTE_FEE))
    # The MinerTransaction shows its nonce and the beacon evidence (SPEC §7.7).
    miner = rpc.result("getblock", height, True)["tx"][0]
    fields = chain.net.blocks[height].transactions[0].exclusive
    assert miner["type"] == "MinerTransaction" and miner["nonce"] == fields["nonce"]
    assert [d["dealer"] for d in miner["dealings"]] == [d["dealer"] for d in fields["dealings"]]
    assert [s["secret"] for s in miner["secrets"]] == [s["secret"].hex() for s in fields["secrets"]]


def test_getblockheader(rpc: Client, chain: Chain) -> None:
    height = chain.heights["issue"]
    block = chain.net.blocks[height]
    raw = rpc.result("getblockheader", hex0x(block.hash))
    assert raw == (block.header.to_bytes() + b"\x00").hex()
    assert rpc.result("getblockheader", height, False) == raw
    verbose = rpc.result("getblockheader", height, True)
    full = rpc.result("getblock", height, True)
    assert verbose["size"] == len(raw) // 2
    assert "tx" not in verbose
    for key in ("hash", "version", "previousblockhash", "merkleroot", "time", "index", "nonce"):
        assert verbose[key] == full[key]
    assert verbose["nextconsensus"] == full["nextconsensus"]
    assert verbose["confirmations"] == full["confirmations"]
    assert verbose["nextblockhash"] == full["nextblockhash"]
    assert rpc.error("getblockheader", "0x" + "00" * 32)["code"] == -100


def test_getblocksysfee_is_the_running_total_of_service_fees(rpc: Client, chain: Chain) -> None:
    total = 0
    for height in range(chain.net.state.height + 1):
        total += chain.burned.get(height, 0)
        assert rpc.result("getblocksysfee", height) == amount_text(total), height
    assert total == chain.view.anc_totals().burned  # burned ANC counts the service fees
    assert rpc.error("getblocksysfee", chain.net.state.height + 1)["code"] == -100


def test_the_system_fee_index_agrees_from_checkpoints_and_from_the_tip(
    chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fees_module, "CHECKPOINT_BLOCKS", 3)
    view = chain.view
    expected, total = [], 0
    for height in range(view.height + 1):
        total += chain.burned.get(height, 0)
        expected.append(total)
    rules = FeeRules.of(chain.net.profile, view.ans, view.anc)
    for order in (range(view.height + 1), reversed(range(view.height + 1)), [9, 2, 17, 14, 5]):
        index = SysFeeIndex(view, rules)
        for height in order:
            assert index.total(height) == expected[height], (list(order), height)
    assert SysFeeIndex(view, rules).total(view.height + 1) is None


def test_submitblock(rpc: Client, node: FakeNode, chain: Chain) -> None:
    raw = chain.raw_block(chain.net.state.height)
    assert rpc.result("submitblock", raw.hex()) is True
    node.verdicts.append(AcceptResult(False, rule="block-prev-hash", detail="not after the tip"))
    error = rpc.error("submitblock", raw.hex())
    assert error["code"] == -503
    assert error["data"] == {"rule": "block-prev-hash", "detail": "not after the tip"}
    assert "block-prev-hash" in error["message"]
    for verdict, code in [
        (AcceptResult(False, rule="block-merkle", detail="root differs"), -504),
        (AcceptResult(False, known=True), -501),
        (AcceptResult(False, rule="internal", detail="disk full"), -500),
    ]:
        node.verdicts.append(verdict)
        assert rpc.error("submitblock", raw.hex())["code"] == code
    assert node.submitted == [raw] * 5
    garbage = rpc.error("submitblock", "00ff")
    assert garbage["code"] == -32602 and garbage["data"]["rule"] == "block-decode"
    assert len(node.submitted) == 5  # never reached the node


# ---------------------------------------------------------------------------------------------
# Transactions.


def test_getrawtransaction_confirmed_and_pending(rpc: Client, chain: Chain) -> None:
    tx = chain.txs["enroll1"]
    height = chain.heights["enroll1"]
    assert rpc.result("getrawtransaction", str(tx.hash)) == tx.to_bytes().hex()
    verbose = rpc.result("getrawtransaction", hex0x(tx.hash), 1)
    assert verbose["type"] == "EnrollmentTransaction"
    assert verbose["pubkey"] == chain.candidates[1].public_key.hex()
    assert verbose["sys_fee"] == amount_text(fee(chain.net, "enrollment"))
    assert verbose["net_fee"] == "0"
    assert verbose["blockhash"] == hex0x(chain.net.blocks[height].hash)
    assert verbose["confirmations"] == chain.net.state.height - height + 1
    assert verbose["blocktime"] == chain.net.blocks[height].timestamp

    votes = rpc.result("getrawtransaction", hex0x(chain.txs["vote_alice"].hash), True)
    assert votes["type"] == "VotingTransaction"
    assert votes["enrollments"] == [hex0x(chain.txs[f"enroll{i}"].hash) for i in (0, 1)]
    assert votes["sys_fee"] == amount_text(fee(chain.net, "voting"))
    issue = rpc.result("getrawtransaction", hex0x(chain.txs["issue"].hash), True)
    assert issue["type"] == "IssueTransaction"
    assert issue["sys_fee"] == amount_text(fee(chain.net, "issue"))

    pending = rpc.result("getrawtransaction", hex0x(chain.pending.hash), True)
    assert pending["txid"] == hex0x(chain.pending.hash)
    assert (pending["sys_fee"], pending["net_fee"]) == ("0", "0")  # its inputs are confirmed
    assert not {"blockhash", "confirmations", "blocktime"} & set(pending)
    assert rpc.error("getrawtransaction", "11" * 32)["code"] == -100


def test_gettransactionheight(rpc: Client, chain: Chain) -> None:
    for name, height in chain.heights.items():
        assert rpc.result("gettransactionheight", hex0x(chain.txs[name].hash)) == height
    assert rpc.error("gettransactionheight", hex0x(chain.pending.hash))["code"] == -100


def test_gettxout_is_null_once_spent(rpc: Client, chain: Chain) -> None:
    transfer = chain.txs["transfer"]
    out = transfer.outputs[0]
    assert rpc.result("gettxout", hex0x(transfer.hash), 0) == {
        "n": 0,
        "asset": hex0x(out.asset_id),
        "value": amount_text(out.value),
        "address": chain.address(out.script_hash),
    }
    spent = transfer.inputs[0]  # bob's ANC from the funding transaction
    assert rpc.result("gettxout", str(spent.prev_hash), spent.prev_index) is None
    assert rpc.result("gettxout", hex0x(transfer.hash), len(transfer.outputs)) is None
    assert rpc.error("gettxout", hex0x(transfer.hash), -1)["code"] == -32602


def test_sendrawtransaction_accepts_or_names_the_rule(
    rpc: Client, node: FakeNode, chain: Chain
) -> None:
    tx = chain.net.contract(chain.bob, [(chain.ans, FIXED8, chain.alice.script_hash)])
    assert rpc.result("sendrawtransaction", tx.to_bytes().hex()) is True
    assert node.submitted == [tx.to_bytes()]
    assert rpc.result("getrawmempool") == [hex0x(chain.pending.hash), hex0x(tx.hash)]
    cases = [
        (AcceptResult(False, rule="double-spend", detail="input 0 is spent"), -504),
        (AcceptResult(False, rule="witness-signature", detail="witnesses[0] fails"), -504),
        (AcceptResult(False, rule="mempool-full", detail="50000 transactions"), -502),
        (AcceptResult(False, rule="mempool-fee", detail="below 10 satoshi a byte"), -505),
        (AcceptResult(False, known=True), -501),
        (AcceptResult(False), -500),
    ]
    for verdict, code in cases:
        node.verdicts.append(verdict)
        error = rpc.error("sendrawtransaction", tx.to_bytes().hex())
        assert error["code"] == code, (verdict, error)
        if verdict.rule:
            assert verdict.rule in error["message"]
            assert error["data"] == {"rule": verdict.rule, "detail": verdict.detail}
    not_hex = rpc.error("sendrawtransaction", "zz")
    assert not_hex["code"] == -32602
    truncated = rpc.error("sendrawtransaction", tx.to_bytes()[:-3].hex())
    assert truncated["code"] == -32602 and truncated["data"]["rule"] == "tx-decode"
    assert len(node.submitted) == 1 + len(cases)


def test_getrawmempool(rpc: Client, chain: Chain) -> None:
    assert rpc.result("getrawmempool") == [hex0x(chain.pending.hash)]
    assert rpc.result("getrawmempool", False) == [hex0x(chain.pending.hash)]


# ---------------------------------------------------------------------------------------------
# Assets and accounts.


def test_getassetstate(rpc: Client, chain: Chain) -> None:
    ans = rpc.result("getassetstate", hex0x(chain.ans))
    assert ans["id"] == hex0x(chain.ans) and ans["type"] == "GoverningToken"
    assert (ans["amount"], ans["available"], ans["precision"]) == ("100000000", "100000000", 0)
    anc = rpc.result("getassetstate", str(chain.anc))
    assert (anc["type"], anc["precision"]) == ("UtilityToken", 8)
    token = rpc.result("getassetstate", hex0x(chain.token))
    assert token == {
        "version": 0,
        "id": hex0x(chain.token),
        "type": "Token",
        "name": json.loads(TOKEN_NAME),
        "amount": "1000000",
        "available": "2500.5",
        "precision": 2,
        "owner": chain.alice.public_key.hex(),
        "admin": chain.address(chain.alice),
        "issuer": chain.address(chain.alice),
        "expiration": 0xFFFFFFFF,
        "frozen": False,
    }
    assert rpc.error("getassetstate", "0x" + "00" * 32)["code"] == -100


def test_getaccountstate(rpc: Client, chain: Chain) -> None:
    net = chain.net
    for who, voted in ((chain.alice, [0, 1]), (chain.bob, [0])):
        state = rpc.result("getaccountstate", chain.address(who))
        assert state["version"] == 0 and state["frozen"] is False
        assert state["script_hash"] == hex0x(who.script_hash)
        assert state["votes"] == [chain.candidates[i].public_key.hex() for i in voted]
        expected = {
            hex0x(asset): amount_text(net.balance(who.script_hash, asset))
            for asset in (chain.ans, chain.anc, chain.token)
            if net.balance(who.script_hash, asset)
        }
        assert {b["asset"]: b["value"] for b in state["balances"]} == expected
    stranger = Account.single(secret_of("rpc/stranger"))
    empty = rpc.result("getaccountstate", chain.address(stranger))
    assert (empty["votes"], empty["balances"]) == ([], [])
    assert rpc.error("getaccountstate", "AXjaFSP23Jkbe6Pk9pPGT6NBDs1HVdqaX")["code"] == -32602


def test_getunspents_sums_equal_the_ledger_balances(rpc: Client, chain: Chain) -> None:
    for who in (chain.alice, chain.bob, chain.net.genesis_holder):
        address = chain.address(who)
        answer = rpc.result("getunspents", address)
        assert answer["address"] == address
        balances = chain.view.balances([who.script_hash])[who.script_hash]
        coins = {
            (str(c.ref.prev_hash), c.ref.prev_index): c.value
            for c in chain.view.unspent([who.script_hash])
        }
        seen = {}
        for entry in answer["balance"]:
            asset = UInt256.from_display(entry["asset_hash"])
            values = [round(u["value"] * FIXED8) for u in entry["unspent"]]
            assert round(entry["amount"] * FIXED8) == sum(values) == balances[asset]
            for u, value in zip(entry["unspent"], values, strict=True):
                assert coins[(u["txid"], u["n"])] == value
            seen[asset] = entry["asset_symbol"]
            assert entry["asset"] == entry["asset_symbol"]
        assert set(seen) == set(balances)
        assert seen.get(chain.ans, "ANS") == "ANS" and seen.get(chain.anc, "ANC") == "ANC"
        assert seen.get(chain.token, "Test Token") == "Test Token"


def test_validateaddress(rpc: Client, chain: Chain) -> None:
    good = chain.address(chain.alice)
    assert rpc.result("validateaddress", good) == {"address": good, "isvalid": True}
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    assert rpc.result("validateaddress", bad) == {"address": bad, "isvalid": False}
    assert rpc.result("validateaddress", 42)["isvalid"] is False


# ---------------------------------------------------------------------------------------------
# Network.


def test_network_methods(rpc: Client, node: FakeNode) -> None:
    assert rpc.result("getconnectioncount") == 2
    assert rpc.result("getpeers") == {
        "unconnected": [{"address": "10.0.0.3", "port": 10333}],
        "bad": [{"address": "10.0.0.66", "port": 10333}],
        "connected": [
            {"address": "10.0.0.1", "port": 10333},
            {"address": "10.0.0.2", "port": 20333},
        ],
    }
    assert rpc.result("getversion") == node.version()
    assert rpc.result("getevidence") == EVIDENCE


# ---------------------------------------------------------------------------------------------
# Bookkeeping: validators, candidates, votes, beacon.


def expected_votes(chain: Chain) -> dict[bytes, int]:
    alice = chain.net.balance(chain.alice.script_hash, chain.ans) // FIXED8
    bob = chain.net.balance(chain.bob.script_hash, chain.ans) // FIXED8
    keys = [c.public_key for c in chain.candidates]
    return {keys[0]: alice + bob, keys[1]: alice}


def test_getvalidators(rpc: Client, chain: Chain) -> None:
    votes = expected_votes(chain)
    validators = rpc.result("getvalidators")
    by_key = {bytes.fromhex(v["publickey"]): v for v in validators}
    standby = chain.net.standby_keys[0]
    assert set(by_key) == {standby, *votes}
    for key, weight in votes.items():
        assert by_key[key]["votes"] == str(weight)
    assert by_key[standby]["votes"] == "0"
    # Elected bookkeepers of the next block, as the ledger recorded them.
    next_keepers = set(chain.view.bookkeepers(chain.view.height + 1) or [])
    assert next_keepers
    assert {k for k, v in by_key.items() if v["active"]} == next_keepers
    assert [v["publickey"] for v in validators][:2] == [
        k.hex() for k in sorted(votes, key=lambda k: -votes[k])
    ]


def test_getcandidates(rpc: Client, chain: Chain) -> None:
    votes = expected_votes(chain)
    candidates = rpc.result("getcandidates")
    expected = sorted((chain.txs[f"enroll{i}"] for i in (0, 1)), key=lambda tx: tx.hash.to_bytes())
    assert [c["txid"] for c in candidates] == [hex0x(tx.hash) for tx in expected]
    for answer, tx in zip(candidates, expected, strict=True):
        key = tx.exclusive["public_key"]
        assert answer["publickey"] == key.hex()
        assert decode_address(answer["address"])[1] == tx.outputs[0].script_hash
        assert answer["deposit"] == {
            "txid": hex0x(tx.hash),
            "vout": 0,
            "value": amount_text(tx.outputs[0].value),
        }
        assert answer["votes"] == str(votes[key])
        assert isinstance(answer["active"], bool)


def test_getvotes(rpc: Client, chain: Chain) -> None:
    alice_ans = chain.net.balance(chain.alice.script_hash, chain.ans) // FIXED8
    bob_ans = chain.net.balance(chain.bob.script_hash, chain.ans) // FIXED8
    keys = [c.public_key.hex() for c in chain.candidates]
    expected = {
        hex0x(chain.txs["vote_alice"].hash): (str(alice_ans), keys, [chain.address(chain.alice)]),
        hex0x(chain.txs["vote_bob"].hash): (str(bob_ans), keys[:1], [chain.address(chain.bob)]),
    }
    ballots = rpc.result("getvotes")
    assert {b["txid"]: (b["weight"], b["candidates"], b["voters"]) for b in ballots} == expected
    mine = rpc.result("getvotes", chain.address(chain.bob))
    assert [b["txid"] for b in mine] == [hex0x(chain.txs["vote_bob"].hash)]
    stranger = Account.single(secret_of("rpc/stranger"))
    assert rpc.result("getvotes", chain.address(stranger)) == []


def test_getbeacon(rpc: Client, chain: Chain) -> None:
    genesis = chain.net.blocks[0]
    for height in range(1, chain.net.state.height + 1):
        block = chain.net.blocks[height]
        beacon = rpc.result("getbeacon", height)
        assert (beacon["index"], beacon["hash"]) == (height, hex0x(block.hash))
        random = bytes.fromhex(beacon["random"])
        miner = block.transactions[0].exclusive
        secrets = [s["secret"] for s in sorted(miner["secrets"], key=lambda s: s["dealer"])]
        if height == 1:
            assert random == first_random(genesis.hash.to_bytes()) and secrets == []
        else:
            # R_{h-1} is the SHA-256 of the secrets that block h reveals.
            assert random == random_value(secrets) == hashlib.sha256(b"".join(secrets)).digest()
        assert int(beacon["nonce"], 16) == block.header.consensus_data == header_nonce(random)
        assert beacon["lottery"] == int.from_bytes(random, "little") % 10**8
        assert beacon["minernonce"] == miner["nonce"]
        assert beacon["dealings"] == [
            {"dealer": d["dealer"], "commitments": [c.hex() for c in d["commitments"]]}
            for d in miner["dealings"]
        ]
        assert beacon["secrets"] == [
            {"dealer": s["dealer"], "secret": s["secret"].hex()} for s in miner["secrets"]
        ]
    assert rpc.error("getbeacon", 0)["code"] == -100
    assert rpc.error("getbeacon", chain.net.state.height + 1)["code"] == -100


# ---------------------------------------------------------------------------------------------
# The JSON-RPC envelope: errors, batches, caps.


def test_error_codes(rpc: Client, chain: Chain) -> None:
    assert rpc.error("nosuchmethod")["code"] == -32601
    assert rpc.error("getblockhash", "abc")["code"] == -32602
    assert rpc.error("getblockhash")["code"] == -32602
    assert rpc.error("getblockcount", 1)["code"] == -32602
    assert rpc.error("getblock", "0x" + "ab" * 32)["code"] == -100
    assert rpc.error("getblock", 10**6)["code"] == -100
    assert rpc.error("getblock", -1)["code"] == -32602
    assert rpc.error("getblock", "0x1234")["code"] == -32602
    assert rpc.error("getblock", 1, "yes")["code"] == -32602
    assert rpc.error("getblock", True)["code"] == -32602


def raw_post(url: str, body: bytes) -> Any:
    status, answer, _ = http_request(url + "/", body)
    assert status == 200
    return json.loads(answer)


def test_malformed_requests(served: tuple[FakeNode, ServerThread]) -> None:
    url = served[1].url
    for body in (b"{", b"\xff\xfe", b'{"jsonrpc": "2.0", "method": NaN}', b"[" * 100_000):
        answer = raw_post(url, body)
        assert answer["error"]["code"] == -32700 and answer["id"] is None
    invalid = [
        b"42",
        b'"getblockcount"',
        b'{"jsonrpc": "1.0", "id": 1, "method": "getblockcount"}',
        b'{"jsonrpc": "2.0", "id": 1, "method": 7}',
        b'{"jsonrpc": "2.0", "id": [1], "method": "getblockcount"}',
        b'{"jsonrpc": "2.0", "id": 1, "method": "getblockcount", "params": "x"}',
    ]
    for body in invalid:
        assert raw_post(url, body)["error"]["code"] == -32600, body
    by_name = b'{"jsonrpc": "2.0", "id": 1, "method": "getblockhash", "params": {"index": 1}}'
    assert raw_post(url, by_name)["error"]["code"] == -32602
    # No jsonrpc member and no params: as AntShares 1.0 tools send them.
    assert "result" in raw_post(url, b'{"id": 3, "method": "getblockcount"}')


def test_batches(served: tuple[FakeNode, ServerThread], chain: Chain) -> None:
    url = served[1].url
    batch = [
        {"jsonrpc": "2.0", "id": 1, "method": "getblockcount"},
        {"jsonrpc": "2.0", "id": "two", "method": "getblockhash", "params": [0]},
        {"jsonrpc": "2.0", "method": "getblockcount"},  # a notification: no answer
        {"jsonrpc": "2.0", "id": 4, "method": "nosuchmethod"},
        17,
    ]
    answers = raw_post(url, json.dumps(batch).encode())
    assert [a["id"] for a in answers] == [1, "two", 4, None]
    assert answers[0]["result"] == chain.net.state.height + 1
    assert answers[1]["result"] == hex0x(chain.net.blocks[0].hash)
    assert answers[2]["error"]["code"] == -32601
    assert answers[3]["error"]["code"] == -32600
    assert raw_post(url, b"[]")["error"]["code"] == -32600
    too_many = [{"jsonrpc": "2.0", "id": i, "method": "getblockcount"} for i in range(101)]
    assert raw_post(url, json.dumps(too_many).encode())["error"]["code"] == -32600
    notifications = [{"jsonrpc": "2.0", "method": "getblockcount"}] * 2
    status, body, _ = http_request(url + "/", json.dumps(notifications).encode())
    assert (status, body) == (204, b"")


def test_body_cap_and_http_methods(chain: Chain) -> None:
    node = make_node(chain)
    server = ServerThread(node, max_body=1024, max_batch=3)
    try:
        url = server.url
        padding = json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": "getblockcount", "pad": "x" * 2000}
        ).encode()
        assert raw_post(url, padding)["error"]["code"] == -32600
        # A chunked body declares no length: the cap applies while reading it.
        connection = http.client.HTTPConnection("127.0.0.1", server.server.port, timeout=30)
        connection.putrequest("POST", "/")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for _ in range(4):
            connection.send(b"400\r\n" + b" " * 1024 + b"\r\n")
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["error"]["code"] == -32600
        connection.close()
        batch = [{"jsonrpc": "2.0", "id": i, "method": "getblockcount"} for i in range(4)]
        assert raw_post(url, json.dumps(batch).encode())["error"]["code"] == -32600
        # Still serving.
        ok = raw_post(url, b'{"jsonrpc": "2.0", "id": 1, "method": "getblockcount"}')
        assert ok["result"] == chain.net.state.height + 1
        status, body, headers = http_request(url + "/", method="GET")
        assert status == 405 and headers["Allow"] == "POST"
        assert json.loads(body)["error"]["code"] == -32600
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# /metrics and /health.


def test_metrics_are_prometheus_text(served: tuple[FakeNode, ServerThread], chain: Chain) -> None:
    status, body, headers = http_request(served[1].url + "/metrics", method="GET")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    samples: dict[str, float] = {}
    typed: set[str] = set()
    for line in body.decode().splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            assert len(parts) == 4 and parts[3]
            if parts[1] == "TYPE":
                assert parts[3] in ("gauge", "counter")
                typed.add(parts[2])
            continue
        name, value = line.split(" ")
        samples[name] = float(value)
    assert set(samples) == typed
    assert samples["antshares_current_block_height"] == chain.net.state.height
    assert samples["antshares_peers_connected"] == 2
    assert samples["antshares_mempool_size"] == 1
    assert samples["antshares_blocks_per_second"] == 2.5
    assert samples["antshares_verify_rate"] == 1234
    assert samples["antshares_utxo_cache_bytes"] == 4096
    assert samples["antshares_rpc_calls_total"] >= samples["antshares_rpc_errors_total"] >= 0


def test_health(served: tuple[FakeNode, ServerThread], node: FakeNode, chain: Chain) -> None:
    url = served[1].url + "/health"
    status, body, _ = http_request(url, method="GET")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "height": chain.net.state.height}
    node.health = (False, "ledger thread stopped")
    status, body, _ = http_request(url, method="GET")
    assert status == 503
    assert json.loads(body)["reason"] == "ledger thread stopped"
