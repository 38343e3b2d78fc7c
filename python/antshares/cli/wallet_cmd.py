"""`antshares wallet …`: a NEP-6 wallet in the style of neo-cli (SPEC §3, §4, §9).

    wallet create | list | import-key | export-key          the wallet file
    wallet balance | history                               read a node's data dir (read-only)
    wallet send | register | issue | enroll | withdraw | vote
                                                           build, sign, write, submit
    wallet sign REQUEST                                    add this wallet's signatures
    wallet stealth address | scan                          stealth addresses (SPEC §9)
    wallet identity request | status                       certificates for account keys

Every command takes `--wallet FILE`; those that read the ledger take `--network` and
`--data-dir`. Passwords are asked at the prompt (never on the command line); `--password-stdin`
reads them from standard input, one line each, in a fixed order: the payment password, then the
query password, each only when the command needs it (a WIF for `import-key --wif-stdin` comes
first). Transaction commands print the signed transaction in hex, or write it (`--out FILE`);
`--request FILE` writes a signing request for the other signers; `--submit` hands a complete
transaction to the node (today: a devnet data dir with no node running on it). Errors are one
line, `antshares wallet COMMAND: …`, exit 1; bad arguments exit 2. docs/wallet-cli.md.
"""

import argparse
import contextlib
import functools
import getpass
import json
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from antshares.chain.profiles import Profile
from antshares.core import AssetType, DecodeError, UInt160, UInt256
from antshares.core.address import address_from_script_hash, script_address
from antshares.crypto import Curve
from antshares.identity import (
    CertificateStore,
    IdentityError,
    build_request,
    load_roots,
    request_pem,
    subject_name,
)
from antshares.identity.files import write_atomic
from antshares.storage import StoreError
from antshares.wallet.accounts import Account, AccountKind, KeyRole
from antshares.wallet.drafting import Draft, parse_amount
from antshares.wallet.keys import KeyPair, WalletError
from antshares.wallet.ledger_view import AssetInfo, LedgerView, format_amount
from antshares.wallet.nep6 import Wallet, WalletAccount
from antshares.wallet.requests import DevnetRelay, RelayError, SigningRequest, relay
from antshares.wallet.stealth import StealthAddress, StealthAddressError, scan
from antshares.wallet.transactions import Payment, TransactionBuilder

from .common import (
    EXIT_FAILURE,
    EXIT_OK,
    NetworkError,
    add_network_args,
    command_group,
    non_negative_int,
    positive_int,
    report_error,
    resolve_network,
)
from .progress import Progress

ASSET_TYPES = {
    "currency": AssetType.CURRENCY,
    "share": AssetType.SHARE,
    "invoice": AssetType.INVOICE,
    "token": AssetType.TOKEN,
}
ACCOUNT_KINDS = ("single", "query-payment", "recoverable", "none")
ANS_NAMES = {"ANS", "ANTSHARE", "ANTSHARES", "NEO"}
ANC_NAMES = {"ANC", "ANTCOIN", "ANTCOINS", "GAS"}
QUIET_HISTORY_BLOCKS = 5_000  # shorter scans print no progress


class CommandError(Exception):
    """Bad input to a command, with the message to show."""


# --- arguments ---------------------------------------------------------------------------------


def _add_wallet_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wallet", type=Path, required=True, metavar="FILE", help="the NEP-6 wallet")


def _add_password_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from standard input, one line each: payment, then query (scripts)",
    )


