"""`antshares wallet` end to end on a devnet data dir: create a wallet, receive funds, read the
balance, send (signed and submitted to the devnet), see the balances and history change; a
2-of-2 account paid through a signing request signed with `wallet sign`; and the errors
(wrong password, insufficient funds, watch-only, no ledger) as one line, exit 1, no traceback,
passwords never echoed. Wallets use the standard scrypt cost: the CLI offers no other."""

import contextlib
import io
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from antshares.chain.profiles import Profile, load_profile
from antshares.cli import main
from antshares.core import UInt160
from antshares.crypto import Curve
from antshares.devnet.init import load_bookkeeper_keys
from antshares.devnet.solo import SoloBookkeeper
from antshares.identity import (
    certificate_pem,
    create_root_ca,
    issue_certificate,
    load_request,
    request_key,
    subject_name,
)
from antshares.ledger.builder import BlockBuilder, FileBeaconSecrets
from antshares.ledger.chainstate import ChainState
from antshares.wallet.accounts import Account
from antshares.wallet.keys import KeyPair, ScryptParams
from antshares.wallet.ledger_view import LedgerView
from antshares.wallet.nep6 import Wallet
from antshares.wallet.requests import DevnetRelay, RelayError, relay, sign_draft
from antshares.wallet.stealth import StealthAddress
from antshares.wallet.transactions import Payment, TransactionBuilder
from devnet_chain import FIXED8, secret_of

ALICE_PASSWORD = "alice's payment password"
BANK = ScryptParams(16, 1, 1)  # the test's own funding wallet, never opened by the CLI


@dataclass
class Result:
    code: int
    out: str
    err: str


def wallet_cli(*args: str, stdin: str = "") -> Result:
    """`antshares wallet ARGS` in this process, standard input given, output captured."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["wallet", *args])
    finally:
        sys.stdin = saved
    return Result(code, out.getvalue(), err.getvalue())


@dataclass
class Node:
    data: Path
    profile: Profile
    bank: Wallet

    @property
    def net(self) -> list[str]:
        return ["--network", "devnet", "--data-dir", str(self.data)]

    def blocks(self, count: int) -> None:
        """Empty blocks, made as `devnet run` makes them (same keys, same beacon secrets)."""
        state = ChainState.open(self.profile, self.data)
        try:
            secrets = load_bookkeeper_keys(self.data)
            builder = BlockBuilder(
                state, secrets, FileBeaconSecrets(self.data / "beacon-secrets.json")
            )
            solo = SoloBookkeeper(state, builder, self.profile.block_time_seconds)
            for _ in range(count):
                solo.step(wait=False)
        finally:
            state.close()

    def pay(self, *payments: tuple[str, str, int]) -> None:
        """From the genesis ANS (and the lottery's ANC) to addresses: (asset, address, raw)."""
        with LedgerView.open(self.profile, self.data) as view:
            assets = {"ANS": view.ans, "ANC": view.anc}
            draft = TransactionBuilder(self.bank, view).transfer(
                [
                    Payment(assets[a], value, Account.watch_only(address=to).script_hash)
                    for a, to, value in payments
                ]
            )
        relay(sign_draft(self.bank, draft), DevnetRelay(self.profile, self.data))

    def balances(self, wallet: Path) -> dict[str, dict[str, str]]:
        result = wallet_cli("balance", "--wallet", str(wallet), "--json", *self.net)
        assert result.code == 0, result.err
        accounts: dict[str, dict[str, str]] = json.loads(result.out)["accounts"]
        return accounts


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Node:
    root = tmp_path_factory.mktemp("wallet-cli")
    data = root / "node"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["devnet", "init", "--data-dir", str(data), "--seed", "wallet-cli"]) == 0
    profile = load_profile(str(data / "profile.json"))
    bank = Wallet.create(root / "bank.json", scrypt=BANK)
    (secret,) = load_bookkeeper_keys(data)
    key = KeyPair(secret)
    bank.add(Account.multisig(1, [key.public_key]), [key], payment_password="bank")
    bank.unlock_payment("bank")
    node = Node(data, profile, bank)
    node.blocks(3)  # the lottery pays ANC to the genesis multisig: the bank
    return node


def address_in(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("address"))
    return line.split()[1]


def assert_clean_failure(result: Result, command: str, *secrets: str) -> None:
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"antshares wallet {command}: "), result.err
    assert "Traceback" not in result.err
    for secret in secrets:
        assert secret not in result.out and secret not in result.err


