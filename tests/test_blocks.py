"""Every real MainNet block: parse, re-serialize, txids, Merkle, every standard witness; and one
flipped bit in a signature, a key or a signed message makes verification fail."""

import random

import pytest
from antshares_native import _native

import antshares
from antshares.core import Block, Transaction, Witness
from antshares.core.address import parse_invocation
from antshares.core.hashing import hash256, merkle_root
from conftest import block_bytes, block_files


def rebuild_tx(tx: Transaction, witnesses: list[Witness]) -> Transaction:
    return Transaction(
        tx.type, tx.version, tx.exclusive, tx.attributes, tx.inputs, tx.outputs, witnesses
    )


def with_tx(block: Block, index: int, tx: Transaction) -> Block:
    txs = list(block.transactions)
    txs[index] = tx
    return Block(block.header, txs)


def signed_witnesses(block: Block) -> list[tuple[int, int]]:
    """(tx index, witness index) of witnesses carrying plain signatures."""
    out = []
    for t, tx in enumerate(block.transactions):
        for w, wit in enumerate(tx.witnesses):
            sigs = parse_invocation(wit.invocation)
            if sigs and _native.classify_script(wit.verification)[0] != "nonstandard":
                out.append((t, w))
    return out


def test_real_block_round_trip_and_verifies(real_block: tuple[str, bytes]) -> None:
    name, raw = real_block
    block = Block.from_bytes(raw)
    assert block.to_bytes() == raw
    assert block.compute_merkle_root() == block.merkle_root
    txids = [hash256(tx.unsigned_bytes())[::-1].hex() for tx in block.transactions]
    assert [tx.txid for tx in block.transactions] == txids
    assert (
        merkle_root([tx.hash.to_bytes() for tx in block.transactions])
        == block.merkle_root.to_bytes()
    )
    for tx in block.transactions:
        assert Transaction.from_bytes(tx.to_bytes()) == tx
    report = antshares.verify_block(raw)
    assert report.ok, f"{name}: {report.error}"
    assert report.merkle_ok
    assert report.hash == str(block.hash)
    assert report.height == block.index
    assert list(report.txids) == txids
    assert report.signatures_checked > 0
    assert report.signatures_valid == report.signatures_checked
    expected_sigs = sum(
        len(parse_invocation(block.transactions[t].witnesses[w].invocation) or [])
        for t, w in signed_witnesses(block)
    ) + len(parse_invocation(block.header.witness.invocation) or [])
    assert report.signatures_checked == expected_sigs


def test_chained_blocks_need_matching_next_consensus() -> None:
    raw = block_bytes("mainnet-2000000.hex")
    block = Block.from_bytes(raw)
    good = antshares.verify_block(raw, block.header.witness.script_hash)
    assert good.ok and good.block_witness_bound
    bad = antshares.verify_block(raw, antshares.UInt160(bytes(20)))
    assert not bad.ok and "NextConsensus" in (bad.error or "")
    unbound = antshares.verify_block(raw)
    assert unbound.ok and not unbound.block_witness_bound


