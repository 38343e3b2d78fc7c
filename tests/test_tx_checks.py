"""Loose transactions checked against the tip (`ChainState.check_transactions`, what a mempool
admits) and blocks that reuse those verdicts (`apply_blocks(..., verified=wtxids)`), on a solo
devnet.

Each transaction is checked alone, as the only transaction of the next block, under the rules a
block's transaction meets; nothing changes. A block transaction whose wtxid (SHA-256 of its
complete bytes) was verified skips the signature batch — keyed on the full bytes, since the txid
does not cover the witnesses.
"""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from antshares.core import Block, CoinReference, Transaction, TxOutput, TxType, UInt256, Witness
from antshares.ledger.chainstate import TxCheck
from devnet_chain import FIXED8, Account, Devnet, make_tx, secret_of, with_witnesses

ALICE = Account.single(secret_of("alice"))


@pytest.fixture
def net(tmp_path: Path) -> Iterator[Devnet]:
    """A solo devnet three blocks in: the genesis ANS holder has won ANC from the lottery."""
    d = Devnet(tmp_path)
    for _ in range(3):
        d.produce()
    yield d
    d.state.close()


def wtxid(tx: Transaction) -> bytes:
    return hashlib.sha256(tx.to_bytes()).digest()


def tampered(tx: Transaction) -> Transaction:
    """The same transaction (same txid) with its first signature broken."""
    (w, *rest) = tx.witnesses
    bad = bytearray(w.invocation)
    bad[-1] ^= 1
    return with_witnesses(tx, [Witness(bytes(bad), w.verification), *rest])


def pay(net: Devnet, amount: int = FIXED8, fee: int = 0) -> Transaction:
    return net.contract(net.genesis_holder, [(net.anc, amount, ALICE.script_hash)], anc_fee=fee)


def check(net: Devnet, *txs: Transaction, verify: bool = True) -> list[TxCheck]:
    return net.state.check_transactions([tx.to_bytes() for tx in txs], verify)


def test_a_valid_transfer_passes_with_its_byte_fee(net: Devnet) -> None:
    tx = pay(net, fee=FIXED8 // 4)
    (c,) = check(net, tx)
    assert c.ok and c.rule is None and c.detail is None
    assert c.byte_fee == FIXED8 // 4
    assert c.txid == tx.hash.to_bytes()
    assert c.wtxid == wtxid(tx)
    assert c.size == len(tx.to_bytes())
    # The byte fee excludes a service fee, which is burned.
    deposit = TxOutput(net.anc, net.deposit * FIXED8, ALICE.script_hash)
    enroll_fee = net.fees["enrollment"] * FIXED8
    enroll = net.paid_tx(
        TxType.ENROLLMENT,
        {"public_key": ALICE.public_key},
        net.genesis_holder,
        [deposit],
        enroll_fee + 3,
        [ALICE],
    )
    (c,) = check(net, enroll)
    assert c.ok and c.byte_fee == 3
    # Nothing changed: the transfer still goes into the next block.
    assert net.produce([tx]).included == [0]


def test_a_tampered_signature_fails_unless_signatures_are_trusted(net: Devnet) -> None:
    forged = tampered(pay(net))
    (c,) = check(net, forged)
    assert c.rule == "witness-signature"
    assert c.detail is not None and c.detail.startswith("witnesses[0]: ")
    assert c.byte_fee == 0 and c.txid == forged.hash.to_bytes()
    (trusted,) = check(net, forged, verify=False)
    assert trusted.ok


def test_the_required_signers_are_checked_in_both_modes(net: Devnet) -> None:
    tx = pay(net)
    other = Account.single(secret_of("mallory"))
    signed_by_other = with_witnesses(tx, [other.witness(tx.unsigned_bytes())])
    for verify in (True, False):
        assert check(net, signed_by_other, verify=verify)[0].rule == "witness-set"


def test_spent_and_nonexistent_outputs_fail(net: Devnet) -> None:
    tx = pay(net)
    net.produce([tx])
    assert check(net, tx)[0].rule == "spent-or-missing-input"
    nowhere = CoinReference(UInt256(b"\x11" * 32), 0)
    out = TxOutput(net.anc, FIXED8, ALICE.script_hash)
    ghost = make_tx(TxType.CONTRACT, {}, [nowhere], [out], [net.genesis_holder])
    assert check(net, ghost)[0].rule == "spent-or-missing-input"


def test_conflicting_transactions_are_each_valid_alone(net: Devnet) -> None:
    first = pay(net, FIXED8)
    second = pay(net, 2 * FIXED8)
    assert set(first.inputs) & set(second.inputs)
    assert [c.rule for c in check(net, first, second)] == [None, None]
    # A block holds only one of them.
    assert [rule for _, rule, _ in net.build([first, second]).rejected] == [
        "spent-or-missing-input"
    ]


def test_garbage_does_not_decode(net: Devnet) -> None:
    raw = pay(net).to_bytes()
    garbage = [b"", b"\x80", b"\xff" * 300, raw + b"\x00", raw[:-1]]
    checks = net.state.check_transactions(garbage)
    assert [c.rule for c in checks] == ["tx-decode"] * len(garbage)
    assert all(c.txid is None and c.wtxid is None and c.byte_fee == 0 for c in checks)
    assert [c.size for c in checks] == [len(g) for g in garbage]


def test_a_miner_transaction_is_rejected(net: Devnet) -> None:
    tip = net.state.block_at(net.state.height)
    assert tip is not None
    miner = Block.from_bytes(tip).transactions[0]
    (c,) = check(net, miner)
    assert c.rule == "tx-type"
    assert c.txid == miner.hash.to_bytes()


def test_a_verified_wtxid_skips_the_signature_check_and_only_that(net: Devnet) -> None:
    tx = pay(net)
    forged = tampered(tx)
    assert forged.hash == tx.hash and wtxid(forged) != wtxid(tx)
    built = net.build([forged])  # assembly checks signers, not signatures
    assert built.rejected == []
    net.reject(built.raw, "witness-signature")
    # The same txid verified with other witnesses: the forged bytes are still checked.
    result = net.state.apply_blocks([built.raw], verified={wtxid(tx)})
    assert result.error is not None and result.error.rule == "witness-signature"
    assert result.error.tx_index == 1 and result.applied == 0
    # Its exact bytes listed as verified: skipped. The signature is bad, so the skip is real.
    result = net.state.apply_blocks([built.raw], verified={wtxid(forged)})
    assert result.error is None and result.applied == 1
    assert result.reused == 1
    assert net.state.tip_hash == built.block.hash.to_bytes()


def test_a_mempool_round_verified_once(net: Devnet) -> None:
    tx = pay(net)
    (c,) = check(net, tx)
    assert c.ok and c.wtxid is not None
    built = net.build([tx])
    result = net.state.apply_blocks([built.raw], verified={c.wtxid})
    assert result.error is None
    assert (result.reused, result.signatures) == (1, 1)  # the block witness alone was checked


def test_the_builder_passes_verified_wtxids_on(net: Devnet) -> None:
    forged = tampered(pay(net))
    # Without the set the verifier finds the bad witness and the builder leaves it out...
    built = net.builder.produce([forged], net.next_time())
    assert built.included == [] and [r for _, r, _ in built.rejected] == ["witness-signature"]
    # ...with it, the transaction counts as verified and goes in.
    forged = tampered(pay(net))
    built = net.builder.produce([forged], net.next_time(), verified={wtxid(forged)})
    assert built.included == [0] and built.rejected == []
