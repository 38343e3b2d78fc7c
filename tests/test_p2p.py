"""The P2P layer (antshares.network) on loopback: handshake, headers-first sync, relay, orphans,
discovery and reconnection. Nodes run over an in-memory chain of real devnet blocks.

Every node listens on port 0 (a free port) at 127.0.0.1. Raw test peers (`RawPeer`) speak the wire
protocol directly; tests/test_p2p_hostile.py uses them for hostile traffic.
"""

import asyncio
import os
import random
import struct
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import uvloop

from antshares.core import Block, Transaction
from antshares.network import _framing_py
from antshares.network import messages as m
from antshares.network.addrbook import AddressBook
from antshares.network.ahead import HeaderChain, OrphanPool
from antshares.network.bounded import ExpiringMap, LruSet
from antshares.network.config import P2PConfig
from antshares.network.node import P2PNode
from antshares.network.peer import Peer
from antshares.network.protocol import PeerProtocol, get_framing
from antshares.node.backend import AcceptResult
from devnet_chain import FIXED8, Account, Devnet, secret_of

CHAIN_LENGTH = 2100  # > 2000: a full headers reply, then a second request


@cache
def devnet() -> tuple[int, tuple[bytes, ...], tuple[bytes, ...]]:
    """(magic, raw blocks from the genesis, raw transactions) of a solo devnet."""
    with tempfile.TemporaryDirectory() as d:
        net = Devnet(Path(d))
        for _ in range(CHAIN_LENGTH):
            net.produce()
        txs = []
        for name in ("alice", "bob", "carol"):
            to = Account.single(secret_of(name)).script_hash
            txs.append(net.contract(net.genesis_holder, [(net.ans, FIXED8, to)]).to_bytes())
        magic = net.profile.magic
        blocks = tuple(b.to_bytes() for b in net.blocks)
        net.state.close()
    return magic, blocks, tuple(txs)


def magic() -> int:
    return devnet()[0]


def blocks() -> tuple[bytes, ...]:
    return devnet()[1]


def txid(raw: bytes) -> bytes:
    return Transaction.from_bytes(raw).hash.to_bytes()


class FakeChain:
    """ChainReader and BlockSink over a list of blocks: accepts a block that links to the tip
    (or rejects the heights in `invalid`), any decodable transaction into the mempool (or rejects
    every one by `tx_rule`)."""

    def __init__(self, raws: Sequence[bytes], invalid: set[int] | None = None) -> None:
        self.magic = magic()
        self._blocks: list[bytes] = []
        self._hashes: list[bytes] = []
        self._heights: dict[bytes, int] = {}
        self.invalid = invalid or set()
        self.tx_rule: str | None = None
        self.mempool: dict[bytes, bytes] = {}
        self.offered_transactions: list[bytes] = []
        self.offered_blocks = 0
        for raw in raws:
            self.append(raw)

    def append(self, raw: bytes) -> bytes:
        block_hash = Block.from_bytes(raw).hash.to_bytes()
        self._heights[block_hash] = len(self._blocks)
        self._blocks.append(raw)
        self._hashes.append(block_hash)
        return block_hash

    # ChainReader

    @property
    def height(self) -> int:
        return len(self._blocks) - 1

    @property
    def tip_hash(self) -> bytes:
        return self._hashes[-1]

    def hash_at(self, height: int) -> bytes | None:
        return self._hashes[height] if 0 <= height < len(self._hashes) else None

    def height_of(self, block_hash: bytes) -> int | None:
        return self._heights.get(block_hash)

    def block_raw(self, block_hash: bytes) -> bytes | None:
        height = self._heights.get(block_hash)
        return None if height is None else self._blocks[height]

    def header_raw(self, block_hash: bytes) -> bytes | None:
        raw = self.block_raw(block_hash)
        return None if raw is None else Block.from_bytes(raw).header.to_bytes() + b"\x00"

    def transaction_raw(self, txid: bytes) -> bytes | None:
        return self.mempool.get(txid)

    def mempool_txids(self) -> list[bytes]:
        return list(self.mempool)

    def has_transaction(self, txid: bytes) -> bool:
        return txid in self.mempool

    # BlockSink

    async def add_blocks(self, raws: Sequence[bytes]) -> list[AcceptResult]:
        await asyncio.sleep(0)  # the real sink works off the loop
        out: list[AcceptResult] = []
        for raw in raws:
            self.offered_blocks += 1
            if out and not out[-1].ok:
                out.append(AcceptResult(False, rule="not-tried"))
                continue
            block = Block.from_bytes(raw)
            block_hash = block.hash.to_bytes()
            if block_hash in self._heights:
                out.append(AcceptResult(False, known=True))
            elif block.index in self.invalid:
                out.append(AcceptResult(False, rule="witness-signature", detail="test"))
            elif block.header.prev_hash.to_bytes() != self.tip_hash:
                out.append(AcceptResult(False, rule="prev-hash", detail="does not link"))
            else:
                self.append(raw)
                out.append(AcceptResult(True))
        return out

    async def add_transaction(self, raw: bytes) -> AcceptResult:
        await asyncio.sleep(0)
        self.offered_transactions.append(raw)
        tx = Transaction.from_bytes(raw)
        key = tx.hash.to_bytes()
        if self.tx_rule is not None:
            return AcceptResult(False, rule=self.tx_rule, detail="test")
        if key in self.mempool:
            return AcceptResult(False, known=True)
        self.mempool[key] = raw
        return AcceptResult(True)