def _add_tx_args(p: argparse.ArgumentParser, *, paying: bool = True) -> None:
    add_network_args(p)
    _add_password_arg(p)
    if paying:
        p.add_argument(
            "--from",
            dest="sources",
            action="append",
            metavar="ADDRESS",
            help="pay from this account (repeatable; default: every account that can sign)",
        )
        p.add_argument("--change-to", metavar="ADDRESS", help="default: the first paying account")
    p.add_argument("--fee", default="0", metavar="ANC", help="byte fee in ANC (default 0)")
    p.add_argument(
        "--fee-per-byte",
        type=non_negative_int,
        default=0,
        metavar="SATOSHI",
        help="at least this many ANC satoshi per byte of the signed transaction",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write the signed transaction (hex)")
    p.add_argument(
        "--request",
        type=Path,
        metavar="FILE",
        help="write a signing request for the other signers (always written when given)",
    )
    p.add_argument("--submit", action="store_true", help="hand the signed transaction to the node")


def add_parser(sub: Any) -> None:
    group = command_group(sub, "wallet", "a NEP-6 wallet: accounts, balances, transactions")

    p = group.add_parser("create", help="create a wallet file with a first account")
    _add_wallet_arg(p)
    p.add_argument("--name", help="the wallet's name (default: the file name)")
    p.add_argument(
        "--account",
        choices=ACCOUNT_KINDS,
        default="single",
        help="the first account: a single key (default), a query/payment pair, a recoverable"
        " pair (with --recovery-key), or none",
    )
    p.add_argument("--curve", choices=[c.value for c in Curve], default=Curve.SECP256R1.value)
    p.add_argument("--recovery-key", metavar="HEX", help="the offline recovery public key")
    p.add_argument("--label", help="the account's label")
    _add_password_arg(p)
    p.set_defaults(run=run_create)

    p = group.add_parser("list", help="the accounts: addresses, kinds, keys and their roles")
    _add_wallet_arg(p)
    p.set_defaults(run=run_list)

    p = group.add_parser("balance", help="balances of the wallet's accounts, from the ledger")
    _add_wallet_arg(p)
    add_network_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run_balance)

    p = group.add_parser("history", help="the wallet's transactions in a range of blocks")
    _add_wallet_arg(p)
    add_network_args(p)
    p.add_argument("--from-height", type=non_negative_int, default=0, metavar="N")
    p.add_argument("--to-height", type=non_negative_int, default=None, metavar="N")
    p.add_argument("--limit", type=positive_int, default=None, metavar="N", help="entries")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run_history)

    p = group.add_parser("send", help="send an asset (a Share with --price: paid by the buyer)")
    _add_wallet_arg(p)
    p.add_argument("--asset", required=True, help="ANS, ANC, an asset id or a registered name")
    p.add_argument("--to", action="append", required=True, help="address or stealth address")
    p.add_argument("--amount", action="append", required=True, help="one per --to")
    p.add_argument("--price", metavar="AMOUNT", help="Share sale: what the buyer pays")
    p.add_argument("--price-asset", metavar="ASSET", help="the asset the buyer pays in")
    _add_tx_args(p)
    p.set_defaults(run=run_send)

    p = group.add_parser("register", help="register an asset (service fee in ANC)")
    _add_wallet_arg(p)
    p.add_argument("--type", required=True, choices=sorted(ASSET_TYPES))
    p.add_argument("--name", required=True, help="the asset's name")
    p.add_argument("--amount", required=True, help="the cap, or 'unlimited'")
    p.add_argument("--precision", type=int, required=True, choices=range(9), metavar="0-8")
    p.add_argument(
        "--owner", metavar="ADDRESS", help="a single P-256 key account (default: the default one)"
    )
    p.add_argument("--admin", metavar="ADDRESS", help="who issues (default: the owner)")
    _add_tx_args(p)
    p.set_defaults(run=run_register)

    p = group.add_parser("issue", help="issue a batch of a registered asset (the admin signs)")
    _add_wallet_arg(p)
    p.add_argument("--asset", required=True)
    p.add_argument("--to", action="append", required=True, help="receiver address (repeatable)")
    p.add_argument("--amount", action="append", required=True, help="one per --to")
    _add_tx_args(p)
    p.set_defaults(run=run_issue)

    p = group.add_parser("enroll", help="enroll an account as bookkeeper candidate (deposit)")
    _add_wallet_arg(p)
    p.add_argument("--account", metavar="ADDRESS", help="a single P-256 key account (default)")
    p.add_argument("--deposit", metavar="ANC", help="default: the network's minimum")
    _add_tx_args(p)
    p.set_defaults(run=run_enroll)

    p = group.add_parser("withdraw", help="withdraw a candidacy (its deposit comes back)")
    _add_wallet_arg(p)
    p.add_argument("--enrollment", required=True, metavar="TXID")
    p.add_argument("--to", metavar="ADDRESS", help="default: the candidate's account")
    _add_tx_args(p, paying=False)
    p.set_defaults(run=run_withdraw)

    p = group.add_parser("vote", help="vote for 1-1024 candidates with an account's ANS")
    _add_wallet_arg(p)
    p.add_argument("--account", metavar="ADDRESS", help="the voter (default: default account)")
    p.add_argument("--candidate", action="append", default=[], metavar="TXID")
    p.add_argument("--candidates", type=Path, metavar="FILE", help="enrollment txids, one a line")
    p.add_argument("--amount", metavar="ANS", help="default: all the voter's ANS")
    _add_tx_args(p)
    p.set_defaults(run=run_vote)

    p = group.add_parser("sign", help="add this wallet's signatures to a signing request")
    p.add_argument("request_file", type=Path, metavar="REQUEST")
    _add_wallet_arg(p)
    add_network_args(p)
    _add_password_arg(p)
    p.add_argument("--out", type=Path, metavar="FILE", help="once complete: the transaction")
    p.add_argument("--submit", action="store_true", help="once complete: hand it to the node")
    p.set_defaults(run=run_sign)

    p = group.add_parser("import-key", help="add a key (WIF, prompted) or a watch-only address")
    _add_wallet_arg(p)
    p.add_argument("--curve", choices=[c.value for c in Curve], default=Curve.SECP256R1.value)
    p.add_argument("--wif-stdin", action="store_true", help="read the WIF from standard input")
    p.add_argument("--watch", metavar="ADDRESS", help="add a watch-only account instead")
    p.add_argument("--label")
    _add_password_arg(p)
    p.set_defaults(run=run_import_key)

    p = group.add_parser("export-key", help="print the WIF of an account's keys (careful!)")
    _add_wallet_arg(p)
    p.add_argument("--account", metavar="ADDRESS", help="default: the default account")
    _add_password_arg(p)
    p.set_defaults(run=run_export_key)

    stealth = command_group(group, "stealth", "stealth addresses (SPEC §9)")
    p = stealth.add_parser("address", help="the stealth address of a two-key account")
    _add_wallet_arg(p)
    p.add_argument("--account", metavar="ADDRESS")
    p.set_defaults(run=run_stealth_address)
    p = stealth.add_parser("scan", help="find payments to the stealth address (query password)")
    _add_wallet_arg(p)
    add_network_args(p)
    p.add_argument("--account", metavar="ADDRESS")
    p.add_argument("--from-height", type=non_negative_int, default=0, metavar="N")
    p.add_argument("--to-height", type=non_negative_int, default=None, metavar="N")
    _add_password_arg(p)
    p.set_defaults(run=run_stealth_scan)

    identity = command_group(group, "identity", "certificates for the wallet's keys (SPEC §9)")
    p = identity.add_parser("request", help="a certificate request signed by an account key")
    _add_wallet_arg(p)
    p.add_argument("--account", metavar="ADDRESS", help="default: the default account")
    p.add_argument("--role", choices=["payment", "query"], default="payment")
    p.add_argument("--name", required=True, help="common name: the person or company")
    p.add_argument("--org")
    p.add_argument("--country")
    p.add_argument("--email")
    p.add_argument("--out", type=Path, required=True, help="where to write the request (PEM)")
    _add_password_arg(p)
    p.set_defaults(run=run_identity_request)
    p = identity.add_parser("status", help="Good/Expired/Invalid/Missing for every account key")
    _add_wallet_arg(p)
    p.add_argument("--certs", type=Path, required=True, metavar="DIR")
    p.add_argument("--roots", type=Path, action="append", required=True, metavar="PATH")
    p.set_defaults(run=run_identity_status)


