"""Hostile P2P traffic against a real node process: each bad peer is cut off, the node keeps
serving a well-behaved peer (a ping answered within 2 s) and its bookkeeper link.

Hostile sockets come from 127.0.0.2 and the good peer from 127.0.0.3 (all of 127/8 is
loopback on Linux), so the ban the hostile address earns does not touch the others.
"""

import os
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from antshares.devnet.init import DevnetInit, init_devnet
from antshares.network.framing import FrameDecoder, encode_message
from antshares.network.messages import (
    InvType,
    PingPayload,
    VersionPayload,
    decode_ping,
    encode_inventory,
    encode_ping,
    encode_version,
)
from antshares.node.localnet import LocalNode, wait_until

pytestmark = pytest.mark.slow

HOSTILE, GOOD = "127.0.0.2", "127.0.0.3"


class RawPeer:
    """A hand-driven P2P connection (blocking socket, a deadline on every read)."""

    def __init__(self, magic: int, port: int, source: str) -> None:
        self.magic = magic
        self.sock = socket.create_connection(
            ("127.0.0.1", port), timeout=5, source_address=(source, 0)
        )
        self.decoder = FrameDecoder(magic)
        self.inbox: list[tuple[str, bytes]] = []

    def send(self, command: str, payload: bytes = b"") -> None:
        self.sock.sendall(encode_message(self.magic, command, payload))

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def receive(self, command: str, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            for i, (name, payload) in enumerate(self.inbox):
                if name == command:
                    del self.inbox[i]
                    return payload
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {command} within {timeout} s")
            self.sock.settimeout(remaining)
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed by the node")
            self.inbox.extend(self.decoder.feed(data))

    def handshake(self) -> None:
        version = VersionPayload(
            0, 1, int(time.time()), 0, int.from_bytes(os.urandom(4)), "/raw/", 0
        )
        self.send("version", encode_version(version))
        self.receive("version", 5)
        self.receive("verack", 5)
        self.send("verack")

    def closed_by_node(self, timeout: float) -> bool:
        """True when the node closes the connection within `timeout` (reset counts)."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.sock.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    if not self.sock.recv(65536):
                        return True
                except TimeoutError:
                    return False
        except (ConnectionResetError, BrokenPipeError):
            return True
        return False

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[DevnetInit, LocalNode, LocalNode]]:
    devnet = init_devnet(tmp_path / "bookkeeper", block_time=1, seed="hostile")
    bookkeeper = LocalNode(
        "bookkeeper",
        tmp_path / "bookkeeper",
        devnet.profile_path,
        key_file=devnet.keys_path,
        block_time=1,
    )
    target = LocalNode("target", tmp_path / "target", devnet.profile_path, extra_config="")
    started = []
    try:
        started.append(bookkeeper.start())
        target.seeds = [bookkeeper.endpoint]
        started.append(target.start())
        wait_until(lambda: target.rpc.call("getconnectioncount") >= 1, 20, "target linked")
        yield devnet, bookkeeper, target
    except BaseException:
        for node in started:
            print(f"--- {node.name} ---\n{node.log_tail(60)}")
        raise
    finally:
        for node in started:
            node.stop()


def hostile_cases(magic: int) -> dict[str, tuple[bool, bytes]]:
    """name → (handshake first, bytes to send)."""
    ping = encode_ping(PingPayload(0, 0, 1))
    good = encode_message(magic, "ping", ping)
    bad_checksum = good[:20] + bytes([good[20] ^ 0xFF]) + good[21:]
    oversize = struct.pack("<I12sII", magic, b"block".ljust(12, b"\0"), 0x7FFFFFFF, 0)
    hashes = [os.urandom(32) for _ in range(501)]
    big_inv = encode_message(magic, "inv", encode_inventory_unchecked(InvType.TX, hashes))
    return {
        "bad magic": (False, encode_message(magic ^ 1, "version", b"\0" * 30)),
        "bad checksum": (True, bad_checksum),
        "oversize length": (True, oversize),
        "inv of 501 hashes": (True, big_inv),
        "garbage": (False, os.urandom(4096)),
    }


def encode_inventory_unchecked(inv_type: InvType, hashes: list[bytes]) -> bytes:
    """An inv payload past the 500-hash cap (the encoder refuses to make one)."""
    try:
        return encode_inventory(inv_type, hashes)
    except ValueError:
        return bytes([inv_type]) + b"\xfd" + struct.pack("<H", len(hashes)) + b"".join(hashes)


def test_hostile_peers_are_cut_off_while_a_good_peer_is_served(
    nodes: tuple[DevnetInit, LocalNode, LocalNode],
) -> None:
    devnet, bookkeeper, target = nodes
    magic = devnet.profile.magic
    good = RawPeer(magic, target.p2p_port, GOOD)
    good.handshake()
    # Each case from its own address: a ban earned by one case must not hide the next.
    for number, (name, (handshake, data)) in enumerate(hostile_cases(magic).items()):
        hostile = RawPeer(magic, target.p2p_port, f"127.0.0.{10 + number}")
        try:
            if handshake:
                hostile.handshake()
            hostile.send_raw(data)
            assert hostile.closed_by_node(5), f"{name}: the node kept the connection"
        finally:
            hostile.close()
        start = time.monotonic()
        good.send("ping", encode_ping(PingPayload(0, int(time.time()), number)))
        assert decode_ping(good.receive("pong", 2)).nonce == number, name
        assert time.monotonic() - start < 2, name
    # Misbehaviour adds up to a ban: the next connection from that address is refused at once.
    for _ in range(2):
        repeat = RawPeer(magic, target.p2p_port, HOSTILE)
        repeat.send_raw(encode_message(magic ^ 1, "version", b""))
        assert repeat.closed_by_node(5)
        repeat.close()
    banned = RawPeer(magic, target.p2p_port, HOSTILE)
    try:
        assert banned.closed_by_node(2)
    finally:
        banned.close()
    assert HOSTILE in {p["address"] for p in target.rpc.call("getpeers")["bad"]}
    # The bookkeeper link was never cut: the target still follows the chain.
    height = bookkeeper.height()
    wait_until(lambda: target.height() >= height + 1, 10, "the target to follow new blocks")
    good.close()
