"""Bookkeeping methods: getvalidators (NEO 2.x) and this chain's own getcandidates, getvotes,
getbeacon and getevidence (SPEC §6, §7).

The ballot and enrollment tables grow with the chain's votes: they are walked off the event
loop (`Api.off_loop`), like the UTXO table.
"""

from typing import Any

from antshares.core import UInt160
from antshares.core.address import script_address, single_sig_script
from antshares.ledger.lottery import lottery_number
from antshares.wallet.ledger_view import FIXED8, LedgerView

from ..api import Api, Handler
from ..errors import UNKNOWN, RpcError
from ..params import Params
from ..shapes import amount, hash_hex

__all__ = ["METHODS"]


def _shares(whole: int) -> str:
    """Whole ANS as NEO's Fixed8 votes string."""
    return amount(whole * FIXED8)


def _next_bookkeepers(view: LedgerView) -> set[bytes]:
    return set(view.bookkeepers(view.height + 1) or ())


def _validators(api: Api) -> list[dict[str, Any]]:
    view = api.context.view
    votes = view.votes()
    active = _next_bookkeepers(view)
    keys = {c.public_key for c in view.candidates()}
    keys |= active | set(api.context.profile.standby_keys)
    ordered = sorted(keys, key=lambda k: (-votes.get(k, 0), k))
    return [
        {"publickey": k.hex(), "votes": _shares(votes.get(k, 0)), "active": k in active}
        for k in ordered
    ]


async def getvalidators(api: Api, params: Params) -> list[dict[str, Any]]:
    """The candidates and the standby keys with their votes; `active`: among the bookkeepers of
    the next block. Ordered by votes, then key."""
    params.expect(0, 0)
    return await api.off_loop(_validators, api)


def _candidates(view: LedgerView) -> list[dict[str, Any]]:
    active = _next_bookkeepers(view)
    return [
        {
            "txid": hash_hex(c.txid),
            "publickey": c.public_key.hex(),
            "address": script_address(single_sig_script(c.public_key)),
            "deposit": {
                "txid": hash_hex(c.deposit.prev_hash),
                "vout": c.deposit.prev_index,
                "value": amount(c.deposit_value),
            },
            "votes": _shares(c.votes),
            "active": c.public_key in active,
        }
        for c in view.candidates()
    ]


async def getcandidates(api: Api, params: Params) -> list[dict[str, Any]]:
    """The active enrollments (SPEC §4): txid, key, deposit and votes, in txid order; `active`:
    among the bookkeepers of the next block."""
    params.expect(0, 0)
    return await api.off_loop(_candidates, api.context.view)


def _ballots(api: Api, voter: UInt160 | None) -> list[dict[str, Any]]:
    return [
        {
            "txid": hash_hex(b.txid),
            "weight": _shares(b.weight),
            "candidates": [k.hex() for k in b.candidates],
            "voters": [api.shapes.address(v) for v in b.voters],
        }
        for b in api.context.view.ballots(voter=voter)
    ]


async def getvotes(api: Api, params: Params) -> list[dict[str, Any]]:
    """[address (optional)]: the active ballots (of that voter): txid, weight in ANS, the
    candidates listed, and the addresses holding the ballot's unspent ANS."""
    params.expect(0, 1)
    voter = params.address(0) if params.has(0) else None
    return await api.off_loop(_ballots, api, voter)


async def getbeacon(api: Api, params: Params) -> dict[str, Any]:
    """[index]: the random beacon at a block (SPEC §7.7): the R its lottery used (R of the
    block before), the header nonce that carries R, the dealings the block fixes and the
    secrets it reveals (of the previous block's dealings)."""
    params.expect(1, 1)
    height = params.height(0)
    view = api.context.view
    record = view.beacon(height)
    if record is None:
        if height > view.height:
            raise RpcError(UNKNOWN, "Invalid Height")
        raise RpcError(
            UNKNOWN,
            f"No beacon at block {height}: the genesis and version-0 MinerTransactions "
            "(AntShares 1.0 data) carry none",
        )
    return {
        "index": height,
        "hash": hash_hex(record.block_hash),
        "random": record.random.hex(),
        "nonce": f"{record.header_nonce:016x}",
        "lottery": lottery_number(record.random),
        "minernonce": record.miner.exclusive["nonce"],
        "dealings": [
            {"dealer": dealer, "commitments": [c.hex() for c in commitments]}
            for dealer, commitments in record.dealings
        ],
        "secrets": [{"dealer": dealer, "secret": s.hex()} for dealer, s in record.secrets],
    }


async def getevidence(api: Api, params: Params) -> list[dict[str, Any]]:
    """Misbehaviour the node has seen (SPEC §7.10): double signing, double dealing, bad shares."""
    params.expect(0, 0)
    return list(api.context.evidence())


METHODS: dict[str, Handler] = {
    "getbeacon": getbeacon,
    "getcandidates": getcandidates,
    "getevidence": getevidence,
    "getvalidators": getvalidators,
    "getvotes": getvotes,
}