# --- plumbing ----------------------------------------------------------------------------------

Runner = Callable[[argparse.Namespace], int]
_FAILURES = (
    WalletError,
    IdentityError,
    StealthAddressError,
    NetworkError,
    StoreError,
    CommandError,
    OSError,
    DecodeError,
)


def _guarded(command: str) -> Callable[[Runner], Runner]:
    """One line `antshares wallet COMMAND: …` and exit 1 for every failure, never a traceback."""

    def wrap(run: Runner) -> Runner:
        @functools.wraps(run)
        def guarded(args: argparse.Namespace) -> int:
            try:
                return run(args)
            except _FAILURES as exc:
                report_error(f"wallet {command}", _message(exc))
                return EXIT_FAILURE

        return guarded

    return wrap


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    return str(exc) or type(exc).__name__


class Passwords:
    """Passwords from the prompt, or from standard input (one line each) for scripts."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def line(self, what: str) -> str:
        text = sys.stdin.readline().rstrip("\r\n")
        if not text:
            raise CommandError(f"no {what} on standard input")
        return text

    def ask(self, what: str) -> str:
        if self.from_stdin:
            return self.line(what)
        return getpass.getpass(f"{what[0].upper()}{what[1:]}: ")

    def new(self, what: str) -> str:
        if self.from_stdin:
            return self.line(what)
        first = getpass.getpass(f"New {what}: ")
        if not first:
            raise CommandError(f"the {what} is empty")
        if getpass.getpass(f"Repeat the {what}: ") != first:
            raise CommandError(f"the {what}s do not match")
        return first


def _unlock(wallet: Wallet, roles: Iterable[KeyRole], passwords: Passwords) -> None:
    """Ask for the passwords of `roles` this wallet holds keys of: payment first, then query."""
    wanted = set(roles)
    if KeyRole.PAYMENT in wanted and wallet.has_keys(KeyRole.PAYMENT):
        wallet.unlock_payment(passwords.ask("payment password"))
    if KeyRole.QUERY in wanted and wallet.has_keys(KeyRole.QUERY):
        wallet.unlock_query(passwords.ask("query password"))


def _roles_for(wallet: Wallet, hashes: Iterable[UInt160]) -> set[KeyRole]:
    """The roles of the keys this wallet holds for these signers."""
    roles: set[KeyRole] = set()
    for h in hashes:
        try:
            entry = wallet.account(h)
        except WalletError:
            continue
        roles.update(entry.account.role_of(k) for k in entry.held_keys())
    return roles


def _open_wallet(path: Path) -> Wallet:
    return Wallet.open(path)


def _open_view(args: argparse.Namespace) -> LedgerView:
    profile, data_dir = resolve_network(args)
    if not (data_dir / "data.mdb").is_file():
        raise CommandError(f"no {profile.name} node data in {data_dir} (pass --data-dir)")
    return LedgerView.open(profile, data_dir)


def _script_hash(text: str) -> UInt160:
    try:
        return Account.watch_only(address=text.strip()).script_hash
    except WalletError:
        raise CommandError(f"{text!r} is not an address") from None


def _account(wallet: Wallet, address: str | None) -> WalletAccount:
    if address is None:
        entry = wallet.default_account
        if entry is None:
            raise CommandError("the wallet has no account")
        return entry
    return wallet.account(_script_hash(address))


def _asset(view: LedgerView, text: str) -> AssetInfo:
    name = text.strip()
    found: AssetInfo | None = None
    if name.upper() in ANS_NAMES:
        found = view.asset(view.ans)
    elif name.upper() in ANC_NAMES:
        found = view.asset(view.anc)
    else:
        hex_id = name[2:] if name.lower().startswith("0x") else name
        if len(hex_id) == 64:
            try:
                found = view.asset(UInt256.from_display(hex_id))
            except ValueError:
                found = None
        if found is None:
            named = [a for a in view.assets() if name in (a.display_name, a.name)]
            if len(named) > 1:
                raise CommandError(f"{len(named)} assets are named {name!r}: give the asset id")
            found = named[0] if named else None
    if found is None:
        raise CommandError(f"no asset {name!r} on this ledger")
    return found


def _txid(text: str) -> UInt256:
    hex_id = text.strip()
    hex_id = hex_id[2:] if hex_id.lower().startswith("0x") else hex_id
    try:
        return UInt256.from_display(hex_id)
    except ValueError:
        raise CommandError(f"{text!r} is not a transaction id") from None


def _pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    if len(args.to) != len(args.amount):
        raise CommandError(f"{len(args.to)} --to but {len(args.amount)} --amount: give one each")
    return list(zip(args.to, args.amount, strict=True))


def _builder(wallet: Wallet, view: LedgerView, args: argparse.Namespace) -> TransactionBuilder:
    return TransactionBuilder(wallet, view, fee_per_byte=args.fee_per_byte)


def _byte_fee(view: LedgerView, args: argparse.Namespace) -> int:
    with contextlib.suppress(InvalidOperation):
        if Decimal(args.fee) == 0:
            return 0
    anc = view.asset(view.anc)
    assert anc is not None
    return parse_amount(args.fee, anc)


def _paying(args: argparse.Namespace) -> dict[str, Any]:
    sources = None if not args.sources else [_script_hash(a) for a in args.sources]
    change = None if args.change_to is None else _script_hash(args.change_to)
    return {"sources": sources, "change_to": change}


def _describe(draft: Draft, view: LedgerView, known: dict[UInt160, str]) -> list[str]:
    lines = [f"{draft.kind}  {draft.txid}"]
    for out in draft.tx.outputs:
        info = view.asset(out.asset_id)
        amount = info.format(out.value) if info else format_amount(out.value)
        receiver = known.get(out.script_hash) or address_from_script_hash(out.script_hash)
        lines.append(f"  pays {amount} {_asset_label(info, out.asset_id)} to {receiver}")
    if draft.service_fee:
        lines.append(f"  service fee {format_amount(draft.service_fee)} ANC (burned)")
    if draft.byte_fee:
        lines.append(f"  byte fee {format_amount(draft.byte_fee)} ANC")
    lines.extend(f"  {note}" for note in draft.notes)
    return lines


def _known_addresses(wallet: Wallet, typed: Iterable[str]) -> dict[UInt160, str]:
    """Addresses to show for script hashes: a script hash alone does not tell the address
    version (it follows the curves of the script's keys), so use what the user typed and the
    wallet's own accounts."""
    known = {e.script_hash: e.address for e in wallet.accounts}
    for text in typed:
        with contextlib.suppress(WalletError):
            account = Account.watch_only(address=text.strip())
            known.setdefault(account.script_hash, account.address)
    return known


def _typed_addresses(args: argparse.Namespace) -> list[str]:
    values: list[str] = []
    for name in ("to", "sources", "change_to", "owner", "admin", "account"):
        value = getattr(args, name, None)
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, list):
            values.extend(v for v in value if isinstance(v, str))
    return values


