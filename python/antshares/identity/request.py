"""Certificate requests signed by an account key (whitepaper §2.2).

The request's subject public key is the account's own key, the one that signs transactions, and
the request is signed with that key: the CA learns that the applicant controls it, and the
certificate it issues binds that on-chain key to the applicant's name.
"""

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from antshares.crypto import Curve

from .errors import IdentityError
from .keys import private_key_from_secret, script_key_of

__all__ = ["build_request", "request_key", "subject_name"]


def subject_name(
    common_name: str,
    *,
    organization: str | None = None,
    organizational_unit: str | None = None,
    country: str | None = None,
    email: str | None = None,
) -> x509.Name:
    """A distinguished name: the person or company the certificate names."""
    if not common_name.strip():
        raise IdentityError("a certificate names someone: the common name is empty")
    if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise IdentityError(f"the country is a two-letter code (ISO 3166), not {country!r}")
    parts = [
        (NameOID.COUNTRY_NAME, country),
        (NameOID.ORGANIZATION_NAME, organization),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, organizational_unit),
        (NameOID.COMMON_NAME, common_name),
        (NameOID.EMAIL_ADDRESS, email),
    ]
    try:
        return x509.Name([x509.NameAttribute(oid, value) for oid, value in parts if value])
    except ValueError as exc:  # e.g. a country that is not two letters
        raise IdentityError(f"bad subject name: {exc}") from None


def build_request(
    secret: bytes, subject: x509.Name, curve: Curve = Curve.SECP256R1
) -> x509.CertificateSigningRequest:
    """A CSR for the account key `secret` on `curve`, signed with it (ECDSA with SHA-256)."""
    key = private_key_from_secret(secret, curve)
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    emails = [a.value for a in subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)]
    if emails:
        names = [x509.RFC822Name(str(e)) for e in emails]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(key, hashes.SHA256())


def request_key(request: x509.CertificateSigningRequest) -> bytes:
    """The chain key (33 bytes, 34 tagged) a request asks to certify, once its signature holds.

    IdentityError when the request is not signed by its own key (tampered or forged) or the
    key is not a chain key.
    """
    key = script_key_of(request.public_key())
    if not request.is_signature_valid:
        raise IdentityError("the request is not signed by the key it names (tampered or forged)")
    return key
