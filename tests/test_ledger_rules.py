"""Every consensus rule of the ledger engine (SPEC §4–§8), one violation at a time.

Each test feeds the engine a transaction or a block that breaks exactly one rule and checks the
rule's name, then shows the valid form passing. Transaction rules go through `propose` (the
engine's block assembly, which names the rule of each left-out candidate) and, where a block
matters, through a hand-made block: a rejected block must leave the tip, the totals, the
bookkeepers and the state digest exactly as they were. The expected values (mint, lottery winner,
byte-fee split, elected bookkeepers, burned fees) are recomputed here from SPEC §4–§6.
"""

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from antshares.core import (
    AssetType,
    Block,
    CoinReference,
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
    single_sig_script,
)
from antshares.crypto import sort_keys
from antshares.ledger import election
from antshares.ledger.chainstate import new_engine
from antshares.ledger.digest import state_digest
from antshares.ledger.lottery import mint_amount
from devnet_chain import (
    FIXED8,
    Account,
    Devnet,
    le_int,
    make_tx,
    replace_header,
    replace_tx,
    secret_of,
    with_witnesses,
)

REMARK = 0xF0
MB = 1 << 20


@pytest.fixture
def net(tmp_path: Path) -> Devnet:
    """A solo devnet six blocks in: the genesis ANS holder has won ~145 ANC."""
    d = Devnet(tmp_path)
    for _ in range(6):
        d.produce()
    return d


@pytest.fixture
def net4(tmp_path: Path) -> Devnet:
    """Four bookkeepers (all keys held here), two blocks in."""
    d = Devnet(tmp_path, keepers=4)
    for _ in range(2):
        d.produce()
    return d


def acct(name: str) -> Account:
    return Account.single(secret_of(name))


def anc(n: float) -> int:
    return round(n * FIXED8)


def fee(net: Devnet, kind: str) -> int:
    return net.fees[kind] * FIXED8


def expected_mint(minted: int, burned: int) -> int:
    """SPEC §5, written out: floor(undistributed × 24297257 / 10^14)."""
    return (10**16 - (minted - burned)) * 24_297_257 // 10**14


def register_tx(
    net: Devnet,
    owner: Account,
    admin: Account,
    asset_type: int,
    amount: int,
    precision: int,
    *,
    payer: Account | None = None,
    fee_paid: int | None = None,
    owner_key: bytes | None = None,
    signers: Sequence[Account] | None = None,
    name: str = "test asset",
    exclude: Sequence[CoinReference] = (),
) -> Transaction:
    exclusive = {
        "asset_type": asset_type,
        "name": name,
        "amount": amount,
        "precision": precision,
        "owner": owner.public_key if owner_key is None else owner_key,
        "admin": admin.script_hash,
    }
    return net.paid_tx(
        TxType.REGISTER,
        exclusive,
        payer or net.genesis_holder,
        [],
        fee(net, "register") if fee_paid is None else fee_paid,
        signers=[owner] if signers is None else signers,
        exclude=exclude,
    )


def issue_tx(
    net: Devnet,
    outputs: Sequence[TxOutput],
    signers: Sequence[Account],
    *,
    fee_paid: int | None = None,
    payer: Account | None = None,
) -> Transaction:
    return net.paid_tx(
        TxType.ISSUE,
        {},
        payer or net.genesis_holder,
        outputs,
        fee(net, "issue") if fee_paid is None else fee_paid,
        signers=signers,
    )


def new_asset(net: Devnet, asset_type: int, amount: int, precision: int, admin: Account) -> UInt256:
    tx = register_tx(net, acct("asset owner"), admin, asset_type, amount, precision)
    net.produce([tx])
    return tx.hash


def ref(tx: Transaction, index: int) -> CoinReference:
    return CoinReference(tx.hash, index)


# ---------------------------------------------------------------------------------------------
# Block rules (SPEC §1, §7): header, linkage, witness.


def test_valid_block_header_follows_the_rules(net: Devnet) -> None:
    tip = Block.from_bytes(net.state.block_at(net.state.height) or b"")
    built = net.produce()
    h = built.block.header
    assert h.index == tip.header.index + 1
    assert h.prev_hash == tip.hash
    assert h.timestamp > tip.header.timestamp
    assert h.version == 0
    assert h.witness.script_hash == tip.header.next_consensus
    assert h.consensus_data == int.from_bytes(built.random[:8], "little")
    assert net.state.tip_hash == built.block.hash.to_bytes()


def test_block_height(net: Devnet) -> None:
    built = net.build()
    for index in (built.block.header.index + 1, built.block.header.index - 1):
        error = net.reject(net.reassemble(built.block, index=index), "block-height")
        assert error.height == index
    net.apply(built.raw)


def test_block_prev_hash(net: Devnet) -> None:
    built = net.build()
    older = Block.from_bytes(net.state.block_at(net.state.height - 1) or b"").hash
    net.reject(net.reassemble(built.block, prev_hash=older), "block-prev-hash")
    net.reject(net.reassemble(built.block, prev_hash=UInt256(bytes(32))), "block-prev-hash")
    net.apply(built.raw)


def test_block_version(net: Devnet) -> None:
    built = net.build()
    net.reject(net.reassemble(built.block, version=1), "block-version")
    net.apply(built.raw)


def test_block_timestamp(net: Devnet) -> None:
    built = net.build()
    prev = Block.from_bytes(net.state.block_at(net.state.height) or b"").header.timestamp
    for ts in (prev, prev - 1, 0):
        net.reject(net.reassemble(built.block, timestamp=ts), "block-timestamp")
    net.apply(net.reassemble(built.block, timestamp=prev + 1))
    assert (
        Block.from_bytes(net.state.block_at(net.state.height) or b"").header.timestamp == prev + 1
    )


def test_block_witness_signer(net: Devnet) -> None:
    built = net.build()
    header = built.block.header
    stranger = acct("stranger")
    forged = replace_header(header, witness=stranger.witness(header.unsigned_bytes()))
    net.reject(Block(forged, built.block.transactions).to_bytes(), "block-witness-signer")
    net.apply(built.raw)


def test_block_merkle(net: Devnet) -> None:
    built = net.build()
    net.reject(net.reassemble(built.block, merkle_root=UInt256(bytes(32))), "block-merkle")
    # Another transaction list under the old root.
    extra = make_tx(TxType.CONTRACT, {}, [], [], [], attributes=[TxAttribute(REMARK, b"m")])
    raw = net.reassemble(built.block, [*built.block.transactions, extra], keep_merkle=True)
    net.reject(raw, "block-merkle")
    net.apply(built.raw)


def test_block_signature_must_verify(net: Devnet) -> None:
    built = net.build()
    header = built.block.header
    bad = bytearray(header.witness.invocation)
    bad[10] ^= 1
    forged = replace_header(header, witness=Witness(bytes(bad), header.witness.verification))
    net.reject(Block(forged, built.block.transactions).to_bytes(), "witness-signature")
    # A signature of other bytes by the right key.
    other = replace_header(header, timestamp=header.timestamp + 1)
    resigned = net.sign_header(other)
    forged = replace_header(header, witness=resigned.witness)
    net.reject(Block(forged, built.block.transactions).to_bytes(), "witness-signature")
    net.apply(built.raw)


def test_block_nonce(net: Devnet) -> None:
    built = net.build()
    nonce = built.block.header.consensus_data
    net.reject(net.reassemble(built.block, consensus_data=nonce ^ 1), "block-nonce")
    net.reject(net.reassemble(built.block, consensus_data=0), "block-nonce")
    net.apply(built.raw)


def test_block_next_consensus(net: Devnet) -> None:
    built = net.build()
    wrong = acct("stranger").script_hash
    net.reject(net.reassemble(built.block, next_consensus=wrong), "block-next-consensus")
    # The standby keys' NextConsensus, recomputed from SPEC §6.
    keys = net.standby_keys
    expected = script_hash(multisig_script(consensus_threshold(len(keys)), keys))
    assert built.block.header.next_consensus == expected
    net.apply(built.raw)


