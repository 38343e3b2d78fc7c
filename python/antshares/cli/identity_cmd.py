"""`antshares identity …`: certificates binding chain keys to people and companies (SPEC §9).

    identity ca create   a test CA: a self-signed root, or an intermediate signed by another CA
    identity request     a certificate request (CSR) signed by an account key
    identity issue       a certificate from a request, signed by a CA
    identity verify      a certificate's chain against the configured roots
    identity status      Good / Expired / Invalid / Missing for keys, addresses or a transaction's
                         signers, from a directory of certificates

Secrets never come from the command line: the account key comes from a file (WIF, NEP-2, or a
NEP-6 wallet, with its password prompted) or is prompted for; `--wif-stdin` and
`--password-stdin` read one line from standard input, for scripts. Exit codes: 0 done (verify,
status: every answer Good), 1 a failure (verify, status: some answer not Good), 2 bad arguments
or input that cannot be read (verify, status).
"""

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from antshares.core import DecodeError, Transaction
from antshares.core.address import decode_address, script_address, single_sig_script, wif_decode
from antshares.crypto import Curve
from antshares.identity import (
    CertificateAuthority,
    CertificateStore,
    CertStatus,
    IdentityError,
    StatusReport,
    build_request,
    certificate_pem,
    create_intermediate_ca,
    create_root_ca,
    issue_certificate,
    load_certificate,
    load_certificates,
    load_private_key,
    load_request,
    load_roots,
    private_key_pem,
    request_key,
    request_pem,
    subject_name,
    verify_chain,
)
from antshares.identity.files import read_bytes, write_atomic, write_new
from antshares.identity.status import display_name
from antshares.wallet.nep2 import Nep2Error, decrypt

from .common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, command_group, positive_int, report_error

CERT_CURVES = [Curve.SECP256R1.value, Curve.SECP256K1.value]


# --- arguments ---------------------------------------------------------------------------------


