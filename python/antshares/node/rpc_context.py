"""The node as its RPC server sees it (`antshares.rpc.context.RpcContext`), over a started Node."""

from typing import TYPE_CHECKING, Any

from antshares.chain.profiles import Profile
from antshares.node.backend import AcceptResult, ChainReader, PeerView
from antshares.wallet.ledger_view import LedgerView

if TYPE_CHECKING:
    from antshares.node.service import Node

__all__ = ["NodeRpcContext"]


class NodeRpcContext:
    def __init__(self, node: "Node") -> None:
        assert node.view is not None and node.chain is not None and node.p2p is not None
        self._node = node
        self._view = node.view
        self._chain = node.chain
        self._peers = node.p2p

    @property
    def profile(self) -> Profile:
        return self._node.profile

    @property
    def view(self) -> LedgerView:
        return self._view

    @property
    def chain(self) -> ChainReader:
        return self._chain

    @property
    def peers(self) -> PeerView:
        return self._peers

    async def submit_transaction(self, raw: bytes) -> AcceptResult:
        return await self._node.submit_transaction(raw)

    async def submit_block(self, raw: bytes) -> AcceptResult:
        return await self._node.submit_block(raw)

    def mempool_txids(self) -> list[bytes]:
        return self._node.mempool_txids()

    def evidence(self) -> list[dict[str, Any]]:
        return self._node.evidence.records()

    def version(self) -> dict[str, Any]:
        return self._node.version()

    def metrics(self) -> dict[str, float]:
        return self._node.metrics()

    def healthy(self) -> tuple[bool, str]:
        return self._node.healthy()
