"""The solo bookkeeper's mempool and timer (antshares.devnet.solo), on a test devnet."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from antshares.core import Block
from antshares.devnet.solo import MempoolFullError, SoloBookkeeper
from devnet_chain import FIXED8, Account, Devnet, secret_of


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def devnet(tmp_path: Path) -> Iterator[Devnet]:
    net = Devnet(tmp_path)
    yield net
    net.state.close()


def solo(net: Devnet, clock: FakeClock, **kw: int) -> SoloBookkeeper:
    return SoloBookkeeper(net.state, net.builder, 15, clock=clock, sleep=clock.sleep, **kw)


def test_blocks_come_on_the_timer_and_carry_the_mempool(devnet: Devnet) -> None:
    genesis_time = devnet.state.genesis.header.timestamp
    clock = FakeClock(genesis_time + 3)
    node = solo(devnet, clock)
    alice = Account.single(secret_of("alice"))
    pay = devnet.contract(devnet.genesis_holder, [(devnet.ans, 10 * FIXED8, alice.script_hash)])
    assert node.submit(pay) and not node.submit(pay)  # first seen wins, once
    built = node.step()
    assert clock.slept == [12]  # waited until genesis + block time
    assert built.block.header.timestamp == genesis_time + 15
    assert [tx.hash for tx in built.block.transactions[1:]] == [pay.hash]
    assert not node.mempool
    assert built.miner_outputs and built.miner_outputs[0].value > 0  # the lottery paid out
    tip = devnet.state.block_at(devnet.state.height)
    assert tip is not None and Block.from_bytes(tip).hash == built.block.hash


def test_conflicting_and_invalid_transactions_leave_with_their_rule(devnet: Devnet) -> None:
    clock = FakeClock(devnet.state.genesis.header.timestamp + 15)
    node = solo(devnet, clock)
    alice = Account.single(secret_of("alice"))
    bob = Account.single(secret_of("bob"))
    first = devnet.contract(devnet.genesis_holder, [(devnet.ans, FIXED8, alice.script_hash)])
    second = devnet.contract(devnet.genesis_holder, [(devnet.ans, FIXED8, bob.script_hash)])
    node.submit(first)
    node.submit(second)  # spends the same genesis output: the first seen wins
    built = node.step(wait=False)
    assert [tx.hash for tx in built.block.transactions[1:]] == [first.hash]
    assert [rule for _, rule, _ in node.dropped] == ["spent-or-missing-input"]
    assert not node.mempool


def test_the_mempool_is_bounded(devnet: Devnet) -> None:
    node = solo(devnet, FakeClock(0), mempool_size=1)
    alice = Account.single(secret_of("alice"))
    node.submit(devnet.contract(devnet.genesis_holder, [(devnet.ans, FIXED8, alice.script_hash)]))
    with pytest.raises(MempoolFullError):
        node.submit(
            devnet.contract(devnet.genesis_holder, [(devnet.ans, 2 * FIXED8, alice.script_hash)])
        )
