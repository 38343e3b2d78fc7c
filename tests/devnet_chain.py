"""A small devnet for ledger tests: profile, chain state, block builder, accounts, signing.

Written from the rules (SPEC §1, §3, §4), not from the engine: witnesses are one per required
signer, sorted by script hash read as a little-endian number (UInt160 order); a single-signature
invocation is `40 ‖ sig`, a multisig one the m signatures in the script's key order; every
signature is over the transaction's unsigned bytes. The `Devnet` keeps its own UTXO view of the
chain (it watches each applied block) so tests can find coins to spend.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from antshares.chain.profiles import Profile
from antshares.core import (
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
from antshares.core.address import (
    consensus_threshold,
    multisig_script,
    script_hash,
    script_keys,
    single_sig_script,
)
from antshares.core.hashing import merkle_root
from antshares.crypto import public_key_from_secret, sign
from antshares.ledger.builder import BlockBuilder, BuiltBlock, MemoryBeaconSecrets
from antshares.ledger.chainstate import ChainState, RuleError
from antshares.ledger.digest import state_digest

FIXED8 = 10**8
PROFILE_TEMPLATE = (
    Path(__file__).resolve().parent.parent / "python/antshares/chain/profiles/mainnet.json"
)
GENESIS_TIME = 1_700_000_000
BLOCK_TIME = 15


def secret_of(label: str) -> bytes:
    """A deterministic 32-byte private key (a valid P-256 scalar with overwhelming odds)."""
    return hashlib.sha256(b"antshares-test-key/" + label.encode()).digest()


def le_int(b: bytes | UInt160 | UInt256) -> int:
    """A hash read as a little-endian number: the protocol's UInt160/UInt256 order."""
    raw = b if isinstance(b, bytes) else b.to_bytes()
    return int.from_bytes(raw, "little")


@dataclass(frozen=True)
class Account:
    """A standard verification script and the secrets that can sign for it."""

    script: bytes
    m: int
    secrets: tuple[bytes, ...]
    """In the script's key order."""

    @classmethod
    def single(cls, secret: bytes) -> "Account":
        return cls(single_sig_script(public_key_from_secret(secret)), 1, (secret,))

    @classmethod
    def multisig(cls, m: int, secrets: Sequence[bytes]) -> "Account":
        by_key = {public_key_from_secret(s): s for s in secrets}
        script = multisig_script(m, list(by_key))
        return cls(script, m, tuple(by_key[k] for k in script_keys(script)))

    @property
    def script_hash(self) -> UInt160:
        return script_hash(self.script)

    @property
    def public_key(self) -> bytes:
        return public_key_from_secret(self.secrets[0])

    def witness(self, message: bytes) -> Witness:
        invocation = b"".join(b"\x40" + sign(s, message) for s in self.secrets[: self.m])
        return Witness(invocation, self.script)


def witnesses_for(message: bytes, signers: Iterable[Account]) -> list[Witness]:
    unique = {a.script_hash: a for a in signers}
    ordered = sorted(unique.values(), key=lambda a: le_int(a.script_hash))
    return [a.witness(message) for a in ordered]


def make_tx(
    tx_type: int,
    exclusive: Mapping[str, Any],
    inputs: Sequence[CoinReference],
    outputs: Sequence[TxOutput],
    signers: Iterable[Account],
    *,
    version: int = 0,
    attributes: Sequence[TxAttribute] = (),
    witnesses: Sequence[Witness] | None = None,
) -> Transaction:
    """A transaction signed by `signers` (one witness each, sorted), or with `witnesses`."""
    unsigned = Transaction(tx_type, version, dict(exclusive), attributes, inputs, outputs, [])
    if witnesses is None:
        witnesses = witnesses_for(unsigned.unsigned_bytes(), signers)
    return Transaction(tx_type, version, dict(exclusive), attributes, inputs, outputs, witnesses)


def with_witnesses(tx: Transaction, witnesses: Sequence[Witness]) -> Transaction:
    return Transaction(
        tx.type, tx.version, tx.exclusive, tx.attributes, tx.inputs, tx.outputs, witnesses
    )


def make_profile(
    standby_keys: Sequence[bytes],
    fees: Mapping[str, int],
    deposit: int,
    timestamp: int = GENESIS_TIME,
) -> Profile:
    data = json.loads(PROFILE_TEMPLATE.read_text(encoding="utf-8"))
    data.update(
        name="devnet",
        magic=0x7E57,
        standby_keys=[k.hex() for k in standby_keys],
        service_fees_anc=dict(fees),
        min_enrollment_deposit_anc=deposit,
    )
    data["genesis"] = dict(data["genesis"], expected_hash=None, timestamp=timestamp)
    return Profile.from_dict(data)


def _deterministic_source(seed: str) -> Any:
    def source(height: int, dealer: int, coefficient: int) -> bytes:
        return hashlib.sha256(f"{seed}/{height}/{dealer}/{coefficient}".encode()).digest()

    return source


