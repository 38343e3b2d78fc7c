"""The NEP-6 wallet file: every account kind round trip, the two passwords, NEP-2 vectors through
a NEO-style file, and every failure leaving the file byte for byte as it was."""

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from antshares.crypto import Curve
from antshares.wallet import nep6
from antshares.wallet.accounts import Account, AccountKind, KeyRole
from antshares.wallet.keys import (
    AccountError,
    KeyPair,
    LockedError,
    ScryptParams,
    SigningError,
    WalletError,
    WalletFileError,
    WrongPasswordError,
)
from antshares.wallet.nep6 import Wallet
from conftest import REPO, vectors_where

# Test wallets use cheap scrypt, passed explicitly; production code only uses 16384/8/8.
FAST = ScryptParams(16, 1, 1)
PAY, QUERY = "pay: correct horse", "query: battery staple"
MESSAGE = b"unsigned transaction bytes"


class Keys:
    def __init__(self) -> None:
        self.single = KeyPair.generate()
        self.k1 = KeyPair.generate(Curve.SECP256K1)
        self.sm2 = KeyPair.generate(Curve.SM2)
        self.cosigner = KeyPair.generate(Curve.SECP256K1)  # held elsewhere
        self.qp = [KeyPair.generate(), KeyPair.generate(Curve.SM2)]
        self.rec = [KeyPair.generate(Curve.SECP256K1), KeyPair.generate()]
        self.recovery = KeyPair.generate()  # offline, never in the wallet
        self.watched = KeyPair.generate(Curve.SM2)


def full_wallet(path: Path) -> tuple[Wallet, Keys, dict[AccountKind, Account]]:
    """A wallet with one account of every kind (and a secp256k1 and an SM2 single key)."""
    k = Keys()
    wallet = Wallet.create(path, name="test", scrypt=FAST)
    accounts = {
        AccountKind.SINGLE: Account.single(k.single.public_key),
        AccountKind.MULTISIG: Account.multisig(
            2, [k.single.public_key, k.sm2.public_key, k.cosigner.public_key]
        ),
        AccountKind.QUERY_PAYMENT: Account.query_payment(*(x.public_key for x in k.qp)),
        AccountKind.RECOVERABLE: Account.recoverable(
            k.rec[0].public_key, k.rec[1].public_key, k.recovery.public_key
        ),
        AccountKind.WATCH_ONLY: Account.watch_only(address=k.watched.address),
    }
    wallet.add(accounts[AccountKind.SINGLE], [k.single], payment_password=PAY, label="main")
    wallet.add(Account.single(k.k1.public_key), [k.k1], payment_password=PAY)
    wallet.add(Account.single(k.sm2.public_key), [k.sm2], payment_password=PAY, label="国密")
    wallet.add(accounts[AccountKind.MULTISIG], [k.single, k.sm2], payment_password=PAY)
    for kind, held in ((AccountKind.QUERY_PAYMENT, k.qp), (AccountKind.RECOVERABLE, k.rec)):
        wallet.add(accounts[kind], held, payment_password=PAY, query_password=QUERY)
    wallet.add(accounts[AccountKind.WATCH_ONLY], label="watched")
    watched_pair = Account.multisig(1, [k.watched.public_key, k.cosigner.public_key])
    wallet.add(Account.watch_only(script=watched_pair.verification_script))
    wallet.set_default(accounts[AccountKind.QUERY_PAYMENT])
    wallet.save()
    return wallet, k, accounts


def reopen(path: Path) -> Wallet:
    return Wallet.open(path, minimum_scrypt=FAST)


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, Keys, dict[AccountKind, Account]]:
    path = tmp_path / "wallet.json"
    _, keys, accounts = full_wallet(path)
    return path, keys, accounts


