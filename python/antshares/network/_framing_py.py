"""Pure-Python twin of the Cython module `_framing` (format-1x §8): identical behaviour and errors.

Frame: magic u32 LE, command (12 bytes, NUL-padded ASCII), payload length u32 LE, checksum (the
first 4 bytes of double SHA-256 of the payload), then the payload.
"""

import struct
from hashlib import sha256

HEADER_SIZE = 24
COMMAND_SIZE = 12
#: SPEC §10 / format-1x §8: a payload is at most 32 MiB.
MAX_PAYLOAD = 0x02000000

_HEADER = struct.Struct("<I12sI4s")


class FramingError(ValueError):
    """The peer sent something that is not a valid frame; drop the connection."""


class BadMagic(FramingError):
    """The frame's magic is not this network's."""


class BadChecksum(FramingError):
    """The payload does not match the checksum in its header."""


class PayloadTooLarge(FramingError):
    """The declared (or given) payload length is over the cap."""


class BadCommand(FramingError):
    """The command is not 1-12 printable ASCII characters (0x21-0x7E), NUL-padded to 12 bytes."""


def _checksum(payload: bytes) -> bytes:
    return sha256(sha256(payload).digest()).digest()[:4]


def _check_u32(name: str, value: int) -> None:
    if not isinstance(value, int):
        raise TypeError(f"{name} must be an int")
    if value < 0 or value > 0xFFFFFFFF:
        raise ValueError(f"{name} {value} is not a u32")


def _command_bytes(command: str) -> bytes:
    if not isinstance(command, str):
        raise TypeError("command must be a str")
    if not 1 <= len(command) <= COMMAND_SIZE or not all(0x21 <= ord(c) <= 0x7E for c in command):
        raise BadCommand(f"command {command!r} is not 1-12 printable ASCII characters")
    return command.encode("ascii")


def _parse_command(raw: bytes) -> str:
    end = raw.find(b"\x00")
    if end < 0:
        end = COMMAND_SIZE
    name = raw[:end]
    if (
        end == 0
        or raw[end:].count(0) != COMMAND_SIZE - end
        or not all(0x21 <= b <= 0x7E for b in name)
    ):
        raise BadCommand(f"command {raw!r} is not NUL-padded printable ASCII")
    return name.decode("ascii")


def encode_message(magic: int, command: str, payload: bytes) -> bytes:
    """One frame: header (magic, command, length, checksum) then the payload."""
    _check_u32("magic", magic)
    cmd = _command_bytes(command)
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise TypeError("payload must be bytes-like")
    data = bytes(payload)
    if len(data) > MAX_PAYLOAD:
        raise PayloadTooLarge(f"payload of {len(data)} bytes is over the {MAX_PAYLOAD}-byte cap")
    return _HEADER.pack(magic, cmd, len(data), _checksum(data)) + data


class FrameDecoder:
    """Incremental decoder: `feed` returns the messages completed by a chunk, in order.

    A partial frame is buffered (each byte is copied into the buffer at most once). The header is
    checked as soon as its 24 bytes are in: wrong magic, bad command or a declared length over
    `max_payload` raise before any of the payload is buffered. After any `FramingError` the decoder
    is closed and every later `feed` raises `FramingError`.
    """

    __slots__ = ("_buf", "_checksum", "_closed", "_command", "_length", "_magic", "_max_payload")

    def __init__(self, magic: int, max_payload: int = MAX_PAYLOAD) -> None:
        _check_u32("magic", magic)
        _check_u32("max_payload", max_payload)
        self._magic = magic
        self._max_payload = max_payload
        self._buf = bytearray()
        self._command: str | None = None  # the pending frame's header, once parsed
        self._length = 0
        self._checksum = b""
        self._closed = False

    @property
    def magic(self) -> int:
        return self._magic

    @property
    def max_payload(self) -> int:
        return self._max_payload

    @property
    def closed(self) -> bool:
        """True after a framing error: the connection is to be dropped."""
        return self._closed

    @property
    def buffered(self) -> int:
        """Bytes held of the frame not yet complete."""
        return len(self._buf)

    def _header(self, raw: bytes) -> str:
        magic, command, length, checksum = _HEADER.unpack(raw)
        if magic != self._magic:
            raise BadMagic(f"magic 0x{magic:08x}, expected 0x{self._magic:08x}")
        name = _parse_command(command)
        if length > self._max_payload:
            raise PayloadTooLarge(f"declared payload of {length} bytes is over {self._max_payload}")
        self._command = name
        self._length = length
        self._checksum = checksum
        return name

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        if self._closed:
            raise FramingError("the decoder is closed after a framing error")
        view = memoryview(data).cast("B")
        try:
            return self._feed(view)
        except FramingError:
            self._closed = True
            self._buf = bytearray()
            raise

    def _feed(self, view: memoryview) -> list[tuple[str, bytes]]:
        out: list[tuple[str, bytes]] = []
        buf = self._buf
        n = len(view)
        off = 0
        while True:
            command = self._command
            if command is None:
                have = len(buf)
                if have == 0 and n - off >= HEADER_SIZE:
                    command = self._header(bytes(view[off : off + HEADER_SIZE]))
                    off += HEADER_SIZE
                elif n - off >= HEADER_SIZE - have:
                    buf += view[off : off + HEADER_SIZE - have]
                    off += HEADER_SIZE - have
                    raw = bytes(buf)
                    buf.clear()
                    command = self._header(raw)
                else:
                    buf += view[off:]
                    break
            length = self._length
            if not buf and n - off >= length:
                payload = bytes(view[off : off + length])
                off += length
            else:
                take = min(length - len(buf), n - off)
                buf += view[off : off + take]
                off += take
                if len(buf) < length:
                    break
                payload = bytes(buf)
                buf.clear()
            if _checksum(payload) != self._checksum:
                raise BadChecksum(f"bad checksum on a {command!r} payload of {length} bytes")
            out.append((command, payload))
            self._command = None
        return out
