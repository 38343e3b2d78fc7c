"""CHECKMULTISIG semantics of the verifier against a plain reference walk (format-1x §4), on
blocks signed here with keys on all three curves (mixed inside one multisig)."""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

import antshares
from antshares.core import Block, Header, Transaction, TxType, UInt160, UInt256, Witness
from antshares.core.address import key_curve, multisig_script, script_keys, single_sig_script
from antshares.core.hashing import merkle_root
from antshares.crypto import Curve, public_key_from_secret, sign, verify

CURVES = [Curve.SECP256R1, Curve.SECP256K1, Curve.SM2]
POOL = [
    (curve, hashlib.sha256(f"walk {curve.value} {i}".encode()).digest())
    for curve in CURVES
    for i in range(3)
]


def script_key(curve: Curve, secret: bytes) -> bytes:
    point = public_key_from_secret(secret, curve)
    return point if curve.key_tag is None else bytes([curve.key_tag]) + point


SECRETS = {script_key(c, s): (c, s) for c, s in POOL}


def block_with_witness(make_invocation: "callable[[bytes], bytes]", verification: bytes) -> bytes:
    miner = Transaction(TxType.MINER, 0, {"nonce": 7}, [], [], [], [])
    root = UInt256(merkle_root([miner.hash.to_bytes()]))
    fields = (0, UInt256(bytes(32)), root, 1_500_000_000, 5, 42, UInt160(bytes(20)))
    unsigned = Header(*fields, Witness(b"", verification)).unsigned_bytes()
    header = Header(*fields, Witness(make_invocation(unsigned), verification))
    return Block(header, [miner]).to_bytes()


def reference_walk(m: int, keys: list[bytes], sigs: list[bytes], message: bytes) -> bool:
    if len(sigs) != m:
        return False
    i = j = 0
    while i < m:
        if len(keys) - j < m - i:
            return False
        key = keys[j]
        if verify(key[-33:], message, sigs[i], key_curve(key)):
            i += 1
        j += 1
    return True


@st.composite
def witnesses(draw: st.DrawFn) -> tuple[int, list[bytes], list[int | None]]:
    keys = draw(st.lists(st.sampled_from(sorted(SECRETS)), min_size=1, max_size=5, unique=True))
    m = draw(st.integers(1, len(keys)))
    # Each signature slot: the index (in the script's key order) of the signer, or None = garbage.
    slots = draw(
        st.lists(
            st.one_of(st.none(), st.integers(0, len(keys) - 1)), min_size=m - 1, max_size=m + 1
        )
    )
    return m, keys, slots


@settings(max_examples=80, deadline=None)
@given(witnesses())
def test_multisig_matches_reference_walk(case: tuple[int, list[bytes], list[int | None]]) -> None:
    m, keys, slots = case
    script = multisig_script(m, keys)
    ordered = script_keys(script)
    sigs_for: dict[str, list[bytes]] = {}

    def invocation(message: bytes) -> bytes:
        sigs = []
        for slot in slots:
            if slot is None:
                sigs.append(hashlib.sha512(message).digest())
            else:
                curve, secret = SECRETS[ordered[slot]]
                sigs.append(sign(secret, message, curve))
        sigs_for["sigs"] = sigs
        sigs_for["message"] = [message]
        return b"".join(b"\x40" + s for s in sigs)

    raw = block_with_witness(invocation, script)
    expected = reference_walk(m, ordered, sigs_for["sigs"], sigs_for["message"][0])
    report = antshares.verify_block(raw)
    assert report.ok == expected, report.error
    assert report.signatures_checked == len(slots)
    # Twice: the second run starts from the signer pattern learned by the first.
    assert antshares.verify_block(raw).ok == expected


def test_single_signature_on_each_curve() -> None:
    for curve, secret in POOL:
        key = script_key(curve, secret)
        script = single_sig_script(key)
        raw = block_with_witness(lambda msg, c=curve, s=secret: b"\x40" + sign(s, msg, c), script)
        assert antshares.verify_block(raw).ok
        bad = block_with_witness(lambda msg: b"\x40" + bytes(64), script)
        report = antshares.verify_block(bad)
        assert not report.ok and "block witness" in (report.error or "")


def test_stale_signer_pattern_falls_back_to_the_exact_walk() -> None:
    keys = sorted(SECRETS)[:4]
    script = multisig_script(2, keys)
    ordered = script_keys(script)

    def signed_by(*indexes: int) -> bytes:
        def invocation(message: bytes) -> bytes:
            return b"".join(
                b"\x40" + sign(SECRETS[ordered[i]][1], message, SECRETS[ordered[i]][0])
                for i in indexes
            )

        return block_with_witness(invocation, script)

    assert antshares.verify_block(signed_by(0, 1)).ok
    assert antshares.verify_block(signed_by(2, 3)).ok  # pattern (0, 1) is stale here
    assert antshares.verify_block(signed_by(1, 3)).ok
    assert not antshares.verify_block(signed_by(3, 1)).ok  # out of key order
    assert not antshares.verify_block(signed_by(1, 1)).ok  # one key cannot sign twice


def test_nonstandard_witness_is_counted_not_failed_or_passed() -> None:
    raw = block_with_witness(lambda message: b"\x51", b"\x51")
    report = antshares.verify_block(raw)
    assert report.ok
    assert report.nonstandard_witnesses == 1
    assert report.signatures_checked == 0
