"""Every account kind: scripts, addresses, roles, signing and witnesses (SPEC §3, §4, §9).

Witnesses are checked two ways: by a CHECKMULTISIG walk written here from format-1x §4 over
`antshares.crypto.verify`, and by the ledger itself (native verification) on a solo devnet where
a recoverable account's funds move with the query and recovery keys alone.
"""

from pathlib import Path

import pytest

from antshares.core import Transaction, TxOutput, TxType, Witness
from antshares.core.address import (
    decode_address,
    key_curve,
    multisig_script,
    parse_invocation,
    script_hash,
    single_sig_script,
)
from antshares.crypto import Curve, sort_keys, verify
from antshares.wallet.accounts import MAX_ACCOUNT_KEYS, Account, AccountKind, KeyRole
from antshares.wallet.keys import AccountError, KeyPair, SigningError
from devnet_chain import FIXED8, Devnet, secret_of

MESSAGE = b"the unsigned bytes of a transaction"


def keys_on(*curves: Curve) -> list[KeyPair]:
    return [KeyPair.generate(c) for c in curves]


def checkmultisig(witness: Witness, message: bytes, m: int, keys: list[bytes]) -> bool:
    """format-1x §4: walk the keys once, advancing the signature on each match."""
    signatures = parse_invocation(witness.invocation)
    assert signatures is not None and len(signatures) == m
    matched = 0
    for i, key in enumerate(keys):
        if len(keys) - i < m - matched:
            return False
        if verify(key[-33:], message, signatures[matched], key_curve(key)):
            matched += 1
            if matched == m:
                return True
    return False


@pytest.mark.parametrize("curve", list(Curve))
def test_single_key_account(curve: Curve) -> None:
    (key,) = keys_on(curve)
    account = Account.single(key.public_key)
    assert account.kind == AccountKind.SINGLE and account.m == 1
    assert account.verification_script == single_sig_script(key.public_key)
    push = b"\x21" if curve == Curve.SECP256R1 else b"\x22"
    assert account.verification_script == push + key.public_key + b"\xac"
    assert account.script_hash == script_hash(account.verification_script)
    assert account.address == key.address
    assert account.public_keys == (key.public_key,) and account.roles == (KeyRole.PAYMENT,)
    assert account.curves == (curve.value,)
    signatures = account.sign(MESSAGE, [key, *keys_on(Curve.SECP256R1)])
    assert [k for k, _ in signatures] == [key.public_key]
    witness = account.witness(MESSAGE, signatures)
    assert witness.verification == account.verification_script
    assert witness.invocation[0] == 0x40 and len(witness.invocation) == 65
    assert checkmultisig(witness, MESSAGE, 1, [key.public_key])
    assert account.payment_key is None  # roles are named only in two-password accounts


@pytest.mark.parametrize(
    ("curves", "version"),
    [
        ([Curve.SECP256R1] * 3, 0x17),
        ([Curve.SECP256K1] * 3, 0x05),
        ([Curve.SM2] * 3, 0x3F),
        ([Curve.SECP256R1, Curve.SECP256K1, Curve.SM2], 0x17),
        ([Curve.SECP256K1, Curve.SM2], 0x17),
    ],
)
def test_multisig_accounts_mix_curves(curves: list[Curve], version: int) -> None:
    keys = keys_on(*curves)
    publics = [k.public_key for k in keys]
    account = Account.multisig(2, reversed(publics))
    assert account.kind == AccountKind.MULTISIG and account.m == 2
    assert list(account.public_keys) == sort_keys(publics)
    assert account.verification_script == multisig_script(2, publics)
    assert decode_address(account.address) == (version, account.script_hash)
    # Signatures given in any order are pushed in key order; the first m are used.
    signatures = [(k.public_key, k.sign(MESSAGE)) for k in reversed(keys)]
    witness = account.witness(MESSAGE, signatures)
    assert checkmultisig(witness, MESSAGE, 2, list(account.public_keys))
    first_two = [dict(signatures)[k] for k in account.public_keys[:2]]
    assert parse_invocation(witness.invocation) == first_two


def test_multisig_bounds() -> None:
    keys = [k.public_key for k in keys_on(*[Curve.SECP256R1] * (MAX_ACCOUNT_KEYS + 1))]
    assert Account.multisig(1, keys[:1]).m == 1
    assert len(Account.multisig(16, keys[:16]).public_keys) == 16
    for m, chosen in ((0, keys[:3]), (4, keys[:3]), (1, []), (1, keys)):
        with pytest.raises(AccountError):
            Account.multisig(m, chosen)
    with pytest.raises(AccountError, match="twice"):
        Account.multisig(2, [keys[0], keys[0], keys[1]])
    with pytest.raises(AccountError, match="invalid public key"):
        Account.multisig(1, [b"\x02" + b"\x01" * 32])  # not a point on P-256
    for bad in (b"\x07" + keys[0], b"\x02" + b"\xff" * 32, keys[0][:32], b"\x04" + bytes(64)):
        with pytest.raises(AccountError, match="invalid public key"):
            Account.single(bad)


