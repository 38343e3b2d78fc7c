"""JSON-RPC error codes: the JSON-RPC 2.0 ones and NEO 2.x's, and how a refused transaction or
block maps onto them.

NEO 2.x answers an unknown block, transaction or asset with -100, and a refused
`sendrawtransaction`/`submitblock` with its RelayResultReason: -501 already exists, -502 memory
pool full, -503 cannot be validated (yet), -504 invalid, -505 policy, -500 unknown. This node
keeps those codes and adds what NEO never said: the rule that failed and how, in the message and
in `data` ({"rule", "detail"}), so a wallet can show the user why.
"""

from collections.abc import Callable
from typing import Any

from antshares.node.backend import AcceptResult

__all__ = [
    "ALREADY_EXISTS",
    "INTERNAL_ERROR",
    "INVALID",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "OUT_OF_MEMORY",
    "PARSE_ERROR",
    "POLICY_FAIL",
    "UNABLE_TO_VERIFY",
    "UNKNOWN",
    "UNKNOWN_ERROR",
    "RpcError",
    "refusal",
]

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

UNKNOWN = -100
"""NEO 2.x: unknown block, transaction, asset or height."""
UNKNOWN_ERROR = -500
ALREADY_EXISTS = -501
OUT_OF_MEMORY = -502
UNABLE_TO_VERIFY = -503
INVALID = -504
POLICY_FAIL = -505

_RELAY_MESSAGES = {
    UNKNOWN_ERROR: "Unknown error",
    ALREADY_EXISTS: "Block or transaction already exists and cannot be sent repeatedly",
    OUT_OF_MEMORY: "The memory pool is full and no more transactions can be sent",
    UNABLE_TO_VERIFY: "The block cannot be validated",
    INVALID: "Block or transaction validation failed",
    POLICY_FAIL: "One of the Policy filters failed",
}

# Rules that are not a verdict on validity. Every other rule is a validity rule (-504).
_RULE_CODES = {
    "tx-duplicate": ALREADY_EXISTS,
    "mempool-full": OUT_OF_MEMORY,
    "mempool-fee": POLICY_FAIL,
    "policy": POLICY_FAIL,
    # A block that does not follow the tip (a gap, a stale height, a future block) cannot be
    # checked against the chain: NEO's UnableToVerify.
    "block-height": UNABLE_TO_VERIFY,
    "block-prev-hash": UNABLE_TO_VERIFY,
    "block-orphan": UNABLE_TO_VERIFY,
    "block-stale": UNABLE_TO_VERIFY,
    "not-tried": UNABLE_TO_VERIFY,
    # The node, not the submission, failed.
    "internal": UNKNOWN_ERROR,
    "node-stopping": UNKNOWN_ERROR,
}


class RpcError(Exception):
    """An error answer: raised by a method, turned into the response's `error` object."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


def refusal(result: AcceptResult) -> RpcError:
    """The error for a transaction or block the node did not take (`result.ok` is False, or
    `known`: NEO reports a resend as -501)."""
    if result.known:
        code, rule = ALREADY_EXISTS, result.rule or "already-known"
    else:
        rule = result.rule or "unknown"
        code = _RULE_CODES.get(rule, INVALID if result.rule else UNKNOWN_ERROR)
    detail = result.detail or ""
    message = f"{_RELAY_MESSAGES[code]}: rule {rule}" + (f": {detail}" if detail else "")
    return RpcError(code, message, {"rule": rule, "detail": detail})


def must_decode(raw: bytes, decode: Callable[[bytes], object], what: str, rule: str) -> None:
    """INVALID_PARAMS naming `rule` unless `raw` decodes as a `what`: bytes that are not one
    never reach the node."""
    try:
        decode(raw)
    except ValueError as exc:  # DecodeError, or a structure the codec refuses
        raise RpcError(
            INVALID_PARAMS,
            f"Invalid params: not a {what}: {exc}",
            {"rule": rule, "detail": str(exc)},
        ) from None