def test_create_writes_an_empty_private_wallet(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    wallet = Wallet.create(path, scrypt=FAST)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert doc["name"] == "new" and doc["version"] == "1.0" and doc["accounts"] == []
    assert doc["scrypt"] == {"n": 16, "r": 1, "p": 1}
    assert reopen(path).accounts == () and wallet.default_account is None
    with pytest.raises(WalletFileError, match="already there"):
        Wallet.create(path, scrypt=FAST)
    assert [p.name for p in tmp_path.iterdir()] == ["new.json"]  # no temporary file left


def test_every_account_kind_round_trips(saved: Any) -> None:
    path, keys, accounts = saved
    wallet = reopen(path)
    assert [a.kind for a in wallet.accounts] == [
        AccountKind.SINGLE,
        AccountKind.SINGLE,
        AccountKind.SINGLE,
        AccountKind.MULTISIG,
        AccountKind.QUERY_PAYMENT,
        AccountKind.RECOVERABLE,
        AccountKind.WATCH_ONLY,
        AccountKind.WATCH_ONLY,
    ]
    for kind, account in accounts.items():
        assert wallet.account(account.address).account == account, kind
        assert wallet.account(account.script_hash).account == account
    assert wallet.default_account is not None
    assert wallet.default_account.account == accounts[AccountKind.QUERY_PAYMENT]
    assert [a.label for a in wallet.accounts][:3] == ["main", None, "国密"]
    multisig = wallet.account(accounts[AccountKind.MULTISIG])
    assert set(multisig.held_keys()) == {keys.single.public_key, keys.sm2.public_key}
    assert wallet.account(accounts[AccountKind.RECOVERABLE]).held_keys(KeyRole.RECOVERY) == []
    assert wallet.unlock_payment(PAY) == 5  # single, k1, sm2 (shared by the multisig), 2 pairs
    assert wallet.unlock_query(QUERY) == 2
    for account in wallet.accounts:
        held = {k.public_key for k in wallet.keys_for(account)}
        assert held == set(account.held_keys())
    # Saving again without changes gives the same bytes.
    before = path.read_bytes()
    wallet.save()
    assert path.read_bytes() == before


def test_the_file_is_plain_nep6_where_it_can_be(saved: Any) -> None:
    path, keys, accounts = saved
    doc = json.loads(path.read_text())
    plain, extended = doc["accounts"][0], doc["accounts"][4]
    assert plain["extra"] is None and plain["key"].startswith("6PY")
    assert plain["contract"]["script"] == keys.single.verification_script.hex()
    assert plain["contract"]["parameters"] == [{"name": "signature", "type": "Signature"}]
    assert extended["key"] is None
    entries = extended["extra"]["antshares"]["keys"]
    qp = accounts[AccountKind.QUERY_PAYMENT]
    assert [e["role"] for e in entries] == ["payment", "query"]
    assert [e["public_key"] for e in entries] == [k.hex() for k in qp.public_keys]
    assert [e["curve"] for e in entries] == list(qp.curves)
    recoverable = doc["accounts"][5]["extra"]["antshares"]["keys"]
    assert [(e["role"], e["nep2"] is None) for e in recoverable if e["role"] == "recovery"] == [
        ("recovery", True)
    ]
    assert doc["accounts"][6]["contract"] is None and doc["accounts"][6]["key"] is None
    text = path.read_text()
    for key in (keys.recovery, keys.single, keys.sm2, *keys.qp):
        assert key.secret.hex() not in text and key.to_wif() not in text
    assert PAY not in text and QUERY not in text
    assert keys.recovery.public_key.hex() in text


def test_query_password_scans_payment_password_pays(saved: Any) -> None:
    path, keys, accounts = saved
    qp, rec = accounts[AccountKind.QUERY_PAYMENT], accounts[AccountKind.RECOVERABLE]
    wallet = reopen(path)
    assert wallet.has_keys(KeyRole.QUERY) and wallet.has_keys(KeyRole.PAYMENT)
    assert wallet.keys_for(qp) == []
    with pytest.raises(LockedError, match="payment and query password"):
        wallet.witness(qp, MESSAGE)

    assert wallet.unlock_query(QUERY) == 2
    assert wallet.is_unlocked(KeyRole.QUERY) and not wallet.is_unlocked(KeyRole.PAYMENT)
    (query_key,) = wallet.keys_for(qp, KeyRole.QUERY)
    assert query_key.public_key == qp.query_key  # the key stealth scanning needs
    assert wallet.keys_for(qp, KeyRole.PAYMENT) == []
    with pytest.raises(LockedError, match="payment password"):
        wallet.witness(qp, MESSAGE)
    with pytest.raises(LockedError):
        wallet.witness(accounts[AccountKind.SINGLE], MESSAGE)

    # The payment key is lost: query key + the offline recovery key still pay.
    witness = wallet.witness(rec, MESSAGE, extra_keys=[keys.recovery])
    assert rec.witness(MESSAGE, wallet.sign(rec, MESSAGE, [keys.recovery])) == witness

    wallet.unlock_payment(PAY)
    assert len(wallet.sign(qp, MESSAGE)) == 2
    assert wallet.witness(qp, MESSAGE).verification == qp.verification_script
    wallet.lock()
    assert wallet.keys_for(qp) == [] and not wallet.is_unlocked(KeyRole.QUERY)
    with pytest.raises(SigningError):  # nothing held can make it up: not a LockedError
        wallet.witness(accounts[AccountKind.WATCH_ONLY], MESSAGE)


def test_wrong_passwords_are_clear_errors_and_change_nothing(saved: Any) -> None:
    path, _, _ = saved
    before = path.read_bytes()
    wallet = reopen(path)
    for unlock in (wallet.unlock_payment, wallet.unlock_query):
        for wrong in ("", "nope", PAY + " ", QUERY.upper()):
            with pytest.raises(WrongPasswordError, match="wrong") as caught:
                unlock(wrong)
            assert isinstance(caught.value, WalletError)
    with pytest.raises(WrongPasswordError):
        wallet.unlock_payment(QUERY)  # the other password opens the other keys only
    assert not wallet.is_unlocked(KeyRole.PAYMENT) and not wallet.is_unlocked(KeyRole.QUERY)
    assert path.read_bytes() == before


def test_adding_keys_keeps_the_password_model(saved: Any) -> None:
    path, keys, accounts = saved
    wallet = reopen(path)
    new = KeyPair.generate()
    with pytest.raises(WrongPasswordError):  # a later key must use the same payment password
        wallet.add(Account.single(new.public_key), [new], payment_password="another")
    with pytest.raises(WrongPasswordError):  # that is the query password
        wallet.add(Account.single(new.public_key), [new], payment_password=QUERY)
    with pytest.raises(WalletError, match="payment password is needed"):
        wallet.add(Account.single(new.public_key), [new])
    pair = [KeyPair.generate(), KeyPair.generate()]
    qp = Account.query_payment(*(k.public_key for k in pair))
    with pytest.raises(WalletError, match="must differ"):
        wallet.add(qp, pair, payment_password=PAY, query_password=PAY)
    recoverable = accounts[AccountKind.RECOVERABLE]
    with pytest.raises(AccountError, match="already in the wallet"):
        wallet.add(recoverable)
    lone = KeyPair.generate()
    other = Account.recoverable(lone.public_key, pair[0].public_key, keys.recovery.public_key)
    with pytest.raises(AccountError, match="recovery key stays offline"):
        wallet.add(other, [keys.recovery], payment_password=PAY, query_password=QUERY)
    # A key stored as a query key may not pay elsewhere (the query password would then pay).
    query_key = next(
        k for k in keys.qp if k.public_key == accounts[AccountKind.QUERY_PAYMENT].query_key
    )
    with pytest.raises(AccountError, match="another role"):
        wallet.add(Account.single(query_key.public_key), [query_key], payment_password=PAY)
    with pytest.raises(AccountError, match="watch-only"):
        wallet.add(Account.watch_only(script=new.verification_script), [new])
    with pytest.raises(AccountError, match="not a key of"):
        wallet.add(Account.single(new.public_key), [lone], payment_password=PAY)
    assert len(wallet.accounts) == 8
    # Only the query key of a pair (a shop terminal that shows balances and scans).
    terminal = wallet.add(
        qp, [k for k in pair if k.public_key == qp.query_key], query_password=QUERY
    )
    assert terminal.held_keys() == [qp.query_key]
    assert wallet.keys_for(qp) == []  # adding does not unlock
    wallet.unlock_payment(PAY)
    added = wallet.add(Account.single(new.public_key), [new], payment_password=PAY)
    assert wallet.keys_for(added) == [new]  # an unlocked role stays whole
    wallet.save()
    assert reopen(path).account(qp).held_keys() == [qp.query_key]

    terminal_only = Wallet.create(path.parent / "terminal.json", scrypt=FAST)
    terminal_only.add(qp, [k for k in pair if k.public_key == qp.query_key], query_password=QUERY)
    assert not terminal_only.has_keys(KeyRole.PAYMENT)
    with pytest.raises(WalletError, match="must differ"):  # the first payment key
        terminal_only.add(Account.single(new.public_key), [new], payment_password=QUERY)
    with pytest.raises(AccountError, match="label"):
        terminal_only.add(
            Account.single(new.public_key), [new], payment_password=PAY, label="x" * 2000
        )
    with pytest.raises(AccountError):
        terminal_only.account("not an address")
    terminal_only.name = "n" * 2000
    with pytest.raises(WalletError, match="name"):
        terminal_only.save()


def test_remove_and_default(saved: Any) -> None:
    path, _, accounts = saved
    wallet = reopen(path)
    wallet.set_default(accounts[AccountKind.SINGLE].address)
    wallet.remove(accounts[AccountKind.QUERY_PAYMENT])
    with pytest.raises(AccountError, match="no account"):
        wallet.account(accounts[AccountKind.QUERY_PAYMENT])
    wallet.save()
    again = reopen(path)
    assert len(again.accounts) == 7
    assert again.default_account is not None
    assert again.default_account.account == accounts[AccountKind.SINGLE]
    assert again.unlock_query(QUERY) == 1


def test_nep2_vectors_open_through_a_neo_style_wallet(tmp_path: Path) -> None:
    """A NEP-6 file as NEO wallets write it (standard scrypt, one vector's NEP-2 key)."""
    (v,) = vectors_where(
        lambda v: isinstance(v["input"], dict) and v["input"].get("passphrase") == "Satoshi"
    )
    key = KeyPair(bytes.fromhex(v["input"]["private_key"]))
    doc = {
        "name": None,
        "version": "1.0",
        "scrypt": {"n": 16384, "r": 8, "p": 8},
        "accounts": [
            {
                "address": v["input"]["address"],
                "label": None,
                "isDefault": False,
                "lock": False,
                "key": v["expected"]["nep2"],
                "contract": {
                    "script": key.verification_script.hex(),
                    "parameters": [{"name": "signature", "type": "Signature"}],
                    "deployed": False,
                },
                "extra": None,
            }
        ],
        "extra": None,
    }
    path = tmp_path / "neo.json"
    path.write_text(json.dumps(doc))
    wallet = Wallet.open(path)  # the production minimum: the standard parameters
    assert wallet.name == "neo" and wallet.accounts[0].kind == AccountKind.SINGLE
    with pytest.raises(WrongPasswordError):
        wallet.unlock_payment("satoshi")
    assert wallet.unlock_payment("Satoshi") == 1
    (unlocked,) = wallet.keys_for(v["input"]["address"])
    assert unlocked.secret.hex() == v["input"]["private_key"]
    assert unlocked.to_wif() == v["input"]["wif"]


def test_weak_or_hostile_scrypt_parameters_are_refused(saved: Any) -> None:
    path, _, _ = saved
    before = path.read_bytes()
    with pytest.raises(WalletFileError, match="weaker than"):
        Wallet.open(path)  # a test wallet: refused under the production minimum
    assert path.read_bytes() == before
    doc = json.loads(before)
    for hostile in ({"n": 1 << 30, "r": 8, "p": 8}, {"n": 16, "r": 1}, {"n": "16", "r": 1, "p": 1}):
        doc["scrypt"] = hostile
        path.write_text(json.dumps(doc))
        with pytest.raises(WalletFileError, match="scrypt"):
            reopen(path)


def edit(field_path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        target = doc
        for step in field_path[:-1]:
            target = target[step]
        target[field_path[-1]] = value

    return apply


def flip(text: str) -> str:
    return text[:-3] + ("a" if text[-3] != "a" else "b") + text[-2:]


TAMPERING: dict[str, Callable[[dict[str, Any]], None]] = {
    "label": edit(["accounts", 0, "label"], "edited"),
    "address": edit(["accounts", 0, "address"], "AXoxAX2eJfJ1shNpWqUxRh3RWNUJqvQvVa"),
    "role swap": lambda d: d["accounts"][4]["extra"]["antshares"]["keys"].reverse(),
    "curve": edit(["accounts", 1, "extra", "antshares", "keys", 0, "curve"], "sm2"),
    "kind": edit(["accounts", 4, "extra", "antshares", "kind"], "multisig"),
    "recovery key stored": edit(
        ["accounts", 5, "extra", "antshares", "keys", 2, "nep2"],
        "6PYN6mjwYfjPUuYT3Exajvx25UddFVLpCw4bMsmtLdnKwZ9t1Mi3CfKe8S",
    ),
    "scrypt": edit(["scrypt", "n"], 32),
    "accounts dropped": edit(["accounts"], []),
    "checksum": lambda d: d["extra"]["antshares"].update(checksum="00" * 32),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampered_files_are_refused_and_left_alone(saved: Any, how: str) -> None:
    path, _, _ = saved
    doc = json.loads(path.read_text())
    TAMPERING[how](doc)
    path.write_text(json.dumps(doc, indent=1))
    before = path.read_bytes()
    with pytest.raises(WalletFileError):
        reopen(path)
    assert path.read_bytes() == before


def test_consistency_is_checked_even_without_the_checksum(saved: Any) -> None:
    """A foreign NEP-6 file has no checksum: the keys, scripts and addresses still must agree."""
    path, _, _ = saved
    doc = json.loads(path.read_text())
    del doc["extra"]["antshares"]
    path.write_text(json.dumps(doc))
    assert len(reopen(path).accounts) == 8  # intact without it
    bad_nep2 = flip(doc["accounts"][0]["key"])
    other = KeyPair.generate()
    cases = [
        edit(["accounts", 0, "key"], bad_nep2),
        edit(["accounts", 0, "contract", "script"], other.verification_script.hex()),
        edit(["accounts", 0, "contract", "script"], "zz"),
        edit(["accounts", 1, "extra", "antshares", "keys", 0, "public_key"], "01" + "02" * 33),
        edit(["accounts", 4, "extra", "antshares", "keys", 0, "role"], "boss"),
        edit(["accounts", 3, "extra", "antshares", "keys"], []),
        edit(["accounts", 3, "key"], doc["accounts"][0]["key"]),  # keys are in the extension
        lambda d: d["accounts"][1].update(extra=None, key=d["accounts"][0]["key"]),  # secp256k1
        edit(["accounts", 6, "address"], "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        lambda d: d["accounts"].append(d["accounts"][0]),
        edit(["accounts", 0, "isDefault"], "yes"),
        edit(["accounts", 0, "label"], "x" * 5000),
        edit(["accounts"], {"0": None}),
        edit(["version"], 1),
    ]
    for i, change in enumerate(cases):
        mutated = json.loads(json.dumps(doc))
        change(mutated)
        path.write_text(json.dumps(mutated))
        before = path.read_bytes()
        with pytest.raises(WalletFileError, match=r"account|version"):
            reopen(path)
        assert path.read_bytes() == before, i


def test_a_key_that_does_not_match_its_public_key(saved: Any) -> None:
    """A NEP-2 swapped for another key under the same password decrypts, then is caught."""
    path, _, _ = saved
    doc = json.loads(path.read_text())
    del doc["extra"]["antshares"]
    stranger = KeyPair.generate(Curve.SECP256K1)
    doc["accounts"][1]["extra"]["antshares"]["keys"][0]["nep2"] = stranger.to_nep2(PAY, scrypt=FAST)
    path.write_text(json.dumps(doc))
    wallet = reopen(path)
    with pytest.raises(WalletFileError, match="does not match its public key"):
        wallet.unlock_payment(PAY)
    assert not wallet.is_unlocked(KeyRole.PAYMENT)


def test_truncated_files_are_refused_and_left_alone(saved: Any) -> None:
    path, _, _ = saved
    whole = path.read_bytes()
    assert whole.endswith(b"}\n")
    for size in (0, 1, 100, len(whole) // 2, len(whole) - 3, len(whole) - 2):
        path.write_bytes(whole[:size])
        with pytest.raises(WalletFileError):
            reopen(path)
        assert path.read_bytes() == whole[:size]


def test_garbage_and_hostile_json(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    for raw in (
        b"\xff\xfe{}",
        b"[]",
        b"null",
        b'{"a": 1, "a": 2}',
        b'{"scrypt": {"n": NaN}}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"name": "x"}',
    ):
        path.write_bytes(raw)
        with pytest.raises(WalletFileError):
            reopen(path)
        assert path.read_bytes() == raw


def test_oversized_missing_and_special_files(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as f:  # sparse: the size is refused before anything is read
        f.truncate(nep6.MAX_FILE_BYTES + 1)
    with pytest.raises(WalletFileError, match="larger than"):
        reopen(big)
    assert big.stat().st_size == nep6.MAX_FILE_BYTES + 1
    with pytest.raises(WalletFileError, match="cannot read"):
        reopen(tmp_path / "missing.json")
    with pytest.raises(WalletFileError, match="not a regular file"):
        reopen(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(WalletFileError, match="not a regular file"):
        reopen(fifo)  # would block forever if it were read


def test_a_failed_rename_leaves_the_original(saved: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path, _, _ = saved
    before = path.read_bytes()
    wallet = reopen(path)
    wallet.name = "renamed"

    def crash(src: str, dst: str) -> None:
        raise OSError("simulated crash between the temporary write and the rename")

    monkeypatch.setattr(nep6.os, "replace", crash)
    with pytest.raises(OSError, match="simulated"):
        wallet.save()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["wallet.json"]
    monkeypatch.undo()
    wallet.save()
    assert reopen(path).name == "renamed"


def test_a_killed_process_leaves_the_original(saved: Any) -> None:
    """A real crash: the process dies after the temporary file is written and synced."""
    path, _, _ = saved
    before = path.read_bytes()
    script = """
import os, sys
from antshares.wallet import nep6
from antshares.wallet.keys import ScryptParams
wallet = nep6.Wallet.open(sys.argv[1], minimum_scrypt=ScryptParams(16, 1, 1))
wallet.name = "never written"
nep6.os.replace = lambda src, dst: os._exit(9)
wallet.save()
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], cwd=REPO, capture_output=True, timeout=60
    )
    assert done.returncode == 9, done.stderr.decode()
    assert path.read_bytes() == before
    leftovers = [p for p in path.parent.iterdir() if p != path]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".wallet.json.")
    wallet = reopen(path)  # the stray temporary file is ignored
    assert wallet.name == "test"
    wallet.save()


def test_save_keeps_mode_0600_and_refuses_a_file_changed_on_disk(saved: Any) -> None:
    path, _, _ = saved
    path.chmod(0o644)
    wallet = reopen(path)
    wallet.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    other = reopen(path)
    other.name = "someone else"
    other.save()
    wallet.name = "me"
    with pytest.raises(WalletFileError, match="changed on disk"):
        wallet.save()
    assert reopen(path).name == "someone else"


def test_nothing_secret_is_printed_or_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    wallet, keys, accounts = full_wallet(tmp_path / "w.json")
    wallet.unlock_payment(PAY)
    wallet.unlock_query(QUERY)
    shown = [repr(wallet.accounts), repr(wallet.keys_for(accounts[AccountKind.QUERY_PAYMENT]))]
    for attempt in (lambda: wallet.unlock_payment("x" + PAY), lambda: reopen(tmp_path)):
        with pytest.raises(WalletError) as caught:
            attempt()
        shown.append(str(caught.value))
    out = capsys.readouterr()
    everything = "".join(shown) + out.out + out.err + caplog.text
    assert PAY not in everything and QUERY not in everything
    for key in (keys.single, *keys.qp, keys.recovery):
        assert key.secret.hex() not in everything and key.to_wif() not in everything