def _finish(
    args: argparse.Namespace, wallet: Wallet, draft: Draft, view: LedgerView, profile: Profile
) -> SigningRequest:
    """Sign what this wallet can, print the summary, write the request when asked."""
    known = _known_addresses(wallet, _typed_addresses(args))
    for line in _describe(draft, view, known):
        print(line)
    _unlock(wallet, _roles_for(wallet, [s.script_hash for s in draft.signers]), args.passwords)
    request = SigningRequest.from_draft(draft, profile.magic)
    request.sign(wallet)
    if args.request is not None:
        request.save(args.request)
        print(f"request  {args.request}")
    return request


def _deliver(
    args: argparse.Namespace, request: SigningRequest, profile: Profile, data_dir: Path
) -> int:
    """Write / print / submit a complete transaction; explain what is missing otherwise."""
    if not request.complete:
        missing = [f"{label} ({have}/{need or '?'})" for label, have, need in _missing(request)]
        if args.request is None:
            raise CommandError(
                "other signatures are needed (" + ", ".join(missing) + "): write a signing"
                " request with --request FILE and have them sign it (antshares wallet sign)"
            )
        print("missing  " + ", ".join(missing))
        return EXIT_OK
    tx = request.finish()
    hex_text = tx.to_bytes().hex()
    if args.out is not None:
        write_atomic(args.out, (hex_text + "\n").encode("ascii"), 0o644)
        print(f"signed   {args.out}")
    elif not args.submit:
        print(hex_text)
    if args.submit:
        result = relay(tx, _relay_for(profile, data_dir))
        print(f"submitted {result.txid}: {result.message}")
    return EXIT_OK


