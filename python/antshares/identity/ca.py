"""A certificate authority for tests and private deployments: a self-signed root, optional
intermediates, and certificates issued from account-key requests.

A real deployment uses a government-licensed CA (whitepaper §1.6); this one exists so the whole
flow — request, issue, verify, co-sign — can run and be tested end to end.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from antshares.crypto import Curve

from .errors import IdentityError
from .keys import curve_of, new_private_key, script_key_of
from .request import request_key

__all__ = [
    "CLOCK_SKEW",
    "CertificateAuthority",
    "create_intermediate_ca",
    "create_root_ca",
    "issue_certificate",
]

# Certificates start a little in the past so a verifier whose clock lags still accepts them.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class CertificateAuthority:
    """A CA certificate with its private key; checked to belong together."""

    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey

    def __post_init__(self) -> None:
        if script_key_of(self.certificate.public_key()) != script_key_of(
            self.private_key.public_key()
        ):
            raise IdentityError("the CA private key does not belong to the CA certificate")
        if not _is_ca(self.certificate):
            raise IdentityError("the certificate is not a CA certificate (basic constraints)")


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        ext = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return ext.value.ca


def _validity(
    not_before: datetime | None, not_after: datetime | None, valid_days: int
) -> tuple[datetime, datetime]:
    start = not_before if not_before is not None else datetime.now(UTC) - CLOCK_SKEW
    end = not_after if not_after is not None else start + CLOCK_SKEW + timedelta(days=valid_days)
    if end <= start:
        raise IdentityError(f"the validity period ends ({end}) before it starts ({start})")
    return start, end


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _ca_certificate(
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    issuer_name: x509.Name,
    signer: ec.EllipticCurvePrivateKey,
    issuer_public_key: ec.EllipticCurvePublicKey,
    path_length: int | None,
    validity: tuple[datetime, datetime],
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key), critical=False
        )
    )
    return builder.sign(signer, hashes.SHA256())


def create_root_ca(
    subject: x509.Name,
    *,
    private_key: ec.EllipticCurvePrivateKey | None = None,
    curve: Curve = Curve.SECP256R1,
    valid_days: int = 3650,
    path_length: int | None = 1,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> CertificateAuthority:
    """A self-signed root (a fresh key on `curve` unless `private_key` is given).

    `path_length` = how many intermediates may sit below it (None: unlimited).
    """
    if private_key is None:
        private_key = new_private_key(curve)
    curve_of(private_key.public_key())  # a chain curve: the whole chain verifies with our code
    validity = _validity(not_before, not_after, valid_days)
    public_key = private_key.public_key()
    certificate = _ca_certificate(
        subject, public_key, subject, private_key, public_key, path_length, validity
    )
    return CertificateAuthority(certificate, private_key)


def create_intermediate_ca(
    issuer: CertificateAuthority,
    subject: x509.Name,
    *,
    private_key: ec.EllipticCurvePrivateKey | None = None,
    curve: Curve = Curve.SECP256R1,
    valid_days: int = 1825,
    path_length: int | None = 0,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> CertificateAuthority:
    """A CA certificate for a (fresh) key, signed by `issuer`."""
    if private_key is None:
        private_key = new_private_key(curve)
    curve_of(private_key.public_key())
    validity = _validity(not_before, not_after, valid_days)
    certificate = _ca_certificate(
        subject,
        private_key.public_key(),
        issuer.certificate.subject,
        issuer.private_key,
        issuer.private_key.public_key(),
        path_length,
        validity,
    )
    return CertificateAuthority(certificate, private_key)


def _leaf_key_usage() -> x509.KeyUsage:
    # digitalSignature: the key signs transactions; contentCommitment (non-repudiation): those
    # signatures are meant as legally binding e-signatures (whitepaper §2.2).
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def issue_certificate(
    issuer: CertificateAuthority,
    request: x509.CertificateSigningRequest,
    *,
    valid_days: int = 365,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> x509.Certificate:
    """The end-entity certificate for a request, once the request's signature is checked.

    Only the subject name, the key and an email subjectAltName are taken from the request: any
    other extension it asks for is the CA's decision, not the applicant's.
    """
    request_key(request)  # IdentityError: a tampered request or a key the chain cannot use
    public_key = request.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):  # request_key checked it
        raise IdentityError("the request's key is not an elliptic-curve key")
    start, end = _validity(not_before, not_after, valid_days)
    builder = (
        x509.CertificateBuilder()
        .subject_name(request.subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_leaf_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()),
            critical=False,
        )
    )
    try:
        alt_names = request.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        pass
    else:
        emails = alt_names.value.get_values_for_type(x509.RFC822Name)
        if emails:
            names = x509.SubjectAlternativeName([x509.RFC822Name(e) for e in emails])
            builder = builder.add_extension(names, critical=False)
    return builder.sign(issuer.private_key, hashes.SHA256())