def test_create_receive_send_and_see_balances_change(node: Node, tmp_path: Path) -> None:
    alice, bob = tmp_path / "alice.json", tmp_path / "bob.json"
    created = wallet_cli("create", "--wallet", str(alice), "--password-stdin",
                         stdin=ALICE_PASSWORD + "\n")  # fmt: skip
    assert created.code == 0, created.err
    alice_address = address_in(created.out)
    assert ALICE_PASSWORD not in created.out + created.err
    assert json.loads(alice.read_text())["scrypt"] == {"n": 16384, "r": 8, "p": 8}
    listed = wallet_cli("list", "--wallet", str(alice))
    assert listed.code == 0 and f"{alice_address}  single  1-of-1" in listed.out
    assert "(default)" in listed.out and "secp256r1  payment  held" in listed.out
    created = wallet_cli("create", "--wallet", str(bob), "--curve", "sm2", "--password-stdin",
                         stdin="bob\n")  # fmt: skip
    bob_address = address_in(created.out)
    assert bob_address.startswith("S")  # an SM2 key's address (SPEC §3)

    assert node.balances(alice) == {alice_address: {}}
    node.pay(("ANS", alice_address, 500 * FIXED8), ("ANC", alice_address, 30 * FIXED8))
    assert node.balances(alice) == {alice_address: {"AntShare": "500", "AntCoin": "30"}}

    sent = wallet_cli(
        "send", "--wallet", str(alice), *node.net, "--asset", "ANS", "--to", bob_address,
        "--amount", "120", "--fee", "0.001", "--submit", "--password-stdin",
        stdin=ALICE_PASSWORD + "\n",
    )  # fmt: skip
    assert sent.code == 0, sent.err
    assert f"pays 120 AntShare to {bob_address}" in sent.out
    assert "byte fee 0.001 ANC" in sent.out and "included in block" in sent.out
    assert ALICE_PASSWORD not in sent.out + sent.err
    assert node.balances(alice) == {alice_address: {"AntShare": "380", "AntCoin": "29.999"}}
    assert node.balances(bob) == {bob_address: {"AntShare": "120"}}

    history = wallet_cli("history", "--wallet", str(alice), *node.net, "--json")
    entries = json.loads(history.out)["entries"]
    assert [e["changes"] for e in entries] == [
        {"AntShare": "+500", "AntCoin": "+30"},
        {"AntShare": "-120", "AntCoin": "-0.001"},
    ]
    text = wallet_cli("history", "--wallet", str(alice), *node.net, "--limit", "1")
    assert "+500 AntShare" in text.out and "continue with --from-height" in text.out

    # Sign without submitting: the hex goes to a file, the balance does not move.
    out = tmp_path / "tx.hex"
    written = wallet_cli(
        "send", "--wallet", str(alice), *node.net, "--asset", "ANC", "--to", bob_address,
        "--amount", "1", "--out", str(out), "--password-stdin", stdin=ALICE_PASSWORD + "\n",
    )  # fmt: skip
    assert written.code == 0, written.err
    assert len(bytes.fromhex(out.read_text().strip())) > 100
    assert node.balances(bob) == {bob_address: {"AntShare": "120"}}

    # The key goes out as WIF only after the password, and comes back into another wallet.
    exported = wallet_cli("export-key", "--wallet", str(alice), "--password-stdin",
                          stdin=ALICE_PASSWORD + "\n")  # fmt: skip
    wif = exported.out.split()[0]
    assert KeyPair.from_wif(wif).address == alice_address and "warning" in exported.err
    copy = tmp_path / "copy.json"
    assert wallet_cli("create", "--wallet", str(copy), "--account", "none").code == 0
    imported = wallet_cli("import-key", "--wallet", str(copy), "--wif-stdin", "--password-stdin",
                          stdin=f"{wif}\nanother password\n")  # fmt: skip
    assert imported.code == 0 and alice_address in imported.out
    assert wif not in imported.out + imported.err


