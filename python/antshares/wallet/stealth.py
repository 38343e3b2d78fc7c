"""Stealth addresses (隐私地址, SPEC §9): one-time addresses only the receiver can find.

A stealth address publishes a query key Q = qG and a payment key P = pG. To pay it, the sender
picks a fresh ephemeral secret e, puts E = eG in an ECDH02/ECDH03 attribute, computes
c = H(eQ) and pays the 2-of-2 multisig of (P + cG, Q + cG). The receiver finds the payment with
q alone (c = H(qE)); spending needs both derived secrets p + c and q + c (mod n).
H(S) = SHA-256(S as a 33-byte compressed point) mod n, never 0. Formats: `docs/stealth.md`.

Several stealth outputs in one transaction: each has its own ephemeral key and attribute, and the
scanner matches outputs by script hash, so outputs and attributes may come in any order.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from antshares_native import _native
from antshares_native._native import base58check_decode, base58check_encode

from antshares.core import Block, CoinReference, TxAttribute, TxOutput, UInt160, UInt256
from antshares.core.address import (
    multisig_script,
    script_address,
    script_hash,
    script_keys,
    tagged_key,
)
from antshares.crypto import Curve, public_key_from_secret

VERSION = 0x3B
"""First byte of an encoded stealth address; makes every string start with `s`."""
CURVE_BYTES = {Curve.SECP256R1: 0x00, Curve.SECP256K1: 0x01, Curve.SM2: 0x02}
"""Second byte: the curve of Q, P and every derived key (the script-key tags, 00 for P-256)."""
ENCODED_LEN = 2 + 33 + 33
USAGE_ECDH02, USAGE_ECDH03 = 0x02, 0x03
_ECDH_USAGES = {USAGE_ECDH02, USAGE_ECDH03}
_MAX_EPHEMERAL_TRIES = 64


class StealthAddressError(ValueError):
    """A malformed stealth address string or key pair."""


def _valid_point(curve: Curve, key: bytes, what: str) -> bytes:
    # Adding 0·G decodes and checks the point, returning it unchanged.
    try:
        _native.tweak_add(curve.value, key, bytes(32))
    except (ValueError, TypeError) as exc:
        raise StealthAddressError(f"{what}: {exc}") from None
    return key


@dataclass(frozen=True)
class StealthAddress:
    """(query key Q, payment key P) on one curve: 33-byte compressed points, Q ≠ P."""

    query_key: bytes
    payment_key: bytes
    curve: Curve = Curve.SECP256R1

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "curve", Curve(self.curve))  # also accepts the curve's name
        except ValueError:
            raise StealthAddressError(f"unknown curve {self.curve!r}") from None
        _valid_point(self.curve, self.query_key, "query key")
        _valid_point(self.curve, self.payment_key, "payment key")
        if self.query_key == self.payment_key:
            # The one-time 2-of-2 would name one key twice.
            raise StealthAddressError("the query key and the payment key must differ")

    @classmethod
    def from_secrets(
        cls, query_secret: bytes, payment_secret: bytes, curve: Curve = Curve.SECP256R1
    ) -> "StealthAddress":
        return cls(
            public_key_from_secret(query_secret, curve),
            public_key_from_secret(payment_secret, curve),
            curve,
        )

    def encode(self) -> str:
        """Base58Check(0x3B ‖ curve byte ‖ Q ‖ P): 98 characters starting with `s`."""
        payload = bytes([VERSION, CURVE_BYTES[self.curve]]) + self.query_key + self.payment_key
        return base58check_encode(payload)

    def __str__(self) -> str:
        return self.encode()

    @classmethod
    def decode(cls, text: str) -> "StealthAddress":
        if not isinstance(text, str):
            raise StealthAddressError(f"a stealth address is a str, not {type(text).__name__}")
        try:
            data = base58check_decode(text.strip())
        except ValueError as exc:
            raise StealthAddressError(f"not a stealth address: {exc}") from None
        if len(data) != ENCODED_LEN:
            hint = " (an ordinary address?)" if len(data) == 21 else ""
            raise StealthAddressError(
                f"not a stealth address: {len(data)} bytes, expected {ENCODED_LEN}{hint}"
            )
        if data[0] != VERSION:
            raise StealthAddressError(
                f"not a stealth address: version byte 0x{data[0]:02x}, expected 0x{VERSION:02x}"
            )
        curves = {b: c for c, b in CURVE_BYTES.items()}
        if data[1] not in curves:
            raise StealthAddressError(f"stealth address: unknown curve byte 0x{data[1]:02x}")
        return cls(data[2:35], data[35:68], curves[data[1]])


def _as_address(stealth_address: "StealthAddress | str") -> StealthAddress:
    if isinstance(stealth_address, StealthAddress):
        return stealth_address
    return StealthAddress.decode(stealth_address)


def one_time_script(
    query_key: bytes, payment_key: bytes, tweak: bytes, curve: Curve
) -> tuple[bytes, bytes, bytes]:
    """(script, P + cG, Q + cG): the 2-of-2 verification script a payment with tweak c goes to."""
    paying = _native.tweak_add(curve.value, payment_key, tweak)
    querying = _native.tweak_add(curve.value, query_key, tweak)
    script = multisig_script(2, [tagged_key(paying, curve), tagged_key(querying, curve)])
    return script, paying, querying


def ecdh_attribute(ephemeral_key: bytes) -> TxAttribute:
    """E as an attribute: usage = its prefix byte (ECDH02/ECDH03), data = its 32-byte X."""
    if len(ephemeral_key) != 33 or ephemeral_key[0] not in _ECDH_USAGES:
        raise ValueError("an ephemeral key is a 33-byte compressed point (02/03 prefix)")
    return TxAttribute(ephemeral_key[0], ephemeral_key[1:])


def ephemeral_keys(attributes: Iterable[TxAttribute]) -> list[bytes]:
    """The 33-byte ephemeral keys E of a transaction's ECDH02/ECDH03 attributes, in order."""
    return [bytes([a.usage]) + a.data for a in attributes if a.usage in _ECDH_USAGES]


