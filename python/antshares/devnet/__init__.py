"""Local development networks: `antshares devnet init` and the transaction workload.

A devnet is a profile (SPEC §2) with locally generated standby keys, written into its data dir
together with the bookkeepers' plaintext keys (devnet only). The workload fills its blocks with
valid transactions of every enabled type.
"""

from .init import DevnetInit, init_devnet, load_bookkeeper_keys
from .workload import DEFAULT_MIX, Account, AccountKind, Kind, Workload

__all__ = [
    "DEFAULT_MIX",
    "Account",
    "AccountKind",
    "DevnetInit",
    "Kind",
    "Workload",
    "init_devnet",
    "load_bookkeeper_keys",
]
