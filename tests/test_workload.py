"""`antshares devnet init` and the devnet workload (python/antshares/devnet).

The workload's transactions are checked by a small reference ledger written here from the rules
(SPEC §4–§5), not from the workload: it keeps its own UTXO set, recomputes every transaction's
required signers from the coins it spends, verifies each signature, and mints ANC by the lottery
into the blocks it builds, so the workload has to live off what the chain gives it.
"""

import json
import os
import random
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from antshares_native import _native

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import Profile, load_profile
from antshares.cli import main
from antshares.core import (
    AssetType,
    Block,
    Header,
    Transaction,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
    Witness,
)
from antshares.core.address import (
    key_curve,
    parse_invocation,
    script_hash,
    single_sig_script,
)
from antshares.core.hashing import merkle_root
from antshares.crypto import Curve, public_key_from_secret, verify
from antshares.devnet import Kind, Workload, init_devnet, load_bookkeeper_keys
from antshares.devnet.init import KEYS_FILE, PROFILE_FILE
from antshares.ledger.lottery import HolderIndex, lottery_number, mint_amount

FIXED8 = 10**8
HALF_ORDER = {
    Curve.SECP256R1: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551 // 2,
    Curve.SECP256K1: 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141 // 2,
}
SERVICE_FEE = {
    TxType.REGISTER: "register",
    TxType.ISSUE: "issue",
    TxType.ENROLLMENT: "enrollment",
    TxType.VOTING: "voting",
}
ENABLED = {TxType.ISSUE, TxType.ENROLLMENT, TxType.VOTING, TxType.REGISTER, TxType.CONTRACT}
TIMESTAMP = 1_700_000_000
Outpoint = tuple[bytes, int]


class RuleViolation(AssertionError):
    pass


def require(condition: bool, message: str) -> None:
    if not condition:
        raise RuleViolation(message)


def le_order(h: UInt160) -> int:
    return int.from_bytes(h.to_bytes(), "little")


@dataclass
class AssetState:
    asset_type: int
    unit: int
    cap: int
    admin: UInt160
    issued: int = 0


@dataclass
class TxFacts:
    """What a checked transaction did, for the coverage assertions."""

    tx: Transaction
    signers: list[UInt160]
    spent_assets: set[bytes]
    withdrew: bool


