"""Answers to getheaders, getblocks and getdata from the local chain (`ChainReader`).

getdata is served by a per-peer task that waits for the peer's output to drain between items, so
a peer asking for many large blocks gets them as fast as it reads and no faster; the items waiting
are bounded (`P2PConfig.serve_queue`).
"""

from collections.abc import Callable

from antshares.network.messages import (
    MAX_HEADERS,
    MAX_INVENTORY,
    GetBlocksPayload,
    InvType,
    encode_inventory,
    headers_payload_from_raw,
)
from antshares.network.peer import Peer
from antshares.node.backend import ChainReader

__all__ = ["blocks_reply", "fork_point", "headers_reply", "serve_items"]

_STOP_NONE = bytes(32)


def fork_point(chain: ChainReader, locator: tuple[bytes, ...]) -> int:
    """The height of the first locator hash in our chain (the genesis when none is)."""
    for block_hash in locator:
        height = chain.height_of(block_hash)
        if height is not None:
            return height
    return 0


def _hashes_after(chain: ChainReader, request: GetBlocksPayload, limit: int) -> list[bytes]:
    start = fork_point(chain, request.locator) + 1
    end = min(chain.height, start + limit - 1)
    out: list[bytes] = []
    for height in range(start, end + 1):
        block_hash = chain.hash_at(height)
        if block_hash is None:
            break
        out.append(block_hash)
        if block_hash == request.hash_stop and request.hash_stop != _STOP_NONE:
            break
    return out


def headers_reply(chain: ChainReader, request: GetBlocksPayload) -> bytes:
    """A headers payload: up to 2000 headers after the fork point, up to hash_stop. Empty (a
    count of 0) when we have nothing after it: the peer learns we have no more."""
    raws: list[bytes] = []
    for block_hash in _hashes_after(chain, request, MAX_HEADERS):
        raw = chain.header_raw(block_hash)
        if raw is None:
            break
        raws.append(raw)
    return headers_payload_from_raw(raws)


def blocks_reply(chain: ChainReader, request: GetBlocksPayload) -> bytes | None:
    """An inv of up to 500 block hashes after the fork point; None when there are none."""
    hashes = _hashes_after(chain, request, MAX_INVENTORY)
    return encode_inventory(InvType.BLOCK, hashes) if hashes else None


async def serve_items(
    peer: Peer,
    chain: ChainReader,
    consensus_payload: Callable[[bytes], bytes | None],
) -> None:
    """Send what `peer.serve_queue` asks for, oldest first; the misses in notfound messages."""
    commands = {InvType.BLOCK: "block", InvType.TX: "tx", InvType.CONSENSUS: "consensus"}
    missing: dict[InvType, list[bytes]] = {}
    while peer.serve_queue:
        if not await peer.conn.drain():
            return
        inv_type, item = peer.serve_queue.popleft()
        if inv_type == InvType.BLOCK:
            raw = chain.block_raw(item)
        elif inv_type == InvType.TX:
            raw = chain.transaction_raw(item)
        else:
            raw = consensus_payload(item)
        if raw is None:
            missing.setdefault(inv_type, []).append(item)
            continue
        peer.learn(item)
        if inv_type == InvType.BLOCK:
            peer.blocks_served += 1
        if not peer.send(commands[inv_type], raw):
            return
    for inv_type, items in missing.items():
        for i in range(0, len(items), MAX_INVENTORY):
            peer.send("notfound", encode_inventory(inv_type, items[i : i + MAX_INVENTORY]))
