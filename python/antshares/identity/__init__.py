"""Identity (身份认证, SPEC §9; whitepaper §1.6, §2.2): X.509 certificates binding chain keys to
people and companies, their verification, and the compliance co-signer for Share assets.

    ca = create_root_ca(subject_name("Test Root CA"))
    request = build_request(account_secret, subject_name("Alice", country="CN"))
    certificate = issue_certificate(ca, request)
    store = CertificateStore([certificate])
    store.status(account_key, [ca.certificate]).status        # CertStatus.GOOD

See docs/identity.md for the statuses and the co-signer's policies.
"""

from .ca import CertificateAuthority, create_intermediate_ca, create_root_ca, issue_certificate
from .cosigner import Approval, ComplianceCosigner
from .errors import IdentityError
from .keys import (
    key_script_hash,
    new_private_key,
    private_key_from_secret,
    public_key_from_script_key,
    script_key_of,
)
from .pem import (
    certificate_pem,
    load_certificate,
    load_certificates,
    load_private_key,
    load_request,
    private_key_pem,
    request_pem,
)
from .policy import DEFAULT_ANNUAL_CAP, Policy, Refusal, SharePolicy
from .request import build_request, request_key, subject_name
from .status import CertStatus, StatusReport, verify_chain
from .store import CertificateStore, SignerStatus, load_roots
from .transfer import ShareTransfer, share_transfer
from .transfer_log import TransferLog, TransferRecord

__all__ = [
    "DEFAULT_ANNUAL_CAP",
    "Approval",
    "CertStatus",
    "CertificateAuthority",
    "CertificateStore",
    "ComplianceCosigner",
    "IdentityError",
    "Policy",
    "Refusal",
    "SharePolicy",
    "ShareTransfer",
    "SignerStatus",
    "StatusReport",
    "TransferLog",
    "TransferRecord",
    "build_request",
    "certificate_pem",
    "create_intermediate_ca",
    "create_root_ca",
    "issue_certificate",
    "key_script_hash",
    "load_certificate",
    "load_certificates",
    "load_private_key",
    "load_request",
    "load_roots",
    "new_private_key",
    "private_key_from_secret",
    "private_key_pem",
    "public_key_from_script_key",
    "request_key",
    "request_pem",
    "script_key_of",
    "share_transfer",
    "subject_name",
    "verify_chain",
]
