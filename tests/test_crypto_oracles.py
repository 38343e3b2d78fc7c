"""Cross-checks of the native signature code against independent implementations.

P-256 against `cryptography` (OpenSSL), secp256k1 against `coincurve` (libsecp256k1), SM2 against
`gmssl` (pure Python GB/T 32918 / SM3), in both directions, on the same random keys and messages.
Also: high-S acceptance, batch == single on mixed items, garbage inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import coincurve
import pytest
from antshares_native import _native as N  # the one place naming the module under test
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from gmssl import sm2 as gm_sm2
from hypothesis import given, settings
from hypothesis import strategies as st

R1, K1, SM2 = "secp256r1", "secp256k1", "sm2"
CODES = {R1: 0, K1: 1, SM2: 2}
ORDER = {
    R1: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    K1: 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
    SM2: 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
}
SM2_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
SM2_A = SM2_P - 3
SM2_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93

EXAMPLES = settings(max_examples=25, deadline=None)
SM2_EXAMPLES = settings(max_examples=8, deadline=None)  # gmssl is pure Python (slow)


def secrets(curve: str) -> st.SearchStrategy[int]:
    # Valid private keys: [1, n-1]; SM2 (GB/T 32918): [1, n-2].
    return st.integers(min_value=1, max_value=ORDER[curve] - (2 if curve == SM2 else 1))


messages = st.binary(max_size=300)


def b32(x: int) -> bytes:
    return x.to_bytes(32, "big")


def split(sig: bytes) -> tuple[int, int]:
    return int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")


def join(r: int, s: int) -> bytes:
    return b32(r) + b32(s)


def high_s(curve: str, sig: bytes) -> bytes:
    r, s = split(sig)
    return join(r, ORDER[curve] - s)


# --- P-256 vs cryptography (OpenSSL) ---------------------------------------------------------


@EXAMPLES
@given(secrets(R1), messages)
def test_p256_ours_verified_by_cryptography(d: int, msg: bytes) -> None:
    sk = ec.derive_private_key(d, ec.SECP256R1())
    pk = N.public_key_from_secret(R1, b32(d))
    assert pk == sk.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    ref_pk = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), pk)
    assert ref_pk.public_numbers() == sk.public_key().public_numbers()
    sig = N.sign(R1, b32(d), msg)
    r, s = split(sig)
    assert s <= ORDER[R1] // 2, "we sign low-S"
    ref_pk.verify(encode_dss_signature(r, s), msg, ec.ECDSA(hashes.SHA256()))
    # OpenSSL also accepts the high-S twin; so do we.
    ref_pk.verify(encode_dss_signature(r, ORDER[R1] - s), msg, ec.ECDSA(hashes.SHA256()))
    assert N.verify(R1, pk, msg, sig)
    assert N.verify(R1, pk, msg, high_s(R1, sig))
    with pytest.raises(InvalidSignature):
        ref_pk.verify(encode_dss_signature(r, s), msg + b"x", ec.ECDSA(hashes.SHA256()))
    assert not N.verify(R1, pk, msg + b"x", sig)


@EXAMPLES
@given(secrets(R1), messages)
def test_p256_cryptography_verified_by_ours(d: int, msg: bytes) -> None:
    sk = ec.derive_private_key(d, ec.SECP256R1())
    pk = sk.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    assert pk == N.public_key_from_secret(R1, b32(d))
    r, s = decode_dss_signature(sk.sign(msg, ec.ECDSA(hashes.SHA256())))  # random k, any S
    sig = join(r, s)
    assert N.verify(R1, pk, msg, sig)
    assert N.verify(R1, pk, msg, join(r, ORDER[R1] - s))
    assert not N.verify(R1, pk, msg, join(r, (s + 1) % ORDER[R1]))
    assert not N.verify(K1, pk, msg, sig)


# --- secp256k1 vs coincurve (libsecp256k1) ----------------------------------------------------


@EXAMPLES
@given(secrets(K1), messages)
def test_k1_ours_verified_by_coincurve(d: int, msg: bytes) -> None:
    ref = coincurve.PrivateKey(b32(d))
    pk = N.public_key_from_secret(K1, b32(d))
    assert pk == ref.public_key.format(compressed=True)
    sig = N.sign(K1, b32(d), msg)
    r, s = split(sig)
    assert s <= ORDER[K1] // 2
    ref_pub = coincurve.PublicKey(pk)
    der = encode_dss_signature(r, s)
    assert ref_pub.verify(der, msg)  # coincurve hashes with SHA-256 by default
    # Same signature bytes as libsecp256k1 (both RFC 6979, low-S).
    assert ref.sign(msg) == der
    # coincurve rejects high-S; we accept it (normalized, it is the same signature).
    hs = high_s(K1, sig)
    assert not ref_pub.verify(encode_dss_signature(*split(hs)), msg)
    assert N.verify(K1, pk, msg, hs)
    assert not N.verify(K1, pk, msg + b"\x00", sig)


@EXAMPLES
@given(secrets(K1), messages, st.binary(min_size=32, max_size=32))
def test_k1_coincurve_verified_by_ours(d: int, msg: bytes, nonce_data: bytes) -> None:
    ref = coincurve.PrivateKey(b32(d))
    pk = ref.public_key.format(compressed=True)
    compact = ref.sign(msg)
    r, s = decode_dss_signature(compact)
    assert N.verify(K1, pk, msg, join(r, s))
    assert N.verify(K1, pk, msg, join(r, ORDER[K1] - s))
    # Prehashed signing with another nonce: still a valid signature of the same message.
    r2, s2 = decode_dss_signature(ref.sign(hashlib.sha256(nonce_data + msg).digest(), hasher=None))
    assert not N.verify(K1, pk, msg, join(r2, s2))
    r3, s3 = decode_dss_signature(ref.sign(hashlib.sha256(msg).digest(), hasher=None))
    assert N.verify(K1, pk, msg, join(r3, s3))
    assert not N.verify(R1, pk, msg, join(r, s))


# --- SM2 vs gmssl (pure Python GB/T 32918) ----------------------------------------------------


def sm2_decompress(pk: bytes) -> tuple[int, int]:
    x = int.from_bytes(pk[1:], "big")
    rhs = (pow(x, 3, SM2_P) + SM2_A * x + SM2_B) % SM2_P
    y = pow(rhs, (SM2_P + 1) // 4, SM2_P)  # p = 3 mod 4
    assert y * y % SM2_P == rhs
    if y & 1 != pk[0] & 1:
        y = SM2_P - y
    return x, y


def gm(d: int | None, pk: bytes) -> gm_sm2.CryptSM2:
    x, y = sm2_decompress(pk)
    c = gm_sm2.CryptSM2(private_key=f"{d or 1:064x}", public_key="00")
    # Set the key directly: the constructor's `lstrip("04")` mangles keys starting with 0/4.
    c.public_key = f"{x:064x}{y:064x}"
    return c


def test_gmssl_oracle_matches_standard_vector() -> None:
    """GM/T 0003.5 Annex A: e = SM3(Z ‖ "message digest"), and the published (r, s)."""
    d = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
    pk = N.public_key_from_secret(SM2, b32(d))
    x_hex = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    assert pk.hex().upper() == "03" + x_hex
    c = gm(d, pk)
    e = c._sm3_z(b"message digest")
    assert e.upper() == "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640"
    sig_hex = c.sign_with_sm3(
        b"message digest", "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21"
    )
    assert sig_hex.upper() == (
        "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
        "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
    )
    assert N.verify(SM2, pk, b"message digest", bytes.fromhex(sig_hex))


@SM2_EXAMPLES
@given(secrets(SM2), messages)
def test_sm2_ours_verified_by_gmssl(d: int, msg: bytes) -> None:
    pk = N.public_key_from_secret(SM2, b32(d))
    sig = N.sign(SM2, b32(d), msg)
    c = gm(d, pk)
    assert c.verify_with_sm3(sig.hex(), msg)
    assert not c.verify_with_sm3(sig.hex(), msg + b"!")
    assert N.verify(SM2, pk, msg, sig)


@SM2_EXAMPLES
@given(secrets(SM2), messages, secrets(SM2))
def test_sm2_gmssl_verified_by_ours(d: int, msg: bytes, k: int) -> None:
    pk = N.public_key_from_secret(SM2, b32(d))
    c = gm(d, pk)
    sig_hex = c.sign_with_sm3(msg, f"{k:064x}")
    if sig_hex is None:  # the standard's rare retry cases (r = 0, r + k = n, s = 0)
        return
    sig = bytes.fromhex(sig_hex)
    assert N.verify(SM2, pk, msg, sig)
    assert not N.verify(SM2, pk, msg + b"!", sig)
    assert not N.verify(R1, pk, msg, sig)


# --- batch == single, garbage -----------------------------------------------------------------


def _mixed_items() -> list[tuple[str, bytes, bytes, bytes]]:
    items: list[tuple[str, bytes, bytes, bytes]] = []
    for i in range(90):
        curve = (R1, K1, SM2)[i % 3]
        d = (
            int.from_bytes(hashlib.sha256(b"batch %d" % (i % 13)).digest(), "big")
            % (ORDER[curve] - 1)
            + 1
        )
        pk = N.public_key_from_secret(curve, b32(d))
        msg = b"message %d" % i
        sig = N.sign(curve, b32(d), msg)
        match i % 9:
            case 1:
                sig = sig[:10] + bytes([sig[10] ^ 1]) + sig[11:]
            case 2:
                msg += b"?"
            case 3:
                sig = sig[:63]
            case 4:
                pk = b"\x05" + pk[1:]
            case 5:
                sig = high_s(curve, sig) if curve != SM2 else sig
            case 6:
                pk = pk[:-1]
            case _:
                pass
        items.append((curve, pk, msg, sig))
    return items


def test_batch_equals_single_on_mixed_items() -> None:
    items = _mixed_items()
    single = [N.verify(*it) for it in items]
    assert N.verify_batch(items) == single
    assert N.verify_batch(list(reversed(items))) == list(reversed(single))
    assert 30 < sum(single) < len(items)
    # Packed form: only items with well-sized keys and signatures can be packed.
    packable = [(i, it) for i, it in enumerate(items) if len(it[1]) == 33 and len(it[3]) == 64]
    curves = bytes(CODES[it[0]] for _, it in packable)
    keys = b"".join(it[1] for _, it in packable)
    sigs = b"".join(it[3] for _, it in packable)
    msgs = [it[2] for _, it in packable]
    assert N.verify_batch_packed(curves, keys, sigs, msgs) == [single[i] for i, _ in packable]
    assert N.verify_batch([]) == []
    assert N.verify_batch_packed(b"", b"", b"", []) == []
    stats = N.key_cache_stats()
    assert set(stats) == {"hits", "misses", "size", "hot_tables"}
    assert stats["hits"] > 0 and stats["size"] > 0


def test_hot_p256_key_gives_the_same_answers() -> None:
    """A P-256 key verified again and again switches to its precomputed table (the fourth use):
    valid, high-S, tampered and wrong-message signatures keep their answers across the switch."""
    N.clear_caches()
    d = b32(424242)
    pk = N.public_key_from_secret(R1, d)
    sig = N.sign(R1, d, b"hot")
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    high = sig[:32] + (ORDER[R1] - s).to_bytes(32, "big")
    tampered = sig[:31] + bytes([sig[31] ^ 1]) + sig[32:]
    cases = [
        (b"hot", sig, True),
        (b"hot", high, True),
        (b"hot", tampered, False),
        (b"cold", sig, False),
        (b"hot", r.to_bytes(32, "big") + bytes(32), False),
    ]
    for _ in range(3):
        for message, signature, expected in cases:
            assert N.verify(R1, pk, message, signature) is expected
    assert N.key_cache_stats()["hot_tables"] == 1
    N.clear_caches()
    assert N.key_cache_stats()["hot_tables"] == 0


def test_garbage_inputs() -> None:
    d = b32(12345)
    for curve in (R1, K1, SM2):
        pk = N.public_key_from_secret(curve, d)
        sig = N.sign(curve, d, b"m")
        assert N.verify(curve, pk, b"m", sig)
        for bad_key in (b"", b"\x02", pk + b"\x00", b"\x04" + pk[1:], b"\x00" * 33, b"\xff" * 65):
            assert N.verify(curve, bad_key, b"m", sig) is False
        for bad_sig in (b"", sig[:63], sig + b"\x00", b"\x00" * 64, b"\xff" * 64, b"\x30" * 70):
            assert N.verify(curve, pk, b"m", bad_sig) is False
        with pytest.raises(ValueError):
            N.sign(curve, b"\x00" * 32, b"m")
        with pytest.raises(ValueError):
            N.sign(curve, b32(ORDER[curve]), b"m")
        with pytest.raises(ValueError):
            N.public_key_from_secret(curve, b"\x01" * 31)
    with pytest.raises(ValueError):  # SM2 private keys stop at n - 2
        N.public_key_from_secret(SM2, b32(ORDER[SM2] - 1))
    bad_calls: list[tuple[Callable[..., object], tuple[object, ...]]] = [
        (N.verify, ("secp384r1", b"\x02" * 33, b"", b"\x00" * 64)),
        (N.sign, ("ed25519", d, b"")),
        (N.public_key_from_secret, ("", d)),
        (N.verify_batch, ([("nope", b"", b"", b"")],)),
        (N.verify_batch, ([(R1, b"", b"")],)),
        (N.verify_batch_packed, (b"\x03", b"\x02" * 33, b"\x00" * 64, [b""])),
        (N.verify_batch_packed, (b"\x00", b"\x02" * 32, b"\x00" * 64, [b""])),
        (N.verify_batch_packed, (b"\x00", b"\x02" * 33, b"\x00" * 63, [b""])),
        (N.verify_batch_packed, (b"\x00", b"\x02" * 33, b"\x00" * 64, [])),
        (N.compare_keys, (b"\x02" * 33, b"\x01")),
        (N.sort_keys, ([b"\x02" * 32],)),
    ]
    for fn, args in bad_calls:
        with pytest.raises(ValueError):
            fn(*args)
    with pytest.raises(TypeError):
        N.verify_batch([(R1, "not bytes", b"", b"")])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        N.verify_batch([b"not a tuple"])  # type: ignore[list-item]


# --- key ordering -----------------------------------------------------------------------------


def test_sort_keys_genesis_order() -> None:
    keys = [
        bytes.fromhex(h)
        for h in (
            "03b209fd4f53a7170ea4444e0cb0a6bb6a53c2bd016926989cf85f9b0fba17a70c",
            "02df48f60e8f3e01c48ff40b9b7f1310d7a8b2a193188befe1c2e3df740e895093",
            "03b8d9d5771d8f513aa0869b9cc8d50986403b78c6da36890638c3d46a5adce04a",
            "02ca0e27697b9c248f6f16e085fd0061e26f44da85b58ee835c110caa5ec3ba554",
            "024c7b7fb6c310fccf1ba33b082519d82964ea93868d676662d4a59ad548df0e7d",
            "02aaec38470f6aad0042c6e877cfd8087d2676b0f516fddd362801b9bd3936399e",
            "02486fd15702c4490a26703112a5cc1d0923fd697a33406bd5a1c00e0013b09a70",
        )
    ]
    ordered = N.sort_keys(keys)
    assert [k[1:] for k in ordered] == sorted(k[1:] for k in keys)  # distinct X: by X alone
    assert ordered.index(keys[0]) < ordered.index(keys[3])  # 03b209… before 02ca0e…
    assert N.compare_keys(keys[0], keys[3]) == -1
    assert N.compare_keys(keys[3], keys[0]) == 1
    assert N.compare_keys(keys[3], keys[3]) == 0


@EXAMPLES
@given(secrets(R1))
def test_compare_keys_equal_x_by_y(d: int) -> None:
    pk = N.public_key_from_secret(R1, b32(d % ORDER[R1] or 1))
    neg = bytes([pk[0] ^ 1]) + pk[1:]  # the negated point
    pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), pk).public_numbers()
    npub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), neg).public_numbers()
    expected = -1 if pub.y < npub.y else 1
    assert N.compare_keys(pk, neg) == expected
    assert N.sort_keys([pk, neg]) == ([pk, neg] if expected < 0 else [neg, pk])
    # Tagged keys: the same point bytes on secp256k1 and SM2 tie-break by tag.
    k1 = b"\x01" + N.public_key_from_secret(K1, b32(d % ORDER[K1] or 1))
    assert N.compare_keys(k1, k1) == 0


def test_verify_batch_digests_matches_messages() -> None:
    import hashlib

    from antshares.crypto import Curve, sign, verify_batch, verify_batch_digests

    items = []
    for i, curve in enumerate([Curve.SECP256R1, Curve.SECP256K1] * 3):
        secret = hashlib.sha256(b"digest %d" % i).digest()
        message = b"message %d" % i
        sig = sign(secret, message, curve)
        if i % 3 == 2:
            sig = sig[:10] + bytes([sig[10] ^ 4]) + sig[11:]
        key = N.public_key_from_secret(curve.value, secret)
        items.append((curve, key, message, sig))
    by_message = verify_batch(items)
    by_digest = verify_batch_digests(
        [(c, k, hashlib.sha256(m).digest(), s) for c, k, m, s in items]
    )
    assert by_digest == by_message == [i % 3 != 2 for i in range(6)]
    with pytest.raises(ValueError, match="SM2"):
        verify_batch_digests([(Curve.SM2, items[0][1], bytes(32), bytes(64))])
    with pytest.raises(ValueError, match="32 bytes"):
        verify_batch_digests([(Curve.SECP256R1, items[0][1], bytes(31), bytes(64))])
