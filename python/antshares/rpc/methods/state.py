"""Asset and account methods: getassetstate, getaccountstate, getunspents, validateaddress.

getaccountstate and getunspents walk the UTXO table (the store has no index by address, see
`antshares.wallet.ledger_view`), so they run off the event loop (`Api.off_loop`).
"""

from typing import Any

from antshares.core import UInt160, UInt256
from antshares.core.address import decode_address
from antshares.wallet.ledger_view import AssetInfo, UnspentCoin

from ..api import Api, Handler
from ..errors import UNKNOWN, RpcError
from ..params import Params
from ..shapes import amount, hash_hex

__all__ = ["METHODS"]


async def getassetstate(api: Api, params: Params) -> dict[str, Any]:
    params.expect(1, 1)
    info = api.context.view.asset(params.uint256(0))
    if info is None:
        raise RpcError(UNKNOWN, "Unknown asset")
    return api.shapes.asset(info)


def _account(api: Api, script_hash: UInt160) -> dict[str, Any]:
    view = api.context.view
    balances = view.balances([script_hash]).get(script_hash, {})
    votes: list[str] = []
    for ballot in view.ballots(voter=script_hash):
        votes.extend(key.hex() for key in ballot.candidates if key.hex() not in votes)
    return {
        "version": 0,
        "script_hash": hash_hex(script_hash),
        "frozen": False,
        "votes": votes,
        "balances": [
            {"asset": hash_hex(asset), "value": amount(value)}
            for asset, value in sorted(balances.items())
        ],
    }


async def getaccountstate(api: Api, params: Params) -> dict[str, Any]:
    """[address]: NEO 2.x AccountState — balances per asset and the candidates its active
    ballots vote for. An address the chain never paid has no balances and no votes."""
    params.expect(1, 1)
    return await api.off_loop(_account, api, params.address(0))


async def validateaddress(api: Api, params: Params) -> dict[str, Any]:
    """[address]: whether it is an address of this chain (any of its version bytes)."""
    params.expect(1, 1)
    text = params.values[0]
    try:
        valid = isinstance(text, str) and decode_address(text) is not None
    except ValueError:
        valid = False
    return {"address": text, "isvalid": valid}


async def getunspents(api: Api, params: Params) -> dict[str, Any]:
    """[address]: the unspent outputs by asset, in the neo-plugins (RpcSystemAssetTracker)
    shape that wallets read: hashes without 0x, values as JSON numbers."""
    params.expect(1, 1)
    script_hash = params.address(0)
    view = api.context.view
    coins = await api.off_loop(view.unspent, [script_hash])
    by_asset: dict[UInt256, list[UnspentCoin]] = {}
    for coin in coins:
        by_asset.setdefault(coin.asset_id, []).append(coin)
    balance = []
    for asset_id, asset_coins in sorted(by_asset.items()):
        info = view.asset(asset_id)
        name = _symbol(api, asset_id, info)
        balance.append(
            {
                "unspent": [
                    {"txid": str(c.ref.prev_hash), "n": c.ref.prev_index, "value": _number(c.value)}
                    for c in asset_coins
                ],
                "asset_hash": str(asset_id),
                "asset": name,
                "asset_symbol": name,
                "amount": _number(sum(c.value for c in asset_coins)),
            }
        )
    return {"balance": balance, "address": params.values[0]}


def _symbol(api: Api, asset_id: UInt256, info: AssetInfo | None) -> str:
    if asset_id == api.fees.ans:
        return "ANS"
    if asset_id == api.fees.anc:
        return "ANC"
    return str(asset_id) if info is None else info.display_name


def _number(value: int) -> int | float:
    """A Fixed8 amount as a JSON number: an integer when whole (exact at any size)."""
    whole, fraction = divmod(value, 10**8)
    return whole if fraction == 0 else value / 10**8


METHODS: dict[str, Handler] = {
    "getaccountstate": getaccountstate,
    "getassetstate": getassetstate,
    "getunspents": getunspents,
    "validateaddress": validateaddress,
}
