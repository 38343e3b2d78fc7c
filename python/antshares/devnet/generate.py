"""`antshares devnet generate`: a realistic valid chain for tests and benchmarks.

A scratch ledger of the devnet's profile is driven by the solo block builder, and the `Workload`
fills each block (single and multisig transfers, registers, issues in batches, three-signature
equity transfers, enrollments, votes, withdrawals); every block pays a lottery winner. Blocks are
streamed into a NEO 2.x `chain.acc` (SPEC §11). Deterministic for a seed: the workload, the beacon
secrets and the timestamps (genesis + height × block time) all derive from it.
"""

import hashlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from antshares.chain.files import write_chain_file
from antshares.chain.profiles import Profile
from antshares.devnet.workload import Workload
from antshares.ledger.builder import BlockBuilder, MemoryBeaconSecrets
from antshares.ledger.chainstate import ChainState

__all__ = ["generate_chain", "generated_blocks"]


def seeded_secrets(seed: str) -> Callable[[int, int, int], bytes]:
    def source(height: int, dealer: int, coefficient: int) -> bytes:
        label = f"{seed}/beacon/{height}/{dealer}/{coefficient}".encode()
        return hashlib.sha256(label).digest()

    return source


def generated_blocks(
    profile: Profile,
    bookkeeper_secrets: list[bytes],
    blocks: int,
    txs_per_block: int,
    seed: str = "antshares",
    scratch: Path | None = None,
    verify: bool = False,
) -> Iterator[tuple[bytes, int]]:
    """(raw block, transaction count) from the genesis to height `blocks`, built on a scratch
    ledger (a temporary dir unless `scratch` is given). With `verify`, each block's signatures
    are checked as it is applied (slower; the importer checks them anyway)."""
    with tempfile.TemporaryDirectory(prefix="antshares-generate-") as tmp:
        state = ChainState.open(profile, scratch or tmp, sync=False)
        try:
            workload = Workload(profile, bookkeeper_secrets, seed)
            builder = BlockBuilder(
                state,
                bookkeeper_secrets,
                MemoryBeaconSecrets(),
                secret_source=seeded_secrets(seed),
                key_lookup=workload.secret_for,
            )
            workload.on_block(state.genesis)
            yield state.genesis.to_bytes(), len(state.genesis.transactions)
            start = profile.genesis.timestamp
            for height in range(1, blocks + 1):
                txs = workload.next_transactions(txs_per_block)
                built = builder.produce(txs, start + height * profile.block_time_seconds, verify)
                workload.on_block(built.block)
                yield built.raw, len(built.block.transactions)
        finally:
            state.close()


def generate_chain(
    profile: Profile,
    bookkeeper_secrets: list[bytes],
    out: Path,
    blocks: int,
    txs_per_block: int,
    seed: str = "antshares",
    on_block: Callable[[int, int], None] | None = None,
) -> int:
    """Write the genesis and `blocks` generated blocks to `out` (chain.acc layout, atomic);
    `on_block(height, tx count)` after each. Returns the number of transactions."""
    total = 0

    def stream() -> Iterator[bytes]:
        nonlocal total
        for height, (raw, count) in enumerate(
            generated_blocks(profile, bookkeeper_secrets, blocks, txs_per_block, seed)
        ):
            total += count
            if on_block is not None:
                on_block(height, count)
            yield raw

    write_chain_file(out, stream())
    return total
