"""Reading blocks from files: hex text, raw bytes, or NEO 2.x chain files (SPEC §11).

`chain.acc` is a u32 block count followed by each block as an i32 length and its bytes;
`chain.N.acc` starts with a u32 start height before the count. Files are streamed, never loaded
whole, and every length is capped before reading.
"""

import os
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_BLOCK_BYTES = 32 * 1024 * 1024  # the P2P payload cap (SPEC §10) bounds any block
_CHAIN_N = re.compile(r"^chain\.(\d+)\.acc$")
_HEX = frozenset(b"0123456789abcdefABCDEF \t\r\n")


class ChainFileError(ValueError):
    """A chain or block file is malformed; the message names the file, block and offset."""


@dataclass(frozen=True)
class RawBlock:
    source: str  # "file" or "file#index" for chain files
    data: bytes
    height_hint: int | None  # the height a chain.N.acc position implies, if any


def _read_exact(f: BinaryIO, n: int, what: str, path: Path) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise ChainFileError(f"{path}: truncated {what} at offset {f.tell()}")
    return data


def iter_chain_file(path: Path) -> Iterator[RawBlock]:
    """Blocks of a chain.acc / chain.N.acc file, in order."""
    has_start = _CHAIN_N.match(path.name) is not None
    with path.open("rb") as f:
        start = struct.unpack("<I", _read_exact(f, 4, "start height", path))[0] if has_start else 0
        (count,) = struct.unpack("<I", _read_exact(f, 4, "block count", path))
        for i in range(count):
            (length,) = struct.unpack("<i", _read_exact(f, 4, f"length of block #{i}", path))
            if not 0 < length <= MAX_BLOCK_BYTES:
                raise ChainFileError(
                    f"{path}: block #{i} declares {length} bytes at offset {f.tell() - 4}"
                    f" (allowed 1..{MAX_BLOCK_BYTES})"
                )
            data = _read_exact(f, length, f"block #{i}", path)
            yield RawBlock(f"{path}#{i}", data, start + i if has_start else None)


def read_block_file(path: Path) -> bytes:
    """One block from a file holding hex text (whitespace ignored) or the raw bytes."""
    size = path.stat().st_size
    if size > 2 * MAX_BLOCK_BYTES + 2:
        raise ChainFileError(f"{path}: {size} bytes is larger than any block")
    content = path.read_bytes()
    if content and all(c in _HEX for c in content):  # stops at the first non-hex byte
        text = b"".join(content.split())
        try:
            return bytes.fromhex(text.decode("ascii"))
        except ValueError as exc:
            raise ChainFileError(f"{path}: invalid hex ({exc})") from exc
    return content


def iter_blocks(path: Path) -> Iterator[RawBlock]:
    """Every block of `path`: a `.acc` chain file, or one block as hex text or raw bytes."""
    if path.suffix == ".acc":
        yield from iter_chain_file(path)
    else:
        yield RawBlock(str(path), read_block_file(path), None)


def write_chain_file(path: Path, blocks: Iterable[bytes], start: int | None = None) -> int:
    """Write blocks as chain.acc (or chain.N.acc with `start`); the number of blocks written.

    Streams `blocks` (the count is patched in at the end), writes to `<path>.tmp`, flushes it to
    disk and renames it over `path`, so `path` is either the old file or the complete new one.
    """
    if start is not None and not 0 <= start <= 0xFFFFFFFF:
        raise ValueError(f"start height {start} out of range")
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as f:
            if start is not None:
                f.write(struct.pack("<I", start))
            count_offset = f.tell()
            f.write(b"\0\0\0\0")  # the count, patched in once known
            count = 0
            for raw in blocks:
                if not 0 < len(raw) <= MAX_BLOCK_BYTES:
                    # iter_chain_file would reject the whole file.
                    raise ChainFileError(
                        f"{path}: block #{count} is {len(raw)} bytes (allowed 1..{MAX_BLOCK_BYTES})"
                    )
                f.write(struct.pack("<i", len(raw)))
                f.write(raw)
                count += 1
            if count > 0xFFFFFFFF:
                raise ChainFileError(f"{path}: {count} blocks do not fit a chain file")
            f.seek(count_offset)
            f.write(struct.pack("<I", count))
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count
