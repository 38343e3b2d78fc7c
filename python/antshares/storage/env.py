"""One LMDB environment per data dir, checked against the network it belongs to (SPEC §11).

`open_store` opens (or creates) the environment with every table of `schema.TABLES`. The first
open writes the metadata (schema version, network magic, genesis hash) together with the tables,
in one transaction; every later open compares them and raises `StoreMismatchError` — naming the
path and both values — before writing anything, so a data dir of another network, chain or schema
version is never touched.

Transactions:
  * `store.write()` is a context manager around one write transaction: it commits when the block
    ends and aborts on any exception, so a block (or replay batch) is applied entirely or not at
    all. One writer at a time: writes of one `Store` are serialised by a lock, and a writable open
    takes an exclusive `flock` on `writer.lock` in the data dir, so a second node (or a second
    writable open) fails fast with `StoreLockedError`.
  * `store.read()` is a consistent snapshot (MVCC): it never blocks the writer nor sees a
    half-applied block. Read-only opens (`readonly=True`, for tools) take no writer lock, can run
    beside a node, and refuse `write()` with `StoreReadOnlyError`.

Durability: by default the environment is opened with `sync=True, metasync=True`, so `commit()`
returns only after the data pages and then the meta page are flushed. LMDB is copy-on-write with two
meta pages, so a kill (even SIGKILL) or a power loss at any instant leaves the last committed
transaction, complete, and nothing of a later one. `sync=False` (bulk import) skips the flushes: a
process kill still loses nothing committed (the OS holds the pages), an OS crash or power loss may
undo the last commits, never tear one; call `store.sync()` at checkpoints.

Map size: LMDB needs a maximum size up front (address space, not disk). When a write transaction
hits `lmdb.MapFullError`, `WriteTxn` aborts it, grows the map (at least doubling it) and retries
once: it replays the transaction's writes in a fresh transaction, and a MapFullError during that
replay is raised (a later one in the same long transaction grows the map again). Writes go through
`WriteTxn.put`/`delete`/`put_many`/`delete_many`, which record what they did for that replay;
cursors taken in a write transaction are for reads and do not survive a growth. Growing needs every
read snapshot of this process closed (LMDB remaps the file): the writer stops new snapshots from
starting and waits for the open ones (a node's readers — peers, RPC — hold theirs briefly) up to
`GROW_WAIT_SECONDS`; a snapshot the writing thread itself holds, or one still open after the wait,
raises the MapFullError.
"""

import fcntl
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import lmdb

from antshares.storage import schema
from antshares.storage.schema import META, META_GENESIS, META_MAGIC, META_SCHEMA_VERSION, Table

__all__ = [
    "DEFAULT_MAP_SIZE",
    "LOCK_FILE",
    "ReadTxn",
    "Store",
    "StoreError",
    "StoreLockedError",
    "StoreMismatchError",
    "StoreReadOnlyError",
    "WriteTxn",
    "open_store",
]

DEFAULT_MAP_SIZE = 1 << 30
"""Initial map size (1 GiB of address space); grown on demand, see the module doc."""
GROW_WAIT_SECONDS = 30.0
"""How long a growth waits for other threads' read snapshots to close."""
LOCK_FILE = "writer.lock"
"""File in the data dir that a writable open locks (flock, exclusive) and writes its pid to."""


class StoreError(Exception):
    """A data dir that cannot be used as asked."""


class StoreMismatchError(StoreError):
    """The data dir belongs to another network, chain or schema version."""

    def __init__(self, path: Path, field: str, stored: str, expected: str) -> None:
        super().__init__(
            f"data dir {path} has {field} {stored}, but this node expects {expected}: "
            "it belongs to another network or schema version (use another --data-dir)"
        )
        self.path, self.field, self.stored, self.expected = path, field, stored, expected


class StoreLockedError(StoreError):
    """Another writer holds the data dir."""


class StoreReadOnlyError(StoreError):
    """A write was attempted on a store opened read-only."""