@dataclass(frozen=True)
class StealthPayment:
    """What the sender adds to a transaction: `output` and `attribute` (any positions).

    `ephemeral_secret` (e) is not needed to send; keeping it lets the sender later prove the
    payment (anyone given e and the stealth address can recompute the one-time address)."""

    output: TxOutput
    attribute: TxAttribute
    ephemeral_secret: bytes
    script: bytes
    address: str


def _random_ephemeral(curve: Curve) -> tuple[bytes, bytes]:
    for _ in range(_MAX_EPHEMERAL_TRIES):
        candidate = secrets.token_bytes(32)
        try:
            return candidate, public_key_from_secret(candidate, curve)
        except ValueError:
            continue  # 0 or ≥ n: probability below 2⁻³²
    raise RuntimeError("no valid ephemeral secret drawn")  # pragma: no cover


def pay(
    stealth_address: "StealthAddress | str",
    asset: UInt256,
    value: int,
    *,
    ephemeral_secret: bytes | None = None,
) -> StealthPayment:
    """A fresh one-time output of `value` (raw Fixed8) of `asset` to a stealth address.

    Each call draws a new ephemeral secret, so two payments to one stealth address share no
    key, script hash or attribute. Pass `ephemeral_secret` only for reproducible tests."""
    address = _as_address(stealth_address)
    curve = address.curve
    for _ in range(_MAX_EPHEMERAL_TRIES):
        if ephemeral_secret is None:
            secret, ephemeral = _random_ephemeral(curve)
        else:
            secret, ephemeral = ephemeral_secret, public_key_from_secret(ephemeral_secret, curve)
        shared = _native.ecdh(curve.value, secret, address.query_key)
        try:
            tweak = _native.shared_tweak(curve.value, shared)
        except ValueError:
            if ephemeral_secret is not None:
                raise
            continue  # H(eQ) = 0 (probability 2⁻²⁵⁶): draw another e
        script, _, _ = one_time_script(address.query_key, address.payment_key, tweak, curve)
        return StealthPayment(
            TxOutput(asset, value, script_hash(script)),
            ecdh_attribute(ephemeral),
            secret,
            script,
            script_address(script),
        )
    raise RuntimeError("no usable ephemeral secret drawn")  # pragma: no cover


