"""NEO 2.x JSON of this chain's objects: blocks, headers, transactions, outputs, assets.

Hashes are display order with `0x` (NEO 2.x `UInt256.ToString()`); amounts are decimal strings
(`Fixed8.ToString()`); script hashes show as addresses. An output knows only its script hash,
not the keys behind it, so it shows with the profile's address version (0x17 by default); the
curve-specific versions (SPEC §3) decode to the same script hash wherever an address is taken.

Type names follow NEO 2.x where NEO has the type (`ContractTransaction`, `GoverningToken`...),
AntShares 1.0 where only it had one (`VotingTransaction`, `AgencyTransaction`).
"""

import json
from collections.abc import Mapping
from typing import Any

from antshares.core import (
    AssetType,
    Block,
    CoinReference,
    Header,
    Transaction,
    TxAttribute,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
    Witness,
)
from antshares.core.address import address_from_script_hash
from antshares.wallet.ledger_view import AssetInfo, format_amount

__all__ = ["NEVER_EXPIRES", "Shapes", "amount", "asset_name", "hash_hex", "tx_type_name"]

NEVER_EXPIRES = 0xFFFFFFFF
"""getassetstate `expiration`: assets on this chain have no renewal height (NEO 2.x's did)."""

_TX_TYPE_NAMES: dict[int, str] = {
    TxType.MINER: "MinerTransaction",
    TxType.ISSUE: "IssueTransaction",
    TxType.CLAIM: "ClaimTransaction",
    TxType.ENROLLMENT: "EnrollmentTransaction",
    TxType.VOTING: "VotingTransaction",
    TxType.REGISTER: "RegisterTransaction",
    TxType.CONTRACT: "ContractTransaction",
    TxType.STATE: "StateTransaction",
    TxType.AGENCY: "AgencyTransaction",
    TxType.PUBLISH: "PublishTransaction",
    TxType.INVOCATION: "InvocationTransaction",
}
_ASSET_TYPE_NAMES = {
    AssetType.ANTSHARE: "GoverningToken",
    AssetType.ANTCOIN: "UtilityToken",
    AssetType.CURRENCY: "Currency",
    AssetType.SHARE: "Share",
    AssetType.INVOICE: "Invoice",
    AssetType.TOKEN: "Token",
}
_ATTRIBUTE_NAMES = {
    0x00: "ContractHash",
    0x02: "ECDH02",
    0x03: "ECDH03",
    0x20: "Script",
    0x30: "Vote",
    0x80: "CertUrl",
    0x81: "DescriptionUrl",
    0x90: "Description",
    **{0xA0 + i: f"Hash{i}" for i in range(1, 16)},
    0xF0: "Remark",
    **{0xF0 + i: f"Remark{i}" for i in range(1, 16)},
}


def hash_hex(h: UInt256 | UInt160) -> str:
    return f"0x{h}"


def tx_type_name(tx_type: int) -> str:
    return _TX_TYPE_NAMES.get(tx_type, f"0x{tx_type:02x}")


def amount(value: int) -> str:
    """A raw Fixed8 value as NEO's Fixed8.ToString() prints it."""
    return format_amount(value, 8)


