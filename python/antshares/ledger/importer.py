"""Bulk replay of chain files into a data dir (SPEC §11): `antshares chain import`.

Blocks stream from `chain.acc` / `chain.N.acc` files in batches (bounded by bytes and blocks);
each batch is verified and applied by the engine, and the applied batches are committed in one
LMDB transaction once they hold `commit_bytes` of blocks (each batch alone in the last two
batches of the input, so the last commit is small). A kill at any instant restarts at the end of
a complete batch. Fewer, larger commits write less: coins created and spent between two commits
never reach the store, and LMDB copies each touched page once per transaction.

The import resumes by itself: blocks at or below the data dir's tip are skipped after checking
that their hashes match the stored ones (a file of another chain stops at the first difference).

Trusted mode (`trusted_until`): signatures are not checked for the blocks up to and including the
checkpoint block; every other rule is. The files are scanned first: the checkpoint must be there,
and the hash links from the genesis to it are what make skipping safe — blocks before a
checkpoint that links to them are its ancestors. Nothing is imported when it is missing.

Import opens no network port: it is the import-only mode of a node.
"""

import contextlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from antshares_native._native import PreparedBlocks, prepare_blocks

from antshares.chain.files import ChainFileError, iter_chain_file
from antshares.core import UInt256
from antshares.core.hashing import hash256
from antshares.ledger.chainstate import ChainState, RuleError

__all__ = [
    "DEFAULT_BATCH_BLOCKS",
    "DEFAULT_BATCH_BYTES",
    "DEFAULT_COMMIT_BYTES",
    "ChainImportError",
    "ImportStats",
    "find_checkpoint",
    "import_chain",
]

DEFAULT_BATCH_BYTES = 4 << 20
DEFAULT_BATCH_BLOCKS = 2000
DEFAULT_COMMIT_BYTES = 32 << 20
HEADER_UNSIGNED = 104


class ChainImportError(Exception):
    """The import cannot go on (another chain's file, a missing checkpoint, a bad file)."""


@dataclass
class ImportStats:
    blocks: int = 0
    transactions: int = 0
    signatures: int = 0
    skipped: int = 0
    trusted_blocks: int = 0
    error: RuleError | None = None
    """The block that broke a rule (the blocks before it are committed)."""
    file_error: str | None = None
    """The files could not be read past some point (truncated, corrupt): every whole block
    before it is imported, then the import stops with this message."""


def block_hash(raw: bytes) -> bytes:
    """Internal-order hash of a raw block: double SHA-256 of its 104 unsigned header bytes."""
    return hash256(raw[:HEADER_UNSIGNED])


def _blocks(paths: Iterable[Path]) -> Iterator[bytes]:
    for path in paths:
        for block in iter_chain_file(path):
            yield block.data


def _height(raw: bytes) -> int | None:
    """The index field of a block's header, if the block is long enough to have one."""
    return int.from_bytes(raw[72:76], "little") if len(raw) >= HEADER_UNSIGNED else None


def find_checkpoint(paths: Iterable[Path], checkpoint: str) -> int:
    """Height of the block whose hash (display hex) is `checkpoint` in the files, with every
    block before it linked to its predecessor. ChainImportError if it is not there."""
    try:
        target = UInt256.from_display(checkpoint).to_bytes()
    except ValueError as exc:
        raise ChainImportError(f"checkpoint {checkpoint!r} is not a block hash ({exc})") from None
    previous: bytes | None = None
    for i, raw in enumerate(_blocks(paths)):
        if len(raw) < HEADER_UNSIGNED:
            raise ChainImportError(f"block #{i} of the files is shorter than a header")
        if previous is not None and raw[4:36] != previous:
            raise ChainImportError(f"block #{i} does not link to the block before it")
        previous = block_hash(raw)
        if previous == target:
            height = _height(raw)
            assert height is not None  # the length was checked above
            return height
    raise ChainImportError(f"checkpoint {checkpoint} is not in the files: nothing imported")


