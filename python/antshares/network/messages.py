"""Payloads of the 1.0 P2P messages (format-1x §8), with the 2.x ping/pong payload.

Every decoder takes the payload of one frame and either returns a value or raises `MessageError`:
counts are checked against their cap and against the bytes left before anything is allocated, and
trailing bytes are an error. Encoders refuse what the decoders would refuse, so a round trip holds.

Caps (SPEC §10 where it sets one):
- inv / getdata / notfound: ≤ 500 hashes (`MAX_INVENTORY`, SPEC §10).
- headers: ≤ 2000 (`MAX_HEADERS`, SPEC §10; the native decoder enforces the same cap).
- addr: ≤ 1000 entries (`MAX_ADDRESSES`). 1.0 did not cap it; 2.x reads at most 200. We send at
  most 200 and accept up to Bitcoin's 1000, enough for any honest peer.
- getblocks / getheaders locator: ≤ 500 hashes (`MAX_LOCATOR`). A locator built by exponential
  back-off holds about 10 + log2(height) hashes; 2.x reads at most 16, we send at most 64.
- version user agent: ≤ 1024 bytes of UTF-8 (2.x's cap).
"""

import ipaddress
import struct
from dataclasses import dataclass
from enum import IntEnum

from antshares_native._native import (
    Block,
    DecodeError,
    Header,
    Transaction,
    decode_headers_payload,
    decode_var_int,
    encode_headers_payload,
    encode_var_int,
)

__all__ = [
    "HASH_SIZE",
    "MAX_ADDRESSES",
    "MAX_HEADERS",
    "MAX_INVENTORY",
    "MAX_LOCATOR",
    "MAX_USER_AGENT",
    "GetBlocksPayload",
    "InvType",
    "InventoryPayload",
    "MessageError",
    "NetworkAddress",
    "PingPayload",
    "VersionPayload",
    "decode_addr",
    "decode_block",
    "decode_getblocks",
    "decode_headers",
    "decode_inventory",
    "decode_ping",
    "decode_transaction",
    "decode_version",
    "encode_addr",
    "encode_getblocks",
    "encode_headers",
    "encode_inventory",
    "encode_ping",
    "encode_version",
    "expect_empty",
    "headers_payload_from_raw",
]

HASH_SIZE = 32
MAX_INVENTORY = 500
MAX_HEADERS = 2000
MAX_ADDRESSES = 1000
MAX_LOCATOR = 500
MAX_USER_AGENT = 1024


class MessageError(ValueError):
    """A payload that does not decode as its command's message: a protocol violation."""


class InvType(IntEnum):
    """Inventory types of inv / getdata (format-1x §8)."""

    TX = 0x01
    BLOCK = 0x02
    CONSENSUS = 0xE0


_INV_TYPES = frozenset(int(t) for t in InvType)

# Version, services, timestamp, port, nonce: the fixed part before the user agent.
_VERSION_HEAD = struct.Struct("<IQIHI")
_U32 = struct.Struct("<I")
# Timestamp, services, IPv6 address, port. The port is big-endian on the wire; it is read here as
# little-endian with the rest of the record and byte-swapped, so one unpack reads a whole entry.
_ADDRESS = struct.Struct("<IQ16sH")
_PING = struct.Struct("<III")
_IPV4_MAPPED_PREFIX = bytes(10) + b"\xff\xff"


def _swap16(value: int) -> int:
    return ((value & 0xFF) << 8) | (value >> 8)


def _read_count(data: bytes, offset: int, what: str, cap: int, item_size: int) -> tuple[int, int]:
    """A var-int count at `offset`, checked against `cap` and against the bytes left."""
    try:
        count, size = decode_var_int(data[offset : offset + 9])
    except DecodeError as e:
        raise MessageError(f"{what}: bad count at offset {offset}: {e.reason}") from None
    if count > cap:
        raise MessageError(f"{what}: {count} entries, over the cap of {cap}")
    offset += size
    if count * item_size > len(data) - offset:
        raise MessageError(
            f"{what}: {count} entries need {count * item_size} bytes, only "
            f"{len(data) - offset} left"
        )
    return count, offset


def _no_trailing(data: bytes, offset: int, what: str) -> None:
    if offset != len(data):
        raise MessageError(f"{what}: {len(data) - offset} trailing bytes")


