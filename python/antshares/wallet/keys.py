"""Key pairs on secp256r1 (default), secp256k1 and SM2 (SPEC §3), WIF and NEP-2, wallet errors.

A `KeyPair` holds a 32-byte secret and its public key in script form (`public_key`: 33 bytes for
P-256, 34 bytes = curve tag + point for secp256k1 and SM2). The secret never appears in repr/str.
Signing goes through the native signer (deterministic, low-S).

NEP-2 (format-1x §4) is generalised in two ways the wallet needs, and is the standard for a P-256
key under the standard scrypt parameters (`antshares.wallet.nep2` is that case):
- the address hash is taken over the key's own address (`3…` for secp256k1, `S…` for SM2), so a
  decryption also proves the curve;
- the scrypt parameters are explicit (`ScryptParams`); everything defaults to the standard
  16384/8/8. Only tests pass weaker ones, to stay fast.
"""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from antshares_native._native import base58check_decode, base58check_encode
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from antshares.core.address import (
    script_address,
    single_sig_script,
    tagged_key,
    wif_decode,
    wif_encode,
)
from antshares.core.hashing import hash256
from antshares.crypto import Curve, public_key_from_secret, sign, verify

__all__ = [
    "NEP2_PREFIX",
    "STANDARD_SCRYPT",
    "AccountError",
    "InvalidKeyError",
    "KeyPair",
    "LockedError",
    "ScryptParams",
    "SigningError",
    "WalletError",
    "WalletFileError",
    "WrongPasswordError",
    "decode_nep2",
]


class WalletError(Exception):
    """Base of every error the wallet raises on bad input; the message is safe to show."""


class InvalidKeyError(WalletError, ValueError):
    """A malformed WIF, NEP-2 string, secret or public key."""


class WrongPasswordError(WalletError):
    """The password does not decrypt the key(s)."""


class AccountError(WalletError, ValueError):
    """An account that cannot be built (bad m or n, duplicate keys, keys not in the account…)."""


class SigningError(WalletError):
    """Not enough valid signatures for a witness, or a signature that does not verify."""


class LockedError(SigningError):
    """The wallet holds the keys to sign, but their password has not been given."""


class WalletFileError(WalletError):
    """The wallet file is unreadable, truncated, tampered with, oversized or changed on disk."""


