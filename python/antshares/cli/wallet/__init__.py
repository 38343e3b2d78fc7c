"""`antshares wallet …`: a NEP-6 wallet in the style of neo-cli (SPEC §3, §4, §9).

    wallet create | list | import-key | import-multisig | export-key   the wallet file
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

This module builds the parsers; the commands live in `accounts`, `ledger`, `transactions` and
`extras`, their shared plumbing in `common`.
"""

import argparse
from pathlib import Path
from typing import Any

from antshares.crypto import Curve

from ..common import add_network_args, command_group, non_negative_int, positive_int
from .accounts import run_create, run_export_key, run_import_key, run_import_multisig, run_list
from .extras import run_identity_request, run_identity_status, run_stealth_address, run_stealth_scan
from .ledger import run_balance, run_history
from .transactions import (
    ASSET_TYPES,
    run_enroll,
    run_issue,
    run_register,
    run_send,
    run_sign,
    run_vote,
    run_withdraw,
)

ACCOUNT_KINDS = ("single", "query-payment", "recoverable", "none")


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
    _add_rpc_arg(p)


def _add_rpc_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--rpc",
        metavar="URL",
        help="with --submit: a running node's JSON-RPC (e.g. http://127.0.0.1:20332); without"
        " it, a devnet data dir with its bookkeeper keys makes the block itself",
    )


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
    _add_rpc_arg(p)
    p.set_defaults(run=run_sign)

    p = group.add_parser("import-key", help="add a key (WIF, prompted) or a watch-only address")
    _add_wallet_arg(p)
    p.add_argument("--curve", choices=[c.value for c in Curve], default=Curve.SECP256R1.value)
    p.add_argument("--wif-stdin", action="store_true", help="read the WIF from standard input")
    p.add_argument("--watch", metavar="ADDRESS", help="add a watch-only account instead")
    p.add_argument("--label")
    _add_password_arg(p)
    p.set_defaults(run=run_import_key)

    p = group.add_parser(
        "import-multisig",
        help="add an m-of-n account (1-16 keys, curves may mix); the wallet signs for it with"
        " whichever of its keys it already holds",
    )
    _add_wallet_arg(p)
    p.add_argument("-m", type=positive_int, required=True, help="signatures required")
    p.add_argument(
        "--key", action="append", required=True, metavar="HEX", help="a public key (repeat)"
    )
    p.add_argument("--label")
    _add_password_arg(p)
    p.set_defaults(run=run_import_multisig)

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
    p.add_argument(
        "--import",
        dest="import_found",
        action="store_true",
        help="add each unspent payment found as a 2-of-2 account holding its two derived keys"
        " (under the payment password), so `send --from` can spend it",
    )
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
