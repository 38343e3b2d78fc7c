"""The workload generator driven through a node's JSON-RPC: what `antshares devnet workload`
and the demo use to load a running devnet.

It learns the chain from the node (`getblock`, raw), drafts the next batch with `Workload`, sends
it in one JSON-RPC batch of `sendrawtransaction`, and waits for the next block to learn what
was included. Votes are left out of the mix: they would elect the workload's candidates, whose
keys a bookkeeper node does not hold (`antshares devnet run` can, as it signs with the
workload's keys).
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from antshares.chain.profiles import Profile
from antshares.core import Block
from antshares.devnet.workload import DEFAULT_MIX, Kind, Workload
from antshares.rpc.client import RpcClient, RpcError

__all__ = ["NODE_MIX", "RoundReport", "RpcWorkload"]

NODE_MIX: Mapping[Kind, float] = {k: w for k, w in DEFAULT_MIX.items() if k is not Kind.VOTE}


@dataclass
class RoundReport:
    """One round: what was sent, what the node refused (by rule), the block that followed."""

    sent: int
    accepted: int
    refused: dict[str, int] = field(default_factory=dict)
    height: int = 0
    included: int = 0


class RpcWorkload:
    def __init__(
        self, client: RpcClient, profile: Profile, bookkeeper_secrets: list[bytes], seed: str
    ) -> None:
        self.client = client
        self.workload = Workload(
            profile, bookkeeper_secrets, seed, mix=NODE_MIX, confirmed_only=True
        )
        self.height = -1
        """The last block the workload has learnt."""
        self.sent: set[bytes] = set()
        """Txids (internal order) of the last round's accepted transactions."""
        self._last_included = 0

    def catch_up(self) -> int:
        """Learn every block the node has that the workload has not; the new height."""
        top = int(self.client.call("getblockcount")) - 1
        included = 0
        while self.height < top:
            raw = bytes.fromhex(str(self.client.call("getblock", self.height + 1, 0)))
            block = Block.from_bytes(raw)
            included += sum(1 for tx in block.transactions if tx.hash.to_bytes() in self.sent)
            self.workload.on_block(block)
            self.height += 1
        self._last_included = included
        return self.height

    def round(
        self, count: int, timeout: float = 60.0, sleep: Callable[[float], None] = time.sleep
    ) -> RoundReport:
        """Send `count` transactions, then wait (up to `timeout` s) for the next block."""
        self.catch_up()
        start_height = self.height
        txs = self.workload.next_transactions(count)
        replies = self.client.batch([("sendrawtransaction", [tx.to_bytes().hex()]) for tx in txs])
        report = RoundReport(sent=len(txs), accepted=0)
        self.sent = set()
        for tx, reply in zip(txs, replies, strict=True):
            if isinstance(reply, RpcError):
                rule = (
                    str(reply.data.get("rule")) if isinstance(reply.data, dict) else reply.message
                )
                report.refused[rule] = report.refused.get(rule, 0) + 1
            else:
                report.accepted += 1
                self.sent.add(tx.hash.to_bytes())
        deadline = time.monotonic() + timeout
        while self.catch_up() == start_height:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no block after {start_height} within {timeout:.0f} s")
            sleep(0.2)
        report.height = self.height
        report.included = self._last_included
        return report
