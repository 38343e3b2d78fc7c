"""A directory of PEM certificates, indexed by the chain key they certify.

Certificates stay off chain with their owners (whitepaper §2.2); whoever wants to know who signed
a transaction or owns an asset collects them in a directory. Every `*.pem`, `*.crt` or `*.cer`
file may hold one certificate or a bundle (a leaf with its intermediates). End-entity
certificates are indexed by their key (33-byte point, or 34 bytes tagged for secp256k1) and by
the script hash of that key's single-signature account; CA certificates found there serve as
intermediates only — trust comes from the configured roots, never from the directory.

A corrupt file does not blind the whole store: it is skipped and listed in `problems`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from antshares.core import Transaction, TxType, UInt160
from antshares.core.address import script_hash, script_keys

from .errors import IdentityError
from .files import read_bytes, write_new
from .keys import key_script_hash, script_key_of
from .pem import certificate_pem, load_certificates, parse_certificates
from .status import CertStatus, StatusReport, verify_chain

__all__ = ["CERT_SUFFIXES", "CertificateStore", "SignerStatus", "load_roots"]

CERT_SUFFIXES = (".pem", ".crt", ".cer")
# When a key has several certificates (a renewal, two CAs), the best one speaks for it.
_RANK = {CertStatus.GOOD: 0, CertStatus.EXPIRED: 1, CertStatus.INVALID: 2, CertStatus.MISSING: 3}


@dataclass(frozen=True, slots=True)
class SignerStatus:
    """The status of one key of one witness (a multisig witness has one per key)."""

    script_hash: UInt160
    key: bytes
    report: StatusReport

    def to_json(self) -> dict[str, Any]:
        return {"script_hash": str(self.script_hash), **self.report.to_json()}


def _cert_files(directory: Path) -> list[Path]:
    try:
        entries = sorted(directory.iterdir())
    except FileNotFoundError:
        raise IdentityError(f"{directory}: no such certificate directory") from None
    except NotADirectoryError:
        raise IdentityError(f"{directory}: not a directory") from None
    except OSError as exc:
        raise IdentityError(f"{directory}: cannot list the directory ({exc.strerror})") from None
    return [p for p in entries if p.suffix.lower() in CERT_SUFFIXES and p.is_file()]


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except (x509.ExtensionNotFound, ValueError):
        return False


def load_roots(paths: Iterable[Path]) -> list[x509.Certificate]:
    """The trusted roots: PEM files (bundles allowed) and directories of them.

    IdentityError for an unreadable or corrupt file, or when no certificate is found at all.
    """
    roots: list[x509.Certificate] = []
    for path in paths:
        path = Path(path)
        files = _cert_files(path) if path.is_dir() else [path]
        for file in files:
            roots.extend(load_certificates(file))
    if not roots:
        raise IdentityError("no root certificates found")
    return roots


class CertificateStore:
    """Certificates by chain key; `status` answers Good / Expired / Invalid / Missing."""

    def __init__(self, certificates: Iterable[x509.Certificate] = ()) -> None:
        self.directory: Path | None = None
        self.problems: list[str] = []  # files skipped while loading, with the reason
        self._by_key: dict[bytes, list[x509.Certificate]] = {}
        self._key_of_hash: dict[UInt160, bytes] = {}
        self._authorities: list[x509.Certificate] = []
        for certificate in certificates:
            self.add(certificate)

    @classmethod
    def load(cls, directory: Path) -> "CertificateStore":
        """Every certificate in `directory` (not recursive); IdentityError if it is unreadable."""
        directory = Path(directory)
        store = cls()
        store.directory = directory
        for path in _cert_files(directory):
            try:
                certificates = parse_certificates(read_bytes(path, "certificate"), str(path))
                for certificate in certificates:
                    store.add(certificate)
            except IdentityError as exc:
                store.problems.append(f"{exc} (skipped)")
        return store

    def add(self, certificate: x509.Certificate) -> None:
        """Index one certificate (a CA one joins the intermediates); IdentityError for a leaf
        whose key is not a chain key."""
        if _is_ca(certificate):
            if certificate not in self._authorities:
                self._authorities.append(certificate)
            return
        key = script_key_of(certificate.public_key())
        held = self._by_key.setdefault(key, [])
        if certificate not in held:
            held.append(certificate)
        self._key_of_hash[key_script_hash(key)] = key

    def save(self, certificate: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> Path:
        """Write a leaf (with its intermediates) into the store's directory and index it."""
        if self.directory is None:
            raise IdentityError("this store has no directory to save into")
        key = script_key_of(certificate.public_key())
        path = self.directory / f"{key.hex()}-{certificate.serial_number:x}.pem"
        write_new(path, certificate_pem(certificate, *chain))
        self.add(certificate)
        for authority in chain:
            self.add(authority)
        return path

    @property
    def authorities(self) -> list[x509.Certificate]:
        return list(self._authorities)

    def certificates_for(self, key: bytes) -> list[x509.Certificate]:
        return list(self._by_key.get(bytes(key), ()))

    def key_for_script_hash(self, account: UInt160) -> bytes | None:
        """The certified key whose single-signature account has this script hash, if any."""
        return self._key_of_hash.get(account)

    def status(
        self,
        key: bytes,
        roots: Sequence[x509.Certificate],
        *,
        at: datetime | None = None,
        intermediates: Sequence[x509.Certificate] = (),
    ) -> StatusReport:
        """The best status among the certificates of `key` (Missing when there is none)."""
        key = bytes(key)
        certificates = self._by_key.get(key)
        if not certificates:
            return StatusReport(CertStatus.MISSING, "no certificate for this key", key)
        pool = [*intermediates, *self._authorities]
        reports = [verify_chain(c, pool, roots, at=at, key=key) for c in certificates]
        return min(reports, key=lambda r: _RANK[r.status])

    def status_of_script_hash(
        self, account: UInt160, roots: Sequence[x509.Certificate], *, at: datetime | None = None
    ) -> StatusReport:
        """Status of a single-signature account known only by its script hash (an address).

        A multisig account's hash cannot be traced to keys without its script: use
        `status_of_script` with the script (a witness carries it).
        """
        key = self.key_for_script_hash(account)
        if key is None:
            return StatusReport(
                CertStatus.MISSING,
                f"no certificate for a single-key account with script hash {account}",
            )
        return self.status(key, roots, at=at)

    def status_of_script(
        self, script: bytes, roots: Sequence[x509.Certificate], *, at: datetime | None = None
    ) -> list[SignerStatus]:
        """One status per key of a single-signature or multisig verification script."""
        keys = script_keys(script)
        if not keys:
            raise IdentityError("not a single-signature or multisig script: no keys to look up")
        account = script_hash(script)
        return [SignerStatus(account, k, self.status(k, roots, at=at)) for k in keys]

    def signer_statuses(
        self, tx: Transaction, roots: Sequence[x509.Certificate], *, at: datetime | None = None
    ) -> list[SignerStatus]:
        """The certification of every key of every witness of a signed transaction.

        A witness whose script is neither single-signature nor multisig has no keys to show.
        """
        statuses: list[SignerStatus] = []
        for witness in tx.witnesses:
            if script_keys(witness.verification):
                statuses.extend(self.status_of_script(witness.verification, roots, at=at))
        return statuses

    def owner_status(
        self,
        register: Transaction,
        roots: Sequence[x509.Certificate],
        *,
        at: datetime | None = None,
    ) -> StatusReport:
        """The certification of the Owner key of a Register transaction (SPEC §4)."""
        if register.type != TxType.REGISTER:
            raise IdentityError(f"transaction type 0x{register.type:02x} is not a Register")
        owner = bytes(register.exclusive["owner"])
        if len(owner) not in (33, 34):
            # ANS and ANC are owned by the point at infinity (`00`): nobody to certify.
            return StatusReport(CertStatus.MISSING, "the asset has no owner key", owner)
        return self.status(owner, roots, at=at)