def _missing(request: SigningRequest) -> list[tuple[str, int, int]]:
    return [(s.label, len(s.signatures), s.needed) for s in request.signers if not s.complete]


def _relay_for(profile: Profile, data_dir: Path) -> DevnetRelay:
    if not (data_dir / "bookkeeper-keys.json").is_file():
        raise RelayError(
            f"no way to submit to {profile.name} yet: the node's RPC comes with the node issue"
            " (the signed transaction is printed, or in --out)"
        )
    return DevnetRelay(profile, data_dir)


def _build_and_deliver(
    args: argparse.Namespace, make: Callable[[TransactionBuilder, LedgerView, Wallet], Draft]
) -> int:
    args.passwords = Passwords(args.password_stdin)
    wallet = _open_wallet(args.wallet)
    profile, data_dir = resolve_network(args)
    with _open_view(args) as view:
        draft = make(_builder(wallet, view, args), view, wallet)
        request = _finish(args, wallet, draft, view, profile)
    # The read-only view is closed before a submission opens the data dir to write.
    return _deliver(args, request, profile, data_dir)


# --- the wallet file ---------------------------------------------------------------------------


@_guarded("create")
def run_create(args: argparse.Namespace) -> int:
    passwords = Passwords(args.password_stdin)
    if args.wallet.exists():
        raise CommandError(f"{args.wallet}: a file is already there")
    curve = Curve(args.curve)
    account: Account | None = None
    keys: list[KeyPair] = []
    payment = query = None
    if args.account == "single":
        keys = [KeyPair.generate(curve)]
        account = Account.single(keys[0].public_key)
    elif args.account in ("query-payment", "recoverable"):
        keys = [KeyPair.generate(curve), KeyPair.generate(curve)]
        publics = [k.public_key for k in keys]
        if args.account == "query-payment":
            account = Account.query_payment(*publics)
        else:
            if args.recovery_key is None:
                raise CommandError("a recoverable account needs --recovery-key (made offline)")
            try:
                recovery = bytes.fromhex(args.recovery_key)
            except ValueError:
                raise CommandError("--recovery-key is not hex") from None
            account = Account.recoverable(publics[0], publics[1], recovery)
    if account is not None:
        payment = passwords.new("payment password")
        if args.account != "single":
            query = passwords.new("query password")
            if query == payment:
                raise CommandError("the query and payment passwords must differ")
    wallet = Wallet.create(args.wallet, name=args.name)
    if account is None:
        print(f"wallet   {args.wallet}")
        return EXIT_OK
    try:
        entry = wallet.add(
            account, keys, payment_password=payment, query_password=query, label=args.label
        )
        wallet.set_default(entry)
        wallet.save()
    except BaseException:
        args.wallet.unlink(missing_ok=True)  # no half-made wallet left behind
        raise
    print(f"address  {entry.address}")
    if args.account != "single":
        print(f"stealth  {_stealth_account(wallet, entry.address)[1].encode()}")
    print(f"wallet   {args.wallet}")
    return EXIT_OK


