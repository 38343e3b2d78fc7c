"""The node's mempool (antshares.node.mempool): admission, conflicts, fee policy, capacity and
eviction, arrival order, and what a block does to it — with a fake checker, then on a devnet."""

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from antshares.core import CoinReference, Transaction, TxOutput, TxType, UInt160, UInt256, Witness
from antshares.node.backend import AcceptResult
from antshares.node.mempool import INCLUDED, Mempool, MempoolPolicy
from devnet_chain import FIXED8, Account, Devnet, secret_of, with_witnesses

ASSET = UInt256(b"\x02" * 32)
OWNER = UInt160(b"\x03" * 20)


def coin(n: int, index: int = 0) -> CoinReference:
    return CoinReference(UInt256(n.to_bytes(32, "little")), index)


def tx(*spends: CoinReference, value: int = 1, type_: int = TxType.CONTRACT) -> Transaction:
    """An unsigned transaction spending `spends`; `value` tells apart two with the same inputs."""
    return Transaction(type_, 0, {}, [], list(spends), [TxOutput(ASSET, value, OWNER)], [])


def raw(*spends: CoinReference, value: int = 1) -> bytes:
    return tx(*spends, value=value).to_bytes()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def txid(data: bytes) -> bytes:
    return Transaction.from_bytes(data).hash.to_bytes()


@dataclass(frozen=True)
class Check:
    txid: bytes | None
    wtxid: bytes | None
    size: int
    byte_fee: int
    rule: str | None
    detail: str | None

    @property
    def ok(self) -> bool:
        return self.rule is None


class FakeChecker:
    """Every transaction is valid and pays `fee_rate` × size, unless told otherwise by txid."""

    def __init__(self, fee_rate: int = 1) -> None:
        self.fee_rate = fee_rate
        self.fees: dict[bytes, int] = {}
        self.rules: dict[bytes, str] = {}
        self.calls: list[tuple[list[bytes], bool]] = []

    def __call__(self, raws: Sequence[bytes], verify_signatures: bool) -> list[Check]:
        self.calls.append((list(raws), verify_signatures))
        return [self.check(r) for r in raws]

    def check(self, data: bytes) -> Check:
        tid = txid(data)
        wtxid = sha256(data)
        rule = self.rules.get(tid)
        if rule is not None:
            return Check(tid, wtxid, len(data), 0, rule, f"{rule} detail")
        fee = self.fees.get(tid, self.fee_rate * len(data))
        return Check(tid, wtxid, len(data), fee, None, None)


def pool(checker: FakeChecker, **policy: int) -> Mempool:
    return Mempool(MempoolPolicy(**policy), checker, clock=lambda: 1234.5)


def rules(results: Sequence[AcceptResult]) -> list[str | None]:
    return ["ok" if r.accepted else "known" if r.known else r.rule for r in results]


def test_accepts_and_keeps_the_entry() -> None:
    checker = FakeChecker(fee_rate=3)
    mempool = pool(checker)
    data = raw(coin(1), coin(2, 5))
    tid = txid(data)
    assert mempool.add([data]) == [AcceptResult(True, txid=tid)]
    entry = mempool.get(tid)
    assert entry is not None and tid in mempool and len(mempool) == 1
    assert entry.raw == data and entry.tx.hash.to_bytes() == tid
    assert entry.wtxid == sha256(data)
    assert (entry.size, entry.byte_fee, entry.fee_rate) == (len(data), 3 * len(data), Fraction(3))
    assert entry.outpoints == ((coin(1).prev_hash.to_bytes(), 0), (coin(2).prev_hash.to_bytes(), 5))
    assert entry.arrived == 1234.5
    assert mempool.total_bytes == len(data)
    assert mempool.stats()["accepted"] == 1


def test_a_known_transaction_is_not_checked_again() -> None:
    checker = FakeChecker()
    mempool = pool(checker)
    data = raw(coin(1))
    assert rules(mempool.add([data, data])) == ["ok", "known"]  # a copy within the batch too
    assert rules(mempool.add([data])) == ["known"]
    assert checker.calls == [([data], True)]
    # Another witness, same txid: known, as the txid says.
    other = with_witnesses(Transaction.from_bytes(data), [Witness(b"\x00", b"\x51")]).to_bytes()
    assert rules(mempool.add([other])) == ["known"]
    assert mempool.stats()["known"] == 3  # the batch copy, the re-offer, the other witness


