"""The ledger's command line end to end: devnet init → generate → import (verified, trusted,
resumed, refused) → state digest; and the solo bookkeeper producing blocks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from antshares.chain.files import iter_chain_file
from antshares.cli import main
from antshares.core import UInt256
from antshares.ledger.importer import block_hash

BLOCKS, TXS = 12, 40


def antshares(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "antshares", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def devnet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("devnet")
    assert main(["devnet", "init", "--data-dir", str(d / "node"), "--seed", "cli"]) == 0
    code = main(
        [
            "devnet", "generate", "--data-dir", str(d / "node"), "--blocks", str(BLOCKS),
            "--txs-per-block", str(TXS), "--out", str(d / "chain.acc"), "--quiet",
        ]
    )  # fmt: skip
    assert code == 0
    return d


def digest(profile: Path, data_dir: Path) -> dict[str, object]:
    out = antshares(
        "state", "digest", "--json", "--network", str(profile), "--data-dir", str(data_dir)
    )
    assert out.returncode == 0, out.stderr
    result: dict[str, object] = json.loads(out.stdout)
    return result


def hash_at(chain: Path, height: int) -> str:
    raw = list(iter_chain_file(chain))[height].data
    return str(UInt256(block_hash(raw)))


def test_generated_chain_is_deterministic(devnet: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.acc"
    args = ["devnet", "generate", "--data-dir", str(devnet / "node"), "--quiet"]
    assert main([*args, "--blocks", "3", "--txs-per-block", str(TXS), "--out", str(again)]) == 0
    first = [b.data for b in iter_chain_file(devnet / "chain.acc")][:4]
    assert [b.data for b in iter_chain_file(again)] == first


def test_verified_and_trusted_imports_reach_the_same_state(devnet: Path, tmp_path: Path) -> None:
    profile = devnet / "node" / "profile.json"
    chain = devnet / "chain.acc"
    verified = antshares("chain", "import", str(chain), "--network", str(profile),
                         "--data-dir", str(tmp_path / "v"), "--quiet")  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert f"tip {BLOCKS}" in verified.stdout
    checkpoint = hash_at(chain, BLOCKS // 2)
    trusted = antshares("chain", "import", str(chain), "--network", str(profile),
                        "--data-dir", str(tmp_path / "t"), "--trusted-until", checkpoint,
                        "--batch-blocks", "4", "--quiet")  # fmt: skip
    assert trusted.returncode == 0, trusted.stderr
    assert f"{BLOCKS // 2} trusted" in trusted.stdout
    a, b = digest(profile, tmp_path / "v"), digest(profile, tmp_path / "t")
    assert a["digest"] == b["digest"]
    # A second run resumes: nothing left to import, state unchanged.
    again = antshares("chain", "import", str(chain), "--network", str(profile),
                      "--data-dir", str(tmp_path / "v"), "--quiet")  # fmt: skip
    assert again.returncode == 0 and "imported 0 blocks" in again.stdout
    assert digest(profile, tmp_path / "v")["digest"] == a["digest"]


def test_unknown_checkpoint_imports_nothing(devnet: Path, tmp_path: Path) -> None:
    profile = devnet / "node" / "profile.json"
    out = antshares("chain", "import", str(devnet / "chain.acc"), "--network", str(profile),
                    "--data-dir", str(tmp_path / "x"), "--trusted-until", "ab" * 32)  # fmt: skip
    assert out.returncode == 1
    assert "not in the files" in out.stderr
    garbled = antshares("chain", "import", str(devnet / "chain.acc"), "--network", str(profile),
                        "--data-dir", str(tmp_path / "x"), "--trusted-until", "zz")  # fmt: skip
    assert garbled.returncode == 1
    assert "not a block hash" in garbled.stderr


def test_a_chain_of_another_network_is_refused(devnet: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert main(["devnet", "init", "--data-dir", str(other), "--seed", "other"]) == 0
    out = antshares("chain", "import", str(devnet / "chain.acc"), "--network",
                    str(other / "profile.json"), "--data-dir", str(tmp_path / "y"))  # fmt: skip
    assert out.returncode == 1
    assert "another chain" in out.stderr


def test_solo_bookkeeper_produces_blocks_with_lottery(tmp_path: Path) -> None:
    node = tmp_path / "node"
    assert main(["devnet", "init", "--data-dir", str(node), "--block-time", "1"]) == 0
    out = antshares("devnet", "run", "--data-dir", str(node), "--blocks", "2", "--workload", "10")
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith("block ")]
    assert len(lines) == 2 and all("lottery" in line for line in lines)
    # The node's own chain re-imports to the same state (R and the lottery re-checked).
    assert main(["chain", "export", "--quiet", "--network", "devnet", "--data-dir", str(node),
                 "--out", str(tmp_path / "chain.acc")]) == 0  # fmt: skip
    replay = antshares("chain", "import", str(tmp_path / "chain.acc"), "--network",
                       str(node / "profile.json"), "--data-dir", str(tmp_path / "r"))  # fmt: skip
    assert replay.returncode == 0, replay.stderr
    mine = digest(node / "profile.json", node)
    assert digest(node / "profile.json", tmp_path / "r")["digest"] == mine["digest"]
    # Restarting the node continues the chain (its beacon secrets were persisted).
    more = antshares("devnet", "run", "--data-dir", str(node), "--blocks", "1")
    assert more.returncode == 0, more.stderr
    assert "block 3:" in more.stdout


def test_import_groups_batches_into_commits_with_the_same_state(
    devnet: Path, tmp_path: Path
) -> None:
    """Batches commit together up to `commit_bytes` (each alone near the end of the input): the
    store ends in the same state as one commit per batch, and every commit leaves it at a
    complete block whose stored tip is the engine's."""
    from antshares.chain.profiles import load_profile
    from antshares.ledger.chainstate import ChainState
    from antshares.ledger.digest import state_digest
    from antshares.ledger.importer import import_chain

    profile = load_profile(str(devnet / "node" / "profile.json"))
    chain = devnet / "chain.acc"
    sizes = [len(b.data) for b in iter_chain_file(chain)][1:]
    results = {}
    for label, commit_bytes in (("each", 0), ("grouped", 3 * min(sizes))):
        commits: list[tuple[int, int]] = []
        with ChainState.open(profile, tmp_path / label, sync=False) as state:

            def committed(
                blocks: int,
                _txs: int,
                height: int,
                state: ChainState = state,
                log: list[tuple[int, int]] = commits,
            ) -> None:
                # The store holds the block the engine reports as its tip.
                assert state.block_at(height) is not None
                assert state.block_at(height + 1) is None
                log.append((blocks, height))

            stats = import_chain(
                state,
                [chain],
                batch_blocks=1,
                batch_bytes=min(sizes),  # the last two batches commit alone
                on_batch=committed,
                commit_bytes=commit_bytes,
            )
            assert stats.error is None and stats.blocks == BLOCKS
            results[label] = (state_digest(state.store), commits)
    each, grouped = results["each"], results["grouped"]
    assert grouped[0] == each[0]
    assert [b for b, _ in each[1]] == [1] * BLOCKS
    # Grouped: the first commits hold several batches, the last ones (near the end) one each.
    blocks_per_commit = [b for b, _ in grouped[1]]
    assert sum(blocks_per_commit) == BLOCKS
    assert max(blocks_per_commit) > 1 and blocks_per_commit[-1] == 1
    assert [h for _, h in grouped[1]][-1] == BLOCKS
