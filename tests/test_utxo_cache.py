"""The native UTXO cache against a dict reference, with a fake store dict behind it.

A hypothesis state machine applies random blocks (spends of existing, block-created, already
spent and never-created outpoints; duplicate outputs; skipped transactions and rejected blocks)
through the batch protocol: missing() → store read → load(), spend_many/add_many in a block
overlay, commit or abort, and flush() → store write → flush_done() at random points. The
reference is a plain dict of the UTXO set; after every flush the store must equal it, and at any
time the cache's view over the store must.
"""

from __future__ import annotations

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from antshares.core import UInt160, UInt256
from antshares.ledger import utxo as U


def txid(n: int) -> bytes:
    return n.to_bytes(8, "little") + bytes(16) + n.to_bytes(8, "big")


def key(n: int, index: int) -> bytes:
    return U.encode_outpoint(txid(n), index)


def coin(value: int, height: int = 1, asset: int = 1) -> bytes:
    return U.encode_coin(bytes([asset]) * 32, value, bytes([2]) * 20, height)


def shown(k: bytes) -> str:
    """How error messages name an outpoint: txid display form, colon, index."""
    t, i = U.decode_outpoint(k)
    return f"{t}:{i}"


class UtxoMachine(RuleBasedStateMachine):
    @initialize(budget=st.sampled_from([0, 700, 5_000, 1 << 24]))
    def start(self, budget: int) -> None:
        self.cache = U.UtxoCache(budget)
        self.store: dict[bytes, bytes] = {}
        self.ref: dict[bytes, bytes] = {}
        self.seen: list[bytes] = []
        self.next_tx = 1
        self.height = 0
        for i in range(8):
            k = key(0, i)
            self.store[k] = self.ref[k] = coin(1 + i)
            self.seen.append(k)

    def fetch(self, keys: list[bytes]) -> None:
        """One read 'transaction' of the fake store for everything the cache lacks."""
        miss = self.cache.missing(b"".join(keys))
        assert len(miss) % U.OUTPOINT_SIZE == 0
        ks = [miss[i : i + U.OUTPOINT_SIZE] for i in range(0, len(miss), U.OUTPOINT_SIZE)]
        assert len(set(ks)) == len(ks)
        self.cache.load(miss, [self.store.get(k) for k in ks])
        assert self.cache.missing(b"".join(keys)) == b""

    @rule(data=st.data())
    def block(self, data: st.DataObject) -> None:
        self.height += 1
        load_outputs = data.draw(st.booleans())
        live = sorted(self.ref)
        txs: list[tuple[list[bytes], list[bytes]]] = []
        outs_so_far: list[bytes] = []
        ins_so_far: list[bytes] = []
        for _ in range(data.draw(st.integers(1, 4))):
            ins = []
            for _ in range(data.draw(st.integers(0, 3))):
                pools = [p for p in (live, outs_so_far, ins_so_far, self.seen) if p]
                pool = data.draw(st.sampled_from([*pools, None]))
                ins.append(key(10**9, 0) if pool is None else data.draw(st.sampled_from(pool)))
            ins_so_far += ins
            n = self.next_tx
            self.next_tx += 1
            if load_outputs and live and data.draw(st.integers(0, 9)) == 0:
                n = int.from_bytes(live[0][24:32], "big")  # a duplicate transaction
            outs = [key(n, i) for i in range(data.draw(st.integers(1, 3)))]
            outs_so_far += outs
            txs.append((ins, outs))
        self.fetch(ins_so_far + (outs_so_far if load_outputs else []))

        self.cache.begin_block()
        view = dict(self.ref)
        spent: set[bytes] = set()
        ok = True
        for ins, outs in txs:
            expect, err = [], None
            now = set(spent)
            for k in ins:
                if k in now:
                    err = f"outpoint {shown(k)} is already spent in this block"
                    break
                if k not in view:
                    err = f"outpoint {shown(k)} is not an unspent output"
                    break
                expect.append(view[k])
                now.add(k)
            if err is not None:
                event(err.split(" ", 2)[2])
                with pytest.raises(ValueError, match=err):
                    self.cache.spend_many(b"".join(ins))
                if data.draw(st.booleans()):
                    continue  # the overlay is unchanged: the next transaction goes on
                ok = False
                break
            assert self.cache.spend_many(b"".join(ins)) == expect
            for k in ins:
                del view[k]
            spent |= set(ins)
            values = [coin(1 + i, self.height) for i in range(len(outs))]
            dup = next((k for k in outs if k in view), None)
            if dup is not None:
                event("duplicate output")
                match = f"outpoint {shown(dup)} is already an unspent output"
                with pytest.raises(ValueError, match=match):
                    self.cache.add_many(b"".join(outs), values)
                ok = False
                break
            self.cache.add_many(b"".join(outs), values)
            for k, v in zip(outs, values, strict=True):
                view[k] = v
                spent.discard(k)
        assert self.cache.block_open
        if ok and data.draw(st.integers(0, 9)) > 0:
            self.cache.commit_block()
            self.ref = view
        else:
            self.cache.abort_block()
        self.seen += [k for _, outs in txs for k in outs]

    @rule()
    def flush(self) -> None:
        ops = self.cache.flush()
        assert self.cache.flush() == ops
        keys = [k for k, _ in ops]
        assert keys == sorted(set(keys))
        for k, v in ops:
            if v is None:
                # A new coin spent before the flush is neither written nor deleted.
                assert k in self.store, "delete of a key the store does not hold"
                del self.store[k]
            else:
                self.store[k] = v
        self.cache.flush_done()
        event(f"flush deletes {min(sum(v is None for _, v in ops), 1)}")
        assert self.store == self.ref
        assert self.cache.stats()["dirty"] == 0
        assert self.cache.memory_usage <= self.cache.memory_budget

    @invariant()
    def view_matches_reference(self) -> None:
        if not hasattr(self, "cache"):
            return
        keys = self.seen[-64:]
        self.fetch(keys)
        assert self.cache.get_many(b"".join(keys)) == [self.ref.get(k) for k in keys]


