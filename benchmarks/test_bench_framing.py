"""P2P framing throughput: the Cython decoder against its pure-Python twin (10,000 small messages).

Run: `.venv/bin/pytest benchmarks/test_bench_framing.py --benchmark-group-by=group`; messages/s is
N / the mean time. Timings are not tests: nothing here asserts a speed.
"""

import os
from types import ModuleType

import pytest

from antshares.network import _framing_py

try:
    from antshares.network import _framing as _framing_c
except ImportError:
    _framing_c = None  # type: ignore[assignment]

MAGIC = 0x00746E41
N = 10_000
CHUNK = 65536  # a typical socket read


def _impl(name: str) -> ModuleType:
    if name == "python":
        return _framing_py
    if _framing_c is None:
        pytest.fail("antshares.network._framing is not built: run `make build`")
    return _framing_c


@pytest.fixture(scope="module")
def messages() -> list[tuple[str, bytes]]:
    # inv-sized messages: 1 + 1 + 32-byte hash, and some pings and txs of a few hundred bytes.
    kinds = [("inv", 34), ("ping", 12), ("tx", 250), ("getdata", 34)]
    return [(kinds[i % 4][0], os.urandom(kinds[i % 4][1])) for i in range(N)]


@pytest.fixture(scope="module")
def wire(messages: list[tuple[str, bytes]]) -> bytes:
    return b"".join(_framing_py.encode_message(MAGIC, c, p) for c, p in messages)


def _decode(impl: ModuleType, chunks: list[bytes]) -> int:
    decoder = impl.FrameDecoder(MAGIC)
    return sum(len(decoder.feed(chunk)) for chunk in chunks)


@pytest.mark.parametrize("name", ["cython", "python"])
@pytest.mark.benchmark(group="framing-decode-10000-msgs-64k-reads")
def test_decode(benchmark, wire: bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    impl = _impl(name)
    chunks = [wire[i : i + CHUNK] for i in range(0, len(wire), CHUNK)]
    assert benchmark(_decode, impl, chunks) == N


@pytest.mark.parametrize("name", ["cython", "python"])
@pytest.mark.benchmark(group="framing-decode-10000-msgs-one-per-read")
def test_decode_one_per_read(benchmark, wire: bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    impl = _impl(name)
    # Reads that split every frame in two (header+part of payload, rest of payload).
    chunks = []
    pos = 0
    for _ in range(N):
        end = pos + 24 + int.from_bytes(wire[pos + 16 : pos + 20], "little")
        chunks += [wire[pos : pos + 30], wire[pos + 30 : end]]
        pos = end
    assert benchmark(_decode, impl, chunks) == N


@pytest.mark.parametrize("name", ["cython", "python"])
@pytest.mark.benchmark(group="framing-encode-10000-msgs")
def test_encode(benchmark, messages: list[tuple[str, bytes]], name: str) -> None:  # type: ignore[no-untyped-def]
    encode = _impl(name).encode_message
    out = benchmark(lambda: [encode(MAGIC, c, p) for c, p in messages])
    assert len(out) == N
