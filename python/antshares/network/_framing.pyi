# Hand-written typing stub of the Cython module `antshares.network._framing` (_framing.pyx); the
# same API as its pure-Python twin `_framing_py`, whose exception classes it re-exports.
from antshares.network._framing_py import MAX_PAYLOAD as MAX_PAYLOAD
from antshares.network._framing_py import BadChecksum as BadChecksum
from antshares.network._framing_py import BadCommand as BadCommand
from antshares.network._framing_py import BadMagic as BadMagic
from antshares.network._framing_py import FramingError as FramingError
from antshares.network._framing_py import PayloadTooLarge as PayloadTooLarge

HEADER_SIZE: int
COMMAND_SIZE: int

def encode_message(magic: int, command: str, payload: bytes) -> bytes: ...

class FrameDecoder:
    def __init__(self, magic: int, max_payload: int = ...) -> None: ...
    @property
    def magic(self) -> int: ...
    @property
    def max_payload(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    @property
    def buffered(self) -> int: ...
    def feed(self, data: bytes) -> list[tuple[str, bytes]]: ...
