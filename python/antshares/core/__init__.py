"""Core types of the AntShares protocol (SPEC §1), decoded and encoded by the Rust codec.

The objects are immutable; build new ones with their constructors and serialize with `to_bytes()`.
"""

from enum import IntEnum

from antshares_native._native import (
    Block,
    CoinReference,
    DecodeError,
    Header,
    Transaction,
    TxAttribute,
    TxOutput,
    UInt160,
    UInt256,
    Witness,
    decode_headers_payload,
    encode_headers_payload,
)


class TxType(IntEnum):
    """Transaction type bytes (SPEC §4): every one is decoded; only some are valid on this chain."""

    MINER = 0x00
    ISSUE = 0x01
    CLAIM = 0x02
    ENROLLMENT = 0x20
    VOTING = 0x24
    REGISTER = 0x40
    CONTRACT = 0x80
    STATE = 0x90
    AGENCY = 0xB0
    PUBLISH = 0xD0
    INVOCATION = 0xD1


class AssetType(IntEnum):
    """Asset type bytes of RegisterTransaction (format-1x §3.5)."""

    ANTSHARE = 0x00
    ANTCOIN = 0x01
    CURRENCY = 0x08
    TOKEN = 0x60
    SHARE = 0x90
    INVOICE = 0x98

    @property
    def needs_receiver_signature(self) -> bool:
        """DutyFlag (0x80): receivers of Share and Invoice outputs must co-sign."""
        return bool(self.value & 0x80)


__all__ = [
    "AssetType",
    "Block",
    "CoinReference",
    "DecodeError",
    "Header",
    "Transaction",
    "TxAttribute",
    "TxOutput",
    "TxType",
    "UInt160",
    "UInt256",
    "Witness",
    "decode_headers_payload",
    "encode_headers_payload",
]
