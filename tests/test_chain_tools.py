"""Chain tools: `chain export`, the state digest, progress lines, network and data-dir options."""

import argparse
import hashlib
import io
import json
import random
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from antshares.chain.files import iter_chain_file
from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import Profile, load_profile
from antshares.cli import build_parser, main
from antshares.cli import chain_export_cmd as export_cmd
from antshares.cli.common import (
    NetworkError,
    command_group,
    devnet_profile_path,
    open_node_store,
    resolve_network,
)
from antshares.cli.progress import Progress, format_duration
from antshares.core import Block
from antshares.ledger.digest import DIGEST_DOMAIN, state_digest, state_summary
from antshares.storage import Store, StoreError, StoreMismatchError, schema
from conftest import block_bytes, vectors

MAINNET = load_profile("mainnet")


def real_blocks() -> list[bytes]:
    """MainNet genesis, blocks 1 and 2 (a real chain), then two later real blocks.

    The store does not check that blocks chain; export only copies bytes.
    """
    start = [
        bytes.fromhex(v["input"]["raw_hex"])
        for v in vectors()
        if v["what"].startswith(("MainNet block 1 ", "MainNet block 2 "))
    ]
    later = [block_bytes("mainnet-797966.hex"), block_bytes("mainnet-2000000.hex")]
    blocks = [genesis_block(MAINNET).to_bytes(), *start, *later]
    assert len(blocks) == 5 and len(set(blocks)) == 5
    return blocks


def put_chain(store: Store, blocks: list[bytes]) -> None:
    """Store `blocks` at heights 0.. the way the ledger does: BLOCKS, both indexes, the tip."""
    with store.write() as txn:
        for height, raw in enumerate(blocks):
            block_hash = Block.from_bytes(raw).hash.to_bytes()
            txn.put(schema.BLOCKS, block_hash, raw)
            txn.put(schema.HEIGHT_TO_HASH, schema.height_key(height), block_hash)
            txn.put(schema.HASH_TO_HEIGHT, block_hash, schema.height_key(height))
        txn.put(schema.META, schema.META_TIP, schema.encode_tip(len(blocks) - 1, block_hash))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "node"


@pytest.fixture
def chain_store(data_dir: Path) -> Iterator[list[bytes]]:
    """A closed MainNet store in `data_dir` holding `real_blocks()`; yields those blocks."""
    blocks = real_blocks()
    with open_node_store(MAINNET, data_dir) as store:
        put_chain(store, blocks)
    yield blocks


def export(data_dir: Path, out: Path, *extra: str) -> int:
    argv = ["chain", "export", "--data-dir", str(data_dir), "--out", str(out), "--quiet"]
    return main([*argv, *extra])


def chain_acc_bytes(blocks: list[bytes], start: int | None = None) -> bytes:
    """The chain file layout of SPEC §11, built independently of files.py."""
    head = b"" if start is None else struct.pack("<I", start)
    head += struct.pack("<I", len(blocks))
    return head + b"".join(struct.pack("<i", len(b)) + b for b in blocks)


# chain export.


