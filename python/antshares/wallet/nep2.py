"""NEP-2 passphrase-protected private keys (format-1x §4): scrypt 16384/8/8 + AES-256-ECB."""

import hashlib
import unicodedata

from antshares_native._native import base58check_decode, base58check_encode
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from antshares.core.address import script_address, single_sig_script
from antshares.core.hashing import hash256
from antshares.crypto import public_key_from_secret

SCRYPT_N, SCRYPT_R, SCRYPT_P = 16384, 8, 8
PREFIX = bytes([0x01, 0x42, 0xE0])


class Nep2Error(ValueError):
    """A malformed NEP-2 string or a wrong passphrase."""


def _derive(passphrase: str, address_hash: bytes) -> bytes:
    password = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.scrypt(
        password, salt=address_hash, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=64, maxmem=64 << 20
    )


def _aes(key: bytes, data: bytes, encrypt: bool) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.ECB())
    op = cipher.encryptor() if encrypt else cipher.decryptor()
    return op.update(data) + op.finalize()


def _address_hash(secret: bytes) -> bytes:
    address = script_address(single_sig_script(public_key_from_secret(secret)))
    return hash256(address.encode("ascii"))[:4]


def encrypt(secret: bytes, passphrase: str) -> str:
    if len(secret) != 32:
        raise ValueError("a private key is 32 bytes")
    address_hash = _address_hash(secret)
    derived = _derive(passphrase, address_hash)
    xored = bytes(a ^ b for a, b in zip(secret, derived[:32], strict=True))
    return base58check_encode(PREFIX + address_hash + _aes(derived[32:], xored, encrypt=True))


def decrypt(nep2: str, passphrase: str) -> bytes:
    try:
        data = base58check_decode(nep2)
    except ValueError as exc:
        raise Nep2Error(f"not a NEP-2 key: {exc}") from exc
    if len(data) != 39 or data[:3] != PREFIX:
        raise Nep2Error("not a NEP-2 key: wrong length or prefix")
    address_hash, encrypted = data[3:7], data[7:]
    derived = _derive(passphrase, address_hash)
    xored = _aes(derived[32:], encrypted, encrypt=False)
    secret = bytes(a ^ b for a, b in zip(xored, derived[:32], strict=True))
    try:
        matches = _address_hash(secret) == address_hash
    except ValueError:
        matches = False
    if not matches:
        raise Nep2Error("wrong passphrase")
    return secret
