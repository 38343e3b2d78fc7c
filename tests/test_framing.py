"""P2P message framing (format-1x §8): the Cython module and its pure-Python twin, side by side.

The compiled module must be built in this checkout (`make build`); its absence fails, not skips.
"""

import hashlib
import itertools
import os
import struct
import subprocess
import sys
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antshares.network import _framing_py

try:
    from antshares.network import _framing as _framing_c
except ImportError:  # reported by test_compiled_module_is_built and by every [cython] test
    _framing_c = None  # type: ignore[assignment]

MAINNET = 0x00746E41
TESTNET = 0x74746E41
CAP = 0x02000000


def _impl(name: str) -> ModuleType:
    if name == "python":
        return _framing_py
    if _framing_c is None:
        pytest.fail("antshares.network._framing is not built: run `make build`")
    return _framing_c


IMPLS = ["cython", "python"]
impl = pytest.fixture(params=IMPLS)(lambda request: _impl(request.param))

COMMANDS = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12
)
PAYLOADS = st.binary(max_size=600)
MESSAGES = st.lists(st.tuples(COMMANDS, PAYLOADS), max_size=8)


def header(magic: int, command: bytes, length: int, checksum: bytes) -> bytes:
    return struct.pack("<I12sI4s", magic, command, length, checksum)