DEFAULT_FEES = {"register": 5, "issue": 3, "enrollment": 2, "voting": 1}


@dataclass
class Snapshot:
    height: int
    tip: bytes
    digest: bytes
    totals: tuple[int, int]
    bookkeepers: list[bytes]


@dataclass
class Devnet:
    """A solo (or n-bookkeeper, all keys held here) devnet in a temporary directory."""

    path: Path
    keepers: int = 1
    fees: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_FEES))
    deposit: int = 10
    seed: str = "devnet"

    def __post_init__(self) -> None:
        self.bookkeeper_secrets = [
            secret_of(f"{self.seed}/bookkeeper/{i}") for i in range(self.keepers)
        ]
        self.standby_keys = [public_key_from_secret(s) for s in self.bookkeeper_secrets]
        self.profile = make_profile(self.standby_keys, self.fees, self.deposit)
        self.state = ChainState.open(self.profile, self.path / "chain", sync=False)
        self.builder = BlockBuilder(
            self.state,
            self.bookkeeper_secrets,
            MemoryBeaconSecrets(),
            secret_source=_deterministic_source(self.seed),
        )
        ans, anc = self.state.engine.native_assets
        self.ans, self.anc = UInt256(ans), UInt256(anc)
        # The genesis pays all ANS to the (⌊n/2⌋+1)-of-n multisig of the standby keys.
        self.genesis_holder = Account.multisig(self.keepers // 2 + 1, self.bookkeeper_secrets)
        self.time = self.state.genesis.header.timestamp
        self.coins: dict[tuple[bytes, int], TxOutput] = {}
        self.blocks: list[Block] = [self.state.genesis]
        self._observe(self.state.genesis)

    # Keys and coins.

    def hold_keys(self, secrets: Iterable[bytes]) -> None:
        """Let the builder sign and deal for these keys too (elected bookkeepers)."""
        for s in secrets:
            self.builder.keys[public_key_from_secret(s)] = s

    def _observe(self, block: Block) -> None:
        for tx in block.transactions:
            refs = list(tx.inputs)
            if tx.type == TxType.AGENCY:
                for order in tx.exclusive["orders"]:
                    refs.extend(order["inputs"])
            for ref in refs:
                del self.coins[(ref.prev_hash.to_bytes(), ref.prev_index)]
            for i, out in enumerate(tx.outputs):
                self.coins[(tx.hash.to_bytes(), i)] = out

    def coins_of(self, owner: UInt160, asset: UInt256) -> list[tuple[CoinReference, int]]:
        return [
            (CoinReference(UInt256(h), i), out.value)
            for (h, i), out in sorted(self.coins.items())
            if out.script_hash == owner and out.asset_id == asset
        ]

    def balance(self, owner: UInt160, asset: UInt256) -> int:
        return sum(v for _, v in self.coins_of(owner, asset))

    def ans_holders(self) -> dict[bytes, int]:
        """Whole ANS shares per script hash (raw bytes) in the unspent outputs."""
        out: dict[bytes, int] = {}
        for coin in self.coins.values():
            if coin.asset_id == self.ans:
                key = coin.script_hash.to_bytes()
                out[key] = out.get(key, 0) + coin.value // FIXED8
        return out

    def fund(
        self,
        owner: Account,
        asset: UInt256,
        amount: int,
        exclude: Iterable[CoinReference] = (),
    ) -> tuple[list[CoinReference], list[TxOutput]]:
        """Inputs of `owner` holding at least `amount` of `asset`, and the change output."""
        skip = set(exclude)
        inputs: list[CoinReference] = []
        total = 0
        for ref, value in self.coins_of(owner.script_hash, asset):
            if total >= amount and inputs:
                break
            if ref in skip:
                continue
            inputs.append(ref)
            total += value
        if total < amount:
            raise AssertionError(f"{owner.script_hash} holds {total} of {asset}, {amount} needed")
        change = [TxOutput(asset, total - amount, owner.script_hash)] if total > amount else []
        return inputs, change

    def contract(
        self,
        payer: Account,
        payments: Sequence[tuple[UInt256, int, UInt160]],
        anc_fee: int = 0,
        signers: Iterable[Account] = (),
        exclude: Iterable[CoinReference] = (),
    ) -> Transaction:
        """A ContractTransaction from `payer`: the payments, change, and `anc_fee` destroyed."""
        need: dict[UInt256, int] = {}
        for asset, value, _ in payments:
            need[asset] = need.get(asset, 0) + value
        if anc_fee:
            need[self.anc] = need.get(self.anc, 0) + anc_fee
        inputs: list[CoinReference] = []
        outputs = [TxOutput(a, v, h) for a, v, h in payments]
        for asset, amount in sorted(need.items(), key=lambda kv: kv[0].to_bytes()):
            ins, change = self.fund(payer, asset, amount, exclude)
            inputs += ins
            outputs += change
        return make_tx(TxType.CONTRACT, {}, inputs, outputs, [payer, *signers])

    def paid_tx(
        self,
        tx_type: int,
        exclusive: Mapping[str, Any],
        payer: Account,
        outputs: Sequence[TxOutput],
        anc_fee: int,
        signers: Iterable[Account] = (),
        extra_inputs: Sequence[CoinReference] = (),
        exclude: Iterable[CoinReference] = (),
    ) -> Transaction:
        """A transaction of any type whose ANC (`anc_fee` + ANC outputs) comes from `payer`."""
        anc_out = sum(o.value for o in outputs if o.asset_id == self.anc)
        inputs, change = self.fund(payer, self.anc, anc_fee + anc_out, exclude)
        return make_tx(
            tx_type,
            exclusive,
            [*extra_inputs, *inputs],
            [*outputs, *change],
            [payer, *signers],
        )

    def reopen(self) -> None:
        """Close the store and load the engine again from it."""
        self.state.close()
        self.state = ChainState.open(self.profile, self.path / "chain", sync=False)
        self.builder.state = self.state

    # Blocks.

    def next_time(self) -> int:
        self.time += BLOCK_TIME
        return self.time

    def build(self, txs: Sequence[Transaction] = ()) -> BuiltBlock:
        return self.builder.build(list(txs), self.next_time())

    def rejected(self, txs: Sequence[Transaction]) -> dict[int, str]:
        """Which candidates the engine leaves out of the next block, and by which rule."""
        return {pos: rule for pos, rule, _ in self.build(txs).rejected}

    def apply(self, raw: bytes, verify: bool = True) -> None:
        result = self.state.apply_blocks([raw], verify_signatures=verify)
        if result.error is not None:
            raise result.error
        assert result.applied == 1
        block = Block.from_bytes(raw)
        self.blocks.append(block)
        self._observe(block)

    def produce(self, txs: Sequence[Transaction] = (), all_valid: bool = True) -> BuiltBlock:
        built = self.build(txs)
        if all_valid:
            assert built.rejected == [], built.rejected
        self.apply(built.raw)
        return built

    def snapshot(self) -> Snapshot:
        engine = self.state.engine
        return Snapshot(
            self.state.height,
            self.state.tip_hash,
            state_digest(self.state.store),
            engine.totals,
            list(engine.bookkeepers),
        )

    def reject(self, raw: bytes, rule: str, verify: bool = True) -> RuleError:
        """Apply a block that must break `rule`: nothing may change."""
        before = self.snapshot()
        result = self.state.apply_blocks([raw], verify_signatures=verify)
        assert result.error is not None, f"the block was accepted, expected {rule}"
        assert result.applied == 0
        assert result.error.rule == rule, f"{result.error.rule}: {result.error.detail}"
        assert self.snapshot() == before
        return result.error

    def sign_header(self, header: Header, keepers: Sequence[bytes] | None = None) -> Header:
        """The header with a block witness from the bookkeepers (held secrets only)."""
        keys = list(self.state.engine.bookkeepers if keepers is None else keepers)
        script = multisig_script(consensus_threshold(len(keys)), keys)
        held = self.builder.keys
        sigs = [sign(held[k], header.unsigned_bytes()) for k in script_keys(script) if k in held]
        invocation = b"".join(b"\x40" + s for s in sigs[: consensus_threshold(len(keys))])
        return replace_header(header, witness=Witness(invocation, script))

    def reassemble(
        self,
        block: Block,
        txs: Sequence[Transaction] | None = None,
        *,
        sign_it: bool = True,
        keep_merkle: bool = False,
        **header_changes: Any,
    ) -> bytes:
        """`block` with other transactions and/or header fields, Merkle root recomputed (unless
        `keep_merkle` or given) and the header signed again by the bookkeepers (unless not)."""
        txs = list(block.transactions if txs is None else txs)
        if not keep_merkle and "merkle_root" not in header_changes:
            header_changes["merkle_root"] = UInt256(merkle_root([t.hash.to_bytes() for t in txs]))
        header = replace_header(block.header, **header_changes)
        if sign_it and "witness" not in header_changes:
            header = self.sign_header(header)
        return Block(header, txs).to_bytes()


def replace_header(header: Header, **changes: Any) -> Header:
    fields: dict[str, Any] = {
        "version": header.version,
        "prev_hash": header.prev_hash,
        "merkle_root": header.merkle_root,
        "timestamp": header.timestamp,
        "index": header.index,
        "consensus_data": header.consensus_data,
        "next_consensus": header.next_consensus,
        "witness": header.witness,
    }
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"no header fields {unknown}")
    fields.update(changes)
    return Header(**fields)


def replace_tx(tx: Transaction, **changes: Any) -> Transaction:
    fields: dict[str, Any] = {
        "type": tx.type,
        "version": tx.version,
        "exclusive": tx.exclusive,
        "attributes": tx.attributes,
        "inputs": tx.inputs,
        "outputs": tx.outputs,
        "witnesses": tx.witnesses,
    }
    fields.update(changes)
    return Transaction(**fields)