@_guarded("list")
def run_list(args: argparse.Namespace) -> int:
    wallet = _open_wallet(args.wallet)
    default = wallet.default_account
    for entry in wallet.accounts:
        marks = " (default)" if entry is default else ""
        label = f"  {entry.label}" if entry.label else ""
        m = entry.account.m
        shape = f"{m}-of-{len(entry.account.public_keys)}" if entry.account.public_keys else "-"
        print(f"{entry.address}  {entry.kind.value}  {shape}{label}{marks}")
        held = set(entry.held_keys())
        for key, role, curve in zip(
            entry.account.public_keys, entry.account.roles, entry.account.curves, strict=True
        ):
            where = "held" if key in held else "not held"
            print(f"    {key.hex()}  {curve}  {role.value}  {where}")
    return EXIT_OK


@_guarded("import-key")
def run_import_key(args: argparse.Namespace) -> int:
    passwords = Passwords(args.password_stdin)
    wallet = _open_wallet(args.wallet)
    if args.watch is not None:
        entry = wallet.add(Account.watch_only(address=args.watch.strip()), label=args.label)
    else:
        wif = passwords.line("WIF") if args.wif_stdin else getpass.getpass("WIF private key: ")
        key = KeyPair.from_wif(wif, Curve(args.curve))
        password = passwords.ask("payment password")
        entry = wallet.add(
            Account.single(key.public_key), [key], payment_password=password, label=args.label
        )
    wallet.save()
    print(f"address  {entry.address}  {entry.kind.value}")
    return EXIT_OK


@_guarded("export-key")
def run_export_key(args: argparse.Namespace) -> int:
    passwords = Passwords(args.password_stdin)
    wallet = _open_wallet(args.wallet)
    entry = _account(wallet, args.account)
    held = entry.held_keys()
    if not held:
        raise CommandError(f"{entry.address} holds no key here")
    _unlock(wallet, {entry.account.role_of(k) for k in held}, passwords)
    print("warning: anyone who sees these WIF keys can spend from this account", file=sys.stderr)
    for key in wallet.keys_for(entry):
        role = entry.account.role_of(key.public_key).value
        print(f"{key.to_wif()}  {key.curve.value}  {role}  {key.public_key.hex()}")
    return EXIT_OK


# --- the ledger --------------------------------------------------------------------------------


@_guarded("balance")
def run_balance(args: argparse.Namespace) -> int:
    wallet = _open_wallet(args.wallet)
    with _open_view(args) as view:
        hashes = [e.script_hash for e in wallet.accounts]
        balances = view.balances(hashes)
        infos = {a: view.asset(a) for per in balances.values() for a in per}
        height = view.height
    report: dict[str, dict[str, str]] = {}
    totals: dict[UInt256, int] = {}
    for entry in wallet.accounts:
        per = balances.get(entry.script_hash, {})
        shown = report.setdefault(entry.address, {})
        for asset_id, value in sorted(per.items(), key=lambda kv: kv[0].to_bytes()):
            info = infos[asset_id]
            shown[_asset_label(info, asset_id)] = info.format(value) if info else str(value)
            totals[asset_id] = totals.get(asset_id, 0) + value
    if args.json:
        print(json.dumps({"height": height, "accounts": report}))
        return EXIT_OK
    print(f"height   {height}")
    for address, per_asset in report.items():
        print(address)
        for name, amount in per_asset.items():
            print(f"    {amount:>24}  {name}")
    if len(report) > 1 and totals:
        print("total")
        for asset_id, value in totals.items():
            info = infos[asset_id]
            amount = info.format(value) if info else str(value)
            print(f"    {amount:>24}  {_asset_label(info, asset_id)}")
    return EXIT_OK


def _asset_label(info: AssetInfo | None, asset_id: UInt256) -> str:
    return str(asset_id) if info is None else info.display_name


