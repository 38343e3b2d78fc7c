"""Key pairs on every curve, WIF import/export, NEP-2 (vectors and every curve), secrecy."""

import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from antshares_native._native import base58check_decode, base58check_encode

from antshares.core.address import decode_address, single_sig_script
from antshares.core.hashing import hash256
from antshares.crypto import Curve, verify
from antshares.wallet import keys as keys_module
from antshares.wallet.keys import (
    STANDARD_SCRYPT,
    InvalidKeyError,
    KeyPair,
    ScryptParams,
    WrongPasswordError,
)
from conftest import vectors_where

# Cheap scrypt for round trips; production code only ever uses STANDARD_SCRYPT.
FAST = ScryptParams(16, 1, 1)
ORDER = {
    Curve.SECP256R1: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    Curve.SECP256K1: 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
    Curve.SM2: 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
}
ADDRESS_VERSION = {Curve.SECP256R1: 0x17, Curve.SECP256K1: 0x05, Curve.SM2: 0x3F}
ADDRESS_START = {Curve.SECP256R1: "A", Curve.SECP256K1: "3", Curve.SM2: "S"}


def nep2_vectors() -> list[dict[str, Any]]:
    found = vectors_where(lambda v: isinstance(v["input"], dict) and "passphrase" in v["input"])
    assert len(found) == 6
    return found


def wif_vectors() -> list[dict[str, Any]]:
    found = vectors_where(
        lambda v: (
            isinstance(v["input"], dict)
            and v["input"].keys() == {"private_key"}
            and v["expected"]["wif"] is not None
        )
    )
    assert found
    return found


@pytest.mark.parametrize("curve", list(Curve))
def test_generated_keys_sign_on_every_curve(curve: Curve) -> None:
    key = KeyPair.generate(curve)
    assert key.curve == curve and len(key.secret) == 32 and len(key.point) == 33
    tag = curve.key_tag
    assert key.public_key == (key.point if tag is None else bytes([tag]) + key.point)
    assert key.verification_script == single_sig_script(key.public_key)
    assert key.address[0] == ADDRESS_START[curve]
    assert decode_address(key.address)[0] == ADDRESS_VERSION[curve]
    for i in range(8):
        message = b"message %d" % i
        signature = key.sign(message)
        assert len(signature) == 64
        assert verify(key.point, message, signature, curve)
        assert key.verify(message, signature)
        assert not key.verify(message + b"!", signature)
        if curve != Curve.SM2:  # ECDSA: the wallet only makes low-S signatures (SPEC §3)
            assert int.from_bytes(signature[32:], "big") <= ORDER[curve] // 2
    assert KeyPair.generate(curve) != key


