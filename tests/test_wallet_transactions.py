"""Every transaction kind the wallet builds, signed by the wallet and accepted by the ledger
engine on a solo devnet (SPEC §4): transfers from every account kind and curve, Register of
every asset type, Issue in batches under the cap, Enrollment, Voting, withdrawal; balances,
coins and history read back from the data dir; and the errors a user meets."""

from dataclasses import dataclass

import pytest

from antshares.core import AssetType, CoinReference, UInt160, UInt256
from antshares.crypto import Curve
from antshares.wallet.accounts import Account, KeyRole
from antshares.wallet.drafting import (
    Draft,
    IncompleteError,
    InsufficientFundsError,
    TransactionError,
    WatchOnlyError,
    parse_amount,
    select_coins,
)
from antshares.wallet.keys import KeyPair, LockedError, ScryptParams, WrongPasswordError
from antshares.wallet.ledger_view import LedgerView, UnspentCoin, format_amount
from antshares.wallet.nep6 import Wallet, WalletAccount
from antshares.wallet.requests import sign_draft
from antshares.wallet.stealth import StealthAddress, scan
from antshares.wallet.transactions import Payment, TransactionBuilder
from devnet_chain import FIXED8, Devnet, secret_of

FAST = ScryptParams(16, 1, 1)  # tests only, passed explicitly
PAY, QUERY = "payment password", "query password"
KINDS = ["p256", "secp256k1", "sm2", "multisig", "query_payment", "recoverable"]


@dataclass
class World:
    net: Devnet
    view: LedgerView
    wallet: Wallet
    accounts: dict[str, WalletAccount]
    recovery: KeyPair
    stranger: UInt160

    def builder(self, **kwargs: int) -> TransactionBuilder:
        return TransactionBuilder(self.wallet, self.view, **kwargs)

    def produce(self, *drafts: Draft) -> None:
        self.net.produce([sign_draft(self.wallet, d) for d in drafts])

    def balance(self, who: UInt160, asset: UInt256) -> int:
        return self.view.balances([who]).get(who, {}).get(asset, 0)


def key(label: str, curve: Curve = Curve.SECP256R1) -> KeyPair:
    return KeyPair(secret_of(f"wallet-tx/{label}"), curve)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("wallet-tx")
    net = Devnet(root)
    for _ in range(12):  # the lottery pays each block's ANC to the genesis multisig
        net.produce()
    wallet = Wallet.create(root / "wallet.json", scrypt=FAST)
    curves = {"p256": Curve.SECP256R1, "secp256k1": Curve.SECP256K1, "sm2": Curve.SM2}
    k = {name: key(name, curve) for name, curve in curves.items()}
    accounts = {
        name: wallet.add(Account.single(pair.public_key), [pair], payment_password=PAY, label=name)
        for name, pair in k.items()
    }
    trio = [key("m1"), key("m2", Curve.SECP256K1), key("m3", Curve.SM2)]
    accounts["multisig"] = wallet.add(
        Account.multisig(2, [p.public_key for p in trio]), trio, payment_password=PAY
    )
    a, b = key("qp-a"), key("qp-b")
    accounts["query_payment"] = wallet.add(
        Account.query_payment(a.public_key, b.public_key),
        [a, b],
        payment_password=PAY,
        query_password=QUERY,
    )
    c, d, recovery = key("rec-a"), key("rec-b", Curve.SM2), key("rec-r", Curve.SECP256K1)
    accounts["recoverable"] = wallet.add(
        Account.recoverable(c.public_key, d.public_key, recovery.public_key),
        [c, d],
        payment_password=PAY,
        query_password=QUERY,
    )
    candidate = key("candidate")
    accounts["candidate"] = wallet.add(
        Account.single(candidate.public_key), [candidate], payment_password=PAY
    )
    wallet.save()
    wallet.unlock_payment(PAY)
    wallet.unlock_query(QUERY)

    payments = []
    for name in KINDS:
        payments += [(net.ans, 1000 * FIXED8, accounts[name].script_hash)]
        payments += [(net.anc, 10 * FIXED8, accounts[name].script_hash)]
    # The default account pays the service fees: several coins, so that several drafts can
    # wait for one block without spending one coin twice.
    payments += [(net.anc, 8 * FIXED8, accounts["p256"].script_hash)] * 8
    payments += [(net.anc, 15 * FIXED8, accounts["candidate"].script_hash)]
    net.produce([net.contract(net.genesis_holder, payments)])
    stranger = Account.single(key("stranger").public_key).script_hash
    return World(
        net, LedgerView(net.state.store, net.profile), wallet, accounts, recovery, stranger
    )