def dsha(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


def test_compiled_module_is_built() -> None:
    assert _framing_c is not None, "antshares.network._framing is not built: run `make build`"
    assert _framing_c.__file__ is not None and not _framing_c.__file__.endswith(".py")


def test_shared_exception_classes() -> None:
    c = _impl("cython")
    for name in ("FramingError", "BadMagic", "BadChecksum", "PayloadTooLarge", "BadCommand"):
        assert getattr(c, name) is getattr(_framing_py, name)
    for name in ("BadMagic", "BadChecksum", "PayloadTooLarge", "BadCommand"):
        assert issubclass(getattr(_framing_py, name), _framing_py.FramingError)
    assert issubclass(_framing_py.FramingError, ValueError)
    assert c.MAX_PAYLOAD == _framing_py.MAX_PAYLOAD == CAP


def test_layout(impl: ModuleType) -> None:
    frame = impl.encode_message(MAINNET, "verack", b"")
    # Wire bytes of MainNet's magic are "Ant\0"; dSHA256("")[:4] is 5df6e0e2.
    assert frame.hex() == "416e7400" + b"verack".hex() + "00" * 6 + "00000000" + "5df6e0e2"
    frame = impl.encode_message(TESTNET, "tx", b"\x01\x02\x03")
    assert frame == header(TESTNET, b"tx", 3, dsha(b"\x01\x02\x03")) + b"\x01\x02\x03"
    assert impl.encode_message(MAINNET, "ab", bytearray(b"xy")) == impl.encode_message(
        MAINNET, "ab", memoryview(b"xy")
    )


def test_encode_rejects(impl: ModuleType) -> None:
    for bad in ("", "x" * 13, "ver ack", "vé", "a\x00b"):
        with pytest.raises(_framing_py.BadCommand):
            impl.encode_message(MAINNET, bad, b"")
    with pytest.raises(ValueError):
        impl.encode_message(-1, "tx", b"")
    with pytest.raises(ValueError):
        impl.encode_message(1 << 32, "tx", b"")
    with pytest.raises(TypeError):
        impl.encode_message(MAINNET, b"tx", b"")
    with pytest.raises(TypeError):
        impl.encode_message(MAINNET, "tx", "payload")
    with pytest.raises(_framing_py.PayloadTooLarge):
        impl.encode_message(MAINNET, "block", bytes(CAP + 1))


@pytest.mark.parametrize("name", IMPLS)
@given(messages=MESSAGES, cuts=st.lists(st.integers(min_value=0), max_size=10))
@settings(max_examples=150, deadline=None)
def test_round_trip(name: str, messages: list[tuple[str, bytes]], cuts: list[int]) -> None:
    impl = _impl(name)
    wire = b"".join(impl.encode_message(MAINNET, c, p) for c, p in messages)
    decoder = impl.FrameDecoder(MAINNET)
    got: list[tuple[str, bytes]] = []
    for chunk in chunked(wire, cuts):
        got += decoder.feed(chunk)
    assert got == messages
    assert decoder.buffered == 0 and not decoder.closed


def test_byte_at_a_time(impl: ModuleType) -> None:
    messages = [("version", bytes(range(40))), ("verack", b""), ("block", os.urandom(3000))]
    wire = b"".join(impl.encode_message(TESTNET, c, p) for c, p in messages)
    decoder = impl.FrameDecoder(TESTNET)
    got = []
    for i in range(len(wire)):
        out = decoder.feed(wire[i : i + 1])
        got += out
        assert len(out) <= 1
    assert got == messages and decoder.buffered == 0


def test_several_in_one_chunk_and_input_types(impl: ModuleType) -> None:
    messages = [(f"cmd{i}", bytes([i]) * i) for i in range(50)]
    wire = b"".join(impl.encode_message(MAINNET, c, p) for c, p in messages)
    for data in (wire, bytearray(wire), memoryview(wire)):
        assert impl.FrameDecoder(MAINNET).feed(data) == messages
    decoder = impl.FrameDecoder(MAINNET)
    # wire[:30]: cmd0 (empty payload, 24 bytes), then 6 bytes of cmd1's header.
    assert decoder.feed(wire + wire[:30]) == [*messages, messages[0]]
    assert decoder.buffered == 6
    assert decoder.feed(b"") == []
    assert decoder.feed(wire[30:36]) == []
    assert decoder.buffered == 12
    assert decoder.feed(wire[36:]) == messages[1:]


def _closed_after(impl: ModuleType, decoder: object, error: type[Exception], data: bytes) -> None:
    with pytest.raises(error):
        decoder.feed(data)  # type: ignore[attr-defined]
    assert decoder.closed  # type: ignore[attr-defined]
    good = impl.encode_message(MAINNET, "ping", b"")
    with pytest.raises(_framing_py.FramingError, match="closed"):
        decoder.feed(good)  # type: ignore[attr-defined]


def test_bad_magic(impl: ModuleType) -> None:
    decoder = impl.FrameDecoder(MAINNET)
    frame = impl.encode_message(TESTNET, "verack", b"")
    assert decoder.feed(frame[:23]) == []
    _closed_after(impl, decoder, _framing_py.BadMagic, frame[23:])


def test_bad_checksum(impl: ModuleType) -> None:
    frame = bytearray(impl.encode_message(MAINNET, "tx", b"hello"))
    frame[-1] ^= 1
    _closed_after(impl, impl.FrameDecoder(MAINNET), _framing_py.BadChecksum, bytes(frame))
    frame = bytearray(impl.encode_message(MAINNET, "tx", b"hello"))
    frame[20] ^= 1
    decoder = impl.FrameDecoder(MAINNET)
    assert decoder.feed(bytes(frame[:-1])) == []
    _closed_after(impl, decoder, _framing_py.BadChecksum, bytes(frame[-1:]))


def test_oversize_declared_length_raises_from_the_header(impl: ModuleType) -> None:
    # The header alone (no payload byte sent) is enough to refuse it; nothing is buffered.
    decoder = impl.FrameDecoder(MAINNET)
    head = header(MAINNET, b"block", CAP + 1, b"\0\0\0\0")
    assert decoder.feed(head[:-1]) == []
    _closed_after(impl, decoder, _framing_py.PayloadTooLarge, head[-1:])
    assert decoder.buffered == 0
    # At the cap is accepted (and waits for its payload); a smaller max_payload is honoured.
    decoder = impl.FrameDecoder(MAINNET)
    assert decoder.feed(header(MAINNET, b"block", CAP, b"\0\0\0\0") + b"abc") == []
    assert decoder.buffered == 3
    small = impl.FrameDecoder(MAINNET, max_payload=100)
    assert small.max_payload == 100
    assert small.feed(impl.encode_message(MAINNET, "tx", bytes(100))) == [("tx", bytes(100))]
    _closed_after(
        impl, small, _framing_py.PayloadTooLarge, header(MAINNET, b"tx", 101, b"\0\0\0\0")
    )
    # A header declaring 4 GiB - 1 is refused with it in the same chunk as other bytes.
    _closed_after(
        impl,
        impl.FrameDecoder(MAINNET),
        _framing_py.PayloadTooLarge,
        header(MAINNET, b"tx", 0xFFFFFFFF, b"\0\0\0\0") + bytes(1000),
    )


@pytest.mark.parametrize(
    "command",
    [
        b"\0" * 12,  # empty
        b"ver\0ack\0\0\0\0\0",  # bytes after the padding
        b"verack      ",  # space-padded
        b"ver\xe9ck\0\0\0\0\0\0",  # not ASCII
        b"\x01tx\0\0\0\0\0\0\0\0\0",  # control character
        b"\0tx\0\0\0\0\0\0\0\0\0",
    ],
)
def test_bad_command(impl: ModuleType, command: bytes) -> None:
    frame = header(MAINNET, command, 0, dsha(b""))
    _closed_after(impl, impl.FrameDecoder(MAINNET), _framing_py.BadCommand, frame)


def test_full_width_command(impl: ModuleType) -> None:
    frame = header(MAINNET, b"abcdefghijkl", 1, dsha(b"z")) + b"z"
    assert impl.FrameDecoder(MAINNET).feed(frame) == [("abcdefghijkl", b"z")]
    assert impl.encode_message(MAINNET, "abcdefghijkl", b"z") == frame


def test_garbage(impl: ModuleType) -> None:
    decoder = impl.FrameDecoder(MAINNET)
    with pytest.raises(_framing_py.FramingError):
        decoder.feed(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n")
    assert decoder.closed
    with pytest.raises(_framing_py.FramingError):
        decoder.feed(b"")


def test_constructor_and_input_types(impl: ModuleType) -> None:
    for bad in (-1, 1 << 32):
        with pytest.raises(ValueError):
            impl.FrameDecoder(bad)
        with pytest.raises(ValueError):
            impl.FrameDecoder(MAINNET, max_payload=bad)
    with pytest.raises(TypeError):
        impl.FrameDecoder("mainnet")
    decoder = impl.FrameDecoder(MAINNET)
    assert decoder.magic == MAINNET and decoder.max_payload == CAP
    with pytest.raises(TypeError):
        decoder.feed("text")
    assert not decoder.closed  # a type error is the caller's, not the peer's


def _outcome(module: ModuleType, magic: int, chunks: list[bytes]) -> list[object]:
    decoder = module.FrameDecoder(magic, max_payload=1000)
    result: list[object] = []
    for chunk in chunks:
        try:
            result.append(decoder.feed(chunk))
        except Exception as e:
            result.append((type(e), str(e)))
        result.append((decoder.buffered, decoder.closed))
    return result


@st.composite
def hostile_streams(draw: st.DrawFn) -> tuple[int, list[bytes]]:
    magic = draw(st.sampled_from([MAINNET, TESTNET]))
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["good", "good", "header", "raw", "flip"]))
        if kind == "good":
            parts.append(_framing_py.encode_message(magic, draw(COMMANDS), draw(PAYLOADS)))
        elif kind == "header":
            parts.append(
                header(
                    draw(st.sampled_from([magic, MAINNET ^ TESTNET, 0])),
                    draw(st.binary(min_size=12, max_size=12) | st.sampled_from([b"tx", b"inv"])),
                    draw(st.integers(0, 2000)),
                    draw(st.binary(min_size=4, max_size=4)),
                )
            )
        elif kind == "raw":
            parts.append(draw(st.binary(max_size=64)))
        else:
            frame = bytearray(_framing_py.encode_message(magic, draw(COMMANDS), draw(PAYLOADS)))
            frame[draw(st.integers(0, len(frame) - 1))] ^= 1 << draw(st.integers(0, 7))
            parts.append(bytes(frame))
    return magic, chunked(b"".join(parts), draw(st.lists(st.integers(min_value=0), max_size=12)))


