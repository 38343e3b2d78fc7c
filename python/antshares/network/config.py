"""`P2PConfig`: every knob of the P2P layer, with defaults for a public node.

Durations are seconds; sizes are bytes unless the name says otherwise. Every pool and queue a peer
can fill has its bound here (SPEC §10: orphan and announcement pools are bounded).
"""

from dataclasses import dataclass

from antshares.network.framing import MAX_PAYLOAD

__all__ = ["P2PConfig", "Score"]


@dataclass(frozen=True)
class P2PConfig:
    magic: int
    listen_host: str | None = "127.0.0.1"
    """None: do not listen (outbound only)."""
    listen_port: int = 0
    """0: the OS picks a free port (see `P2PNode.listening_port`)."""
    seeds: tuple[tuple[str, int], ...] = ()
    max_outbound: int = 8
    max_inbound: int = 32
    user_agent: str = "/AntShares-py:0.1.0/"
    nonce: int | None = None
    """Sent in version to detect connections to ourselves; None: random."""
    services: int = 1
    relay: bool = True
    """The Relay flag of our version: whether we want transactions announced to us."""

    # Misbehaviour (scored per IP).
    ban_score: int = 100
    ban_seconds: float = 3600.0

    # Connections.
    handshake_timeout: float = 10.0
    connect_timeout: float = 5.0
    ping_interval: float = 30.0
    idle_timeout: float = 120.0
    """A handshaked peer that sends nothing for this long (not even a pong) is dropped."""
    reconnect_base: float = 1.0
    reconnect_max: float = 300.0
    max_addresses: int = 2048
    tick_interval: float = 0.5
    """How often timeouts, pings and dialling are looked at."""

    # Headers-first sync.
    max_headers_ahead: int = 20_000
    headers_timeout: float = 15.0
    blocks_per_request: int = 64
    max_blocks_in_flight: int = 128
    """Per peer."""
    block_timeout: float = 15.0
    max_blocks_ahead: int = 2048
    """The download window: blocks requested at most this far above the tip."""
    max_buffer_bytes: int = 64 << 20
    """Downloaded blocks waiting for their turn to be applied (plus an estimate for those in
    flight); the next block to apply is always requested."""
    apply_batch: int = 100
    max_orphans: int = 64
    max_orphan_bytes: int = 8 << 20

    # Relay.
    known_inventory: int = 4096
    """Per peer: hashes it is known to have (not announced to it again)."""
    max_requests: int = 8192
    """Transaction and consensus payloads asked for and not yet received."""
    request_timeout: float = 20.0
    max_pending_transactions: int = 1000
    seen_items: int = 50_000
    """Recently handled transaction and consensus hashes (not handled again)."""
    max_consensus_cache_bytes: int = 4 << 20

    # Output and input limits.
    max_payload: int = MAX_PAYLOAD
    write_buffer_high: int = 1 << 20
    write_buffer_low: int = 256 << 10
    max_send_buffer: int = 8 << 20
    """A peer with more output pending than this (before a write) is dropped."""
    serve_queue: int = 1000
    """Per peer: getdata items waiting to be served; more are not served."""

    framing: str = "auto"
    """"auto", "cython" or "python" (see `protocol.get_framing`)."""


class Score:
    """Misbehaviour points (ban at `P2PConfig.ban_score`, 100 by default)."""

    FRAMING = 50
    """Bad magic, bad checksum, oversize declared length, bad command: also disconnects."""
    MALFORMED = 50
    """A payload that does not decode (over a cap, truncated, garbage): also disconnects."""
    BEFORE_HANDSHAKE = 20
    """A message other than version/verack before the handshake: also disconnects."""
    UNKNOWN_COMMAND = 10
    HEADERS_NOT_LINKING = 20
    BAD_HEADER = 50
    """A header that links but whose block witness does not verify: a forgery (the headers after
    it are not taken either). Two such replies are a ban."""
    INVALID_BLOCK = 50
    DUPLICATE_VERSION = 10