# Running on either loop.

LOOPS = ["asyncio", "uvloop"]


def run(main: Callable[[], Awaitable[None]], loop: str = "asyncio", timeout: float = 30) -> None:
    factory = uvloop.new_event_loop if loop == "uvloop" else asyncio.new_event_loop

    async def bounded() -> None:
        await asyncio.wait_for(main(), timeout)

    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(bounded())


async def eventually(condition: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


def config(**changes: Any) -> P2PConfig:
    base = P2PConfig(
        magic=magic(),
        listen_host="127.0.0.1",
        listen_port=0,
        tick_interval=0.05,
        handshake_timeout=2.0,
        connect_timeout=1.0,
        reconnect_base=0.1,
        reconnect_max=1.0,
        block_timeout=2.0,
        headers_timeout=2.0,
    )
    return replace(base, **changes)


class Net:
    """Started nodes, stopped at the end of the test."""

    def __init__(self) -> None:
        self.nodes: list[P2PNode] = []

    async def node(
        self, chain: FakeChain, seeds: Sequence[P2PNode] = (), **changes: Any
    ) -> P2PNode:
        seed_list = tuple(("127.0.0.1", s.listening_port) for s in seeds)
        node = P2PNode(config(seeds=seed_list, **changes), chain, chain)
        await node.start()
        self.nodes.append(node)
        return node

    async def close(self) -> None:
        for node in self.nodes:
            await node.stop()


async def with_net(body: Callable[[Net], Awaitable[None]]) -> None:
    net = Net()
    try:
        await body(net)
    finally:
        await net.close()


def peer_count(node: P2PNode) -> int:
    return len(node.connected())


# A raw wire peer.


class RawPeer:
    """A hand-driven peer: sends what the test says, reads frames with the pure-Python decoder."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.decoder = _framing_py.FrameDecoder(magic())
        self.inbox: list[tuple[str, bytes]] = []
        self.nonce = random.getrandbits(32)

    @classmethod
    async def connect(
        cls, port: int, source: str = "127.0.0.1", handshake: bool = True, height: int = 0
    ) -> "RawPeer":
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        peer = cls(reader, writer)
        if handshake:
            await peer.handshake(height)
        return peer

    async def handshake(self, height: int = 0) -> None:
        version = m.VersionPayload(0, 1, 0, 0, self.nonce, "/raw/", height)
        self.send("version", m.encode_version(version))
        await self.expect("version")
        self.send("verack")
        await self.expect("verack")

    def send(self, command: str, payload: bytes = b"") -> None:
        self.writer.write(_framing_py.encode_message(magic(), command, payload))

    def send_raw(self, data: bytes) -> None:
        self.writer.write(data)

    async def expect(self, command: str, timeout: float = 2.0) -> bytes:
        """The payload of the next `command` message (others are kept in the inbox)."""
        async with asyncio.timeout(timeout):
            while True:
                for i, (c, p) in enumerate(self.inbox):
                    if c == command:
                        del self.inbox[i]
                        return p
                data = await self.reader.read(65536)
                if not data:
                    raise ConnectionError(f"closed while waiting for {command}")
                self.inbox += self.decoder.feed(data)

    async def dropped(self, timeout: float = 2.0) -> bool:
        """True when the node closes the connection within `timeout` (what it sent is read)."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    data = await self.reader.read(65536)
                    if not data:
                        return True
        except (TimeoutError, ConnectionError):
            return False

    def close(self) -> None:
        self.writer.close()


async def served(port: int, locator: bytes) -> None:
    """A well-behaved peer is answered: a ping within 2 s, and a getheaders."""
    good = await RawPeer.connect(port)
    good.send("ping", m.encode_ping(m.PingPayload(0, 0, 77)))
    pong = m.decode_ping(await good.expect("pong"))
    assert pong.nonce == 77
    good.send("getheaders", m.encode_getblocks([locator]))
    assert len(m.decode_headers(await good.expect("headers"))) > 0
    good.close()


# Units.


def test_bounded_containers() -> None:
    seen = LruSet[int](3)
    assert all(seen.add(i) for i in range(3))
    assert not seen.add(0)  # refreshed: 1 is now the oldest
    seen.add(3)
    assert list(seen) == [2, 0, 3] and 1 not in seen
    requests = ExpiringMap[int, str](2)
    requests.put(1, "a", 1.0)
    requests.put(2, "b", 2.0)
    requests.put(3, "c", 3.0)  # over capacity: 1 goes
    assert 1 not in requests and len(requests) == 2
    assert requests.expire(2.5) == [(2, "b")]
    assert requests.pop(3) == "c" and len(requests) == 0


def test_address_book_backoff_and_bounds() -> None:
    book = AddressBook(capacity=3, backoff_base=1.0, backoff_max=8.0, rng=random.Random(1))
    book.add_seed("seed.example", 10333)
    assert book.add("::ffff:10.0.0.1", 1, 0.0)  # stored as its IPv4 text
    assert ("10.0.0.1", 1) in book
    assert not book.add("10.0.0.1", 1, 0.0)
    for bad in (("0.0.0.0", 1), ("224.0.0.1", 1), ("not-an-ip", 1), ("10.0.0.2", 0)):
        assert not book.add(*bad, 0.0)
    delays = [book.failed(("10.0.0.1", 1), 0.0) for _ in range(6)]
    for n, delay in enumerate(delays, start=1):
        expected = min(8.0, 2.0 ** (n - 1))
        assert 0.75 * expected <= delay <= 1.25 * expected
    assert [e.host for e in book.due(0.0, set())] == ["seed.example"]
    book.succeeded(("10.0.0.1", 1), 1.0)
    assert {e.host for e in book.due(1.0, set())} == {"seed.example", "10.0.0.1"}
    for i in range(2, 10):
        book.add(f"10.0.0.{i}", 1, float(i))
    assert len(book) == 4  # three learned (the capacity) plus the pinned seed
    book.mark_self(("10.0.0.9", 1))
    assert not book.add("10.0.0.9", 1, 0.0)


def test_header_chain_and_orphan_pool() -> None:
    chain = HeaderChain(capacity=3, base_height=10, base_hash=b"t", base_next_consensus=b"T")
    for h in (b"a", b"b", b"c"):
        chain.append(h, h.upper())  # (hash, its NextConsensus)
    assert chain.full and chain.tip_height == 13 and chain.tip_hash == b"c"
    assert chain.tip_next_consensus == b"C"
    with pytest.raises(OverflowError):
        chain.append(b"d", b"D")
    chain.truncate(13)  # an invalid block at 13: the next header is checked against 12's
    assert (chain.tip_hash, chain.tip_next_consensus) == (b"b", b"B")
    chain.append(b"c", b"C")
    assert chain.rebase(11, b"a")  # the local chain reached a header we had
    assert (chain.base_height, len(chain), chain.height_of(b"c")) == (11, 2, 13)
    assert chain.base_next_consensus == b"A"
    assert not chain.rebase(12, b"x")  # it holds another block at 12: start over from it
    assert (chain.tip_height, len(chain)) == (12, 0)
    assert chain.tip_next_consensus is None  # until the caller reads the new tip's
    pool = OrphanPool[str](max_count=2, max_bytes=10)
    assert pool.add(b"1", b"p", b"aaaa", "x")
    assert pool.add(b"2", b"p", b"bbbb", "y")
    assert pool.add(b"3", b"q", b"cccc", "z")  # count and bytes over: the oldest goes
    assert b"1" not in pool and pool.bytes == 8
    assert not pool.add(b"4", b"q", b"c" * 11, "z")  # larger than the whole pool
    assert pool.take_children(b"p") == [(b"2", b"bbbb", "y")]
    assert len(pool) == 1


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.pending = 0
        self.aborted = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 5555) if name == "peername" else default

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.limits = (high, low)

    def get_write_buffer_size(self) -> int:
        return self.pending

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.aborted

    def abort(self) -> None:
        self.aborted = True