def asset_name(raw: str) -> Any:
    """A registered name as NEO shows it: the JSON it holds (a list of {lang, name}), else
    the text; null for an empty name."""
    if raw == "":
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class Shapes:
    """JSON builders that need the network's address version."""

    def __init__(self, address_version: int) -> None:
        self.address_version = address_version

    def address(self, script_hash: UInt160) -> str:
        return address_from_script_hash(script_hash, self.address_version)

    # Transactions.

    def input(self, ref: CoinReference) -> dict[str, Any]:
        return {"txid": hash_hex(ref.prev_hash), "vout": ref.prev_index}

    def output(self, out: TxOutput, index: int) -> dict[str, Any]:
        return {
            "n": index,
            "asset": hash_hex(out.asset_id),
            "value": amount(out.value),
            "address": self.address(out.script_hash),
        }

    @staticmethod
    def witness(witness: Witness) -> dict[str, str]:
        return {
            "invocation": witness.invocation.hex(),
            "verification": witness.verification.hex(),
        }

    @staticmethod
    def attribute(attribute: TxAttribute) -> dict[str, Any]:
        usage = attribute.usage
        return {
            "usage": _ATTRIBUTE_NAMES.get(usage, f"0x{usage:02x}"),
            "data": attribute.data.hex(),
        }

    def transaction(self, tx: Transaction, fees: tuple[int, int] | None = None) -> dict[str, Any]:
        """NEO 2.x Transaction.ToJson, plus the type's own fields. `fees` = (system fee, network
        fee) in satoshi; null when they cannot be known (inputs not in the chain yet)."""
        json_tx: dict[str, Any] = {
            "txid": hash_hex(tx.hash),
            "size": tx.size,
            "type": tx_type_name(tx.type),
            "version": tx.version,
        }
        json_tx.update(
            attributes=[self.attribute(a) for a in tx.attributes],
            vin=[self.input(ref) for ref in tx.inputs],
            vout=[self.output(out, i) for i, out in enumerate(tx.outputs)],
            sys_fee=None if fees is None else amount(fees[0]),
            net_fee=None if fees is None else amount(fees[1]),
            scripts=[self.witness(w) for w in tx.witnesses],
        )
        json_tx.update(self._exclusive(tx))  # NEO's subclasses add their fields last
        return json_tx

    def _exclusive(self, tx: Transaction) -> dict[str, Any]:
        fields = tx.exclusive
        kind = tx.type
        if kind == TxType.MINER:
            miner: dict[str, Any] = {"nonce": fields["nonce"]}
            if "dealings" in fields:  # version 1: the random beacon's evidence (SPEC §7.7)
                miner["dealings"] = [
                    {"dealer": d["dealer"], "commitments": [c.hex() for c in d["commitments"]]}
                    for d in fields["dealings"]
                ]
                miner["secrets"] = [
                    {"dealer": s["dealer"], "secret": s["secret"].hex()} for s in fields["secrets"]
                ]
            return miner
        if kind == TxType.ENROLLMENT:
            return {"pubkey": fields["public_key"].hex()}
        if kind == TxType.VOTING:
            return {"enrollments": [hash_hex(h) for h in fields["enrollments"]]}
        if kind == TxType.REGISTER:
            return {"asset": self._registration(fields)}
        if kind == TxType.CLAIM:
            return {"claims": [self.input(ref) for ref in fields["claims"]]}
        if kind == TxType.AGENCY:
            return self._agency(fields)
        if kind == TxType.STATE:
            return {"descriptors": [_descriptor(d) for d in fields["descriptors"]]}
        if kind == TxType.PUBLISH:
            return {"contract": _contract(fields)}
        if kind == TxType.INVOCATION:
            invocation: dict[str, Any] = {"script": fields["script"].hex()}
            if "gas" in fields:
                invocation["gas"] = amount(fields["gas"])
            return invocation
        return {}

    def _registration(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "type": _asset_type_name(fields["asset_type"]),
            "name": asset_name(fields["name"]),
            "amount": amount(fields["amount"]),
            "precision": fields["precision"],
            "owner": bytes(fields["owner"]).hex(),
            "admin": self.address(fields["admin"]),
        }

    def _agency(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        split = fields.get("split_order")
        return {
            "asset": hash_hex(fields["asset_id"]),
            "valueasset": hash_hex(fields["value_asset_id"]),
            "agent": self.address(fields["agent"]),
            "orders": [
                {
                    "amount": amount(order["amount"]),
                    "price": amount(order["price"]),
                    "client": self.address(order["client"]),
                    "vin": [self.input(ref) for ref in order["inputs"]],
                    "scripts": [self.witness(w) for w in order["witnesses"]],
                }
                for order in fields["orders"]
            ],
            "splitorder": None
            if split is None
            else {
                "amount": amount(split["amount"]),
                "price": amount(split["price"]),
                "client": self.address(split["client"]),
            },
        }

    # Blocks.

    def header(
        self, header: Header, size: int, confirmations: int, next_hash: UInt256 | None
    ) -> dict[str, Any]:
        """NEO 2.x Header.ToJson with getblockheader's confirmations and nextblockhash."""
        json_header: dict[str, Any] = {
            "hash": hash_hex(header.hash),
            "size": size,
            "version": header.version,
            "previousblockhash": hash_hex(header.prev_hash),
            "merkleroot": hash_hex(header.merkle_root),
            "time": header.timestamp,
            "index": header.index,
            "nonce": f"{header.consensus_data:016x}",
            "nextconsensus": self.address(header.next_consensus),
            "script": self.witness(header.witness),
            "confirmations": confirmations,
        }
        if next_hash is not None:
            json_header["nextblockhash"] = hash_hex(next_hash)
        return json_header

    def block(
        self,
        block: Block,
        size: int,
        fees: list[tuple[int, int] | None],
        confirmations: int,
        next_hash: UInt256 | None,
    ) -> dict[str, Any]:
        """NEO 2.x Block.ToJson; `fees` per transaction as `transaction` takes them."""
        json_block = self.header(block.header, size, confirmations, next_hash)
        json_block["tx"] = [
            self.transaction(tx, fee) for tx, fee in zip(block.transactions, fees, strict=True)
        ]
        # NEO puts tx before confirmations: keep its key order for clients that diff dumps.
        for key in ("confirmations", "nextblockhash"):
            if key in json_block:
                json_block[key] = json_block.pop(key)
        return json_block

    # State.

    def asset(self, info: AssetInfo) -> dict[str, Any]:
        """NEO 2.x AssetState.ToJson from this chain's asset record: `available` is the issued
        amount, the issuer is the admin (as NEO registered it), and nothing expires or
        freezes here."""
        admin = self.address(info.admin)
        return {
            "version": 0,
            "id": hash_hex(info.asset_id),
            "type": _asset_type_name(info.asset_type),
            "name": asset_name(info.name),
            "amount": amount(info.amount),
            "available": amount(info.issued),
            "precision": info.precision,
            "owner": info.owner.hex(),
            "admin": admin,
            "issuer": admin,
            "expiration": NEVER_EXPIRES,
            "frozen": False,
        }


def _asset_type_name(asset_type: int) -> str:
    try:
        return _ASSET_TYPE_NAMES[AssetType(asset_type)]
    except ValueError:
        return f"0x{asset_type:02x}"


def _descriptor(d: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": d["type"],
        "key": d["key"].hex(),
        "field": d["field"],
        "value": d["value"].hex(),
    }


def _contract(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": {
            "script": fields["script"].hex(),
            "parameters": fields["parameter_list"].hex(),
            "returntype": fields["return_type"],
        },
        "needstorage": bool(fields.get("need_storage", False)),
        "name": fields["name"],
        "version": fields["code_version"],
        "author": fields["author"],
        "email": fields["email"],
        "description": fields["description"],
    }