def test_the_ledger_view_reads_balances_assets_and_coins(world: World) -> None:
    view = world.view
    assert view.height == world.net.state.height
    assert (view.ans, view.anc) == (world.net.ans, world.net.anc)
    ans, anc = view.asset(view.ans), view.asset(view.anc)
    assert ans is not None and anc is not None
    assert (ans.display_name, ans.precision, ans.type_name) == ("AntShare", 0, "antshare")
    assert (anc.display_name, anc.precision, anc.unit) == ("AntCoin", 8, 1)
    assert ans.issued == ans.amount == 10**16
    assert {a.asset_id for a in view.assets()} >= {view.ans, view.anc}
    multisig = world.accounts["multisig"].script_hash
    p256 = world.accounts["p256"].script_hash
    balances = view.balances([multisig, p256])
    assert balances[multisig] == {view.ans: 1000 * FIXED8, view.anc: 10 * FIXED8}
    assert balances[p256][view.anc] == 74 * FIXED8
    coins = view.unspent([p256])
    assert len(coins) == 10 and not any(c.deposit or c.ballot for c in coins)
    assert view.coin(coins[0].ref) == coins[0]
    assert view.coin(CoinReference(UInt256(bytes(32)), 0)) is None
    assert view.unspent([]) == [] and view.balances([world.stranger]) == {}
    assert format_amount(2_429_725_700) == "24.297257" and format_amount(10**8, 0) == "1"


@pytest.mark.parametrize("kind", KINDS)
def test_transfers_from_every_account_kind(world: World, kind: str) -> None:
    """ANS and ANC out of each kind of account (three curves, a mixed-curve 2-of-3, the
    two-password accounts) with change and a byte fee, accepted by the ledger."""
    view, source = world.view, world.accounts[kind].script_hash
    before = (world.balance(source, view.ans), world.balance(source, view.anc))
    draft = world.builder().transfer(
        [Payment(view.ans, 10 * FIXED8, world.stranger), Payment(view.anc, FIXED8, world.stranger)],
        sources=[source],
        byte_fee=1_000,
    )
    assert [s.script_hash for s in draft.signers] == [source]
    assert draft.byte_fee == 1_000 and draft.service_fee == 0
    change = [o for o in draft.tx.outputs if o.script_hash == source]
    assert {o.asset_id for o in change} == {view.ans, view.anc}
    tx = sign_draft(world.wallet, draft)
    assert tx.hash == draft.txid and len(tx.witnesses) == 1
    world.net.produce([tx])
    assert world.balance(source, view.ans) == before[0] - 10 * FIXED8
    assert world.balance(source, view.anc) == before[1] - FIXED8 - 1_000


