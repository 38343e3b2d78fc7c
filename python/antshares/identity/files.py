"""Reading and atomically writing the small files of the identity tools (PEM, JSON state)."""

from pathlib import Path

from antshares import fileio

from .errors import IdentityError


def read_bytes(path: Path, what: str) -> bytes:
    """The bytes of `path`; IdentityError naming the file and `what` it should have been."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise IdentityError(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise IdentityError(f"{path}: is a directory, expected a {what} file") from None
    except OSError as exc:
        raise IdentityError(f"{path}: cannot read the {what} file ({exc.strerror})") from None


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` so a crash leaves either the old file or the new one, never half.

    Write to a temporary file in the same directory, fsync, then rename over `path` (rename is
    atomic within one file system) and fsync the directory so the rename itself is durable.
    """
    path = Path(path)
    try:
        fileio.write_atomic(path, data, mode)
    except OSError as exc:
        raise IdentityError(f"{path}: cannot write the file ({exc.strerror})") from None


def write_new(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file that must not exist yet (never overwrite a key or certificate silently)."""
    path = Path(path)
    if path.exists():
        raise IdentityError(f"{path}: already exists (remove it first to replace it)")
    write_atomic(path, data, mode)
