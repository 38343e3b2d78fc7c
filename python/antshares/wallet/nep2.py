"""NEP-2 passphrase-protected P-256 private keys (format-1x §4): scrypt 16384/8/8 + AES-256-ECB.

The standard case of `KeyPair.to_nep2` / `KeyPair.from_nep2` (which also take other curves and
scrypt parameters), as plain functions over 32-byte secrets.
"""

from antshares.wallet.keys import (
    NEP2_PREFIX,
    STANDARD_SCRYPT,
    InvalidKeyError,
    KeyPair,
    WrongPasswordError,
)

__all__ = ["PREFIX", "SCRYPT_N", "SCRYPT_P", "SCRYPT_R", "Nep2Error", "decrypt", "encrypt"]

SCRYPT_N, SCRYPT_R, SCRYPT_P = STANDARD_SCRYPT.n, STANDARD_SCRYPT.r, STANDARD_SCRYPT.p
PREFIX = NEP2_PREFIX


class Nep2Error(ValueError):
    """A malformed NEP-2 string or a wrong passphrase."""


def encrypt(secret: bytes, passphrase: str) -> str:
    """The NEP-2 string of a P-256 secret; ValueError for a secret that is not a P-256 key."""
    if len(secret) != 32:
        raise ValueError("a private key is 32 bytes")
    return KeyPair(secret).to_nep2(passphrase)


def decrypt(nep2: str, passphrase: str) -> bytes:
    """The secret of a NEP-2 P-256 key; `Nep2Error` when malformed or the passphrase is wrong."""
    try:
        return KeyPair.from_nep2(nep2, passphrase).secret
    except WrongPasswordError:
        raise Nep2Error("wrong passphrase") from None
    except InvalidKeyError as exc:
        raise Nep2Error(str(exc)) from None
