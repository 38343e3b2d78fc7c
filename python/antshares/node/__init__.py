"""The node: ledger, mempool, P2P and JSON-RPC on one event loop (SPEC §10–§12).

`antshares node` runs `service.Node`; `backend` declares what the network and RPC layers need
from it, `config` reads its TOML file, `chain_reader` serves chain data to peers and RPC.
"""
