"""`P2PNode`: connections, handshake, keep-alive, discovery, bans, and message dispatch.

The node listens (inbound) and dials addresses from its address book (outbound: seeds first, then
addresses learned through getaddr/addr), with exponential back-off per address. Each connection is a
`PeerProtocol`; this class is its `ConnectionEvents`. Headers-first sync lives in `sync.BlockSync`,
transaction and consensus relay in `relay.Relay`, answers from the chain in `serving`.

Handshake: both sides send version on connect and verack on a valid version; a peer that has not
completed it within `handshake_timeout` is dropped, and so is any other message before it. A version
carrying our own nonce is a connection to ourselves: that address is never dialled again.

Misbehaviour is scored per IP (`addrbook.BanList`); see `config.Score` for the points.
"""

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypedDict

from antshares.network.addrbook import AddressBook, BanList, normalize_host
from antshares.network.config import P2PConfig, Score
from antshares.network.framing import FramingError
from antshares.network.messages import (
    InvType,
    MessageError,
    NetworkAddress,
    PingPayload,
    VersionPayload,
    decode_addr,
    decode_block,
    decode_getblocks,
    decode_headers,
    decode_inventory,
    decode_ping,
    decode_transaction,
    decode_version,
    encode_addr,
    encode_inventory,
    encode_ping,
    encode_version,
    expect_empty,
)
from antshares.network.peer import Peer
from antshares.network.protocol import PeerProtocol, Traffic, get_framing
from antshares.network.relay import ConsensusHandler, Relay
from antshares.network.serving import blocks_reply, headers_reply, serve_items
from antshares.network.sync import BlockSync
from antshares.node.backend import BlockSink, ChainReader, PeerInfo

__all__ = ["P2PNode", "P2PStats"]

log = logging.getLogger("antshares.network")

PROTOCOL_VERSION = 0
MAX_ADDR_SENT = 200
# 1.0 commands we accept and ignore (bloom filters and the like).
IGNORED_COMMANDS = frozenset(
    {"filterload", "filteradd", "filterclear", "alert", "merkleblock", "reject"}
)

Address = tuple[str, int]


class P2PStats(TypedDict):
    framing: str
    peers_inbound: int
    peers_outbound: int
    messages_in: dict[str, int]
    messages_out: dict[str, int]
    bytes_in: int
    bytes_out: int
    misbehaviour: int
    bans: int
    banned_now: int
    refused: int
    blocks_received: int
    blocks_applied: int
    invalid_blocks: int
    headers_ahead: int
    blocks_in_flight: int
    orphans: int
    transactions_received: int
    transactions_accepted: int
    consensus_received: int
    addresses: int


