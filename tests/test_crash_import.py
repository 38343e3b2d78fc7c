"""Crash safety of `antshares chain import` (SPEC §11): a kill at any instant restarts at a
complete earlier block with the same state.

One devnet chain is generated per module. The reference is imported twice: once block by block
through the Python API (a snapshot of the store after every block: the state digest, the tip and
the entry count of every table), and once uninterrupted by the command. The crash test then runs
the command on one data dir, SIGKILLs it at seeded random moments spread over the time an import
takes, and after every kill checks that the store opens read-only at a complete block whose
snapshot is exactly the reference's at that height; then it restarts the import. When an import
reaches the last block before its kill, the data dir is wiped so that the next kills land
mid-import again.

`CRASH_KILLS` (default 20) sets the number of kills, `CRASH_SEED` the seed of the delays;
`make soak` runs 200 kills.

Damaged chain files (truncated, a bad length, a broken signature) must stop at the last good
block, naming it, with exit code 1 and nothing after it written.
"""

import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lmdb
import pytest

from antshares.chain.files import iter_chain_file, write_chain_file
from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import Profile, load_profile
from antshares.core import Block
from antshares.ledger.chainstate import ChainState
from antshares.ledger.digest import digest_snapshot
from antshares.ledger.importer import import_chain
from antshares.storage import ReadTxn, StoreError, open_store, schema

CRASH_KILLS = int(os.environ.get("CRASH_KILLS", "20"))
CRASH_SEED = int(os.environ.get("CRASH_SEED", "20160808"))
BLOCKS = 40
TXS_PER_BLOCK = 100
BATCH_BLOCKS = 2  # many commits: every other block
DAMAGE_BATCH = 5  # damaged files: batches 1-5, 6-10, then 11..DAMAGED_AT-1 pending
DAMAGED_AT = 13


@dataclass(frozen=True)
class Snapshot:
    """What a data dir holds: its tip, the state digest and the entry count of every table."""

    height: int | None
    tip_hash: bytes | None
    digest: bytes
    entries: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Chain:
    root: Path
    profile_path: Path
    profile: Profile
    chain_file: Path
    blocks: list[bytes]
    reference: dict[int, Snapshot]  # by height, from the block-by-block import
    reference_digest: str  # `state digest --json` of the uninterrupted import
    import_seconds: float  # a whole import by the command, startup included
    startup_seconds: float  # the command with nothing to import

    @property
    def final(self) -> int:
        return len(self.blocks) - 1


