"""Block methods: getbestblockhash, getblockcount, getblockhash, getblock, getblockheader,
getblocksysfee, submitblock (NEO 2.x names, params and results)."""

from typing import Any

from antshares.core import Block, Header, UInt256

from ..api import Api, Handler
from ..errors import UNKNOWN, RpcError, must_decode, refusal
from ..params import Params
from ..shapes import amount, hash_hex

__all__ = ["METHODS"]


async def getbestblockhash(api: Api, params: Params) -> str:
    params.expect(0, 0)
    return hash_hex(UInt256(api.context.chain.tip_hash))


async def getblockcount(api: Api, params: Params) -> int:
    """The number of blocks, genesis included: tip height + 1."""
    params.expect(0, 0)
    return api.context.chain.height + 1


async def getblockhash(api: Api, params: Params) -> str:
    params.expect(1, 1)
    found = api.context.chain.hash_at(params.height(0))
    if found is None:
        raise RpcError(UNKNOWN, "Invalid Height")
    return hash_hex(UInt256(found))


def _neighbours(api: Api, height: int) -> tuple[int, UInt256 | None]:
    """(confirmations, next block hash) of the block at `height`."""
    chain = api.context.chain
    following = chain.hash_at(height + 1)
    return chain.height - height + 1, None if following is None else UInt256(following)


async def getblock(api: Api, params: Params) -> Any:
    """[hash or index, verbose]: the block as hex, or verbose JSON with every transaction."""
    params.expect(1, 2)
    height, block_hash = api.block_height(params.hash_or_height(0))
    raw = api.context.chain.block_raw(block_hash)
    if raw is None:
        raise RpcError(UNKNOWN, "Unknown block")
    if not params.flag(1):
        return raw.hex()
    block = Block.from_bytes(raw)
    # Each transaction's fees need the outputs it spends: a large block reads many, off-loop.
    fees = await api.off_loop(api.transaction_fees, block.transactions)
    confirmations, next_hash = _neighbours(api, height)
    return api.shapes.block(block, len(raw), fees, confirmations, next_hash)


async def getblockheader(api: Api, params: Params) -> Any:
    """[hash or index, verbose]: the header as the `headers` message carries it (hex), or JSON."""
    params.expect(1, 2)
    height, block_hash = api.block_height(params.hash_or_height(0))
    raw = api.context.chain.header_raw(block_hash)
    if raw is None:
        raise RpcError(UNKNOWN, "Unknown block")
    if not params.flag(1):
        return raw.hex()
    header = Header.from_bytes(raw[:-1])  # the trailing 0x00 is the empty transaction count
    confirmations, next_hash = _neighbours(api, height)
    return api.shapes.header(header, len(raw), confirmations, next_hash)


async def getblocksysfee(api: Api, params: Params) -> str:
    """[index]: the system (service) fees burned by blocks 0..index, in ANC."""
    params.expect(1, 1)
    total = await api.off_loop(api.sysfees.total, params.height(0))
    if total is None:
        raise RpcError(UNKNOWN, "Invalid Height")
    return amount(total)


async def submitblock(api: Api, params: Params) -> bool:
    """[hex]: offer the block after the tip; true, or the rule it broke."""
    params.expect(1, 1)
    raw = params.hex_bytes(0)
    must_decode(raw, Block.from_bytes, "block", "block-decode")
    result = await api.context.submit_block(raw)
    if not result.accepted:
        raise refusal(result)
    return True


METHODS: dict[str, Handler] = {
    "getbestblockhash": getbestblockhash,
    "getblock": getblock,
    "getblockcount": getblockcount,
    "getblockhash": getblockhash,
    "getblockheader": getblockheader,
    "getblocksysfee": getblocksysfee,
    "submitblock": submitblock,
}