def _moment(text: str) -> datetime:
    """argparse type: an ISO 8601 time; without a zone it is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _add_subject_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", required=True, help="common name: the person or company")
    p.add_argument("--org", help="organization")
    p.add_argument("--unit", help="organizational unit")
    p.add_argument("--country", help="two-letter country code")
    p.add_argument("--email", help="e-mail address (also put in subjectAltName)")


def _subject(args: argparse.Namespace) -> x509.Name:
    return subject_name(
        args.name,
        organization=args.org,
        organizational_unit=args.unit,
        country=args.country,
        email=args.email,
    )


def _add_trust_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--roots",
        type=Path,
        action="append",
        required=True,
        metavar="PATH",
        help="trusted root certificates: a PEM file or a directory of them (repeatable)",
    )
    p.add_argument("--at", type=_moment, metavar="TIME", help="judge at this ISO 8601 time")
    p.add_argument("--json", action="store_true", help="print JSON")


def add_parser(sub: Any) -> None:
    group = command_group(sub, "identity", "identity certificates for chain keys (SPEC §9)")

    ca = command_group(group, "ca", "a certificate authority for tests and private deployments")
    p = ca.add_parser(
        "create",
        help="create a CA: a self-signed root, or an intermediate with --issuer-cert/--issuer-key",
        description="Creates a CA key (secp256r1 by default) and its certificate. The key file is"
        " encrypted with a password asked for at the prompt unless --no-password.",
    )
    p.add_argument("--cert", type=Path, required=True, help="where to write the CA certificate")
    p.add_argument("--key", type=Path, required=True, help="where to write the CA private key")
    _add_subject_args(p)
    p.add_argument("--days", type=positive_int, default=3650, help="validity (default 3650)")
    p.add_argument(
        "--path-length",
        type=int,
        default=None,
        help="intermediate CAs allowed below (default: 1 for a root, 0 for an intermediate)",
    )
    p.add_argument("--curve", choices=CERT_CURVES, default=Curve.SECP256R1.value)
    p.add_argument("--issuer-cert", type=Path, help="make an intermediate signed by this CA")
    p.add_argument("--issuer-key", type=Path, help="the issuing CA's private key")
    _add_password_args(p, "--no-password", "store the new CA key unencrypted (test CAs only)")
    p.set_defaults(run=run_ca_create)

    p = group.add_parser(
        "request",
        help="a certificate request signed by an account key",
        description="Writes a PEM certificate request (CSR) for an account key, signed with it:"
        " the certificate a CA issues from it binds that key, the one that signs"
        " transactions, to the name given. The key comes from --key FILE (WIF, NEP-2 or a"
        " NEP-6 wallet; passwords are prompted) or is prompted for.",
    )
    _add_subject_args(p)
    p.add_argument("--out", type=Path, required=True, help="where to write the request (PEM)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--key", type=Path, help="a file with a WIF, a NEP-2 key or a NEP-6 wallet")
    source.add_argument(
        "--wif-stdin", action="store_true", help="read the WIF from standard input (scripts)"
    )
    p.add_argument("--account", help="the wallet account (address) when --key is a NEP-6 wallet")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the NEP-2/NEP-6 password from standard input (scripts)",
    )
    p.add_argument("--curve", choices=CERT_CURVES, default=Curve.SECP256R1.value)
    p.set_defaults(run=run_request)

    p = group.add_parser(
        "issue",
        help="issue a certificate from a request",
        description="Checks the request's signature and issues an end-entity certificate for its"
        " key and subject, signed by the CA (digitalSignature and nonRepudiation).",
    )
    p.add_argument("--csr", type=Path, required=True, help="the certificate request (PEM)")
    p.add_argument("--ca-cert", type=Path, required=True, help="the CA certificate")
    p.add_argument("--ca-key", type=Path, required=True, help="the CA private key")
    p.add_argument("--out", type=Path, required=True, help="where to write the certificate")
    p.add_argument("--days", type=positive_int, default=365, help="validity (default 365)")
    p.add_argument(
        "--chain",
        action="store_true",
        help="append the CA certificate to the output when it is an intermediate",
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the CA key password from standard input (scripts)",
    )
    p.set_defaults(run=run_issue)

    p = group.add_parser(
        "verify",
        help="verify a certificate's chain against the roots",
        description="Prints Good, Expired or Invalid with the reason; exit 0 only for Good.",
    )
    p.add_argument("cert", type=Path, help="the certificate (a PEM bundle: leaf first)")
    p.add_argument(
        "--chain",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="intermediate certificates (repeatable)",
    )
    _add_trust_args(p)
    p.set_defaults(run=run_verify)

    p = group.add_parser(
        "status",
        help="Good / Expired / Invalid / Missing for keys, addresses or a transaction's signers",
        description="Looks each TARGET (a public key in hex, or an address) up in the"
        " certificate directory and verifies what it finds against the roots. A multisig"
        " address cannot be traced to its keys: pass a transaction with --tx to check the keys"
        " of its witnesses. Exit 0 only when every answer is Good.",
    )
    p.add_argument("targets", nargs="*", metavar="TARGET", help="public key (hex) or address")
    p.add_argument(
        "--certs", type=Path, required=True, metavar="DIR", help="the certificate directory"
    )
    p.add_argument("--tx", type=Path, metavar="FILE", help="a signed transaction (hex or raw)")
    _add_trust_args(p)
    p.set_defaults(run=run_status)


def _add_password_args(p: argparse.ArgumentParser, flag: str, help: str) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(flag, dest="no_password", action="store_true", help=help)
    group.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (scripts)",
    )


# --- secrets -----------------------------------------------------------------------------------


def _stdin_line(what: str) -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise IdentityError(f"no {what} on standard input")
    return line


def _password(args: argparse.Namespace, prompt: str) -> str:
    if args.password_stdin:
        return _stdin_line("password")
    return getpass.getpass(prompt)


def _new_password(args: argparse.Namespace) -> bytes:
    if args.password_stdin:
        return _stdin_line("password").encode("utf-8")
    first = getpass.getpass("New CA key password: ")
    if not first:
        raise IdentityError("the password is empty (use --no-password for an unencrypted test CA)")
    if getpass.getpass("Repeat the password: ") != first:
        raise IdentityError("the passwords do not match")
    return first.encode("utf-8")


def _wif_secret(text: str) -> bytes:
    try:
        return wif_decode(text.strip())
    except ValueError:
        raise IdentityError("not a valid WIF private key") from None


def _nep2_secret(nep2: str, args: argparse.Namespace) -> bytes:
    try:
        return decrypt(nep2, _password(args, "Password: "))
    except Nep2Error as exc:
        raise IdentityError(str(exc)) from None


def _wallet_secret(doc: Any, path: Path, args: argparse.Namespace) -> bytes:
    """The key of one account of a NEP-6 wallet (the one named, the default, or the only one)."""
    accounts = [a for a in doc.get("accounts", []) if isinstance(a, dict) and a.get("key")]
    if args.account is not None:
        chosen = [a for a in accounts if a.get("address") == args.account]
        if not chosen:
            raise IdentityError(f"{path}: no account {args.account} with a key")
    else:
        chosen = [a for a in accounts if a.get("isDefault")] or accounts
        if len(chosen) != 1:
            raise IdentityError(
                f"{path}: {len(accounts)} accounts with keys; choose one with --account ADDRESS"
            )
    return _nep2_secret(str(chosen[0]["key"]), args)


def _account_secret(args: argparse.Namespace) -> bytes:
    if args.wif_stdin:
        return _wif_secret(_stdin_line("WIF"))
    if args.key is None:
        return _wif_secret(getpass.getpass("WIF private key: "))
    try:
        text = read_bytes(args.key, "key").decode("utf-8").strip()
    except UnicodeDecodeError:
        raise IdentityError(f"{args.key}: not a text key file") from None
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IdentityError(f"{args.key}: not a NEP-6 wallet ({exc})") from None
        return _wallet_secret(doc, args.key, args)
    if text.startswith("6P"):
        return _nep2_secret(text, args)
    return _wif_secret(text)


def _ca_key(path: Path, args: argparse.Namespace) -> ec.EllipticCurvePrivateKey:
    """The CA's private key, asking for its password only when the file is encrypted."""
    try:
        return load_private_key(path, None)
    except IdentityError as exc:
        if "needs a password" not in str(exc):
            raise
    return load_private_key(path, _password(args, f"Password for {path}: ").encode("utf-8"))