def test_genesis_rules(net: Devnet) -> None:
    # The genesis goes first and once.
    error = net.state.engine.apply_genesis(net.state.genesis.to_bytes())
    assert error is not None and error["rule"] == "genesis"
    # A fresh engine: a genesis naming other bookkeepers than the standby keys is rejected.
    genesis = net.state.genesis
    forged = Block(
        replace_header(genesis.header, next_consensus=acct("stranger").script_hash),
        genesis.transactions,
    )
    error = new_engine(net.profile, 1 << 20).apply_genesis(forged.to_bytes())
    assert error is not None and error["rule"] == "block-next-consensus"
    assert new_engine(net.profile, 1 << 20).apply_genesis(genesis.to_bytes()) is None
    # A block before any genesis.
    bare = new_engine(net.profile, 1 << 20)
    block_one = net.state.block_at(1) or b""

    def reader(keys: bytes, txids: bytes) -> tuple[list[bytes | None], list[bool]]:
        return [None] * (len(keys) // 34), [False] * (len(txids) // 32)

    result = bare.apply_batch([block_one], True, reader)
    error = result["error"]
    assert result["applied"] == 0 and error is not None and error["rule"] == "genesis"


def test_undecodable_block(net: Devnet) -> None:
    built = net.build()
    net.reject(built.raw[:-1], "block-decode")
    net.reject(built.raw + b"\x00", "block-decode")
    net.apply(built.raw)


# ---------------------------------------------------------------------------------------------
# The MinerTransaction (SPEC §5, §7.7).


def test_miner_position(net: Devnet) -> None:
    built = net.build()
    miner = built.block.transactions[0]
    filler = make_tx(TxType.CONTRACT, {}, [], [], [], attributes=[TxAttribute(REMARK, b"f")])
    net.reject(net.reassemble(built.block, [filler, miner]), "miner-position")
    second = replace_tx(miner, exclusive=dict(miner.exclusive, nonce=miner.exclusive["nonce"] ^ 1))
    net.reject(net.reassemble(built.block, [miner, second]), "miner-position")
    net.reject(net.reassemble(built.block, [filler]), "miner-position")
    # A MinerTransaction offered as a candidate is left out by the same rule.
    assert net.rejected([second]) == {0: "miner-position"}
    net.apply(built.raw)


def test_miner_version(net: Devnet) -> None:
    built = net.build()
    miner = built.block.transactions[0]
    v0 = Transaction(TxType.MINER, 0, {"nonce": 7}, [], [], miner.outputs, [])
    net.reject(net.reassemble(built.block, [v0]), "miner-version")
    net.apply(built.raw)


def test_miner_inputs(net: Devnet) -> None:
    built = net.build()
    miner = built.block.transactions[0]
    holder = net.genesis_holder
    coin, _ = net.coins_of(holder.script_hash, net.anc)[0]
    with_input = replace_tx(miner, inputs=[coin])
    net.reject(net.reassemble(built.block, [with_input]), "miner-inputs")
    signed = make_tx(TxType.MINER, miner.exclusive, [], miner.outputs, [holder], version=1)
    assert signed.witnesses
    net.reject(net.reassemble(built.block, [signed]), "miner-inputs")
    net.apply(built.raw)


def test_miner_transaction_size(net: Devnet) -> None:
    """SPEC §4: transactions of at most 1 MB — the MinerTransaction is one too."""
    built = net.build()
    miner = built.block.transactions[0]
    padded = [TxAttribute(REMARK, bytes([i]) * 65535) for i in range(16)]
    big = replace_tx(miner, attributes=padded)
    assert big.size > MB
    net.reject(net.reassemble(built.block, [big]), "tx-size")
    fits = replace_tx(miner, attributes=padded[:15])
    assert fits.size <= MB
    net.apply(net.reassemble(built.block, [fits]))


def test_miner_outputs(net: Devnet) -> None:
    built = net.build()
    miner = built.block.transactions[0]
    (mint,) = miner.outputs
    minted, burned = net.state.engine.totals
    assert mint.value == expected_mint(minted, burned)
    assert mint.script_hash == net.genesis_holder.script_hash  # the only ANS holder
    stranger = acct("stranger").script_hash
    variants = [
        [TxOutput(mint.asset_id, mint.value + 1, mint.script_hash)],
        [TxOutput(mint.asset_id, mint.value - 1, mint.script_hash)],
        [TxOutput(mint.asset_id, mint.value, stranger)],
        [mint, TxOutput(mint.asset_id, 1, stranger)],
        [
            TxOutput(mint.asset_id, mint.value - 1, mint.script_hash),
            TxOutput(mint.asset_id, 1, stranger),
        ],
        [TxOutput(net.ans, FIXED8, mint.script_hash)],
        [],
    ]
    for outputs in variants:
        forged = replace_tx(miner, outputs=outputs)
        error = net.reject(net.reassemble(built.block, [forged]), "miner-outputs")
        assert error.tx_index == 0
    net.apply(built.raw)


# ---------------------------------------------------------------------------------------------
# The beacon evidence (SPEC §7.7).


def miner_with(built: Any, **exclusive: Any) -> Transaction:
    miner: Transaction = built.block.transactions[0]
    return replace_tx(miner, exclusive=dict(miner.exclusive, **exclusive))


def test_beacon_at_block_one_uses_the_genesis_seed(tmp_path: Path) -> None:
    d = Devnet(tmp_path)
    built = d.build()
    assert built.block.transactions[0].exclusive["secrets"] == []
    seed = hashlib.sha256(hashlib.sha256(d.state.genesis.hash.to_bytes()).digest()).digest()
    assert built.random == seed
    # Nothing was dealt in the genesis: any revealed secret is extra.
    extra = miner_with(built, secrets=[{"dealer": 0, "secret": secret_of("x")}])
    d.reject(d.reassemble(built.block, [extra]), "beacon-reveal-extra")
    d.apply(built.raw)
    assert (d.state.beacon_at(1) or b"")[:32] == seed


def test_beacon_random_is_the_hash_of_the_revealed_secrets(net: Devnet) -> None:
    prev_dealings = net.blocks[-1].transactions[0].exclusive["dealings"]
    built = net.produce()
    secrets = built.block.transactions[0].exclusive["secrets"]
    assert [s["dealer"] for s in secrets] == [d["dealer"] for d in prev_dealings]
    r = hashlib.sha256(b"".join(s["secret"] for s in secrets)).digest()
    assert built.random == r
    assert (net.state.beacon_at(net.state.height) or b"")[:32] == r
    assert built.block.header.consensus_data == int.from_bytes(r[:8], "little")


def test_beacon_reveal_missing(net: Devnet) -> None:
    built = net.build()
    net.reject(
        net.reassemble(built.block, [miner_with(built, secrets=[])]), "beacon-reveal-missing"
    )
    net.apply(built.raw)


def test_beacon_reveal_extra(net: Devnet) -> None:
    built = net.build()
    secrets = built.block.transactions[0].exclusive["secrets"]
    extra = [*secrets, {"dealer": 1, "secret": secret_of("extra")}]
    net.reject(
        net.reassemble(built.block, [miner_with(built, secrets=extra)]), "beacon-reveal-extra"
    )
    twice = [*secrets, *secrets]
    net.reject(
        net.reassemble(built.block, [miner_with(built, secrets=twice)]), "beacon-reveal-extra"
    )
    net.apply(built.raw)


def test_beacon_secret_mismatch(net: Devnet) -> None:
    built = net.build()
    (s,) = built.block.transactions[0].exclusive["secrets"]
    wrong = [{"dealer": s["dealer"], "secret": secret_of("not the dealt secret")}]
    net.reject(
        net.reassemble(built.block, [miner_with(built, secrets=wrong)]), "beacon-secret-mismatch"
    )
    zero = [{"dealer": s["dealer"], "secret": bytes(32)}]
    net.reject(
        net.reassemble(built.block, [miner_with(built, secrets=zero)]), "beacon-secret-mismatch"
    )
    net.apply(built.raw)


def test_beacon_dealings(net: Devnet) -> None:
    built = net.build()
    (d,) = built.block.transactions[0].exclusive["dealings"]
    not_a_point = b"\x02" + b"\xff" * 32
    variants = [
        [],  # fewer than f+1
        [{"dealer": 1, "commitments": d["commitments"]}],  # dealer not below N
        [{"dealer": 0, "commitments": d["commitments"] * 2}],  # not exactly f+1 commitments
        [{"dealer": 0, "commitments": [not_a_point]}],
    ]
    for dealings in variants:
        raw = net.reassemble(built.block, [miner_with(built, dealings=dealings)])
        net.reject(raw, "beacon-dealings")
    net.apply(built.raw)


def test_beacon_reveal_order_with_four_bookkeepers(net4: Devnet) -> None:
    built = net4.build()
    secrets = built.block.transactions[0].exclusive["secrets"]
    assert [s["dealer"] for s in secrets] == [0, 1, 2, 3]
    swapped = [secrets[1], secrets[0], *secrets[2:]]
    raw = net4.reassemble(built.block, [miner_with(built, secrets=swapped)])
    net4.reject(raw, "beacon-reveal-order")
    raw = net4.reassemble(built.block, [miner_with(built, secrets=secrets[:3])])
    net4.reject(raw, "beacon-reveal-missing")
    dealings = built.block.transactions[0].exclusive["dealings"]
    assert len(dealings) == 4  # f = 1: each dealing has f+1 = 2 commitments
    assert all(len(x["commitments"]) == 2 for x in dealings)
    unordered = [dealings[1], dealings[0], *dealings[2:]]
    net4.reject(
        net4.reassemble(built.block, [miner_with(built, dealings=unordered)]), "beacon-dealings"
    )
    # f+1 = 2 dealings suffice; one does not.
    net4.reject(
        net4.reassemble(built.block, [miner_with(built, dealings=dealings[:1])]), "beacon-dealings"
    )
    net4.apply(net4.reassemble(built.block, [miner_with(built, dealings=dealings[1:3])]))
    # The next block must reveal exactly dealers 1 and 2.
    held = net4.builder.beacon.get(net4.state.height)
    nxt = net4.build()
    revealed = nxt.block.transactions[0].exclusive["secrets"]
    assert [s["dealer"] for s in revealed] == [1, 2]
    assert [s["secret"] for s in revealed] == [held[1], held[2]]
    net4.apply(nxt.raw)


# ---------------------------------------------------------------------------------------------
# Inputs and outputs (SPEC §4).


def test_spent_or_missing_input(net: Devnet) -> None:
    g = net.genesis_holder
    alice = acct("alice")
    missing = CoinReference(UInt256(hashlib.sha256(b"nothing").digest()), 0)
    tx = make_tx(TxType.CONTRACT, {}, [missing], [TxOutput(net.anc, 1, alice.script_hash)], [g])
    assert net.rejected([tx]) == {0: "spent-or-missing-input"}
    # An output index past the end of a real transaction.
    coin, _ = net.coins_of(g.script_hash, net.anc)[0]
    past = CoinReference(coin.prev_hash, 5)
    tx = make_tx(TxType.CONTRACT, {}, [past], [TxOutput(net.anc, 1, alice.script_hash)], [g])
    assert net.rejected([tx]) == {0: "spent-or-missing-input"}

    # Double spend within one block: the second of two conflicting transactions.
    pay_a = net.contract(g, [(net.anc, anc(1), alice.script_hash)])
    pay_b = net.contract(g, [(net.anc, anc(2), alice.script_hash)])
    assert pay_a.inputs == pay_b.inputs
    assert net.rejected([pay_a, pay_b]) == {1: "spent-or-missing-input"}
    built = net.build([pay_a])
    assert built.rejected == []
    raw = net.reassemble(built.block, [*built.block.transactions, pay_b])
    error = net.reject(raw, "spent-or-missing-input")
    assert error.tx_index == 2 and error.txid == pay_b.hash.to_bytes()
    net.apply(built.raw)
    assert net.balance(alice.script_hash, net.anc) == anc(1)

    # Double spend against the chain.
    assert net.rejected([pay_b]) == {0: "spent-or-missing-input"}
    built = net.build()
    raw = net.reassemble(built.block, [*built.block.transactions, pay_b])
    assert net.reject(raw, "spent-or-missing-input").tx_index == 1
    net.apply(built.raw)


def test_duplicate_input(net: Devnet) -> None:
    g = net.genesis_holder
    alice = acct("alice")
    coin, value = net.coins_of(g.script_hash, net.anc)[0]
    tx = make_tx(
        TxType.CONTRACT, {}, [coin, coin], [TxOutput(net.anc, value, alice.script_hash)], [g]
    )
    assert net.rejected([tx]) == {0: "duplicate-input"}
    built = net.build()
    net.reject(net.reassemble(built.block, [*built.block.transactions, tx]), "duplicate-input")
    net.apply(built.raw)
    ok = make_tx(TxType.CONTRACT, {}, [coin], [TxOutput(net.anc, value, alice.script_hash)], [g])
    net.produce([ok])
    assert net.balance(alice.script_hash, net.anc) == value


def test_unknown_asset(net: Devnet) -> None:
    g = net.genesis_holder
    nowhere = UInt256(hashlib.sha256(b"no such asset").digest())
    tx = net.contract(g, [(net.anc, anc(1), g.script_hash)], anc_fee=0)
    forged = make_tx(
        TxType.CONTRACT, {}, tx.inputs, [*tx.outputs, TxOutput(nowhere, FIXED8, g.script_hash)], [g]
    )
    assert net.rejected([forged]) == {0: "unknown-asset"}
    # A registered asset's id is known once its Register is in the chain (even in the same block).
    admin = acct("admin")
    reg = register_tx(net, acct("owner"), admin, AssetType.TOKEN, -1, 8)
    pay = [TxOutput(reg.hash, FIXED8, g.script_hash)]
    iss = net.paid_tx(
        TxType.ISSUE, {}, g, pay, fee(net, "issue"), signers=[admin], exclude=reg.inputs
    )
    assert net.rejected([iss, reg]) == {0: "unknown-asset"}
    net.produce([reg, iss])
    assert net.balance(g.script_hash, reg.hash) == FIXED8


def test_output_value_is_checked_by_the_decoder(net: Devnet) -> None:
    # Outputs of value 0 or less cannot be written, so the rule is the decoder's.
    with pytest.raises(ValueError):
        TxOutput(net.anc, 0, acct("alice").script_hash)
    g = net.genesis_holder
    tx = net.contract(g, [(net.anc, 0x0102030405, acct("alice").script_hash)])
    built = net.build([tx])
    raw = bytearray(built.raw)
    at = raw.find((0x0102030405).to_bytes(8, "little"))
    assert at > 0
    raw[at : at + 8] = (-0x0102030405).to_bytes(8, "little", signed=True)
    net.reject(bytes(raw), "block-decode")
    net.apply(built.raw)


def test_output_precision(net: Devnet) -> None:
    g = net.genesis_holder
    alice = acct("alice")
    (coin, value) = net.coins_of(g.script_hash, net.ans)[0]
    half_share = FIXED8 // 2
    tx = make_tx(
        TxType.CONTRACT,
        {},
        [coin],
        [
            TxOutput(net.ans, half_share, alice.script_hash),
            TxOutput(net.ans, value - half_share, g.script_hash),
        ],
        [g],
    )
    assert net.rejected([tx]) == {0: "output-precision"}
    # A precision-2 token: multiples of 10^6 satoshi only.
    admin = acct("admin")
    token = new_asset(net, AssetType.TOKEN, -1, 2, admin)
    for amount, rule in (
        (10**6 + 1, "output-precision"),
        (10**6 - 1, "output-precision"),
        (10**6, None),
    ):
        tx = issue_tx(net, [TxOutput(token, amount, alice.script_hash)], [admin])
        assert net.rejected([tx]) == ({} if rule is None else {0: rule})
    ok = make_tx(
        TxType.CONTRACT,
        {},
        [coin],
        [
            TxOutput(net.ans, FIXED8, alice.script_hash),
            TxOutput(net.ans, value - FIXED8, g.script_hash),
        ],
        [g],
    )
    net.produce([ok])
    assert net.balance(alice.script_hash, net.ans) == FIXED8


def test_asset_creation(net: Devnet) -> None:
    g = net.genesis_holder
    alice = acct("alice")
    (coin, value) = net.coins_of(g.script_hash, net.anc)[0]
    more = make_tx(
        TxType.CONTRACT, {}, [coin], [TxOutput(net.anc, value + 1, alice.script_hash)], [g]
    )
    assert net.rejected([more]) == {0: "asset-creation"}
    # ANS out of nothing, even to its holder.
    free = make_tx(
        TxType.CONTRACT,
        {},
        [coin],
        [TxOutput(net.anc, value, g.script_hash), TxOutput(net.ans, FIXED8, g.script_hash)],
        [g],
    )
    assert net.rejected([free]) == {0: "asset-creation"}
    # An input-less transaction creating value.
    gift = make_tx(TxType.CONTRACT, {}, [], [TxOutput(net.anc, 1, alice.script_hash)], [])
    assert net.rejected([gift]) == {0: "asset-creation"}
    exact = make_tx(TxType.CONTRACT, {}, [coin], [TxOutput(net.anc, value, alice.script_hash)], [g])
    net.produce([exact])
    assert net.balance(alice.script_hash, net.anc) == value


def test_asset_destruction(net: Devnet) -> None:
    g = net.genesis_holder
    alice = acct("alice")
    (coin, value) = net.coins_of(g.script_hash, net.ans)[0]
    burn = make_tx(
        TxType.CONTRACT, {}, [coin], [TxOutput(net.ans, value - FIXED8, g.script_hash)], [g]
    )
    assert net.rejected([burn]) == {0: "asset-destruction"}
    # A user token cannot be destroyed either.
    admin = acct("admin")
    token = new_asset(net, AssetType.TOKEN, -1, 0, admin)
    net.produce([issue_tx(net, [TxOutput(token, 10 * FIXED8, alice.script_hash)], [admin])])
    tok, _ = net.coins_of(alice.script_hash, token)[0]
    gone = make_tx(
        TxType.CONTRACT, {}, [tok], [TxOutput(token, 9 * FIXED8, alice.script_hash)], [alice]
    )
    assert net.rejected([gone]) == {0: "asset-destruction"}
    whole = make_tx(
        TxType.CONTRACT, {}, [tok], [TxOutput(token, 10 * FIXED8, acct("bob").script_hash)], [alice]
    )
    net.produce([whole])


def test_anc_may_be_destroyed_as_a_byte_fee_for_the_bookkeeper(net: Devnet) -> None:
    g = net.genesis_holder
    alice = acct("alice")
    keeper = Account.single(net.bookkeeper_secrets[0]).script_hash
    byte_fee = anc(0.5) + 3
    tx = net.contract(g, [(net.anc, anc(1), alice.script_hash)], anc_fee=byte_fee)
    minted, burned = net.state.engine.totals
    built = net.produce([tx])
    miner = built.block.transactions[0]
    assert [(o.value, o.script_hash) for o in miner.outputs] == [
        (expected_mint(minted, burned), g.script_hash),
        (byte_fee, keeper),
    ]
    assert net.state.engine.totals == (minted + expected_mint(minted, burned), burned)  # not burned
    assert net.balance(keeper, net.anc) == byte_fee
    # Everything destroyed: no outputs at all.
    (coin, value) = net.coins_of(alice.script_hash, net.anc)[0]
    all_of_it = make_tx(TxType.CONTRACT, {}, [coin], [], [alice])
    built = net.produce([all_of_it])
    assert built.block.transactions[0].outputs[1:] == [TxOutput(net.anc, value, keeper)]


def test_byte_fees_split_among_four_bookkeepers(net4: Devnet) -> None:
    g = net4.genesis_holder
    keepers = [
        k.to_bytes() if not isinstance(k, bytes) else k for k in net4.state.engine.bookkeepers
    ]
    assert keepers == net4.standby_keys
    alice = acct("alice")
    t1 = net4.contract(g, [(net4.anc, anc(1), alice.script_hash)], anc_fee=7)
    built = net4.produce([t1])
    # A second transaction in one block: the block's byte fees add up (7 + 3 = 10).
    (coin, value) = net4.coins_of(alice.script_hash, net4.anc)[0]
    t2 = make_tx(
        TxType.CONTRACT, {}, [coin], [TxOutput(net4.anc, value - 3, alice.script_hash)], [alice]
    )
    t3 = net4.contract(g, [(net4.anc, anc(1), alice.script_hash)], anc_fee=7)
    built = net4.produce([t2, t3])
    fees = [(o.value, o.script_hash) for o in built.block.transactions[0].outputs[1:]]
    single = [Account.single(s).script_hash for s in net4.bookkeeper_secrets]
    # 10 = 4 × 2 + 2: the remainder goes to the first bookkeeper.
    assert fees == [(4, single[0]), (2, single[1]), (2, single[2]), (2, single[3])]
    # 3 satoshi: only the first bookkeeper is paid (the others' share is 0).
    (coin, value) = net4.coins_of(alice.script_hash, net4.anc)[0]
    t4 = make_tx(
        TxType.CONTRACT, {}, [coin], [TxOutput(net4.anc, value - 3, alice.script_hash)], [alice]
    )
    built = net4.produce([t4])
    assert [(o.value, o.script_hash) for o in built.block.transactions[0].outputs[1:]] == [
        (3, single[0])
    ]
    # The order is part of the rule: the mint first, then the fees in bookkeeper order.
    (coin, value) = net4.coins_of(alice.script_hash, net4.anc)[0]
    t5 = make_tx(
        TxType.CONTRACT, {}, [coin], [TxOutput(net4.anc, value - 10, alice.script_hash)], [alice]
    )
    built = net4.build([t5])
    miner = built.block.transactions[0]
    mint, *fees_out = miner.outputs
    assert [o.value for o in fees_out] == [4, 2, 2, 2]
    for outputs in ([*fees_out, mint], [mint, *reversed(fees_out)], [mint, *fees_out[:3]]):
        forged = replace_tx(miner, outputs=outputs)
        net4.reject(net4.reassemble(built.block, [forged, t5]), "miner-outputs")
    net4.apply(built.raw)


# ---------------------------------------------------------------------------------------------
# Fees (SPEC §4).


def test_insufficient_fee_and_burned_service_fees(net: Devnet) -> None:
    g = net.genesis_holder
    owner, admin, alice, cand = acct("owner"), acct("admin"), acct("alice"), acct("candidate")
    reg_fee, issue_fee = fee(net, "register"), fee(net, "issue")

    # Register: the full fee or nothing.
    for paid in (0, reg_fee - 1):
        tx = register_tx(net, owner, admin, AssetType.TOKEN, -1, 8, fee_paid=paid)
        assert net.rejected([tx]) == {0: "insufficient-fee"}
    reg = register_tx(net, owner, admin, AssetType.TOKEN, -1, 8, fee_paid=reg_fee + 5)
    minted0, burned0 = net.state.engine.totals
    built = net.produce([reg])
    keeper = Account.single(net.bookkeeper_secrets[0]).script_hash
    assert built.block.transactions[0].outputs[1:] == [TxOutput(net.anc, 5, keeper)]
    assert net.state.engine.totals == (minted0 + expected_mint(minted0, burned0), burned0 + reg_fee)

    # Issue of a user asset.
    for paid in (0, issue_fee - 1):
        tx = issue_tx(net, [TxOutput(reg.hash, FIXED8, alice.script_hash)], [admin], fee_paid=paid)
        assert net.rejected([tx]) == {0: "insufficient-fee"}
    net.produce([issue_tx(net, [TxOutput(reg.hash, FIXED8, alice.script_hash)], [admin])])

    # Enrollment.
    deposit = TxOutput(net.anc, net.deposit * FIXED8, cand.script_hash)
    enroll_fee = fee(net, "enrollment")
    low = net.paid_tx(
        TxType.ENROLLMENT, {"public_key": cand.public_key}, g, [deposit], enroll_fee - 1, [cand]
    )
    assert net.rejected([low]) == {0: "insufficient-fee"}
    enroll = net.paid_tx(
        TxType.ENROLLMENT, {"public_key": cand.public_key}, g, [deposit], enroll_fee, [cand]
    )
    net.produce([enroll])

    # Voting.
    (coin, value) = net.coins_of(g.script_hash, net.ans)[0]
    vote_fee = fee(net, "voting")
    ans_back = TxOutput(net.ans, value, g.script_hash)
    low = net.paid_tx(
        TxType.VOTING,
        {"enrollments": [enroll.hash]},
        g,
        [ans_back],
        vote_fee - 1,
        extra_inputs=[coin],
    )
    assert net.rejected([low]) == {0: "insufficient-fee"}
    vote = net.paid_tx(
        TxType.VOTING, {"enrollments": [enroll.hash]}, g, [ans_back], vote_fee, extra_inputs=[coin]
    )
    net.produce([vote])

    # Every service fee was burned: the burned total is their sum, and each later mint is the
    # SPEC §5 formula over those totals.
    assert net.state.engine.totals[1] == burned0 + reg_fee + issue_fee + enroll_fee + vote_fee
    minted, burned = 0, 0
    for block in net.blocks[1:]:
        mint = block.transactions[0].outputs[0]
        assert mint.asset_id == net.anc
        assert mint.value == expected_mint(minted, burned) == mint_amount(minted, burned)
        minted += mint.value
        for tx in block.transactions[1:]:
            burned += {
                TxType.REGISTER: reg_fee,
                TxType.ISSUE: issue_fee,
                TxType.ENROLLMENT: enroll_fee,
                TxType.VOTING: vote_fee,
            }.get(TxType(tx.type), 0)
    assert net.state.engine.totals == (minted, burned)


# ---------------------------------------------------------------------------------------------
# Register and Issue (SPEC §4).


def test_register_rules(net: Devnet) -> None:
    owner, admin = acct("owner"), acct("admin")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"asset_type": AssetType.ANTSHARE}, "register-type"),
        ({"asset_type": AssetType.ANTCOIN}, "register-type"),
        ({"asset_type": 0x42}, "register-type"),
        ({"amount": 0}, "register-amount"),
        ({"amount": -2}, "register-amount"),
        ({"amount": -FIXED8}, "register-amount"),
        ({"amount": FIXED8 + 1, "precision": 7}, "register-amount"),  # unit 10 satoshi
        ({"amount": FIXED8 + 10**6, "precision": 0}, "register-amount"),
        ({"owner_key": b"\x00"}, "register-owner"),
    ]
    for change, rule in cases:
        args: dict[str, Any] = {
            "asset_type": AssetType.TOKEN,
            "amount": 100 * FIXED8,
            "precision": 0,
        }
        args.update(change)
        owner_key = args.pop("owner_key", None)
        signers: list[Account] | None = [] if owner_key is not None else None
        tx = register_tx(
            net,
            owner,
            admin,
            args["asset_type"],
            args["amount"],
            args["precision"],
            owner_key=owner_key,
            signers=signers,
        )
        assert net.rejected([tx]) == {0: rule}, change
    # Precision above 8 cannot even be written: the decoder's rule.
    with pytest.raises(ValueError):
        register_tx(net, owner, admin, AssetType.TOKEN, -1, 9)
    # The owner must sign.
    unsigned = register_tx(net, owner, admin, AssetType.TOKEN, -1, 8, signers=[])
    assert net.rejected([unsigned]) == {0: "witness-set"}
    valid: list[Transaction] = []
    for t, a, p in (
        (AssetType.TOKEN, -1, 8),
        (AssetType.CURRENCY, 100 * FIXED8, 0),
        (AssetType.SHARE, FIXED8 + 10, 7),
        (AssetType.INVOICE, 1, 8),
    ):
        used = [i for tx in valid for i in tx.inputs]
        valid.append(register_tx(net, owner, admin, t, a, p, name=f"{t}/{a}/{p}", exclude=used))
    net.produce(valid)
    assert net.state.engine.totals[1] == 4 * fee(net, "register")


