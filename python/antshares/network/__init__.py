"""P2P networking (SPEC §10, format-1x §8) on asyncio (uvloop when the caller installs it).

- `framing`: message frames; the Cython module `_framing` when built, else its pure-Python twin
  `_framing_py` (forced with ANTSHARES_NO_EXTENSIONS=1).
- `messages`: the payloads of the 1.0 messages (and 2.x ping/pong), decoders raising MessageError.
- `protocol`: `PeerProtocol`, one connection: framing, flow control, bounded output.
- `node`: `P2PNode` (implements `antshares.node.backend.PeerView`), configured by
  `config.P2PConfig`; with `sync` (headers-first sync, orphans), `relay` (transactions, consensus
  payloads), `serving` (answers from the chain), `addrbook` (addresses, back-off, bans), `peer`,
  `ahead` (header chain, orphan pool) and `bounded` (LRU set, expiring map).
"""
