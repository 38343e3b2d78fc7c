"""One P2P connection as an `asyncio.Protocol`: frames in, frames out, bounded output.

`PeerProtocol` knows nothing of the messages' meaning: it decodes frames with a `FrameDecoder`
(the Cython module or its pure-Python twin, see `get_framing`) and hands each (command, payload)
to its `ConnectionEvents`. A framing error (bad magic, bad checksum, a declared length over the cap,
a bad command) aborts the connection at once; the decoder refuses an oversize length from the
header alone, so no payload byte of such a frame is buffered.

Output: the transport's write buffer has high/low water marks; above the high mark the protocol is
"paused" and `drain()` waits, so bulk senders (block serving) wait for the peer to read. Whatever is
written regardless (announcements, pings) is bounded by a hard cap: a peer whose pending output
exceeds `max_pending` bytes before a write is disconnected instead of being buffered for.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, cast

from antshares.network import _framing_py, framing
from antshares.network.framing import MAX_PAYLOAD, FramingError

__all__ = [
    "KNOWN_COMMANDS",
    "ConnectionEvents",
    "Decoder",
    "Framing",
    "PeerProtocol",
    "Traffic",
    "get_framing",
]

log = logging.getLogger("antshares.network")

#: The commands counted by name in the traffic counters; any other is counted as "other", so a
#: peer cannot grow the counters with invented command names.
KNOWN_COMMANDS = frozenset(
    {
        "version", "verack", "getaddr", "addr", "getheaders", "headers", "getblocks", "inv",
        "getdata", "notfound", "block", "tx", "consensus", "mempool", "ping", "pong",
        "filterload", "filteradd", "filterclear", "alert", "merkleblock", "reject",
    }
)  # fmt: skip


class Decoder(Protocol):
    """What `PeerProtocol` uses of a `FrameDecoder` (either implementation)."""

    def feed(self, data: bytes) -> list[tuple[str, bytes]]: ...


@dataclass(frozen=True)
class Framing:
    """A framing implementation: a decoder factory (magic, max_payload) and the encoder."""

    name: str
    decoder: Callable[[int, int], Decoder]
    encode: Callable[[int, str, bytes], bytes]


def get_framing(name: str = "auto") -> Framing:
    """ "auto": the one `antshares.network.framing` chose; "cython" (ImportError when it is not
    built) or "python" (the pure-Python twin) to pick one."""
    if name == "auto":
        return Framing(framing.IMPLEMENTATION, framing.FrameDecoder, framing.encode_message)
    if name == "python":
        return Framing("python", _framing_py.FrameDecoder, _framing_py.encode_message)
    if name == "cython":
        from antshares.network import _framing

        return Framing("cython", _framing.FrameDecoder, _framing.encode_message)
    raise ValueError(f"unknown framing implementation {name!r}")


@dataclass
class Traffic:
    """Messages and bytes in and out, shared by all the connections of a node."""

    messages_in: dict[str, int] = field(default_factory=dict)
    messages_out: dict[str, int] = field(default_factory=dict)
    bytes_in: int = 0
    bytes_out: int = 0

    def count_in(self, command: str) -> None:
        key = command if command in KNOWN_COMMANDS else "other"
        self.messages_in[key] = self.messages_in.get(key, 0) + 1

    def count_out(self, command: str, size: int) -> None:
        self.messages_out[command] = self.messages_out.get(command, 0) + 1
        self.bytes_out += size


class ConnectionEvents(Protocol):
    """What a connection reports to the node that owns it."""

    def connection_opened(self, conn: "PeerProtocol") -> None:
        """The transport is up; the owner may `abort` it at once (a banned address, full)."""
        ...

    def message_received(self, conn: "PeerProtocol", command: str, payload: bytes) -> None: ...

    def framing_failed(self, conn: "PeerProtocol", error: FramingError) -> None:
        """The connection is already aborted; the owner scores the peer."""
        ...

    def connection_closed(self, conn: "PeerProtocol", reason: str) -> None: ...


class PeerProtocol(asyncio.Protocol):
    """Framing and flow control of one connection (inbound or outbound)."""

    def __init__(
        self,
        magic: int,
        events: ConnectionEvents,
        *,
        outbound: bool,
        dialled: tuple[str, int] | None = None,
        framing_impl: Framing | None = None,
        traffic: Traffic | None = None,
        max_payload: int = MAX_PAYLOAD,
        write_high: int = 1 << 20,
        write_low: int = 256 << 10,
        max_pending: int = 8 << 20,
    ) -> None:
        self.magic = magic
        self.events = events
        self.outbound = outbound
        self.dialled = dialled
        """The address an outbound connection was dialled to (the owner's bookkeeping)."""
        self.framing = framing_impl or get_framing()
        self.traffic = traffic or Traffic()
        self._decoder = self.framing.decoder(magic, max_payload)
        self._encode = self.framing.encode
        self._write_high = write_high
        self._write_low = write_low
        self.max_pending = max_pending
        self.transport: asyncio.Transport | None = None
        self.host = ""
        self.port = 0
        self.closed = False
        self.close_reason = ""
        self._writable = asyncio.Event()
        self._writable.set()

    def __repr__(self) -> str:
        return f"{self.host}:{self.port}"

    # asyncio.Protocol callbacks.

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport (uvloop's do not subclass asyncio.Transport: no isinstance check).
        self.transport = cast(asyncio.Transport, transport)
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self.host, self.port = str(peer[0]), int(peer[1])
        self.transport.set_write_buffer_limits(high=self._write_high, low=self._write_low)
        self.events.connection_opened(self)

    def data_received(self, data: bytes) -> None:
        if self.closed:
            return
        self.traffic.bytes_in += len(data)
        try:
            messages = self._decoder.feed(data)
        except FramingError as e:
            self.abort(f"framing error: {e}")
            self.events.framing_failed(self, e)
            return
        for command, payload in messages:
            if self.closed:  # a handler dropped the peer: ignore what it sent after
                return
            self.traffic.count_in(command)
            self.events.message_received(self, command, payload)

    def eof_received(self) -> bool | None:
        return None  # close our side too

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.close_reason:
            self.close_reason = f"connection lost: {exc}" if exc else "closed by the peer"
        self.closed = True
        self._writable.set()  # wake drain() waiters: they see `closed`
        self.events.connection_closed(self, self.close_reason)

    # Output.

    @property
    def pending(self) -> int:
        """Bytes written but not yet handed to the socket."""
        return 0 if self.transport is None else self.transport.get_write_buffer_size()

    def send(self, command: str, payload: bytes = b"") -> bool:
        """Queue one message; False when the connection is closed or was just dropped for
        having more than `max_pending` bytes of output waiting."""
        if self.closed or self.transport is None or self.transport.is_closing():
            return False
        if self.pending > self.max_pending:
            self.abort(f"over {self.max_pending} bytes of output pending: the peer does not read")
            return False
        frame = self._encode(self.magic, command, payload)
        self.transport.write(frame)
        self.traffic.count_out(command, len(frame))
        return True

    @property
    def writable(self) -> bool:
        """False while the output is over the high-water mark (the peer is not keeping up)."""
        return self._writable.is_set()

    async def drain(self) -> bool:
        """Wait until the output is under the low-water mark; False when the connection closed."""
        await self._writable.wait()
        return not self.closed

    def close(self, reason: str) -> None:
        """Flush what is queued, then close."""
        if self.transport is not None and not self.closed:
            self.close_reason = self.close_reason or reason
            self.transport.close()

    def abort(self, reason: str) -> None:
        """Drop the connection now, discarding queued output."""
        if self.transport is not None and not self.closed:
            self.close_reason = self.close_reason or reason
            self.closed = True
            self.transport.abort()