def test_export_whole_chain_is_byte_exact(
    chain_store: list[bytes], data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "chain.acc"
    assert export(data_dir, out) == 0
    assert out.read_bytes() == chain_acc_bytes(chain_store)
    read = list(iter_chain_file(out))
    assert [b.data for b in read] == chain_store
    assert all(b.height_hint is None for b in read)
    assert "heights 0..4, 5 blocks" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.tmp"))


def test_export_chain_n_acc_from_start(
    chain_store: list[bytes], data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "chain.2.acc"
    assert export(data_dir, out, "--start", "2", "--count", "2") == 0
    assert out.read_bytes() == chain_acc_bytes(chain_store[2:4], start=2)
    read = list(iter_chain_file(out))
    assert [(b.height_hint, b.data) for b in read] == [(2, chain_store[2]), (3, chain_store[3])]
    # Without --count, and with a count past the tip: to the tip.
    for extra in ([], ["--count", "1000"]):
        assert export(data_dir, out, "--start", "2", *extra) == 0
        assert out.read_bytes() == chain_acc_bytes(chain_store[2:], start=2)
    # chain.0.acc is the start-header layout from height 0.
    out0 = tmp_path / "chain.0.acc"
    assert export(data_dir, out0, "--count", "1") == 0
    assert [(b.height_hint, b.data) for b in iter_chain_file(out0)] == [(0, chain_store[0])]


def test_export_reads_in_several_snapshots(
    chain_store: list[bytes], data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_cmd, "SNAPSHOT_BLOCKS", 2)
    out = tmp_path / "chain.acc"
    assert export(data_dir, out) == 0
    assert out.read_bytes() == chain_acc_bytes(chain_store)
    monkeypatch.setattr(export_cmd, "SNAPSHOT_BYTES", 1)  # one block per snapshot
    assert export(data_dir, out) == 0
    assert out.read_bytes() == chain_acc_bytes(chain_store)


def test_export_beside_a_writer_with_progress(
    chain_store: list[bytes], data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "chain.acc"
    # The writer holds the data dir like a running node; the export is another process, as LMDB
    # wants (one environment per process).
    with open_node_store(MAINNET, data_dir):
        argv = ["chain", "export", "--data-dir", str(data_dir), "--out", str(out)]
        result = subprocess.run(
            [sys.executable, "-m", "antshares", *argv], capture_output=True, text=True, check=False
        )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == chain_acc_bytes(chain_store)
    assert "export: done, 5 blocks in" in result.stderr and "last height 4" in result.stderr
    assert " tx" not in result.stderr  # export does not parse blocks: it claims no tx counts


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("chain.acc", ["--start", "2"], "must be named chain.2.acc"),
        ("blocks.bin", ["--start", "1"], "must be named chain.1.acc"),
        ("chain.5.acc", [], "name the file chain.0.acc"),
        ("chain.5.acc", ["--start", "4"], "name the file chain.4.acc"),
    ],
)
def test_export_name_must_match_layout(
    chain_store: list[bytes],
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / name
    assert export(data_dir, out, *extra) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("extra", [["--count", "0"], ["--start", "-1"], ["--start", "x"]])
def test_export_bad_numbers_are_usage_errors(tmp_path: Path, extra: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        export(tmp_path, tmp_path / "chain.acc", *extra)
    assert exc.value.code == 2


def test_export_store_without_blocks_fails(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_node_store(MAINNET, data_dir).close()
    out = tmp_path / "chain.acc"
    assert export(data_dir, out) == 1
    assert "holds no blocks" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))


def test_export_start_above_tip_fails(
    chain_store: list[bytes], data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(data_dir, tmp_path / "chain.5.acc", "--start", "5") == 1
    assert "start height 5 is above the tip 4" in capsys.readouterr().err


@pytest.mark.parametrize("hole", ["index", "block"])
def test_export_hole_fails_and_keeps_old_file(
    chain_store: list[bytes],
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    hole: str,
) -> None:
    out = tmp_path / "chain.acc"
    out.write_bytes(b"previous export")
    with open_node_store(MAINNET, data_dir) as store, store.write() as txn:
        if hole == "index":
            assert txn.delete(schema.HEIGHT_TO_HASH, schema.height_key(3))
        else:
            assert txn.delete(schema.BLOCKS, Block.from_bytes(chain_store[3]).hash.to_bytes())
    assert export(data_dir, out) == 1
    err = capsys.readouterr().err
    assert ("height 3 is missing" if hole == "index" else "at height 3 is missing") in err
    assert out.read_bytes() == b"previous export"  # the rename never happened
    assert not list(tmp_path.glob("*.tmp"))


# CLI: network and data dir.


def test_missing_store_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["state", "digest", "--data-dir", str(tmp_path / "none")]) == 1
    assert "no mainnet node data in" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()  # read-only tools create nothing


def test_mismatched_network_fails(
    chain_store: list[bytes], data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["state", "digest", "--network", "testnet", "--data-dir", str(data_dir)]) == 1
    assert "network magic" in capsys.readouterr().err
    out = tmp_path / "chain.acc"
    argv = ["--network", "testnet", "--data-dir", str(data_dir), "--out", str(out)]
    assert main(["chain", "export", *argv]) == 1
    assert "another network" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_network_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["state", "digest", "--network", "nosuchnet", "--data-dir", str(tmp_path)]) == 2
    assert "unknown network 'nosuchnet'" in capsys.readouterr().err


def test_missing_devnet_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devnet = tmp_path / "dev"
    argv = ["--network", "devnet", "--data-dir", str(devnet)]
    assert main(["state", "digest", *argv]) == 2
    err = capsys.readouterr().err
    assert f"antshares devnet init --data-dir {devnet}" in err
    assert main(["chain", "export", *argv, "--out", str(tmp_path / "chain.acc")]) == 2
    assert "no devnet profile at" in capsys.readouterr().err


def devnet_profile(data_dir: Path) -> Profile:
    """A devnet profile (the TestNet keys, another magic) written where `devnet init` puts it."""
    data = json.loads(
        (Path(__file__).parent.parent / "python/antshares/chain/profiles/testnet.json").read_text()
    )
    data.update(name="devnet", magic=0x12345678)
    del data["genesis"]["expected_hash"]
    data_dir.mkdir(parents=True)
    devnet_profile_path(data_dir).write_text(json.dumps(data))
    return Profile.from_dict(data)


def test_devnet_profile_from_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devnet = tmp_path / "dev"
    profile = devnet_profile(devnet)
    assert devnet_profile_path(devnet) == devnet / "profile.json"
    args = build_parser().parse_args(
        ["state", "digest", "--network", "devnet", "--data-dir", str(devnet)]
    )
    assert resolve_network(args) == (profile, devnet)
    open_node_store(profile, devnet).close()
    assert (
        main(["state", "digest", "--json", "--network", "devnet", "--data-dir", str(devnet)]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["network"] == "devnet" and report["tip"] is None
    # The devnet store is not a MainNet one.
    with pytest.raises(StoreMismatchError):
        open_node_store(MAINNET, devnet, readonly=True)


def test_default_data_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    parse = build_parser().parse_args
    profile, directory = resolve_network(parse(["state", "digest", "--network", "testnet"]))
    assert profile.name == "testnet" and directory == tmp_path / "antshares" / "testnet"
    _, directory = resolve_network(parse(["state", "digest"]))
    assert directory == tmp_path / "antshares" / "mainnet"
    with pytest.raises(NetworkError, match="antshares devnet init --data-dir"):
        resolve_network(parse(["state", "digest", "--network", "devnet"]))
    devnet_profile(tmp_path / "antshares" / "devnet")
    profile, directory = resolve_network(parse(["state", "digest", "--network", "devnet"]))
    assert profile.name == "devnet" and directory == tmp_path / "antshares" / "devnet"


def test_profile_file_with_bad_genesis_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(
        (Path(__file__).parent.parent / "python/antshares/chain/profiles/mainnet.json").read_text()
    )
    data["genesis"]["nonce"] += 1  # no longer the genesis the profile names
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    argv = ["state", "digest", "--network", str(path), "--data-dir", str(tmp_path / "d")]
    assert main(argv) == 2
    assert "genesis hash" in capsys.readouterr().err


def test_command_group_joins_an_existing_group() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    # A group another module created by hand gains commands through command_group.
    sub.add_parser("chain").add_subparsers(dest="chain_command").add_parser("import")
    command_group(sub, "chain", "chain files").add_parser("export")
    command_group(sub, "chain", "chain files").add_parser("other")
    assert parser.parse_args(["chain", "import"]).chain_command == "import"
    assert parser.parse_args(["chain", "other"]).chain_command == "other"
    sub.add_parser("plain")
    with pytest.raises(ValueError, match="takes no subcommands"):
        command_group(sub, "plain", "x")


# The state digest.

STATE_ENTRY = (b"k" * 20, b"v" * 8)


def fresh_store(path: Path) -> Store:
    return open_node_store(MAINNET, path, sync=False)  # many small commits: skip the fsyncs


def digest_after(store: Store, table: schema.Table, key: bytes, value: bytes | None) -> bytes:
    with store.write() as txn:
        if value is None:
            txn.delete(table, key)
        else:
            txn.put(table, key, value)
    return state_digest(store)


def reference_digest(tables: dict[bytes, list[tuple[bytes, bytes]]]) -> bytes:
    """The framing documented in antshares.ledger.digest, written out independently."""
    stream = struct.pack(">I", len(DIGEST_DOMAIN)) + DIGEST_DOMAIN
    for table in schema.STATE_TABLES:
        entries = sorted(tables.get(table.name, []))
        stream += struct.pack(">I", len(table.name)) + table.name
        for key, value in entries:
            stream += b"\x01" + struct.pack(">I", len(key)) + key
            stream += struct.pack(">I", len(value)) + value
        stream += b"\x00" + struct.pack(">Q", len(entries))
    return hashlib.sha256(stream).digest()


def test_state_tables_are_the_ledger_state() -> None:
    assert [t.name for t in schema.STATE_TABLES] == [
        b"utxos",
        b"assets",
        b"ans_holders",
        b"enrollments",
        b"ballots",
        b"totals",
        b"bookkeepers",
        b"agency_splits",
    ]


def test_digest_matches_documented_framing(tmp_path: Path) -> None:
    with fresh_store(tmp_path) as store:
        assert state_digest(store) == reference_digest({})
        entries = {
            schema.UTXOS.name: [(bytes([i]) * 34, bytes([i]) * 64) for i in (3, 1, 2)],
            schema.TOTALS.name: [(schema.TOTAL_ANC_MINTED, schema.encode_u64(5))],
        }
        with store.write() as txn:
            for table in schema.STATE_TABLES:
                for key, value in entries.get(table.name, []):
                    txn.put(table, key, value)
        digest = state_digest(store)
        assert len(digest) == 32 and digest == reference_digest(entries)


def test_digest_changes_with_every_state_entry(tmp_path: Path) -> None:
    with fresh_store(tmp_path) as store:
        base = state_digest(store)
        seen = {base}
        key, value = STATE_ENTRY
        for table in schema.STATE_TABLES:
            added = digest_after(store, table, key, value)
            changed = digest_after(store, table, key, value + b"!")
            # The same entry in another table, or another value, is another state.
            assert added not in seen and changed not in seen and added != changed
            seen |= {added, changed}
            assert digest_after(store, table, key, None) == base


def test_digest_framing_separates_keys_from_values(tmp_path: Path) -> None:
    with fresh_store(tmp_path / "a") as a, fresh_store(tmp_path / "b") as b:
        assert digest_after(a, schema.TOTALS, b"ab", b"c") != digest_after(
            b, schema.TOTALS, b"a", b"bc"
        )


def test_digest_ignores_blocks_indexes_and_meta(tmp_path: Path) -> None:
    with fresh_store(tmp_path) as store:
        with store.write() as txn:
            txn.put(schema.UTXOS, *STATE_ENTRY)
        before = state_digest(store)
        put_chain(store, real_blocks())
        with store.write() as txn:
            txn.put(schema.TX_INDEX, bytes(32), schema.encode_tx_location(1, 0))
            txn.put(schema.BEACONS, schema.height_key(1), b"r" * 32)
        assert state_digest(store) == before


def test_digest_is_independent_of_insertion_order(tmp_path: Path) -> None:
    rng = random.Random(7)
    entries = [
        (table, rng.randbytes(rng.randint(1, 40)), rng.randbytes(rng.randint(0, 90)))
        for table in schema.STATE_TABLES
        for _ in range(50)
    ]
    digests = []
    for run in range(3):
        rng.shuffle(entries)
        with fresh_store(tmp_path / str(run)) as store:
            for table, key, value in entries:
                with store.write() as txn:  # one entry per transaction: the order really differs
                    txn.put(table, key, value)
            digests.append(state_digest(store))
    assert digests[0] == digests[1] == digests[2]


def test_digest_and_summary_stable_across_reopen(
    chain_store: list[bytes], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_node_store(MAINNET, data_dir) as store:
        with store.write() as txn:
            txn.put(schema.HOLDERS, schema.holder_key(b"h" * 20), schema.encode_u64(7))
            txn.put(schema.TOTALS, schema.TOTAL_ANC_BURNED, schema.encode_u64(1))
        digest, summary = state_digest(store), state_summary(store)
    with open_node_store(MAINNET, data_dir, readonly=True) as store:
        assert state_digest(store) == digest
        assert state_summary(store) == summary
    tip_hash = str(Block.from_bytes(chain_store[-1]).hash)
    assert summary["tip"] == {"height": 4, "hash": tip_hash}
    assert summary["tables"] == {t.name.decode(): 0 for t in schema.STATE_TABLES} | {
        "ans_holders": 1,
        "totals": 1,
    }
    assert main(["state", "digest", "--json", "--data-dir", str(data_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["digest"] == digest.hex()
    assert report["tip"] == summary["tip"] and report["tables"] == summary["tables"]
    assert main(["state", "digest", "--data-dir", str(data_dir)]) == 0
    text = capsys.readouterr().out
    assert f"digest   {digest.hex()}" in text and f"tip      4 {tip_hash}" in text


def test_state_summary_without_tip(tmp_path: Path) -> None:
    with fresh_store(tmp_path) as store:
        summary = state_summary(store)
    assert summary["tip"] is None and set(summary["tables"].values()) == {0}


def test_open_node_store_readonly_needs_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no mainnet node data"):
        open_node_store(MAINNET, tmp_path, readonly=True)


# Progress.


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_format_duration() -> None:
    assert [format_duration(s) for s in (0, 42.4, 60, 185, 3600, 7620.5)] == [
        "0s",
        "42s",
        "1m00s",
        "3m05s",
        "1h00m",
        "2h07m",
    ]


def test_progress_log_lines_every_five_seconds() -> None:
    clock, out = FakeClock(), io.StringIO()
    progress = Progress("import", 100, stream=out, clock=clock, tty=False)
    for height in range(40):  # one block of 3 tx every 0.25 s: 10 s in all
        clock.now += 0.25
        progress.advance(txs=3, height=height)
    lines = out.getvalue().splitlines()
    assert lines == [
        "import: height 19, 20 blocks (4/s), 60 tx (12/s), 20.0%, ETA 20s",
        "import: height 39, 40 blocks (4/s), 120 tx (12/s), 40.0%, ETA 15s",
    ]
    progress.finish()
    progress.finish()  # once only
    lines = out.getvalue().splitlines()
    assert lines[2:] == [
        "import: done, 40 blocks, 120 tx in 10s (4 blocks/s, 12 tx/s), last height 39"
    ]


def test_progress_tty_rewrites_one_line() -> None:
    clock, out = FakeClock(), io.StringIO()
    with Progress("replay", stream=out, clock=clock, tty=True) as progress:
        for _ in range(10):  # every 0.2 s: a line at 0.6 s and 1.2 s, then at 1.8 s
            clock.now += 0.2
            progress.advance(blocks=1000, height=progress.blocks + 999)
    text = out.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    first, second, third, summary = text.split("\r")[1:]
    assert first == "replay: height 2,999, 3,000 blocks (5,000/s), 0 tx (0/s)"
    assert second.startswith("replay: height 5,999, 6,000 blocks (5,000/s)")
    assert "%" not in first and "ETA" not in first  # no total, no percent or ETA
    assert third.startswith("replay: height 8,999, 9,000 blocks")
    assert summary.startswith("replay: done, 10,000 blocks, 0 tx in 2s (5,000 blocks/s")


def test_progress_pads_a_shorter_line_and_reports_stop() -> None:
    clock, out = FakeClock(), io.StringIO()
    with pytest.raises(RuntimeError), Progress("x", stream=out, clock=clock, tty=True) as progress:
        clock.now += 1
        progress.advance(height=9_999_999)
        clock.now += 1
        progress.advance(height=1)
        raise RuntimeError("boom")
    long_line, short_line, summary = out.getvalue().split("\r")[1:]
    assert long_line == "x: height 9,999,999, 1 blocks (1/s), 0 tx (0/s)"
    # The shorter line blanks what the longer one left on the terminal.
    assert short_line == "x: height 1, 2 blocks (1/s), 0 tx (0/s)" + " " * 8
    assert summary == "x: stopped, 2 blocks, 0 tx in 2s (1 blocks/s, 0 tx/s), last height 1\n"


def test_progress_quiet_and_eta_at_end() -> None:
    clock, out = FakeClock(), io.StringIO()
    with Progress("q", 5, stream=out, clock=clock, tty=False, quiet=True) as progress:
        clock.now += 60
        progress.advance(5)
    assert out.getvalue() == ""
    assert progress.status_line() == "q: 5 blocks (0/s), 0 tx (0/s), 100.0%, ETA 0s"
    with pytest.raises(ValueError):
        Progress("q", -1)
