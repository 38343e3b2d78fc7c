"""Verifying a certificate chain (leaf → intermediates → a configured root) into one status.

    Good     the chain reaches a configured root; every signature, validity period, CA flag,
             path length and key usage holds at the time asked about
    Expired  all of that holds except that some certificate of the chain is past its end
    Invalid  anything else wrong: a bad signature, an issuer that is no CA, a chain that reaches
             no configured root, a certificate not yet valid, an unknown critical extension,
             a certificate for another key
    Missing  no certificate at all for the key (decided by the store, not here)

Invalid outranks Expired: a forged chain is not "merely expired". No revocation data (CRL,
OCSP) is consulted: the deployment's CA model decides how revocation reaches a node.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtensionOID, NameOID

from .errors import IdentityError
from .keys import script_key_of

__all__ = ["MAX_CHAIN_LENGTH", "CertStatus", "StatusReport", "display_name", "verify_chain"]

MAX_CHAIN_LENGTH = 8  # leaf + intermediates + root: deeper chains are refused, not searched

# Critical extensions this verifier understands (RFC 5280 §4.2: refuse any other critical one).
_UNDERSTOOD = {
    ExtensionOID.BASIC_CONSTRAINTS,
    ExtensionOID.KEY_USAGE,
    ExtensionOID.EXTENDED_KEY_USAGE,
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
    ExtensionOID.SUBJECT_KEY_IDENTIFIER,
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
}


def display_name(name: x509.Name) -> str:
    """RFC 4514 text of a name, with the e-mail attribute named rather than shown as an OID."""
    return name.rfc4514_string({NameOID.EMAIL_ADDRESS: "emailAddress"})


class CertStatus(StrEnum):
    GOOD = "Good"
    EXPIRED = "Expired"
    INVALID = "Invalid"
    MISSING = "Missing"


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A status, why, and what it was decided on (the chain from leaf to root, when built)."""

    status: CertStatus
    reason: str
    key: bytes | None = None
    chain: tuple[x509.Certificate, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status is CertStatus.GOOD

    @property
    def subject(self) -> str | None:
        """The certified person or company (RFC 4514 form), when there is a certificate."""
        return display_name(self.chain[0].subject) if self.chain else None

    @property
    def not_after(self) -> datetime | None:
        """When the leaf certificate ends."""
        return self.chain[0].not_valid_after_utc if self.chain else None

    def to_json(self) -> dict[str, Any]:
        not_after = self.not_after
        return {
            "status": self.status.value,
            "reason": self.reason,
            "public_key": None if self.key is None else self.key.hex(),
            "subject": self.subject,
            "issuer": display_name(self.chain[0].issuer) if self.chain else None,
            "not_after": None if not_after is None else not_after.isoformat(),
            "chain": [display_name(c.subject) for c in self.chain],
        }


class _Invalid(Exception):
    """A reason the chain is Invalid (internal: turned into a report)."""


def _name(certificate: x509.Certificate) -> str:
    return display_name(certificate.subject) or "(empty subject)"


def _extension(certificate: x509.Certificate, kind: type[Any]) -> Any:
    try:
        return certificate.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _check_extensions(certificate: x509.Certificate) -> None:
    try:
        extensions = certificate.extensions
    except ValueError as exc:  # duplicate or malformed extensions
        raise _Invalid(f"{_name(certificate)}: malformed extensions ({exc})") from None
    for ext in extensions:
        if ext.critical and ext.oid not in _UNDERSTOOD:
            raise _Invalid(
                f"{_name(certificate)}: unsupported critical extension {ext.oid.dotted_string}"
            )


def _check_leaf(leaf: x509.Certificate, key: bytes | None) -> bytes:
    _check_extensions(leaf)
    try:
        leaf_key = script_key_of(leaf.public_key())
    except IdentityError as exc:
        raise _Invalid(f"{_name(leaf)}: {exc}") from None
    if key is not None and leaf_key != key:
        raise _Invalid(f"the certificate is for key {leaf_key.hex()}, not {key.hex()}")
    constraints = _extension(leaf, x509.BasicConstraints)
    if constraints is not None and constraints.ca:
        raise _Invalid(f"{_name(leaf)}: a CA certificate cannot certify an account key")
    usage = _extension(leaf, x509.KeyUsage)
    if usage is not None and not usage.digital_signature:
        raise _Invalid(f"{_name(leaf)}: key usage does not allow digital signatures")
    return leaf_key


def _check_issuer(issuer: x509.Certificate, intermediates_below: int) -> None:
    """`issuer` may sign certificates, with `intermediates_below` CA certificates under it."""
    _check_extensions(issuer)
    constraints = _extension(issuer, x509.BasicConstraints)
    if constraints is None or not constraints.ca:
        raise _Invalid(f"{_name(issuer)}: issues certificates but is not a CA certificate")
    if constraints.path_length is not None and intermediates_below > constraints.path_length:
        raise _Invalid(
            f"{_name(issuer)}: path length {constraints.path_length} allows no"
            f" {intermediates_below} intermediate CA(s) below it"
        )
    usage = _extension(issuer, x509.KeyUsage)
    if usage is not None and not usage.key_cert_sign:
        raise _Invalid(f"{_name(issuer)}: key usage does not allow signing certificates")


def _signed_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _build_path(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    roots: Sequence[x509.Certificate],
) -> list[x509.Certificate]:
    """leaf … root, each certificate signed by the next; the last is one of `roots`."""
    chain = [leaf]
    while len(chain) < MAX_CHAIN_LENGTH:
        current = chain[-1]
        if current in roots:
            return chain
        named = [
            c for c in (*roots, *intermediates) if c.subject == current.issuer and c not in chain
        ]
        issuer = next((c for c in named if _signed_by(current, c)), None)
        if issuer is None:
            if named:
                raise _Invalid(
                    f"{_name(current)}: its signature does not verify with the key of its"
                    f" issuer {display_name(current.issuer)} (tampered or forged)"
                )
            if current.subject == current.issuer:
                raise _Invalid(f"{_name(current)}: a root that is not among the configured roots")
            raise _Invalid(
                f"{_name(current)}: issued by {display_name(current.issuer)},"
                " which is neither a configured root nor a known intermediate"
            )
        chain.append(issuer)
    raise _Invalid(f"no configured root within {MAX_CHAIN_LENGTH} certificates")


def _check_root(root: x509.Certificate) -> None:
    # A configured root is trusted as given; a self-signed one must still carry its own valid
    # signature, which catches a corrupted or edited roots file.
    if root.subject == root.issuer and not _signed_by(root, root):
        raise _Invalid(f"{_name(root)}: the root's self-signature does not verify")


def _utc(at: datetime | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at  # naive times are read as UTC


def verify_chain(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate] = (),
    roots: Sequence[x509.Certificate] = (),
    *,
    at: datetime | None = None,
    key: bytes | None = None,
) -> StatusReport:
    """The status of `leaf` at time `at` (default now) against the configured `roots`.

    `key` (the chain key the question is about) must be the leaf's key when given.
    """
    when = _utc(at)
    if not roots:
        return StatusReport(CertStatus.INVALID, "no root certificates are configured", key)
    try:
        leaf_key = _check_leaf(leaf, key)
    except _Invalid as exc:
        return StatusReport(CertStatus.INVALID, str(exc), key, (leaf,))
    chain: tuple[x509.Certificate, ...] = (leaf,)
    try:
        chain = tuple(_build_path(leaf, intermediates, roots))
        for depth, issuer in enumerate(chain[1:]):
            _check_issuer(issuer, intermediates_below=depth)
        _check_root(chain[-1])
        for certificate in chain:
            if when < certificate.not_valid_before_utc:
                raise _Invalid(
                    f"{_name(certificate)}: not valid before"
                    f" {certificate.not_valid_before_utc.isoformat()}"
                )
    except _Invalid as exc:
        return StatusReport(CertStatus.INVALID, str(exc), leaf_key, chain)
    for certificate in chain:
        if when > certificate.not_valid_after_utc:
            return StatusReport(
                CertStatus.EXPIRED,
                f"{_name(certificate)}: expired {certificate.not_valid_after_utc.isoformat()}",
                leaf_key,
                chain,
            )
    return StatusReport(
        CertStatus.GOOD, f"certified by {display_name(chain[-1].subject)}", leaf_key, chain
    )