def test_checker_rules_pass_through_and_are_counted() -> None:
    checker = FakeChecker()
    mempool = pool(checker)
    bad, good = raw(coin(1)), raw(coin(2))
    checker.rules[txid(bad)] = "witness-signature"
    results = mempool.add([bad, good])
    assert results[0] == AcceptResult(
        False, rule="witness-signature", detail="witness-signature detail"
    )
    assert results[1].accepted and txid(bad) not in mempool
    assert mempool.stats()["rejected"] == {"witness-signature": 1}


def test_the_checker_is_called_once_per_batch_with_signatures() -> None:
    checker = FakeChecker()
    mempool = pool(checker)
    batch = [raw(coin(i)) for i in range(5)]
    assert all(r.accepted for r in mempool.add(batch))
    assert checker.calls == [(batch, True)]
    assert mempool.add([]) == [] and len(checker.calls) == 1


def test_the_first_seen_spender_wins_in_the_pool_and_in_a_batch() -> None:
    checker = FakeChecker()
    mempool = pool(checker)
    first, second = raw(coin(1)), raw(coin(1), value=2)
    assert rules(mempool.add([first])) == ["ok"]
    result = mempool.add([second])[0]
    assert result.rule == "mempool-conflict" and txid(first)[::-1].hex() in (result.detail or "")
    assert len(checker.calls) == 1  # a conflict with the pool costs no check

    # Within one batch: the first valid spender wins, whatever the checker said of earlier ones.
    a, b, c = raw(coin(2), value=1), raw(coin(2), value=2), raw(coin(3), coin(2), value=3)
    checker.rules[txid(a)] = "witness-signature"
    assert rules(mempool.add([a, b, c])) == ["witness-signature", "ok", "mempool-conflict"]
    assert mempool.txids() == [txid(first), txid(b)]


def test_agency_order_inputs_conflict_too() -> None:
    order = {"amount": 1, "price": 1, "client": OWNER, "inputs": [coin(7)], "witnesses": []}
    exclusive = {
        "asset_id": ASSET,
        "value_asset_id": UInt256(b"\x04" * 32),
        "agent": OWNER,
        "orders": [order],
        "split_order": None,
    }
    agency = Transaction(TxType.AGENCY, 0, exclusive, [], [coin(8)], [], []).to_bytes()
    mempool = pool(FakeChecker())
    assert rules(mempool.add([agency, raw(coin(7)), raw(coin(8))])) == [
        "ok",
        "mempool-conflict",
        "mempool-conflict",
    ]
    entry = mempool.get(txid(agency))
    assert entry is not None and len(entry.outpoints) == 2


def test_fee_policy() -> None:
    free = raw(coin(1))
    checker = FakeChecker(fee_rate=0)
    assert rules(pool(checker).add([free])) == ["ok"]  # a zero minimum admits no fee at all

    checker = FakeChecker()
    mempool = pool(checker, min_byte_fee_per_byte=2)
    enough, short = raw(coin(2)), raw(coin(3))
    checker.fees[txid(enough)] = 2 * len(enough)
    checker.fees[txid(short)] = 2 * len(short) - 1
    results = mempool.add([enough, short])
    assert rules(results) == ["ok", "mempool-fee"]
    assert str(2 * len(short)) in (results[1].detail or "")


def test_size_decoding_and_miner_guards_come_before_the_checker() -> None:
    checker = FakeChecker()
    mempool = pool(checker, max_tx_size=60)
    big = raw(coin(1))  # 100 bytes
    miner = Transaction(TxType.MINER, 0, {"nonce": 1}, [], [], [], []).to_bytes()
    assert rules(mempool.add([big, b"\x80\x00", miner])) == [
        "tx-size",
        "tx-decode",
        "miner-position",
    ]
    assert checker.calls == [] and len(mempool) == 0


def test_a_full_pool_evicts_the_lowest_fee_rate_only_for_a_strictly_higher_one() -> None:
    checker = FakeChecker()
    mempool = pool(checker, max_count=3)
    low, mid, low2, same, high = (raw(coin(i)) for i in range(1, 6))
    for data, rate in ((low, 1), (mid, 2), (low2, 1), (same, 1), (high, 3)):
        checker.fees[txid(data)] = rate * len(data)
    assert rules(mempool.add([low, mid, low2])) == ["ok", "ok", "ok"]

    assert rules(mempool.add([same])) == ["mempool-full"]  # equal rate: no eviction
    assert mempool.txids() == [txid(low), txid(mid), txid(low2)]

    # Among equal rates the latest arrival goes first: the older one is nearer its block.
    assert rules(mempool.add([high])) == ["ok"]
    assert mempool.txids() == [txid(low), txid(mid), txid(high)]
    assert mempool.stats()["evicted"] == 1
    assert mempool.stats()["rejected"] == {"mempool-full": 1}
    # low2's outpoint is free again: a new spender meets the capacity, not a conflict.
    assert rules(mempool.add([raw(coin(3), value=9)])) == ["mempool-full"]


