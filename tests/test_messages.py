"""P2P message payloads (antshares.network.messages, format-1x §8): layouts, round trips, caps,
truncation, and garbage that must raise MessageError and nothing else."""

import contextlib
import struct
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antshares.core import Block, Header
from antshares.network import messages as m
from antshares.network.messages import MessageError
from conftest import block_bytes

H = [bytes([i]) * 32 for i in range(256)]


def real_headers() -> list[Header]:
    return [Block.from_bytes(block_bytes("mainnet-1050514.hex")).header]


VERSION = m.VersionPayload(0, 1, 1_700_000_000, 10333, 0xDEADBEEF, "/AntShares:1.0/", 1234, True)


def test_version_layout_and_round_trip() -> None:
    raw = m.encode_version(VERSION)
    head = struct.pack("<IQIHI", 0, 1, 1_700_000_000, 10333, 0xDEADBEEF)
    agent = b"/AntShares:1.0/"
    assert raw == head + bytes([len(agent)]) + agent + struct.pack("<I", 1234) + b"\x01"
    assert m.decode_version(raw) == VERSION
    no_relay = m.VersionPayload(0, 1, 5, 0, 7, "", 0, relay=False)
    assert m.decode_version(m.encode_version(no_relay)) == no_relay


def test_version_without_relay_byte_relays() -> None:
    # Peers from before 2016-10-11 send no Relay bool: they relay.
    raw = m.encode_version(VERSION)[:-1]
    assert m.decode_version(raw) == VERSION


def test_version_refusals() -> None:
    raw = m.encode_version(VERSION)
    for cut in range(len(raw) - 1):
        with pytest.raises(MessageError):
            m.decode_version(raw[:cut])
    with pytest.raises(MessageError, match="bool"):
        m.decode_version(raw[:-1] + b"\x02")
    with pytest.raises(MessageError, match="trailing"):
        m.decode_version(raw + b"\x00")
    bad_utf8 = struct.pack("<IQIHI", 0, 1, 0, 0, 0) + b"\x02\xff\xfe" + bytes(4)
    with pytest.raises(MessageError, match="UTF-8"):
        m.decode_version(bad_utf8)
    long_agent = struct.pack("<IQIHI", 0, 1, 0, 0, 0) + b"\xfd\x01\x04" + b"a" * 1025 + bytes(4)
    with pytest.raises(MessageError, match="cap"):
        m.decode_version(long_agent)
    with pytest.raises(MessageError):
        m.encode_version(m.VersionPayload(0, 1, 0, 0, 0, "a" * 1025, 0))
    with pytest.raises(MessageError):
        m.encode_version(m.VersionPayload(0, 1, 0, 70000, 0, "", 0))


def test_addr_layout_and_round_trip() -> None:
    entries = [
        m.NetworkAddress(1_700_000_000, 1, "10.1.2.3", 10333),
        m.NetworkAddress(5, 0, "2001:db8::1", 1),
    ]
    raw = m.encode_addr(entries)
    assert raw[0] == 2
    first = raw[1:31]
    # IPv4-mapped address; the port is big-endian (10333 = 0x285d).
    assert first[12:28] == bytes(10) + b"\xff\xff" + bytes([10, 1, 2, 3])
    assert first[28:30] == b"\x28\x5d"
    assert m.decode_addr(raw) == entries
    assert m.decode_addr(b"\x00") == []


def test_addr_caps_and_truncation() -> None:
    one = m.encode_addr([m.NetworkAddress(0, 1, "1.2.3.4", 80)])[1:]
    assert len(m.decode_addr(b"\xfd\xe8\x03" + one * 1000)) == 1000
    with pytest.raises(MessageError, match="cap"):
        m.decode_addr(b"\xfd\xe9\x03" + one * 1001)
    # A count the bytes cannot hold is refused before anything is built.
    with pytest.raises(MessageError, match="left"):
        m.decode_addr(b"\xfd\xe8\x03" + one)
    with pytest.raises(MessageError, match="trailing"):
        m.decode_addr(b"\x01" + one + b"\x00")
    with pytest.raises(MessageError):
        m.encode_addr([m.NetworkAddress(0, 1, "example.org", 80)])
    with pytest.raises(MessageError):
        m.encode_addr([m.NetworkAddress(0, 1, "1.2.3.4", 80)] * 1001)


def test_inventory() -> None:
    for t in m.InvType:
        raw = m.encode_inventory(t, H[:3])
        assert raw == bytes([t, 3]) + b"".join(H[:3])
        assert m.decode_inventory(raw) == m.InventoryPayload(t, tuple(H[:3]))
    full = m.encode_inventory(m.InvType.TX, H[:250] * 2)
    assert len(m.decode_inventory(full).hashes) == 500
    # SPEC §10: at most 500 hashes; more is a protocol violation.
    over = b"\x01\xfd\xf5\x01" + b"".join(H[:250]) * 2 + H[0]
    with pytest.raises(MessageError, match="501 entries, over the cap of 500"):
        m.decode_inventory(over)
    with pytest.raises(MessageError):
        m.encode_inventory(m.InvType.TX, H[:250] * 2 + H[:1])
    with pytest.raises(MessageError, match="type"):
        m.decode_inventory(b"\x03\x00")
    with pytest.raises(MessageError):
        m.decode_inventory(b"")
    with pytest.raises(MessageError, match="left"):
        m.decode_inventory(b"\x02\x02" + H[1])
    with pytest.raises(MessageError, match="trailing"):
        m.decode_inventory(b"\x02\x01" + H[1] + b"\x00")
    with pytest.raises(MessageError):
        m.encode_inventory(m.InvType.TX, [b"short"])