# --- commands ----------------------------------------------------------------------------------


def run_ca_create(args: argparse.Namespace) -> int:
    command = "identity ca create"
    if (args.issuer_cert is None) != (args.issuer_key is None):
        report_error(command, "--issuer-cert and --issuer-key go together")
        return EXIT_USAGE
    try:
        for path in (args.cert, args.key):
            if path.exists():
                raise IdentityError(f"{path}: already exists (remove it first to replace it)")
        curve = Curve(args.curve)
        if args.issuer_cert is None:
            path_length = 1 if args.path_length is None else args.path_length
            ca = create_root_ca(
                _subject(args), curve=curve, valid_days=args.days, path_length=path_length
            )
        else:
            issuer = CertificateAuthority(
                load_certificate(args.issuer_cert), _ca_key(args.issuer_key, args)
            )
            path_length = 0 if args.path_length is None else args.path_length
            ca = create_intermediate_ca(
                issuer, _subject(args), curve=curve, valid_days=args.days, path_length=path_length
            )
        password = None if args.no_password else _new_password(args)
        write_new(args.key, private_key_pem(ca.private_key, password), 0o600)
        write_new(args.cert, certificate_pem(ca.certificate))
    except (IdentityError, OSError) as exc:
        report_error(command, exc)
        return EXIT_FAILURE
    print(f"CA       {display_name(ca.certificate.subject)}")
    print(f"issuer   {display_name(ca.certificate.issuer)}")
    print(f"until    {ca.certificate.not_valid_after_utc.isoformat()}")
    print(f"cert     {args.cert}")
    print(f"key      {args.key}{'' if password else ' (unencrypted)'}")
    return EXIT_OK


def run_request(args: argparse.Namespace) -> int:
    command = "identity request"
    try:
        secret = _account_secret(args)
        request = build_request(secret, _subject(args), Curve(args.curve))
        key = request_key(request)
        write_atomic(args.out, request_pem(request))
    except (IdentityError, OSError) as exc:
        report_error(command, exc)
        return EXIT_FAILURE
    print(f"subject  {display_name(request.subject)}")
    print(f"key      {key.hex()}")
    print(f"address  {script_address(single_sig_script(key))}")
    print(f"request  {args.out}")
    return EXIT_OK