class Events:
    def __init__(self) -> None:
        self.got: list[tuple[str, bytes]] = []
        self.framing_errors: list[Exception] = []

    def connection_opened(self, conn: PeerProtocol) -> None:
        pass

    def message_received(self, conn: PeerProtocol, command: str, payload: bytes) -> None:
        self.got.append((command, payload))

    def framing_failed(self, conn: PeerProtocol, error: Exception) -> None:
        self.framing_errors.append(error)

    def connection_closed(self, conn: PeerProtocol, reason: str) -> None:
        pass


@pytest.mark.parametrize("impl", ["cython", "python"])
def test_protocol_output_is_bounded(impl: str) -> None:
    events = Events()
    conn = PeerProtocol(1, events, outbound=False, framing_impl=get_framing(impl), max_pending=1000)
    transport = FakeTransport()
    conn.connection_made(transport)
    assert transport.limits == (1 << 20, 256 << 10)
    assert conn.send("inv", b"x")
    conn.pause_writing()
    drained = asyncio.new_event_loop()
    try:
        waiter = drained.create_task(conn.drain())
        drained.call_soon(conn.resume_writing)
        assert drained.run_until_complete(waiter)
    finally:
        drained.close()
    transport.pending = 1001  # the peer does not read: the next write drops it
    assert not conn.send("inv", b"x")
    assert transport.aborted and "pending" in conn.close_reason
    assert len(transport.written) == 1