_Op = tuple[str, "lmdb._Database", Any]


class ReadTxn:
    """A transaction seen through the schema's tables: reads only."""

    def __init__(self, store: "Store", txn: "lmdb.Transaction[bytes]") -> None:
        self._store = store
        self.txn = txn
        """The underlying py-lmdb transaction (replaced when a write transaction grows the map)."""

    def get(self, table: Table, key: bytes) -> bytes | None:
        return self.txn.get(key, db=self._store.db(table))

    def cursor(self, table: Table) -> "lmdb.Cursor[bytes]":
        return self.txn.cursor(db=self._store.db(table))

    def count(self, table: Table) -> int:
        return self.txn.stat(self._store.db(table))["entries"]


class WriteTxn(ReadTxn):
    """A write transaction; its writes are recorded so a map growth can replay them."""

    def __init__(self, store: "Store", txn: "lmdb.Transaction[bytes]") -> None:
        super().__init__(store, txn)
        self._log: list[_Op] = []
        self._log_bytes = 0

    def put(self, table: Table, key: bytes, value: bytes) -> None:
        self._record(("put", self._store.db(table), (key, value)), len(key) + len(value))

    def delete(self, table: Table, key: bytes) -> bool:
        """Delete `key`; True if it was there."""
        return bool(self._record(("delete", self._store.db(table), key), len(key)))

    def put_many(
        self, table: Table, items: Iterable[tuple[bytes, bytes]], size: int | None = None
    ) -> None:
        """Put every (key, value); `size` (their total bytes, if the caller knows it) only
        sizes a map growth."""
        batch = items if isinstance(items, list) else list(items)
        if size is None:
            size = sum(len(k) + len(v) for k, v in batch)
        self._record(("put_many", self._store.db(table), batch), size)

    def delete_many(self, table: Table, keys: Iterable[bytes]) -> int:
        """Delete every key; the number that were there."""
        batch = list(keys)
        deleted = self._record(("delete_many", self._store.db(table), batch), 0)
        assert isinstance(deleted, int)
        return deleted

    def _record(self, op: _Op, size: int) -> object:
        self._log.append(op)
        self._log_bytes += size
        try:
            return self._apply(op)
        except lmdb.MapFullError:
            return self._grow_and_replay()

    def _apply(self, op: _Op) -> object:
        kind, db, arg = op
        txn = self.txn
        if kind == "put":
            return txn.put(arg[0], arg[1], db=db)
        if kind == "delete":
            return txn.delete(arg, db=db)
        if kind == "put_many":
            with txn.cursor(db=db) as cursor:
                return cursor.putmulti(arg)
        return sum(txn.delete(key, db=db) for key in arg)

    def _grow_and_replay(self) -> object:
        # A MapFullError during the replay (the one retry) propagates and aborts the block.
        self.txn.abort()
        self._store._grow(self._log_bytes)
        self.txn = self._store._begin(write=True)
        result: object = None
        for op in self._log:
            result = self._apply(op)
        return result

    def _commit(self) -> None:
        try:
            self.txn.commit()
        except lmdb.MapFullError:
            self._grow_and_replay()
            self.txn.commit()


