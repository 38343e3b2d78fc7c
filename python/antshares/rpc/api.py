"""What the method handlers share for one server: the node, the JSON builders, the fee rules
and the running system-fee index, and a way to run long reads off the event loop."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from antshares.core import Transaction, UInt256

from .context import RpcContext
from .errors import UNKNOWN, RpcError
from .fees import FeeRules, SysFeeIndex, spent_refs
from .params import Params
from .shapes import Shapes

__all__ = ["Api", "Handler"]

T = TypeVar("T")


class Api:
    def __init__(self, context: RpcContext) -> None:
        self.context = context
        view = context.view
        self.shapes = Shapes(context.profile.address_version)
        self.fees = FeeRules.of(context.profile, view.ans, view.anc)
        self.sysfees = SysFeeIndex(view, self.fees)
        # One long read at a time: each holds an LMDB snapshot for its whole run, and the
        # store's map can only grow while no snapshot of this process is open.
        self._long_reads = asyncio.Semaphore(1)

    async def off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a long, blocking read on a worker thread, one at a time."""
        async with self._long_reads:
            return await asyncio.to_thread(fn, *args)

    # Lookups that several methods share.

    def block_height(self, block: UInt256 | int) -> tuple[int, bytes]:
        """(height, hash) of a block of the chain by height or hash; -100 when unknown."""
        chain = self.context.chain
        if isinstance(block, int):
            found = chain.hash_at(block)
            if found is None:
                raise RpcError(UNKNOWN, "Unknown block")
            return block, found
        block_hash = block.to_bytes()
        height = chain.height_of(block_hash)
        if height is None:
            raise RpcError(UNKNOWN, "Unknown block")
        return height, block_hash

    def transaction_fees(self, txs: Iterable[Transaction]) -> list[tuple[int, int] | None]:
        """(system fee, network fee) of each transaction (None where an input is unknown):
        one store snapshot for all of them. Blocking for a large block: see `off_loop`."""
        txs = list(txs)
        spent = self.context.view.outputs_of(ref for tx in txs for ref in spent_refs(tx))
        return [self.fees.fees(tx, spent) for tx in txs]


Handler = Callable[[Api, Params], Awaitable[Any]]
"""A method: it checks its params, returns the JSON result or raises RpcError."""
