"""`antshares wallet stealth address | scan [--import]`, `antshares wallet identity request |
status`."""

import argparse

from antshares.identity import (
    CertificateStore,
    IdentityError,
    build_request,
    load_roots,
    request_pem,
    subject_name,
)
from antshares.identity.files import write_atomic
from antshares.wallet.accounts import Account, KeyRole
from antshares.wallet.keys import KeyPair
from antshares.wallet.nep6 import Wallet
from antshares.wallet.stealth import FoundPayment, scan, spending_keys

from ..common import EXIT_OK, report_error
from .common import (
    CommandError,
    Passwords,
    _account,
    _guarded,
    _open_view,
    _open_wallet,
    _stealth_account,
    _unlock,
)

# --- stealth -----------------------------------------------------------------------------------


@_guarded("stealth address")
def run_stealth_address(args: argparse.Namespace) -> int:
    wallet = _open_wallet(args.wallet)
    entry, stealth = _stealth_account(wallet, args.account)
    print(f"account  {entry.address}")
    print(f"stealth  {stealth.encode()}")
    return EXIT_OK


@_guarded("stealth scan")
def run_stealth_scan(args: argparse.Namespace) -> int:
    passwords = Passwords(args.password_stdin)
    wallet = _open_wallet(args.wallet)
    entry, stealth = _stealth_account(wallet, args.account)
    payment_password = None
    if args.import_found:
        # Payment first, as everywhere: the derived keys are stored under it.
        payment_password = passwords.ask("payment password")
        wallet.unlock_payment(payment_password)
        if not wallet.keys_for(entry, KeyRole.PAYMENT):
            raise CommandError(f"{entry.address}: this wallet does not hold its payment key")
    _unlock(wallet, {KeyRole.QUERY}, passwords)
    keys = wallet.keys_for(entry, KeyRole.QUERY)
    if not keys:
        raise CommandError(f"{entry.address}: this wallet does not hold its query key")
    stop = None if args.to_height is None else args.to_height + 1
    with _open_view(args) as view:
        found = scan(
            keys[0].secret,
            stealth.payment_key,
            view.blocks(args.from_height, stop),
            curve=stealth.curve,
        )
        rows = []
        unspent_found = []
        for f in found:
            info = view.asset(f.output.asset_id)
            amount = info.format(f.output.value) if info else str(f.output.value)
            name = info.display_name if info else str(f.output.asset_id)
            unspent = view.coin(f.coin) is not None
            if unspent:
                unspent_found.append(f)
            rows.append(
                f"{f.height:>8}  {f.txid}:{f.index}  {amount} {name}  {f.address}"
                f"  {'unspent' if unspent else 'spent'}"
            )
    for row in rows:
        print(row)
    print(f"found    {len(rows)} payment(s)")
    if payment_password is not None:
        payment = wallet.keys_for(entry, KeyRole.PAYMENT)[0]
        added = _import_found(
            wallet, keys[0].secret, payment.secret, unspent_found, payment_password
        )
        wallet.save()
        for address in added:
            print(f"imported {address}")
    return EXIT_OK


def _import_found(
    wallet: Wallet,
    query_secret: bytes,
    payment_secret: bytes,
    found: list[FoundPayment],
    payment_password: str,
) -> list[str]:
    """Each found output as a 2-of-2 account of its derived keys (already there: skipped)."""
    known = {e.script_hash for e in wallet.accounts}
    added = []
    for f in found:
        pair = [KeyPair(s, f.curve) for s in spending_keys(query_secret, payment_secret, f)]
        account = Account.multisig(2, [k.public_key for k in pair])
        if account.script_hash in known:
            continue
        label = f"stealth {f.txid}:{f.index}"
        wallet.add(account, pair, payment_password=payment_password, label=label)
        known.add(account.script_hash)
        added.append(account.address)
    return added


# --- identity ----------------------------------------------------------------------------------


@_guarded("identity request")
def run_identity_request(args: argparse.Namespace) -> int:
    passwords = Passwords(args.password_stdin)
    wallet = _open_wallet(args.wallet)
    entry = _account(wallet, args.account)
    role = KeyRole(args.role)
    if role not in {entry.account.role_of(k) for k in entry.held_keys()}:
        raise CommandError(f"{entry.address}: this wallet holds no {role.value} key of it")
    _unlock(wallet, {role}, passwords)
    key = wallet.keys_for(entry, role)[0]
    subject = subject_name(args.name, organization=args.org, country=args.country, email=args.email)
    request = build_request(key.secret, subject, key.curve)
    write_atomic(args.out, request_pem(request))
    print(f"key      {key.public_key.hex()}")
    print(f"request  {args.out}")
    return EXIT_OK


@_guarded("identity status")
def run_identity_status(args: argparse.Namespace) -> int:
    wallet = _open_wallet(args.wallet)
    roots = load_roots(args.roots)
    store = CertificateStore.load(args.certs)
    for problem in store.problems:
        report_error("wallet identity status", f"warning: {problem}")
    for entry in wallet.accounts:
        for key in entry.account.public_keys:
            try:
                report = store.status(key, roots)
            except IdentityError as exc:  # an SM2 key cannot be certified
                print(f"{entry.address}  {key.hex()}  -  ({exc})")
                continue
            subject = report.subject or "-"
            print(
                f"{entry.address}  {key.hex()}  {report.status.value}  {subject}  ({report.reason})"
            )
    return EXIT_OK