def _u32(value: int, what: str) -> int:
    if not 0 <= value <= 0xFFFFFFFF:
        raise MessageError(f"{what} {value} is not a u32")
    return value


def expect_empty(payload: bytes, command: str) -> None:
    """verack, getaddr, mempool: no payload."""
    if payload:
        raise MessageError(f"{command}: {len(payload)} bytes where none are expected")


# --- version -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionPayload:
    version: int
    services: int
    timestamp: int
    port: int
    nonce: int
    user_agent: str
    start_height: int
    relay: bool = True
    """Absent in pre-MainNet 1.0 peers: they relay."""


def encode_version(v: VersionPayload) -> bytes:
    agent = v.user_agent.encode("utf-8")
    if len(agent) > MAX_USER_AGENT:
        raise MessageError(f"version: user agent of {len(agent)} bytes, over {MAX_USER_AGENT}")
    try:
        head = _VERSION_HEAD.pack(v.version, v.services, v.timestamp, v.port, v.nonce)
    except struct.error as e:
        raise MessageError(f"version: {e}") from None
    return b"".join(
        (
            head,
            encode_var_int(len(agent)),
            agent,
            _U32.pack(_u32(v.start_height, "version: start height")),
            b"\x01" if v.relay else b"\x00",
        )
    )


def decode_version(data: bytes) -> VersionPayload:
    if len(data) < _VERSION_HEAD.size:
        raise MessageError(f"version: {len(data)} bytes, the fixed part needs {_VERSION_HEAD.size}")
    version, services, timestamp, port, nonce = _VERSION_HEAD.unpack_from(data)
    length, offset = _read_count(data, _VERSION_HEAD.size, "version user agent", MAX_USER_AGENT, 1)
    try:
        agent = data[offset : offset + length].decode("utf-8")
    except UnicodeDecodeError:
        raise MessageError("version: the user agent is not UTF-8") from None
    offset += length
    if len(data) - offset < _U32.size:
        raise MessageError("version: truncated before the start height")
    (start_height,) = _U32.unpack_from(data, offset)
    offset += _U32.size
    relay = True
    if offset < len(data):
        flag = data[offset]
        if flag > 1:
            raise MessageError(f"version: relay flag {flag} is not a bool")
        relay = flag == 1
        offset += 1
    _no_trailing(data, offset, "version")
    return VersionPayload(version, services, timestamp, port, nonce, agent, start_height, relay)


# --- addr ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkAddress:
    timestamp: int
    services: int
    host: str
    """IPv4 dotted quad for IPv4-mapped addresses, else the compressed IPv6 form."""
    port: int


def _host_bytes(host: str) -> bytes:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise MessageError(f"addr: {host!r} is not an IP address") from None
    if isinstance(ip, ipaddress.IPv4Address):
        return _IPV4_MAPPED_PREFIX + ip.packed
    return ip.packed


def _host_text(raw: bytes) -> str:
    if raw.startswith(_IPV4_MAPPED_PREFIX):
        return str(ipaddress.IPv4Address(raw[12:]))
    return str(ipaddress.IPv6Address(raw))


def encode_addr(addresses: list[NetworkAddress]) -> bytes:
    if len(addresses) > MAX_ADDRESSES:
        raise MessageError(f"addr: {len(addresses)} entries, over the cap of {MAX_ADDRESSES}")
    parts = [encode_var_int(len(addresses))]
    for a in addresses:
        if not 0 <= a.port <= 0xFFFF:
            raise MessageError(f"addr: port {a.port} out of range")
        try:
            parts.append(
                _ADDRESS.pack(a.timestamp, a.services, _host_bytes(a.host), _swap16(a.port))
            )
        except struct.error as e:
            raise MessageError(f"addr: {e}") from None
    return b"".join(parts)


def decode_addr(data: bytes) -> list[NetworkAddress]:
    count, offset = _read_count(data, 0, "addr", MAX_ADDRESSES, _ADDRESS.size)
    _no_trailing(data, offset + count * _ADDRESS.size, "addr")
    return [
        NetworkAddress(timestamp, services, _host_text(raw), _swap16(port))
        for timestamp, services, raw, port in _ADDRESS.iter_unpack(data[offset:])
    ]


# --- inv / getdata / notfound ----------------------------------------------------------------


@dataclass(frozen=True)
class InventoryPayload:
    type: InvType
    hashes: tuple[bytes, ...]