def test_a_16_of_16_witness() -> None:
    keys = keys_on(*[Curve.SECP256R1, Curve.SECP256K1, Curve.SM2] * 5, Curve.SECP256R1)
    account = Account.multisig(16, [k.public_key for k in keys])
    witness = account.witness(MESSAGE, account.sign(MESSAGE, keys))
    assert len(witness.invocation) == 16 * 65
    assert checkmultisig(witness, MESSAGE, 16, list(account.public_keys))


def test_sign_uses_at_most_m_keys_in_script_order() -> None:
    keys = keys_on(Curve.SECP256R1, Curve.SM2, Curve.SECP256K1, Curve.SECP256R1)
    account = Account.multisig(2, [k.public_key for k in keys])
    signed = account.sign(MESSAGE, keys)
    assert [k for k, _ in signed] == list(account.public_keys[:2])
    assert account.sign(MESSAGE, keys_on(Curve.SECP256R1)) == []


def test_query_payment_roles_follow_key_order() -> None:
    a, b = keys_on(Curve.SECP256R1, Curve.SECP256R1)
    account = Account.query_payment(a.public_key, b.public_key)
    assert account == Account.query_payment(b.public_key, a.public_key)
    smaller, larger = sort_keys([a.public_key, b.public_key])
    assert account.payment_key == smaller and account.query_key == larger
    assert account.recovery_key is None
    assert account.public_keys == (smaller, larger)
    assert account.roles == (KeyRole.PAYMENT, KeyRole.QUERY)
    assert account.verification_script == multisig_script(2, [a.public_key, b.public_key])
    assert account.kind == AccountKind.QUERY_PAYMENT and account.m == 2
    # The query key alone cannot pay.
    query_key = a if a.public_key == larger else b
    with pytest.raises(SigningError, match="needs 2 signatures, got 1"):
        account.witness(MESSAGE, account.sign(MESSAGE, [query_key]))
    witness = account.witness(MESSAGE, account.sign(MESSAGE, [a, b]))
    assert checkmultisig(witness, MESSAGE, 2, list(account.public_keys))
    with pytest.raises(AccountError):
        Account.query_payment(a.public_key, a.public_key)


def test_recoverable_account_roles_and_witnesses() -> None:
    a, b = keys_on(Curve.SECP256R1, Curve.SM2)
    recovery = KeyPair.generate(Curve.SECP256K1)
    account = Account.recoverable(a.public_key, b.public_key, recovery.public_key)
    assert account.kind == AccountKind.RECOVERABLE and account.m == 2
    assert account.recovery_key == recovery.public_key
    pair = Account.query_payment(a.public_key, b.public_key)
    assert (account.payment_key, account.query_key) == (pair.payment_key, pair.query_key)
    assert account.role_of(recovery.public_key) == KeyRole.RECOVERY
    by_role = {account.role_of(k.public_key): k for k in (a, b, recovery)}
    for present in ((KeyRole.QUERY, KeyRole.RECOVERY), (KeyRole.PAYMENT, KeyRole.QUERY)):
        held = [by_role[r] for r in present]
        witness = account.witness(MESSAGE, account.sign(MESSAGE, held))
        assert checkmultisig(witness, MESSAGE, 2, list(account.public_keys))
    with pytest.raises(SigningError):
        account.witness(MESSAGE, account.sign(MESSAGE, [by_role[KeyRole.QUERY]]))
    with pytest.raises(AccountError):
        Account.recoverable(a.public_key, b.public_key, a.public_key)
    with pytest.raises(AccountError):
        account.role_of(KeyPair.generate().public_key)


