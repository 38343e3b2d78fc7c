"""The node's JSON-RPC server (SPEC §12): NEO 2.x methods, params, results and error codes,
plus this chain's getcandidates, getvotes, getbeacon and getevidence; Prometheus /metrics and
/health beside it.

    server = RpcServer(context, port=profile.rpc_port)   # context: an RpcContext
    await server.start()
    ...
    await server.stop()
"""

from .context import RpcContext
from .errors import RpcError
from .server import DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY, RpcServer

__all__ = ["DEFAULT_MAX_BATCH", "DEFAULT_MAX_BODY", "RpcContext", "RpcError", "RpcServer"]
