"""The wallet: keys on three curves, accounts (single, multisig, query/payment, recoverable,
watch-only), the NEP-6 file with NEP-2 keys, and stealth addresses. See docs/wallet.md and
docs/stealth.md."""

from antshares.wallet.accounts import Account, AccountKind, KeyRole
from antshares.wallet.keys import KeyPair, WalletError, WrongPasswordError
from antshares.wallet.nep6 import Wallet, WalletAccount

__all__ = [
    "Account",
    "AccountKind",
    "KeyPair",
    "KeyRole",
    "Wallet",
    "WalletAccount",
    "WalletError",
    "WrongPasswordError",
]
