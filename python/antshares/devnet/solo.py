"""A solo bookkeeper (N = 1, or all N keys held by one process): a mempool fed by a Python API and
a block on a timer (SPEC §7 with N = 1; the multi-bookkeeper protocol is the consensus issue's).

`SoloBookkeeper.submit` queues a transaction (first seen wins, bounded); `step` waits until the
tip's timestamp + block time and produces the next block from the queue in arrival order — the
engine skips candidates that are invalid or conflict with earlier ones, and they leave the queue
with the reason. Any node re-checks the beacon, R and the lottery from chain data alone.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from antshares.core import Transaction
from antshares.ledger.builder import BlockBuilder, BuiltBlock
from antshares.ledger.chainstate import ChainState

__all__ = ["MempoolFullError", "SoloBookkeeper"]

DEFAULT_MEMPOOL_SIZE = 50_000
DEFAULT_MAX_BLOCK_TXS = 10_000


class MempoolFullError(Exception):
    """The mempool holds its maximum number of transactions."""


@dataclass
class SoloBookkeeper:
    state: ChainState
    builder: BlockBuilder
    block_time: float
    max_block_txs: int = DEFAULT_MAX_BLOCK_TXS
    mempool_size: int = DEFAULT_MEMPOOL_SIZE
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    mempool: dict[bytes, Transaction] = field(default_factory=dict)
    dropped: list[tuple[bytes, str, str]] = field(default_factory=list)
    """(txid, rule, detail) of transactions the last block left out for good."""

    def submit(self, tx: Transaction) -> bool:
        """Queue `tx`; False if it is already queued. MempoolFullError when full."""
        txid = tx.hash.to_bytes()
        if txid in self.mempool:
            return False
        if len(self.mempool) >= self.mempool_size:
            raise MempoolFullError(f"the mempool holds {self.mempool_size} transactions")
        self.mempool[txid] = tx
        return True

    def due(self) -> float:
        """When the next block is due: the tip's timestamp plus the block time."""
        return self.state.tip_timestamp + self.block_time

    def step(self, wait: bool = True) -> BuiltBlock:
        """Produce the next block (waiting until it is due unless `wait` is False)."""
        due = self.due()
        if wait:
            delay = due - self.clock()
            if delay > 0:
                self.sleep(delay)
        candidates = list(self.mempool.values())[: self.max_block_txs]
        built = self.builder.produce(candidates, int(max(self.clock(), due)))
        self.dropped = []
        included = {candidates[i].hash.to_bytes() for i in built.included}
        for position, rule, detail in built.rejected:
            txid = candidates[position].hash.to_bytes()
            self.dropped.append((txid, rule, detail))
            self.mempool.pop(txid, None)
        for txid in included:
            self.mempool.pop(txid, None)
        return built
