"""PEM in and out: certificates (one or a bundle), requests and CA private keys."""

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .errors import IdentityError
from .files import read_bytes

__all__ = [
    "certificate_pem",
    "load_certificate",
    "load_certificates",
    "load_private_key",
    "load_request",
    "parse_certificates",
    "private_key_pem",
    "request_pem",
]

_CERT_MARKER = b"-----BEGIN CERTIFICATE-----"


def parse_certificates(data: bytes, source: str) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle; IdentityError if there is none or one is corrupt."""
    if _CERT_MARKER not in data:
        raise IdentityError(f"{source}: no PEM certificate in it")
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise IdentityError(f"{source}: corrupt PEM certificate ({exc})") from None


def load_certificates(path: Path) -> list[x509.Certificate]:
    return parse_certificates(read_bytes(path, "certificate"), str(path))


def load_certificate(path: Path) -> x509.Certificate:
    """The single certificate in `path` (a bundle of several is refused: which one is meant?)."""
    certificates = load_certificates(path)
    if len(certificates) != 1:
        raise IdentityError(f"{path}: expected one certificate, found {len(certificates)}")
    return certificates[0]


def load_request(path: Path) -> x509.CertificateSigningRequest:
    data = read_bytes(path, "certificate request")
    try:
        return x509.load_pem_x509_csr(data)
    except ValueError as exc:
        raise IdentityError(f"{path}: not a PEM certificate request ({exc})") from None


def load_private_key(path: Path, password: bytes | None) -> ec.EllipticCurvePrivateKey:
    """An EC private key from PEM (PKCS#8 or SEC1), decrypted with `password` when given."""
    data = read_bytes(path, "private key")
    try:
        key = serialization.load_pem_private_key(data, password)
    except TypeError:
        # cryptography's way of saying "encrypted but no password" or the reverse.
        needs = "needs a password" if password is None else "is not encrypted"
        raise IdentityError(f"{path}: the private key {needs}") from None
    except ValueError as exc:
        text = str(exc).lower()
        wrong = "password" in text or "decrypt" in text
        reason = "wrong password" if wrong else "corrupt or unsupported key data"
        raise IdentityError(f"{path}: cannot load the private key ({reason})") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise IdentityError(f"{path}: a {type(key).__name__}, not an elliptic-curve key")
    return key


def certificate_pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def request_pem(request: x509.CertificateSigningRequest) -> bytes:
    return request.public_bytes(serialization.Encoding.PEM)


def private_key_pem(key: ec.EllipticCurvePrivateKey, password: bytes | None) -> bytes:
    """PKCS#8 PEM, encrypted with the best scheme available when a password is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.NoEncryption()
        if password is None
        else serialization.BestAvailableEncryption(password)
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