@pytest.mark.parametrize("curve", list(Curve))
def test_generation_rejects_draws_outside_the_curve_order(
    curve: Curve, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = ORDER[curve]
    too_big = n - 1 if curve == Curve.SM2 else n  # SM2 secrets stop at n − 2
    draws: Iterator[bytes] = iter(
        [bytes(32), too_big.to_bytes(32, "big"), b"\xff" * 32, (n - 2).to_bytes(32, "big")]
    )
    monkeypatch.setattr(keys_module.secrets, "token_bytes", lambda size: next(draws))
    key = KeyPair.generate(curve)
    assert key.secret == (n - 2).to_bytes(32, "big")


@pytest.mark.parametrize("curve", list(Curve))
def test_secrets_out_of_range_are_refused(curve: Curve) -> None:
    for bad in (bytes(32), ORDER[curve].to_bytes(32, "big"), b"\xff" * 32, b"\x01" * 31):
        with pytest.raises(InvalidKeyError):
            KeyPair(bad, curve)
    assert KeyPair((1).to_bytes(32, "big"), curve).secret == (1).to_bytes(32, "big")


def test_wif_vectors_round_trip() -> None:
    for v in wif_vectors():
        secret = bytes.fromhex(v["input"]["private_key"])
        key = KeyPair.from_wif(v["expected"]["wif"])
        assert key.secret == secret
        assert key.public_key.hex() == v["expected"]["public_key"]
        assert key.address == v["expected"]["address"]
        assert KeyPair(secret).to_wif() == v["expected"]["wif"]


@pytest.mark.parametrize("curve", list(Curve))
def test_wif_round_trip_on_every_curve(curve: Curve) -> None:
    key = KeyPair.generate(curve)
    wif = key.to_wif()
    assert len(wif) == 52 and wif[0] in "KL"
    assert KeyPair.from_wif(wif, curve) == key
    assert KeyPair.from_wif(f"  {wif}\n", curve) == key  # pasted with whitespace
    # WIF carries no curve: the same secret read as another curve is another key.
    if curve != Curve.SECP256R1:
        assert KeyPair.from_wif(wif).public_key != key.public_key


def test_bad_wifs_are_refused_without_echoing_them() -> None:
    secret = bytes(range(1, 33))
    good = KeyPair(secret).to_wif()
    flipped = good[:-1] + ("1" if good[-1] != "1" else "2")
    bad = {
        "empty": "",
        "checksum": flipped,
        "prefix": base58check_encode(b"\x81" + secret + b"\x01"),
        "no compression flag": base58check_encode(b"\x80" + secret),
        "wrong flag": base58check_encode(b"\x80" + secret + b"\x02"),
        "too long": base58check_encode(b"\x80" + secret + b"\x01\x01"),
        "not base58": good[:10] + "0OIl" + good[14:],
        "zero secret": base58check_encode(b"\x80" + bytes(32) + b"\x01"),
        "secret ≥ n": base58check_encode(b"\x80" + b"\xff" * 32 + b"\x01"),
    }
    for why, wif in bad.items():
        with pytest.raises(InvalidKeyError) as caught:
            KeyPair.from_wif(wif)
        if wif:
            assert wif not in str(caught.value), why
    sm2_only_invalid = base58check_encode(
        b"\x80" + (ORDER[Curve.SM2] - 1).to_bytes(32, "big") + b"\x01"
    )
    assert KeyPair.from_wif(sm2_only_invalid)  # a valid P-256 secret
    with pytest.raises(InvalidKeyError):
        KeyPair.from_wif(sm2_only_invalid, Curve.SM2)


def test_the_secret_never_shows() -> None:
    key = KeyPair.generate(Curve.SECP256K1)
    shown = repr(key) + str(key) + f"{key}" + repr([key])
    for secret_form in (key.secret.hex(), key.to_wif(), str(key.secret)):
        assert secret_form not in shown
    assert key.public_key.hex() in shown
    with pytest.raises(TypeError):
        pickle.dumps(key)
    with pytest.raises(AttributeError):
        key.curve = Curve.SM2  # type: ignore[misc]


def test_nep2_vectors_encrypt_through_the_api() -> None:
    """All six vectors encrypt byte for byte (scrypt 16384/8/8: about 0.3 s each)."""
    for v in nep2_vectors():
        key = KeyPair(bytes.fromhex(v["input"]["private_key"]))
        assert key.address == v["input"]["address"]
        assert key.to_nep2(v["input"]["passphrase"]) == v["expected"]["nep2"]


def test_nep2_vectors_decrypt_through_the_api() -> None:
    """The two non-ASCII passphrases (NFC normalisation) decrypt; a wrong one is refused."""
    unicode_ones = [v for v in nep2_vectors() if not v["input"]["passphrase"].isascii()]
    assert len(unicode_ones) == 2
    for v in unicode_ones:
        key = KeyPair.from_nep2(v["expected"]["nep2"], v["input"]["passphrase"])
        assert key.secret.hex() == v["input"]["private_key"]
    with pytest.raises(WrongPasswordError):
        KeyPair.from_nep2(unicode_ones[0]["expected"]["nep2"], "not the passphrase")


@pytest.mark.parametrize("curve", list(Curve))
def test_nep2_round_trip_on_every_curve(curve: Curve) -> None:
    key = KeyPair.generate(curve)
    encrypted = key.to_nep2("correct horse", scrypt=FAST)
    assert encrypted.startswith("6PY") and len(encrypted) == 58
    # The address hash is over the key's own address: the curve is checked too.
    address_hash = base58check_decode(encrypted)[3:7]
    assert address_hash == hash256(key.address.encode())[:4]
    assert KeyPair.from_nep2(encrypted, "correct horse", curve, scrypt=FAST) == key
    with pytest.raises(WrongPasswordError):
        KeyPair.from_nep2(encrypted, "correct horse!", curve, scrypt=FAST)
    other = Curve.SM2 if curve == Curve.SECP256R1 else Curve.SECP256R1
    with pytest.raises(WrongPasswordError):
        KeyPair.from_nep2(encrypted, "correct horse", other, scrypt=FAST)
    with pytest.raises(WrongPasswordError):  # other scrypt parameters, other derived key
        KeyPair.from_nep2(encrypted, "correct horse", curve, scrypt=ScryptParams(32, 1, 1))


def test_malformed_nep2_strings() -> None:
    key = KeyPair.generate()
    encrypted = key.to_nep2("pw", scrypt=FAST)
    body = base58check_decode(encrypted)
    for bad in (
        "",
        encrypted[:-1],
        encrypted[:-1] + ("z" if encrypted[-1] != "z" else "y"),
        base58check_encode(b"\x01\x42\xe1" + body[3:]),
        base58check_encode(body + b"\x00"),
        key.to_wif(),
    ):
        with pytest.raises(InvalidKeyError):
            KeyPair.from_nep2(bad, "pw", scrypt=FAST)


def test_scrypt_parameters_are_bounded() -> None:
    assert (STANDARD_SCRYPT.n, STANDARD_SCRYPT.r, STANDARD_SCRYPT.p) == (16384, 8, 8)
    assert STANDARD_SCRYPT.at_least(FAST) and not FAST.at_least(STANDARD_SCRYPT)
    for n, r, p in ((0, 8, 8), (1, 8, 8), (1000, 8, 8), (1 << 21, 1, 1), (16, 0, 1), (16, 1, 17)):
        with pytest.raises(ValueError):
            ScryptParams(n, r, p)
    with pytest.raises(ValueError, match="too costly"):
        ScryptParams(1 << 20, 16, 1)  # 2 GiB of memory
