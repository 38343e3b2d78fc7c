"""The binding's API surface (native/python/src/types): error types and messages, constructor
validation, immutability, equality and hashing, sizes, and the script / address / WIF helpers."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from antshares_native import _native

from antshares.core import (
    Block,
    CoinReference,
    DecodeError,
    Header,
    Transaction,
    TxAttribute,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
    Witness,
)
from antshares.core.address import (
    address_from_script_hash,
    decode_address,
    single_sig_script,
    wif_decode,
    wif_encode,
)
from antshares.core.hashing import hash160, hash256, sha256
from conftest import block_bytes

H0 = UInt256(bytes(32))
H1 = UInt256(bytes(range(32)))
SH = UInt160(bytes(range(20)))
# The secp256r1 generator, compressed: a valid 33-byte P-256 key.
G_P256 = bytes.fromhex("036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")
SECRET = bytes.fromhex("c7134d6fd8e73d819e82755c64c93788d8db0961929e025a53363c4cc02a6962")
SECRET_WIF = "L3tgppXLgdaeqSGSFw1Go3skBiy8vQAM7YMXvTHsKQtE16PBncSU"  # NEO documentation vector
ADDRESS = "AJBENSwajTzQtwyJFkiJSv7MAaaMc7DsRz"
BIG_BLOCK = "mainnet-797966.hex"
HEADER_RAW = Block.from_bytes(block_bytes("mainnet-2000000.hex")).header.to_bytes()
DECODE_MESSAGE = re.compile(r"^(?P<field>.+) at offset (?P<offset>\d+): (?P<reason>.+)$")


def contract(**kw: Any) -> Transaction:
    args: dict[str, Any] = {
        "attributes": [],
        "inputs": [CoinReference(H1, 3)],
        "outputs": [TxOutput(H0, 5 * 10**8, SH)],
        "witnesses": [Witness(b"\x40" + bytes(64), single_sig_script(G_P256))],
    }
    args.update(kw)
    return Transaction(TxType.CONTRACT, 0, {}, **args)


def key(curve: str, secret_byte: int) -> bytes:
    return _native.public_key_from_secret(curve, bytes([secret_byte]) * 32)


def tagged(curve: str, secret_byte: int) -> bytes:
    tag = {"secp256k1": 0x01, "sm2": 0x02}[curve]
    return bytes([tag]) + key(curve, secret_byte)


# --- DecodeError ------------------------------------------------------------------------------


def test_decode_error_is_a_value_error() -> None:
    assert issubclass(DecodeError, ValueError)
    assert DecodeError is _native.DecodeError


@pytest.mark.parametrize(
    ("decode", "data", "field", "offset"),
    [
        (Transaction.from_bytes, bytes.fromhex("800001"), "attributes", 2),
        (Transaction.from_bytes, bytes.fromhex("800000000000") + b"\x00", "transaction", 6),
        (Witness.from_bytes, b"\x02\x00", "invocation", 0),
        (CoinReference.from_bytes, bytes(33), "coin_reference", 0),
        (TxOutput.from_bytes, bytes(60), "value", 32),
        (_native.decode_var_int, b"\xfd\x01\x00", "var_int", 0),
    ],
    ids=["truncated-tx", "trailing-tx", "witness", "coin-reference", "output", "var-int"],
)
def test_decode_error_attributes_match_the_message(
    decode: Callable[[bytes], object], data: bytes, field: str, offset: int
) -> None:
    with pytest.raises(DecodeError) as info:
        decode(data)
    err = info.value
    m = DECODE_MESSAGE.match(str(err))
    assert m is not None, str(err)
    assert (err.field, err.offset, err.reason) == (m["field"], int(m["offset"]), m["reason"])
    assert (err.field, err.offset) == (field, offset)


def test_decode_error_of_a_truncated_block_names_a_transaction() -> None:
    raw = block_bytes("mainnet-2000000.hex")
    with pytest.raises(DecodeError) as info:
        Block.from_bytes(raw[:-10])
    assert info.value.field.startswith("transactions[")
    assert (
        str(info.value) == f"{info.value.field} at offset {info.value.offset}: {info.value.reason}"
    )


# --- constructor validation -------------------------------------------------------------------

REGISTER = {
    "asset_type": 0x60,
    "name": "token",
    "amount": 10**8,
    "precision": 8,
    "owner": G_P256,
    "admin": SH,
}
AGENCY = {
    "asset_id": H0,
    "value_asset_id": H1,
    "agent": SH,
    "orders": [],
    "split_order": None,
}
ECDH02 = 0x02


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: TxOutput(H0, 0, SH), "output value 0 must be positive"),
        (lambda: TxOutput(H0, -1, SH), "output value -1 must be positive"),
        (
            lambda: Transaction(TxType.REGISTER, 0, {**REGISTER, "precision": 9}, [], [], [], []),
            "precision 9 exceeds 8",
        ),
        (
            lambda: Transaction(TxType.CONTRACT, 0, {"nonce": 1}, [], [], [], []),
            'unexpected key "nonce" in exclusive data of Contract',
        ),
        (
            lambda: Transaction(TxType.MINER, 0, {}, [], [], [], []),
            'exclusive data is missing "nonce"',
        ),
        (lambda: TxAttribute(ECDH02, bytes(31)), "needs exactly 32 bytes, got 31"),
        (
            lambda: contract(attributes=[TxAttribute(0x81, b"x")] * 17),
            "count 17 exceeds the maximum 16",
        ),
        (
            lambda: Transaction(TxType.VOTING, 0, {"enrollments": [H1, H1]}, [], [], [], []),
            "duplicate enrollment",
        ),
        (
            lambda: Transaction(
                TxType.INVOCATION, 0, {"script": b"\x51", "gas": 0}, [], [], [], []
            ),
            'unexpected key "gas" in exclusive data of Invocation',
        ),
        (
            lambda: Transaction(TxType.INVOCATION, 1, {"script": b"\x51"}, [], [], [], []),
            'exclusive data is missing "gas"',
        ),
        (
            lambda: Transaction(TxType.AGENCY, 0, {**AGENCY, "value_asset_id": H0}, [], [], [], []),
            "value asset must differ from the traded asset",
        ),
        (lambda: UInt160(bytes(19)), "UInt160 needs 20 bytes, got 19"),
        (lambda: UInt256(bytes(33)), "UInt256 needs 32 bytes, got 33"),
        (
            lambda: Transaction(
                TxType.ENROLLMENT, 0, {"public_key": b"\x04" + bytes(64)}, [], [], [], []
            ),
            "uncompressed public keys are not accepted",
        ),
        (lambda: Transaction(0x03, 0, {}, [], [], [], []), "unknown transaction type 0x03"),
        (
            lambda: Transaction(TxType.CONTRACT, 1, {}, [], [], [], []),
            "version 1 is not supported for type Contract",
        ),
        (lambda: Witness(bytes(65537), b""), "witness scripts are limited to 65536 bytes"),
        (lambda: Block(Header.from_bytes(HEADER_RAW), []), "a block needs 1..=65535"),
    ],
)
def test_constructors_reject_invalid_values(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        build()
    assert not isinstance(info.value, DecodeError)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CoinReference(b"short", 0), "prev_hash must be a UInt256"),
        (lambda: TxOutput(H0, 1, H0), "script_hash must be a UInt160"),  # type: ignore[arg-type]
        (lambda: contract(inputs=[SH]), "inputs must hold CoinReference objects"),
        (lambda: contract(outputs=[H0]), "outputs must hold TxOutput objects"),
        (lambda: contract(attributes=[b"x"]), "attributes must hold TxAttribute objects"),
        (lambda: contract(witnesses=[None]), "witnesses must hold Witness objects"),
        (lambda: Block(b"header", []), "header must be a Header"),  # type: ignore[arg-type]
        (lambda: _native.encode_headers_payload([1]), "headers must hold Header objects"),  # type: ignore[list-item]
        (
            lambda: Transaction(TxType.AGENCY, 0, {**AGENCY, "orders": [1]}, [], [], [], []),
            "orders must hold dicts",
        ),
        (
            lambda: Transaction(TxType.AGENCY, 0, {**AGENCY, "split_order": 1}, [], [], [], []),
            "split_order must be a dict or None",
        ),
        (
            lambda: Transaction(TxType.STATE, 0, {"descriptors": ["x"]}, [], [], [], []),
            "descriptors must hold dicts",
        ),
        (
            lambda: Transaction(TxType.REGISTER, 0, {**REGISTER, "name": b"x"}, [], [], [], []),
            "name must be str",
        ),
    ],
)
def test_constructors_reject_wrong_types(build: Callable[[], object], message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        build()


def test_valid_boundary_values_are_accepted() -> None:
    assert TxAttribute(ECDH02, bytes(32)).data == bytes(32)
    assert len(contract(attributes=[TxAttribute(0x81, b"x")] * 16).attributes) == 16
    reg = Transaction(TxType.REGISTER, 0, REGISTER, [], [], [], [])
    assert reg.exclusive == REGISTER
    inv = Transaction(TxType.INVOCATION, 1, {"script": b"\x51", "gas": 7}, [], [], [], [])
    assert inv.exclusive == {"script": b"\x51", "gas": 7}
    agency = Transaction(TxType.AGENCY, 0, AGENCY, [], [], [], [])
    assert agency.exclusive == AGENCY
    assert Transaction.from_bytes(agency.to_bytes()) == agency
    # raw bytes are accepted wherever a UInt160 / UInt256 is
    assert CoinReference(bytes(H1), 1) == CoinReference(H1, 1)


# --- immutability -----------------------------------------------------------------------------


def sample_objects() -> list[tuple[object, str]]:
    tx = contract()
    block = Block.from_bytes(block_bytes("mainnet-2000000.hex"))
    return [
        (H1, "to_bytes"),
        (SH, "to_bytes"),
        (Witness(b"", b"\x51"), "invocation"),
        (CoinReference(H1, 1), "prev_index"),
        (TxOutput(H0, 1, SH), "value"),
        (TxAttribute(0x81, b"x"), "data"),
        (tx, "version"),
        (block.header, "index"),
        (block, "transactions"),
    ]


@pytest.mark.parametrize("index", range(9))
def test_objects_are_immutable(index: int) -> None:
    obj, attr = sample_objects()[index]
    before = getattr(obj, attr)
    with pytest.raises((AttributeError, TypeError)):
        setattr(obj, attr, before)
    with pytest.raises((AttributeError, TypeError)):
        obj.extra = 1  # type: ignore[attr-defined]
    assert getattr(obj, attr) == before


def test_returned_lists_are_copies() -> None:
    tx = contract()
    tx.outputs.append(TxOutput(H0, 1, SH))
    tx.exclusive["nonce"] = 1
    assert len(tx.outputs) == 1
    assert tx.exclusive == {}


# --- equality and hashing ---------------------------------------------------------------------


def equal_pairs() -> list[tuple[object, object, object]]:
    """(a, b, c): a == b built independently; c differs from a."""
    raw = block_bytes("mainnet-2000000.hex")
    b1, b2 = Block.from_bytes(raw), Block.from_bytes(raw)
    other_block = Block.from_bytes(block_bytes("mainnet-2340363.hex"))
    return [
        (UInt256(bytes(H1)), UInt256.from_display(str(H1)), H0),
        (UInt160(bytes(SH)), UInt160.from_bytes(bytes(SH)), UInt160(bytes(20))),
        (Witness(b"\x01", b"\x02"), Witness.from_bytes(b"\x01\x01\x01\x02"), Witness(b"\x02", b"")),
        (
            CoinReference(H1, 1),
            CoinReference.from_bytes(bytes(H1) + b"\x01\x00"),
            CoinReference(H1, 2),
        ),
        (
            TxOutput(H0, 9, SH),
            TxOutput.from_bytes(TxOutput(H0, 9, SH).to_bytes()),
            TxOutput(H0, 8, SH),
        ),
        (TxAttribute(0x81, b"x"), TxAttribute(0x81, b"x"), TxAttribute(0x81, b"y")),
        (contract(), Transaction.from_bytes(contract().to_bytes()), contract(inputs=[])),
        (b1.header, Header.from_bytes(b2.header.to_bytes()), other_block.header),
        (b1, b2, other_block),
    ]


@pytest.mark.parametrize("index", range(9))
def test_equal_objects_hash_equal(index: int) -> None:
    a, b, c = equal_pairs()[index]
    assert a is not b
    assert a == b
    assert (a != b) is False
    assert hash(a) == hash(b)
    assert a != c
    assert len({a, b, c}) == 2
    assert {a: "first"}[b] == "first"
    assert a != "not the same type"


def test_uint_ordering_is_numeric_little_endian() -> None:
    # The last raw byte is the most significant: the order is that of the display strings.
    low, high = UInt160(b"\x01" + b"\x00" * 19), UInt160(b"\x00" * 19 + b"\x01")
    assert low < high and high > low and low <= low and high >= high
    assert sorted([high, low]) == [low, high]
    assert str(low) < str(high)
    with pytest.raises(TypeError):
        _ = H0 < SH  # type: ignore[operator]


def test_uint_display_is_reversed_hex() -> None:
    assert str(H1) == bytes(range(32))[::-1].hex()
    assert UInt256.from_display("0x" + str(H1)) == H1
    assert repr(SH) == f"UInt160('{SH}')"
    assert bytes(SH) == bytes(range(20))


# --- sizes, hashes, the big block -------------------------------------------------------------


def test_transaction_size_is_the_serialized_length() -> None:
    for tx in (contract(), contract(attributes=[TxAttribute(0xF0, b"x" * 300)])):
        raw = tx.to_bytes()
        assert tx.size == len(raw) == len(bytes(tx))
        assert raw.startswith(tx.unsigned_bytes())
        assert tx.hash.to_bytes() == hash256(tx.unsigned_bytes())
        assert tx.txid == str(tx.hash)
    tx = contract()
    # 1 type + 1 version + 1 attr count + (1 + 34) inputs + (1 + 60) outputs + witnesses
    wit = 1 + (1 + 65) + (1 + 35)
    assert tx.size == 3 + 35 + 61 + wit


def test_big_mainnet_block() -> None:
    raw = block_bytes(BIG_BLOCK)
    block = Block.from_bytes(raw)
    assert len(block) == len(block.transactions) == 17221
    assert block.index == 797966
    assert str(block.hash) == "9f4b9972e69b26658a40446919a9927c4fe231eb57081469ac1cae3a1684335f"
    assert block.compute_merkle_root() == block.merkle_root
    assert block.to_bytes() == raw
    assert sum(t.size for t in block.transactions) == len(raw) - len(block.header.to_bytes()) - 3
    assert [t.type for t in block.transactions[:2]] == [TxType.MINER, TxType.CONTRACT]
    assert len({t.hash for t in block.transactions}) == 17221


def test_hash_functions() -> None:
    assert sha256(b"").hex().startswith("e3b0c44298fc1c14")
    assert hash256(b"").hex() == (
        "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"
    )
    assert hash160(b"").hex() == "b472a266d0bd89c13706a4132ccfb16f7c3b9fcb"
    big = bytes(200_000)  # above the GIL-release threshold: same result
    assert hash256(big) == sha256(sha256(big))


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, "00"),
        (0xFC, "fc"),
        (0xFD, "fdfd00"),
        (0xFFFF, "fdffff"),
        (0x10000, "fe00000100"),
        (2**32, "ff0000000001000000"),
    ],
)
def test_var_int_round_trip(value: int, encoded: str) -> None:
    assert _native.encode_var_int(value).hex() == encoded
    assert _native.decode_var_int(bytes.fromhex(encoded) + b"\xaa") == (value, len(encoded) // 2)


# --- scripts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("curve", ["secp256k1", "sm2"])
def test_single_sig_script_with_a_tagged_key(curve: str) -> None:
    k = tagged(curve, 7)
    assert len(k) == 34
    script = single_sig_script(k)
    assert script == b"\x22" + k + b"\xac"
    assert _native.classify_script(script) == ("single", k)


def test_single_sig_script_p256_and_bad_keys() -> None:
    assert single_sig_script(G_P256) == b"\x21" + G_P256 + b"\xac"
    assert _native.classify_script(b"\x21" + G_P256 + b"\xac") == ("single", G_P256)
    with pytest.raises(ValueError, match="unknown key curve tag 0x03"):
        single_sig_script(b"\x03" + G_P256)
    with pytest.raises(ValueError, match="must be compressed"):
        single_sig_script(b"\x01\x04" + G_P256[1:])
    with pytest.raises(ValueError, match="33 or 34"):
        single_sig_script(G_P256[:32])


def test_multisig_forms() -> None:
    keys = [G_P256, tagged("secp256k1", 3), tagged("sm2", 5)]
    script = _native.multisig_script_sorted(2, keys)
    expected = b"\x52" + b"".join(bytes([len(k)]) + k for k in keys) + b"\x53\xae"
    assert script == expected
    assert _native.classify_script(script) == ("multisig", 2, keys)
    # 17 keys: m and n are data pushes (01 11), not small-int opcodes
    many = [key("secp256r1", i) for i in range(1, 18)]
    big = _native.multisig_script_sorted(17, many)
    assert big[:2] == b"\x01\x11" and big[-3:] == b"\x01\x11\xae"
    assert _native.classify_script(big) == ("multisig", 17, many)
    with pytest.raises(ValueError, match="1 <= m <= n"):
        _native.multisig_script_sorted(3, keys[:2])
    with pytest.raises(ValueError, match=r"keys\[1\]"):
        _native.multisig_script_sorted(1, [G_P256, b"\x05" + G_P256])


@pytest.mark.parametrize(
    "script",
    [
        b"",
        b"\x21" + G_P256,  # no CHECKSIG
        b"\x21" + G_P256 + b"\xac\x00",  # trailing byte
        b"\x52\x21" + G_P256 + b"\x51\xae",  # m > n
        b"\x51\x21" + G_P256 + b"\x52\xae",  # n != number of keys
        b"\x01\x01\x21" + G_P256 + b"\x51\xae",  # non-minimal push of m
    ],
)
def test_nonstandard_scripts(script: bytes) -> None:
    assert _native.classify_script(script) == ("nonstandard",)


def test_parse_invocation() -> None:
    sigs = [bytes([i]) * 64 for i in (1, 2)]
    assert _native.parse_invocation(b"".join(b"\x40" + s for s in sigs)) == sigs
    assert _native.parse_invocation(b"") == []
    assert _native.parse_invocation(b"\x41" + bytes(64)) is None
    assert _native.parse_invocation(b"\x40" + bytes(63)) is None


# --- addresses and WIF ------------------------------------------------------------------------


def test_address_round_trip() -> None:
    version, h = decode_address(ADDRESS)
    assert version == 0x17
    assert address_from_script_hash(h) == ADDRESS
    assert _native.decode_address(ADDRESS) == (0x17, h)


def test_decode_address_rejects_a_bad_checksum() -> None:
    last = "1" if ADDRESS[-1] != "1" else "2"
    with pytest.raises(ValueError, match="checksum"):
        decode_address(ADDRESS[:-1] + last)
    with pytest.raises(ValueError, match="checksum"):
        _native.decode_address(ADDRESS[:-1] + last)


def test_decode_address_rejects_an_unknown_version() -> None:
    addr = _native.base58check_encode(b"\x18" + bytes(SH))
    with pytest.raises(ValueError, match="unknown address version byte 0x18"):
        _native.decode_address(addr)
    with pytest.raises(ValueError, match="0x18"):
        decode_address(addr)


def test_decode_address_rejects_a_wrong_length() -> None:
    addr = _native.base58check_encode(b"\x17" + bytes(19))
    with pytest.raises(ValueError, match="20 bytes, expected 21"):
        decode_address(addr)


def test_wif_round_trip() -> None:
    assert wif_encode(SECRET) == SECRET_WIF
    assert wif_decode(SECRET_WIF) == SECRET
    with pytest.raises(ValueError, match="32 bytes, got 31"):
        wif_encode(SECRET[:31])


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\x80" + SECRET + b"\x00", "compression byte 0x01, got 0x00"),
        (b"\x80" + SECRET, "33 bytes, expected 34"),
        (b"\x80" + SECRET + b"\x01\x01", "35 bytes, expected 34"),
        (b"\x81" + SECRET + b"\x01", "start with byte 0x80, got 0x81"),
    ],
)
def test_wif_decode_rejects_malformed_payloads(payload: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wif_decode(_native.base58check_encode(payload))


def test_wif_decode_rejects_a_bad_checksum() -> None:
    with pytest.raises(ValueError, match="invalid WIF"):
        wif_decode(SECRET_WIF[:-1] + ("1" if SECRET_WIF[-1] != "1" else "2"))