def encode_inventory(inv_type: InvType, hashes: list[bytes] | tuple[bytes, ...]) -> bytes:
    if len(hashes) > MAX_INVENTORY:
        raise MessageError(f"inv: {len(hashes)} hashes, over the cap of {MAX_INVENTORY}")
    if any(len(h) != HASH_SIZE for h in hashes):
        raise MessageError("inv: every hash is 32 bytes")
    return bytes((inv_type,)) + encode_var_int(len(hashes)) + b"".join(hashes)


def decode_inventory(data: bytes) -> InventoryPayload:
    if not data:
        raise MessageError("inv: empty payload")
    if data[0] not in _INV_TYPES:
        raise MessageError(f"inv: unknown inventory type 0x{data[0]:02x}")
    count, offset = _read_count(data, 1, "inv", MAX_INVENTORY, HASH_SIZE)
    end = offset + count * HASH_SIZE
    _no_trailing(data, end, "inv")
    hashes = tuple(data[i : i + HASH_SIZE] for i in range(offset, end, HASH_SIZE))
    return InventoryPayload(InvType(data[0]), hashes)


# --- getblocks / getheaders ------------------------------------------------------------------


@dataclass(frozen=True)
class GetBlocksPayload:
    locator: tuple[bytes, ...]
    """HashStart: our hashes from the tip back, exponentially spaced."""
    hash_stop: bytes
    """Stop after this block (32 zero bytes: no stop)."""


def encode_getblocks(
    locator: list[bytes] | tuple[bytes, ...], hash_stop: bytes = bytes(32)
) -> bytes:
    if len(locator) > MAX_LOCATOR:
        raise MessageError(f"getblocks: {len(locator)} locator hashes, over {MAX_LOCATOR}")
    if any(len(h) != HASH_SIZE for h in (*locator, hash_stop)):
        raise MessageError("getblocks: every hash is 32 bytes")
    return encode_var_int(len(locator)) + b"".join(locator) + hash_stop


def decode_getblocks(data: bytes) -> GetBlocksPayload:
    count, offset = _read_count(data, 0, "getblocks locator", MAX_LOCATOR, HASH_SIZE)
    end = offset + count * HASH_SIZE
    _no_trailing(data, end + HASH_SIZE, "getblocks")
    locator = tuple(data[i : i + HASH_SIZE] for i in range(offset, end, HASH_SIZE))
    return GetBlocksPayload(locator, data[end:])


# --- headers ---------------------------------------------------------------------------------


def encode_headers(headers: list[Header]) -> bytes:
    if len(headers) > MAX_HEADERS:
        raise MessageError(f"headers: {len(headers)} headers, over the cap of {MAX_HEADERS}")
    return encode_headers_payload(headers)


def headers_payload_from_raw(raws: list[bytes]) -> bytes:
    """A headers payload from `ChainReader.header_raw` values (each already ends in 0x00)."""
    if len(raws) > MAX_HEADERS:
        raise MessageError(f"headers: {len(raws)} headers, over the cap of {MAX_HEADERS}")
    return encode_var_int(len(raws)) + b"".join(raws)


def decode_headers(data: bytes) -> list[Header]:
    try:
        return decode_headers_payload(data)
    except ValueError as e:  # DecodeError, or a field the native constructors refuse
        raise MessageError(f"headers: {e}") from None


# --- block / tx ------------------------------------------------------------------------------


def decode_block(data: bytes) -> Block:
    try:
        return Block.from_bytes(data)
    except ValueError as e:
        raise MessageError(f"block: {e}") from None


def decode_transaction(data: bytes) -> Transaction:
    try:
        return Transaction.from_bytes(data)
    except ValueError as e:
        raise MessageError(f"tx: {e}") from None


# --- ping / pong (2.x) -----------------------------------------------------------------------


@dataclass(frozen=True)
class PingPayload:
    last_block_index: int
    timestamp: int
    nonce: int


def encode_ping(p: PingPayload) -> bytes:
    try:
        return _PING.pack(p.last_block_index, p.timestamp, p.nonce)
    except struct.error as e:
        raise MessageError(f"ping: {e}") from None


def decode_ping(data: bytes) -> PingPayload:
    if len(data) != _PING.size:
        raise MessageError(f"ping: {len(data)} bytes, expected {_PING.size}")
    return PingPayload(*_PING.unpack(data))