@pytest.mark.parametrize("impl", ["cython", "python"])
def test_protocol_framing_error_aborts_before_the_payload(impl: str) -> None:
    events = Events()
    conn = PeerProtocol(1, events, outbound=False, framing_impl=get_framing(impl))
    transport = FakeTransport()
    conn.connection_made(transport)
    good = _framing_py.encode_message(1, "ping", b"")
    oversize = struct.pack("<I12sI", 1, b"block", 0x02000001)  # no checksum, no payload
    conn.data_received(good)
    # The header alone is refused: the connection is dropped before any payload byte comes.
    conn.data_received(oversize + bytes(4))
    assert events.got == [("ping", b"")]
    assert transport.aborted and len(events.framing_errors) == 1
    conn.data_received(good)  # nothing more is read from a dropped peer
    assert events.got == [("ping", b"")]


# Nodes on loopback.


@pytest.mark.parametrize("loop", LOOPS)
@pytest.mark.parametrize("impl", ["cython", "python"])
def test_handshake_and_relay_without_duplicates(loop: str, impl: str) -> None:
    """A, B, C all connected (C dials both); a tx announced by A reaches C over the wire once."""
    tx = devnet()[2][0]

    async def body(net: Net) -> None:
        chains = [FakeChain(blocks()[:11]) for _ in range(3)]
        a = await net.node(chains[0], framing=impl)
        b = await net.node(chains[1], seeds=[a], framing=impl)
        c = await net.node(chains[2], seeds=[a, b], framing=impl)
        await eventually(lambda: [peer_count(n) for n in (a, b, c)] == [2, 2, 2], what="mesh")
        info = b.connected()[0]
        assert info.user_agent == "/AntShares-py:0.1.0/" and info.start_height == 10
        assert info.port == a.listening_port and info.outbound
        assert a.stats()["framing"] == impl

        chains[0].mempool[txid(tx)] = tx
        a.relay_transaction(txid(tx))
        await eventually(lambda: txid(tx) in chains[2].mempool and txid(tx) in chains[1].mempool)
        await asyncio.sleep(0.3)  # let any duplicate arrive
        assert chains[2].offered_transactions == [tx]
        assert chains[1].offered_transactions == [tx]
        assert chains[0].offered_transactions == []
        assert c.stats()["messages_in"]["tx"] == 1
        assert b.stats()["transactions_accepted"] == 1

    run(lambda: with_net(body), loop)