def test_errors_are_one_line_and_never_echo_passwords(node: Node, tmp_path: Path) -> None:
    carol = tmp_path / "carol.json"
    created = wallet_cli("create", "--wallet", str(carol), "--password-stdin", stdin="carol\n")
    carol_address = address_in(created.out)
    node.pay(("ANS", carol_address, 10 * FIXED8))
    args = ["send", "--wallet", str(carol), *node.net, "--asset", "ANS", "--to", carol_address]

    wrong = wallet_cli(*args, "--amount", "1", "--password-stdin", stdin="guessed-wrong\n")
    assert_clean_failure(wrong, "send", "guessed-wrong")
    assert "wrong payment password" in wrong.err
    poor = wallet_cli(*args, "--amount", "11", "--password-stdin", stdin="carol\n")
    assert_clean_failure(poor, "send", "carol\n")
    assert "insufficient funds: 11 AntShare needed, 10 available in " + carol_address in poor.err
    fine = wallet_cli(*args, "--amount", "0.5", "--password-stdin", stdin="carol\n")
    assert_clean_failure(fine, "send")
    assert "precision" in fine.err
    half_sale = wallet_cli(*args, "--amount", "1", "--price", "5")
    assert_clean_failure(half_sale, "send")
    assert "a sale needs one --to, --price and --price-asset" in half_sale.err
    not_shares = wallet_cli(*args, "--amount", "1", "--price", "5", "--price-asset", "ANC")
    assert_clean_failure(not_shares, "send")
    assert "AntShare is not a Share" in not_shares.err
    nothing = wallet_cli(*args, "--amount", "1", "--password-stdin")
    assert_clean_failure(nothing, "send")
    assert "no payment password on standard input" in nothing.err

    watcher = tmp_path / "watch.json"
    assert wallet_cli("create", "--wallet", str(watcher), "--account", "none").code == 0
    assert wallet_cli("import-key", "--wallet", str(watcher), "--watch", carol_address).code == 0
    watching = wallet_cli(
        "send", "--wallet", str(watcher), *node.net, "--asset", "ANS", "--to", carol_address,
        "--amount", "1", "--from", carol_address,
    )  # fmt: skip
    assert_clean_failure(watching, "send")
    assert "watch-only" in watching.err
    assert node.balances(watcher) == {carol_address: {"AntShare": "10"}}

    nowhere = wallet_cli("balance", "--wallet", str(carol), "--network", "devnet",
                         "--data-dir", str(tmp_path / "none"))  # fmt: skip
    assert_clean_failure(nowhere, "balance")
    assert "no devnet profile" in nowhere.err
    missing = wallet_cli("list", "--wallet", str(tmp_path / "absent.json"))
    assert_clean_failure(missing, "list")
    again = wallet_cli("create", "--wallet", str(carol), "--password-stdin", stdin="x\n")
    assert_clean_failure(again, "create")


def test_submission_needs_a_devnet_with_no_node_running(node: Node, tmp_path: Path) -> None:
    """The relay seam: a devnet data dir is its own solo bookkeeper for one block, unless a
    node holds it (then its RPC is the way: --rpc); other data dirs need --rpc."""
    with LedgerView.open(node.profile, node.data) as view:
        receiver = Account.single(KeyPair(secret_of("cli/seam")).public_key).script_hash
        draft = TransactionBuilder(node.bank, view).transfer([Payment(view.ans, FIXED8, receiver)])
    tx = sign_draft(node.bank, draft)
    running = ChainState.open(node.profile, node.data)  # a node holding the data dir
    try:
        with pytest.raises(RelayError, match="a node is running on"):
            relay(tx, DevnetRelay(node.profile, node.data))
    finally:
        running.close()
    dave = tmp_path / "dave.json"
    dave_address = address_in(
        wallet_cli("create", "--wallet", str(dave), "--password-stdin", stdin="dave\n").out
    )
    node.pay(("ANS", dave_address, 2 * FIXED8))
    copy = tmp_path / "not-a-devnet"  # the same chain, without the bookkeepers' keys
    shutil.copytree(node.data, copy)
    (copy / "bookkeeper-keys.json").unlink()
    refused = wallet_cli(
        "send", "--wallet", str(dave), "--network", "devnet", "--data-dir", str(copy),
        "--asset", "ANS", "--to", dave_address, "--amount", "1", "--submit",
        "--password-stdin", stdin="dave\n",
    )  # fmt: skip
    assert_clean_failure(refused, "send", "dave\n")
    assert "--rpc http://HOST:PORT" in refused.err


