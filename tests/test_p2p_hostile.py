"""Hostile peers on loopback: each bad connection is dropped while a well-behaved peer is still
served, scores add up per IP to a ban, and a banned IP is refused at once.

Bans are per IP, so each attacker connects from its own loopback source address (127.0.0.2, ...;
Linux routes all of 127/8 to lo) while the well-behaved peer uses 127.0.0.1.
"""

import asyncio
import os
import struct
import time

import pytest

from antshares.core import Block
from antshares.network import _framing_py
from antshares.network import messages as m
from antshares.network.config import Score
from antshares.network.node import P2PNode
from test_p2p import (
    LOOPS,
    FakeChain,
    Net,
    RawPeer,
    blocks,
    config,
    eventually,
    magic,
    peer_count,
    run,
    served,
    with_net,
)

CAP = 0x02000000


def header_raw(height: int) -> bytes:
    """Block `height`'s header as the headers message carries it."""
    return Block.from_bytes(blocks()[height]).header.to_bytes() + b"\x00"


def frame_header(magic_value: int, command: bytes, length: int, checksum: bytes) -> bytes:
    return struct.pack("<I12sI4s", magic_value, command, length, checksum)


def bad_magic() -> bytes:
    return _framing_py.encode_message(magic() ^ 0x01010101, "ping", bytes(12))


def bad_checksum() -> bytes:
    frame = bytearray(_framing_py.encode_message(magic(), "ping", bytes(12)))
    frame[20] ^= 0xFF
    return bytes(frame)


def oversize_header() -> bytes:
    # Only the header: the node must not wait for (or buffer) 32 MiB of payload.
    return frame_header(magic(), b"block", CAP + 1, bytes(4))


def inv_501() -> bytes:
    payload = b"\x01\xfd\xf5\x01" + os.urandom(32) * 501
    return _framing_py.encode_message(magic(), "inv", payload)


def garbage() -> bytes:
    return b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(200)


ATTACKS = {
    "bad-magic": bad_magic,
    "bad-checksum": bad_checksum,
    "oversize-length": oversize_header,
    "inv-501": inv_501,
    "garbage": garbage,
}


@pytest.mark.parametrize("loop", LOOPS)
def test_each_hostile_connection_is_dropped_while_others_are_served(loop: str) -> None:
    async def body(net: Net) -> None:
        chain = FakeChain(blocks()[:40])
        node = await net.node(chain)
        genesis = chain.hash_at(0)
        assert genesis is not None
        bystander = await RawPeer.connect(node.listening_port)
        for i, (name, attack) in enumerate(ATTACKS.items()):
            before = node.stats()["misbehaviour"]
            source = f"127.0.0.{i + 2}"
            hostile = await RawPeer.connect(node.listening_port, source=source)
            hostile.send_raw(attack())
            assert await hostile.dropped(), f"{name}: not dropped"
            assert node.stats()["misbehaviour"] == before + 1, name
            assert not node.bans.is_banned(source, 0.0), name  # one offence is not a ban
            await served(node.listening_port, genesis)
        # The bystander connected before all this is still there and answered.
        bystander.send("ping", m.encode_ping(m.PingPayload(0, 0, 5)))
        assert m.decode_ping(await bystander.expect("pong")).nonce == 5
        bystander.close()

    run(lambda: with_net(body), loop)


def test_garbage_before_the_handshake_and_silence_are_dropped() -> None:
    async def body(net: Net) -> None:
        chain = FakeChain(blocks()[:5])
        node = await net.node(chain, handshake_timeout=0.5)
        silent = await RawPeer.connect(node.listening_port, source="127.0.0.2", handshake=False)
        early = await RawPeer.connect(node.listening_port, source="127.0.0.3", handshake=False)
        early.send("getheaders", m.encode_getblocks([bytes(32)]))  # before version
        assert await early.dropped()
        assert await silent.dropped(timeout=2.0)  # no version within the handshake timeout
        genesis = chain.hash_at(0)
        assert genesis is not None
        await served(node.listening_port, genesis)

    run(lambda: with_net(body))


def test_malformed_transaction_is_dropped_and_scored() -> None:
    async def body(net: Net) -> None:
        chain = FakeChain(blocks()[:5])
        node = await net.node(chain)
        peer = await RawPeer.connect(node.listening_port, source="127.0.0.2")
        peer.send("tx", b"\x80\x00\x01")  # a ContractTransaction cut short
        assert await peer.dropped()
        assert node.bans.score_of("127.0.0.2") == Score.MALFORMED
        assert chain.offered_transactions == []

    run(lambda: with_net(body))