def test_issue_cap_in_batches(net: Devnet) -> None:
    admin, alice, bob = acct("admin"), acct("alice"), acct("bob")
    token = new_asset(net, AssetType.TOKEN, 100 * FIXED8, 2, admin)
    first = issue_tx(net, [TxOutput(token, 60 * FIXED8, alice.script_hash)], [admin])
    net.produce([first])
    over = issue_tx(net, [TxOutput(token, 40 * FIXED8 + 10**6, bob.script_hash)], [admin])
    assert net.rejected([over]) == {0: "issue-cap"}
    # Two batches in one block: each fits, together they would not.
    b1 = issue_tx(net, [TxOutput(token, 30 * FIXED8, bob.script_hash)], [admin])
    coins = set(b1.inputs)
    b2 = net.paid_tx(
        TxType.ISSUE,
        {},
        net.genesis_holder,
        [TxOutput(token, 20 * FIXED8, bob.script_hash)],
        fee(net, "issue"),
        signers=[admin],
        exclude=coins,
    )
    assert net.rejected([b1, b2]) == {1: "issue-cap"}
    b2 = net.paid_tx(
        TxType.ISSUE,
        {},
        net.genesis_holder,
        [TxOutput(token, 10 * FIXED8, bob.script_hash)],
        fee(net, "issue"),
        signers=[admin],
        exclude=coins,
    )
    net.produce([b1, b2])  # exactly the cap
    assert (
        net.balance(alice.script_hash, token) + net.balance(bob.script_hash, token) == 100 * FIXED8
    )
    last = issue_tx(net, [TxOutput(token, 10**6, bob.script_hash)], [admin])
    assert net.rejected([last]) == {0: "issue-cap"}
    # ANS is fully issued at the genesis: issuing more breaks the cap too.
    more_ans = issue_tx(net, [TxOutput(net.ans, FIXED8, bob.script_hash)], [admin])
    assert net.rejected([more_ans]) == {0: "issue-cap"}