class Store:
    """An open data dir. Use `open_store`; close it (or use it as a context manager)."""

    def __init__(self, env: lmdb.Environment, path: Path, lock: IO[str] | None) -> None:
        self.env = env
        self.path = path
        self.readonly = lock is None
        self._lock_file = lock
        self._dbs: dict[bytes, lmdb._Database] = {}
        self._write_mutex = threading.Lock()
        self._readers = 0
        self._readers_mutex = threading.Lock()
        self._readers_changed = threading.Condition(self._readers_mutex)
        self._reader_threads: dict[int, int] = {}
        """Open snapshots per thread id: a thread that holds one can never wait for it."""
        self._growing = False
        self.magic = 0
        self.genesis_hash = b""

    def db(self, table: Table) -> "lmdb._Database":
        """The py-lmdb handle of a table."""
        return self._dbs[table.name]

    @property
    def map_size(self) -> int:
        return self.env.info()["map_size"]

    @contextmanager
    def read(self) -> Iterator[ReadTxn]:
        """A consistent snapshot of the whole store."""
        me = threading.get_ident()
        with self._readers_changed:
            # While the map grows no snapshot starts, except a nested one of a reading thread
            # (the growth cannot happen before that thread's outer snapshot closes anyway).
            while self._growing and me not in self._reader_threads:
                self._readers_changed.wait()
            self._readers += 1
            self._reader_threads[me] = self._reader_threads.get(me, 0) + 1
        try:
            txn = self._begin(write=False)
            try:
                yield ReadTxn(self, txn)
            finally:
                txn.abort()
        finally:
            with self._readers_changed:
                self._readers -= 1
                left = self._reader_threads[me] - 1
                if left:
                    self._reader_threads[me] = left
                else:
                    del self._reader_threads[me]
                self._readers_changed.notify_all()

    @contextmanager
    def write(self) -> Iterator[WriteTxn]:
        """One atomic write transaction: committed when the block ends, aborted on exception."""
        if self.readonly:
            raise StoreReadOnlyError(f"store at {self.path} is open read-only; writes are refused")
        with self._write_mutex:
            wtxn = WriteTxn(self, self._begin(write=True))
            try:
                yield wtxn
                wtxn._commit()
            except BaseException:
                wtxn.txn.abort()
                raise

    def sync(self) -> None:
        """Flush committed transactions to disk (useful with `sync=False`)."""
        self.env.sync(True)

    def close(self) -> None:
        self.env.close()
        if self._lock_file is not None:
            self._lock_file.close()  # releases the flock
            self._lock_file = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _begin(self, write: bool) -> "lmdb.Transaction[bytes]":
        try:
            return self.env.begin(write=write)
        except lmdb.MapResizedError:
            # Another process grew the map: adopt its size, which remaps the file — only safe
            # when no other snapshot of this process is open (a read() counts itself).
            with self._readers_mutex:
                if self._readers > (0 if write else 1):
                    raise
                self.env.set_mapsize(0)
            return self.env.begin(write=write)

    def _grow(self, pending: int) -> None:
        with self._readers_changed:
            if threading.get_ident() in self._reader_threads:
                raise lmdb.MapFullError(
                    f"map of {self.path} is full and cannot grow while this thread holds a read"
                    " snapshot"
                )
            self._growing = True
            try:
                if not self._readers_changed.wait_for(
                    lambda: self._readers == 0, GROW_WAIT_SECONDS
                ):
                    raise lmdb.MapFullError(
                        f"map of {self.path} is full and cannot grow while {self._readers} read"
                        f" snapshot(s) of this process stay open ({GROW_WAIT_SECONDS:.0f} s)"
                    )
                info, psize = self.env.info(), self.env.stat()["psize"]
                used = (info["last_pgno"] + 1) * psize
                self.env.set_mapsize(max(2 * info["map_size"], used + 4 * pending + (1 << 20)))
            finally:
                self._growing = False
                self._readers_changed.notify_all()


