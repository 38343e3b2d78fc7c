"""The command line: `verify` (hex, raw, chain.acc), `genesis`, and their errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from antshares.chain.files import write_chain_file
from antshares.chain.genesis import build_genesis, genesis_block
from antshares.chain.profiles import load_profile
from antshares.cli import main
from antshares.core import Block
from antshares.verify import JSON_KEYS
from conftest import BLOCKS_DIR, block_bytes, vectors


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "antshares", *args], capture_output=True, text=True, check=False
    )


def test_verify_json_real_blocks(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(BLOCKS_DIR.glob("*.hex"))
    assert main(["verify", "--json", *map(str, files)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(files)
    for line, path in zip(lines, files, strict=True):
        obj = json.loads(line)
        assert tuple(obj) == JSON_KEYS
        assert obj["ok"] is True and obj["error"] is None
        assert obj["height"] == int(path.stem.split("-")[1])
        assert obj["merkle_ok"] is True
        assert all(not t.startswith("0x") for t in obj["txids"])


def test_verify_table_and_raw_bytes(tmp_path: Path) -> None:
    raw_file = tmp_path / "block.bin"
    raw_file.write_bytes(block_bytes("mainnet-2000000.hex"))
    result = run_cli("verify", str(raw_file))
    assert result.returncode == 0, result.stderr
    assert "2000000" in result.stdout and " ok " in result.stdout
    assert "1 ok, 0 failed" in result.stderr


def test_verify_chain_acc_links_blocks(tmp_path: Path) -> None:
    blocks = [
        bytes.fromhex(v["input"]["raw_hex"])
        for v in vectors()
        if v["what"].startswith(("MainNet block 1 ", "MainNet block 2 "))
    ]
    assert [Block.from_bytes(b).index for b in blocks] == [1, 2]
    chain = tmp_path / "chain.acc"
    write_chain_file(chain, blocks)
    result = run_cli("verify", "--json", str(chain))
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["height"] for r in reports] == [1, 2] and all(r["ok"] for r in reports)
    # Out of order, block 1 does not follow block 2.
    write_chain_file(chain, blocks[::-1])
    result = run_cli("verify", "--json", str(chain))
    assert result.returncode == 1
    assert "does not follow" in json.loads(result.stdout.splitlines()[1])["error"]


def test_verify_chain_n_acc_and_truncated_file(tmp_path: Path) -> None:
    blocks = [block_bytes("mainnet-2000000.hex")]
    chain = tmp_path / "chain.2000000.acc"
    write_chain_file(chain, blocks, start=2000000)
    assert run_cli("verify", str(chain)).returncode == 0
    chain.write_bytes(chain.read_bytes()[:-100])
    result = run_cli("verify", str(chain))
    assert result.returncode == 2
    assert "truncated block #0" in result.stderr


def test_verify_bad_block_exit_code(tmp_path: Path) -> None:
    raw = bytearray(block_bytes("mainnet-2000000.hex"))
    raw[40] ^= 1  # inside the Merkle root
    path = tmp_path / "bad.hex"
    path.write_text(raw.hex())
    result = run_cli("verify", "--json", str(path))
    assert result.returncode == 1
    assert "merkle root mismatch" in json.loads(result.stdout)["error"]


def test_verify_missing_file() -> None:
    result = run_cli("verify", "/nonexistent/block.hex")
    assert result.returncode == 2 and "No such file" in result.stderr


def test_genesis_mainnet_json() -> None:
    result = run_cli("genesis", "--network", "mainnet", "--json")
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["hash"] == "d42561e3d30e15be6400b6df2f328e02d2bf6354c41dce433bc57687c82144bf"
    assert Block.from_bytes(bytes.fromhex(obj["raw"])).hash.to_bytes()[::-1].hex() == obj["hash"]


def test_genesis_testnet_is_the_parent_of_testnet_block_1() -> None:
    block1 = next(v for v in vectors() if v["what"].startswith("TestNet block 1 "))
    parent = Block.from_bytes(bytes.fromhex(block1["input"]["raw_hex"])).header.prev_hash
    assert genesis_block(load_profile("testnet")).hash == parent


def test_genesis_from_a_profile_file(tmp_path: Path) -> None:
    profile = json.loads(
        (Path(__file__).parent.parent / "python/antshares/chain/profiles/mainnet.json").read_text()
    )
    profile["name"] = "devnet"
    profile["standby_keys"] = profile["standby_keys"][:1]
    del profile["genesis"]["expected_hash"]
    path = tmp_path / "devnet.json"
    path.write_text(json.dumps(profile))
    result = run_cli("genesis", "--network", str(path), "--json")
    assert result.returncode == 0, result.stderr
    g = profile["genesis"]
    expected = build_genesis(
        [bytes.fromhex(profile["standby_keys"][0])],
        g["timestamp"],
        g["nonce"],
        g["ans_name"],
        g["anc_name"],
    )
    assert json.loads(result.stdout)["hash"] == str(expected.hash)


def test_genesis_unknown_network() -> None:
    result = run_cli("genesis", "--network", "nosuchnet")
    assert result.returncode == 2 and "unknown network" in result.stderr


def test_genesis_is_valid_to_the_verifier() -> None:
    report = __import__("antshares").verify_block(genesis_block(load_profile("mainnet")).to_bytes())
    assert report.ok and report.height == 0
    assert report.nonstandard_witnesses == 1  # the IssueTransaction's `51` witness


def mainnet_start() -> list[bytes]:
    """Genesis (rebuilt here) and the real MainNet blocks 1 and 2."""
    real = [
        bytes.fromhex(v["input"]["raw_hex"])
        for v in vectors()
        if v["what"].startswith(("MainNet block 1 ", "MainNet block 2 "))
    ]
    return [genesis_block(load_profile("mainnet")).to_bytes(), *real]


def test_verify_chain_from_genesis_binds_every_block_witness() -> None:
    from antshares import verify_chain

    reports = verify_chain(mainnet_start())
    assert [r.height for r in reports] == [0, 1, 2]
    assert all(r.ok for r in reports), [r.error for r in reports]
    assert [r.block_witness_bound for r in reports] == [False, True, True]
    # Continuing from a report of the previous batch.
    again = verify_chain(mainnet_start()[2:], previous=reports[1])
    assert again[0].ok and again[0].block_witness_bound
    wrong = verify_chain(mainnet_start()[1:2], previous=reports[2])
    assert not wrong[0].ok and "does not follow" in (wrong[0].error or "")


def test_chain_file_links_across_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from antshares.cli import verify_cmd

    monkeypatch.setattr(verify_cmd, "BATCH_BLOCKS", 1)
    chain = tmp_path / "chain.acc"
    write_chain_file(chain, mainnet_start())
    assert main(["verify", "--json", str(chain)]) == 0
    assert [json.loads(line)["ok"] for line in capsys.readouterr().out.splitlines()] == [True] * 3
    blocks = mainnet_start()
    write_chain_file(chain, [blocks[0], blocks[2], blocks[1]])
    assert main(["verify", "--json", str(chain)]) == 1
    errors = [json.loads(line)["error"] for line in capsys.readouterr().out.splitlines()]
    assert errors[0] is None and "does not follow" in errors[1] and "does not follow" in errors[2]
