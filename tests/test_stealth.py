"""Stealth addresses (SPEC §9) on a solo devnet: unlinkable one-time outputs, found by the query
key alone, spent with both derived keys in a transaction the ledger accepts."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from antshares_native import _native
from antshares_native._native import base58check_decode, base58check_encode

from antshares.core import Block, Transaction, TxAttribute, TxOutput, TxType, UInt256, Witness
from antshares.core.address import (
    multisig_script,
    script_address,
    script_hash,
    script_keys,
    single_sig_script,
    tagged_key,
)
from antshares.crypto import Curve, public_key_from_secret, sign
from antshares.wallet import stealth
from antshares.wallet.ledger_view import LedgerView
from antshares.wallet.stealth import (
    FoundPayment,
    StealthAddress,
    StealthAddressError,
    pay,
    scan,
    spending_keys,
)
from devnet_chain import FIXED8, Account, Devnet, make_tx, secret_of

ORDERS = {
    Curve.SECP256R1: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    Curve.SECP256K1: 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
    Curve.SM2: 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
}


def node_blocks(net: Devnet) -> Iterator[Block]:
    """Every block of the devnet's data dir, read as a wallet reads them."""
    return LedgerView(net.state.store, net.profile).blocks()


class Receiver:
    """A stealth address holder: query secret q, payment secret p."""

    def __init__(self, name: str, curve: Curve = Curve.SECP256R1) -> None:
        self.curve = curve
        self.q = secret_of(f"{name}/query")
        self.p = secret_of(f"{name}/payment")
        self.address = StealthAddress.from_secrets(self.q, self.p, curve)

    def scan(self, net: Devnet) -> list[FoundPayment]:
        return scan(self.q, self.address.payment_key, node_blocks(net), curve=self.curve)


def spend(found: FoundPayment, keys: tuple[bytes, bytes], to: Account) -> Transaction:
    """The found output, whole, to `to`: one 2-of-2 witness, signatures in the keys' order."""
    out = TxOutput(found.output.asset_id, found.output.value, to.script_hash)
    unsigned = make_tx(TxType.CONTRACT, {}, [found.coin], [out], [], witnesses=[])
    message = unsigned.unsigned_bytes()
    invocation = b"".join(b"\x40" + sign(k, message, found.curve) for k in keys)
    return make_tx(
        TxType.CONTRACT, {}, [found.coin], [out], [], witnesses=[Witness(invocation, found.script)]
    )


def stealth_transfer(
    net: Devnet,
    sender: Account,
    payments: list[stealth.StealthPayment],
    extra_attributes: tuple[TxAttribute, ...] = (),
) -> Transaction:
    total = sum(p.output.value for p in payments)
    inputs, change = net.fund(sender, net.ans, total)
    return make_tx(
        TxType.CONTRACT,
        {},
        inputs,
        [*(p.output for p in payments), *change],
        [sender],
        attributes=[*(p.attribute for p in payments), *extra_attributes],
    )


@pytest.fixture
def net(tmp_path: Path) -> Devnet:
    d = Devnet(tmp_path)
    d.produce()
    return d


@pytest.fixture
def sender(net: Devnet) -> Account:
    alice = Account.single(secret_of("alice"))
    net.produce([net.contract(net.genesis_holder, [(net.ans, 1000 * FIXED8, alice.script_hash)])])
    return alice


def visible_parts(tx: Transaction, output: TxOutput) -> set[bytes]:
    """What the chain shows of one stealth payment: its script hash and attributes."""
    return {output.script_hash.to_bytes(), *(a.to_bytes() for a in tx.attributes)}


