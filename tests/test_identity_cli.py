"""`antshares identity` end to end in a temporary directory: a root and an intermediate CA,
requests from every key source (prompted WIF, WIF on stdin, WIF file, NEP-2, NEP-6 wallet),
issue, verify, status for keys, addresses and a transaction's signers — and the clear errors
(never a traceback) for bad input. Secrets never appear in the output."""

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from antshares.cli import main
from antshares.core import (
    CoinReference,
    Transaction,
    TxOutput,
    TxType,
    UInt160,
    UInt256,
    Witness,
)
from antshares.core.address import script_address, single_sig_script, wif_encode
from antshares.crypto import Curve, public_key_from_secret, sign
from antshares.wallet import nep2

ALICE = bytes(range(1, 33))
BOB = bytes(range(33, 65))
ALICE_WIF = wif_encode(ALICE)
ALICE_KEY = public_key_from_secret(ALICE).hex()
ALICE_ADDRESS = script_address(single_sig_script(public_key_from_secret(ALICE)))
CA_PASSWORD = "ca pass"


class Console:
    """Runs `antshares …` in-process with scripted prompts and stdin; captures the output."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self._monkeypatch = monkeypatch
        self._capsys = capsys
        self.prompts: list[str] = []
        self.answers: list[str] = []
        monkeypatch.setattr("getpass.getpass", self._getpass)

    def _getpass(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"unexpected prompt {prompt!r}")
        return self.answers.pop(0)

    def __call__(
        self, *args: str, answers: tuple[str, ...] = (), stdin: str = ""
    ) -> tuple[int, str, str]:
        self.answers = list(answers)
        self._monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["identity", *args])
        out, err = self._capsys.readouterr()
        assert "Traceback" not in err
        assert not self.answers, f"prompts not asked: {self.answers}"
        for secret in (ALICE_WIF, CA_PASSWORD):
            assert secret not in out and secret not in err
        return code, out, err


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Console:
    return Console(monkeypatch, capsys)


@pytest.fixture
def pki(tmp_path: Path, run: Console, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A root (unencrypted test key), an intermediate (password-protected key), Alice's
    certificate from the intermediate with the chain, in a certificate directory."""
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        "ca", "create", "--cert", "root.pem", "--key", "root.key", "--name", "Test Root",
        "--country", "CN", "--no-password",
    )  # fmt: skip
    assert code == 0 and "(unencrypted)" in out
    code, out, _ = run(
        "ca", "create", "--cert", "issuing.pem", "--key", "issuing.key", "--name", "Issuing CA",
        "--issuer-cert", "root.pem", "--issuer-key", "root.key",
        answers=(CA_PASSWORD, CA_PASSWORD),
    )  # fmt: skip
    assert code == 0 and "issuer   CN=Test Root,C=CN" in out
    assert b"ENCRYPTED" in (tmp_path / "issuing.key").read_bytes()
    assert (tmp_path / "issuing.key").stat().st_mode & 0o777 == 0o600
    code, out, _ = run(
        "request", "--name", "Alice", "--email", "alice@example.cn", "--out", "alice.csr",
        answers=(ALICE_WIF,),
    )  # fmt: skip
    assert code == 0 and f"key      {ALICE_KEY}" in out and ALICE_ADDRESS in out
    code, _, err = run(
        "issue", "--csr", "alice.csr", "--ca-cert", "issuing.pem", "--ca-key", "issuing.key",
        "--out", "certs/alice.pem", "--chain", answers=(CA_PASSWORD,),
    )  # fmt: skip
    assert code == 1 and "certs/alice.pem: cannot write the file" in err  # no certs/ yet
    (tmp_path / "certs").mkdir()
    code, out, _ = run(
        "issue", "--csr", "alice.csr", "--ca-cert", "issuing.pem", "--ca-key", "issuing.key",
        "--out", "certs/alice.pem", "--chain", answers=(CA_PASSWORD,),
    )  # fmt: skip
    assert code == 0 and "subject  emailAddress=alice@example.cn,CN=Alice" in out
    yield tmp_path