@dataclass
class ReferenceLedger:
    """The rules of SPEC §4–§5, as plainly as possible: check, then apply, one tx at a time."""

    profile: Profile
    utxo: dict[Outpoint, TxOutput] = field(default_factory=dict)
    assets: dict[bytes, AssetState] = field(default_factory=dict)
    enrollments: dict[bytes, bytes] = field(default_factory=dict)  # active: txid -> key
    deposits: dict[Outpoint, bytes] = field(default_factory=dict)
    holders: HolderIndex = field(default_factory=HolderIndex)
    minted: int = 0
    burned: int = 0
    ans: bytes = b""
    anc: bytes = b""
    tip: Block | None = None

    def fee(self, name: str) -> int:
        return self.profile.service_fees_anc.get(name, 0) * FIXED8

    def apply_genesis(self, block: Block) -> None:
        for tx in block.transactions:
            if tx.type == TxType.REGISTER:
                self.register(tx)
            self.add_outputs(tx)
        self.tip = block

    def register(self, tx: Transaction) -> None:
        x = tx.exclusive
        self.assets[tx.hash.to_bytes()] = AssetState(
            x["asset_type"], 10 ** (8 - x["precision"]), x["amount"], x["admin"]
        )
        if x["asset_type"] == AssetType.ANTSHARE:
            self.ans = tx.hash.to_bytes()
        elif x["asset_type"] == AssetType.ANTCOIN:
            self.anc = tx.hash.to_bytes()

    def add_outputs(self, tx: Transaction) -> None:
        txid = tx.hash.to_bytes()
        for i, out in enumerate(tx.outputs):
            self.utxo[(txid, i)] = out
            if out.asset_id.to_bytes() == self.ans:
                self.holders.add(out.script_hash, out.value // FIXED8)

    def check_witnesses(self, tx: Transaction, required: set[UInt160]) -> list[UInt160]:
        witnesses = tx.witnesses
        hashes = [w.script_hash for w in witnesses]
        require(
            [le_order(h) for h in hashes] == sorted(le_order(h) for h in required),
            f"witnesses {list(map(str, hashes))} != required {sorted(map(str, required))}",
        )
        require(len(set(hashes)) == len(hashes), "two witnesses for one script")
        message = tx.unsigned_bytes()
        for w in witnesses:
            kind = _native.classify_script(w.verification)
            if kind[0] == "single":
                m, keys = 1, [kind[1]]
            elif kind[0] == "multisig":
                m, keys = kind[1], kind[2]
            else:
                raise RuleViolation("non-standard verification script")
            signatures = parse_invocation(w.invocation)
            require(signatures is not None and len(signatures) == m, "need m signature pushes")
            assert signatures is not None
            k = 0
            for sig in signatures:  # CHECKMULTISIG: signatures in key order
                while k < len(keys) and not verify(keys[k][-33:], message, sig, key_curve(keys[k])):
                    k += 1
                require(k < len(keys), f"a signature of {w.script_hash} does not verify")
                curve = key_curve(keys[k])
                if curve in HALF_ORDER:
                    require(int.from_bytes(sig[32:], "big") <= HALF_ORDER[curve], "high S")
                k += 1
        return hashes

    def check_and_apply(self, tx: Transaction) -> tuple[int, TxFacts]:
        """Raises RuleViolation; returns the byte fee and what the transaction did."""
        t = TxType(tx.type)
        require(t in ENABLED, f"type {t.name} is not enabled")
        refs = [(r.prev_hash.to_bytes(), r.prev_index) for r in tx.inputs]
        require(len(set(refs)) == len(refs), "duplicate input")
        for r in refs:
            require(r in self.utxo, f"input {r[0][::-1].hex()}:{r[1]} missing or spent")
        spent = [self.utxo[r] for r in refs]
        outputs = tx.outputs
        flows: dict[bytes, list[int]] = {}
        for o in spent:
            flows.setdefault(o.asset_id.to_bytes(), [0, 0])[0] += o.value
        for o in outputs:
            asset = o.asset_id.to_bytes()
            require(asset in self.assets, "output of an unregistered asset")
            require(o.value > 0, "output value must be positive")
            unit = self.assets[asset].unit
            require(o.value % unit == 0, f"value {o.value} is not a multiple of {unit}")
            flows.setdefault(asset, [0, 0])[1] += o.value
        issued: dict[bytes, int] = {}
        for asset, (value_in, value_out) in flows.items():
            if asset == self.anc:
                require(value_in >= value_out, "ANC out exceeds in")
            elif t == TxType.ISSUE and value_out > value_in:
                issued[asset] = value_out - value_in
                state = self.assets[asset]
                require(
                    state.cap == -1 or state.issued + issued[asset] <= state.cap,
                    f"issue exceeds the cap of {asset[::-1].hex()}",
                )
            else:
                require(value_in == value_out, f"{asset[::-1].hex()}: in {value_in} != out")
        fee_name = SERVICE_FEE.get(t)
        fee = self.fee(fee_name) if fee_name else 0
        if t == TxType.ISSUE and set(issued) <= {self.ans, self.anc}:
            fee = 0
        anc_in, anc_out = flows.get(self.anc, [0, 0])
        require(anc_in - anc_out >= fee, f"fee {fee} not paid (ANC in−out {anc_in - anc_out})")

        required = {o.script_hash for o in spent}
        moved = {o.asset_id.to_bytes() for o in spent} | {o.asset_id.to_bytes() for o in outputs}
        for o in outputs:
            if self.assets[o.asset_id.to_bytes()].asset_type & 0x80:
                required.add(o.script_hash)
        for asset in moved:
            if self.assets[asset].asset_type == AssetType.SHARE:
                required.add(self.assets[asset].admin)
        for asset in issued:
            required.add(self.assets[asset].admin)
        x = tx.exclusive
        if t == TxType.REGISTER:
            require(
                x["asset_type"] in (AssetType.CURRENCY, AssetType.SHARE, AssetType.TOKEN),
                "only user assets are registered",
            )
            require(0 <= x["precision"] <= 8, "precision 0..8")
            unit = 10 ** (8 - x["precision"])
            require(x["amount"] == -1 or (x["amount"] > 0 and x["amount"] % unit == 0), "amount")
            require(isinstance(json.loads(x["name"]), list), "name is a JSON list")
            required.add(script_hash(single_sig_script(x["owner"])))
        elif t == TxType.ENROLLMENT:
            key = x["public_key"]
            enrollee = script_hash(single_sig_script(key))
            required.add(enrollee)
            deposit = outputs[0]
            require(deposit.asset_id.to_bytes() == self.anc, "deposit is ANC")
            require(deposit.value >= self.profile.min_enrollment_deposit_anc * FIXED8, "deposit")
            require(deposit.script_hash == enrollee, "deposit pays the enrollee")
        elif t == TxType.VOTING:
            ids = [e.to_bytes() for e in x["enrollments"]]
            require(1 <= len(ids) <= 1024 and len(set(ids)) == len(ids), "1..1024 distinct")
            require(all(e in self.enrollments for e in ids), "vote for an inactive enrollment")
            keys = [self.enrollments[e] for e in ids]
            require(len(set(keys)) == len(keys), "a public key twice in one vote")
            require(any(o.asset_id.to_bytes() == self.ans for o in outputs), "no ANS output")
        signers = self.check_witnesses(tx, required)

        # Apply.
        withdrew = False
        for r, o in zip(refs, spent, strict=True):
            del self.utxo[r]
            if o.asset_id.to_bytes() == self.ans:
                self.holders.add(o.script_hash, -(o.value // FIXED8))
            txid = self.deposits.pop(r, None)
            if txid is not None:
                del self.enrollments[txid]
                withdrew = True
        if t == TxType.REGISTER:
            self.register(tx)
        elif t == TxType.ENROLLMENT:
            self.enrollments[tx.hash.to_bytes()] = x["public_key"]
            self.deposits[(tx.hash.to_bytes(), 0)] = tx.hash.to_bytes()
        for asset, amount in issued.items():
            self.assets[asset].issued += amount
        self.add_outputs(tx)
        self.burned += fee
        facts = TxFacts(tx, signers, {o.asset_id.to_bytes() for o in spent}, withdrew)
        return anc_in - anc_out - fee, facts

    def next_block(self, txs: list[Transaction], rng: random.Random) -> tuple[Block, list[TxFacts]]:
        """Check and apply `txs`, then add the MinerTransaction: the lottery mint (drawn over
        the holders at the end of the previous block) and the byte fees to the bookkeepers."""
        assert self.tip is not None
        winner = self.holders.winner(lottery_number(rng.randbytes(32)))
        mint = mint_amount(self.minted, self.burned)
        byte_fees = 0
        facts = []
        for tx in txs:
            fee, fact = self.check_and_apply(tx)
            byte_fees += fee
            facts.append(fact)
        anc = UInt256(self.anc)
        outputs = [TxOutput(anc, mint, winner)] if mint else []
        keys = self.profile.standby_keys
        share, rest = divmod(byte_fees, len(keys))
        for i, key in enumerate(keys):
            value = share + (rest if i == 0 else 0)
            if value:
                outputs.append(TxOutput(anc, value, script_hash(single_sig_script(key))))
        miner = Transaction(TxType.MINER, 0, {"nonce": rng.getrandbits(32)}, [], [], outputs, [])
        self.add_outputs(miner)
        self.minted += mint
        block_txs = [miner, *txs]
        header = Header(
            0,
            self.tip.hash,
            UInt256(merkle_root([t.hash.to_bytes() for t in block_txs])),
            self.tip.timestamp + 15,
            self.tip.index + 1,
            rng.getrandbits(64),
            self.tip.header.next_consensus,
            Witness(b"", b"\x51"),
        )
        block = Block(header, block_txs)
        self.tip = block
        return block, facts


def make_devnet(tmp_path: Path, bookkeepers: int = 4) -> tuple[Profile, list[bytes]]:
    init_devnet(tmp_path, bookkeepers=bookkeepers, seed="tests", timestamp=TIMESTAMP)
    return load_profile(str(tmp_path / PROFILE_FILE)), load_bookkeeper_keys(tmp_path)


@dataclass
class Run:
    blocks: list[Block]
    facts: list[TxFacts]
    batches: list[list[Transaction]]
    workload: Workload


def simulate(
    profile: Profile,
    secrets: list[bytes],
    seed: int,
    blocks: int,
    per_block: int,
    include: float = 1.0,
    **options: Any,
) -> Run:
    """Run the workload against the reference ledger. `include` < 1: blocks take a random prefix
    of each batch, abandoning the rest."""
    rng = random.Random(1234)
    ledger = ReferenceLedger(profile)
    genesis = genesis_block(profile)
    ledger.apply_genesis(genesis)
    workload = Workload(profile, secrets, seed, **options)
    workload.on_block(genesis)
    run = Run([genesis], [], [], workload)
    for _ in range(blocks):
        batch = workload.next_transactions(per_block)
        run.batches.append(batch)
        if include < 1.0:
            batch = batch[: int(len(batch) * rng.uniform(include, 1.0))]
        block, facts = ledger.next_block(batch, rng)
        workload.on_block(block)
        run.blocks.append(block)
        run.facts.extend(facts)
    return run


@pytest.fixture(scope="module")
def devnet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Profile, list[bytes]]:
    return make_devnet(tmp_path_factory.mktemp("devnet"))


@pytest.fixture(scope="module")
def long_run(devnet: tuple[Profile, list[bytes]]) -> Run:
    profile, secrets = devnet
    return simulate(profile, secrets, seed=11, blocks=40, per_block=150)


# --- devnet init ------------------------------------------------------------------------------


def test_init_writes_a_loadable_profile_and_private_keys(tmp_path: Path) -> None:
    result = init_devnet(tmp_path / "net", bookkeepers=4, block_time=2, seed=5)
    profile = load_profile(str(tmp_path / "net" / PROFILE_FILE))
    assert profile == result.profile
    assert (profile.name, profile.p2p_port, profile.rpc_port) == ("devnet", 30333, 30332)
    assert profile.block_time_seconds == 2
    assert profile.service_fees_anc == {"register": 1, "issue": 1, "enrollment": 1, "voting": 1}
    assert profile.min_enrollment_deposit_anc == 10 and profile.seeds == ()
    assert profile.magic not in (0x00746E41, 0x74746E41) and 0 <= profile.magic < 2**32
    block = genesis_block(profile)
    issue = block.transactions[3]
    assert issue.outputs[0].value == 100_000_000 * FIXED8
    keys_path = tmp_path / "net" / KEYS_FILE
    assert stat.S_IMODE(os.stat(keys_path).st_mode) == 0o600
    assert "DEVNET ONLY" in json.loads(keys_path.read_text())["warning"]
    secrets = load_bookkeeper_keys(tmp_path / "net")
    assert [public_key_from_secret(s) for s in secrets] == list(profile.standby_keys)
    assert len(set(profile.standby_keys)) == 4


def test_init_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    a = init_devnet(tmp_path / "a", bookkeepers=3, seed="s", timestamp=TIMESTAMP)
    b = init_devnet(tmp_path / "b", bookkeepers=3, seed="s", timestamp=TIMESTAMP)
    c = init_devnet(tmp_path / "c", bookkeepers=3, seed="t", timestamp=TIMESTAMP)
    assert a.profile_path.read_bytes() == b.profile_path.read_bytes()
    assert a.keys_path.read_bytes() == b.keys_path.read_bytes()
    assert a.profile.standby_keys != c.profile.standby_keys
    assert a.profile.magic != c.profile.magic
    unseeded = init_devnet(tmp_path / "d", bookkeepers=3, timestamp=TIMESTAMP)
    assert unseeded.profile.standby_keys != a.profile.standby_keys


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    first = init_devnet(tmp_path, seed=1)
    before = (first.profile_path.read_bytes(), first.keys_path.read_bytes())
    with pytest.raises(FileExistsError, match="refusing to overwrite"):
        init_devnet(tmp_path, seed=2)
    assert (first.profile_path.read_bytes(), first.keys_path.read_bytes()) == before
    # A keys file alone (say, a half-deleted devnet) also blocks a new profile.
    other = tmp_path / "other"
    other.mkdir()
    (other / KEYS_FILE).write_text("{}")
    with pytest.raises(FileExistsError):
        init_devnet(other, seed=3)
    assert not (other / PROFILE_FILE).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bookkeepers": 0}, "bookkeepers must be between 1 and 1024, got 0"),
        ({"block_time": 0}, "block time"),
        ({"magic": 0x00746E41}, "belongs to a public network"),
        ({"magic": 2**32}, "magic must be between"),
    ],
)
def test_init_rejects_bad_arguments(tmp_path: Path, kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        init_devnet(tmp_path, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_load_bookkeeper_keys_reports_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no bookkeeper keys at"):
        load_bookkeeper_keys(tmp_path)
    init_devnet(tmp_path, bookkeepers=2, seed=1)
    path = tmp_path / KEYS_FILE
    doc = json.loads(path.read_text())
    doc["keys"][1]["public_key"] = doc["keys"][0]["public_key"]
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"keys\[1\]: the WIF does not belong"):
        load_bookkeeper_keys(tmp_path)
    path.write_text("not json")
    with pytest.raises(ValueError, match="invalid bookkeeper keys file"):
        load_bookkeeper_keys(tmp_path)


def test_cli_devnet_init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["devnet", "init", "--data-dir", str(tmp_path), "--bookkeepers", "4"]
    assert main([*args, "--seed", "7", "--block-time", "1", "--magic", "0x1234"]) == 0
    out = capsys.readouterr().out
    profile = load_profile(str(tmp_path / PROFILE_FILE))
    assert (profile.magic, profile.block_time_seconds, len(profile.standby_keys)) == (
        0x1234,
        1,
        4,
    )
    assert str(genesis_block(profile).hash) in out
    assert main(args) == 1
    assert "refusing to overwrite" in capsys.readouterr().err
    assert main(["devnet", "init", "--data-dir", str(tmp_path / "x"), "--bookkeepers", "0"]) == 2
    assert "bookkeepers must be between" in capsys.readouterr().err


# --- the workload -----------------------------------------------------------------------------


def test_every_transaction_follows_the_rules(long_run: Run) -> None:
    # The reference ledger raised on any violation while the run was built; here: it did work.
    assert len(long_run.blocks) == 41
    assert sum(len(b) for b in long_run.batches) == 40 * 150
    assert all(len(b) == 150 for b in long_run.batches)
    assert len(long_run.facts) == 40 * 150


def test_the_mix_covers_every_kind(long_run: Run) -> None:
    emitted = long_run.workload.emitted
    assert set(emitted) == set(Kind), emitted
    types = Counter(TxType(f.tx.type) for f in long_run.facts)
    assert set(types) == ENABLED, types
    registers = Counter(f.tx.exclusive["asset_type"] for f in long_run.facts if f.tx.type == 0x40)
    assert {AssetType.CURRENCY, AssetType.SHARE, AssetType.TOKEN} <= set(registers)
    precisions = {f.tx.exclusive["precision"] for f in long_run.facts if f.tx.type == 0x40}
    assert len(precisions - {0, 8}) >= 1  # outputs are checked against 10^(8 − precision)
    # Issues come in batches: some asset is issued more than once.
    issued = Counter(f.tx.outputs[0].asset_id for f in long_run.facts if f.tx.type == 0x01)
    assert max(issued.values()) >= 2
    # Votes list 1..5 candidates, with more than one size seen.
    sizes = {len(f.tx.exclusive["enrollments"]) for f in long_run.facts if f.tx.type == 0x24}
    assert sizes <= set(range(1, 6)) and len(sizes) >= 2
    assert any(f.withdrew for f in long_run.facts)


def test_witness_kinds(long_run: Run) -> None:
    curves: Counter[str] = Counter()
    multisig_pushes: Counter[tuple[int, int]] = Counter()
    for f in long_run.facts:
        for w in f.tx.witnesses:
            kind = _native.classify_script(w.verification)
            if kind[0] == "single":
                curves[key_curve(kind[1]).value] += 1
            elif kind[0] == "multisig":
                multisig_pushes[(kind[1], len(kind[2]))] += 1
    assert curves[Curve.SECP256R1] > curves[Curve.SECP256K1] > 0
    assert curves[Curve.SM2] > 0
    assert multisig_pushes[(2, 3)] > 0  # 2-of-3 user accounts
    assert multisig_pushes[(3, 4)] > 0  # the genesis multisig of 4 bookkeepers


def test_share_transfers_have_three_signers(long_run: Run) -> None:
    ledger_assets = {
        f.tx.hash.to_bytes(): f.tx.exclusive["asset_type"]
        for f in long_run.facts
        if f.tx.type == TxType.REGISTER
    }
    shares = {a for a, t in ledger_assets.items() if t == AssetType.SHARE}
    transfers = [
        f for f in long_run.facts if f.tx.type == TxType.CONTRACT and f.spent_assets & shares
    ]
    assert transfers
    assert max(len(f.signers) for f in transfers) >= 3
    assert all(len(f.signers) >= 2 for f in transfers)


def test_holders_spread_and_fees_are_paid(long_run: Run) -> None:
    ans_receivers = {
        o.script_hash
        for f in long_run.facts
        for o in f.tx.outputs
        if o.asset_id == long_run.blocks[0].transactions[1].hash
    }
    assert len(ans_receivers) > 300
    # Some ANC transfers leave a byte fee, which the miner pays to the bookkeepers.
    miner_outputs = [len(b.transactions[0].outputs) for b in long_run.blocks[1:]]
    assert max(miner_outputs) > 1


def test_same_seed_same_transactions(devnet: tuple[Profile, list[bytes]]) -> None:
    profile, secrets = devnet
    a = simulate(profile, secrets, seed=3, blocks=8, per_block=60, accounts=60)
    b = simulate(profile, secrets, seed=3, blocks=8, per_block=60, accounts=60)
    c = simulate(profile, secrets, seed=4, blocks=8, per_block=60, accounts=60)
    assert [blk.to_bytes() for blk in a.blocks] == [blk.to_bytes() for blk in b.blocks]
    assert [tx.to_bytes() for tx in a.batches[-1]] == [tx.to_bytes() for tx in b.batches[-1]]
    assert a.blocks[-1].hash != c.blocks[-1].hash


def test_threaded_signing_gives_the_same_bytes(devnet: tuple[Profile, list[bytes]]) -> None:
    profile, secrets = devnet
    one = simulate(profile, secrets, seed=5, blocks=3, per_block=100, accounts=40)
    four = simulate(
        profile, secrets, seed=5, blocks=3, per_block=100, accounts=40, signing_threads=4
    )
    assert [b.to_bytes() for b in one.blocks] == [b.to_bytes() for b in four.blocks]


def test_abandoned_transactions_free_their_coins(devnet: tuple[Profile, list[bytes]]) -> None:
    profile, secrets = devnet
    # Each block takes only a prefix of its batch; the ledger would reject any later batch
    # that spends an abandoned output or forgets that its inputs came back.
    run = simulate(profile, secrets, seed=9, blocks=25, per_block=80, include=0.3, accounts=60)
    included = {tx.hash for block in run.blocks for tx in block.transactions}
    abandoned_inputs = {
        ref for batch in run.batches for tx in batch if tx.hash not in included for ref in tx.inputs
    }
    reused = {ref for f in run.facts for ref in f.tx.inputs} & abandoned_inputs
    assert abandoned_inputs and reused


def test_two_calls_before_a_block_make_one_valid_batch(
    devnet: tuple[Profile, list[bytes]],
) -> None:
    profile, secrets = devnet
    ledger = ReferenceLedger(profile)
    genesis = genesis_block(profile)
    ledger.apply_genesis(genesis)
    workload = Workload(profile, secrets, 1, accounts=40)
    workload.on_block(genesis)
    rng = random.Random(0)
    for _ in range(4):
        batch = workload.next_transactions(30) + workload.next_transactions(30)
        assert len(batch) == 60
        block, _ = ledger.next_block(batch, rng)
        workload.on_block(block)


def test_checker_catches_broken_witnesses(long_run: Run, devnet: tuple[Profile, Any]) -> None:
    """The reference checks can fail: replay a transaction with its witnesses tampered."""
    fact = next(f for f in long_run.facts if len(f.tx.witnesses) >= 3)
    tx = fact.tx

    def rebuilt(witnesses: list[Witness]) -> Transaction:
        return Transaction(
            tx.type, tx.version, tx.exclusive, tx.attributes, tx.inputs, tx.outputs, witnesses
        )

    ws = tx.witnesses
    other = long_run.facts[-1].tx.witnesses[0]
    ledger = ReferenceLedger(devnet[0])
    with pytest.raises(RuleViolation, match="required"):
        ledger.check_witnesses(rebuilt(ws[1:]), set(fact.signers))
    with pytest.raises(RuleViolation, match="required"):
        ledger.check_witnesses(rebuilt(ws[::-1]), set(fact.signers))
    forged = Witness(other.invocation, ws[0].verification)
    with pytest.raises(RuleViolation, match=r"does not verify|signature pushes"):
        ledger.check_witnesses(rebuilt([forged, *ws[1:]]), set(fact.signers))
    ledger.check_witnesses(tx, set(fact.signers))


def test_workload_misuse_is_reported(devnet: tuple[Profile, list[bytes]]) -> None:
    profile, secrets = devnet
    with pytest.raises(ValueError, match="at least 3 of the 4 standby keys"):
        Workload(profile, secrets[:2], 1)
    workload = Workload(profile, secrets, 1, accounts=20)
    with pytest.raises(RuntimeError, match="genesis"):
        workload.next_transactions(1)
    genesis = genesis_block(profile)
    workload.on_block(genesis)
    with pytest.raises(ValueError, match="expected block 1, got block 0"):
        workload.on_block(genesis)
    assert workload.next_transactions(0) == []
    point = profile.standby_keys[0]
    assert workload.secret_for(point) in secrets