@pytest.mark.parametrize("curve", list(Curve))
def test_two_payments_are_unlinkable_found_by_query_key_and_spendable(
    net: Devnet, sender: Account, curve: Curve
) -> None:
    bob = Receiver("bob", curve)
    text = bob.address.encode()
    assert text.startswith("s") and len(text) == 98

    txs = []
    for amount in (7, 11):
        payment = pay(text, net.ans, amount * FIXED8)
        tx = stealth_transfer(net, sender, [payment])
        net.produce([tx])
        txs.append((tx, payment))
    (tx1, pay1), (tx2, pay2) = txs

    # Different one-time addresses with nothing in common, and nothing of Q or P on chain.
    assert pay1.output.script_hash != pay2.output.script_hash
    assert pay1.attribute != pay2.attribute
    assert not visible_parts(tx1, pay1.output) & visible_parts(tx2, pay2.output)
    keys1, keys2 = set(script_keys(pay1.script)), set(script_keys(pay2.script))
    assert len(keys1) == len(keys2) == 2 and not keys1 & keys2
    published = {bob.address.query_key, bob.address.payment_key}
    for tx in (tx1, tx2):
        raw = tx.to_bytes()
        assert not any(k in raw for k in published)
    own_scripts = [single_sig_script(tagged_key(k, curve)) for k in published] + [
        multisig_script(2, [tagged_key(k, curve) for k in published])
    ]
    on_chain = {o.script_hash for b in net.blocks for t in b.transactions for o in t.outputs}
    assert not {script_hash(s) for s in own_scripts} & on_chain

    # The query key finds exactly the two payments; other keys find nothing.
    found = bob.scan(net)
    assert [(f.txid, f.index, f.output) for f in found] == [
        (tx1.hash, 0, pay1.output),
        (tx2.hash, 0, pay2.output),
    ]
    assert [f.script for f in found] == [pay1.script, pay2.script]
    assert [f.height for f in found] == [3, 4]
    carol = Receiver("carol", curve)
    assert carol.scan(net) == []
    assert scan(carol.q, bob.address.payment_key, node_blocks(net), curve=curve) == []
    assert scan(bob.q, carol.address.payment_key, node_blocks(net), curve=curve) == []

    # The raw secrets do not own the output; the derived keys do, and the ledger agrees.
    dave = Account.single(secret_of("dave"))
    first = found[0]
    with_raw_keys = net.build([spend(first, (bob.p, bob.q), dave)])
    assert with_raw_keys.rejected == []  # assembly compares signers, the verifier signatures
    assert net.reject(with_raw_keys.raw, "witness-signature").tx_index == 1
    with pytest.raises(ValueError, match="do not own"):
        spending_keys(carol.q, carol.p, first)
    with pytest.raises(ValueError, match="do not own"):
        spending_keys(bob.q, bob.q, first)
    keys = spending_keys(bob.q, bob.p, first)
    expected = {
        (int.from_bytes(s, "big") + int.from_bytes(first.tweak, "big")) % ORDERS[curve]
        for s in (bob.p, bob.q)
    }
    assert {int.from_bytes(k, "big") for k in keys} == expected
    assert [tagged_key(public_key_from_secret(k, curve), curve) for k in keys] == script_keys(
        first.script
    )
    net.produce([spend(first, keys, dave)])
    assert net.balance(dave.script_hash, net.ans) == 7 * FIXED8
    assert net.coins_of(script_hash(first.script), net.ans) == []
    # The other payment is still there for the receiver.
    second = found[1]
    assert net.coins_of(script_hash(second.script), net.ans) == [(second.coin, 11 * FIXED8)]


def test_several_stealth_outputs_in_one_transaction(net: Devnet, sender: Account) -> None:
    bob, carol = Receiver("bob"), Receiver("carol")
    payments = [
        pay(bob.address, net.ans, 1 * FIXED8),
        pay(carol.address, net.ans, 2 * FIXED8),
        pay(bob.address, net.ans, 3 * FIXED8),
    ]
    # Attributes in another order than the outputs, plus an ECDH attribute that is no point.
    not_a_point = TxAttribute(0x02, b"\xff" * 32)
    tx = stealth_transfer(net, sender, payments, extra_attributes=(not_a_point,))
    shuffled = [tx.attributes[i] for i in (3, 2, 0, 1)]
    tx = make_tx(tx.type, {}, tx.inputs, tx.outputs, [sender], attributes=shuffled)
    net.produce([tx])

    assert len({p.output.script_hash for p in payments}) == 3
    found_bob = bob.scan(net)
    assert sorted((f.index, f.output.value) for f in found_bob) == [(0, FIXED8), (2, 3 * FIXED8)]
    assert [(f.index, f.output.value) for f in carol.scan(net)] == [(1, 2 * FIXED8)]
    # Both of bob's outputs spend in one transaction.
    dave = Account.single(secret_of("dave"))
    outs = [TxOutput(net.ans, 4 * FIXED8, dave.script_hash)]
    coins = [f.coin for f in found_bob]
    unsigned = make_tx(TxType.CONTRACT, {}, coins, outs, [], witnesses=[])
    witnesses = []
    for f in found_bob:
        keys = spending_keys(bob.q, bob.p, f)
        invocation = b"".join(b"\x40" + sign(k, unsigned.unsigned_bytes()) for k in keys)
        witnesses.append(Witness(invocation, f.script))
    witnesses.sort(key=lambda w: int.from_bytes(w.script_hash.to_bytes(), "little"))
    net.produce([make_tx(TxType.CONTRACT, {}, coins, outs, [], witnesses=witnesses)])
    assert net.balance(dave.script_hash, net.ans) == 4 * FIXED8