def open_store(
    path: str | os.PathLike[str],
    magic: int,
    genesis_hash: bytes,
    map_size: int = DEFAULT_MAP_SIZE,
    readonly: bool = False,
    sync: bool = True,
) -> Store:
    """Open the store in `path` for the network (`magic`, `genesis_hash`), creating it if needed.

    `genesis_hash` is 32 bytes in internal order. Raises StoreMismatchError for a data dir of
    another network, chain or schema version; StoreLockedError when another writer holds it;
    StoreError when `readonly` and there is no store, or the dir holds something else.
    """
    if not 0 <= magic <= 0xFFFFFFFF:
        raise ValueError(f"network magic {magic} out of range")
    genesis_hash = schema.hash_key(genesis_hash)
    path = Path(path)
    lock = None
    if not readonly:
        path.mkdir(parents=True, exist_ok=True)
        lock = _take_lock(path)
    elif not (path / "data.mdb").exists():
        raise StoreError(f"no store at {path}")
    try:
        env = lmdb.open(
            str(path),
            map_size=map_size,
            readonly=readonly,
            create=not readonly,
            max_dbs=schema.MAX_DBS,
            sync=sync,
            metasync=sync,
        )
    except BaseException:
        if lock is not None:
            lock.close()
        raise
    store = Store(env, path, lock)
    try:
        if not readonly:
            env.reader_check()  # free reader slots of killed processes, so pages can be reused
        _attach(store, magic, genesis_hash)
    except BaseException:
        store.close()
        raise
    return store


def _take_lock(path: Path) -> IO[str]:
    lock = open(path / LOCK_FILE, "a+")  # noqa: SIM115 — held open for the store's lifetime
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "unknown"
        lock.close()
        raise StoreLockedError(
            f"data dir {path} is in use by another writer (pid {holder}); "
            "stop it, or open read-only"
        ) from None
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def _attach(store: Store, magic: int, genesis_hash: bytes) -> None:
    """Check (or, on a fresh dir, write) the metadata, then open every table."""
    env = store.env
    try:
        meta = env.open_db(META.name, create=False)
    except lmdb.NotFoundError:
        meta = None
    if meta is None:
        if store.readonly:
            raise StoreError(f"{store.path} holds no AntShares store (no metadata)")
        if env.stat()["entries"]:
            raise StoreError(
                f"{store.path} holds an LMDB environment that is not an AntShares store"
            )
        _create(store, magic, genesis_hash)
    else:
        with env.begin() as txn:
            version, stored_magic, stored_genesis = (
                txn.get(key, db=meta) for key in (META_SCHEMA_VERSION, META_MAGIC, META_GENESIS)
            )
        if version is None or stored_magic is None or stored_genesis is None:
            raise StoreError(f"store at {store.path} has incomplete metadata")
        _check(store.path, (version, stored_magic, stored_genesis), magic, genesis_hash)
    for table in schema.TABLES:
        try:
            store._dbs[table.name] = env.open_db(table.name, create=False, dupsort=table.dupsort)
        except lmdb.NotFoundError:
            raise StoreError(f"store at {store.path} lacks table {table.name.decode()}") from None
    store.magic, store.genesis_hash = magic, genesis_hash


def _create(store: Store, magic: int, genesis_hash: bytes) -> None:
    env = store.env
    with env.begin(write=True) as txn:  # commits on success, aborts on exception
        for table in schema.TABLES:
            env.open_db(table.name, txn=txn, dupsort=table.dupsort)
        meta = env.open_db(META.name, txn=txn)
        txn.put(META_SCHEMA_VERSION, schema.encode_u32(schema.SCHEMA_VERSION), db=meta)
        txn.put(META_MAGIC, schema.encode_u32(magic), db=meta)
        txn.put(META_GENESIS, genesis_hash, db=meta)


def _check(path: Path, stored: tuple[bytes, bytes, bytes], magic: int, genesis: bytes) -> None:
    version, stored_magic, stored_genesis = stored
    if schema.decode_u32(version) != schema.SCHEMA_VERSION:
        raise StoreMismatchError(
            path, "schema version", str(schema.decode_u32(version)), str(schema.SCHEMA_VERSION)
        )
    if schema.decode_u32(stored_magic) != magic:
        stored_hex = f"0x{schema.decode_u32(stored_magic):08X}"
        raise StoreMismatchError(path, "network magic", stored_hex, f"0x{magic:08X}")
    if stored_genesis != genesis:
        # Shown as hashes are displayed: byte-reversed hex.
        raise StoreMismatchError(
            path, "genesis hash", stored_genesis[::-1].hex(), genesis[::-1].hex()
        )