def test_sync_headers_first_from_two_peers() -> None:
    """A node at the genesis syncs 2100 blocks (two getheaders rounds) from two serving nodes;
    both serve blocks."""

    async def body(net: Net) -> None:
        s1 = await net.node(FakeChain(blocks()))
        s2 = await net.node(FakeChain(blocks()))
        learner_chain = FakeChain(blocks()[:1])
        learner = await net.node(
            learner_chain, seeds=[s1, s2], blocks_per_request=16, max_blocks_in_flight=32
        )
        await eventually(lambda: learner_chain.height == CHAIN_LENGTH, timeout=20, what="sync")
        assert learner_chain.tip_hash == FakeChain(blocks()).tip_hash
        served = [s.stats()["messages_out"].get("block", 0) for s in (s1, s2)]
        assert all(n > 0 for n in served), served
        stats = learner.stats()
        assert stats["messages_in"]["headers"] >= 2  # 2000, then the rest
        assert stats["blocks_applied"] == CHAIN_LENGTH
        assert stats["misbehaviour"] == 0 and stats["headers_ahead"] == 0

    run(lambda: with_net(body))


def test_sync_within_tight_bounds() -> None:
    """A header chain of at most 256 ahead, a window of 64 blocks and an 8 KiB buffer: the sync
    still completes, asking for more headers as blocks are applied, and stays within them."""

    async def body(net: Net) -> None:
        server = await net.node(FakeChain(blocks()[:1001]))
        learner_chain = FakeChain(blocks()[:1])
        learner = await net.node(
            learner_chain,
            seeds=[server],
            max_headers_ahead=256,
            max_blocks_ahead=64,
            max_buffer_bytes=8 << 10,
            blocks_per_request=8,
        )
        largest = max(len(b) for b in blocks()[:1001])
        peak_headers = peak_buffer = 0

        def done() -> bool:
            nonlocal peak_headers, peak_buffer
            peak_headers = max(peak_headers, learner.stats()["headers_ahead"])
            peak_buffer = max(peak_buffer, learner.sync.buffer_bytes)
            return learner_chain.height == 1000

        await eventually(done, timeout=20, what="sync")
        assert 0 < peak_headers <= 256
        assert peak_buffer <= (8 << 10) + largest
        assert learner.stats()["messages_in"]["headers"] >= 4  # 1000 / 256

    run(lambda: with_net(body))


def test_relay_along_a_line_and_rejections_stop_there() -> None:
    """A–B–C in a line: a transaction B accepts reaches C through B; one B rejects by policy
    goes no further, and nobody is scored for it."""
    accepted, rejected = devnet()[2][1], devnet()[2][2]

    async def body(net: Net) -> None:
        chains = [FakeChain(blocks()[:1]) for _ in range(3)]
        a = await net.node(chains[0])
        b = await net.node(chains[1], seeds=[a])
        c = await net.node(chains[2], seeds=[b], max_outbound=1)  # only through B
        await eventually(lambda: peer_count(b) == 2 and peer_count(c) == 1)
        assert peer_count(a) == 1
        for tx in (accepted, rejected):
            chains[0].mempool[txid(tx)] = tx
        a.relay_transaction(txid(accepted))
        await eventually(lambda: chains[2].offered_transactions == [accepted], what="A→B→C")
        chains[1].tx_rule = "mempool-fee"
        a.relay_transaction(txid(rejected))
        await eventually(lambda: chains[1].offered_transactions == [accepted, rejected])
        await asyncio.sleep(0.3)
        assert b.stats()["transactions_accepted"] == 1
        assert chains[2].offered_transactions == [accepted]  # B did not pass the rejected on
        assert a.stats()["misbehaviour"] == b.stats()["misbehaviour"] == 0
        assert peer_count(b) == 2

    run(lambda: with_net(body))


def test_keepalive_pings_and_idle_peers_are_dropped() -> None:
    async def body(net: Net) -> None:
        node = await net.node(FakeChain(blocks()[:3]), ping_interval=0.1, idle_timeout=0.8)
        peer = await RawPeer.connect(node.listening_port)
        ping = m.decode_ping(await peer.expect("ping"))
        assert ping.last_block_index == 2
        assert await peer.dropped(timeout=3.0)  # it never answers: dropped as idle
        # A peer that answers stays.
        live = await RawPeer.connect(node.listening_port)
        for _ in range(12):
            nonce = m.decode_ping(await live.expect("ping")).nonce
            live.send("pong", m.encode_ping(m.PingPayload(0, 0, nonce)))
        assert peer_count(node) == 1
        live.close()

    run(lambda: with_net(body))


