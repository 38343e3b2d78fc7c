"""Transaction methods: getrawtransaction, gettransactionheight, gettxout, getrawmempool,
sendrawtransaction (NEO 2.x names, params and results)."""

from typing import Any

from antshares.core import CoinReference, Transaction, UInt256

from ..api import Api, Handler
from ..errors import UNKNOWN, RpcError, must_decode, refusal
from ..params import Params
from ..shapes import hash_hex

__all__ = ["METHODS"]


async def getrawtransaction(api: Api, params: Params) -> Any:
    """[txid, verbose]: a mempool or confirmed transaction as hex, or JSON; a confirmed one's
    JSON adds blockhash, confirmations and blocktime."""
    params.expect(1, 2)
    txid = params.uint256(0)
    raw = api.context.chain.transaction_raw(txid.to_bytes())
    if raw is None:
        raise RpcError(UNKNOWN, "Unknown transaction")
    if not params.flag(1):
        return raw.hex()
    tx = Transaction.from_bytes(raw)
    (fees,) = api.transaction_fees([tx])
    json_tx = api.shapes.transaction(tx, fees)
    height = api.context.view.transaction_height(txid)
    chain = api.context.chain
    block_hash = None if height is None else chain.hash_at(height)
    if height is not None and block_hash is not None:
        header = api.context.view.block(height).header
        json_tx["blockhash"] = hash_hex(UInt256(block_hash))
        json_tx["confirmations"] = chain.height - height + 1
        json_tx["blocktime"] = header.timestamp
    return json_tx


async def gettransactionheight(api: Api, params: Params) -> int:
    params.expect(1, 1)
    height = api.context.view.transaction_height(params.uint256(0))
    if height is None:
        raise RpcError(UNKNOWN, "Unknown transaction")
    return height


async def gettxout(api: Api, params: Params) -> Any:
    """[txid, n]: the unspent output, or null when it is spent or never existed."""
    params.expect(2, 2)
    ref = CoinReference(params.uint256(0), params.output_index(1))
    coin = api.context.view.coin(ref)
    return None if coin is None else api.shapes.output(coin.output, ref.prev_index)


async def getrawmempool(api: Api, params: Params) -> list[str]:
    """The mempool's txids, oldest first. (NEO 2.11's shouldGetUnverified flag is accepted;
    this mempool holds verified transactions only.)"""
    params.expect(0, 1)
    params.flag(0)
    return [hash_hex(UInt256(txid)) for txid in api.context.mempool_txids()]


async def sendrawtransaction(api: Api, params: Params) -> bool:
    """[hex]: offer a signed transaction to the mempool; true, or the rule it broke."""
    params.expect(1, 1)
    raw = params.hex_bytes(0)
    must_decode(raw, Transaction.from_bytes, "transaction", "tx-decode")
    result = await api.context.submit_transaction(raw)
    if not result.accepted:
        raise refusal(result)
    return True


METHODS: dict[str, Handler] = {
    "getrawmempool": getrawmempool,
    "getrawtransaction": getrawtransaction,
    "gettransactionheight": gettransactionheight,
    "gettxout": gettxout,
    "sendrawtransaction": sendrawtransaction,
}