@given(stream=hostile_streams())
@settings(max_examples=400, deadline=None)
def test_implementations_agree(stream: tuple[int, list[bytes]]) -> None:
    magic, chunks = stream
    assert _outcome(_impl("cython"), magic, chunks) == _outcome(_framing_py, magic, chunks)


@given(command=COMMANDS, payload=PAYLOADS, magic=st.integers(0, 0xFFFFFFFF))
@settings(max_examples=200, deadline=None)
def test_encoders_agree(command: str, payload: bytes, magic: int) -> None:
    c = _impl("cython")
    assert c.encode_message(magic, command, payload) == _framing_py.encode_message(
        magic, command, payload
    )


@given(command=st.text(max_size=14))
@settings(max_examples=200, deadline=None)
def test_encoders_agree_on_commands(command: str) -> None:
    results = []
    for module in (_impl("cython"), _framing_py):
        try:
            results.append(module.encode_message(MAINNET, command, b""))
        except Exception as e:
            results.append((type(e), str(e)))
    assert results[0] == results[1]


@pytest.mark.parametrize(("env", "expected"), [("1", "python"), ("0", "cython")])
def test_selection_by_environment(env: str, expected: str) -> None:
    _impl("cython")
    code = (
        "from antshares.network import framing, _framing_py;"
        "print(framing.IMPLEMENTATION, framing.FrameDecoder is _framing_py.FrameDecoder)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "ANTSHARES_NO_EXTENSIONS": env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [expected, str(expected == "python")]