def test_recoverable_account_pays_with_query_and_recovery_keys(world: World) -> None:
    """The payment key (its password) is lost: the query key and the offline recovery key pay."""
    wallet = Wallet.open(world.wallet.path, minimum_scrypt=FAST)
    wallet.unlock_query(QUERY)
    source = world.accounts["recoverable"]
    draft = TransactionBuilder(wallet, world.view).transfer(
        [Payment(world.view.ans, 5 * FIXED8, world.stranger)], sources=[source]
    )
    with pytest.raises(LockedError, match="payment password"):
        sign_draft(wallet, draft)
    before = world.balance(world.stranger, world.view.ans)
    world.net.produce([sign_draft(wallet, draft, extra_keys=[world.recovery])])
    assert world.balance(world.stranger, world.view.ans) == before + 5 * FIXED8
    # The query password alone opens no spending of a query/payment account.
    qp = TransactionBuilder(wallet, world.view).transfer(
        [Payment(world.view.ans, FIXED8, world.stranger)], sources=[world.accounts["query_payment"]]
    )
    with pytest.raises(LockedError, match="payment password"):
        sign_draft(wallet, qp)
    with pytest.raises(WrongPasswordError):
        wallet.unlock_payment(QUERY)


def test_user_errors_are_clear(world: World) -> None:
    view = world.view
    builder = world.builder()
    with pytest.raises(InsufficientFundsError) as excinfo:
        builder.transfer(
            [Payment(view.ans, 10**6 * FIXED8, world.stranger)], sources=[world.accounts["sm2"]]
        )
    message = str(excinfo.value)
    assert "1000000 AntShare needed" in message and "990 available" in message
    assert world.accounts["sm2"].address in message
    with pytest.raises(TransactionError, match="precision"):
        builder.transfer([Payment(view.ans, FIXED8 // 2, world.stranger)])
    with pytest.raises(TransactionError, match="not registered"):
        builder.transfer([Payment(UInt256(b"\x07" * 32), FIXED8, world.stranger)])
    ans = view.asset(view.ans)
    assert ans is not None
    assert parse_amount("12", ans) == 12 * FIXED8
    for bad in ("1.5", "-3", "0", "abc", "nan"):
        with pytest.raises(TransactionError):
            parse_amount(bad, ans)

    # A locked wallet names the password it needs; a watch-only account never pays.
    locked = Wallet.open(world.wallet.path, minimum_scrypt=FAST)
    draft = TransactionBuilder(locked, view).transfer(
        [Payment(view.ans, FIXED8, world.stranger)], sources=[world.accounts["p256"]]
    )
    with pytest.raises(LockedError, match="payment password"):
        sign_draft(locked, draft)
    with pytest.raises(WrongPasswordError):
        locked.unlock_payment("not the password")
    watcher = Wallet.create(world.wallet.path.parent / "watch.json", scrypt=FAST)
    watched = watcher.add(Account.watch_only(address=world.accounts["p256"].address))
    with pytest.raises(WatchOnlyError, match="watch-only"):
        TransactionBuilder(watcher, view).transfer([Payment(view.ans, FIXED8, world.stranger)])
    with pytest.raises(WatchOnlyError, match="watch-only"):
        TransactionBuilder(watcher, view).transfer(
            [Payment(view.ans, FIXED8, world.stranger)], sources=[watched]
        )
    # A draft whose signer only another wallet has: incomplete, naming who must sign.
    with pytest.raises(IncompleteError, match=world.accounts["p256"].address):
        sign_draft(watcher, draft)


def test_coin_selection_is_largest_first_and_skips_deposits() -> None:
    def coin(i: int, value: int, **flags: bool) -> UnspentCoin:
        ref = CoinReference(UInt256(bytes([i]) * 32), 0)
        return UnspentCoin(ref, UInt256(bytes(32)), value, UInt160(bytes(20)), 1, **flags)

    coins = [
        coin(1, 5),
        coin(2, 50, deposit=True),
        coin(3, 20, ballot=True),
        coin(4, 9),
        coin(5, 9),
    ]
    assert [c.value for c in select_coins(coins, 14) or []] == [9, 9]
    assert [c.ref.prev_hash.to_bytes()[0] for c in select_coins(coins, 18) or []] == [4, 5]
    assert [c.value for c in select_coins(coins, 30) or []] == [9, 9, 5, 20]
    assert select_coins(coins, 44) is None
    assert select_coins(coins, 0) == []
    assert select_coins(coins, 5, exclude=[coins[3].ref]) == [coins[4]]


def test_register_every_asset_type_then_issue_in_batches(world: World) -> None:
    view, accounts = world.view, world.accounts
    builder = world.builder()
    owner = accounts["p256"]
    fee = world.net.fees["register"] * FIXED8
    before = world.balance(owner.script_hash, view.anc)
    plans = {
        AssetType.CURRENCY: ("Wallet Dollar", 10**6 * FIXED8, 2, accounts["p256"]),
        AssetType.SHARE: ("Wallet Company Shares", 10_000 * FIXED8, 0, accounts["multisig"]),
        AssetType.INVOICE: ("Wallet Invoice", 1_000 * FIXED8, 4, accounts["p256"]),
        AssetType.TOKEN: ("Wallet Token", -1, 8, accounts["query_payment"]),
    }
    drafts = {
        t: builder.register(t, name, amount, precision, owner=owner, admin=admin, sources=[owner])
        for t, (name, amount, precision, admin) in plans.items()
    }
    spent = [ref for d in drafts.values() for ref in d.tx.inputs]
    assert len(spent) == len(set(spent)) == 4  # one 8-ANC coin each: none spent twice
    for draft in drafts.values():
        assert [s.script_hash for s in draft.signers] == [owner.script_hash]
        assert draft.service_fee == fee
    world.produce(*drafts.values())
    assert world.balance(owner.script_hash, view.anc) == before - 4 * fee
    ids = {t: d.txid for t, d in drafts.items()}
    for asset_type, (name, amount, precision, admin) in plans.items():
        info = view.asset(ids[asset_type])
        assert info is not None
        assert (info.asset_type, info.display_name, info.amount) == (asset_type, name, amount)
        assert (info.precision, info.admin, info.issued) == (precision, admin.script_hash, 0)
        assert info.owner == owner.account.public_keys[0]

    # Issue in batches: the admin signs (a 2-of-3 for the Share; a query/payment account for
    # the Token), and every receiver of a Share or an Invoice signs too.
    builder.release()
    dollar, share, invoice, token = (ids[t] for t in plans)
    p256, k1 = accounts["p256"].script_hash, accounts["secp256k1"].script_hash

    def issue(asset: UInt256, *receivers: tuple[UInt160 | WalletAccount, int]) -> Draft:
        return builder.issue(asset, receivers, sources=[owner])

    first = issue(dollar, (p256, 250_000 * FIXED8), (k1, 100_050 * FIXED8 // 100))
    second = issue(dollar, (k1, 400_000 * FIXED8))
    shares = issue(share, (p256, 6_000 * FIXED8), (accounts["multisig"], 4_000 * FIXED8))
    bills = issue(invoice, (accounts["sm2"], 125 * FIXED8 // 10))
    tokens = issue(token, (world.stranger, 10**9 * FIXED8))
    assert {s.script_hash for s in shares.signers} == {p256, accounts["multisig"].script_hash}
    assert {s.script_hash for s in bills.signers} == {p256, accounts["sm2"].script_hash}
    assert accounts["query_payment"].script_hash in {s.script_hash for s in tokens.signers}
    world.produce(first, second, shares, bills, tokens)
    issued = view.asset(dollar)
    assert issued is not None and issued.issued == 651_000 * FIXED8 + FIXED8 // 2
    assert world.balance(k1, dollar) == 401_000 * FIXED8 + FIXED8 // 2
    assert world.balance(p256, share) == 6_000 * FIXED8
    share_info = view.asset(share)
    assert share_info is not None and share_info.remaining == 0

    builder.release()
    with pytest.raises(TransactionError, match="exceeds its cap"):
        builder.issue(share, [(p256, FIXED8)])
    # Batches waiting for one block count against the cap together.
    bill_info = view.asset(invoice)
    assert bill_info is not None and bill_info.remaining is not None
    half = bill_info.remaining // 2
    builder.issue(invoice, [(p256, half)], sources=[owner])
    builder.issue(invoice, [(p256, bill_info.remaining - half)], sources=[owner])
    with pytest.raises(TransactionError, match="exceeds its cap"):
        builder.issue(invoice, [(p256, bill_info.unit)], sources=[owner])
    builder.release()
    with pytest.raises(TransactionError, match="precision"):
        builder.issue(dollar, [(p256, FIXED8 // 1000)])
    with pytest.raises(TransactionError, match="cannot be registered"):
        builder.register(AssetType.ANTSHARE, "x", FIXED8, 0, owner=owner, admin=owner)
    with pytest.raises(TransactionError, match="P-256"):
        builder.register(AssetType.TOKEN, "x", -1, 0, owner=accounts["sm2"], admin=owner)
    with pytest.raises(TransactionError, match="one key"):
        builder.register(AssetType.TOKEN, "x", -1, 0, owner=accounts["multisig"], admin=owner)
    with pytest.raises(TransactionError, match="whole number of units"):
        builder.register(AssetType.TOKEN, "x", FIXED8 + 1, 0, owner=owner, admin=owner)

    # The Token moves like any asset, from its holder's account.
    world.net.produce(
        [
            world.net.contract(
                world.net.genesis_holder, [(view.anc, FIXED8, world.accounts["sm2"].script_hash)]
            )
        ]
    )
    move = world.builder().transfer(
        [Payment(invoice, 5 * FIXED8, p256)], sources=[accounts["sm2"]]
    )  # an Invoice: its receiver signs too
    assert {s.script_hash for s in move.signers} == {accounts["sm2"].script_hash, p256}
    world.produce(move)
    assert world.balance(p256, invoice) == 5 * FIXED8


def test_enroll_vote_and_withdraw(world: World) -> None:
    view, accounts = world.view, world.accounts
    builder = world.builder()
    deposit = world.net.deposit * FIXED8
    first = builder.enroll(accounts["candidate"])
    second = builder.enroll(accounts["p256"], deposit=deposit + FIXED8)
    assert first.tx.outputs[0].value == deposit
    assert first.tx.outputs[0].script_hash == accounts["candidate"].script_hash
    assert accounts["candidate"].script_hash in {s.script_hash for s in first.signers}
    with pytest.raises(TransactionError, match="at least"):
        builder.enroll(accounts["p256"], deposit=deposit - 1)
    with pytest.raises(TransactionError, match="single secp256r1"):
        builder.enroll(accounts["secp256k1"])
    world.produce(first, second)
    enrolled = {e.txid for e in view.enrollments()}
    assert {first.txid, second.txid} <= enrolled
    info = view.enrollment(first.txid)
    assert info is not None and info.deposit == CoinReference(first.txid, 0)
    assert info.public_key == accounts["candidate"].account.public_keys[0]
    deposit_coin = view.coin(info.deposit)
    assert deposit_coin is not None and deposit_coin.deposit

    builder.release()
    voter = accounts["multisig"]
    weight = world.balance(voter.script_hash, view.ans)
    vote = builder.vote([first.txid, second.txid], voter=voter)
    assert vote.tx.exclusive["enrollments"] == [first.txid, second.txid]
    assert [o.value for o in vote.tx.outputs if o.asset_id == view.ans] == [weight]
    assert vote.service_fee == world.net.fees["voting"] * FIXED8
    for bad, match in [
        ([], "1 to 1024"),
        ([first.txid] * 1025, "1 to 1024"),
        ([first.txid, first.txid], "twice"),
        ([UInt256(b"\x01" * 32)], "not an active enrollment"),
    ]:
        with pytest.raises(TransactionError, match=match):
            builder.vote(bad, voter=accounts["p256"])
    # The vote elects the two candidates: the devnet's block builder needs their keys.
    world.net.hold_keys([key("candidate").secret, key("p256").secret])
    world.produce(vote)
    ballots = [c for c in view.unspent([voter.script_hash]) if c.ballot]
    assert [c.value for c in ballots] == [weight]

    # The candidate withdraws: its deposit comes back, the candidacy ends.
    builder.release()
    before = world.balance(accounts["candidate"].script_hash, view.anc)
    withdrawal = builder.withdraw(first.txid, byte_fee=500)
    assert withdrawal.tx.inputs == [info.deposit]
    world.produce(withdrawal)
    assert view.enrollment(first.txid) is None
    # The balance counted the deposit already; now it is a plain coin, less the byte fee.
    assert world.balance(accounts["candidate"].script_hash, view.anc) == before - 500
    returned = [
        c
        for c in view.unspent([accounts["candidate"].script_hash])
        if c.ref.prev_hash == withdrawal.txid
    ]
    assert [(c.value, c.deposit) for c in returned] == [(deposit - 500, False)]
    builder.release()
    with pytest.raises(TransactionError, match="not an active enrollment"):
        builder.vote([first.txid], voter=voter)
    with pytest.raises(TransactionError, match="not an active enrollment"):
        builder.withdraw(first.txid)


def test_stealth_payment_and_fee_per_byte(world: World) -> None:
    view = world.view
    receiver_q, receiver_p = secret_of("stealth/q"), secret_of("stealth/p")
    address = StealthAddress.from_secrets(receiver_q, receiver_p, Curve.SECP256K1)
    builder = world.builder(fee_per_byte=20)
    draft = builder.transfer(
        [Payment(view.ans, 7 * FIXED8, address)], sources=[world.accounts["p256"]]
    )
    assert len(draft.tx.attributes) == 1 and draft.notes
    tx = sign_draft(world.wallet, draft)
    assert draft.byte_fee >= 20 * len(tx.to_bytes())
    world.net.produce([tx])
    found = scan(receiver_q, address.payment_key, view.blocks(), curve=Curve.SECP256K1)
    assert [(f.txid, f.output.value) for f in found] == [(tx.hash, 7 * FIXED8)]


def test_history_of_the_wallet(world: World) -> None:
    view, accounts = world.view, world.accounts
    source = accounts["secp256k1"]
    draft = world.builder().transfer(
        [Payment(view.ans, 3 * FIXED8, world.stranger)], sources=[source], byte_fee=700
    )
    world.produce(draft)
    scripts = [
        a.account.verification_script
        for a in accounts.values()
        if a.account.verification_script is not None
    ]
    full = view.history(scripts)
    assert full.complete and full.next_height == view.height + 1
    funding = full.entries[0]
    assert funding.type_name == "contract"
    assert funding.changes[view.ans] == len(KINDS) * 1000 * FIXED8
    last = full.entries[-1]
    assert (last.txid, last.height) == (draft.txid, view.height)
    assert last.changes == {view.ans: -3 * FIXED8, view.anc: -700}
    # From a later height, inputs of older transactions come from the transaction index.
    # (The elected candidates, accounts of this wallet, share the byte fee in the MinerTx.)
    recent = view.history(scripts, start=view.height).entries
    assert recent[-1] == last and recent[0].type_name == "miner"
    assert view.history([source.script_hash], start=view.height).entries == [last]
    progress: list[tuple[int, int]] = []
    page = view.history(scripts, limit=2, on_progress=lambda h, s: progress.append((h, s)))
    assert len(page.entries) == 2 and not page.complete
    rest = view.history(scripts, start=page.next_height)
    assert page.entries + rest.entries == full.entries
    view.history(scripts, on_progress=lambda h, s: progress.append((h, s)))
    assert progress[-1] == (view.height + 1, view.height + 1)
    only_p256 = view.history([accounts["p256"].script_hash])
    assert {e.txid for e in only_p256.entries} < {e.txid for e in full.entries}
    qp = accounts["query_payment"]
    assert len(qp.held_keys(KeyRole.PAYMENT)) == len(qp.held_keys(KeyRole.QUERY)) == 1