def test_the_byte_cap_evicts_as_many_as_needed_or_none() -> None:
    checker = FakeChecker()
    one = raw(coin(1))
    size = len(one)
    mempool = pool(checker, max_bytes=3 * size)
    a, b, c = raw(coin(1)), raw(coin(2)), raw(coin(3))
    big = tx(coin(4), coin(5), coin(6)).to_bytes()  # 2 inputs more: fits only without two
    for data, rate in ((a, 1), (b, 5), (c, 2), (big, 3)):
        checker.fees[txid(data)] = rate * len(data)
    assert rules(mempool.add([a, b, c])) == ["ok", "ok", "ok"]
    assert size < len(big) <= 2 * size

    assert rules(mempool.add([big])) == ["ok"]  # evicts a (rate 1), then c (rate 2)
    assert mempool.txids() == [txid(b), txid(big)]
    assert mempool.total_bytes == size + len(big)

    # Too big for the whole pool: refused, nothing evicted.
    huge = tx(*(coin(10 + i) for i in range(9))).to_bytes()
    checker.fees[txid(huge)] = 100 * len(huge)
    assert rules(mempool.add([huge])) == ["mempool-full"]
    assert mempool.txids() == [txid(b), txid(big)]


def test_evicted_within_its_own_batch_is_not_reported_accepted() -> None:
    checker = FakeChecker()
    mempool = pool(checker, max_count=1)
    low, high = raw(coin(1)), raw(coin(2))
    checker.fees[txid(high)] = 2 * len(high)
    results = mempool.add([low, high])
    assert rules(results) == ["mempool-full", "ok"]
    assert mempool.txids() == [txid(high)]


def test_candidates_keep_arrival_order() -> None:
    checker = FakeChecker()
    mempool = pool(checker)
    batch = [raw(coin(i)) for i in range(6)]
    for i, data in enumerate(batch):  # fee rates unrelated to arrival
        checker.fees[txid(data)] = (7 - i) % 4 * len(data)
    mempool.add(batch[:3])
    mempool.add(batch[3:])
    order = [txid(d) for d in batch]
    assert [e.txid for e in mempool.candidates()] == order == mempool.txids()
    assert [e.txid for e in mempool.candidates(2)] == order[:2]
    assert [e.sequence for e in mempool.candidates()] == sorted(
        e.sequence for e in mempool.candidates()
    )


def test_verified_wtxids_follow_the_pool() -> None:
    mempool = pool(FakeChecker())
    a, b = raw(coin(1)), raw(coin(2))
    mempool.add([a, b])
    assert mempool.verified_wtxids() == {sha256(a), sha256(b)}
    assert mempool.verified_wtxids() is mempool.verified_wtxids()  # cached until it changes
    mempool.remove_block([Transaction.from_bytes(a)])
    assert mempool.verified_wtxids() == {sha256(b)}


def test_remove_block_drops_included_and_conflicting() -> None:
    mempool = pool(FakeChecker())
    kept, included, loser = raw(coin(1)), raw(coin(2)), raw(coin(3))
    mempool.add([kept, included, loser])
    winner = tx(coin(3), coin(4), value=5)  # not in the pool: spends what `loser` spends
    miner = Transaction(TxType.MINER, 0, {"nonce": 1}, [], [], [], [])
    dropped = mempool.remove_block([miner, Transaction.from_bytes(included), winner])
    assert [(t, reason) for t, reason, _ in dropped] == [
        (txid(included), INCLUDED),
        (txid(loser), "spent-or-missing-input"),
    ]
    assert winner.txid in dropped[1][2]
    assert mempool.txids() == [txid(kept)]
    assert mempool.total_bytes == len(kept)
    # The (txid, outpoints) form, and a freed outpoint can be spent again.
    outpoint = (coin(1).prev_hash.to_bytes(), 0)
    assert mempool.remove_block([(b"\xee" * 32, [outpoint])]) == [
        (
            txid(kept),
            "spent-or-missing-input",
            f"{'00' * 31}01:0 was spent by block transaction {'ee' * 32}",
        )
    ]
    assert rules(mempool.add([raw(coin(3), value=7)])) == ["ok"]


