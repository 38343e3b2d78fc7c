"""The storage foundation: schema key helpers, opening a data dir, atomic writes, crash safety."""

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import lmdb
import pytest

from antshares.core import UInt256
from antshares.storage import (
    StoreError,
    StoreLockedError,
    StoreMismatchError,
    StoreReadOnlyError,
    data_dir,
    open_store,
)
from antshares.storage import schema as S

MAGIC = 0x00746E41
GENESIS = bytes.fromhex("d42561e3d30e15be6400b6df2f328e02d2bf6354c41dce433bc57687c82144bf")[::-1]


def digest(path: Path) -> str:
    return hashlib.sha256((path / "data.mdb").read_bytes()).hexdigest()


# Schema.


def test_tables_are_declared_once() -> None:
    names = [t.name for t in S.TABLES]
    assert len(set(names)) == len(names) == S.MAX_DBS
    assert all(t.key and t.value and t.doc for t in S.TABLES)
    assert isinstance(S.SCHEMA_VERSION, int) and S.SCHEMA_VERSION >= 1


@pytest.mark.parametrize("h", [0, 1, 255, 256, 2**24, 2**32 - 1])
def test_height_key_round_trip_and_order(h: int) -> None:
    key = S.height_key(h)
    assert len(key) == 4 and S.decode_height_key(key) == h
    if h:
        assert S.height_key(h - 1) < key  # byte order is numeric order