def run_issue(args: argparse.Namespace) -> int:
    command = "identity issue"
    try:
        request = load_request(args.csr)
        key = request_key(request)
        ca = CertificateAuthority(load_certificate(args.ca_cert), _ca_key(args.ca_key, args))
        certificate = issue_certificate(ca, request, valid_days=args.days)
        self_signed = ca.certificate.subject == ca.certificate.issuer
        chain = [ca.certificate] if args.chain and not self_signed else []
        write_atomic(args.out, certificate_pem(certificate, *chain))
    except (IdentityError, OSError) as exc:
        report_error(command, exc)
        return EXIT_FAILURE
    print(f"subject  {display_name(certificate.subject)}")
    print(f"key      {key.hex()}")
    print(f"address  {script_address(single_sig_script(key))}")
    print(f"issuer   {display_name(certificate.issuer)}")
    print(f"serial   {certificate.serial_number:x}")
    print(f"until    {certificate.not_valid_after_utc.isoformat()}")
    print(f"cert     {args.out}")
    return EXIT_OK


def _print_report(target: str, report: StatusReport) -> None:
    subject = report.subject or "-"
    print(f"{target}  {report.status.value}  {subject}  ({report.reason})")


def run_verify(args: argparse.Namespace) -> int:
    command = "identity verify"
    try:
        roots = load_roots(args.roots)
        leaf, *bundled = load_certificates(args.cert)
        intermediates = [*bundled, *(c for path in args.chain for c in load_certificates(path))]
    except IdentityError as exc:
        report_error(command, exc)
        return EXIT_USAGE
    report = verify_chain(leaf, intermediates, roots, at=args.at)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        _print_report(str(args.cert), report)
    return EXIT_OK if report.ok else EXIT_FAILURE


def _target_status(
    target: str, store: CertificateStore, roots: list[x509.Certificate], at: datetime | None
) -> StatusReport:
    text = target.strip()
    if len(text) in (66, 68) and all(c in "0123456789abcdefABCDEF" for c in text):
        return store.status(bytes.fromhex(text), roots, at=at)
    try:
        _, account = decode_address(text)
    except ValueError:
        raise IdentityError(f"{target!r} is neither a public key (hex) nor an address") from None
    return store.status_of_script_hash(account, roots, at=at)


def _load_tx(path: Path) -> Transaction:
    data = read_bytes(path, "transaction")
    try:
        text = data.decode("ascii").strip()
        raw = bytes.fromhex(text)
    except (UnicodeDecodeError, ValueError):
        raw = data  # not hex text: the raw bytes
    try:
        return Transaction.from_bytes(raw)
    except (DecodeError, ValueError) as exc:
        raise IdentityError(f"{path}: not a transaction ({exc})") from None


def run_status(args: argparse.Namespace) -> int:
    command = "identity status"
    if not args.targets and args.tx is None:
        report_error(command, "nothing to look up: give a TARGET or --tx FILE")
        return EXIT_USAGE
    try:
        roots = load_roots(args.roots)
        store = CertificateStore.load(args.certs)
        rows = [(t, _target_status(t, store, roots, args.at)) for t in args.targets]
        if args.tx is not None:
            for signer in store.signer_statuses(_load_tx(args.tx), roots, at=args.at):
                rows.append((signer.key.hex(), signer.report))
    except IdentityError as exc:
        report_error(command, exc)
        return EXIT_USAGE
    for problem in store.problems:
        report_error(command, f"warning: {problem}")
    if args.json:
        print(json.dumps([{"target": t, **r.to_json()} for t, r in rows]))
    else:
        for target, report in rows:
            _print_report(target, report)
    if args.tx is not None and len(rows) == len(args.targets):
        report_error(command, f"{args.tx}: no single-signature or multisig witness to look up")
        return EXIT_FAILURE
    return EXIT_OK if all(r.status is CertStatus.GOOD for _, r in rows) else EXIT_FAILURE