@dataclass(frozen=True)
class FoundPayment:
    """A stealth output found by `scan`: where it is and how to derive its keys."""

    height: int
    txid: UInt256
    index: int
    output: TxOutput
    ephemeral_key: bytes
    tweak: bytes
    """c = H(qE)."""
    script: bytes
    """The 2-of-2 verification script of the output (its witness's verification script)."""
    curve: Curve

    @property
    def coin(self) -> CoinReference:
        return CoinReference(self.txid, self.index)

    @property
    def address(self) -> str:
        return script_address(self.script)


def scan(
    query_secret: bytes,
    payment_public_key: bytes,
    blocks: Iterable[Block],
    *,
    curve: Curve = Curve.SECP256R1,
) -> list[FoundPayment]:
    """Every output in `blocks` paid to the stealth address (qG, `payment_public_key`).

    Needs only the query secret: one ECDH per ECDH attribute. Attributes that are not points of
    `curve` (other curves' payments, garbage) are skipped. Whether a found output is still
    unspent is the ledger's business, not this function's."""
    query_key = public_key_from_secret(query_secret, curve)
    _valid_point(curve, payment_public_key, "payment key")  # else nothing would ever match
    found: list[FoundPayment] = []
    for block in blocks:
        for tx in block.transactions:
            candidates = ephemeral_keys(tx.attributes)
            if not candidates:
                continue
            by_hash: dict[UInt160, list[int]] = {}
            for i, out in enumerate(tx.outputs):
                by_hash.setdefault(out.script_hash, []).append(i)
            for ephemeral in candidates:
                try:
                    shared = _native.ecdh(curve.value, query_secret, ephemeral)
                    tweak = _native.shared_tweak(curve.value, shared)
                    script, _, _ = one_time_script(query_key, payment_public_key, tweak, curve)
                except ValueError:
                    continue
                for i in by_hash.get(script_hash(script), []):
                    found.append(
                        FoundPayment(
                            block.header.index,
                            tx.hash,
                            i,
                            tx.outputs[i],
                            ephemeral,
                            tweak,
                            script,
                            curve,
                        )
                    )
    return found


def spending_keys(
    query_secret: bytes, payment_secret: bytes, found: FoundPayment
) -> tuple[bytes, bytes]:
    """The two private keys of a found output (p + c, q + c), in the script's key order, so a
    witness is their two signatures in the order returned. ValueError if they do not own it."""
    curve = found.curve
    by_key: dict[bytes, bytes] = {}
    for secret in (payment_secret, query_secret):
        derived = _native.secret_tweak_add(curve.value, secret, found.tweak)
        by_key[tagged_key(public_key_from_secret(derived, curve), curve)] = derived
    if len(by_key) != 2 or multisig_script(2, list(by_key)) != found.script:
        raise ValueError("these query and payment secrets do not own this stealth output")
    first, second = script_keys(found.script)  # multisig order: by X, then Y
    return by_key[first], by_key[second]


__all__ = [
    "CURVE_BYTES",
    "VERSION",
    "FoundPayment",
    "StealthAddress",
    "StealthAddressError",
    "StealthPayment",
    "ecdh_attribute",
    "ephemeral_keys",
    "one_time_script",
    "pay",
    "scan",
    "spending_keys",
]