class P2PNode:
    """The P2P layer: implements `antshares.node.backend.PeerView`."""

    def __init__(
        self,
        config: P2PConfig,
        chain: ChainReader,
        sink: BlockSink,
        *,
        on_consensus: ConsensusHandler | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.chain = chain
        self.sink = sink
        self._rng = rng or random.Random()
        self.nonce = config.nonce if config.nonce is not None else self._rng.getrandbits(32)
        self.framing = get_framing(config.framing)
        self.traffic = Traffic()
        self.addresses = AddressBook(
            config.max_addresses, config.reconnect_base, config.reconnect_max, self._rng
        )
        for host, port in config.seeds:
            self.addresses.add_seed(host, port)
        self.bans = BanList(config.ban_score, config.ban_seconds)
        self.sync = BlockSync(config, chain, sink, self, self._now)
        self.relay = Relay(config, chain, sink, self, self._now)
        self.relay.on_consensus = on_consensus
        self._peers: dict[PeerProtocol, Peer] = {}
        self._dialled: dict[PeerProtocol, Address] = {}
        self._dialling: set[Address] = set()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake_dialler = asyncio.Event()
        self._running = False
        self.misbehaviour_events = 0
        self.refused = 0
        self._handlers: dict[str, Callable[[Peer, bytes], None]] = {
            "getaddr": self._on_getaddr,
            "addr": self._on_addr,
            "ping": self._on_ping,
            "pong": self._on_pong,
            "inv": self._on_inv,
            "getdata": self._on_getdata,
            "notfound": self._on_notfound,
            "getheaders": self._on_getheaders,
            "getblocks": self._on_getblocks,
            "headers": self._on_headers,
            "block": self._on_block,
            "tx": self._on_tx,
            "consensus": self._on_consensus,
            "mempool": self._on_mempool,
        }

    @property
    def on_consensus(self) -> ConsensusHandler | None:
        return self.relay.on_consensus

    @on_consensus.setter
    def on_consensus(self, handler: ConsensusHandler | None) -> None:
        self.relay.on_consensus = handler

    def _now(self) -> float:
        # Not loop.time(): stats() and the PeerView are also called off the loop, and uvloop's
        # clock has another origin than asyncio's.
        return time.monotonic()

    # Lifecycle.

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._running = True
        cfg = self.config
        if cfg.listen_host is not None:
            self._server = await loop.create_server(
                lambda: self._protocol(None), cfg.listen_host, cfg.listen_port
            )
            log.info("listening on %s:%d", cfg.listen_host, self.listening_port)
        self.sync.start()
        self.relay.start()
        self._spawn(self._dial_loop())
        self._spawn(self._housekeeping())

    async def stop(self) -> None:
        """Stop listening, close every connection, cancel every task."""
        self._running = False
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.sync.stop()
        await self.relay.stop()
        for conn in list(self._peers):
            conn.abort("shutting down")
        for conn in list(self._dialled):
            conn.abort("shutting down")
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        # connection_lost callbacks run on the next loop iterations.
        for _ in range(100):
            if not self._peers:
                break
            await asyncio.sleep(0.01)

    @property
    def listening_port(self) -> int:
        if self._server is None or not self._server.sockets:
            return 0
        return int(self._server.sockets[0].getsockname()[1])

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("P2P task failed", exc_info=task.exception())

    def _protocol(self, dialled: Address | None) -> PeerProtocol:
        cfg = self.config
        conn = PeerProtocol(
            cfg.magic,
            self,
            outbound=dialled is not None,
            dialled=dialled,
            framing_impl=self.framing,
            traffic=self.traffic,
            max_payload=cfg.max_payload,
            write_high=cfg.write_buffer_high,
            write_low=cfg.write_buffer_low,
            max_pending=cfg.max_send_buffer,
        )
        return conn

    # Dialling.

    def _outbound_count(self) -> int:
        return sum(1 for p in self._peers.values() if p.outbound) + len(self._dialling)

    def _connected_addresses(self) -> set[Address]:
        out = set(self._dialling)
        out.update(self._dialled.values())
        for p in self._peers.values():
            out.add((p.host, p.listen_port))
        return out

    async def _dial_loop(self) -> None:
        while self._running:
            now = self._now()
            room = self.config.max_outbound - self._outbound_count()
            exclude = self._connected_addresses()
            if room > 0:
                for entry in self.addresses.due(now, exclude):
                    if room <= 0:
                        break
                    if self.bans.is_banned(entry.host, now):
                        continue
                    room -= 1
                    self._dialling.add((entry.host, entry.port))
                    self._spawn(self._dial((entry.host, entry.port)))
            wait = self.config.tick_interval
            next_due = self.addresses.next_due(self._connected_addresses())
            if next_due is not None:
                wait = min(wait, max(0.0, next_due - self._now()))
            self._wake_dialler.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_dialler.wait(), max(wait, 0.01))

    async def _dial(self, address: Address) -> None:
        loop = asyncio.get_running_loop()
        host, port = address
        try:
            await asyncio.wait_for(
                loop.create_connection(lambda: self._protocol(address), host, port),
                self.config.connect_timeout,
            )
        except (OSError, TimeoutError) as e:
            delay = self.addresses.failed(address, self._now())
            log.debug("dialling %s:%d failed (%s); next try in %.1fs", host, port, e, delay)
        finally:
            self._dialling.discard(address)

    # ConnectionEvents.

    def connection_opened(self, conn: PeerProtocol) -> None:
        now = self._now()
        host = normalize_host(conn.host) or conn.host
        # Registered here, not in the protocol factory: uvloop builds the protocol before the
        # connection exists and never reports a failed dial to it.
        if conn.dialled is not None:
            self._dialled[conn] = conn.dialled
        if not self._running:
            conn.abort("shutting down")
            return
        if self.bans.is_banned(host, now):
            self.refused += 1
            log.info("%s: refused: banned", conn)
            conn.abort("banned")
            return
        if not conn.outbound and sum(1 for p in self._peers.values() if not p.outbound) >= (
            self.config.max_inbound
        ):
            log.info("%s: refused: %d inbound peers already", conn, self.config.max_inbound)
            conn.abort("too many inbound peers")
            return
        peer = Peer(conn, self.config.known_inventory, conn.dialled, now)
        peer.host = host
        self._peers[conn] = peer
        log.debug("%s: connected (%s)", peer, "outbound" if conn.outbound else "inbound")
        peer.send("version", encode_version(self._version()))

    def connection_closed(self, conn: PeerProtocol, reason: str) -> None:
        dialled = self._dialled.pop(conn, None)
        peer = self._peers.pop(conn, None)
        if dialled is not None and self._running:
            delay = self.addresses.failed(dialled, self._now())
            log.debug("%s:%d: next try in %.1fs", dialled[0], dialled[1], delay)
            self._wake_dialler.set()
        if peer is None:
            return
        if peer.serve_task is not None:
            peer.serve_task.cancel()
        log.info("%s: disconnected: %s", peer, reason)
        if self._running:
            self.sync.on_peer_gone(peer)

    def framing_failed(self, conn: PeerProtocol, error: FramingError) -> None:
        peer = self._peers.get(conn)
        if peer is not None:
            self.misbehave(peer, Score.FRAMING, f"{type(error).__name__}: {error}", disconnect=True)

    def message_received(self, conn: PeerProtocol, command: str, payload: bytes) -> None:
        peer = self._peers.get(conn)
        if peer is None:
            return
        peer.last_heard = self._now()
        try:
            if command == "version":
                self._on_version(peer, payload)
            elif command == "verack":
                self._on_verack(peer, payload)
            elif not peer.handshaked:
                self.misbehave(
                    peer, Score.BEFORE_HANDSHAKE, f"{command} before the handshake", disconnect=True
                )
            elif (handler := self._handlers.get(command)) is not None:
                handler(peer, payload)
            elif command not in IGNORED_COMMANDS:
                self.misbehave(peer, Score.UNKNOWN_COMMAND, f"unknown command {command!r}")
        except MessageError as e:
            self.misbehave(peer, Score.MALFORMED, str(e), disconnect=True)
        except Exception:  # our bug, not the peer's fault: drop it, keep serving the others
            log.exception("%s: handling %r failed", peer, command)
            peer.conn.abort(f"internal error on {command!r}")

    # Misbehaviour.

    def misbehave(self, peer: Peer, points: int, reason: str, *, disconnect: bool = False) -> None:
        self.misbehaviour_events += 1
        now = self._now()
        score = self.bans.score_of(peer.host) + points
        log.warning("%s: misbehaviour: %s (+%d, score %d)", peer, reason, points, score)
        if self.bans.score(peer.host, points, peer.listen_port, reason, now):
            log.warning("%s: banned for %.0fs: %s", peer, self.config.ban_seconds, reason)
            for p in list(self._peers.values()):
                if p.host == peer.host:
                    p.conn.abort(f"banned: {reason}")
        elif disconnect:
            peer.conn.abort(reason)

    # Handshake and keep-alive.

    def _version(self) -> VersionPayload:
        return VersionPayload(
            version=PROTOCOL_VERSION,
            services=self.config.services,
            timestamp=int(time.time()) & 0xFFFFFFFF,
            port=self.listening_port,
            nonce=self.nonce,
            user_agent=self.config.user_agent,
            start_height=self.chain.height,
            relay=self.config.relay,
        )

    def _on_version(self, peer: Peer, payload: bytes) -> None:
        if peer.version is not None:
            self.misbehave(peer, Score.DUPLICATE_VERSION, "a second version")
            return
        version = decode_version(payload)
        if version.nonce == self.nonce:
            log.info("%s: that is this node; not dialling it again", peer)
            if peer.dialled is not None:
                self.addresses.mark_self(peer.dialled)
            peer.conn.abort("connected to ourselves")
            return
        for other in list(self._peers.values()):
            if other is peer or other.version is None or other.version.nonce != version.nonce:
                continue
            # Two connections to one node (both dialled each other): both ends keep the one
            # dialled by the node with the greater nonce, so they agree on which to close.
            if self._dialler_nonce(peer, version) > self._dialler_nonce(other, other.version):
                other.conn.close("a duplicate connection to that node")
            else:
                peer.conn.close("a duplicate connection to that node")
                return
        peer.version = version
        peer.height = version.start_height
        if not peer.outbound and version.port:
            self.addresses.add(peer.host, version.port, self._now())
        peer.send("verack")
        self._maybe_handshaked(peer)

    def _dialler_nonce(self, peer: Peer, version: VersionPayload) -> int:
        return self.nonce if peer.outbound else version.nonce

    def _on_verack(self, peer: Peer, payload: bytes) -> None:
        expect_empty(payload, "verack")
        peer.verack_received = True
        self._maybe_handshaked(peer)

    def _maybe_handshaked(self, peer: Peer) -> None:
        if peer.handshaked or peer.version is None or not peer.verack_received:
            return
        peer.handshaked = True
        assert peer.version is not None
        log.info(
            "%s: handshake done (%s, height %d, %s)",
            peer,
            peer.version.user_agent,
            peer.version.start_height,
            "outbound" if peer.outbound else "inbound",
        )
        if peer.dialled is not None:
            self.addresses.succeeded(peer.dialled, self._now())
            if len(self.addresses) < self.config.max_addresses:
                peer.send("getaddr")
        self.sync.on_peer_ready(peer)

    def _ping(self, peer: Peer) -> None:
        peer.ping_nonce = self._rng.getrandbits(32)
        peer.send("ping", encode_ping(self._ping_payload(peer.ping_nonce)))

    def _ping_payload(self, nonce: int) -> PingPayload:
        return PingPayload(self.chain.height, int(time.time()) & 0xFFFFFFFF, nonce)

    def _on_ping(self, peer: Peer, payload: bytes) -> None:
        ping = decode_ping(payload)
        peer.send("pong", encode_ping(self._ping_payload(ping.nonce)))
        self.sync.on_peer_height(peer, ping.last_block_index)

    def _on_pong(self, peer: Peer, payload: bytes) -> None:
        pong = decode_ping(payload)
        if pong.nonce == peer.ping_nonce:
            peer.ping_nonce = None
        self.sync.on_peer_height(peer, pong.last_block_index)

    async def _housekeeping(self) -> None:
        cfg = self.config
        last_ping: dict[Peer, float] = {}
        while self._running:
            await asyncio.sleep(cfg.tick_interval)
            now = self._now()
            for peer in list(self._peers.values()):
                if not peer.handshaked:
                    if now - peer.connected_at > cfg.handshake_timeout:
                        peer.conn.abort("no handshake in time")
                    continue
                if now - peer.last_heard > cfg.idle_timeout:
                    peer.conn.abort(f"silent for {cfg.idle_timeout:.0f}s")
                elif now - last_ping.get(peer, peer.connected_at) >= cfg.ping_interval:
                    last_ping[peer] = now
                    self._ping(peer)
            for gone in [p for p in last_ping if p.conn.closed]:
                del last_ping[gone]
            self.bans.expire(now)
            self.sync.tick()
            self.relay.tick()

    # Discovery.

    def _on_getaddr(self, peer: Peer, payload: bytes) -> None:
        expect_empty(payload, "getaddr")
        now_s = int(time.time()) & 0xFFFFFFFF
        seen: set[Address] = {(peer.host, peer.listen_port)}
        out: list[NetworkAddress] = []
        for p in self.ready_peers():
            key = p.dialled or (p.host, p.version.port if p.version else 0)
            # Only addresses that accept connections: what we dialled, or a listening port.
            if key[1] and key not in seen:
                seen.add(key)
                out.append(NetworkAddress(now_s, 1, key[0], key[1]))
        for entry in self.addresses.sample(MAX_ADDR_SENT):
            key = (entry.host, entry.port)
            if len(out) < MAX_ADDR_SENT and key not in seen and normalize_host(entry.host):
                seen.add(key)
                out.append(NetworkAddress(now_s, 1, entry.host, entry.port))
        if out:
            peer.send("addr", encode_addr(out[:MAX_ADDR_SENT]))

    def _on_addr(self, peer: Peer, payload: bytes) -> None:
        now = self._now()
        learned = sum(self.addresses.add(a.host, a.port, now) for a in decode_addr(payload))
        if learned:
            log.debug("%s: learned %d addresses", peer, learned)
            self._wake_dialler.set()

    # Inventory.

    def _on_inv(self, peer: Peer, payload: bytes) -> None:
        inv = decode_inventory(payload)
        if inv.type == InvType.BLOCK:
            self.sync.on_block_inv(peer, inv.hashes)
        else:
            self.relay.on_inv(peer, inv.type, inv.hashes)

    def _on_getdata(self, peer: Peer, payload: bytes) -> None:
        inv = decode_inventory(payload)
        room = self.config.serve_queue - len(peer.serve_queue)
        if len(inv.hashes) > room:
            log.info("%s: %d getdata items not served (queue full)", peer, len(inv.hashes) - room)
        peer.serve_queue.extend((inv.type, h) for h in inv.hashes[: max(room, 0)])
        if peer.serve_task is None or peer.serve_task.done():
            peer.serve_task = self._spawn(
                serve_items(peer, self.chain, self.relay.consensus_payload)
            )

    def _on_notfound(self, peer: Peer, payload: bytes) -> None:
        inv = decode_inventory(payload)
        if inv.type == InvType.BLOCK:
            self.sync.on_notfound(peer, inv.hashes)

    def _busy(self, peer: Peer, command: str) -> bool:
        """A peer that does not read our answers gets no new ones: requests that cost us reads
        and output (getheaders, getblocks, mempool) are dropped while its output is over the
        high-water mark."""
        if peer.conn.writable:
            return False
        log.debug("%s: %s ignored: our answers to it are not read", peer, command)
        return True

    def _on_mempool(self, peer: Peer, payload: bytes) -> None:
        expect_empty(payload, "mempool")
        if self._busy(peer, "mempool"):
            return
        txids = [t for t in self.chain.mempool_txids() if not peer.knows(t)]
        for i in range(0, len(txids), 500):
            chunk = txids[i : i + 500]
            for t in chunk:
                peer.learn(t)
            peer.send("inv", encode_inventory(InvType.TX, chunk))

    # Chain.

    def _on_getheaders(self, peer: Peer, payload: bytes) -> None:
        request = decode_getblocks(payload)
        if not self._busy(peer, "getheaders"):
            peer.send("headers", headers_reply(self.chain, request))

    def _on_getblocks(self, peer: Peer, payload: bytes) -> None:
        request = decode_getblocks(payload)
        if self._busy(peer, "getblocks"):
            return
        reply = blocks_reply(self.chain, request)
        if reply is not None:
            peer.send("inv", reply)

    def _on_headers(self, peer: Peer, payload: bytes) -> None:
        self.sync.on_headers(peer, decode_headers(payload))

    def _on_block(self, peer: Peer, payload: bytes) -> None:
        self.sync.on_block(peer, decode_block(payload), payload)

    def _on_tx(self, peer: Peer, payload: bytes) -> None:
        tx = decode_transaction(payload)
        self.relay.on_transaction(peer, tx.hash.to_bytes(), payload)

    def _on_consensus(self, peer: Peer, payload: bytes) -> None:
        self.relay.on_consensus_payload(peer, payload)

    # PeerView and the sync/relay host.

    def ready_peers(self) -> list[Peer]:
        return [p for p in self._peers.values() if p.handshaked and not p.conn.closed]

    @property
    def peers(self) -> list[Peer]:
        return list(self._peers.values())

    def connected(self) -> list[PeerInfo]:
        return [p.info() for p in self.ready_peers()]

    def unconnected(self) -> list[tuple[str, int]]:
        connected = self._connected_addresses()
        return [
            (e.host, e.port) for e in self.addresses.entries() if (e.host, e.port) not in connected
        ]

    def banned(self) -> list[tuple[str, int]]:
        """(IP, the port it listened on when banned) of the IPs banned now."""
        return self.bans.banned(self._now())

    def relay_block(self, block_hash: bytes) -> None:
        # While we sync, the node announces every block it applies: a peer whose height is at or
        # above the block's has it, so only peers behind it hear of it.
        height = self.chain.height_of(block_hash)
        payload = encode_inventory(InvType.BLOCK, [block_hash])
        for p in self.ready_peers():
            if p.knows(block_hash) or (height is not None and p.height >= height):
                continue
            p.learn(block_hash)
            p.send("inv", payload)

    def relay_transaction(self, txid: bytes, source: object | None = None) -> None:
        self.relay.relay_transaction(txid, source)

    def broadcast_consensus(self, payload: bytes) -> bytes:
        """Announce a consensus payload of this node (inv 0xE0); its hash."""
        return self.relay.broadcast_consensus(payload)

    def stats(self) -> P2PStats:
        peers = list(self._peers.values())
        return P2PStats(
            framing=self.framing.name,
            peers_inbound=sum(1 for p in peers if not p.outbound),
            peers_outbound=sum(1 for p in peers if p.outbound),
            messages_in=dict(self.traffic.messages_in),
            messages_out=dict(self.traffic.messages_out),
            bytes_in=self.traffic.bytes_in,
            bytes_out=self.traffic.bytes_out,
            misbehaviour=self.misbehaviour_events,
            bans=self.bans.total_bans,
            banned_now=len(self.bans.banned(self._now())),
            refused=self.refused,
            blocks_received=self.sync.blocks_received,
            blocks_applied=self.sync.blocks_applied,
            invalid_blocks=self.sync.invalid_blocks,
            headers_ahead=len(self.sync.headers),
            blocks_in_flight=len(self.sync.in_flight),
            orphans=len(self.sync.orphans),
            transactions_received=self.relay.transactions_received,
            transactions_accepted=self.relay.transactions_accepted,
            consensus_received=self.relay.consensus_received,
            addresses=len(self.addresses),
        )
