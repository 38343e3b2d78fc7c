"""Hypothesis round trips: every type serializes and decodes back to an equal object, and the
bytes are stable."""

from hypothesis import given, settings
from hypothesis import strategies as st

from antshares.core import (
    Block,
    CoinReference,
    Header,
    Transaction,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
    Witness,
    decode_headers_payload,
    encode_headers_payload,
)
from strategies import block, coin, header, output, transaction, u160, u256, witness

SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(st.sampled_from(list(TxType)).flatmap(transaction))
def test_transaction_round_trip(tx: Transaction) -> None:
    raw = tx.to_bytes()
    again = Transaction.from_bytes(raw)
    assert again == tx
    assert again.to_bytes() == raw
    assert again.hash == tx.hash
    assert raw.startswith(tx.unsigned_bytes())
    assert again.exclusive == tx.exclusive


@SETTINGS
@given(block())
def test_block_round_trip(b: Block) -> None:
    raw = b.to_bytes()
    again = Block.from_bytes(raw)
    assert again == b and again.to_bytes() == raw and again.hash == b.hash


@SETTINGS
@given(header)
def test_header_round_trip(h: Header) -> None:
    assert Header.from_bytes(h.to_bytes()) == h
    assert len(h.unsigned_bytes()) == 104


@SETTINGS
@given(st.lists(header, max_size=5))
def test_headers_payload_round_trip(hs: list[Header]) -> None:
    assert decode_headers_payload(encode_headers_payload(hs)) == hs


@SETTINGS
@given(witness, coin, output)
def test_parts_round_trip(w: Witness, c: CoinReference, o: TxOutput) -> None:
    assert Witness.from_bytes(w.to_bytes()) == w
    assert CoinReference.from_bytes(c.to_bytes()) == c
    assert TxOutput.from_bytes(o.to_bytes()) == o


@SETTINGS
@given(u160, u256)
def test_uint_round_trip(a: UInt160, b: UInt256) -> None:
    assert UInt160.from_display(str(a)) == a
    assert UInt256.from_display(str(b)) == b
    assert UInt160(a.to_bytes()) == a


@SETTINGS
@given(st.lists(u160, min_size=2, max_size=6, unique=True))
def test_uint160_orders_as_little_endian_numbers(hs: list[UInt160]) -> None:
    assert sorted(hs) == sorted(hs, key=lambda h: int.from_bytes(h.to_bytes(), "little"))