# Upper bounds keep a hostile wallet file from asking for gigabytes or minutes of scrypt.
_MAX_SCRYPT_N = 1 << 20
_MAX_SCRYPT_MEMORY = 256 << 20
_MAX_SCRYPT_WORK = 1 << 24  # n·r·p; the standard parameters cost 1 << 20


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost parameters of NEP-2. `STANDARD_SCRYPT` (16384/8/8) is the only production
    value; a weaker one is for tests and must be passed explicitly wherever it is used."""

    n: int
    r: int
    p: int

    def __post_init__(self) -> None:
        n, r, p = self.n, self.r, self.p
        if not (2 <= n <= _MAX_SCRYPT_N and n & (n - 1) == 0):
            raise ValueError(f"scrypt n must be a power of two in [2, {_MAX_SCRYPT_N}], got {n}")
        if not (1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError(f"scrypt r must be in [1, 32] and p in [1, 16], got r={r}, p={p}")
        if 128 * r * n > _MAX_SCRYPT_MEMORY or n * r * p > _MAX_SCRYPT_WORK:
            raise ValueError(f"scrypt parameters n={n}, r={r}, p={p} are too costly")

    def at_least(self, other: "ScryptParams") -> bool:
        """Whether these parameters are as strong as `other` in every component."""
        return self.n >= other.n and self.r >= other.r and self.p >= other.p

    def derive(self, password: str, salt: bytes) -> bytes:
        """64 bytes of scrypt over the NFC-normalised UTF-8 password (NEP-2 step 2)."""
        data = unicodedata.normalize("NFC", password).encode("utf-8")
        memory = 128 * self.r * (self.n + self.p + 2) + (1 << 20)
        return hashlib.scrypt(
            data, salt=salt, n=self.n, r=self.r, p=self.p, dklen=64, maxmem=memory
        )


STANDARD_SCRYPT = ScryptParams(16384, 8, 8)
NEP2_PREFIX = bytes([0x01, 0x42, 0xE0])
"""The 3 bytes before the address hash in a decoded NEP-2 key (non-EC-multiplied, compressed)."""


def _aes_ecb(key: bytes, data: bytes, *, encrypt: bool) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.ECB())
    op = cipher.encryptor() if encrypt else cipher.decryptor()
    return op.update(data) + op.finalize()


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def decode_nep2(encrypted: str) -> tuple[bytes, bytes]:
    """(address hash, ciphertext) of a well-formed NEP-2 string; `InvalidKeyError` otherwise."""
    try:
        data = base58check_decode(encrypted.strip())
    except ValueError as exc:
        raise InvalidKeyError(f"not a NEP-2 key: {exc}") from None
    if len(data) != 39 or data[:3] != NEP2_PREFIX:
        raise InvalidKeyError("not a NEP-2 key: wrong length or prefix")
    return data[3:7], data[7:]


class KeyPair:
    """A private key on one curve. `KeyPair(secret, curve)` validates the secret's range."""

    __slots__ = ("_secret", "curve", "point", "public_key")

    curve: Curve
    point: bytes
    public_key: bytes
    _secret: bytes

    def __init__(self, secret: bytes, curve: Curve = Curve.SECP256R1) -> None:
        if len(secret) != 32:
            raise InvalidKeyError("a private key is 32 bytes")
        try:
            point = public_key_from_secret(secret, curve)
        except ValueError:
            raise InvalidKeyError(f"the private key is out of range for {curve.value}") from None
        object.__setattr__(self, "_secret", bytes(secret))
        object.__setattr__(self, "curve", curve)
        object.__setattr__(self, "point", point)  # 33-byte compressed point
        object.__setattr__(self, "public_key", tagged_key(point, curve))  # as in scripts

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("KeyPair is immutable")

    @classmethod
    def generate(cls, curve: Curve = Curve.SECP256R1) -> "KeyPair":
        """A fresh key from the OS CSPRNG; draws outside [1, n−1] are rejected and redrawn."""
        while True:
            candidate = secrets.token_bytes(32)
            try:
                return cls(candidate, curve)
            except InvalidKeyError:
                continue  # probability ≈ 2^-32 (P-256, SM2) or 2^-128 (secp256k1)

    @classmethod
    def from_wif(cls, wif: str, curve: Curve = Curve.SECP256R1) -> "KeyPair":
        """Import 0x80 ‖ secret ‖ 0x01 in Base58Check. WIF carries no curve: name it."""
        try:
            secret = wif_decode(wif.strip())
        except ValueError as exc:
            raise InvalidKeyError(str(exc)) from None
        return cls(secret, curve)

    def to_wif(self) -> str:
        return wif_encode(self._secret)

    @classmethod
    def from_nep2(
        cls,
        encrypted: str,
        password: str,
        curve: Curve = Curve.SECP256R1,
        *,
        scrypt: ScryptParams = STANDARD_SCRYPT,
    ) -> "KeyPair":
        """Decrypt a NEP-2 key; `WrongPasswordError` when the address hash does not match."""
        address_hash, ciphertext = decode_nep2(encrypted)
        derived = scrypt.derive(password, address_hash)
        secret = _xor(_aes_ecb(derived[32:], ciphertext, encrypt=False), derived[:32])
        try:
            key = cls(secret, curve)
        except InvalidKeyError:
            raise WrongPasswordError("wrong password") from None
        if key._nep2_address_hash() != address_hash:
            raise WrongPasswordError("wrong password")
        return key

    def to_nep2(self, password: str, *, scrypt: ScryptParams = STANDARD_SCRYPT) -> str:
        address_hash = self._nep2_address_hash()
        derived = scrypt.derive(password, address_hash)
        ciphertext = _aes_ecb(derived[32:], _xor(self._secret, derived[:32]), encrypt=True)
        return base58check_encode(NEP2_PREFIX + address_hash + ciphertext)

    def _nep2_address_hash(self) -> bytes:
        return hash256(self.address.encode("ascii"))[:4]

    @property
    def secret(self) -> bytes:
        """The 32-byte private scalar. Handle with care: never log or print it."""
        return self._secret

    @property
    def verification_script(self) -> bytes:
        """The single-signature script of this key (`21 … AC`, or `22 <tagged> AC`)."""
        return single_sig_script(self.public_key)

    @property
    def address(self) -> str:
        """The single-signature address, with the version byte of the curve (SPEC §3)."""
        return script_address(self.verification_script)

    def sign(self, message: bytes) -> bytes:
        """64-byte low-S r‖s over `message` (the unsigned bytes, not a digest)."""
        return sign(self._secret, message, self.curve)

    def verify(self, message: bytes, signature: bytes) -> bool:
        return verify(self.point, message, signature, self.curve)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeyPair):
            return NotImplemented
        return self.public_key == other.public_key  # the point determines the secret

    def __hash__(self) -> int:
        return hash(self.public_key)

    def __repr__(self) -> str:
        return f"KeyPair({self.curve.value}, public_key={self.public_key.hex()})"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a KeyPair is not picklable: its secret would leave the process")
