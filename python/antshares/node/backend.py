"""What the P2P layer and the RPC server need from a node, as protocols.

The network package (`antshares.network`) and the RPC server (`antshares.rpc`) depend on these
protocols only; `antshares.node.service.Node` implements them over the ledger, the store and the
mempool. Tests give the network and RPC layers small fakes.

Hashes are 32 raw bytes in internal (wire) order; `str(UInt256(h))` is the displayed form.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "AcceptResult",
    "BlockSink",
    "ChainReader",
    "PeerInfo",
    "PeerView",
]


@dataclass(frozen=True)
class AcceptResult:
    """What became of a transaction or block offered to the node.

    `accepted`: it is now in the mempool (a transaction) or the chain (a block). `known`: it was
    already there (not an error; nothing to relay). Otherwise `rule` names the rule it broke
    (SPEC rule names such as `double-spend`, `witness-signature`, `mempool-fee`, `mempool-full`,
    `mempool-conflict`) and `detail` says how."""

    accepted: bool
    known: bool = False
    rule: str | None = None
    detail: str | None = None
    txid: bytes | None = None
    """Of an accepted transaction: what to announce, without decoding it again."""

    @property
    def ok(self) -> bool:
        return self.accepted or self.known


class ChainReader(Protocol):
    """Read access to the local chain, called from the event loop (cheap LMDB reads)."""

    @property
    def magic(self) -> int: ...

    @property
    def height(self) -> int:
        """Height of the tip block (0: only the genesis)."""
        ...

    @property
    def tip_hash(self) -> bytes: ...

    def hash_at(self, height: int) -> bytes | None: ...

    def height_of(self, block_hash: bytes) -> int | None:
        """Height of a block in the chain, None when unknown."""
        ...

    def block_raw(self, block_hash: bytes) -> bytes | None: ...

    def header_raw(self, block_hash: bytes) -> bytes | None:
        """The header as the `headers` message carries it (header bytes, then 0x00)."""
        ...

    def transaction_raw(self, txid: bytes) -> bytes | None:
        """A transaction of the mempool or the chain."""
        ...

    def mempool_txids(self) -> list[bytes]:
        """The mempool's transactions, oldest first."""
        ...

    def has_transaction(self, txid: bytes) -> bool:
        """In the mempool or the chain."""
        ...


class BlockSink(Protocol):
    """What the P2P layer hands the node. Both run the work off the event loop."""

    async def add_blocks(self, raws: Sequence[bytes]) -> list[AcceptResult]:
        """Apply consecutive blocks after the tip (a prefix may be applied; one result each,
        in order; a block after a rejected one is not tried: rule `not-tried`)."""
        ...

    async def add_transaction(self, raw: bytes) -> AcceptResult: ...


@dataclass(frozen=True)
class PeerInfo:
    """One connected peer, as getpeers and /metrics show it."""

    address: str
    port: int
    """The port the peer listens on (from its version), else the connection's port."""
    outbound: bool
    user_agent: str
    start_height: int
    height: int
    """The best height the peer has shown (version, then announcements)."""


class PeerView(Protocol):
    """The P2P layer as the RPC server and the node see it."""

    def connected(self) -> list[PeerInfo]: ...

    def unconnected(self) -> list[tuple[str, int]]:
        """Known addresses not connected now."""
        ...

    def banned(self) -> list[tuple[str, int]]: ...

    def relay_block(self, block_hash: bytes) -> None:
        """Announce a block the node accepted (built or received) to every peer that lacks it."""
        ...

    def relay_transaction(self, txid: bytes, source: object | None = None) -> None:
        """Announce a transaction the mempool accepted to every peer but `source`."""
        ...