@pytest.mark.parametrize("bad", [-1, 2**32, True, "1"])
def test_height_key_rejects(bad: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        S.height_key(bad)  # type: ignore[arg-type]


def test_hash_and_outpoint_keys() -> None:
    txid = bytes(range(32))
    assert S.hash_key(txid) == txid
    for index in (0, 1, 0xFFFF):
        key = S.outpoint_key(txid, index)
        assert len(key) == S.OUTPOINT_KEY_SIZE
        assert S.decode_outpoint_key(key) == (UInt256(txid), index)
    assert S.outpoint_key(txid, 1) < S.outpoint_key(txid, 256)
    for bad_hash in (b"", txid[:31], txid + b"\0"):
        with pytest.raises(ValueError):
            S.hash_key(bad_hash)
        with pytest.raises(ValueError):
            S.outpoint_key(bad_hash, 0)
    for bad_index in (-1, 0x10000):
        with pytest.raises(ValueError):
            S.outpoint_key(txid, bad_index)
    with pytest.raises(ValueError):
        S.decode_outpoint_key(txid)
    with pytest.raises(TypeError):
        S.hash_key("00" * 32)  # type: ignore[arg-type]


def test_holder_key_orders_as_uint160() -> None:
    hashes = [random.Random(i).randbytes(20) for i in range(50)]
    for h in hashes:
        assert S.decode_holder_key(S.holder_key(h)) == h
    as_uint160 = sorted(hashes, key=lambda h: int.from_bytes(h, "little"))
    assert sorted(hashes, key=S.holder_key) == as_uint160
    with pytest.raises(ValueError):
        S.holder_key(bytes(19))


def test_value_codecs_round_trip() -> None:
    assert S.decode_u32(S.encode_u32(0xDEADBEEF)) == 0xDEADBEEF
    assert S.decode_u64(S.encode_u64(10**16)) == 10**16
    assert S.decode_tx_location(S.encode_tx_location(7, 65536)) == (7, 65536)
    assert S.decode_tip(S.encode_tip(9, GENESIS)) == (9, GENESIS)
    with pytest.raises(ValueError):
        S.encode_u64(2**64)


# Opening a data dir.


def test_first_open_creates_metadata(tmp_path: Path) -> None:
    with open_store(tmp_path / "d", MAGIC, GENESIS) as store:
        with store.read() as r:
            assert r.get(S.META, S.META_SCHEMA_VERSION) == S.encode_u32(S.SCHEMA_VERSION)
            assert r.get(S.META, S.META_MAGIC) == S.encode_u32(MAGIC)
            assert r.get(S.META, S.META_GENESIS) == GENESIS
            assert r.get(S.META, S.META_TIP) is None
            assert all(r.count(t) == 0 for t in S.TABLES if t is not S.META)
        assert (store.magic, store.genesis_hash) == (MAGIC, GENESIS)


def test_reopen_same_network(tmp_path: Path) -> None:
    with open_store(tmp_path, MAGIC, GENESIS) as store, store.write() as w:
        w.put(S.META, S.META_TIP, S.encode_tip(0, GENESIS))
    with open_store(tmp_path, MAGIC, GENESIS) as store, store.read() as r:
        assert r.get(S.META, S.META_TIP) == S.encode_tip(0, GENESIS)


@pytest.mark.parametrize(
    ("magic", "genesis", "field", "stored", "expected"),
    [
        (0x74746E41, GENESIS, "network magic", "0x00746E41", "0x74746E41"),
        (MAGIC, bytes(32), "genesis hash", GENESIS[::-1].hex(), "00" * 32),
    ],
)
def test_other_network_is_refused(
    tmp_path: Path, magic: int, genesis: bytes, field: str, stored: str, expected: str
) -> None:
    open_store(tmp_path, MAGIC, GENESIS).close()
    before = digest(tmp_path)
    with pytest.raises(StoreMismatchError) as err:
        open_store(tmp_path, magic, genesis)
    message = str(err.value)
    assert field in message and stored in message and expected in message
    assert str(tmp_path) in message
    assert digest(tmp_path) == before
    open_store(tmp_path, MAGIC, GENESIS).close()  # untouched and still usable


def test_other_schema_version_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as m:
        m.setattr(S, "SCHEMA_VERSION", S.SCHEMA_VERSION + 1)
        open_store(tmp_path, MAGIC, GENESIS).close()
    before = digest(tmp_path)
    for readonly in (False, True):
        with pytest.raises(StoreMismatchError) as err:
            open_store(tmp_path, MAGIC, GENESIS, readonly=readonly)
        message = str(err.value)
        assert f"schema version {S.SCHEMA_VERSION + 1}" in message
        assert f"expects {S.SCHEMA_VERSION}" in message and str(tmp_path) in message
    assert digest(tmp_path) == before


def test_foreign_lmdb_is_refused(tmp_path: Path) -> None:
    with lmdb.open(str(tmp_path)) as env, env.begin(write=True) as txn:
        txn.put(b"k", b"v")
    with pytest.raises(StoreError, match="not an AntShares store"):
        open_store(tmp_path, MAGIC, GENESIS)


def test_second_writer_is_locked_out(tmp_path: Path) -> None:
    with (
        open_store(tmp_path, MAGIC, GENESIS),
        pytest.raises(StoreLockedError, match=str(os.getpid())),
    ):
        open_store(tmp_path, MAGIC, GENESIS)
    open_store(tmp_path, MAGIC, GENESIS).close()  # released on close


def test_readonly(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        open_store(tmp_path / "missing", MAGIC, GENESIS, readonly=True)
    with open_store(tmp_path, MAGIC, GENESIS) as store, store.write() as w:
        w.put(S.TOTALS, S.TOTAL_ANC_MINTED, S.encode_u64(5))
    before = digest(tmp_path)
    with open_store(tmp_path, MAGIC, GENESIS, readonly=True) as store:
        with store.read() as r:
            assert r.get(S.TOTALS, S.TOTAL_ANC_MINTED) == S.encode_u64(5)
        with pytest.raises(StoreReadOnlyError, match="read-only"), store.write():
            pass
    assert digest(tmp_path) == before


# Transactions.


def test_exception_inside_write_leaves_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path, MAGIC, GENESIS) as store:
        with pytest.raises(RuntimeError), store.write() as w:
            w.put(S.TOTALS, S.TOTAL_ANC_MINTED, S.encode_u64(1))
            w.put(S.HEIGHT_TO_HASH, S.height_key(1), GENESIS)
            assert w.get(S.TOTALS, S.TOTAL_ANC_MINTED) == S.encode_u64(1)
            raise RuntimeError("rule broken halfway through a block")
        with store.read() as r:
            assert r.get(S.TOTALS, S.TOTAL_ANC_MINTED) is None
            assert r.count(S.HEIGHT_TO_HASH) == 0


def test_write_helpers(tmp_path: Path) -> None:
    keys = [S.outpoint_key(GENESIS, i) for i in range(10)]
    with open_store(tmp_path, MAGIC, GENESIS) as store:
        with store.write() as w:
            w.put_many(S.UTXOS, [(k, bytes(S.UTXO_VALUE_SIZE)) for k in keys])
            assert w.delete(S.UTXOS, keys[0]) and not w.delete(S.UTXOS, keys[0])
            assert w.delete_many(S.UTXOS, keys[:3]) == 2
        with store.read() as r:
            assert [k for k, _ in r.cursor(S.UTXOS)] == keys[3:]


def test_map_grows_when_full(tmp_path: Path) -> None:
    with open_store(tmp_path, MAGIC, GENESIS, map_size=64 * 1024) as store:
        start = store.map_size
        with store.write() as w:  # one transaction far larger than the map
            for i in range(2000):
                w.put(S.BLOCKS, hashlib.sha256(b"%d" % i).digest(), bytes(200))
            w.put_many(S.UTXOS, [(S.outpoint_key(GENESIS, i), bytes(64)) for i in range(5000)])
        assert store.map_size > start
        with store.read() as r:
            assert r.count(S.BLOCKS) == 2000 and r.count(S.UTXOS) == 5000
    with open_store(tmp_path, MAGIC, GENESIS, map_size=64 * 1024) as store, store.read() as r:
        assert r.count(S.BLOCKS) == 2000


def test_map_cannot_grow_under_open_snapshot(tmp_path: Path) -> None:
    with open_store(tmp_path, MAGIC, GENESIS, map_size=64 * 1024) as store:
        with store.read(), pytest.raises(lmdb.MapFullError, match="snapshot"), store.write() as w:
            for i in range(2000):
                w.put(S.BLOCKS, hashlib.sha256(b"%d" % i).digest(), bytes(200))
        with store.read() as r:
            assert r.count(S.BLOCKS) == 0


def test_map_grows_once_other_threads_close_their_snapshots(tmp_path: Path) -> None:
    """A node's readers (peers, RPC) hold snapshots briefly: the writer waits for them, and no
    new snapshot starts meanwhile."""
    with open_store(tmp_path, MAGIC, GENESIS, map_size=64 * 1024) as store:
        opened, release = threading.Event(), threading.Event()
        late_reader_done = threading.Event()

        def reader() -> None:
            with store.read() as r:
                opened.set()
                release.wait(5)
                r.count(S.BLOCKS)

        def late_reader() -> None:
            with store.read():  # asked for while the map grows: starts only after it grew
                if store.map_size > start:
                    late_reader_done.set()

        first = threading.Thread(target=reader)
        first.start()
        assert opened.wait(5)
        start = store.map_size
        threading.Timer(0.3, release.set).start()
        threading.Timer(0.1, lambda: threading.Thread(target=late_reader).start()).start()
        with store.write() as w:
            for i in range(2000):
                w.put(S.BLOCKS, hashlib.sha256(b"%d" % i).digest(), bytes(200))
        first.join(5)
        assert store.map_size > start
        assert late_reader_done.wait(5)


# Crash safety.

CHILD = textwrap.dedent(
    """
    import hashlib, sys
    from antshares.storage import open_store, schema as S
    store = open_store(sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3]))
    with store.read() as r:
        raw = r.get(S.TOTALS, S.TOTAL_ANC_MINTED)
    n = S.decode_u64(raw) if raw else 0
    while True:
        n += 1
        with store.write() as w:
            w.put(S.TOTALS, S.TOTAL_ANC_MINTED, S.encode_u64(n))
            w.put_many(S.UTXOS, [(S.outpoint_key(hashlib.sha256(b"%d" % n).digest(), i),
                                  bytes(S.UTXO_VALUE_SIZE)) for i in range(64)])
            w.put(S.HEIGHT_TO_HASH, S.height_key(n), hashlib.sha256(b"%d" % n).digest())
        print(n, flush=True)
    """
)


def test_sigkill_keeps_a_prefix_of_committed_writes(tmp_path: Path) -> None:
    rng = random.Random(4)
    committed = 0
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path), str(MAGIC), GENESIS.hex()],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        for _ in range(rng.randint(5, 30)):
            line = child.stdout.readline()
            assert line, "writer died before it was killed"
            committed = int(line)
        time.sleep(rng.random() * 0.02)
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read().split()
        child.wait()
        committed = max([committed, *map(int, rest)])
        with open_store(tmp_path, MAGIC, GENESIS) as store, store.read() as r:
            raw = r.get(S.TOTALS, S.TOTAL_ANC_MINTED)
            assert raw is not None
            n = S.decode_u64(raw)
            heights = [S.decode_height_key(k) for k, _ in r.cursor(S.HEIGHT_TO_HASH)]
            assert n >= committed  # nothing reported committed is lost
            assert heights == list(range(1, n + 1))  # both tables agree: no torn transaction
            assert r.count(S.UTXOS) == 64 * n
        committed = n


# Paths.


def test_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert data_dir("testnet") == tmp_path / "antshares" / "testnet"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir("mainnet") == tmp_path / "home" / ".local" / "share" / "antshares" / "mainnet"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert data_dir("devnet") == tmp_path / "home" / ".local" / "share" / "antshares" / "devnet"
    assert data_dir("devnet", "~/x") == tmp_path / "home" / "x"
    for bad in ("", "..", "a/b"):
        with pytest.raises(ValueError):
            data_dir(bad)