TestUtxoMachine = UtxoMachine.TestCase
TestUtxoMachine.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


def test_encoding_round_trip() -> None:
    t = UInt256(txid(5))
    k = U.encode_outpoint(t, 0x0102)
    assert len(k) == U.OUTPOINT_SIZE == 34
    assert k[32:] == b"\x01\x02"
    assert U.decode_outpoint(k) == (t, 0x0102)
    assert U.pack_outpoints([(t, 1), (txid(6), 2)]) == k[:32] + b"\0\1" + txid(6) + b"\0\2"
    asset, script = UInt256(bytes([7]) * 32), UInt160(bytes(range(20)))
    v = U.encode_coin(asset, 2**63 - 1, script, 2**32 - 1)
    assert len(v) == U.COIN_SIZE == 64
    assert U.decode_coin(v) == U.Coin(asset, 2**63 - 1, script, 2**32 - 1)
    assert U.decode_coin(v).value == 2**63 - 1


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: U.encode_outpoint(txid(1), 65536), "0..65535"),
        (lambda: U.encode_outpoint(b"\0" * 31, 0), "txid needs 32 bytes"),
        (lambda: U.encode_coin(b"\0" * 32, 0, b"\0" * 20, 0), "1..2\\*\\*63-1"),
        (lambda: U.encode_coin(b"\0" * 32, 1, b"\0" * 20, -1), "height"),
        (lambda: U.encode_coin(b"\0" * 32, 1, b"\0" * 21, 0), "script hash needs 20"),
        (lambda: U.decode_coin(b"\0" * 63), "64 bytes, got 63"),
        (lambda: U.decode_coin(b"\0" * 64), "positive"),
        (lambda: U.decode_outpoint(b"\0" * 35), "34 bytes, got 35"),
    ],
)
def test_encoding_errors(call: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()  # type: ignore[operator]


def test_native_values_decode_in_python() -> None:
    c = U.UtxoCache(1 << 20)
    c.load(key(1, 0), [coin(5, 3)])
    c.begin_block()
    (v,) = c.spend_many(key(1, 0))
    assert U.decode_coin(v) == U.Coin(UInt256(bytes([1]) * 32), 5, UInt160(bytes([2]) * 20), 3)
    c.abort_block()


def test_call_errors_change_nothing() -> None:
    c = U.UtxoCache(1 << 20)
    with pytest.raises(ValueError, match="multiple of 34 bytes, got 33"):
        c.missing(b"\0" * 33)
    with pytest.raises(ValueError, match="2 keys but 1 values"):
        c.load(key(1, 0) + key(1, 1), [None])
    with pytest.raises(ValueError, match="value 0: a coin's value must be positive"):
        c.load(key(1, 0), [bytes(64)])
    with pytest.raises(TypeError, match="value 0 must be bytes or None"):
        c.load(key(1, 0), [1])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="no block is open"):
        c.spend_many(key(1, 0))
    with pytest.raises(ValueError, match="flush_done\\(\\) without a flush"):
        c.flush_done()
    c.load(key(1, 0) + key(2, 0), [coin(1), None])
    with pytest.raises(ValueError, match=f"outpoint {shown(key(3, 0))} is not loaded"):
        c.get_many(key(3, 0))
    assert c.get_many(key(1, 0) + key(2, 0)) == [coin(1), None]
    c.begin_block()
    with pytest.raises(ValueError, match="a block is open"):
        c.begin_block()
    with pytest.raises(ValueError, match="a block is open"):
        c.flush()
    with pytest.raises(ValueError, match=f"outpoint {shown(key(2, 0))} is not an unspent"):
        c.spend_many(key(1, 0) + key(2, 0))
    with pytest.raises(ValueError, match=f"outpoint {shown(key(3, 0))} is not loaded"):
        c.spend_many(key(3, 0))
    with pytest.raises(TypeError, match="value 0 must be bytes"):
        c.add_many(key(4, 0), [None])  # type: ignore[list-item]
    assert c.get_many(key(1, 0)) == [coin(1)]  # the failed batch spent nothing
    c.add_many(key(4, 0), [coin(9)])
    c.commit_block()
    assert len(c) == 3
    ops = c.flush()
    assert ops == [(key(4, 0), coin(9))]
    with pytest.raises(ValueError, match="a flush is pending"):
        c.begin_block()
    c.flush_done()
    stats = c.stats()
    assert stats["dirty"] == 0 and stats["evictions"] == 0 and stats["entries"] == 3
    assert "3 entries" in repr(c)


def test_tiny_budget_evicts_clean_entries() -> None:
    c = U.UtxoCache(0)
    c.load(b"".join(key(n, 0) for n in range(100)), [coin(1)] * 100)
    assert len(c) == 100 and c.memory_usage > 0
    c.flush()
    c.flush_done()
    assert len(c) == 0 and c.memory_usage == 0
    assert c.stats()["evictions"] == 100
