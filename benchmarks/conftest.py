"""Shared inputs of the benchmark files: the real MainNet blocks in ../shared."""

import os
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BLOCKS_DIR = Path(os.environ.get("ANTSHARES_SHARED", REPO.parent / "shared")) / "vectors" / "blocks"


@cache
def block_bytes(name: str) -> bytes:
    return bytes.fromhex((BLOCKS_DIR / name).read_text().strip())