@pytest.mark.parametrize("name", [p.name for p in block_files()])
def test_flipped_signature_bit_fails(name: str) -> None:
    block = Block.from_bytes(block_bytes(name))
    rng = random.Random(name)
    places = signed_witnesses(block)
    for t, w in rng.sample(places, min(4, len(places))):
        tx = block.transactions[t]
        wit = tx.witnesses[w]
        bit = rng.randrange(64 * 8)
        sig_index = rng.randrange(len(wit.invocation) // 65)
        pos = sig_index * 65 + 1 + bit // 8
        inv = bytearray(wit.invocation)
        inv[pos] ^= 1 << (bit % 8)
        witnesses = list(tx.witnesses)
        witnesses[w] = Witness(bytes(inv), wit.verification)
        report = antshares.verify_block(with_tx(block, t, rebuild_tx(tx, witnesses)).to_bytes())
        assert not report.ok
        assert f"transactions[{t}].witnesses[{w}]" in (report.error or "")
        assert report.signatures_valid < report.signatures_checked


@pytest.mark.parametrize("name", [p.name for p in block_files()])
def test_flipped_block_witness_signature_fails(name: str) -> None:
    block = Block.from_bytes(block_bytes(name))
    h = block.header
    inv = bytearray(h.witness.invocation)
    inv[1 + 17] ^= 0x10
    header = type(h)(
        h.version,
        h.prev_hash,
        h.merkle_root,
        h.timestamp,
        h.index,
        h.consensus_data,
        h.next_consensus,
        Witness(bytes(inv), h.witness.verification),
    )
    report = antshares.verify_block(Block(header, list(block.transactions)).to_bytes())
    assert not report.ok and (report.error or "").startswith("block witness")


@pytest.mark.parametrize("name", [p.name for p in block_files()])
def test_flipped_key_bit_fails(name: str) -> None:
    block = Block.from_bytes(block_bytes(name))
    rng = random.Random(name + "key")
    t, w = rng.choice(signed_witnesses(block))
    tx = block.transactions[t]
    wit = tx.witnesses[w]
    ver = bytearray(wit.verification)
    key_at = 2 if ver[0] == 0x21 else ver.index(0x21) + 2  # inside the first key's X
    ver[key_at + rng.randrange(31)] ^= 1 << rng.randrange(8)
    witnesses = list(tx.witnesses)
    witnesses[w] = Witness(wit.invocation, bytes(ver))
    report = antshares.verify_block(with_tx(block, t, rebuild_tx(tx, witnesses)).to_bytes())
    assert not report.ok


@pytest.mark.parametrize("name", [p.name for p in block_files()])
def test_flipped_message_bit_fails(name: str) -> None:
    """A changed transaction breaks its own signatures (and, once the Merkle root is fixed up to
    hide that, the block witness over the header)."""
    block = Block.from_bytes(block_bytes(name))
    rng = random.Random(name + "msg")
    t, _ = rng.choice([p for p in signed_witnesses(block) if block.transactions[p[0]].outputs])
    tx = block.transactions[t]
    out = tx.outputs[0]
    changed = type(out)(out.asset_id, out.value ^ (1 << rng.randrange(8)) or 1, out.script_hash)
    tx2 = Transaction(
        tx.type,
        tx.version,
        tx.exclusive,
        tx.attributes,
        tx.inputs,
        [changed, *tx.outputs[1:]],
        tx.witnesses,
    )
    txs = list(block.transactions)
    txs[t] = tx2
    h = block.header
    root = type(h.merkle_root)(merkle_root([x.hash.to_bytes() for x in txs]))
    header = type(h)(
        h.version,
        h.prev_hash,
        root,
        h.timestamp,
        h.index,
        h.consensus_data,
        h.next_consensus,
        h.witness,
    )
    report = antshares.verify_block(Block(header, txs).to_bytes())
    assert not report.ok
    assert report.merkle_ok
    tx_sigs = sum(len(parse_invocation(w.invocation) or []) for w in tx.witnesses)
    assert report.signatures_checked - report.signatures_valid >= min(tx_sigs, 1) + 1


def test_unsorted_witnesses_fail() -> None:
    raw = block_bytes("mainnet-1050514.hex")
    block = Block.from_bytes(raw)
    for t, tx in enumerate(block.transactions):
        if len(tx.witnesses) >= 2:
            swapped = [tx.witnesses[1], tx.witnesses[0], *tx.witnesses[2:]]
            report = antshares.verify_block(with_tx(block, t, rebuild_tx(tx, swapped)).to_bytes())
            assert not report.ok and "sorted" in (report.error or "")
            return
    pytest.fail("expected a multi-witness transaction in block 1050514")


def test_many_blocks_in_one_batch_match_single_reports() -> None:
    raws = [block_bytes(p.name) for p in block_files()]
    batch = antshares.verify_blocks(raws)
    assert [r.hash for r in batch] == [antshares.verify_block(r).hash for r in raws]
    assert all(r.ok for r in batch)


def test_json_report_has_exactly_the_documented_keys(real_block: tuple[str, bytes]) -> None:
    from antshares.verify import JSON_KEYS

    report = antshares.verify_block(real_block[1]).to_json()
    assert tuple(report) == JSON_KEYS
    assert all(t.startswith("0x") for t in report["tx_types"])