def antshares(*args: str | Path | int, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "antshares", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def import_argv(chain: Chain, data_dir: Path, chain_file: Path | None = None) -> list[str]:
    return [
        sys.executable,
        "-m",
        "antshares",
        "chain",
        "import",
        str(chain_file or chain.chain_file),
        "--network",
        str(chain.profile_path),
        "--data-dir",
        str(data_dir),
        "--batch-blocks",
        str(BATCH_BLOCKS),
        "--quiet",
    ]


def snapshot_of(txn: ReadTxn) -> Snapshot:
    tip = txn.get(schema.META, schema.META_TIP)
    height, tip_hash = (None, None) if tip is None else schema.decode_tip(tip)
    entries = tuple((t.name.decode(), txn.count(t)) for t in schema.TABLES)
    return Snapshot(height, tip_hash, digest_snapshot(txn), entries)


def cli_digest(chain: Chain, data_dir: Path) -> dict[str, object]:
    done = antshares(
        "state", "digest", "--network", chain.profile_path, "--data-dir", data_dir, "--json"
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def check_store(chain: Chain, data_dir: Path) -> int | None:
    """Open the data dir read-only and check it is at a complete block of the reference chain,
    exactly as the reference is at that height. The height, or None for a store with nothing
    committed yet (a kill before the genesis)."""
    if not (data_dir / "data.mdb").exists():
        return None
    genesis_hash = genesis_block(chain.profile).hash.to_bytes()
    try:
        store = open_store(data_dir, chain.profile.magic, genesis_hash, readonly=True)
    except StoreError:
        # Killed between creating the environment and committing its metadata: then nothing
        # at all may be committed.
        env = lmdb.open(str(data_dir), readonly=True, max_dbs=schema.MAX_DBS)
        try:
            assert env.stat()["entries"] == 0, "a store without metadata holds tables"
        finally:
            env.close()
        return None
    with store, store.read() as txn:
        snap = snapshot_of(txn)
        if snap.height is None:
            assert all(n == 0 for name, n in snap.entries if name != "meta"), snap
            return None
        height = snap.height
        assert 0 <= height <= chain.final, f"tip {height} is not a block of the files"
        assert txn.get(schema.HEIGHT_TO_HASH, schema.height_key(height)) == snap.tip_hash
        assert txn.get(schema.BLOCKS, snap.tip_hash or b"") == chain.blocks[height]
        with txn.cursor(schema.HEIGHT_TO_HASH) as cursor:
            assert cursor.last() and cursor.key() == schema.height_key(height), (
                f"blocks after the tip {height} are written"
            )
    assert snap == chain.reference[height], f"the store at height {height} differs"
    return height


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    root = tmp_path_factory.mktemp("crash-import")
    devnet = root / "devnet"
    done = antshares("devnet", "init", "--data-dir", devnet, "--seed", "crash-import")
    assert done.returncode == 0, done.stderr
    chain_file = root / "chain.acc"
    done = antshares(
        "devnet", "generate", "--data-dir", devnet, "--blocks", BLOCKS,
        "--txs-per-block", TXS_PER_BLOCK, "--out", chain_file, "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    profile_path = devnet / "profile.json"
    profile = load_profile(str(profile_path))
    blocks = [b.data for b in iter_chain_file(chain_file)]
    assert len(blocks) == BLOCKS + 1

    # Block by block through the API: the reference snapshot at every height.
    reference: dict[int, Snapshot] = {}
    with ChainState.open(profile, root / "per-block", sync=False) as state:

        def record(_blocks: int, _txs: int, height: int) -> None:
            with state.store.read() as txn:
                reference[height] = snapshot_of(txn)

        record(0, 0, state.height)
        stats = import_chain(state, [chain_file], batch_blocks=1, on_batch=record, commit_bytes=0)
        assert stats.error is None and state.height == BLOCKS
    assert sorted(reference) == list(range(BLOCKS + 1))

    # Uninterrupted, by the command: its duration scales the kill delays.
    partial = Chain(root, profile_path, profile, chain_file, blocks, reference, "", 0, 0)
    argv = import_argv(partial, root / "uninterrupted")
    start = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    import_seconds = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    # Run again: nothing to do, which measures the startup.
    start = time.monotonic()
    again = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    startup_seconds = time.monotonic() - start
    assert again.returncode == 0, again.stderr
    assert f"skipped {BLOCKS + 1} already here; tip {BLOCKS}" in again.stdout
    report = cli_digest(partial, root / "uninterrupted")
    return Chain(
        root, profile_path, profile, chain_file, blocks, reference, str(report["digest"]),
        import_seconds, startup_seconds,
    )  # fmt: skip


def test_uninterrupted_import_matches_block_by_block(chain: Chain) -> None:
    final = chain.reference[chain.final]
    assert chain.reference_digest == final.digest.hex()
    assert check_store(chain, chain.root / "uninterrupted") == chain.final
    # The state moves with every block: a digest names its height.
    assert len({snap.digest for snap in chain.reference.values()}) == chain.final + 1


def test_sigkill_at_random_moments(chain: Chain) -> None:
    rng = random.Random(CRASH_SEED)
    data_dir = chain.root / "crashed"
    log = chain.root / "crashed.log"
    work = max(chain.import_seconds - chain.startup_seconds, 0.05)
    height: int | None = None
    mid_import = completed = no_progress = 0
    for kill in range(CRASH_KILLS):
        # Spread the kill over this run: the end of its startup (opening the store, loading the
        # state, skipping the blocks already there) and the blocks it has left to import.
        left = chain.final - (height or 0)
        end = chain.startup_seconds + 1.1 * work * left / chain.final
        delay = rng.uniform(0.5 * chain.startup_seconds, end)
        with log.open("w") as err:
            proc = subprocess.Popen(
                import_argv(chain, data_dir), stdout=subprocess.DEVNULL, stderr=err
            )
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            rc = proc.wait(timeout=120)
        context = f"kill {kill} (seed {CRASH_SEED}) after {delay:.3f}s from height {height}"
        if rc != -signal.SIGKILL:  # it finished first
            assert rc == 0, f"{context}: exit {rc}: {log.read_text()}"
        before = height
        height = check_store(chain, data_dir)
        if rc == 0:
            assert height == chain.final, context
        if before is not None:
            assert height is not None and height >= before, f"{context}: went back to {height}"
        if height is not None and height > (before or 0) and height < chain.final:
            mid_import += 1
        elif height == before:
            no_progress += 1
        if height == chain.final:
            completed += 1
            shutil.rmtree(data_dir)
            height = None

    done = subprocess.run(import_argv(chain, data_dir), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert check_store(chain, data_dir) == chain.final
    report = cli_digest(chain, data_dir)
    assert report["digest"] == chain.reference_digest
    print(
        f"{CRASH_KILLS} kills: {mid_import} mid-import, {no_progress} before a commit,"
        f" {completed} after the last block"
    )
    assert mid_import >= max(1, CRASH_KILLS // 10), (
        f"only {mid_import} of {CRASH_KILLS} kills landed mid-import"
    )


def chain_file_bytes(blocks: list[bytes]) -> tuple[bytes, list[int]]:
    """chain.acc bytes and the offset of each block's length prefix."""
    out, offsets = bytearray(struct.pack("<I", len(blocks))), []
    for raw in blocks:
        offsets.append(len(out))
        out += struct.pack("<i", len(raw)) + raw
    return bytes(out), offsets


def truncated_mid_block(data: bytes, at: int, raw: bytes) -> bytes:
    return data[: at + 4 + len(raw) // 2]


def truncated_before_block(data: bytes, at: int, raw: bytes) -> bytes:
    return data[:at]


def bad_length(data: bytes, at: int, raw: bytes) -> bytes:
    return data[:at] + struct.pack("<i", -len(raw)) + data[at + 4 :]


def run_import(chain: Chain, data_dir: Path, chain_file: Path) -> subprocess.CompletedProcess[str]:
    argv = import_argv(chain, data_dir, chain_file)
    argv[argv.index("--batch-blocks") + 1] = str(DAMAGE_BATCH)
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def resume_to_the_end(chain: Chain, data_dir: Path) -> None:
    done = run_import(chain, data_dir, chain.chain_file)
    assert done.returncode == 0, done.stderr
    assert check_store(chain, data_dir) == chain.final


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(truncated_mid_block, id="truncated-mid-block"),
        pytest.param(truncated_before_block, id="truncated-before-block"),
        pytest.param(bad_length, id="bad-length"),
    ],
)
def test_damaged_chain_file_stops_at_the_last_good_block(
    chain: Chain, tmp_path: Path, damage: Callable[[bytes, int, bytes], bytes]
) -> None:
    assert DAMAGED_AT % DAMAGE_BATCH not in (0, 1), "the damage must fall inside a batch"
    data, offsets = chain_file_bytes(chain.blocks)
    assert data == chain.chain_file.read_bytes()
    bad = tmp_path / "chain.acc"
    bad.write_bytes(damage(data, offsets[DAMAGED_AT], chain.blocks[DAMAGED_AT]))
    data_dir = tmp_path / "data"
    done = run_import(chain, data_dir, bad)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(rf"(block #?|height ){DAMAGED_AT}\b", done.stderr), done.stderr
    assert check_store(chain, data_dir) == DAMAGED_AT - 1, done.stderr
    resume_to_the_end(chain, data_dir)


def test_broken_signature_names_block_transaction_and_rule(chain: Chain, tmp_path: Path) -> None:
    at = 17
    raw = bytearray(chain.blocks[at])
    block = Block.from_bytes(bytes(raw))
    index, tx = next(
        (i, tx)
        for i, tx in enumerate(block.transactions)
        if i and len(tx.witnesses) == 1 and len(tx.witnesses[0].invocation) == 65
    )
    tx_bytes = tx.to_bytes()
    start = raw.find(tx_bytes)
    signature = tx_bytes.rfind(tx.witnesses[0].invocation) + 1
    assert start > 0 and signature > 0
    raw[start + signature + 20] ^= 0x01  # witnesses are outside the txid: the block still links
    blocks = list(chain.blocks)
    blocks[at] = bytes(raw)
    bad = tmp_path / "chain.acc"
    write_chain_file(bad, blocks)

    data_dir = tmp_path / "data"
    done = run_import(chain, data_dir, bad)
    assert done.returncode == 1, done.stdout + done.stderr
    message = done.stderr
    assert f"block {at}" in message, message
    assert f"transaction {index}" in message and tx.txid in message, message
    assert re.search(r"rule [\w-]*signature", message), message
    assert check_store(chain, data_dir) == at - 1, message
    resume_to_the_end(chain, data_dir)