def test_verify_good_and_not(pki: Path, run: Console) -> None:
    code, out, _ = run("verify", "certs/alice.pem", "--roots", "root.pem")
    assert code == 0 and "Good" in out and "certified by CN=Test Root,C=CN" in out
    code, out, _ = run("verify", "certs/alice.pem", "--roots", "root.pem", "--json")
    report = json.loads(out)
    assert report["status"] == "Good" and report["public_key"] == ALICE_KEY
    assert report["chain"] == [
        "emailAddress=alice@example.cn,CN=Alice",
        "CN=Issuing CA",
        "CN=Test Root,C=CN",
    ]
    code, out, _ = run("verify", "certs/alice.pem", "--roots", "root.pem", "--at", "2100-01-01")
    assert code == 1 and "Expired" in out
    run(
        "ca",
        "create",
        "--cert",
        "other.pem",
        "--key",
        "other.key",
        "--name",
        "Other",
        "--no-password",
    )
    code, out, _ = run("verify", "certs/alice.pem", "--roots", "other.pem")
    assert code == 1 and "Invalid" in out


def test_status_of_keys_addresses_and_a_transaction(pki: Path, run: Console) -> None:
    code, out, err = run(
        "status", ALICE_KEY, ALICE_ADDRESS, "--certs", "certs", "--roots", "root.pem"
    )
    assert code == 0, err
    assert out.count("  Good  ") == 2
    bob_key = public_key_from_secret(BOB).hex()
    code, out, _ = run(
        "status", ALICE_KEY, bob_key, "--certs", "certs", "--roots", "root.pem", "--json"
    )
    assert code == 1
    assert [r["status"] for r in json.loads(out)] == ["Good", "Missing"]

    unsigned = Transaction(
        TxType.CONTRACT, 0, {}, [], [CoinReference(UInt256(b"\x01" * 32), 0)],
        [TxOutput(UInt256(b"\x02" * 32), 10**8, UInt160(b"\x03" * 20))], [],
    )  # fmt: skip
    message = unsigned.unsigned_bytes()
    witnesses = sorted(
        [
            Witness(b"\x40" + sign(s, message), single_sig_script(public_key_from_secret(s)))
            for s in (ALICE, BOB)
        ],
        key=lambda w: w.script_hash,
    )
    tx = Transaction(TxType.CONTRACT, 0, {}, [], unsigned.inputs, unsigned.outputs, witnesses)
    (pki / "tx.hex").write_text(tx.to_bytes().hex())
    code, out, _ = run(
        "status", "--tx", "tx.hex", "--certs", "certs", "--roots", "root.pem", "--json"
    )
    assert code == 1
    assert {r["target"]: r["status"] for r in json.loads(out)} == {
        ALICE_KEY: "Good",
        bob_key: "Missing",
    }


def test_request_key_sources(pki: Path, run: Console) -> None:
    expected = f"key      {ALICE_KEY}"
    code, out, _ = run(
        "request", "--name", "A", "--out", "a1.csr", "--wif-stdin", stdin=ALICE_WIF + "\n"
    )
    assert code == 0 and expected in out
    (pki / "alice.wif").write_text(ALICE_WIF + "\n")
    code, out, _ = run("request", "--name", "A", "--out", "a2.csr", "--key", "alice.wif")
    assert code == 0 and expected in out
    encrypted = nep2.encrypt(ALICE, "wallet pass")
    (pki / "alice.nep2").write_text(encrypted)
    code, out, _ = run(
        "request", "--name", "A", "--out", "a3.csr", "--key", "alice.nep2", answers=("wallet pass",)
    )
    assert code == 0 and expected in out
    wallet = {
        "name": "w", "version": "1.0", "scrypt": {"n": 16384, "r": 8, "p": 8},
        "accounts": [
            {"address": ALICE_ADDRESS, "key": encrypted, "isDefault": False},
            {"address": "Aother", "key": nep2.encrypt(BOB, "x"), "isDefault": False},
        ],
    }  # fmt: skip
    (pki / "wallet.json").write_text(json.dumps(wallet))
    code, _, err = run("request", "--name", "A", "--out", "a4.csr", "--key", "wallet.json")
    assert code == 1 and "choose one with --account" in err
    code, out, _ = run(
        "request", "--name", "A", "--out", "a4.csr", "--key", "wallet.json",
        "--account", ALICE_ADDRESS, "--password-stdin", stdin="wallet pass\n",
    )  # fmt: skip
    assert code == 0 and expected in out
    code, _, err = run(
        "request", "--name", "A", "--out", "a5.csr", "--key", "alice.nep2", answers=("wrong",)
    )
    assert code == 1 and "wrong passphrase" in err
    # The same request, whichever way the key came in: the CA sees one key.
    code, out, _ = run(
        "issue",
        "--csr",
        "a4.csr",
        "--ca-cert",
        "root.pem",
        "--ca-key",
        "root.key",
        "--out",
        "a4.pem",
    )
    assert code == 0 and ALICE_ADDRESS in out