def test_unlimited_asset_and_issue_nothing(net: Devnet) -> None:
    admin, alice = acct("admin"), acct("alice")
    token = new_asset(net, AssetType.CURRENCY, -1, 8, admin)
    # The Admin signs every Issue.
    unsigned = issue_tx(net, [TxOutput(token, FIXED8, alice.script_hash)], [])
    assert net.rejected([unsigned]) == {0: "witness-set"}
    wrong = issue_tx(net, [TxOutput(token, FIXED8, alice.script_hash)], [alice])
    assert net.rejected([wrong]) == {0: "witness-set"}
    nothing = issue_tx(net, [], [admin])
    assert net.rejected([nothing]) == {0: "issue-nothing"}
    only_anc = issue_tx(net, [TxOutput(net.anc, anc(1), alice.script_hash)], [admin])
    assert net.rejected([only_anc]) == {0: "issue-nothing"}
    big = issue_tx(net, [TxOutput(token, 10**17, alice.script_hash)], [admin])
    net.produce([big])
    again = issue_tx(net, [TxOutput(token, 10**17, alice.script_hash)], [admin])
    net.produce([again])
    assert net.balance(alice.script_hash, token) == 2 * 10**17
    # Two assets in one Issue: both Admins sign, the service fee is paid once.
    admin2 = acct("admin 2")
    other = new_asset(net, AssetType.TOKEN, 10 * FIXED8, 0, admin2)
    both = [TxOutput(token, FIXED8, alice.script_hash), TxOutput(other, FIXED8, alice.script_hash)]
    assert net.rejected([issue_tx(net, both, [admin])]) == {0: "witness-set"}
    assert net.rejected([issue_tx(net, both, [admin2])]) == {0: "witness-set"}
    burned = net.state.engine.totals[1]
    net.produce([issue_tx(net, both, [admin, admin2])])
    assert net.state.engine.totals[1] == burned + fee(net, "issue")
    # "Unlimited" still counts in 64 bits: a total past 2^63 - 1 satoshi cannot be issued.
    huge = [TxOutput(token, 5 * 10**18, alice.script_hash)] * 2
    assert net.rejected([issue_tx(net, huge, [admin])]) == {0: "issue-cap"}


# ---------------------------------------------------------------------------------------------
# Required signers (SPEC §4).


def test_witness_set_for_spent_outputs(net: Devnet) -> None:
    g, alice, bob = net.genesis_holder, acct("alice"), acct("bob")
    tx = net.contract(g, [(net.anc, anc(1), alice.script_hash)])
    # Missing, extra, out of order and duplicated witnesses.
    message = tx.unsigned_bytes()
    assert net.rejected([with_witnesses(tx, [])]) == {0: "witness-set"}
    extra = sorted([g.witness(message), bob.witness(message)], key=lambda w: le_int(w.script_hash))
    assert net.rejected([with_witnesses(tx, extra)]) == {0: "witness-set"}
    assert net.rejected([with_witnesses(tx, [g.witness(message)] * 2)]) == {0: "witness-set"}
    assert net.rejected([with_witnesses(tx, [bob.witness(message)])]) == {0: "witness-set"}
    net.produce([tx])
    # Two owners: both sign, in script-hash order.
    (a_coin, a_value) = net.coins_of(alice.script_hash, net.anc)[0]
    g_in, g_change = net.fund(g, net.anc, anc(1))
    out = [TxOutput(net.anc, a_value + anc(1), bob.script_hash), *g_change]
    pair = make_tx(TxType.CONTRACT, {}, [a_coin, *g_in], out, [alice, g])
    w = pair.witnesses
    assert le_int(w[0].script_hash) < le_int(w[1].script_hash)
    assert net.rejected([with_witnesses(pair, [w[1], w[0]])]) == {0: "witness-set"}
    assert net.rejected([with_witnesses(pair, [w[0]])]) == {0: "witness-set"}
    # In a block, an unsorted witness list is already the signature verifier's finding.
    built = net.build()
    raw = net.reassemble(
        built.block, [*built.block.transactions, with_witnesses(pair, [w[1], w[0]])]
    )
    net.reject(raw, "witness-signature")
    raw = net.reassemble(built.block, [*built.block.transactions, with_witnesses(pair, [w[0]])])
    assert net.reject(raw, "witness-set").tx_index == 1
    net.apply(built.raw)
    net.produce([pair])


def test_witness_signature_in_a_transaction(net: Devnet) -> None:
    g, alice = net.genesis_holder, acct("alice")
    tx = net.contract(g, [(net.anc, anc(1), alice.script_hash)])
    (w,) = tx.witnesses
    bad = bytearray(w.invocation)
    bad[-1] ^= 1
    forged = with_witnesses(tx, [Witness(bytes(bad), w.verification)])
    built = net.build([forged])  # assembly compares signers, the verifier checks signatures
    assert built.rejected == []
    error = net.reject(built.raw, "witness-signature")
    assert error.tx_index == 1
    # Signed by the right key over other bytes.
    other = net.contract(g, [(net.anc, anc(2), alice.script_hash)])
    forged = with_witnesses(tx, other.witnesses)
    net.reject(net.build([forged]).raw, "witness-signature")
    net.produce([tx])


