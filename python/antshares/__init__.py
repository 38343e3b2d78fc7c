"""antshares — a fast AntShares (小蚁) node: Python orchestration over a Rust core.

The public API: the protocol types, address and script helpers, ECDSA on three curves, and the
block verifier (`verify_block`).
"""

from antshares.core import (
    AssetType,
    Block,
    CoinReference,
    DecodeError,
    Header,
    Transaction,
    TxAttribute,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
    Witness,
)
from antshares.core.address import (
    address_from_script_hash,
    decode_address,
    multisig_script,
    script_address,
    script_hash,
    single_sig_script,
    wif_decode,
    wif_encode,
)
from antshares.crypto import Curve
from antshares.verify import BlockReport, verify_block, verify_blocks, verify_chain

__version__ = "0.1.0"

__all__ = [
    "AssetType",
    "Block",
    "BlockReport",
    "CoinReference",
    "Curve",
    "DecodeError",
    "Header",
    "Transaction",
    "TxAttribute",
    "TxOutput",
    "TxType",
    "UInt160",
    "UInt256",
    "Witness",
    "address_from_script_hash",
    "decode_address",
    "multisig_script",
    "script_address",
    "script_hash",
    "single_sig_script",
    "verify_block",
    "verify_blocks",
    "verify_chain",
    "wif_decode",
    "wif_encode",
]
