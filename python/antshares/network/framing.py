"""P2P message framing (format-1x §8): the Cython module when built, else its pure-Python twin.

`ANTSHARES_NO_EXTENSIONS=1` forces the twin; `IMPLEMENTATION` says which one is in use. Both raise
the same exception classes.
"""

import os
from typing import TYPE_CHECKING, Literal

from antshares.network._framing_py import (
    COMMAND_SIZE,
    HEADER_SIZE,
    MAX_PAYLOAD,
    BadChecksum,
    BadCommand,
    BadMagic,
    FramingError,
    PayloadTooLarge,
)

IMPLEMENTATION: Literal["cython", "python"] = "python"

if TYPE_CHECKING:  # the compiled module has the twin's API (see _framing.pyi)
    from antshares.network._framing_py import FrameDecoder, encode_message
else:
    from antshares.network._framing_py import FrameDecoder, encode_message

    if os.environ.get("ANTSHARES_NO_EXTENSIONS") != "1":
        try:
            from antshares.network._framing import FrameDecoder, encode_message
        except ImportError:  # not built: the twin
            pass
        else:
            IMPLEMENTATION = "cython"

__all__ = [
    "COMMAND_SIZE",
    "HEADER_SIZE",
    "IMPLEMENTATION",
    "MAX_PAYLOAD",
    "BadChecksum",
    "BadCommand",
    "BadMagic",
    "FrameDecoder",
    "FramingError",
    "PayloadTooLarge",
    "encode_message",
]