def test_witness_nonstandard(net: Devnet) -> None:
    g, alice = net.genesis_holder, acct("alice")
    tx = net.contract(g, [(net.anc, anc(1), alice.script_hash)])
    for script in (b"\x51", b"", b"\x00\xac", tx.witnesses[0].verification + b"\x61"):
        odd = Witness(b"", script)
        forged = with_witnesses(
            tx, sorted([*tx.witnesses, odd], key=lambda w: le_int(w.script_hash))
        )
        assert net.rejected([forged]) == {0: "witness-nonstandard"}, script
    net.produce([tx])


def test_share_moves_need_the_admin_and_the_receiver(net: Devnet) -> None:
    company, alice, bob = acct("company"), acct("alice"), acct("bob")
    share = new_asset(net, AssetType.SHARE, 1000 * FIXED8, 0, company)
    out = [TxOutput(share, 100 * FIXED8, alice.script_hash)]
    # Issue of a Share: the Admin and the receiver (DutyFlag) sign.
    assert net.rejected([issue_tx(net, out, [company])]) == {0: "witness-set"}
    assert net.rejected([issue_tx(net, out, [alice])]) == {0: "witness-set"}
    net.produce([issue_tx(net, out, [company, alice])])
    (coin, _) = net.coins_of(alice.script_hash, share)[0]
    moved = [
        TxOutput(share, 40 * FIXED8, bob.script_hash),
        TxOutput(share, 60 * FIXED8, alice.script_hash),
    ]
    # The three-party transfer: seller, buyer (receiver) and company (Admin).
    for signers in ([alice, bob], [alice, company], [bob, company]):
        tx = make_tx(TxType.CONTRACT, {}, [coin], moved, signers)
        assert net.rejected([tx]) == {0: "witness-set"}, signers
    net.produce([make_tx(TxType.CONTRACT, {}, [coin], moved, [alice, bob, company])])
    assert net.balance(bob.script_hash, share) == 40 * FIXED8
    # Bob moves all of his back: the company signs again (receiver alice too).
    (bcoin, _) = net.coins_of(bob.script_hash, share)[0]
    back = [TxOutput(share, 40 * FIXED8, alice.script_hash)]
    assert net.rejected([make_tx(TxType.CONTRACT, {}, [bcoin], back, [bob, alice])]) == {
        0: "witness-set"
    }
    net.produce([make_tx(TxType.CONTRACT, {}, [bcoin], back, [bob, alice, company])])
    assert net.balance(alice.script_hash, share) == 100 * FIXED8


def test_invoice_receivers_sign_but_not_the_admin(net: Devnet) -> None:
    issuer, alice, bob = acct("issuer"), acct("alice"), acct("bob")
    invoice = new_asset(net, AssetType.INVOICE, -1, 0, issuer)
    out = [TxOutput(invoice, 5 * FIXED8, alice.script_hash)]
    assert net.rejected([issue_tx(net, out, [issuer])]) == {0: "witness-set"}
    net.produce([issue_tx(net, out, [issuer, alice])])
    (coin, _) = net.coins_of(alice.script_hash, invoice)[0]
    moved = [TxOutput(invoice, 5 * FIXED8, bob.script_hash)]
    assert net.rejected([make_tx(TxType.CONTRACT, {}, [coin], moved, [alice])]) == {
        0: "witness-set"
    }
    assert net.rejected([make_tx(TxType.CONTRACT, {}, [coin], moved, [alice, bob, issuer])]) == {
        0: "witness-set"
    }
    net.produce([make_tx(TxType.CONTRACT, {}, [coin], moved, [alice, bob])])
    # A Token (no DutyFlag): the receiver does not sign.
    token = new_asset(net, AssetType.TOKEN, -1, 0, issuer)
    net.produce([issue_tx(net, [TxOutput(token, FIXED8, alice.script_hash)], [issuer])])
    assert net.rejected(
        [issue_tx(net, [TxOutput(token, FIXED8, alice.script_hash)], [issuer, alice])]
    ) == {0: "witness-set"}


# ---------------------------------------------------------------------------------------------
# Transaction types and identity (SPEC §4).


def test_tx_type_disabled(net: Devnet) -> None:
    g = net.genesis_holder
    coin, _ = net.coins_of(g.script_hash, net.anc)[0]
    disabled = [
        make_tx(TxType.CLAIM, {"claims": [coin]}, [], [], []),
        make_tx(TxType.STATE, {"descriptors": []}, [], [], []),
        make_tx(
            TxType.PUBLISH,
            {
                "script": b"\x51",
                "parameter_list": b"",
                "return_type": 0,
                "name": "n",
                "code_version": "1",
                "author": "a",
                "email": "e",
                "description": "d",
            },
            [],
            [],
            [],
        ),
        make_tx(TxType.INVOCATION, {"script": b"\x51", "gas": 0}, [], [], [], version=1),
        make_tx(TxType.INVOCATION, {"script": b"\x51"}, [], [], []),
    ]
    for tx in disabled:
        assert net.rejected([tx]) == {0: "tx-type-disabled"}, tx.type
    built = net.build()
    error = net.reject(
        net.reassemble(built.block, [*built.block.transactions, disabled[3]]), "tx-type-disabled"
    )
    assert error.tx_index == 1
    net.apply(built.raw)


def test_tx_size(net: Devnet) -> None:
    big = [TxAttribute(REMARK, bytes([i]) * 65535) for i in range(16)]
    tx = make_tx(TxType.CONTRACT, {}, [], [], [], attributes=big)
    assert tx.size > MB
    assert net.rejected([tx]) == {0: "tx-size"}

    # At most 1 MB: exactly 2^20 bytes is fine, one more is not.
    def sized(n: int) -> Transaction:
        return make_tx(
            TxType.CONTRACT, {}, [], [], [], attributes=[*big[:15], TxAttribute(REMARK, b"z" * n)]
        )

    n = 1000 + MB - sized(1000).size
    assert sized(n).size == MB and sized(n + 1).size == MB + 1
    assert net.rejected([sized(n + 1)]) == {0: "tx-size"}
    net.produce([sized(n)])


def test_tx_duplicate_inputless(net: Devnet) -> None:
    tx = make_tx(TxType.CONTRACT, {}, [], [], [], attributes=[TxAttribute(REMARK, b"once")])
    other = make_tx(TxType.CONTRACT, {}, [], [], [], attributes=[TxAttribute(REMARK, b"twice")])
    assert net.rejected([tx, other, tx]) == {2: "tx-duplicate"}
    built = net.build([tx])
    raw = net.reassemble(built.block, [*built.block.transactions, tx])
    assert net.reject(raw, "tx-duplicate").tx_index == 2
    net.apply(built.raw)
    # Against the chain.
    assert net.rejected([tx, other]) == {0: "tx-duplicate"}
    built = net.build()
    raw = net.reassemble(built.block, [*built.block.transactions, tx])
    assert net.reject(raw, "tx-duplicate").tx_index == 1
    net.apply(built.raw)
    net.produce([other])
    # The genesis's input-less Register and Issue transactions cannot be replayed.
    genesis = net.state.genesis.transactions
    assert net.rejected(genesis[1:]) == {0: "tx-duplicate", 1: "tx-duplicate", 2: "tx-duplicate"}


# ---------------------------------------------------------------------------------------------
# Lottery and mint (SPEC §5).


def lottery_winner(holders: dict[bytes, int], r: bytes) -> bytes:
    """SPEC §5: n = R mod 10^8; the first holder (ascending UInt160) whose cumulative balance
    exceeds n."""
    n = int.from_bytes(r, "little") % 10**8
    total = 0
    for key in sorted(holders, key=le_int):
        total += holders[key]
        if total > n:
            return key
    raise AssertionError("no winner")


def test_lottery_follows_the_cumulative_balance_rule(tmp_path: Path) -> None:
    d = Devnet(tmp_path, seed="lottery")
    g, alice, bob = d.genesis_holder, acct("alice"), acct("bob")
    d.produce()
    (coin, value) = d.coins_of(g.script_hash, d.ans)[0]
    assert value == 10**8 * FIXED8
    split = make_tx(
        TxType.CONTRACT,
        {},
        [coin],
        [
            TxOutput(d.ans, 40_000_000 * FIXED8, alice.script_hash),
            TxOutput(d.ans, 60_000_000 * FIXED8, bob.script_hash),
        ],
        [g],
    )
    d.produce([split])
    assert d.state.engine.holders == (2, 10**8)
    assert d.ans_holders() == {
        alice.script_hash.to_bytes(): 40_000_000,
        bob.script_hash.to_bytes(): 60_000_000,
    }
    winners = set()
    for i in range(16):
        if i == 8:  # the holder index reloaded from the store draws the same way
            counts = d.state.engine.holders
            d.reopen()
            assert d.state.engine.holders == counts
        holders = d.ans_holders()
        minted, burned = d.state.engine.totals
        built = d.produce()
        h = d.state.height
        record = d.state.beacon_at(h) or b""
        r = record[:32]
        assert r == built.random
        # R_h is the SHA-256 of the secrets this block reveals (SPEC §7.7).
        secrets = built.block.transactions[0].exclusive["secrets"]
        assert r == hashlib.sha256(b"".join(s["secret"] for s in secrets)).digest()
        (mint,) = built.block.transactions[0].outputs
        assert mint.script_hash.to_bytes() == lottery_winner(holders, r)
        assert mint.value == expected_mint(minted, burned)
        assert d.state.engine.totals == (minted + mint.value, burned)
        winners.add(mint.script_hash.to_bytes())
    assert winners == {alice.script_hash.to_bytes(), bob.script_hash.to_bytes()}


def test_mint_goes_to_an_ans_holder_and_follows_the_formula(tmp_path: Path) -> None:
    d = Devnet(tmp_path, seed="mint")
    minted = 0
    first = d.produce()
    seed = hashlib.sha256(hashlib.sha256(d.state.genesis.hash.to_bytes()).digest()).digest()
    assert first.random == seed
    assert first.block.transactions[0].outputs[0].value == 2_429_725_700
    for block in d.blocks[1:]:
        minted += block.transactions[0].outputs[0].value
    for _ in range(5):
        built = d.produce()
        (mint,) = built.block.transactions[0].outputs
        assert mint.value == expected_mint(minted, 0)
        assert mint.script_hash == d.genesis_holder.script_hash
        minted += mint.value
    assert d.state.engine.totals == (minted, 0)
    assert d.balance(d.genesis_holder.script_hash, d.anc) == minted