def _batches(
    state: ChainState,
    paths: list[Path],
    stats: ImportStats,
    trusted_height: int,
    batch_bytes: int,
    batch_blocks: int,
) -> Iterator[tuple[list[bytes], bool]]:
    """(blocks, verify signatures) batches after the tip the import started from; a batch never
    straddles the checkpoint. Blocks at or below that tip are skipped once their hash is checked
    against the stored block."""
    start_tip = state.height
    started = False
    batch: list[bytes] = []
    batch_verify = True
    size = 0
    last_height: int | None = start_tip
    blocks = _blocks(paths)
    while True:
        try:
            raw = next(blocks)
        except StopIteration:
            break
        except ChainFileError as exc:
            # Everything read so far is applied first; the message names where it stopped.
            after = "" if last_height is None else f" after block {last_height}"
            stats.file_error = f"unreadable chain file{after}: {exc}"
            break
        height = _height(raw)
        if not started and height is not None and height <= start_tip:
            stored = state.block_at(height)
            if stored is None or block_hash(stored) != block_hash(raw):
                raise ChainImportError(
                    f"block {height} of the files differs from the data dir's: another chain"
                )
            stats.skipped += 1
            continue
        started = True
        last_height = height
        verify = height is None or height > trusted_height
        if batch and verify != batch_verify:
            yield batch, batch_verify
            batch, size = [], 0
        batch_verify = verify
        batch.append(raw)
        size += len(raw)
        if size >= batch_bytes or len(batch) >= batch_blocks:
            yield batch, batch_verify
            batch, size = [], 0
    if batch:
        yield batch, batch_verify


def import_chain(
    state: ChainState,
    paths: Iterable[Path],
    trusted_until: str | None = None,
    batch_bytes: int = DEFAULT_BATCH_BYTES,
    batch_blocks: int = DEFAULT_BATCH_BLOCKS,
    on_batch: Callable[[int, int, int], None] | None = None,
    commit_bytes: int = DEFAULT_COMMIT_BYTES,
) -> ImportStats:
    """Import the blocks of `paths` after the state's tip. `on_batch(blocks, transactions,
    height)` after each commit (`commit_bytes` = 0: after every batch). A rejected block stops
    the import (stats.error); everything before it stays committed.

    Pipelined: while a batch is applied and committed, the next one is decoded and its
    signatures checked on a second thread (the native code releases the GIL), so the state
    updates overlap the signature batch instead of following it."""
    paths = list(paths)
    trusted_height = -1 if trusted_until is None else find_checkpoint(paths, trusted_until)
    stats = ImportStats()
    commits = _Commits(state, stats, on_batch, commit_bytes, _total_size(paths), 2 * batch_bytes)
    batches = _batches(state, paths, stats, trusted_height, batch_bytes, batch_blocks)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="antshares-prepare") as pool:
            previous = state.block_at(state.height)
            pending: tuple[Future[PreparedBlocks], bool, int] | None = None
            for blocks, verify in batches:
                ready = pool.submit(prepare_blocks, blocks, verify, previous)
                previous = blocks[-1]
                if pending is not None and not commits.apply(*pending):
                    ready.cancel()
                    return stats
                pending = (ready, verify, sum(map(len, blocks)))
            if pending is not None:
                commits.apply(*pending)
    finally:
        # Applied blocks passed every rule: whatever stops the import, they are kept.
        commits.commit()
    return stats


def _total_size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):  # reported by the reader, in order
            total += path.stat().st_size
    return total


class _Commits:
    """Applies prepared batches and commits them together once they hold `commit_bytes`."""

    def __init__(
        self,
        state: ChainState,
        stats: ImportStats,
        on_batch: Callable[[int, int, int], None] | None,
        commit_bytes: int,
        input_bytes: int,
        tail_bytes: int,
    ) -> None:
        self.state, self.stats, self.on_batch = state, stats, on_batch
        self.commit_bytes, self.left, self.tail_bytes = commit_bytes, input_bytes, tail_bytes
        self.blocks = self.transactions = self.size = 0

    def apply(self, prepared: "Future[PreparedBlocks]", verify: bool, size: int) -> bool:
        result = self.state.apply_prepared(prepared.result(), commit=False)
        stats = self.stats
        stats.blocks += result.applied
        stats.transactions += result.transactions
        stats.signatures += result.signatures
        if not verify:
            stats.trusted_blocks += result.applied
        self.blocks += result.applied
        self.transactions += result.transactions
        self.size += size
        self.left -= size
        # Near the end every batch commits alone: the last commit runs with nothing to overlap.
        if (
            result.error is not None
            or self.size >= self.commit_bytes
            or self.left < self.tail_bytes
        ):
            self.commit()
        if result.error is not None:
            stats.error = result.error
            return False
        return True

    def commit(self) -> None:
        if self.blocks == 0:
            return
        self.state.commit()
        blocks, transactions = self.blocks, self.transactions
        self.blocks = self.transactions = self.size = 0
        if self.on_batch is not None:
            self.on_batch(blocks, transactions, self.state.height)