@_guarded("history")
def run_history(args: argparse.Namespace) -> int:
    wallet = _open_wallet(args.wallet)
    scripts: list[bytes | UInt160] = [
        e.account.verification_script
        if e.account.verification_script is not None
        else e.script_hash
        for e in wallet.accounts
    ]
    with _open_view(args) as view:
        stop = None if args.to_height is None else args.to_height + 1
        end = view.height + 1 if stop is None else min(stop, view.height + 1)
        blocks = max(0, end - args.from_height)
        with Progress(
            "history", blocks, quiet=blocks < QUIET_HISTORY_BLOCKS, count_txs=False
        ) as progress:
            done = [args.from_height]

            def advance(height: int, _: int) -> None:
                progress.advance(height - done[0], 0, height)
                done[0] = height

            found = view.history(
                scripts, args.from_height, stop, limit=args.limit, on_progress=advance
            )
        infos = {a: view.asset(a) for e in found.entries for a in e.changes}
    rows: list[dict[str, Any]] = [
        {
            "height": e.height,
            "time": datetime.fromtimestamp(e.timestamp, UTC).isoformat(),
            "txid": str(e.txid),
            "type": e.type_name,
            "changes": {
                _asset_label(infos[a], a): _signed(infos[a], v) for a, v in e.changes.items()
            },
        }
        for e in found.entries
    ]
    if args.json:
        print(
            json.dumps(
                {"entries": rows, "next_height": found.next_height, "complete": found.complete}
            )
        )
        return EXIT_OK
    for row in rows:
        moved = row["changes"]
        shown = ", ".join(f"{v} {k}" for k, v in moved.items()) or "(signed)"
        print(f"{row['height']:>8}  {row['time']}  {row['txid']}  {row['type']:<10} {shown}")
    if not found.complete:
        print(f"(limit reached: continue with --from-height {found.next_height})")
    return EXIT_OK


def _signed(info: AssetInfo | None, value: int) -> str:
    text = info.format(abs(value)) if info else str(abs(value))
    return f"{'-' if value < 0 else '+'}{text}"


# --- transactions ------------------------------------------------------------------------------


@_guarded("send")
def run_send(args: argparse.Namespace) -> int:
    def make(builder: TransactionBuilder, view: LedgerView, wallet: Wallet) -> Draft:
        asset = _asset(view, args.asset)
        fee = _byte_fee(view, args)
        pairs = _pairs(args)
        if args.price is not None or args.price_asset is not None:
            if args.price is None or args.price_asset is None or len(pairs) != 1:
                raise CommandError("a sale needs one --to, --price and --price-asset")
            currency = _asset(view, args.price_asset)
            sellers = args.sources or []
            if len(sellers) > 1:
                raise CommandError("a sale has one seller (--from)")
            return builder.share_transfer(
                asset.asset_id,
                parse_amount(pairs[0][1], asset),
                _script_hash(pairs[0][0]),
                seller=None if not sellers else _script_hash(sellers[0]),
                price=(currency.asset_id, parse_amount(args.price, currency)),
                byte_fee=fee,
            )
        payments = [
            Payment(asset.asset_id, parse_amount(amount, asset), _receiver(to))
            for to, amount in pairs
        ]
        return builder.transfer(payments, byte_fee=fee, **_paying(args))

    return _build_and_deliver(args, make)


def _receiver(text: str) -> UInt160 | StealthAddress:
    stripped = text.strip()
    if stripped.startswith("s") and len(stripped) > 60:
        return StealthAddress.decode(stripped)
    return _script_hash(stripped)


@_guarded("register")
def run_register(args: argparse.Namespace) -> int:
    def make(builder: TransactionBuilder, view: LedgerView, wallet: Wallet) -> Draft:
        if args.amount.strip().lower() == "unlimited":
            amount = -1
        else:
            amount = parse_amount(args.amount, args.precision)
        owner = _account(wallet, args.owner)
        admin = owner.script_hash if args.admin is None else _script_hash(args.admin)
        return builder.register(
            ASSET_TYPES[args.type],
            args.name,
            amount,
            args.precision,
            owner=owner,
            admin=admin,
            byte_fee=_byte_fee(view, args),
            **_paying(args),
        )

    return _build_and_deliver(args, make)


@_guarded("issue")
def run_issue(args: argparse.Namespace) -> int:
    def make(builder: TransactionBuilder, view: LedgerView, wallet: Wallet) -> Draft:
        asset = _asset(view, args.asset)
        receivers = [(_script_hash(to), parse_amount(a, asset)) for to, a in _pairs(args)]
        return builder.issue(
            asset.asset_id, receivers, byte_fee=_byte_fee(view, args), **_paying(args)
        )

    return _build_and_deliver(args, make)


@_guarded("enroll")
def run_enroll(args: argparse.Namespace) -> int:
    def make(builder: TransactionBuilder, view: LedgerView, wallet: Wallet) -> Draft:
        account = _account(wallet, args.account)
        deposit = None
        if args.deposit is not None:
            anc = view.asset(view.anc)
            assert anc is not None
            deposit = parse_amount(args.deposit, anc)
        return builder.enroll(
            account, deposit=deposit, byte_fee=_byte_fee(view, args), **_paying(args)
        )

    return _build_and_deliver(args, make)


@_guarded("withdraw")
def run_withdraw(args: argparse.Namespace) -> int:
    def make(builder: TransactionBuilder, view: LedgerView, wallet: Wallet) -> Draft:
        to = None if args.to is None else _script_hash(args.to)
        return builder.withdraw(_txid(args.enrollment), to=to, byte_fee=_byte_fee(view, args))

    return _build_and_deliver(args, make)