# ---------------------------------------------------------------------------------------------
# Enrollment, voting, election (SPEC §4, §6).


def enroll(
    net: Devnet, cand: Account, deposit: int | None = None, exclude: Any = ()
) -> Transaction:
    out = TxOutput(
        net.anc, (net.deposit * FIXED8) if deposit is None else deposit, cand.script_hash
    )
    return net.paid_tx(
        TxType.ENROLLMENT,
        {"public_key": cand.public_key},
        net.genesis_holder,
        [out],
        fee(net, "enrollment"),
        [cand],
        exclude=exclude,
    )


def test_enrollment_rules(net: Devnet) -> None:
    g, cand, other = net.genesis_holder, acct("candidate"), acct("other")
    minimum = net.deposit * FIXED8
    enroll_fee = fee(net, "enrollment")
    key = {"public_key": cand.public_key}
    cases = [
        ([TxOutput(net.anc, minimum - 1, cand.script_hash)], "enrollment-deposit"),
        ([TxOutput(net.anc, minimum, other.script_hash)], "enrollment-deposit"),
        ([TxOutput(net.anc, minimum, g.script_hash)], "enrollment-deposit"),
    ]
    for outputs, rule in cases:
        tx = net.paid_tx(TxType.ENROLLMENT, key, g, outputs, enroll_fee, [cand])
        assert net.rejected([tx]) == {0: rule}
    # The deposit must be output 0 (change first does not count) and ANC (not ANS).
    ins, change = net.fund(g, net.anc, minimum + enroll_fee)
    swapped = make_tx(
        TxType.ENROLLMENT,
        key,
        ins,
        [*change, TxOutput(net.anc, minimum, cand.script_hash)],
        [g, cand],
    )
    assert change and net.rejected([swapped]) == {0: "enrollment-deposit"}
    (ans_coin, ans_value) = net.coins_of(g.script_hash, net.ans)[0]
    ins, change = net.fund(g, net.anc, enroll_fee)
    in_ans = make_tx(
        TxType.ENROLLMENT,
        key,
        [ans_coin, *ins],
        [TxOutput(net.ans, ans_value, cand.script_hash), *change],
        [g, cand],
    )
    assert net.rejected([in_ans]) == {0: "enrollment-deposit"}
    # The enrollee must be a key, and must sign.
    nokey = net.paid_tx(
        TxType.ENROLLMENT,
        {"public_key": b"\x00"},
        g,
        [TxOutput(net.anc, minimum, cand.script_hash)],
        enroll_fee,
        [],
    )
    assert net.rejected([nokey]) == {0: "enrollment-key"}
    # ... a point of the curve: x = 1 has no y on P-256 (1 - 3 + b is not a square).
    off_curve = b"\x02" + (1).to_bytes(32, "big")
    assert not _on_p256(off_curve)
    bad_point = net.paid_tx(
        TxType.ENROLLMENT,
        {"public_key": off_curve},
        g,
        [TxOutput(net.anc, minimum, script_hash(single_sig_script(off_curve)))],
        enroll_fee,
        [],
    )
    assert net.rejected([bad_point]) == {0: "enrollment-key"}
    unsigned = net.paid_tx(
        TxType.ENROLLMENT, key, g, [TxOutput(net.anc, minimum, cand.script_hash)], enroll_fee, []
    )
    assert net.rejected([unsigned]) == {0: "witness-set"}
    tx = enroll(net, cand, deposit=minimum + 1)
    net.produce([tx])
    assert net.state.engine.election_state == (1, 0)
    # Spending output 0 withdraws.
    out = TxOutput(net.anc, minimum + 1, cand.script_hash)
    net.produce([make_tx(TxType.CONTRACT, {}, [ref(tx, 0)], [out], [cand])])
    assert net.state.engine.election_state == (0, 0)


def vote_tx(
    net: Devnet,
    voter: Account,
    enrollments: Sequence[UInt256],
    ans_coins: Sequence[tuple[CoinReference, int]],
    *,
    outputs: Sequence[TxOutput] | None = None,
) -> Transaction:
    total = sum(v for _, v in ans_coins)
    outs = [TxOutput(net.ans, total, voter.script_hash)] if outputs is None else list(outputs)
    return net.paid_tx(
        TxType.VOTING,
        {"enrollments": list(enrollments)},
        voter,
        outs,
        fee(net, "voting"),
        extra_inputs=[c for c, _ in ans_coins],
    )


def test_election_follows_the_votes(net: Devnet) -> None:
    g = net.genesis_holder
    standby = net.standby_keys
    v1, v2 = acct("voter 1"), acct("voter 2")
    c1, c2, c3 = (acct(f"candidate {i}") for i in (1, 2, 3))
    net.hold_keys([s for c in (c1, c2, c3) for s in c.secrets])
    keys = {c: c.public_key for c in (c1, c2, c3)}
    setup = net.contract(
        g,
        [
            (net.ans, 30 * FIXED8, v1.script_hash),
            (net.ans, 50 * FIXED8, v2.script_hash),
            (net.anc, anc(5), v1.script_hash),
            (net.anc, anc(5), v2.script_hash),
        ],
    )
    net.produce([setup])
    e1 = enroll(net, c1)
    e2 = enroll(net, c2, exclude=e1.inputs)
    e3 = enroll(net, c3, exclude=[*e1.inputs, *e2.inputs])
    net.produce([e1, e2, e3])
    assert net.state.engine.election_state == (3, 0)
    assert list(net.state.engine.bookkeepers) == standby  # enrolled but nobody voted

    # Voting rules.
    v1_ans = net.coins_of(v1.script_hash, net.ans)
    e1b = enroll(net, c1)  # the same key enrolled a second time
    net.produce([e1b])
    assert net.rejected([vote_tx(net, v1, [e1.hash, e1b.hash], v1_ans)]) == {
        0: "voting-duplicate-key"
    }
    assert net.rejected([vote_tx(net, v1, [e1.hash, setup.hash], v1_ans)]) == {
        0: "voting-inactive-candidate"
    }
    assert net.rejected([vote_tx(net, v1, [UInt256(bytes(32))], v1_ans)]) == {
        0: "voting-inactive-candidate"
    }
    no_ans = vote_tx(net, v1, [e1.hash], [], outputs=[])
    assert net.rejected([no_ans]) == {0: "voting-no-ans"}
    # ANS paid to the voter but not in the vote's outputs does not count.
    anc_only = vote_tx(net, v1, [e1.hash], [], outputs=[TxOutput(net.anc, anc(1), v1.script_hash)])
    assert net.rejected([anc_only]) == {0: "voting-no-ans"}
    # Counts and duplicates cannot be written: the decoder's rules.
    with pytest.raises(ValueError):
        make_tx(TxType.VOTING, {"enrollments": []}, [], [], [])
    with pytest.raises(ValueError):
        make_tx(TxType.VOTING, {"enrollments": [e1.hash, e1.hash]}, [], [], [])
    with pytest.raises(ValueError):
        make_tx(
            TxType.VOTING,
            {"enrollments": [UInt256(i.to_bytes(32, "little")) for i in range(1025)]},
            [],
            [],
            [],
        )

    # V1 (30 shares) votes C1, C2; V2 (50 shares) votes C2, C3.
    vote1 = vote_tx(net, v1, [e1.hash, e2.hash], v1_ans)
    vote2 = vote_tx(net, v2, [e2.hash, e3.hash], net.coins_of(v2.script_hash, net.ans))
    built = net.build([vote1, vote2])
    assert built.rejected == []
    unchanged = election.next_consensus(standby)
    assert built.block.header.next_consensus != unchanged
    net.reject(net.reassemble(built.block, next_consensus=unchanged), "block-next-consensus")
    net.apply(built.raw)
    ballots = [(30, [keys[c1], keys[c2]]), (50, [keys[c2], keys[c3]])]
    active = [keys[c1], keys[c2], keys[c3]]
    expected = election.elect(ballots, active, standby)
    # By hand: both ballots list 2 → count 2; votes C2 80, C3 50, C1 30.
    assert expected == [keys[c2], keys[c3]]
    assert list(net.state.engine.bookkeepers) == expected
    assert built.block.header.next_consensus == election.next_consensus(expected)
    assert built.block.header.next_consensus == script_hash(multisig_script(2, expected))
    assert net.state.engine.election_state == (4, 2)

    # The next block must be signed by C2 and C3, not the standby key.
    nxt = net.build()
    assert nxt.block.header.witness.script_hash == built.block.header.next_consensus
    old = net.sign_header(nxt.block.header, standby)
    net.reject(Block(old, nxt.block.transactions).to_bytes(), "block-witness-signer")
    net.apply(nxt.raw)

    # C3 withdraws: spending its enrollment's output 0.
    withdraw = make_tx(
        TxType.CONTRACT,
        {},
        [ref(e3, 0)],
        [TxOutput(net.anc, net.deposit * FIXED8, c3.script_hash)],
        [c3],
    )
    built = net.produce([withdraw])
    active = [keys[c1], keys[c2]]
    expected = election.elect(ballots, active, standby)
    assert expected == [keys[c2], keys[c1]]
    assert list(net.state.engine.bookkeepers) == expected
    assert built.block.header.next_consensus == election.next_consensus(expected)
    stale = vote_tx(net, v1, [e1.hash, e3.hash], net.coins_of(v1.script_hash, net.ans))
    assert net.rejected([stale]) == {0: "voting-inactive-candidate"}
    net.produce()

    # V1 spends its vote's ANS: the ballot's weight is gone.
    (v1_vote_coin, v1_value) = net.coins_of(v1.script_hash, net.ans)[0]
    assert v1_vote_coin.prev_hash == vote1.hash
    cancel = make_tx(
        TxType.CONTRACT, {}, [v1_vote_coin], [TxOutput(net.ans, v1_value, v1.script_hash)], [v1]
    )
    built = net.produce([cancel])
    ballots = [(50, [keys[c2], keys[c3]])]
    expected = election.elect(ballots, active, standby)
    assert expected == [keys[c2], standby[0]]  # C2 50, C3 withdrawn: filled from standby
    assert list(net.state.engine.bookkeepers) == expected
    assert built.block.header.next_consensus == election.next_consensus(expected)
    assert net.state.engine.election_state == (3, 1)
    net.produce()