def test_secp256k1_request(pki: Path, run: Console) -> None:
    code, out, _ = run(
        "request", "--name", "K", "--out", "k.csr", "--curve", "secp256k1", "--wif-stdin",
        stdin=ALICE_WIF + "\n",
    )  # fmt: skip
    assert code == 0
    tagged = "01" + public_key_from_secret(ALICE, Curve.SECP256K1).hex()
    assert f"key      {tagged}" in out and "address  3" in out


def test_clear_errors(pki: Path, run: Console) -> None:
    (pki / "corrupt.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    )
    cases: list[tuple[tuple[str, ...], tuple[str, ...], str, int, str]] = [
        (("verify", "corrupt.pem", "--roots", "root.pem"), (), "", 2, "corrupt PEM certificate"),
        (("verify", "certs/alice.pem", "--roots", "nowhere"), (), "", 2, "no such certificate"),
        (("status", ALICE_KEY, "--certs", "nodir", "--roots", "root.pem"), (), "", 2,
         "no such certificate directory"),
        (("status", "not-a-key", "--certs", "certs", "--roots", "root.pem"), (), "", 2,
         "neither a public key"),
        (("status", "--certs", "certs", "--roots", "root.pem"), (), "", 2, "nothing to look up"),
        (("status", "--tx", "root.pem", "--certs", "certs", "--roots", "root.pem"), (), "", 2,
         "not a transaction"),
        (("request", "--name", "A", "--out", "x.csr"), ("not a wif",), "", 1, "not a valid WIF"),
        (("request", "--name", "A", "--out", "x.csr", "--wif-stdin"), (), "", 1,
         "no WIF on standard input"),
        (("request", "--name", "A", "--out", "x.csr", "--key", "missing.wif"), (), "", 1,
         "no such key file"),
        (("request", "--name", "A", "--country", "China", "--out", "x.csr", "--wif-stdin"), (),
         ALICE_WIF, 1, "two-letter code"),
        (("issue", "--csr", "root.pem", "--ca-cert", "root.pem", "--ca-key", "root.key",
          "--out", "x.pem"), (), "", 1, "not a PEM certificate request"),
        (("issue", "--csr", "alice.csr", "--ca-cert", "issuing.pem", "--ca-key", "issuing.key",
          "--out", "x.pem"), ("wrong",), "", 1, "wrong password"),
        (("issue", "--csr", "alice.csr", "--ca-cert", "issuing.pem", "--ca-key", "root.key",
          "--out", "x.pem"), (), "", 1, "does not belong"),
        (("issue", "--csr", "alice.csr", "--ca-cert", "certs/alice.pem", "--ca-key", "root.key",
          "--out", "x.pem"), (), "", 1, "expected one certificate, found 2"),
        (("ca", "create", "--cert", "root.pem", "--key", "new.key", "--name", "X",
          "--no-password"), (), "", 1, "already exists"),
        (("ca", "create", "--cert", "n.pem", "--key", "n.key", "--name", "X"), ("a", "b"), "", 1,
         "do not match"),
        (("ca", "create", "--cert", "n.pem", "--key", "n.key", "--name", "X",
          "--issuer-cert", "root.pem"), (), "", 2, "go together"),
    ]  # fmt: skip
    for args, answers, stdin, code, message in cases:
        got, _, err = run(*args, answers=answers, stdin=stdin)
        assert (got, message in err) == (code, True), (args, err)
        assert err.startswith(f"antshares identity {args[0]}")
    assert not (pki / "n.pem").exists() and not (pki / "n.key").exists()


def test_corrupt_file_in_the_cert_dir_is_a_warning(pki: Path, run: Console) -> None:
    (pki / "certs" / "broken.pem").write_text("garbage")
    code, out, err = run("status", ALICE_ADDRESS, "--certs", "certs", "--roots", "root.pem")
    assert code == 0 and "Good" in out
    assert "warning: certs/broken.pem: no PEM certificate in it (skipped)" in err


def test_module_entry_point(pki: Path) -> None:
    command = ["identity", "verify", "certs/alice.pem", "--roots", "root.pem"]
    result = subprocess.run(
        [sys.executable, "-m", "antshares", *command],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=pki,
    )
    assert result.returncode == 0, result.stderr
    assert "Good" in result.stdout
