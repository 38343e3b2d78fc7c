"""What the RPC server needs from the node (`antshares.node` implements it; tests fake it).

Reads go straight to the store through `view` and `chain`, on the event loop thread: short LMDB
read transactions, never the ledger engine (another thread owns it). Long reads (a walk of the
UTXO table, a scan of many blocks) run on a worker thread, one at a time, and only through
`LedgerView` methods that keep no cache.
"""

from typing import Any, Protocol

from antshares.chain.profiles import Profile
from antshares.node.backend import AcceptResult, ChainReader, PeerView
from antshares.wallet.ledger_view import LedgerView

__all__ = ["RpcContext"]


class RpcContext(Protocol):
    """The node as the RPC server sees it."""

    @property
    def profile(self) -> Profile: ...

    @property
    def view(self) -> LedgerView:
        """Over the node's open store (`LedgerView(store, profile)`: one LMDB env a process)."""
        ...

    @property
    def chain(self) -> ChainReader: ...

    @property
    def peers(self) -> PeerView: ...

    async def submit_transaction(self, raw: bytes) -> AcceptResult:
        """Offer a transaction to the mempool (and relay it when accepted)."""
        ...

    async def submit_block(self, raw: bytes) -> AcceptResult:
        """Offer the block after the tip (and relay it when accepted)."""
        ...

    def mempool_txids(self) -> list[bytes]:
        """The mempool's transactions, internal byte order, oldest first."""
        ...

    def evidence(self) -> list[dict[str, Any]]:
        """Misbehaviour evidence records (SPEC §7.10), already JSON-shaped."""
        ...

    def version(self) -> dict[str, Any]:
        """getversion's answer: {"port", "nonce", "useragent"}."""
        ...

    def metrics(self) -> dict[str, float]:
        """Gauges and counters for /metrics: height, peers, mempool_size, blocks_per_second,
        verify_rate, and any others (named in snake_case)."""
        ...

    def healthy(self) -> tuple[bool, str]:
        """Whether the node is working (synced, its ledger thread alive), and why not."""
        ...