def test_vote_weight_counts_its_ans_outputs_and_ties_break_by_key(net: Devnet) -> None:
    g = net.genesis_holder
    standby = net.standby_keys
    voter = acct("voter")
    c1, c2 = acct("candidate 1"), acct("candidate 2")
    net.hold_keys([*c1.secrets, *c2.secrets])
    e1 = enroll(net, c1)
    e2 = enroll(net, c2, exclude=e1.inputs)
    setup = net.contract(
        g,
        [(net.ans, 10 * FIXED8, voter.script_hash), (net.anc, anc(5), voter.script_hash)],
        exclude=[*e1.inputs, *e2.inputs],
    )
    net.produce([e1, e2, setup])
    coins = net.coins_of(voter.script_hash, net.ans)
    # Ten shares as 4 + 6 in two outputs: weight 10 on each of C1 and C2 → a tie, count 2.
    vote = vote_tx(
        net,
        voter,
        [e1.hash, e2.hash],
        coins,
        outputs=[
            TxOutput(net.ans, 4 * FIXED8, voter.script_hash),
            TxOutput(net.ans, 6 * FIXED8, voter.script_hash),
        ],
    )
    net.produce([vote])
    ballots = [(10, [c1.public_key, c2.public_key])]
    expected = election.elect(ballots, [c1.public_key, c2.public_key], standby)
    assert sorted(expected) == sorted([c1.public_key, c2.public_key])
    assert list(net.state.engine.bookkeepers) == expected
    # Spending the 6-share output leaves weight 4 — still a ballot.
    net.produce(
        [
            make_tx(
                TxType.CONTRACT,
                {},
                [ref(vote, 1)],
                [TxOutput(net.ans, 6 * FIXED8, voter.script_hash)],
                [voter],
            )
        ]
    )
    assert net.state.engine.election_state == (2, 1)
    # A second, one-candidate ballot of 8 for C2 → weights: k=1 w=8, k=2 w=4 → W=12, band [3,9]:
    # k=1 covers [0,8) → 5, k=2 covers [8,12) → 1 → mean (5 + 2) / 6 → 1; C2 ranks first.
    rich = acct("rich")
    net.produce(
        [
            net.contract(
                g, [(net.ans, 8 * FIXED8, rich.script_hash), (net.anc, anc(2), rich.script_hash)]
            )
        ]
    )
    net.produce([vote_tx(net, rich, [e2.hash], net.coins_of(rich.script_hash, net.ans))])
    ballots = [(4, [c1.public_key, c2.public_key]), (8, [c2.public_key])]
    expected = election.elect(ballots, [c1.public_key, c2.public_key], standby)
    assert election.bookkeeper_count(ballots, 1) == 1
    assert expected == [c2.public_key]
    assert list(net.state.engine.bookkeepers) == expected
    net.produce()


# ---------------------------------------------------------------------------------------------
# Agency (SPEC §8): one valid match and violations through the engine.


def order_message(
    asset: UInt256,
    value_asset: UInt256,
    agent: UInt160,
    amount: int,
    price: int,
    client: UInt160,
    inputs: Sequence[CoinReference],
) -> bytes:
    """SPEC §8's signed form of an order."""
    assert len(inputs) < 0xFD
    return b"".join(
        [
            asset.to_bytes(),
            value_asset.to_bytes(),
            agent.to_bytes(),
            amount.to_bytes(8, "little", signed=True),
            price.to_bytes(8, "little", signed=True),
            client.to_bytes(),
            bytes([len(inputs)]),
            *(i.to_bytes() for i in inputs),
        ]
    )


def order(
    asset: UInt256,
    value_asset: UInt256,
    agent: UInt160,
    amount: int,
    price: int,
    client: Account,
    inputs: Sequence[CoinReference],
    signers: Sequence[Account],
) -> dict[str, Any]:
    message = order_message(asset, value_asset, agent, amount, price, client.script_hash, inputs)
    unique = sorted(
        {a.script_hash.to_bytes(): a for a in signers}.values(), key=lambda a: le_int(a.script_hash)
    )
    return {
        "amount": amount,
        "price": price,
        "client": client.script_hash,
        "inputs": list(inputs),
        "witnesses": [a.witness(message) for a in unique],
    }


def agency_tx(
    asset: UInt256,
    value_asset: UInt256,
    agent: Account,
    orders: Sequence[dict[str, Any]],
    outputs: Sequence[TxOutput],
    split: dict[str, Any] | None = None,
    signers: Sequence[Account] | None = None,
) -> Transaction:
    exclusive = {
        "asset_id": asset,
        "value_asset_id": value_asset,
        "agent": agent.script_hash,
        "orders": list(orders),
        "split_order": split,
    }
    return make_tx(TxType.AGENCY, exclusive, [], outputs, [agent] if signers is None else signers)


def test_agency_match_and_violations(net: Devnet) -> None:
    issuer, agent, seller, buyer = acct("issuer"), acct("agent"), acct("seller"), acct("buyer")
    usd = new_asset(net, AssetType.CURRENCY, -1, 8, issuer)
    tok = new_asset(net, AssetType.TOKEN, -1, 4, issuer)
    net.produce(
        [
            issue_tx(net, [TxOutput(usd, 100 * FIXED8, buyer.script_hash)], [issuer]),
        ]
    )
    net.produce([issue_tx(net, [TxOutput(tok, 50 * FIXED8, seller.script_hash)], [issuer])])
    (s_coin, _) = net.coins_of(seller.script_hash, tok)[0]
    (b_coin, _) = net.coins_of(buyer.script_hash, usd)[0]
    a = agent.script_hash
    sell = order(tok, usd, a, -10 * FIXED8, 2 * FIXED8, seller, [s_coin], [seller])
    buy = order(tok, usd, a, 10 * FIXED8, 2 * FIXED8, buyer, [b_coin], [buyer])
    settle = [
        TxOutput(tok, 10 * FIXED8, buyer.script_hash),
        TxOutput(tok, 40 * FIXED8, seller.script_hash),
        TxOutput(usd, 20 * FIXED8, seller.script_hash),
        TxOutput(usd, 80 * FIXED8, buyer.script_hash),
    ]
    valid = agency_tx(tok, usd, agent, [sell, buy], settle)

    # The seller is paid 19 and the agent keeps 1: the seller's value check fails.
    short = [
        *settle[:2],
        TxOutput(usd, 19 * FIXED8, seller.script_hash),
        settle[3],
        TxOutput(usd, FIXED8, a),
    ]
    assert net.rejected([agency_tx(tok, usd, agent, [sell, buy], short)]) == {
        0: "agency-settlement-value"
    }
    # Two sells: one-sided.
    sell2 = order(tok, usd, a, -10 * FIXED8, 2 * FIXED8, buyer, [b_coin], [buyer])
    assert net.rejected([agency_tx(tok, usd, agent, [sell, sell2], settle)]) == {
        0: "agency-one-sided"
    }
    # An order without its owner's witness.
    bare = dict(buy, witnesses=[])
    assert net.rejected([agency_tx(tok, usd, agent, [sell, bare], settle)]) == {
        0: "agency-order-witnesses"
    }
    # The value asset must be a Currency.
    assert net.rejected([agency_tx(usd, tok, agent, [sell, buy], settle)]) == {
        0: "agency-value-asset-not-currency"
    }
    # The Agent signs the transaction.
    assert net.rejected([agency_tx(tok, usd, agent, [sell, buy], settle, signers=[])]) == {
        0: "witness-set"
    }
    # Order inputs are inputs: an order spending a coin another transaction spends conflicts.
    spend_seller = make_tx(
        TxType.CONTRACT, {}, [s_coin], [TxOutput(tok, 50 * FIXED8, seller.script_hash)], [seller]
    )
    assert net.rejected([spend_seller, valid]) == {1: "spent-or-missing-input"}
    # A forged order signature passes assembly but not the block's signature check.
    forged_w = Witness(b"\x40" + bytes(64), seller.script)
    forged = agency_tx(tok, usd, agent, [dict(sell, witnesses=[forged_w]), buy], settle)
    built = net.build([forged])
    assert built.rejected == []
    assert net.reject(built.raw, "witness-signature").tx_index == 1

    net.produce([valid])
    assert net.balance(buyer.script_hash, tok) == 10 * FIXED8
    assert net.balance(seller.script_hash, usd) == 20 * FIXED8
    assert net.balance(seller.script_hash, tok) == 40 * FIXED8
    assert net.balance(buyer.script_hash, usd) == 80 * FIXED8
    # Cancelling an order = spending its inputs: the same order cannot settle again.
    assert net.rejected([valid]) == {0: "spent-or-missing-input"}


def test_vote_ties_and_repeated_votes(net: Devnet) -> None:
    g = net.genesis_holder
    standby = net.standby_keys
    v1, v2 = acct("voter 1"), acct("voter 2")
    c1, c2 = acct("candidate 1"), acct("candidate 2")
    net.hold_keys([*c1.secrets, *c2.secrets])
    e1 = enroll(net, c1)
    e2 = enroll(net, c2, exclude=e1.inputs)
    setup = net.contract(
        g,
        [
            (net.ans, 5 * FIXED8, v1.script_hash),
            (net.ans, 2 * FIXED8, v2.script_hash),
            (net.ans, 3 * FIXED8, v2.script_hash),
            (net.anc, anc(5), v1.script_hash),
            (net.anc, anc(5), v2.script_hash),
        ],
        exclude=[*e1.inputs, *e2.inputs],
    )
    net.produce([e1, e2, setup])
    # 5 shares for C1, 5 for C2 (cast by v2 as two ballots of 2 and 3 from different coins):
    # a later vote by the same owner does not cancel the earlier one.
    vote1 = vote_tx(net, v1, [e1.hash], net.coins_of(v1.script_hash, net.ans))
    v2_coins = net.coins_of(v2.script_hash, net.ans)
    assert sorted(v for _, v in v2_coins) == [2 * FIXED8, 3 * FIXED8]
    vote2a = vote_tx(net, v2, [e2.hash], v2_coins[:1])
    net.produce([vote1, vote2a])
    vote2b = net.paid_tx(
        TxType.VOTING,
        {"enrollments": [e2.hash]},
        v2,
        [TxOutput(net.ans, v2_coins[1][1], v2.script_hash)],
        fee(net, "voting"),
        extra_inputs=[v2_coins[1][0]],
    )
    net.produce([vote2b])
    assert net.state.engine.election_state == (2, 3)
    # Count 1 (every ballot lists one); C1 and C2 tie at 5: the lower key in multisig order.
    ballots = [(5, [c1.public_key]), (2, [c2.public_key]), (3, [c2.public_key])]
    expected = election.elect(ballots, [c1.public_key, c2.public_key], standby)
    assert expected == [sort_keys([c1.public_key, c2.public_key])[0]]
    assert list(net.state.engine.bookkeepers) == expected
    net.produce()
    # A ballot of 10 for both: k=1 weighs 10, k=2 weighs 10; the band [5, 15] holds 5 of each,
    # mean 1.5, rounded half up: two bookkeepers, C1 and C2 tied at 15 (key order).
    v3 = acct("voter 3")
    net.produce(
        [
            net.contract(
                g, [(net.ans, 10 * FIXED8, v3.script_hash), (net.anc, anc(2), v3.script_hash)]
            )
        ]
    )
    net.produce([vote_tx(net, v3, [e1.hash, e2.hash], net.coins_of(v3.script_hash, net.ans))])
    ballots.append((10, [c1.public_key, c2.public_key]))
    assert election.bookkeeper_count(ballots, 1) == 2
    expected = election.elect(ballots, [c1.public_key, c2.public_key], standby)
    assert expected == sort_keys([c1.public_key, c2.public_key])
    assert list(net.state.engine.bookkeepers) == expected
    net.produce()


