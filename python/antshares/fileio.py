"""Small files written atomically and read with a cap: the one implementation behind the wallet
file, signing requests and the identity tools' files. Callers turn the errors into their own."""

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any


class FileLimitError(ValueError):
    """Not a regular file, or larger than the caller's cap (the message says which)."""


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a temporary file beside `path`, fsync it, rename it over `path`, fsync the folder:
    a crash at any point leaves the old file or the new one (perhaps with a stray temporary
    file), never a mix. OSError on failure, with the temporary file removed."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (checked before and while reading:
    it may grow after the stat). FileLimitError otherwise; OSError when it cannot be read."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise FileLimitError("not a regular file")
    if info.st_size > limit:
        raise FileLimitError(f"larger than {limit} bytes")
    with path.open("rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise FileLimitError(f"larger than {limit} bytes")
    return data


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a key appears twice in one object")
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(text: str) -> Any:
    """`json.loads` refusing what a hand edit or an attack could slip in unnoticed: a key twice
    in one object (which value wins differs between parsers), NaN and Infinity. ValueError."""
    return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
