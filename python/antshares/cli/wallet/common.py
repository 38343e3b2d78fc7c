"""Shared plumbing of `antshares wallet …`: errors, passwords, opening the wallet and the
ledger, reading addresses, assets and transaction ids from the command line.
"""

import argparse
import functools
import getpass
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from antshares.core import DecodeError, UInt160, UInt256
from antshares.crypto import Curve
from antshares.identity import IdentityError
from antshares.storage import StoreError
from antshares.wallet.accounts import Account, AccountKind, KeyRole
from antshares.wallet.keys import WalletError
from antshares.wallet.ledger_view import AssetInfo, LedgerView
from antshares.wallet.nep6 import Wallet, WalletAccount
from antshares.wallet.stealth import StealthAddress, StealthAddressError

from ..common import EXIT_FAILURE, NetworkError, open_node_store, report_error, resolve_network

ANS_NAMES = {"ANS", "ANTSHARE", "ANTSHARES", "NEO"}
ANC_NAMES = {"ANC", "ANTCOIN", "ANTCOINS", "GAS"}


class CommandError(Exception):
    """Bad input to a command, with the message to show."""


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
    store = open_node_store(profile, data_dir, readonly=True)
    try:
        return LedgerView(store, profile)
    except BaseException:
        store.close()
        raise


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


def _asset_label(info: AssetInfo | None, asset_id: UInt256) -> str:
    return str(asset_id) if info is None else info.display_name


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