@pytest.mark.parametrize(("env", "expected"), [("1", "python"), ("0", "cython")])
def test_framing_follows_the_environment(env: str, expected: str) -> None:
    code = "from antshares.network.protocol import get_framing; print(get_framing().name)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "ANTSHARES_NO_EXTENSIONS": env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == expected


def test_new_block_is_relayed_and_fetched() -> None:
    async def body(net: Net) -> None:
        source = FakeChain(blocks()[:21])
        a = await net.node(source)
        follower = FakeChain(blocks()[:21])
        b = await net.node(follower, seeds=[a])
        await eventually(lambda: peer_count(a) == 1 and peer_count(b) == 1)
        new_hash = source.append(blocks()[21])
        a.relay_block(new_hash)
        await eventually(lambda: follower.height == 21, what="the relayed block")
        assert b.stats()["messages_in"].get("headers", 0) == 0  # fetched directly

    run(lambda: with_net(body))


def test_orphan_waits_for_its_parent() -> None:
    async def body(net: Net) -> None:
        chain = FakeChain(blocks()[:32])  # height 31
        node = await net.node(chain)
        peer = await RawPeer.connect(node.listening_port, height=33)
        await peer.expect("getheaders")  # its height is above ours
        peer.send("headers", m.headers_payload_from_raw([]))  # (it will not say)
        peer.send("block", blocks()[33])  # parent (32) unknown: an orphan
        await peer.expect("getheaders")
        await eventually(lambda: node.stats()["orphans"] == 1)
        peer.send("block", blocks()[32])
        peer.send("headers", m.headers_payload_from_raw([]))
        await eventually(lambda: chain.height == 33, what="the orphan applied after its parent")
        assert node.stats()["orphans"] == 0 and node.stats()["misbehaviour"] == 0
        peer.close()

    run(lambda: with_net(body))


def test_serving_headers_blocks_data_and_mempool() -> None:
    tx = devnet()[2][1]

    async def body(net: Net) -> None:
        chain = FakeChain(blocks())
        chain.mempool[txid(tx)] = tx
        node = await net.node(chain)
        peer = await RawPeer.connect(node.listening_port)
        genesis, h2000 = chain.hash_at(0), chain.hash_at(2000)
        assert genesis is not None and h2000 is not None
        peer.send("getheaders", m.encode_getblocks([bytes(32), genesis]))
        headers = m.decode_headers(await peer.expect("headers"))
        assert [h.index for h in headers] == list(range(1, 2001))
        peer.send("getheaders", m.encode_getblocks([h2000]))
        headers = m.decode_headers(await peer.expect("headers"))
        assert [h.index for h in headers] == list(range(2001, CHAIN_LENGTH + 1))
        peer.send("getheaders", m.encode_getblocks([genesis], chain.hash_at(5) or b""))
        assert len(m.decode_headers(await peer.expect("headers"))) == 5
        peer.send("getblocks", m.encode_getblocks([genesis]))
        inv = m.decode_inventory(await peer.expect("inv"))
        assert inv.type == m.InvType.BLOCK and len(inv.hashes) == 500
        assert inv.hashes[0] == chain.hash_at(1)
        unknown = bytes(range(32))
        peer.send("getdata", m.encode_inventory(m.InvType.BLOCK, [inv.hashes[9], unknown]))
        assert await peer.expect("block") == blocks()[10]
        notfound = m.decode_inventory(await peer.expect("notfound"))
        assert notfound.hashes == (unknown,)
        peer.send("mempool")
        assert m.decode_inventory(await peer.expect("inv")).hashes == (txid(tx),)
        peer.send("getdata", m.encode_inventory(m.InvType.TX, [txid(tx)]))
        assert await peer.expect("tx") == tx
        peer.close()

    run(lambda: with_net(body))


