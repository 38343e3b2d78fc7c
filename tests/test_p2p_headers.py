"""Header witnesses in the headers-first sync: `verify_headers` on real devnet headers, and a
hostile peer feeding headers that link to our best header but are not signed by the bookkeepers
(a liveness attack: honest headers would no longer link) is scored, its headers are not taken,
and an honest peer then syncs the node.

Bans are per IP, so each hostile peer connects from its own loopback address (127.0.0.2, ...).
"""

from antshares_native._native import verify_headers

from antshares.core import Block, Header, UInt160, UInt256, Witness
from antshares.core.address import single_sig_script
from antshares.crypto import public_key_from_secret, sign
from antshares.network import messages as m
from antshares.network.config import Score
from devnet_chain import secret_of
from test_p2p import FakeChain, Net, RawPeer, blocks, eventually, run, with_net

MALLORY = secret_of("mallory")


def header(height: int) -> Header:
    return Block.from_bytes(blocks()[height]).header


def tip(height: int) -> tuple[UInt256, int, UInt160]:
    """What the header after block `height` is checked against."""
    h = header(height)
    return h.hash, h.index, h.next_consensus


def with_witness(h: Header, witness: Witness) -> Header:
    return Header(
        h.version,
        h.prev_hash,
        h.merkle_root,
        h.timestamp,
        h.index,
        h.consensus_data,
        h.next_consensus,
        witness,
    )


def mallory_witness(h: Header) -> Witness:
    """A valid signature of `h` by a key that is not a bookkeeper's, under its own script."""
    script = single_sig_script(public_key_from_secret(MALLORY))
    return Witness(b"\x40" + sign(MALLORY, h.unsigned_bytes()), script)


def forged(after: Header, count: int) -> list[Header]:
    """`count` headers after `after`, each linking to the one before and signed by Mallory, who
    names herself as NextConsensus: only the first one's witness is wrong."""
    me = mallory_witness(after).script_hash
    out: list[Header] = []
    prev = after
    for i in range(count):
        blank = Header(
            0, prev.hash, bytes(32), prev.timestamp + 1, prev.index + 1, i, me, Witness(b"", b"")
        )
        prev = with_witness(blank, mallory_witness(blank))
        out.append(prev)
    return out


def payload(headers: list[Header]) -> bytes:
    return m.headers_payload_from_raw([h.to_bytes() + b"\x00" for h in headers])


def test_verify_headers_on_real_headers() -> None:
    real = [header(h) for h in range(1, 2001)]
    raws = [h.to_bytes() for h in real]
    assert verify_headers(raws, tip(0)) == (2000, None)
    assert verify_headers(raws[500:], tip(500)) == (1500, None)
    previous = tip(0)
    as_bytes = (previous[0].to_bytes(), previous[1], previous[2].to_bytes())
    assert verify_headers(raws[:3], as_bytes) == (3, None)
    assert verify_headers([], previous) == (0, None)

    def stops_at_7(replacement: Header, needle: str) -> None:
        # Header 7 is the 7th of the batch: 6 valid before it, none counted after it.
        batch = [*raws[:6], replacement.to_bytes(), *raws[7:]]
        valid, error = verify_headers(batch, previous)
        assert valid == 6 and error is not None and needle in error, error

    h7 = real[6]
    # Re-signed by another key: its script is not the NextConsensus of header 6.
    stops_at_7(with_witness(h7, mallory_witness(h7)), "is not the expected NextConsensus")
    # The bookkeeper's script, but another key's signature as the invocation.
    stolen = Witness(mallory_witness(h7).invocation, h7.witness.verification)
    stops_at_7(with_witness(h7, stolen), "matches no remaining key")
    # The real signature behind a PUSH0: not plain signature pushes.
    padded = Witness(b"\x00" + h7.witness.invocation, h7.witness.verification)
    stops_at_7(with_witness(h7, padded), "not signature pushes")
    # The real header, one bit of its signature flipped.
    flipped = bytearray(h7.witness.invocation)
    flipped[-1] ^= 1
    stops_at_7(with_witness(h7, Witness(bytes(flipped), h7.witness.verification)), "header 7")
    # A gap: header 8 where 7 should be.
    valid, error = verify_headers(raws[:6] + raws[7:], previous)
    assert valid == 6 and error is not None and "does not follow" in error
    # Garbage, and a header with the headers message's trailing 0x00.
    assert verify_headers([b"\x01" * 50], previous)[0] == 0
    assert verify_headers([raws[0] + b"\x00"], previous)[0] == 0
    # The genesis header never follows anything.
    assert verify_headers([header(0).to_bytes()], previous)[0] == 0


def test_forged_headers_score_the_peer_and_an_honest_peer_syncs() -> None:
    async def body(net: Net) -> None:
        server = await net.node(FakeChain(blocks()[:101]))
        chain = FakeChain(blocks()[:1])
        learner = await net.node(chain, ban_score=100, ban_seconds=60)
        hostile = await RawPeer.connect(learner.listening_port, source="127.0.0.2", height=100)
        await hostile.expect("getheaders")
        lies = payload(forged(header(0), 100))
        hostile.send("headers", lies)
        await eventually(lambda: learner.bans.score_of("127.0.0.2") == Score.BAD_HEADER)
        assert len(learner.sync.headers) == 0
        hostile.send("headers", lies)  # again, unasked: a ban
        assert await hostile.dropped()
        assert [host for host, _ in learner.banned()] == ["127.0.0.2"]
        assert len(learner.sync.headers) == 0 and chain.height == 0
        learner.addresses.add_seed("127.0.0.1", server.listening_port)
        await eventually(lambda: chain.height == 100, timeout=10, what="the honest sync")
        assert learner.stats()["misbehaviour"] == 2  # the two forged replies, nothing else

    run(lambda: with_net(body))


def test_only_checked_headers_enter_the_header_chain() -> None:
    """Real headers followed by forged ones: the real ones are taken. A relayed block whose header
    links to the best header but is forged is refused too."""

    async def body(net: Net) -> None:
        chain = FakeChain(blocks()[:1])
        learner = await net.node(chain, ban_seconds=60)
        hostile = await RawPeer.connect(learner.listening_port, source="127.0.0.2", height=30)
        await hostile.expect("getheaders")
        real = [header(h) for h in range(1, 11)]
        hostile.send("headers", payload(real + forged(real[-1], 10)))
        await eventually(lambda: learner.bans.score_of("127.0.0.2") == Score.BAD_HEADER)
        assert learner.sync.headers.tip_height == 10
        assert learner.sync.headers.tip_hash == real[-1].hash.to_bytes()
        relayer = await RawPeer.connect(learner.listening_port, source="127.0.0.3")
        fake = Block(forged(real[-1], 1)[0], Block.from_bytes(blocks()[11]).transactions)
        relayer.send("block", fake.to_bytes())
        await eventually(lambda: learner.bans.score_of("127.0.0.3") == Score.BAD_HEADER)
        assert learner.sync.headers.tip_height == 10
        assert learner.stats()["misbehaviour"] == 2
        hostile.close()
        relayer.close()

    run(lambda: with_net(body))