def test_batch_rules_span_its_blocks(tmp_path: Path) -> None:
    """Blocks applied in one batch see each other: an input-less transaction or a coin of the
    first block cannot appear again in the second; the first block stays committed."""
    a = Devnet(tmp_path / "a", seed="batch")
    b = Devnet(tmp_path / "b", seed="batch")
    g, alice = a.genesis_holder, acct("alice")
    for _ in range(3):
        a.produce()
    once = make_tx(TxType.CONTRACT, {}, [], [], [], attributes=[TxAttribute(REMARK, b"batch")])
    pay = a.contract(g, [(a.anc, anc(1), alice.script_hash)])
    again = a.contract(g, [(a.anc, anc(2), alice.script_hash)])
    assert pay.inputs == again.inputs
    a.produce([once, pay])
    nxt = a.build()
    raws = [a.state.block_at(h) or b"" for h in range(1, a.state.height + 1)]
    assert b.state.apply_blocks(raws[:-1]).error is None
    for extra, rule in ((once, "tx-duplicate"), (again, "spent-or-missing-input")):
        forged = a.reassemble(nxt.block, [*nxt.block.transactions, extra])
        result = b.state.apply_blocks([raws[-1], forged])
        assert result.applied == 1
        assert result.error is not None and result.error.rule == rule
        assert result.error.height == a.state.height + 1 and result.error.tx_index == 1
        assert b.state.height == a.state.height and b.state.tip_hash == a.state.tip_hash
        assert state_digest(b.state.store) == state_digest(a.state.store)
        # The next case starts again from a fresh copy of the chain before that block.
        b.state.close()
        b = Devnet(tmp_path / f"b-{rule}", seed="batch")
        assert b.state.apply_blocks(raws[:-1]).error is None
    result = b.state.apply_blocks([raws[-1], nxt.raw])
    assert result.error is None and result.applied == 2


def test_rules_hold_after_reopening_the_store(net: Devnet) -> None:
    """The engine reloaded from the store enforces the same state: enrollments, ballots,
    holders, totals and the index of input-less transactions."""
    g = net.genesis_holder
    voter, cand = acct("voter"), acct("candidate")
    net.hold_keys(cand.secrets)
    e = enroll(net, cand)
    setup = net.contract(
        g,
        [(net.ans, 7 * FIXED8, voter.script_hash), (net.anc, anc(3), voter.script_hash)],
        exclude=e.inputs,
    )
    marker = make_tx(TxType.CONTRACT, {}, [], [], [], attributes=[TxAttribute(REMARK, b"r")])
    net.produce([e, setup, marker])
    vote = vote_tx(net, voter, [e.hash], net.coins_of(voter.script_hash, net.ans))
    net.produce([vote])
    assert list(net.state.engine.bookkeepers) == [cand.public_key]
    before = net.snapshot()
    holders = net.state.engine.holders
    net.reopen()
    assert net.snapshot() == before
    assert net.state.engine.holders == holders
    assert net.state.engine.election_state == (1, 1)
    assert net.rejected([marker]) == {0: "tx-duplicate"}
    assert net.rejected([vote]) == {0: "spent-or-missing-input"}
    net.produce()
    # Cancelling the vote after the reload still removes its weight.
    (coin, value) = net.coins_of(voter.script_hash, net.ans)[0]
    cancel = make_tx(
        TxType.CONTRACT, {}, [coin], [TxOutput(net.ans, value, voter.script_hash)], [voter]
    )
    net.produce([cancel])
    assert net.state.engine.election_state == (1, 0)
    assert list(net.state.engine.bookkeepers) == net.standby_keys
    net.produce()
    net.reopen()
    # Withdrawing after another reload: output 0 of the enrollment loaded from the store.
    deposit = TxOutput(net.anc, net.deposit * FIXED8, cand.script_hash)
    net.produce([make_tx(TxType.CONTRACT, {}, [ref(e, 0)], [deposit], [cand])])
    assert net.state.engine.election_state == (0, 0)
    stale = vote_tx(net, voter, [e.hash], net.coins_of(voter.script_hash, net.ans))
    assert net.rejected([stale]) == {0: "voting-inactive-candidate"}


def test_transactions_may_spend_outputs_of_earlier_ones_in_the_block(net: Devnet) -> None:
    g, alice, bob = net.genesis_holder, acct("alice"), acct("bob")
    first = net.contract(g, [(net.anc, anc(1), alice.script_hash)])
    second = make_tx(
        TxType.CONTRACT, {}, [ref(first, 0)], [TxOutput(net.anc, anc(1), bob.script_hash)], [alice]
    )
    # Assembly leaves no trace: the same candidates can be proposed again and again.
    before = net.snapshot()
    assert net.rejected([second, first]) == {0: "spent-or-missing-input"}
    assert net.rejected([first, second]) == {}
    assert net.snapshot() == before
    built = net.build([first, second])
    raw = net.reassemble(built.block, [built.block.transactions[0], second, first])
    assert net.reject(raw, "spent-or-missing-input").tx_index == 1
    net.apply(built.raw)
    assert net.balance(bob.script_hash, net.anc) == anc(1)
    assert net.balance(alice.script_hash, net.anc) == 0


def test_agency_partial_fill_carries_over(net: Devnet) -> None:
    """A SplitOrder's outputs are spent by a later Agency transaction of the same pair and agent
    as one more order, without the client's signature; the record survives a reload."""
    issuer, agent = acct("issuer"), acct("agent")
    seller, buyer, buyer2 = acct("seller"), acct("buyer"), acct("buyer 2")
    usd = new_asset(net, AssetType.CURRENCY, -1, 8, issuer)
    tok = new_asset(net, AssetType.TOKEN, -1, 4, issuer)
    net.produce(
        [
            issue_tx(
                net,
                [
                    TxOutput(usd, 100 * FIXED8, buyer.script_hash),
                    TxOutput(usd, 10 * FIXED8, buyer2.script_hash),
                    TxOutput(tok, 50 * FIXED8, seller.script_hash),
                ],
                [issuer],
            )
        ]
    )
    net.produce([net.contract(net.genesis_holder, [(net.anc, anc(1), agent.script_hash)])])
    a = agent.script_hash
    (s_coin, _) = net.coins_of(seller.script_hash, tok)[0]
    (b_coin, _) = net.coins_of(buyer.script_hash, usd)[0]
    sell = order(tok, usd, a, -10 * FIXED8, 2 * FIXED8, seller, [s_coin], [seller])
    buy = order(tok, usd, a, 6 * FIXED8, 2 * FIXED8, buyer, [b_coin], [buyer])
    outputs = [
        TxOutput(tok, 6 * FIXED8, buyer.script_hash),
        TxOutput(tok, 44 * FIXED8, seller.script_hash),
        TxOutput(usd, 12 * FIXED8, seller.script_hash),
        TxOutput(usd, 88 * FIXED8, buyer.script_hash),
    ]
    split = {"amount": -4 * FIXED8, "price": 2 * FIXED8, "client": seller.script_hash}
    assert net.rejected([agency_tx(tok, usd, agent, [sell, buy], outputs)]) == {
        0: "agency-missing-split"
    }
    wrong = dict(split, amount=-3 * FIXED8)
    assert net.rejected([agency_tx(tok, usd, agent, [sell, buy], outputs, wrong)]) == {
        0: "agency-split-amount"
    }
    first = agency_tx(tok, usd, agent, [sell, buy], outputs, split)
    net.produce([first])
    net.reopen()

    # The seller's 44 TOK (output 1) carry the unfilled 4 TOK at 2 USD to the next match.
    (b2_coin, _) = net.coins_of(buyer2.script_hash, usd)[0]
    buy2 = order(tok, usd, a, 4 * FIXED8, 2 * FIXED8, buyer2, [b2_coin], [buyer2])
    (fee_coin, fee_value) = net.coins_of(a, net.anc)[0]
    settle = [
        TxOutput(tok, 4 * FIXED8, buyer2.script_hash),
        TxOutput(tok, 40 * FIXED8, seller.script_hash),
        TxOutput(usd, 8 * FIXED8, seller.script_hash),
        TxOutput(usd, 2 * FIXED8, buyer2.script_hash),
        TxOutput(net.anc, fee_value - 1000, a),
    ]
    exclusive = {
        "asset_id": tok,
        "value_asset_id": usd,
        "agent": a,
        "orders": [buy2],
        "split_order": None,
    }
    carried = [ref(first, 1), fee_coin]
    # The seller does not sign again; the agent signs for itself and its own ANC.
    second = make_tx(TxType.AGENCY, exclusive, carried, settle, [agent])
    with_seller = make_tx(TxType.AGENCY, exclusive, carried, settle, [agent, seller])
    assert net.rejected([with_seller]) == {0: "witness-set"}
    # Carried over, the seller's 44 TOK may only sell 4: keeping back 3 instead of 4 is theft.
    greedy = [*settle[:1], TxOutput(tok, 39 * FIXED8, seller.script_hash), *settle[2:]]
    greedy_tx = make_tx(
        TxType.AGENCY,
        exclusive,
        carried,
        [*greedy, TxOutput(tok, FIXED8, buyer2.script_hash)],
        [agent],
    )
    assert net.rejected([greedy_tx]) == {0: "agency-settlement-asset"}
    built = net.produce([second])
    keeper = Account.single(net.bookkeeper_secrets[0]).script_hash
    assert built.block.transactions[0].outputs[1:] == [TxOutput(net.anc, 1000, keeper)]
    assert net.balance(seller.script_hash, tok) == 40 * FIXED8
    assert net.balance(seller.script_hash, usd) == 20 * FIXED8
    assert net.balance(buyer.script_hash, tok) == 6 * FIXED8
    assert net.balance(buyer2.script_hash, tok) == 4 * FIXED8


def _on_p256(key: bytes) -> bool:
    """Whether a compressed key's x has a y on P-256, by the curve equation (independent of
    the native code)."""
    p = 2**256 - 2**224 + 2**192 + 2**96 - 1
    b = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
    x = int.from_bytes(key[1:], "big")
    rhs = (pow(x, 3, p) - 3 * x + b) % p
    return pow(rhs, (p - 1) // 2, p) in (0, 1)