def test_discovery_through_addr() -> None:
    """C knows only B; B knows A (from A's version): C learns A through getaddr and dials it."""

    async def body(net: Net) -> None:
        a = await net.node(FakeChain(blocks()[:1]))
        b = await net.node(FakeChain(blocks()[:1]), seeds=[a])
        await eventually(lambda: peer_count(a) == 1)
        c = await net.node(FakeChain(blocks()[:1]), seeds=[b])
        await eventually(lambda: peer_count(c) == 2, what="C dials A")
        assert {p.port for p in c.connected()} == {a.listening_port, b.listening_port}

    run(lambda: with_net(body))


def test_connection_to_self_is_dropped_and_not_retried() -> None:
    async def body(net: Net) -> None:
        node = await net.node(FakeChain(blocks()[:1]))
        address = ("127.0.0.1", node.listening_port)
        node.addresses.add_seed(*address)
        await eventually(lambda: address not in node.addresses, what="self detected")
        await asyncio.sleep(0.3)
        assert node.connected() == [] and node.stats()["peers_outbound"] == 0

    run(lambda: with_net(body))


@pytest.mark.parametrize("loop", LOOPS)
def test_reconnect_with_backoff_after_the_remote_restarts(loop: str) -> None:
    async def body(net: Net) -> None:
        remote = P2PNode(config(), FakeChain(blocks()[:1]), FakeChain(blocks()[:1]))
        await remote.start()
        port = remote.listening_port
        local = await net.node(FakeChain(blocks()[:1]), seeds=[remote])
        await eventually(lambda: peer_count(local) == 1)
        await remote.stop()
        await eventually(lambda: peer_count(local) == 0)
        entry = next(e for e in local.addresses.entries() if e.port == port)
        await asyncio.sleep(1.0)
        # Backed off: base 0.1 s doubling gives about 4 tries in a second, not one per tick (20).
        assert 2 <= entry.failures <= 6, entry.failures
        remote = P2PNode(config(listen_port=port), FakeChain(blocks()[:1]), FakeChain(blocks()[:1]))
        await remote.start()
        try:
            await eventually(lambda: peer_count(local) == 1, timeout=5, what="reconnected")
            assert entry.failures == 0
        finally:
            await remote.stop()

    run(lambda: with_net(body), loop)


def test_consensus_payloads_are_deduplicated_and_relayed() -> None:
    async def body(net: Net) -> None:
        got: dict[str, list[bytes]] = {"b": [], "c": []}

        def handler(name: str) -> Callable[[bytes, Peer], bool]:
            def on_consensus(payload: bytes, peer: Peer) -> bool:
                got[name].append(payload)
                return True

            return on_consensus

        a = await net.node(FakeChain(blocks()[:1]))
        b = await net.node(FakeChain(blocks()[:1]), seeds=[a])
        c = await net.node(FakeChain(blocks()[:1]), seeds=[a, b])
        b.on_consensus = handler("b")
        c.on_consensus = handler("c")
        plain = await RawPeer.connect(a.listening_port)  # registers no handler: not relayed to
        await eventually(lambda: [peer_count(n) for n in (a, b, c)] == [3, 2, 2])
        payload = os.urandom(100)
        a.broadcast_consensus(payload)
        await eventually(lambda: got["b"] == [payload] and got["c"] == [payload])
        await asyncio.sleep(0.3)
        assert got == {"b": [payload], "c": [payload]}
        inv = m.decode_inventory(await plain.expect("inv"))
        assert inv.type == m.InvType.CONSENSUS
        plain.close()
        # A node with no handler does not even ask for consensus payloads.
        lone = await net.node(FakeChain(blocks()[:1]), seeds=[a])
        await eventually(lambda: peer_count(lone) >= 1)
        a.broadcast_consensus(os.urandom(50))
        await asyncio.sleep(0.3)
        assert lone.stats()["messages_out"].get("getdata", 0) == 0

    run(lambda: with_net(body))


def test_stop_is_clean() -> None:
    async def body() -> None:
        before = asyncio.all_tasks()
        a = P2PNode(config(), FakeChain(blocks()[:1]), FakeChain(blocks()[:1]))
        await a.start()
        b = P2PNode(
            config(seeds=(("127.0.0.1", a.listening_port),)),
            FakeChain(blocks()[:1]),
            FakeChain(blocks()[:1]),
        )
        await b.start()
        await eventually(lambda: peer_count(a) == 1)
        await b.stop()
        await a.stop()
        assert a.peers == [] and b.peers == []
        assert asyncio.all_tasks() - before == set()

    run(body)
