"""Every JSON-RPC method, by name: NEO 2.x's (SPEC §12) and this chain's own."""

from ..api import Handler
from . import blocks, consensus, network, state, transactions

__all__ = ["METHODS"]

METHODS: dict[str, Handler] = {
    **blocks.METHODS,
    **transactions.METHODS,
    **state.METHODS,
    **network.METHODS,
    **consensus.METHODS,
}