def test_unknown_commands_score_without_dropping() -> None:
    async def body(net: Net) -> None:
        node = await net.node(FakeChain(blocks()[:5]))
        peer = await RawPeer.connect(node.listening_port, source="127.0.0.2")
        peer.send("filterload", b"\x00")  # a 1.0 command we ignore: no score
        peer.send("nonsense")
        peer.send("ping", m.encode_ping(m.PingPayload(0, 0, 9)))
        assert m.decode_ping(await peer.expect("pong")).nonce == 9
        assert node.bans.score_of("127.0.0.2") == Score.UNKNOWN_COMMAND
        peer.close()

    run(lambda: with_net(body))


def test_scores_add_up_to_a_ban_and_the_banned_ip_is_refused() -> None:
    async def body(net: Net) -> None:
        chain = FakeChain(blocks()[:40])
        node = await net.node(chain, ban_score=100, ban_seconds=1.5)
        genesis = chain.hash_at(0)
        assert genesis is not None
        good = await RawPeer.connect(node.listening_port)
        attacker = "127.0.0.7"
        first = await RawPeer.connect(node.listening_port, source=attacker)
        first.send_raw(bad_checksum())  # framing: 50 points, dropped
        assert await first.dropped()
        assert node.bans.score_of(attacker) == Score.FRAMING
        second = await RawPeer.connect(node.listening_port, source=attacker)
        # Headers that do not link to anything we have: 20 points each, not dropped at first.
        unlinked = m.headers_payload_from_raw([header_raw(60)])
        for _ in range(3):
            second.send("headers", unlinked)
        assert await second.dropped(), "not dropped at the ban score"
        assert node.stats()["bans"] == 1
        assert [host for host, _ in node.banned()] == [attacker]
        # The next connection from the banned IP is closed at once: not even a version comes.
        third = await RawPeer.connect(node.listening_port, source=attacker, handshake=False)
        assert await third.reader.read(100) == b""
        assert node.stats()["refused"] >= 1
        # Everyone else is still served, the peer connected before included.
        await served(node.listening_port, genesis)
        good.send("ping", m.encode_ping(m.PingPayload(0, 0, 3)))
        assert m.decode_ping(await good.expect("pong")).nonce == 3
        # The ban expires.
        await asyncio.sleep(1.6)
        again = await RawPeer.connect(node.listening_port, source=attacker)
        again.close()
        assert node.banned() == []

    run(lambda: with_net(body))


def test_a_peer_serving_invalid_blocks_is_scored_then_banned() -> None:
    """The learner's sink rejects block 20: the server is scored each time it serves it, the
    header chain is cut there, and after the second time its IP is banned."""

    async def body(net: Net) -> None:
        server = await net.node(FakeChain(blocks()[:51]))
        learner_chain = FakeChain(blocks()[:1], invalid={20})
        learner = await net.node(learner_chain, seeds=[server], ban_seconds=60)
        await eventually(lambda: learner.stats()["bans"] == 1, timeout=10, what="the ban")
        assert learner_chain.height == 19
        stats = learner.stats()
        assert stats["invalid_blocks"] == 2
        assert [host for host, _ in learner.banned()] == ["127.0.0.1"]
        await eventually(lambda: peer_count(learner) == 0)
        await asyncio.sleep(0.3)  # and it does not dial the banned address again
        assert peer_count(learner) == 0 and peer_count(server) == 0

    run(lambda: with_net(body))


def test_a_stalling_peer_loses_its_requests_to_another() -> None:
    """One peer announces a height and never answers getdata: the blocks time out and come from
    the other peer."""

    async def body(net: Net) -> None:
        server = await net.node(FakeChain(blocks()[:101]))
        learner_chain = FakeChain(blocks()[:1])
        learner = await net.node(learner_chain, block_timeout=0.5, blocks_per_request=8)
        staller = await RawPeer.connect(learner.listening_port, source="127.0.0.9", height=100)
        payload = await staller.expect("getheaders")
        # Hand over the real headers, then sit on every getdata.
        locator = m.decode_getblocks(payload).locator
        assert locator[-1] == learner_chain.hash_at(0)
        staller.send("headers", m.headers_payload_from_raw([header_raw(h) for h in range(1, 101)]))
        await staller.expect("getdata")
        learner.addresses.add_seed("127.0.0.1", server.listening_port)
        await eventually(lambda: learner_chain.height == 100, timeout=10, what="sync past it")
        assert learner.stats()["misbehaviour"] == 0
        staller.close()

    run(lambda: with_net(body))


def test_banned_ip_is_not_dialled() -> None:
    async def body(net: Net) -> None:
        server = await net.node(FakeChain(blocks()[:1]))
        chain = FakeChain(blocks()[:1])
        client = P2PNode(config(seeds=(("127.0.0.1", server.listening_port),)), chain, chain)
        client.bans.ban("127.0.0.1", server.listening_port, "test", time.monotonic())
        await client.start()
        try:
            await asyncio.sleep(0.4)
            assert peer_count(server) == 0 and server.stats()["peers_inbound"] == 0
        finally:
            await client.stop()

    run(lambda: with_net(body))
