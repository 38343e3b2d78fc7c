"""Positional parameters of a call, checked and converted (NEO 2.x takes parameters by
position). A bad parameter is the caller's error: -32602 naming the method and the position.

Hashes are accepted in display order with or without `0x`; heights as JSON integers (or decimal
strings, as NEO's `AsNumber` took them); flags as booleans or 0/1 (NEO clients send `1`).
"""

from typing import Any

from antshares.core import UInt160, UInt256
from antshares.core.address import decode_address

from .errors import INVALID_PARAMS, RpcError

__all__ = ["MAX_HEIGHT", "Params"]

MAX_HEIGHT = 0xFFFFFFFF
"""Block heights are u32."""
_MISSING = object()


def _strip_0x(text: str) -> str:
    return text[2:] if text[:2] in ("0x", "0X") else text


class Params:
    """The `params` array of one call."""

    def __init__(self, method: str, values: list[Any]) -> None:
        self.method = method
        self.values = values

    def error(self, index: int, what: str) -> RpcError:
        return RpcError(INVALID_PARAMS, f"Invalid params: {self.method} parameter {index}: {what}")

    def expect(self, least: int, most: int) -> None:
        """Between `least` and `most` parameters."""
        count = len(self.values)
        if not least <= count <= most:
            wanted = str(least) if least == most else f"{least} to {most}"
            raise RpcError(
                INVALID_PARAMS,
                f"Invalid params: {self.method} takes {wanted} parameters, got {count}",
            )

    def has(self, index: int) -> bool:
        return index < len(self.values) and self.values[index] is not None

    def _get(self, index: int) -> Any:
        if index >= len(self.values):
            raise self.error(index, "missing")
        return self.values[index]

    def string(self, index: int) -> str:
        value = self._get(index)
        if not isinstance(value, str):
            raise self.error(index, f"expected a string, got {_json_type(value)}")
        return value

    def uint256(self, index: int) -> UInt256:
        """A block hash, txid or asset id, display order, `0x` optional."""
        text = _strip_0x(self.string(index))
        if len(text) != 64:
            raise self.error(index, "expected 32 bytes as 64 hex digits")
        try:
            return UInt256.from_display(text)
        except ValueError:
            raise self.error(index, "expected 32 bytes as 64 hex digits") from None

    def height(self, index: int) -> int:
        value = self._get(index)
        if isinstance(value, str) and value.isdecimal() and value.isascii():
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(index, f"expected a block height, got {_json_type(value)}")
        if not 0 <= value <= MAX_HEIGHT:
            raise self.error(index, f"height {value} out of range 0..{MAX_HEIGHT}")
        return value

    def hash_or_height(self, index: int) -> UInt256 | int:
        """getblock's first parameter: a number is a height, a string a hash."""
        value = self._get(index)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.height(index)
        return self.uint256(index)

    def output_index(self, index: int) -> int:
        value = self._get(index)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFF:
            raise self.error(index, "expected an output index 0..65535")
        return value

    def flag(self, index: int, default: bool = False) -> bool:
        """NEO's `verbose`: true/false, or a number (non-zero is true)."""
        if not self.has(index):
            return default
        value = self.values[index]
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        raise self.error(index, f"expected a boolean, got {_json_type(value)}")

    def address(self, index: int) -> UInt160:
        """An address of this chain (any of its version bytes, SPEC §3): its script hash."""
        text = self.string(index)
        try:
            return decode_address(text)[1]
        except ValueError as exc:
            raise self.error(index, f"invalid address {text!r}: {exc}") from None

    def hex_bytes(self, index: int) -> bytes:
        text = self.string(index)
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise self.error(index, "expected hex bytes") from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
