"""`antshares wallet create | list | import-key | export-key`: the wallet file."""

import argparse
import getpass
import sys

from antshares.crypto import Curve
from antshares.wallet.accounts import Account
from antshares.wallet.keys import KeyPair
from antshares.wallet.nep6 import Wallet

from ..common import EXIT_OK
from .common import (
    CommandError,
    Passwords,
    _account,
    _guarded,
    _open_wallet,
    _stealth_account,
    _unlock,
)


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


@_guarded("import-multisig")
def run_import_multisig(args: argparse.Namespace) -> int:
    passwords = Passwords(args.password_stdin)
    wallet = _open_wallet(args.wallet)
    try:
        keys = [bytes.fromhex(k.strip()) for k in args.key]
    except ValueError:
        raise CommandError("a --key is not hex") from None
    account = Account.multisig(args.m, keys)
    # Keys of it this wallet already holds (in other accounts) are stored for it too, under
    # the payment password: the wallet can then sign for it.
    owners = [e for e in wallet.accounts if set(e.held_keys()) & set(account.public_keys)]
    held: list[KeyPair] = []
    password = None
    if owners:
        password = passwords.ask("payment password")
        wallet.unlock_payment(password)
        found = {k.public_key: k for e in owners for k in wallet.keys_for(e)}
        held = [found[k] for k in account.public_keys if k in found]
    entry = wallet.add(account, held, payment_password=password, label=args.label)
    wallet.save()
    print(f"address  {entry.address}  {account.m}-of-{len(account.public_keys)}")
    print(f"holds    {len(held)} of its keys")
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
