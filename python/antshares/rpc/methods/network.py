"""Network methods: getpeers, getconnectioncount, getversion."""

from typing import Any

from ..api import Api, Handler
from ..params import Params

__all__ = ["METHODS"]


def _endpoint(address: str, port: int) -> dict[str, Any]:
    return {"address": address, "port": port}


async def getpeers(api: Api, params: Params) -> dict[str, Any]:
    """Known addresses not connected, banned ones (NEO's `bad`), and connected peers."""
    params.expect(0, 0)
    peers = api.context.peers
    return {
        "unconnected": [_endpoint(a, p) for a, p in peers.unconnected()],
        "bad": [_endpoint(a, p) for a, p in peers.banned()],
        "connected": [_endpoint(p.address, p.port) for p in peers.connected()],
    }


async def getconnectioncount(api: Api, params: Params) -> int:
    params.expect(0, 0)
    return len(api.context.peers.connected())


async def getversion(api: Api, params: Params) -> dict[str, Any]:
    """{port, nonce, useragent} of this node."""
    params.expect(0, 0)
    return dict(api.context.version())


METHODS: dict[str, Handler] = {
    "getconnectioncount": getconnectioncount,
    "getpeers": getpeers,
    "getversion": getversion,
}
