"""Chain keys ↔ `cryptography` keys.

The chain writes a public key as a 33-byte compressed point, tagged with a curve byte for
secp256k1 (34 bytes, SPEC §3); that "script key" is what the certificate store indexes, so a key
found in a witness or a Register transaction can be looked up as is. `cryptography` has no SM2
curve, so SM2 keys can be neither certified nor looked up here (a clear IdentityError).
"""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from antshares.core import UInt160
from antshares.core.address import key_curve, script_hash, single_sig_script, tagged_key
from antshares.crypto import Curve

from .errors import IdentityError

__all__ = [
    "curve_of",
    "key_script_hash",
    "new_private_key",
    "private_key_from_secret",
    "public_key_from_script_key",
    "script_key_of",
]

_CURVES: dict[Curve, type[ec.EllipticCurve]] = {
    Curve.SECP256R1: ec.SECP256R1,
    Curve.SECP256K1: ec.SECP256K1,
}
_SECRET_LENGTH = 32


def _ec_curve(curve: Curve) -> ec.EllipticCurve:
    try:
        return _CURVES[curve]()
    except KeyError:
        raise IdentityError(
            f"{curve} keys cannot be certified: X.509 support covers secp256r1 and secp256k1"
        ) from None


def curve_of(public_key: ec.EllipticCurvePublicKey) -> Curve:
    """The chain curve of a `cryptography` EC key; IdentityError for any other curve."""
    for curve, kind in _CURVES.items():
        if isinstance(public_key.curve, kind):
            return curve
    raise IdentityError(f"the key is on {public_key.curve.name}, not a curve of the chain")


def private_key_from_secret(
    secret: bytes, curve: Curve = Curve.SECP256R1
) -> ec.EllipticCurvePrivateKey:
    """The `cryptography` private key of a 32-byte chain secret (the same number, same curve)."""
    if len(secret) != _SECRET_LENGTH:
        raise IdentityError(f"a private key is {_SECRET_LENGTH} bytes, not {len(secret)}")
    try:
        return ec.derive_private_key(int.from_bytes(secret, "big"), _ec_curve(curve))
    except ValueError as exc:
        raise IdentityError(f"not a valid {curve} private key ({exc})") from None


def new_private_key(curve: Curve = Curve.SECP256R1) -> ec.EllipticCurvePrivateKey:
    """A fresh random key (for a CA: account keys come from the wallet)."""
    return ec.generate_private_key(_ec_curve(curve))


def public_key_from_script_key(key: bytes) -> ec.EllipticCurvePublicKey:
    """A 33-byte P-256 point or a 34-byte tagged key as a `cryptography` public key."""
    try:
        curve = key_curve(key)
    except ValueError as exc:
        raise IdentityError(f"not a public key: {exc}") from None
    point = key if len(key) == 33 else key[1:]
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(_ec_curve(curve), point)
    except ValueError:
        raise IdentityError(f"{key.hex()} is not a point of {curve}") from None


def script_key_of(public_key: object) -> bytes:
    """The chain form of a certificate's or request's public key (33 bytes, or 34 tagged)."""
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        kind = type(public_key).__name__
        raise IdentityError(f"the key is a {kind}, not an elliptic-curve key of the chain")
    curve = curve_of(public_key)
    point = public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    return tagged_key(point, curve)


def key_script_hash(script_key: bytes) -> UInt160:
    """The script hash (address) of the single-signature account of a script key."""
    return script_hash(single_sig_script(script_key))
