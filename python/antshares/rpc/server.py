"""The node's JSON-RPC server (SPEC §12), on aiohttp.

Routes:
- `POST /`: JSON-RPC 2.0, single or batch (`antshares.rpc.dispatch`). Any other HTTP method on
  it gets 405 with a JSON-RPC error body. A body over `max_body` bytes is refused (an error
  object, nothing read past the cap); errors are HTTP 200 with an `error` object, as NEO 2.x
  answered and as its clients (neo-python-rpc raises on anything but 200) expect.
- `GET /metrics`: Prometheus text (`antshares.rpc.metrics`).
- `GET /health`: 200 {"status": "ok", "height"} while the node is healthy, else 503 with the
  reason.

Bound to 127.0.0.1 by default: the RPC can submit transactions and blocks, and answers every
request it can parse; expose it deliberately (a reverse proxy with limits), not by accident.
"""

import logging
from typing import Any

from aiohttp import web

from .api import Api
from .context import RpcContext
from .dispatch import Dispatcher, encode, error_response
from .errors import INTERNAL_ERROR, INVALID_REQUEST, RpcError
from .methods import METHODS
from .metrics import CONTENT_TYPE, render

__all__ = ["DEFAULT_MAX_BATCH", "DEFAULT_MAX_BODY", "RpcServer"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 10 << 20
"""Request bodies above this are refused: a sendrawtransaction of the largest transaction
(1 MB, 2 MB as hex) fits with room to spare, a memory-exhausting body does not."""
DEFAULT_MAX_BATCH = 100
"""Calls in one batch; more is an invalid request."""

_JSON = "application/json"


def _json_response(payload: Any, status: int = 200) -> web.Response:
    return web.Response(body=encode(payload), status=status, content_type=_JSON)


class RpcServer:
    """`await start()`, then `port` is the bound port (pass 0 to let the OS pick)."""

    def __init__(
        self,
        context: RpcContext,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        max_body: int = DEFAULT_MAX_BODY,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        if max_body < 1 or max_batch < 1:
            raise ValueError("max_body and max_batch must be positive")
        self.context = context
        self.host = host
        self.max_body = max_body
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self.dispatcher = Dispatcher(Api(context), METHODS, max_batch)

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the RPC server is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def application(self) -> web.Application:
        # aiohttp's own cap backs ours up for chunked bodies, which declare no length.
        app = web.Application(client_max_size=self.max_body)
        app.router.add_route("*", "/", self._rpc)
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/health", self._health)
        return app

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("the RPC server is already started")
        runner = web.AppRunner(self.application(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._port = int(runner.addresses[0][1])  # the port the OS picked for port 0
        self._runner = runner
        log.info("JSON-RPC listening on %s:%d", self.host, self._port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        self._port = None

    # Routes.

    async def _rpc(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            error = RpcError(INVALID_REQUEST, f"use POST for JSON-RPC, not {request.method}")
            response = _json_response(error_response(error), status=405)
            response.headers["Allow"] = "POST"
            return response
        too_large = RpcError(INVALID_REQUEST, f"Invalid Request: body over {self.max_body} bytes")
        declared = request.content_length
        if declared is not None and declared > self.max_body:
            return self._close_after(_json_response(error_response(too_large)))
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self._close_after(_json_response(error_response(too_large)))
        answer = await self.dispatcher.handle(body)
        if answer is None:  # notifications only
            return web.Response(status=204)
        try:
            return web.Response(body=encode(answer), content_type=_JSON)
        except (TypeError, ValueError) as exc:  # a method returned something not JSON: a bug
            log.exception("unencodable JSON-RPC answer")
            error = RpcError(INTERNAL_ERROR, "Internal error", f"unencodable result: {exc}")
            return _json_response(error_response(error))

    @staticmethod
    def _close_after(response: web.Response) -> web.Response:
        # The unread body is still on the connection: do not reuse it.
        response.force_close()
        return response

    async def _metrics(self, request: web.Request) -> web.Response:
        context = self.context
        values: dict[str, float] = {
            "height": context.chain.height,
            "peers": len(context.peers.connected()),
            "mempool_size": len(context.mempool_txids()),
        }
        values.update(context.metrics())
        counters = self.dispatcher.counters
        values["rpc_calls"] = counters.calls
        values["rpc_errors"] = counters.errors
        return web.Response(body=render(values).encode(), headers={"Content-Type": CONTENT_TYPE})

    async def _health(self, request: web.Request) -> web.Response:
        try:
            ok, reason = self.context.healthy()
            height: int | None = self.context.chain.height
        except Exception as exc:  # a health check must answer, whatever broke
            log.exception("health check failed")
            ok, reason, height = False, f"{type(exc).__name__}: {exc}", None
        body: dict[str, Any] = {"status": "ok" if ok else "unhealthy", "height": height}
        if reason:
            body["reason"] = reason
        return _json_response(body, status=200 if ok else 503)