def test_watch_only_accounts() -> None:
    keys = keys_on(Curve.SECP256R1, Curve.SECP256K1)
    multisig = Account.multisig(2, [k.public_key for k in keys])
    by_script = Account.watch_only(script=multisig.verification_script)
    assert by_script.kind == AccountKind.WATCH_ONLY
    assert (by_script.m, by_script.public_keys) == (2, multisig.public_keys)
    assert by_script.address == multisig.address
    # Signatures made elsewhere can still be assembled into its witness.
    witness = by_script.witness(MESSAGE, [(k.public_key, k.sign(MESSAGE)) for k in keys])
    assert checkmultisig(witness, MESSAGE, 2, list(by_script.public_keys))

    sm2 = KeyPair.generate(Curve.SM2)
    by_address = Account.watch_only(address=sm2.address)
    assert by_address.verification_script is None and by_address.m == 0
    assert by_address.script_hash == script_hash(sm2.verification_script)
    assert by_address.address == sm2.address and by_address.public_keys == ()
    with pytest.raises(SigningError, match="no standard script"):
        by_address.witness(MESSAGE, [])

    odd = Account.watch_only(script=b"\x51")  # PUSH1: standard in no way
    assert (odd.m, odd.public_keys) == (0, ())
    assert Account.watch_only(script=b"\x51", address=odd.address) == odd
    with pytest.raises(SigningError):
        odd.witness(MESSAGE, [])
    for bad in ({}, {"address": "AXoxAX2eJfJ1shNpWqUxRh3RWNUJqvQvVb"}, {"address": "1Boat"}):
        with pytest.raises(AccountError):
            Account.watch_only(**bad)  # type: ignore[arg-type]
    with pytest.raises(AccountError, match="not the address"):
        Account.watch_only(script=b"\x51", address=sm2.address)


def test_witness_refuses_bad_signatures() -> None:
    keys = keys_on(Curve.SECP256R1, Curve.SM2, Curve.SECP256K1)
    account = Account.multisig(2, [k.public_key for k in keys])
    good = account.sign(MESSAGE, keys)
    stranger = KeyPair.generate()
    with pytest.raises(SigningError, match="not a key of"):
        account.witness(MESSAGE, [*good, (stranger.public_key, stranger.sign(MESSAGE))])
    with pytest.raises(SigningError, match="64 bytes"):
        account.witness(MESSAGE, [(good[0][0], good[0][1][:63]), good[1]])
    with pytest.raises(SigningError, match="does not verify"):
        account.witness(MESSAGE, [(good[0][0], keys[0].sign(b"another message")), good[1]])
    with pytest.raises(SigningError, match="does not verify"):  # one key's signature on another
        account.witness(MESSAGE, [(good[0][0], good[1][1]), good[1]])
    with pytest.raises(SigningError, match="needs 2"):
        account.witness(MESSAGE, good[:1])


def test_recovery_moves_funds_on_a_devnet(tmp_path: Path) -> None:
    """The payment key is lost: query + offline recovery key move everything (the ledger checks
    the witness natively when it applies the block)."""
    net = Devnet(tmp_path)
    payment, query = KeyPair(secret_of("payment")), KeyPair(secret_of("query"), Curve.SM2)
    recovery = KeyPair(secret_of("recovery"), Curve.SECP256K1)
    account = Account.recoverable(payment.public_key, query.public_key, recovery.public_key)
    net.produce([net.contract(net.genesis_holder, [(net.ans, 500 * FIXED8, account.script_hash)])])
    assert net.balance(account.script_hash, net.ans) == 500 * FIXED8

    query_key = payment if account.query_key == payment.public_key else query
    safe = KeyPair.generate()
    coins = net.coins_of(account.script_hash, net.ans)
    outputs = [TxOutput(net.ans, sum(v for _, v in coins), script_hash(safe.verification_script))]
    unsigned = Transaction(TxType.CONTRACT, 0, {}, [], [ref for ref, _ in coins], outputs, [])
    message = unsigned.unsigned_bytes()
    witness = account.witness(message, account.sign(message, [query_key, recovery]))
    tx = Transaction(TxType.CONTRACT, 0, {}, [], unsigned.inputs, outputs, [witness])
    net.produce([tx])
    assert net.balance(account.script_hash, net.ans) == 0
    assert net.balance(script_hash(safe.verification_script), net.ans) == 500 * FIXED8

    # A forged witness (recovery key's signature over other bytes) is rejected by the ledger.
    net.produce([net.contract(net.genesis_holder, [(net.ans, FIXED8, account.script_hash)])])
    coins = net.coins_of(account.script_hash, net.ans)
    outputs = [TxOutput(net.ans, FIXED8, script_hash(safe.verification_script))]
    unsigned = Transaction(TxType.CONTRACT, 0, {}, [], [ref for ref, _ in coins], outputs, [])
    message = unsigned.unsigned_bytes()
    signatures = account.sign(message, [query_key, recovery])
    forged = Witness(
        b"".join(b"\x40" + s for _, s in account.sign(b"other", [query_key, recovery])),
        account.verification_script or b"",
    )
    assert account.witness(message, signatures) != forged
    bad_tx = Transaction(TxType.CONTRACT, 0, {}, [], unsigned.inputs, outputs, [forged])
    net.reject(net.build([bad_tx]).raw, "witness-signature")
