"""Persistent node state: one LMDB environment per data dir (SPEC §11).

`schema` declares every table and key encoding; `env` opens the environment for one network and
wraps atomic write transactions and read snapshots; `paths` picks the default data dir.
"""

from antshares.storage import schema
from antshares.storage.env import (
    DEFAULT_MAP_SIZE,
    ReadTxn,
    Store,
    StoreError,
    StoreLockedError,
    StoreMismatchError,
    StoreReadOnlyError,
    WriteTxn,
    open_store,
)
from antshares.storage.paths import data_dir
from antshares.storage.schema import SCHEMA_VERSION, TABLES, Table

__all__ = [
    "DEFAULT_MAP_SIZE",
    "SCHEMA_VERSION",
    "TABLES",
    "ReadTxn",
    "Store",
    "StoreError",
    "StoreLockedError",
    "StoreMismatchError",
    "StoreReadOnlyError",
    "Table",
    "WriteTxn",
    "data_dir",
    "open_store",
    "schema",
]