def test_a_two_key_account_pays_through_a_signing_request(node: Node, tmp_path: Path) -> None:
    keys = [KeyPair(secret_of(f"cli/co-owner/{i}"), c) for i, c in enumerate(Curve) if i < 2]
    shared = Account.multisig(2, [k.public_key for k in keys])
    files = []
    for i, key in enumerate(keys):  # the CLI opens them: the standard scrypt cost
        wallet = Wallet.create(tmp_path / f"owner{i}.json")
        if i == 0:
            wallet.add(shared, [key], payment_password=f"owner {i}")
        else:  # owner 1 holds its key alone, then adds the shared account by the command
            wallet.add(Account.single(key.public_key), [key], payment_password=f"owner {i}")
        wallet.save()
        files.append(tmp_path / f"owner{i}.json")
    added = wallet_cli(
        "import-multisig", "--wallet", str(files[1]), "-m", "2",
        *(a for k in keys for a in ("--key", k.public_key.hex())),
        "--password-stdin", stdin="owner 1\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert f"address  {shared.address}  2-of-2" in added.out
    assert "holds    1 of its keys" in added.out
    node.pay(("ANS", shared.address, 40 * FIXED8))
    receiver = KeyPair(secret_of("cli/receiver")).address
    request = tmp_path / "pay.request.json"
    drafted = wallet_cli(
        "send", "--wallet", str(files[0]), *node.net, "--asset", "ANS", "--to", receiver,
        "--amount", "15", "--from", shared.address, "--request", str(request),
        "--password-stdin", stdin="owner 0\n",
    )  # fmt: skip
    assert drafted.code == 0, drafted.err
    assert f"missing  {shared.address} (1/2)" in drafted.out
    alone = wallet_cli(
        "send", "--wallet", str(files[0]), *node.net, "--asset", "ANS", "--to", receiver,
        "--amount", "15", "--from", shared.address, "--password-stdin", stdin="owner 0\n",
    )  # fmt: skip
    assert_clean_failure(alone, "send", "owner 0")
    assert "--request FILE" in alone.err

    wrong_net = wallet_cli("sign", str(request), "--wallet", str(files[1]), "--password-stdin",
                           stdin="owner 1\n")  # fmt: skip
    assert_clean_failure(wrong_net, "sign", "owner 1")
    assert "network magic" in wrong_net.err
    signed = wallet_cli(
        "sign", str(request), "--wallet", str(files[1]), *node.net, "--submit",
        "--password-stdin", stdin="owner 1\n",
    )  # fmt: skip
    assert signed.code == 0, signed.err
    assert "pays 15 AntShare" in signed.out and "included in block" in signed.out
    assert f"pays 25 AntShare to {shared.address}" in signed.out  # the change
    receiver_hash: UInt160 = Account.watch_only(address=receiver).script_hash
    with LedgerView.open(node.profile, node.data) as view:
        assert view.balances([receiver_hash]) == {receiver_hash: {view.ans: 15 * FIXED8}}


def test_the_command_runs_as_a_program(node: Node, tmp_path: Path) -> None:
    """A real process: prompts read from a pipe, the one-line error, exit status 1."""
    wallet = tmp_path / "proc.json"
    run = subprocess.run(
        [sys.executable, "-m", "antshares", "wallet", "create", "--wallet", str(wallet),
         "--password-stdin"],
        input="process password\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "antshares", "wallet", "export-key", "--wallet", str(wallet),
         "--password-stdin"],
        input="not it\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr == "antshares wallet export-key: wrong payment password\n"


def first_txid(output: str) -> str:
    return output.splitlines()[0].split()[1]


def test_asset_and_candidacy_commands(node: Node, tmp_path: Path) -> None:
    """register → issue → balance; enroll → vote → withdraw, all submitted to the devnet. The
    candidate is the bookkeeper's own key (imported by WIF), so electing it keeps the devnet's
    single bookkeeper."""
    keeper = tmp_path / "keeper.json"
    assert wallet_cli("create", "--wallet", str(keeper), "--account", "none").code == 0
    wif = json.loads((node.data / "bookkeeper-keys.json").read_text())["keys"][0]["wif"]
    imported = wallet_cli("import-key", "--wallet", str(keeper), "--wif-stdin",
                          "--password-stdin", stdin=f"{wif}\nkeeper\n")  # fmt: skip
    address = address_in(imported.out)
    node.pay(("ANS", address, 100 * FIXED8), ("ANC", address, 40 * FIXED8))
    common = ["--wallet", str(keeper), *node.net, "--submit", "--password-stdin"]

    def run(*args: str) -> str:
        result = wallet_cli(*args, *common, stdin="keeper\n")
        assert result.code == 0, result.err
        assert "included in block" in result.out
        return result.out

    def anc() -> Decimal:  # the bookkeeper's account also collects the byte fees
        return Decimal(node.balances(keeper)[address]["AntCoin"])

    start = anc()
    registered = run("register", "--type", "token", "--name", "CLI Token",
                     "--amount", "unlimited", "--precision", "2")  # fmt: skip
    assert "service fee 1 ANC (burned)" in registered
    run("issue", "--asset", "CLI Token", "--to", address, "--amount", "12.34")
    balances = node.balances(keeper)[address]
    assert balances["CLI Token"] == "12.34" and anc() == start - 2  # two service fees
    too_fine = wallet_cli("issue", "--asset", first_txid(registered), "--to", address,
                          "--amount", "0.001", *common, stdin="keeper\n")  # fmt: skip
    assert_clean_failure(too_fine, "issue", "keeper\n")

    enrollment = first_txid(run("enroll"))
    assert anc() == start - 3  # the enrollment fee; the deposit is still the account's
    voted = run("vote", "--candidate", enrollment)
    assert "service fee 1 ANC" in voted and "pays 100 AntShare to " + address in voted
    run("withdraw", "--enrollment", enrollment)
    again = wallet_cli("withdraw", "--enrollment", enrollment, *common, stdin="keeper\n")
    assert_clean_failure(again, "withdraw")
    assert "not an active enrollment" in again.err


def test_stealth_and_identity_commands(node: Node, tmp_path: Path) -> None:
    erin = tmp_path / "erin.json"
    created = wallet_cli("create", "--wallet", str(erin), "--account", "query-payment",
                         "--password-stdin", stdin="erin pays\nerin queries\n")  # fmt: skip
    assert created.code == 0, created.err
    shown = wallet_cli("stealth", "address", "--wallet", str(erin))
    stealth = shown.out.split("stealth")[1].split()[0]
    assert stealth.startswith("s") and stealth in created.out
    with LedgerView.open(node.profile, node.data) as view:
        draft = TransactionBuilder(node.bank, view).transfer(
            [Payment(view.ans, 9 * FIXED8, StealthAddress.decode(stealth))]
        )
    relay(sign_draft(node.bank, draft), DevnetRelay(node.profile, node.data))
    # Scanning needs the query password only.
    scanned = wallet_cli("stealth", "scan", "--wallet", str(erin), *node.net,
                         "--password-stdin", stdin="erin queries\n")  # fmt: skip
    assert scanned.code == 0, scanned.err
    assert f"{draft.txid}:0  9 AntShare" in scanned.out and "unspent" in scanned.out
    assert "found    1 payment(s)" in scanned.out
    wrong = wallet_cli("stealth", "scan", "--wallet", str(erin), *node.net,
                       "--password-stdin", stdin="erin pays\n")  # fmt: skip
    assert_clean_failure(wrong, "stealth scan", "erin pays")

    # --import: the payment becomes a 2-of-2 account of its two derived keys, which `send`
    # spends (payment password only); a spent payment is not imported again.
    imported = wallet_cli("stealth", "scan", "--wallet", str(erin), *node.net, "--import",
                          "--password-stdin", stdin="erin pays\nerin queries\n")  # fmt: skip
    assert imported.code == 0, imported.err
    one_time = imported.out.split("imported ")[1].split()[0]
    assert f"  {one_time}  unspent" in scanned.out
    erin_address = address_in(created.out)
    assert node.balances(erin)[one_time] == {"AntShare": "9"}
    spent = wallet_cli("send", "--wallet", str(erin), *node.net, "--asset", "ANS",
                       "--to", erin_address, "--amount", "9", "--from", one_time, "--submit",
                       "--password-stdin", stdin="erin pays\n")  # fmt: skip
    assert spent.code == 0, spent.err
    assert "included in block" in spent.out
    after = node.balances(erin)
    assert after[one_time] == {} and after[erin_address] == {"AntShare": "9"}
    rescan = wallet_cli("stealth", "scan", "--wallet", str(erin), *node.net, "--import",
                        "--password-stdin", stdin="erin pays\nerin queries\n")  # fmt: skip
    assert rescan.code == 0, rescan.err
    assert "  spent" in rescan.out and "imported" not in rescan.out

    # A certificate request signed by the account's payment key; then its status.
    csr = tmp_path / "erin.csr"
    asked = wallet_cli("identity", "request", "--wallet", str(erin), "--name", "Erin",
                       "--country", "CN", "--out", str(csr), "--password-stdin",
                       stdin="erin pays\n")  # fmt: skip
    assert asked.code == 0, asked.err
    ca = create_root_ca(subject_name("Wallet Test Root"))
    request = load_request(csr)
    certs = tmp_path / "certs"
    certs.mkdir()
    (certs / "erin.pem").write_bytes(certificate_pem(issue_certificate(ca, request)))
    roots = tmp_path / "root.pem"
    roots.write_bytes(certificate_pem(ca.certificate))
    status = wallet_cli("identity", "status", "--wallet", str(erin), "--certs", str(certs),
                        "--roots", str(roots))  # fmt: skip
    assert status.code == 0, status.err
    # The two-key account's keys (the imported one-time account's keys have no certificate).
    lines = [line for line in status.out.splitlines() if line.startswith(erin_address)]
    assert len(lines) == 2 and sum("Good" in line for line in lines) == 1
    assert sum("Missing" in line for line in lines) == 1
    assert request_key(request).hex() in next(line for line in lines if "Good" in line)
