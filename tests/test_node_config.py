"""The node's TOML config, its evidence pool and the header bytes it serves."""

import glob
import json
import os
from pathlib import Path

import pytest

from antshares.core import Block, decode_headers_payload
from antshares.node.chain_reader import header_bytes
from antshares.node.config import ConfigError, load_config, parse_endpoint
from antshares.node.evidence import EVIDENCE_FILE, EvidencePool

SHARED = Path(os.environ.get("ANTSHARES_SHARED", Path(__file__).parents[2] / "shared"))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "node.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_file() -> None:
    config = load_config(None)
    assert config.p2p.listen == "127.0.0.1" and config.p2p.port is None
    assert config.rpc.enabled and config.rpc.listen == "127.0.0.1"
    assert config.bookkeeper is None
    assert config.mempool.min_byte_fee == 0


def test_a_full_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[p2p]
listen = "0.0.0.0"
port = 0
seeds = ["127.0.0.1:20334", "[::1]:20335"]
max_outbound = 4
[rpc]
port = 30332
[bookkeeper]
key_file = "keys.json"
block_time = 2
[mempool]
min_byte_fee = 1000
max_transactions = 10
[ledger]
utxo_cache_megabytes = 32
[log]
format = "json"
level = "DEBUG"
""",
    )
    config = load_config(path)
    assert config.p2p.port == 0 and config.p2p.max_outbound == 4
    assert config.p2p.seeds == (("127.0.0.1", 20334), ("::1", 20335))
    assert config.rpc.port == 30332
    assert config.bookkeeper is not None
    assert config.bookkeeper.key_file == tmp_path / "keys.json"
    assert config.bookkeeper.block_time == 2.0
    assert config.mempool.min_byte_fee == 1000 and config.mempool.max_transactions == 10
    assert config.ledger.utxo_cache_megabytes == 32
    assert (config.log.format, config.log.level) == ("json", "debug")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[p2p]\nprot = 1\n", "unknown key(s) prot"),
        ("[peers]\n", "unknown section(s) peers"),
        ("[p2p]\nport = 70000\n", "outside 0..65535"),
        ("[p2p]\nport = true\n", "is not a number"),
        ("[p2p]\nmax_inbound = true\n", "not a boolean"),
        ('[p2p]\nseeds = ["nohost"]\n', "is not host:port"),
        ("[rpc]\nenabled = 1\n", "must be a bool"),
        ("[bookkeeper]\nblock_time = 1\n", "needs key_file"),
        ('[bookkeeper]\nkey_file = "k"\nblock_time = 0\n', "must be positive"),
        ("[mempool]\nmin_byte_fee = -1\n", "must not be negative"),
        ('[log]\nformat = "xml"\n', 'must be "text" or "json"'),
        ("p2p = 3\n", "must be a table"),
        ("[p2p\n", "not valid TOML"),
    ],
)
def test_bad_values_name_the_fault(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"node\.toml") as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value)


def test_unreadable_and_oversize_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="No such file"):
        load_config(tmp_path / "missing.toml")
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * ((1 << 20) + 1))
    with pytest.raises(ConfigError, match="larger than"):
        load_config(big)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(binary)


def test_parse_endpoint() -> None:
    assert parse_endpoint("seed1.antshares.org:10333") == ("seed1.antshares.org", 10333)
    for bad in ("host", ":1", "host:x", "host:-1"):
        with pytest.raises(ConfigError):
            parse_endpoint(bad)


def test_header_bytes_are_what_headers_messages_carry() -> None:
    files = sorted(glob.glob(str(SHARED / "vectors" / "blocks" / "*.hex")))
    assert files
    for name in files:
        raw = bytes.fromhex(Path(name).read_text().strip())
        block = Block.from_bytes(raw)
        assert header_bytes(raw) == block.header.to_bytes() + b"\x00"
        assert decode_headers_payload(b"\x01" + header_bytes(raw)) == [block.header]
    with pytest.raises(ValueError):
        header_bytes(raw[:110])


def test_evidence_is_kept_once_and_survives_a_restart(tmp_path: Path) -> None:
    pool = EvidencePool(tmp_path)
    assert pool.add_double_header(7, b"\x01" * 10, b"\x02" * 10)
    assert not pool.add_double_header(7, b"\x02" * 10, b"\x01" * 10)  # same proof, other order
    assert pool.add_double_header(8, b"\x01" * 10, b"\x03" * 10)
    again = EvidencePool(tmp_path)
    assert [r["height"] for r in again.records()] == [7, 8]
    assert again.records()[0]["kind"] == "double-header"


def test_damaged_evidence_lines_are_skipped(tmp_path: Path) -> None:
    pool = EvidencePool(tmp_path)
    pool.add_double_header(1, b"a", b"b")
    with (tmp_path / EVIDENCE_FILE).open("a") as f:
        f.write("{not json\n")
        f.write(json.dumps({"kind": "double-header"}) + "\n")
        f.write("x" * ((1 << 20) + 10) + "\n")
    pool.add_double_header(2, b"a", b"c")
    assert [r["height"] for r in EvidencePool(tmp_path).records()] == [1, 2]


def test_evidence_pool_is_bounded(tmp_path: Path) -> None:
    pool = EvidencePool(tmp_path, max_records=3)
    for height in range(5):
        pool.add_double_header(height, b"a", bytes([height]))
    assert [r["height"] for r in pool.records()] == [2, 3, 4]


def test_json_log_lines_parse() -> None:
    import logging

    from antshares.node.logs import JsonFormatter

    record = logging.LogRecord(
        "antshares.node", logging.WARNING, "f.py", 1, "peer %s", ("a",), None
    )
    record.peer = "127.0.0.1:1"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "warning" and line["logger"] == "antshares.node"
    assert line["message"] == "peer a" and line["peer"] == "127.0.0.1:1"
    assert line["time"].endswith("Z")