def test_non_canonical_var_int_count_is_refused() -> None:
    with pytest.raises(MessageError, match="count"):
        m.decode_inventory(b"\x02\xfd\x01\x00" + H[1])


def test_getblocks() -> None:
    raw = m.encode_getblocks(H[1:4], H[9])
    assert raw == b"\x03" + H[1] + H[2] + H[3] + H[9]
    assert m.decode_getblocks(raw) == m.GetBlocksPayload(tuple(H[1:4]), H[9])
    assert m.decode_getblocks(m.encode_getblocks([])).hash_stop == bytes(32)
    with pytest.raises(MessageError, match="cap"):
        m.decode_getblocks(b"\xfd\xf5\x01" + bytes(32 * 502))
    with pytest.raises(MessageError):
        m.decode_getblocks(b"\x01" + H[1])  # no hash_stop
    with pytest.raises(MessageError):
        m.encode_getblocks([bytes(32)] * 501)


def test_headers() -> None:
    headers = real_headers()
    raw = m.encode_headers(headers)
    assert m.decode_headers(raw) == headers
    assert m.headers_payload_from_raw([h.to_bytes() + b"\x00" for h in headers]) == raw
    assert m.decode_headers(b"\x00") == []
    one = raw[1:]
    over = b"\xfd\xd1\x07" + one * 2001
    with pytest.raises(MessageError, match="2000"):
        m.decode_headers(over)
    with pytest.raises(MessageError):
        m.decode_headers(b"\x01" + one[:-1] + b"\x01")  # a header must carry tx count 0
    with pytest.raises(MessageError):
        m.headers_payload_from_raw([one] * 2001)


def test_ping() -> None:
    p = m.PingPayload(1_000_000, 1_700_000_000, 0xFFFFFFFF)
    raw = m.encode_ping(p)
    assert raw == struct.pack("<III", 1_000_000, 1_700_000_000, 0xFFFFFFFF)
    assert m.decode_ping(raw) == p
    for bad in (b"", raw[:-1], raw + b"\x00"):
        with pytest.raises(MessageError):
            m.decode_ping(bad)
    with pytest.raises(MessageError):
        m.encode_ping(m.PingPayload(-1, 0, 0))


def test_objects_and_empty_payloads() -> None:
    raw = block_bytes("mainnet-1050514.hex")
    assert m.decode_block(raw).to_bytes() == raw
    tx = Block.from_bytes(raw).transactions[0]
    assert m.decode_transaction(tx.to_bytes()) == tx
    for decode in (m.decode_block, m.decode_transaction):
        with pytest.raises(MessageError):
            decode(raw[:100])
    m.expect_empty(b"", "verack")
    with pytest.raises(MessageError, match="verack"):
        m.expect_empty(b"\x00", "verack")


DECODERS: list[Callable[[bytes], object]] = [
    m.decode_version,
    m.decode_addr,
    m.decode_inventory,
    m.decode_getblocks,
    m.decode_headers,
    m.decode_ping,
    m.decode_block,
    m.decode_transaction,
]


def _only_message_errors(decode: Callable[[bytes], object], data: bytes) -> None:
    with contextlib.suppress(MessageError):
        decode(data)


@pytest.mark.parametrize("decode", DECODERS, ids=lambda d: d.__name__)
@given(data=st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_garbage_raises_only_message_error(decode: Callable[[bytes], object], data: bytes) -> None:
    _only_message_errors(decode, data)


def _valid_payloads() -> list[tuple[Callable[[bytes], object], bytes]]:
    return [
        (m.decode_version, m.encode_version(VERSION)),
        (m.decode_addr, m.encode_addr([m.NetworkAddress(0, 1, "1.2.3.4", 80)] * 3)),
        (m.decode_inventory, m.encode_inventory(m.InvType.BLOCK, H[:4])),
        (m.decode_getblocks, m.encode_getblocks(H[:3])),
        (m.decode_headers, m.encode_headers(real_headers())),
        (m.decode_block, block_bytes("mainnet-1050514.hex")[:3000]),
    ]


@given(
    which=st.integers(0, 5),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6),
    cut=st.integers(0, 10_000),
)
@settings(max_examples=400, deadline=None)
def test_mutated_payloads_raise_only_message_error(
    which: int, edits: list[tuple[int, int]], cut: int
) -> None:
    decode, raw = _valid_payloads()[which]
    data = bytearray(raw)
    for pos, value in edits:
        data[pos % len(data)] = value
    _only_message_errors(decode, bytes(data[: cut % (len(data) + 1)] if cut % 3 == 0 else data))
