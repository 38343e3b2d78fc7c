"""The real NEO 2.x JSON-RPC client (neo-python-rpc's `neorpc.Client.RPCClient`) against the
node's RPC server on a devnet store: every client method this chain supports, with its values
checked, and the ones it does not (smart contracts) answered as unknown methods.

The client returns `result` on success and the whole response (with its `error`) otherwise, and
raises on anything but HTTP 200: the server must answer errors as 200 with an error object.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from neorpc.Client import NEORPCException, RPCClient
from neorpc.Settings import SettingsHolder

from antshares.node.backend import AcceptResult
from devnet_chain import FIXED8
from test_rpc import Chain, FakeNode, ServerThread, amount_text, build_chain, hex0x, make_node


@dataclass
class Setup:
    client: RPCClient
    chain: Chain
    node: FakeNode
    url: str


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    chain = build_chain(tmp_path_factory.mktemp("neorpc-chain"))
    node = make_node(chain)
    server = ServerThread(node)
    settings = SettingsHolder()
    settings.setup([server.url])  # one endpoint, ours; no seed list, no network
    try:
        with pytest.MonkeyPatch.context() as env:
            # requests honours proxy variables; the server is local.
            for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
                env.delenv(name, raising=False)
            env.setenv("NO_PROXY", "127.0.0.1,localhost")
            # setup=True asks each endpoint for getblockcount, as the client does at start.
            client = RPCClient(config=settings, setup=True)
            yield Setup(client, chain, node, server.url)
    finally:
        server.stop()
        chain.net.state.close()


@pytest.fixture
def rpc(setup: Setup) -> Iterator[RPCClient]:
    yield setup.client
    setup.node.verdicts.clear()
    setup.node.submitted.clear()


def test_the_endpoint_setup_reads_the_height(setup: Setup) -> None:
    (endpoint,) = setup.client.endpoints
    assert endpoint.addr == setup.url
    assert endpoint.status == 200
    assert endpoint.height == setup.chain.net.state.height + 1


def test_heights_and_hashes(rpc: RPCClient, setup: Setup) -> None:
    net = setup.chain.net
    assert rpc.get_height() == net.state.height + 1
    assert rpc.get_best_blockhash() == hex0x(net.blocks[-1].hash)
    for height in (0, 5, net.state.height):
        assert rpc.get_block_hash(height) == hex0x(net.blocks[height].hash)


def test_get_block_by_height_and_hash(rpc: RPCClient, setup: Setup) -> None:
    chain = setup.chain
    height = chain.heights["issue"]
    block = chain.net.blocks[height]
    by_height = rpc.get_block(height)
    by_hash = rpc.get_block(str(block.hash))  # the client's form: hex without 0x
    assert by_height == by_hash
    assert (by_height["index"], by_height["hash"]) == (height, hex0x(block.hash))
    assert [t["txid"] for t in by_height["tx"]] == [hex0x(t.hash) for t in block.transactions]
    assert by_height["tx"][1]["type"] == "IssueTransaction"
    unknown = rpc.get_block("00" * 32)
    assert unknown["error"]["code"] == -100


def test_get_block_sysfee(rpc: RPCClient, setup: Setup) -> None:
    chain = setup.chain
    total = 0
    for height in range(chain.net.state.height + 1):
        total += chain.burned.get(height, 0)
        assert rpc.get_block_sysfee(height) == amount_text(total)


def test_transactions(rpc: RPCClient, setup: Setup) -> None:
    chain = setup.chain
    tx = chain.txs["transfer"]
    answer = rpc.get_transaction(str(tx.hash))
    assert answer["txid"] == hex0x(tx.hash)
    assert answer["type"] == "ContractTransaction"
    assert answer["blockhash"] == hex0x(chain.net.blocks[chain.heights["transfer"]].hash)
    out = rpc.get_tx_out(str(tx.hash), 0)
    assert out["value"] == amount_text(tx.outputs[0].value)
    assert out["asset"] == hex0x(tx.outputs[0].asset_id)
    spent = tx.inputs[0]
    assert rpc.get_tx_out(str(spent.prev_hash), spent.prev_index) is None
    assert rpc.get_raw_mempool() == [hex0x(chain.pending.hash)]


def test_send_raw_tx_accepted_and_rejected(rpc: RPCClient, setup: Setup) -> None:
    chain, node = setup.chain, setup.node
    tx = chain.net.contract(chain.alice, [(chain.ans, FIXED8, chain.bob.script_hash)])
    assert rpc.send_raw_tx(tx.to_bytes().hex()) is True
    assert node.submitted == [tx.to_bytes()]
    node.verdicts.append(AcceptResult(False, rule="double-spend", detail="input 0 is spent"))
    refused = rpc.send_raw_tx(tx.to_bytes().hex())
    assert refused["error"]["code"] == -504
    assert refused["error"]["data"] == {"rule": "double-spend", "detail": "input 0 is spent"}
    assert "double-spend" in refused["error"]["message"]


def test_accounts_assets_addresses(rpc: RPCClient, setup: Setup) -> None:
    chain = setup.chain
    address = chain.address(chain.bob)
    account = rpc.get_account(address)
    assert account["script_hash"] == hex0x(chain.bob.script_hash)
    balances = {b["asset"]: b["value"] for b in account["balances"]}
    for asset in (chain.ans, chain.anc, chain.token):
        assert balances[hex0x(asset)] == amount_text(
            chain.net.balance(chain.bob.script_hash, asset)
        )
    assert account["votes"] == [chain.candidates[0].public_key.hex()]
    asset = rpc.get_asset(str(chain.token))
    assert (asset["id"], asset["type"], asset["precision"]) == (hex0x(chain.token), "Token", 2)
    assert rpc.validate_addr(address) == {"address": address, "isvalid": True}
    assert rpc.validate_addr("AXjaFSP23Jkbe6Pk9pPGT6NBDs1HVdqaX")["isvalid"] is False


def test_network(rpc: RPCClient, setup: Setup) -> None:
    assert rpc.get_connection_count() == 2
    peers = rpc.get_peers()
    assert [p["address"] for p in peers["connected"]] == ["10.0.0.1", "10.0.0.2"]
    assert peers["unconnected"] == [{"address": "10.0.0.3", "port": 10333}]
    assert peers["bad"] == [{"address": "10.0.0.66", "port": 10333}]
    assert rpc.get_version() == setup.node.version()


def test_smart_contract_methods_are_not_on_this_chain(rpc: RPCClient) -> None:
    contract = "d7678dd97c000be3f33e9362e673101bac4ca654"
    assert rpc.get_contract_state(contract)["error"]["code"] == -32601
    assert rpc.invoke_script("00c1")["error"]["code"] == -32601
    assert rpc.invoke_contract_fn(contract, "name")["error"]["code"] == -32601
    with pytest.raises(NEORPCException):  # it decodes the result as hex: an error is not
        rpc.get_storage(contract, "totalSupply")