@_guarded("vote")
def run_vote(args: argparse.Namespace) -> int:
    candidates = [_txid(t) for t in args.candidate]
    if args.candidates is not None:
        lines = args.candidates.read_text(encoding="utf-8").splitlines()
        candidates += [_txid(line) for line in lines if line.strip()]

    def make(builder: TransactionBuilder, view: LedgerView, wallet: Wallet) -> Draft:
        voter = _account(wallet, args.account)
        amount = None
        if args.amount is not None:
            ans = view.asset(view.ans)
            assert ans is not None
            amount = parse_amount(args.amount, ans)
        return builder.vote(
            candidates,
            voter=voter,
            amount=amount,
            byte_fee=_byte_fee(view, args),
            **_paying(args),
        )

    return _build_and_deliver(args, make)


@_guarded("sign")
def run_sign(args: argparse.Namespace) -> int:
    passwords = Passwords(args.password_stdin)
    wallet = _open_wallet(args.wallet)
    profile, data_dir = resolve_network(args)
    request = SigningRequest.load(args.request_file, magic=profile.magic)
    names: dict[UInt256, AssetInfo | None] = {}
    anc_id: UInt256 | None = None
    if (data_dir / "data.mdb").is_file():
        with LedgerView.open(profile, data_dir) as view:
            request.check_against(view)
            names = {o.asset_id: view.asset(o.asset_id) for o in request.tx.outputs}
            anc_id = view.anc
    else:
        print(
            f"warning: no ledger at {data_dir}: the inputs were not checked (pass --data-dir)",
            file=sys.stderr,
        )
    print(f"{request.kind}  {request.txid}")
    known = _known_addresses(wallet, [])
    for signer in request.signers:
        if signer.script is not None:
            known.setdefault(signer.script_hash, script_address(signer.script))
    for out in request.tx.outputs:
        info = names.get(out.asset_id)
        amount = info.format(out.value) if info else format_amount(out.value)
        receiver = known.get(out.script_hash) or address_from_script_hash(out.script_hash)
        print(f"  pays {amount} {_asset_label(info, out.asset_id)} to {receiver}")
    anc_in = sum(o.value for o in request.spent.values() if o.asset_id == anc_id)
    anc_out = sum(o.value for o in request.tx.outputs if o.asset_id == anc_id)
    if anc_id is not None and anc_in > anc_out:
        print(f"  fees {format_amount(anc_in - anc_out)} ANC (service and byte fee)")
    for note in request.notes:
        print(f"  {note}")
    mine = [s.script_hash for s in request.signers if not s.complete]
    _unlock(wallet, _roles_for(wallet, mine), passwords)
    added = request.sign(wallet)
    request.save()
    print(f"signed   {added} new signature(s) in {args.request_file}")
    if not request.complete:
        missing = [f"{label} ({have}/{need or '?'})" for label, have, need in _missing(request)]
        print("missing  " + ", ".join(missing))
        return EXIT_OK
    args.request = args.request_file
    return _deliver(args, request, profile, data_dir)


# --- stealth -----------------------------------------------------------------------------------


def _stealth_account(wallet: Wallet, address: str | None) -> tuple[WalletAccount, StealthAddress]:
    if address is not None:
        entry = wallet.account(_script_hash(address))
    else:
        pairs = [
            e
            for e in wallet.accounts
            if e.kind in (AccountKind.QUERY_PAYMENT, AccountKind.RECOVERABLE)
        ]
        if not pairs:
            raise CommandError("no query/payment or recoverable account: create one first")
        entry = pairs[0]
    query, payment = entry.account.query_key, entry.account.payment_key
    if query is None or payment is None:
        raise CommandError(f"{entry.address} has no query and payment keys")
    curves = {Account.single(query).curves[0], Account.single(payment).curves[0]}
    if len(curves) != 1:
        raise CommandError(f"{entry.address}: its two keys are on different curves")
    curve = Curve(curves.pop())
    return entry, StealthAddress(query[-33:], payment[-33:], curve)


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
        for f in found:
            info = view.asset(f.output.asset_id)
            amount = info.format(f.output.value) if info else str(f.output.value)
            name = info.display_name if info else str(f.output.asset_id)
            unspent = view.coin(f.coin) is not None
            rows.append(
                f"{f.height:>8}  {f.txid}:{f.index}  {amount} {name}  {f.address}"
                f"  {'unspent' if unspent else 'spent'}"
            )
    for row in rows:
        print(row)
    print(f"found    {len(rows)} payment(s)")
    return EXIT_OK


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
