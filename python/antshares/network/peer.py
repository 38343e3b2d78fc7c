"""What the node knows of one connected peer: handshake state, height, known inventory."""

import asyncio
from collections import deque

from antshares.network.bounded import LruSet
from antshares.network.messages import InvType, VersionPayload
from antshares.network.protocol import PeerProtocol
from antshares.node.backend import PeerInfo

__all__ = ["Peer"]


class Peer:
    """One connection and the state the node keeps for it."""

    def __init__(
        self,
        conn: PeerProtocol,
        known_capacity: int,
        dialled: tuple[str, int] | None,
        now: float,
    ) -> None:
        self.conn = conn
        self.host = conn.host
        self.port = conn.port
        self.outbound = conn.outbound
        self.dialled = dialled
        """The address-book entry an outbound connection was made to."""
        self.version: VersionPayload | None = None
        self.verack_received = False
        self.handshaked = False
        self.connected_at = now
        self.last_heard = now
        self.height = 0
        """The best height the peer has shown (version, ping/pong, headers, blocks)."""
        self.known: LruSet[bytes] = LruSet(known_capacity)
        """Hashes (blocks, transactions, consensus payloads) the peer has or was told of: not
        announced to it again. Keyed by hash alone: hashes of different kinds do not collide."""
        self.blocks_in_flight: set[bytes] = set()
        self.headers_requested_at: float | None = None
        self.stalled_until = 0.0
        """No block requests before this loop time (it let one time out, or had not got it)."""
        self.ping_nonce: int | None = None
        self.serve_queue: deque[tuple[InvType, bytes]] = deque()
        self.serve_task: asyncio.Task[None] | None = None
        self.blocks_served = 0
        self.blocks_received = 0

    def __repr__(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def relay(self) -> bool:
        """Whether the peer wants transactions announced (its version's Relay flag)."""
        return self.version is None or self.version.relay

    @property
    def listen_port(self) -> int:
        if self.version is not None and self.version.port:
            return self.version.port
        return self.port

    def send(self, command: str, payload: bytes = b"") -> bool:
        return self.conn.send(command, payload)

    def knows(self, item: bytes) -> bool:
        return item in self.known

    def learn(self, item: bytes) -> None:
        self.known.add(item)

    def info(self) -> PeerInfo:
        v = self.version
        return PeerInfo(
            address=self.host,
            port=self.listen_port,
            outbound=self.outbound,
            user_agent=v.user_agent if v else "",
            start_height=v.start_height if v else 0,
            height=self.height,
        )
