"""`antshares wallet send | register | issue | enroll | withdraw | vote | sign`: build, sign,
write, submit.
"""

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from antshares.chain.profiles import Profile
from antshares.core import AssetType, UInt160, UInt256
from antshares.core.address import address_from_script_hash, script_address
from antshares.identity.files import write_atomic
from antshares.wallet.accounts import Account
from antshares.wallet.drafting import Draft, parse_amount
from antshares.wallet.keys import WalletError
from antshares.wallet.ledger_view import AssetInfo, LedgerView, format_amount
from antshares.wallet.nep6 import Wallet
from antshares.wallet.requests import (
    DevnetRelay,
    Relay,
    RelayError,
    RpcRelay,
    SigningRequest,
    relay,
)
from antshares.wallet.stealth import StealthAddress
from antshares.wallet.transactions import Payment, TransactionBuilder

from ..common import EXIT_OK, resolve_network
from .common import (
    CommandError,
    Passwords,
    _account,
    _asset,
    _asset_label,
    _guarded,
    _open_view,
    _open_wallet,
    _roles_for,
    _script_hash,
    _txid,
    _unlock,
)

ASSET_TYPES = {
    "currency": AssetType.CURRENCY,
    "share": AssetType.SHARE,
    "invoice": AssetType.INVOICE,
    "token": AssetType.TOKEN,
}


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
        result = relay(tx, _relay_for(profile, data_dir, args.rpc))
        print(f"submitted {result.txid}: {result.message}")
    return EXIT_OK


def _missing(request: SigningRequest) -> list[tuple[str, int, int]]:
    return [(s.label, len(s.signatures), s.needed) for s in request.signers if not s.complete]


def _relay_for(profile: Profile, data_dir: Path, rpc: str | None) -> Relay:
    if rpc is not None:
        return RpcRelay(rpc)
    if not (data_dir / "bookkeeper-keys.json").is_file():
        raise RelayError(
            f"say which {profile.name} node to submit to: --rpc http://HOST:PORT (the signed"
            " transaction is printed, or in --out)"
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
