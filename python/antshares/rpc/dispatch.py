"""The JSON-RPC 2.0 envelope: parse a request body, run each call, build the responses.

Single requests and batches (at most `max_batch` calls; an empty batch is an invalid request).
A call without an `id` is a notification: it runs, and nothing is answered for it. `params` must
be an array (NEO's methods take positional parameters) and may be left out. `jsonrpc`, when
present, must be "2.0" (AntShares 1.0 tools leave it out). Every error is an `error` object —
the HTTP layer answers 200 regardless, as NEO did and as its clients expect.
"""

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .api import Api, Handler
from .errors import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    RpcError,
)
from .params import Params

__all__ = ["Counters", "Dispatcher", "encode", "error_response"]

log = logging.getLogger(__name__)


def error_response(error: RpcError, request_id: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": error.to_json()}


def encode(response: Any) -> bytes:
    return json.dumps(response, separators=(",", ":"), allow_nan=False).encode()


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


@dataclass
class Counters:
    """For /metrics: calls answered and how many of them were errors."""

    calls: int = 0
    errors: int = 0


class Dispatcher:
    def __init__(self, api: Api, methods: Mapping[str, Handler], max_batch: int) -> None:
        self.api = api
        self.methods = methods
        self.max_batch = max_batch
        self.counters = Counters()

    async def handle(self, body: bytes) -> Any:
        """The response to a request body: an object, an array (a batch), or None when every
        call was a notification."""
        try:
            request = json.loads(body, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            return self._error(RpcError(PARSE_ERROR, f"Parse error: {exc}"))
        if not isinstance(request, list):
            return await self._call(request)
        if not request:
            return self._error(RpcError(INVALID_REQUEST, "Invalid Request: empty batch"))
        if len(request) > self.max_batch:
            return self._error(
                RpcError(
                    INVALID_REQUEST,
                    f"Invalid Request: batch of {len(request)} calls, at most {self.max_batch}",
                )
            )
        # The calls run concurrently, started in batch order: a batch of sendrawtransaction
        # reaches the node's mempool as one batch (one parallel signature run), still in order.
        results = await asyncio.gather(*(self._call(item) for item in request))
        responses = [r for r in results if r is not None]
        return responses or None

    def _error(self, error: RpcError, request_id: Any = None) -> dict[str, Any]:
        self.counters.calls += 1
        self.counters.errors += 1
        return error_response(error, request_id)

    async def _call(self, request: Any) -> dict[str, Any] | None:
        if not isinstance(request, dict):
            return self._error(RpcError(INVALID_REQUEST, "Invalid Request: not an object"))
        request_id = request.get("id")
        if isinstance(request_id, bool) or not isinstance(request_id, str | int | float | None):
            return self._error(RpcError(INVALID_REQUEST, "Invalid Request: bad id"))
        notification = "id" not in request
        try:
            handler, params = self._resolve(request)
            result = await handler(self.api, params)
        except RpcError as exc:
            return None if notification else self._error(exc, request_id)
        except Exception as exc:
            log.exception("RPC %s failed", request.get("method"))
            error = RpcError(INTERNAL_ERROR, "Internal error", f"{type(exc).__name__}: {exc}")
            return None if notification else self._error(error, request_id)
        if notification:
            return None
        self.counters.calls += 1
        return {"jsonrpc": "2.0", "id": request_id, "result": result}

    def _resolve(self, request: dict[str, Any]) -> tuple[Handler, Params]:
        if request.get("jsonrpc", "2.0") != "2.0":
            raise RpcError(INVALID_REQUEST, 'Invalid Request: jsonrpc must be "2.0"')
        method = request.get("method")
        if not isinstance(method, str):
            raise RpcError(INVALID_REQUEST, "Invalid Request: method must be a string")
        params = request.get("params", [])
        if params is None:
            params = []
        if isinstance(params, dict):
            raise RpcError(INVALID_PARAMS, "Invalid params: pass them by position (an array)")
        if not isinstance(params, list):
            raise RpcError(INVALID_REQUEST, "Invalid Request: params must be an array")
        handler = self.methods.get(method)
        if handler is None:
            raise RpcError(METHOD_NOT_FOUND, f"Method not found: {method[:100]}")
        return handler, Params(method, params)