def test_revalidate_drops_only_the_failing_without_signatures() -> None:
    checker = FakeChecker()
    mempool = pool(checker)
    batch = [raw(coin(i)) for i in range(4)]
    mempool.add(batch)
    checker.rules[txid(batch[1])] = "spent-or-missing-input"
    checker.rules[txid(batch[3])] = "voting-inactive-candidate"
    assert mempool.revalidate() == [
        (txid(batch[1]), "spent-or-missing-input", "spent-or-missing-input detail"),
        (txid(batch[3]), "voting-inactive-candidate", "voting-inactive-candidate detail"),
    ]
    assert checker.calls[-1] == (batch, False)
    assert mempool.txids() == [txid(batch[0]), txid(batch[2])]
    assert mempool.total_bytes == len(batch[0]) + len(batch[2])


def test_many_evictions_keep_the_heap_consistent() -> None:
    checker = FakeChecker()
    mempool = pool(checker, max_count=10)
    for i in range(200):
        data = raw(coin(i))
        checker.fees[txid(data)] = (i % 17) * len(data)
        mempool.add([data])
        if i % 7 == 0:
            mempool.remove_block([Transaction.from_bytes(data)])
    assert len(mempool) == 10
    # Rate 16 came 11 times, one of them (i = 84) then mined: the 10 others fill the pool.
    assert {e.fee_rate for e in mempool.candidates()} == {16}
    assert mempool.total_bytes == sum(e.size for e in mempool.candidates())


# On a devnet, with the real ChainState.


@pytest.fixture
def devnet(tmp_path: Path) -> Iterator[Devnet]:
    net = Devnet(tmp_path)
    yield net
    net.state.close()


def test_on_a_devnet(devnet: Devnet) -> None:
    mempool = Mempool(MempoolPolicy(), devnet.state.check_transactions)
    holder = devnet.genesis_holder
    alice, bob, carol = (Account.single(secret_of(n)) for n in ("alice", "bob", "carol"))
    to_alice = devnet.contract(holder, [(devnet.ans, 10 * FIXED8, alice.script_hash)])
    to_bob = devnet.contract(holder, [(devnet.ans, 10 * FIXED8, bob.script_hash)])
    forged = devnet.contract(holder, [(devnet.ans, 10 * FIXED8, carol.script_hash)])
    forged = with_witnesses(forged, to_alice.witnesses)  # signed over another transaction
    results = mempool.add([forged.to_bytes(), to_alice.to_bytes(), to_bob.to_bytes(), b"\x80"])
    assert rules(results) == ["witness-signature", "ok", "mempool-conflict", "tx-decode"]
    assert mempool.verified_wtxids() == {sha256(to_alice.to_bytes())}

    devnet.produce([e.tx for e in mempool.candidates()])
    assert mempool.remove_block(devnet.blocks[-1].transactions) == [
        (to_alice.hash.to_bytes(), INCLUDED, "in the block")
    ]
    assert len(mempool) == 0

    # The block's lottery paid the holder ANC: a byte fee under this node's minimum is refused.
    def paying(fee: int) -> Transaction:
        return devnet.contract(holder, [(devnet.ans, FIXED8, bob.script_hash)], anc_fee=fee)

    size = len(paying(1).to_bytes())  # the fee's value does not change the size
    fussy = Mempool(MempoolPolicy(min_byte_fee_per_byte=1), devnet.state.check_transactions)
    results = fussy.add([paying(size - 1).to_bytes(), paying(size).to_bytes()])
    assert rules(results) == ["mempool-fee", "ok"]
    (entry,) = fussy.candidates()
    assert (entry.byte_fee, entry.fee_rate) == (size, Fraction(1))

    # Alice's coin: to Bob through the pool, to Carol in a block from elsewhere.
    alice_to_bob = devnet.contract(alice, [(devnet.ans, FIXED8, bob.script_hash)])
    alice_to_carol = devnet.contract(alice, [(devnet.ans, FIXED8, carol.script_hash)])
    assert rules(mempool.add([alice_to_bob.to_bytes()])) == ["ok"]
    devnet.produce([alice_to_carol])
    dropped = mempool.revalidate()
    assert [(t, rule) for t, rule, _ in dropped] == [
        (alice_to_bob.hash.to_bytes(), "spent-or-missing-input")
    ]
    assert len(mempool) == 0
