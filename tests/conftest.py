"""Shared fixtures: the ../shared folder (vectors, real MainNet blocks)."""

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ANTSHARES_SHARED", REPO.parent / "shared")).resolve()
BLOCKS_DIR = SHARED / "vectors" / "blocks"


@cache
def vectors() -> list[dict[str, Any]]:
    path = SHARED / "vectors" / "vectors.json"
    if not path.is_file():
        raise RuntimeError(f"test vectors not found at {path}; set ANTSHARES_SHARED")
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def vectors_where(predicate: Any) -> list[dict[str, Any]]:
    return [v for v in vectors() if predicate(v)]


def block_files() -> list[Path]:
    files = sorted(BLOCKS_DIR.glob("*.hex"))
    if not files:
        raise RuntimeError(f"no real blocks under {BLOCKS_DIR}; set ANTSHARES_SHARED")
    return files


@cache
def block_bytes(name: str) -> bytes:
    return bytes.fromhex((BLOCKS_DIR / name).read_text().strip())


@pytest.fixture(params=[p.name for p in sorted(BLOCKS_DIR.glob("*.hex"))])
def real_block(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    return request.param, block_bytes(request.param)
