"""The genesis block: one function of (standby keys, timestamp, nonce) for every network.

Construction as in AntShares 1.0 and NEO 2.x (format-1x §5): a MinerTransaction, the ANS and ANC
RegisterTransactions (owner = the point at infinity, no witnesses), and an IssueTransaction paying
all ANS to the (⌊n/2⌋+1)-of-n multisig of the standby keys. NextConsensus is the
(n − ⌊(n−1)/3⌋)-of-n multisig.
"""

from collections.abc import Sequence

from antshares.core import (
    AssetType,
    Block,
    Header,
    Transaction,
    TxOutput,
    TxType,
    UInt256,
    Witness,
)
from antshares.core.address import consensus_threshold, multisig_script, script_hash
from antshares.core.hashing import merkle_root

from .profiles import Profile

TOTAL_SUPPLY = 100_000_000 * 10**8  # both assets, raw Fixed8
POINT_AT_INFINITY = b"\x00"
PUSH_TRUE = b"\x51"
PUSH_FALSE = b"\x00"


def _register(asset_type: AssetType, name: str, precision: int, admin_script: bytes) -> Transaction:
    exclusive = {
        "asset_type": int(asset_type),
        "name": name,
        "amount": TOTAL_SUPPLY,
        "precision": precision,
        "owner": POINT_AT_INFINITY,
        "admin": script_hash(admin_script),
    }
    return Transaction(TxType.REGISTER, 0, exclusive, [], [], [], [])


def build_genesis(
    standby_keys: Sequence[bytes], timestamp: int, nonce: int, ans_name: str, anc_name: str
) -> Block:
    n = len(standby_keys)
    next_consensus = script_hash(multisig_script(consensus_threshold(n), standby_keys))
    issue_to = script_hash(multisig_script(n // 2 + 1, standby_keys))
    miner = Transaction(TxType.MINER, 0, {"nonce": nonce}, [], [], [], [])
    ans = _register(AssetType.ANTSHARE, ans_name, 0, PUSH_TRUE)
    anc = _register(AssetType.ANTCOIN, anc_name, 8, PUSH_FALSE)
    issue = Transaction(
        TxType.ISSUE,
        0,
        {},
        [],
        [],
        [TxOutput(ans.hash, TOTAL_SUPPLY, issue_to)],
        [Witness(b"", PUSH_TRUE)],
    )
    txs = [miner, ans, anc, issue]
    header = Header(
        0,
        UInt256(bytes(32)),
        UInt256(merkle_root([tx.hash.to_bytes() for tx in txs])),
        timestamp,
        0,
        nonce,
        next_consensus,
        Witness(b"", PUSH_TRUE),
    )
    return Block(header, txs)


def genesis_block(profile: Profile) -> Block:
    g = profile.genesis
    block = build_genesis(profile.standby_keys, g.timestamp, g.nonce, g.ans_name, g.anc_name)
    if g.expected_hash is not None and str(block.hash) != g.expected_hash:
        raise ValueError(
            f"{profile.name} genesis hash {block.hash} differs from the profile's {g.expected_hash}"
        )
    return block


__all__ = [
    "build_genesis",
    "genesis_block",
]
