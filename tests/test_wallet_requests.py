"""The partial-signing flow on a solo devnet: a signing request file that each party signs in
turn with its own wallet — the three-party Share transfer (seller, buyer, company admin), a
2-of-3 multisig split across wallets, a Share issue its receiver co-signs — then finished and
relayed; and requests that were tampered with, are for another network, or are incomplete."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from antshares.core import AssetType, Transaction, TxOutput, UInt160, UInt256
from antshares.crypto import Curve
from antshares.devnet.solo import SoloBookkeeper
from antshares.wallet.accounts import Account
from antshares.wallet.drafting import IncompleteError
from antshares.wallet.keys import KeyPair, LockedError, ScryptParams, SigningError
from antshares.wallet.ledger_view import LedgerView
from antshares.wallet.nep6 import Wallet, WalletAccount
from antshares.wallet.requests import (
    MempoolRelay,
    NetworkMismatchError,
    RelayError,
    RequestError,
    SigningRequest,
    TamperedRequestError,
    relay,
    sign_draft,
)
from antshares.wallet.transactions import Payment, TransactionBuilder
from devnet_chain import FIXED8, Devnet, secret_of

FAST = ScryptParams(16, 1, 1)  # tests only, passed explicitly
PAY = "payment password"


@dataclass
class Party:
    wallet: Wallet
    account: WalletAccount

    @property
    def script_hash(self) -> UInt160:
        return self.account.script_hash

    def reopen(self) -> Wallet:
        """The wallet as the party opens it to sign: from its file, then unlocked."""
        wallet = Wallet.open(self.wallet.path, minimum_scrypt=FAST)
        wallet.unlock_payment(PAY)
        return wallet


@dataclass
class World:
    net: Devnet
    view: LedgerView
    root: Path
    seller: Party
    buyer: Party
    company: Party
    share: UInt256
    dollar: UInt256

    @property
    def magic(self) -> int:
        return self.net.profile.magic

    def balance(self, who: UInt160, asset: UInt256) -> int:
        return self.view.balances([who]).get(who, {}).get(asset, 0)


def party(root: Path, name: str, curve: Curve = Curve.SECP256R1) -> Party:
    wallet = Wallet.create(root / f"{name}.json", scrypt=FAST)
    key = KeyPair(secret_of(f"requests/{name}"), curve)
    account = wallet.add(Account.single(key.public_key), [key], payment_password=PAY)
    wallet.save()
    wallet.unlock_payment(PAY)
    return Party(wallet, account)


def in_turn(path: Path, magic: int, view: LedgerView, *wallets: Wallet) -> SigningRequest:
    """Each party loads the file, checks it against its ledger, signs and writes it back."""
    for wallet in wallets:
        request = SigningRequest.load(path, magic=magic)
        request.check_against(view)
        assert request.sign(wallet) > 0
        request.save()
    return SigningRequest.load(path, magic=magic)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("wallet-requests")
    net = Devnet(root)
    for _ in range(6):
        net.produce()
    seller, buyer = party(root, "seller"), party(root, "buyer", Curve.SECP256K1)
    company = party(root, "company")
    net.produce(
        [
            net.contract(
                net.genesis_holder,
                [(net.anc, 30 * FIXED8, p.script_hash) for p in (seller, buyer, company)]
                + [(net.anc, 9 * FIXED8, company.script_hash)] * 2,
            )
        ]
    )
    view = LedgerView(net.state.store, net.profile)
    builder = TransactionBuilder(company.wallet, view)
    share = builder.register(
        AssetType.SHARE, "Request Co. Shares", 1_000 * FIXED8, 0, owner=company.account,
        admin=company.account,
    )  # fmt: skip
    dollar = builder.register(
        AssetType.CURRENCY, "Request Dollar", 10**6 * FIXED8, 2, owner=company.account,
        admin=company.account,
    )  # fmt: skip
    net.produce([sign_draft(company.wallet, share), sign_draft(company.wallet, dollar)])

    # Issuing a Share needs its receiver's signature too: the company's request, signed in turn.
    builder.release()
    issue = builder.issue(share.txid, [(seller.script_hash, 600 * FIXED8)])
    assert [s.script_hash for s in issue.signers] == sorted(
        [seller.script_hash, company.script_hash], key=lambda h: h.to_bytes()[::-1]
    )
    with pytest.raises(IncompleteError, match=str(seller.script_hash)):
        sign_draft(company.wallet, issue)
    path = root / "issue.request.json"
    SigningRequest.from_draft(issue, net.profile.magic).save(path)
    done = in_turn(path, net.profile.magic, view, company.wallet, seller.wallet)
    money = builder.issue(dollar.txid, [(buyer.script_hash, 5_000 * FIXED8)])
    net.produce([done.finish(), sign_draft(company.wallet, money)])
    return World(net, view, root, seller, buyer, company, share.txid, dollar.txid)


def test_three_party_share_transfer_signed_in_turn(world: World) -> None:
    """The whitepaper's equity transfer: the seller drafts (paid for in a Currency from the
    buyer's coins), then seller, buyer and the company's admin each sign the request file."""
    view, seller, buyer, company = world.view, world.seller, world.buyer, world.company
    builder = TransactionBuilder(seller.wallet, view)
    draft = builder.share_transfer(
        world.share, 100 * FIXED8, buyer.script_hash, price=(world.dollar, 2_500 * FIXED8 // 2)
    )
    expected = sorted(
        [seller.script_hash, buyer.script_hash, company.script_hash],
        key=lambda h: int.from_bytes(h.to_bytes(), "little"),
    )
    assert [s.script_hash for s in draft.signers] == expected
    path = world.root / "share.request.json"
    request = SigningRequest.from_draft(draft, world.magic)
    assert request.sign(seller.wallet) == 1
    request.save(path)

    # What the file shows the next party: scripts unknown until they sign.
    doc = json.loads(path.read_text())
    assert doc["txid"] == str(draft.txid) and doc["network_magic"] == world.magic
    by_hash = {s["script_hash"]: s for s in doc["signers"]}
    assert by_hash[str(buyer.script_hash)]["verification_script"] is None
    assert len(by_hash[str(seller.script_hash)]["signatures"]) == 1
    assert {i["value"] for i in doc["inputs"]} == {600 * FIXED8, 5_000 * FIXED8}
    with pytest.raises(IncompleteError) as missing:
        SigningRequest.load(path).finish()
    assert f"script hash {buyer.script_hash} has not signed" in str(missing.value)
    assert f"script hash {company.script_hash} has not signed" in str(missing.value)

    # The buyer's wallet, still locked, adds nothing and says what it needs.
    locked = Wallet.open(buyer.wallet.path, minimum_scrypt=FAST)
    with pytest.raises(LockedError, match="payment password"):
        SigningRequest.load(path).sign(locked)
    signed = in_turn(path, world.magic, view, buyer.reopen(), company.reopen())
    assert signed.complete and signed.missing() == []
    tx = signed.finish()
    assert tx.hash == draft.txid and len(tx.witnesses) == 3
    world.net.produce([tx])
    assert world.balance(buyer.script_hash, world.share) == 100 * FIXED8
    assert world.balance(seller.script_hash, world.share) == 500 * FIXED8
    assert world.balance(seller.script_hash, world.dollar) == 1_250 * FIXED8
    assert world.balance(buyer.script_hash, world.dollar) == 3_750 * FIXED8


def test_multisig_split_across_two_wallets(world: World) -> None:
    keys = [KeyPair(secret_of(f"requests/ms{i}"), c) for i, c in enumerate(Curve)]
    account = Account.multisig(2, [k.public_key for k in keys])
    holders = []
    for i in range(2):  # each co-owner's wallet holds one key; the third key is offline
        wallet = Wallet.create(world.root / f"co-owner-{i}.json", scrypt=FAST)
        wallet.add(account, [keys[i]], payment_password=PAY)
        wallet.unlock_payment(PAY)
        holders.append(wallet)
    net = world.net
    net.produce([net.contract(net.genesis_holder, [(net.ans, 50 * FIXED8, account.script_hash)])])
    stranger = Account.single(KeyPair(secret_of("requests/stranger")).public_key).script_hash
    builder = TransactionBuilder(holders[0], world.view)
    with pytest.raises(Exception, match="cannot sign for alone"):
        builder.transfer([Payment(world.view.ans, FIXED8, stranger)])
    draft = builder.transfer(
        [Payment(world.view.ans, 20 * FIXED8, stranger)], sources=[account.address]
    )
    with pytest.raises(IncompleteError, match="has 1 of 2 signatures"):
        sign_draft(holders[0], draft)
    path = world.root / "multisig.request.json"
    SigningRequest.from_draft(draft, world.magic).save(path)
    done = in_turn(path, world.magic, world.view, holders[0], holders[1])
    net.produce([done.finish()])
    assert world.balance(stranger, world.view.ans) == 20 * FIXED8
    assert world.balance(account.script_hash, world.view.ans) == 30 * FIXED8


def signed_once(world: World, name: str) -> tuple[Path, dict[str, Any]]:
    """A fresh Share transfer request signed by the seller, and its JSON."""
    builder = TransactionBuilder(world.seller.wallet, world.view)
    draft = builder.share_transfer(world.share, 3 * FIXED8, world.buyer.script_hash)
    request = SigningRequest.from_draft(draft, world.magic)
    request.sign(world.seller.wallet)
    path = request.save(world.root / name)
    return path, json.loads(path.read_text())


def rewrite(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc))
    return path


def test_tampered_requests_are_caught(world: World) -> None:
    path, doc = signed_once(world, "tamper.json")
    original = path.read_bytes()
    request = SigningRequest.load(path, magic=world.magic)
    request.check_against(world.view)

    # Outputs redirected after the seller signed: the seller's signature no longer verifies.
    tx = Transaction.from_bytes(bytes.fromhex(doc["transaction"]))
    stolen = Account.single(KeyPair(secret_of("requests/thief")).public_key).script_hash
    outputs = [TxOutput(o.asset_id, o.value, stolen) for o in tx.outputs]
    changed = Transaction(tx.type, 0, tx.exclusive, tx.attributes, tx.inputs, outputs, [])
    forged = dict(doc, transaction=changed.to_bytes().hex(), txid=str(changed.hash))
    with pytest.raises(TamperedRequestError, match="changed after it was signed"):
        SigningRequest.load(rewrite(world.root / "t1.json", forged))
    with pytest.raises(TamperedRequestError, match="txid"):
        SigningRequest.load(rewrite(world.root / "t2.json", dict(doc, txid=str(changed.hash))))

    signers = [dict(s) for s in doc["signers"]]
    seller = next(s for s in signers if s["signatures"])
    bad = dict(seller["signatures"][0])
    bad["signature"] = ("00" if bad["signature"][:2] != "00" else "01") + bad["signature"][2:]
    seller["signatures"] = [bad]
    with pytest.raises(TamperedRequestError, match="does not verify"):
        SigningRequest.load(rewrite(world.root / "t3.json", dict(doc, signers=signers)))
    other_script = Account.single(KeyPair(secret_of("requests/x")).public_key).verification_script
    assert other_script is not None
    seller["verification_script"] = other_script.hex()
    with pytest.raises(TamperedRequestError, match="not its own"):
        SigningRequest.load(rewrite(world.root / "t4.json", dict(doc, signers=signers)))
    with pytest.raises(TamperedRequestError, match="inputs"):
        SigningRequest.load(rewrite(world.root / "t5.json", dict(doc, inputs=doc["inputs"][1:])))
    with pytest.raises(TamperedRequestError, match="order"):
        reordered = dict(doc, signers=doc["signers"][::-1])
        SigningRequest.load(rewrite(world.root / "t6.json", reordered))
    # A stated input amount is not in the signed bytes: the ledger catches the lie.
    inputs = [dict(i) for i in doc["inputs"]]
    inputs[0]["value"] += FIXED8
    lying = SigningRequest.load(rewrite(world.root / "t7.json", dict(doc, inputs=inputs)))
    with pytest.raises(TamperedRequestError, match="not the output the request states"):
        lying.check_against(world.view)
    # A signer removed: the ledger would refuse the transaction; the check says so first.
    fewer = [s for s in doc["signers"] if s["script_hash"] != str(world.company.script_hash)]
    dropped = SigningRequest.load(rewrite(world.root / "t8.json", dict(doc, signers=fewer)))
    with pytest.raises(TamperedRequestError, match="signers"):
        dropped.check_against(world.view)

    with pytest.raises(RequestError, match="not printable"):
        SigningRequest.load(rewrite(world.root / "t10.json", dict(doc, kind="\x1b[2Jsafe")))
    with pytest.raises(NetworkMismatchError, match="network magic"):
        SigningRequest.load(path, magic=world.magic ^ 1)
    broken = (original[: len(original) // 2], b"[]", b'{"format": 1}', b"\xff", b"")
    for n, data in enumerate(broken):
        with pytest.raises(RequestError):
            SigningRequest.load(_raw(world.root / f"broken{n}.json", data))
    with pytest.raises(RequestError, match="not a regular file"):
        SigningRequest.load(world.root)
    assert path.read_bytes() == original  # nothing above touched the real file


def _raw(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_two_parties_signing_one_copy_at_once(world: World) -> None:
    path, _ = signed_once(world, "race.json")
    first = SigningRequest.load(path, magic=world.magic)
    second = SigningRequest.load(path, magic=world.magic)
    first.sign(world.buyer.wallet)
    first.save()
    second.sign(world.company.wallet)
    with pytest.raises(RequestError, match="changed on disk"):
        second.save()
    again = SigningRequest.load(path, magic=world.magic)
    # The company signs with its own service (e.g. the compliance co-signer): the signature
    # comes in from outside, with the Admin's script.
    admin = KeyPair(secret_of("requests/company"))
    script = admin.verification_script
    with pytest.raises(SigningError, match="does not verify"):
        again.add_signature(admin.public_key, admin.sign(b"something else"), script)
    assert not again.complete
    again.add_signature(admin.public_key, admin.sign(again.message), script)
    again.save()
    assert SigningRequest.load(path).complete


def test_relay_through_the_solo_bookkeeper_mempool(world: World) -> None:
    net, view = world.net, world.view
    builder = TransactionBuilder(world.buyer.wallet, view)
    draft = builder.transfer([Payment(world.dollar, 10 * FIXED8, world.seller.script_hash)])
    tx = sign_draft(world.buyer.wallet, draft)
    solo = SoloBookkeeper(net.state, net.builder, 15, clock=lambda: float(net.next_time()))
    with pytest.raises(RelayError, match="not signed"):
        relay(Transaction.from_bytes(draft.tx.to_bytes()), MempoolRelay(solo))
    result = relay(tx, MempoolRelay(solo))
    assert result.txid == tx.hash and result.height is None and "queued" in result.message
    assert "already" in relay(tx, MempoolRelay(solo)).message
    before = world.balance(world.seller.script_hash, world.dollar)
    built = solo.step(wait=False)
    assert tx.hash in [t.hash for t in built.block.transactions]
    assert world.balance(world.seller.script_hash, world.dollar) == before + 10 * FIXED8
