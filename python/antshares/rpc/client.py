"""A small synchronous JSON-RPC 2.0 client for this node's RPC (tools, demo, tests).

    client = RpcClient("http://127.0.0.1:20332")
    client.call("getblockcount")
    client.batch([("sendrawtransaction", [tx_hex]), ...])  # one HTTP request

A JSON-RPC error comes back as `RpcError` (code, message, data); a transport failure as
`RpcUnavailable`. Replies are capped in size before they are parsed.
"""

import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

__all__ = ["RpcClient", "RpcError", "RpcUnavailable"]

MAX_REPLY_BYTES = 64 << 20


class RpcUnavailable(OSError):
    """The node did not answer (refused, timed out, not JSON-RPC)."""


class RpcError(Exception):
    """The node answered with a JSON-RPC error object."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} (code {code})" + (f": {data}" if data else ""))
        self.code = code
        self.message = message
        self.data = data


class RpcClient:
    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout
        self._ids = itertools.count(1)

    def _post(self, body: Any) -> Any:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                raw = reply.read(MAX_REPLY_BYTES + 1)
        except (urllib.error.URLError, OSError) as exc:
            raise RpcUnavailable(f"{self.url}: {exc}") from None
        if len(raw) > MAX_REPLY_BYTES:
            raise RpcUnavailable(f"{self.url}: reply larger than {MAX_REPLY_BYTES} bytes")
        try:
            return json.loads(raw)
        except ValueError:
            raise RpcUnavailable(f"{self.url}: the reply is not JSON") from None

    @staticmethod
    def _result(reply: Any) -> Any:
        if not isinstance(reply, dict):
            raise RpcUnavailable("the reply is not a JSON-RPC response")
        error = reply.get("error")
        if error is not None:
            raise RpcError(int(error.get("code", 0)), str(error.get("message")), error.get("data"))
        return reply.get("result")

    def call(self, method: str, *params: Any) -> Any:
        """The result of one call; RpcError for an error reply."""
        return self._result(
            self._post(
                {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
            )
        )

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Results of several calls sent in one request, in order: a result, or the RpcError of
        that call (returned, not raised)."""
        if not calls:
            return []
        first = next(self._ids)
        body = [
            {"jsonrpc": "2.0", "id": first + i, "method": m, "params": list(p)}
            for i, (m, p) in enumerate(calls)
        ]
        for _ in range(len(calls) - 1):
            next(self._ids)
        replies = self._post(body)
        if not isinstance(replies, list):
            # A whole-batch error (e.g. too large) comes back as one error object.
            self._result(replies)
            raise RpcUnavailable("a batch request got a non-batch reply")
        by_id = {r.get("id"): r for r in replies if isinstance(r, dict)}
        results: list[Any] = []
        for i in range(len(calls)):
            reply = by_id.get(first + i)
            try:
                results.append(self._result(reply))
            except RpcError as exc:
                results.append(exc)
        return results
