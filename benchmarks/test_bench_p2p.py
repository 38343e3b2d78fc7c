"""P2P messages/s through the full protocol over loopback: {Cython, pure-Python framing} × {uvloop,
asyncio}. One `PeerProtocol` sends N small inv messages (encode, write, with flow control), another
receives them (socket reads, frame decoding, the inv payload decoded); both in one event loop.

Run: `.venv/bin/pytest benchmarks/test_bench_p2p.py --benchmark-group-by=group -s`. Each figure is
N / the transfer time (connection setup excluded), the best of the rounds, in the test's
`extra_info["messages_per_s"]`; the last test prints the four figures and their ratios (and keeps
them in its own extra_info). Timings are not tests: nothing here asserts a speed.
"""

import asyncio
import os
import time
from collections.abc import Callable

import pytest
import uvloop

from antshares.network import messages
from antshares.network.framing import FramingError
from antshares.network.protocol import Framing, PeerProtocol, get_framing

MAGIC = 0x00746E41
N = 20_000
BATCH = 500  # messages written between waits for the output to drain
ROUNDS = 1

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "uvloop": uvloop.new_event_loop,
    "asyncio": asyncio.new_event_loop,
}
RESULTS: dict[str, float] = {}


class Counter:
    """ConnectionEvents of the receiving side: decodes each inv, signals when all N are in."""

    def __init__(self, done: asyncio.Future[float]) -> None:
        self.count = 0
        self.done = done

    def connection_opened(self, conn: PeerProtocol) -> None:
        pass

    def message_received(self, conn: PeerProtocol, command: str, payload: bytes) -> None:
        messages.decode_inventory(payload)
        self.count += 1
        if self.count == N:
            self.done.set_result(time.perf_counter())

    def framing_failed(self, conn: PeerProtocol, error: FramingError) -> None:
        self.done.set_exception(error)

    def connection_closed(self, conn: PeerProtocol, reason: str) -> None:
        pass


class Quiet(Counter):
    """The sending side receives nothing."""

    def __init__(self) -> None:
        pass


async def _transfer(framing: Framing) -> float:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[float] = loop.create_future()
    server = await loop.create_server(
        lambda: PeerProtocol(MAGIC, Counter(done), outbound=False, framing_impl=framing),
        "127.0.0.1",
        0,
    )
    port = server.sockets[0].getsockname()[1]
    _, sender = await loop.create_connection(
        lambda: PeerProtocol(MAGIC, Quiet(), outbound=True, framing_impl=framing),
        "127.0.0.1",
        port,
    )
    payloads = [messages.encode_inventory(messages.InvType.TX, [os.urandom(32)]) for _ in range(N)]
    start = time.perf_counter()
    for i in range(0, N, BATCH):
        for payload in payloads[i : i + BATCH]:
            sender.send("inv", payload)
        await sender.drain()
    end = await done
    sender.close("done")
    server.close()
    await server.wait_closed()
    return N / (end - start)


def _measure(framing_name: str, loop_name: str) -> float:
    framing = get_framing(framing_name)
    with asyncio.Runner(loop_factory=LOOPS[loop_name]) as runner:
        return runner.run(_transfer(framing))


@pytest.mark.parametrize("loop_name", list(LOOPS))
@pytest.mark.parametrize("framing_name", ["cython", "python"])
@pytest.mark.benchmark(group=f"p2p-{N}-inv-messages-loopback")
def test_messages_per_second(benchmark, framing_name: str, loop_name: str) -> None:  # type: ignore[no-untyped-def]
    rates: list[float] = []
    benchmark.pedantic(
        lambda: rates.append(_measure(framing_name, loop_name)), rounds=ROUNDS, iterations=1
    )
    best = max(rates)
    RESULTS[f"{framing_name}/{loop_name}"] = best
    benchmark.extra_info["messages_per_s"] = round(best)


def test_ratios(benchmark) -> None:  # type: ignore[no-untyped-def]
    """The four figures side by side (measured by the tests above in this run)."""
    if len(RESULTS) < 4:
        pytest.skip("run with the four test_messages_per_second cases")
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    ratios = {
        "cython/python (uvloop)": RESULTS["cython/uvloop"] / RESULTS["python/uvloop"],
        "cython/python (asyncio)": RESULTS["cython/asyncio"] / RESULTS["python/asyncio"],
        "uvloop/asyncio (cython)": RESULTS["cython/uvloop"] / RESULTS["cython/asyncio"],
        "uvloop/asyncio (python)": RESULTS["python/uvloop"] / RESULTS["python/asyncio"],
    }
    benchmark.extra_info.update({k: round(v) for k, v in RESULTS.items()})
    benchmark.extra_info.update({k: round(v, 2) for k, v in ratios.items()})
    print()
    for key, rate in RESULTS.items():
        print(f"  {key:<16} {rate:>12,.0f} messages/s")
    for key, ratio in ratios.items():
        print(f"  {key:<24} {ratio:.2f}x")