def test_pay_is_reproducible_from_the_ephemeral_secret() -> None:
    bob = Receiver("bob")
    asset = UInt256(bytes(32))
    e = secret_of("ephemeral")
    a = pay(bob.address, asset, FIXED8, ephemeral_secret=e)
    b = pay(bob.address, asset, FIXED8, ephemeral_secret=e)
    assert a == b and a.ephemeral_secret == e
    ephemeral = public_key_from_secret(e)
    assert (a.attribute.usage, a.attribute.data) == (ephemeral[0], ephemeral[1:])
    # c = SHA-256(eQ) mod n, computed here without the module: Q + cG via public(q + c).
    shared = _native.ecdh("secp256r1", e, bob.address.query_key)
    c = int.from_bytes(hashlib.sha256(shared).digest(), "big") % ORDERS[Curve.SECP256R1]
    derived = [
        public_key_from_secret(
            ((int.from_bytes(s, "big") + c) % ORDERS[Curve.SECP256R1]).to_bytes(32)
        )
        for s in (bob.p, bob.q)
    ]
    assert a.script == multisig_script(2, derived)
    assert a.output.script_hash == script_hash(a.script)
    assert pay(bob.address, asset, FIXED8).script != a.script  # a fresh e each call


@pytest.mark.parametrize("curve", list(Curve))
def test_encode_decode_round_trip(curve: Curve) -> None:
    address = Receiver("bob", curve).address
    text = address.encode()
    assert StealthAddress.decode(text) == address
    assert StealthAddress.decode(f"  {text}\n") == address
    assert base58check_decode(text)[:2] == bytes([0x3B, stealth.CURVE_BYTES[curve]])


def _payload(version: int = 0x3B, curve_byte: int = 0, q: bytes = b"", p: bytes = b"") -> str:
    bob = Receiver("bob")
    q = q or bob.address.query_key
    p = p or bob.address.payment_key
    return base58check_encode(bytes([version, curve_byte]) + q + p)


def _ordinary_address() -> str:
    return script_address(single_sig_script(Receiver("bob").address.payment_key))


def _off_curve_key() -> bytes:
    for x in range(256):
        key = b"\x02" + bytes(31) + bytes([x])
        try:
            _native.tweak_add("secp256r1", key, bytes(32))
        except ValueError:
            return key
    raise AssertionError("every X was on the curve")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a stealth address"),
        ("sOOOO0lI", "not a stealth address"),
        (_payload()[:-1] + ("1" if _payload()[-1] != "1" else "2"), "not a stealth address"),
        (_payload()[:40], "not a stealth address"),
        (_ordinary_address(), "21 bytes, expected 68 \\(an ordinary address\\?\\)"),
        (_payload(version=0x17), "version byte 0x17, expected 0x3b"),
        (_payload(curve_byte=7), "unknown curve byte 0x07"),
        (_payload(q=b"\x04" + bytes(32)), "query key: invalid public key prefix 0x04"),
        (_payload(p=_off_curve_key()), "payment key: public key is not a point on the curve"),
        (_payload(p=Receiver("bob").address.query_key), "must differ"),
    ],
)
def test_bad_stealth_address_strings_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(StealthAddressError, match=message):
        StealthAddress.decode(text)
    with pytest.raises(StealthAddressError):
        pay(text, UInt256(bytes(32)), FIXED8)


def test_bad_arguments_are_refused_clearly() -> None:
    with pytest.raises(StealthAddressError, match="is a str, not bytes"):
        StealthAddress.decode(b"sWZ")  # type: ignore[arg-type]
    with pytest.raises(StealthAddressError, match="unknown curve"):
        StealthAddress(bytes(33), bytes(33), "p384")  # type: ignore[arg-type]
    with pytest.raises(StealthAddressError, match="query key: invalid public key length 32"):
        StealthAddress(bytes(32), Receiver("bob").address.payment_key)
    with pytest.raises(StealthAddressError, match="payment key: invalid public key prefix 0x00"):
        scan(secret_of("q"), bytes(33), [])
    with pytest.raises(ValueError, match="invalid secret"):
        pay(Receiver("bob").address, UInt256(bytes(32)), FIXED8, ephemeral_secret=bytes(32))
