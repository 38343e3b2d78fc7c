"""Hostile input: decoders never crash, cap every length before allocating, reject non-canonical
encodings, and name the field and byte offset. The corpus in tests/corpus/ keeps past findings
(and hand-made cases) as regression tests: each must be rejected or round-trip exactly."""

from pathlib import Path

import pytest

import antshares
from antshares.core import Block, DecodeError, Header, Transaction, decode_headers_payload
from conftest import block_bytes

CORPUS = Path(__file__).parent / "corpus"
SMALL_BLOCK = "mainnet-2000000.hex"


def test_every_truncation_of_a_real_block_is_a_clean_error() -> None:
    raw = block_bytes(SMALL_BLOCK)
    for end in range(len(raw)):
        with pytest.raises(DecodeError, match=r" at offset \d+: "):
            Block.from_bytes(raw[:end])


def test_truncated_block_report_names_the_block() -> None:
    raw = block_bytes(SMALL_BLOCK)
    report = antshares.verify_block(raw[:-10])
    assert not report.ok
    assert report.height == 2000000  # the header was still readable
    assert report.error is not None and report.error.startswith("decode: transactions[")


def test_trailing_bytes_are_rejected() -> None:
    raw = block_bytes(SMALL_BLOCK)
    with pytest.raises(DecodeError, match="trailing"):
        Block.from_bytes(raw + b"\x00")


def miner_tx_prefix() -> bytes:
    return bytes.fromhex("0000d11f7a28")  # type Miner, version 0, nonce


@pytest.mark.parametrize(
    "tail",
    [
        b"\xff" + b"\xff" * 8,  # 2^64-1 attributes
        b"\xfe\xff\xff\xff\x7f",  # 2^31 attributes
        b"\x00\xfe\x00\x00\x00\x10",  # 2^28 inputs, no bytes behind them
        b"\x00\x00\xff\x00\x00\x00\x00\x01\x00\x00\x00",  # 2^32 outputs
        b"\x00\x00\x00\x01\xfe\xff\xff\xff\xff",  # a 4 GiB invocation script
    ],
)
def test_huge_declared_counts_fail_fast(tail: bytes) -> None:
    with pytest.raises(DecodeError):
        Transaction.from_bytes(miner_tx_prefix() + tail)


@pytest.mark.parametrize(
    ("tail", "field"),
    [
        (b"\xfd\x00\x00\x00\x00\x00", "attributes"),  # 0 written in 3 bytes
        (b"\x00\xfe\x00\x00\x00\x00\x00\x00", "inputs"),  # 0 written in 5 bytes
    ],
)
def test_non_minimal_var_ints_are_rejected(tail: bytes, field: str) -> None:
    with pytest.raises(DecodeError, match=field):
        Transaction.from_bytes(miner_tx_prefix() + tail)


def test_uncompressed_key_is_rejected() -> None:
    uncompressed = b"\x04" + bytes(range(64))
    raw = b"\x20\x00" + uncompressed + b"\x00\x00\x00\x00"
    with pytest.raises(DecodeError, match="public_key"):
        Transaction.from_bytes(raw)


def test_header_separator_must_be_one() -> None:
    header = Block.from_bytes(block_bytes(SMALL_BLOCK)).header.to_bytes()
    bad = header[:104] + b"\x02" + header[105:]
    with pytest.raises(DecodeError, match="offset 104"):
        Header.from_bytes(bad)


def test_too_many_headers_in_a_payload() -> None:
    with pytest.raises(DecodeError):
        decode_headers_payload(b"\xfd\xd1\x07")  # 2001 headers


def test_invalid_utf8_in_asset_name_is_rejected() -> None:
    raw = bytearray(bytes.fromhex("400060") + b"\x02\xff\xfe")
    raw += (
        (-1).to_bytes(8, "little", signed=True)
        + b"\x08"
        + b"\x00"
        + bytes(20)
        + b"\x00\x00\x00\x00"
    )
    with pytest.raises(DecodeError, match="name"):
        Transaction.from_bytes(bytes(raw))


def test_unknown_transaction_type_and_attribute_usage() -> None:
    with pytest.raises(DecodeError, match="type"):
        Transaction.from_bytes(b"\x55\x00\x00\x00\x00\x00")
    with pytest.raises(DecodeError, match="usage"):
        Transaction.from_bytes(b"\x80\x00\x01\x42\x00\x00\x00\x00")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.bin")), ids=lambda p: p.name)
def test_corpus(path: Path) -> None:
    data = path.read_bytes()
    for decode in (Block.from_bytes, Transaction.from_bytes, Header.from_bytes):
        try:
            obj = decode(data)
        except DecodeError:
            continue
        assert obj.to_bytes() == data
    report = antshares.verify_block(data)
    assert report.ok or report.error


def test_corpus_is_not_empty() -> None:
    assert len(list(CORPUS.glob("*.bin"))) >= 5
