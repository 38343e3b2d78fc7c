"""The node's TOML configuration (`antshares node --config FILE`).

Every key is optional; a missing file section takes the defaults below, which run a relaying
node bound to localhost on the profile's ports. Unknown sections or keys are errors (a typo must
not silently fall back to a default). Paths are relative to the config file.

    [p2p]
    listen = "127.0.0.1"        # "0.0.0.0" to accept peers from other machines
    port = 20333                # 0: pick a free port (written to <data-dir>/node-info.json)
    seeds = ["127.0.0.1:20334"]
    max_outbound = 8
    max_inbound = 32
    ban_seconds = 3600

    [rpc]
    enabled = true
    listen = "127.0.0.1"
    port = 20332                # 0: pick a free port

    [bookkeeper]                # present: this node produces blocks (solo bookkeeper)
    key_file = "bookkeeper-keys.json"
    block_time = 1.0            # seconds; default: the profile's

    [mempool]
    min_byte_fee = 0            # ANC satoshi per byte a transaction must pay to be admitted
    max_transactions = 50000
    max_megabytes = 64

    [ledger]
    utxo_cache_megabytes = 256

    [log]
    format = "text"             # or "json": one JSON object per line
    level = "info"
"""

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = [
    "BookkeeperConfig",
    "ConfigError",
    "LedgerConfig",
    "LogConfig",
    "MempoolConfig",
    "NodeConfig",
    "P2PSection",
    "RpcSection",
    "load_config",
    "parse_endpoint",
]

MAX_CONFIG_BYTES = 1 << 20


class ConfigError(ValueError):
    """The configuration file is unreadable or holds a bad value."""


@dataclass(frozen=True)
class P2PSection:
    listen: str = "127.0.0.1"
    port: int | None = None
    """None: the profile's P2P port."""
    seeds: tuple[tuple[str, int], ...] | None = None
    """None: the profile's seeds."""
    max_outbound: int = 8
    max_inbound: int = 32
    ban_seconds: float = 3600.0


@dataclass(frozen=True)
class RpcSection:
    enabled: bool = True
    listen: str = "127.0.0.1"
    port: int | None = None
    """None: the profile's RPC port."""


@dataclass(frozen=True)
class BookkeeperConfig:
    key_file: Path
    block_time: float | None = None


@dataclass(frozen=True)
class MempoolConfig:
    min_byte_fee: int = 0
    max_transactions: int = 50_000
    max_megabytes: int = 64


@dataclass(frozen=True)
class LedgerConfig:
    utxo_cache_megabytes: int = 256


@dataclass(frozen=True)
class LogConfig:
    format: str = "text"
    level: str = "info"


@dataclass(frozen=True)
class NodeConfig:
    p2p: P2PSection = field(default_factory=P2PSection)
    rpc: RpcSection = field(default_factory=RpcSection)
    bookkeeper: BookkeeperConfig | None = None
    mempool: MempoolConfig = field(default_factory=MempoolConfig)
    ledger: LedgerConfig = field(default_factory=LedgerConfig)
    log: LogConfig = field(default_factory=LogConfig)


def parse_endpoint(text: str) -> tuple[str, int]:
    """ "host:port" (or "[v6]:port") as (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise ConfigError(f"seed {text!r} is not host:port")
    host = host.removeprefix("[").removesuffix("]")
    return host, _port(f"seed {text!r}", port)


def _port(name: str, value: object) -> int:
    try:
        port = int(str(value))
    except ValueError:
        raise ConfigError(f"{name}: port {value!r} is not a number") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"{name}: port {port} is outside 0..65535")
    return port


def _expect(section: str, key: str, value: object, kind: type | tuple[type, ...]) -> Any:
    # bool is an int in Python; a port of `true` is still wrong.
    if isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"[{section}] {key} must be a {_kind_name(kind)}, not a boolean")
    if not isinstance(value, kind):
        raise ConfigError(f"[{section}] {key} must be a {_kind_name(kind)}, got {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _section(data: dict[str, Any], name: str, cls: type) -> dict[str, Any]:
    raw = data.get(name, {})
    if not isinstance(raw, dict):
        raise ConfigError(f"[{name}] must be a table")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"[{name}] has unknown key(s) {', '.join(unknown)}")
    return raw


def _positive(section: str, key: str, value: int | float) -> None:
    if value <= 0:
        raise ConfigError(f"[{section}] {key} must be positive, got {value}")


def _p2p(data: dict[str, Any]) -> P2PSection:
    raw = _section(data, "p2p", P2PSection)
    d = P2PSection()
    seeds = None
    if "seeds" in raw:
        items = _expect("p2p", "seeds", raw["seeds"], list)
        seeds = tuple(parse_endpoint(_expect("p2p", "seeds", s, str)) for s in items)
    section = P2PSection(
        listen=_expect("p2p", "listen", raw.get("listen", d.listen), str),
        port=_port("[p2p] port", raw["port"]) if "port" in raw else None,
        seeds=seeds,
        max_outbound=_expect("p2p", "max_outbound", raw.get("max_outbound", d.max_outbound), int),
        max_inbound=_expect("p2p", "max_inbound", raw.get("max_inbound", d.max_inbound), int),
        ban_seconds=float(
            _expect("p2p", "ban_seconds", raw.get("ban_seconds", d.ban_seconds), (int, float))
        ),
    )
    if section.max_outbound < 0 or section.max_inbound < 0:
        raise ConfigError("[p2p] max_outbound and max_inbound must not be negative")
    _positive("p2p", "ban_seconds", section.ban_seconds)
    return section


def _rpc(data: dict[str, Any]) -> RpcSection:
    raw = _section(data, "rpc", RpcSection)
    d = RpcSection()
    return RpcSection(
        enabled=_expect("rpc", "enabled", raw.get("enabled", d.enabled), bool),
        listen=_expect("rpc", "listen", raw.get("listen", d.listen), str),
        port=_port("[rpc] port", raw["port"]) if "port" in raw else None,
    )


def _bookkeeper(data: dict[str, Any], base: Path) -> BookkeeperConfig | None:
    if "bookkeeper" not in data:
        return None
    raw = _section(data, "bookkeeper", BookkeeperConfig)
    if "key_file" not in raw:
        raise ConfigError(
            "[bookkeeper] needs key_file (the bookkeeper keys, e.g. from devnet init)"
        )
    block_time = raw.get("block_time")
    if block_time is not None:
        block_time = float(_expect("bookkeeper", "block_time", block_time, (int, float)))
        _positive("bookkeeper", "block_time", block_time)
    return BookkeeperConfig(
        base / _expect("bookkeeper", "key_file", raw["key_file"], str), block_time
    )


def _mempool(data: dict[str, Any]) -> MempoolConfig:
    raw = _section(data, "mempool", MempoolConfig)
    d = MempoolConfig()
    config = MempoolConfig(
        min_byte_fee=_expect(
            "mempool", "min_byte_fee", raw.get("min_byte_fee", d.min_byte_fee), int
        ),
        max_transactions=_expect(
            "mempool", "max_transactions", raw.get("max_transactions", d.max_transactions), int
        ),
        max_megabytes=_expect(
            "mempool", "max_megabytes", raw.get("max_megabytes", d.max_megabytes), int
        ),
    )
    if config.min_byte_fee < 0:
        raise ConfigError("[mempool] min_byte_fee must not be negative")
    _positive("mempool", "max_transactions", config.max_transactions)
    _positive("mempool", "max_megabytes", config.max_megabytes)
    return config


def _ledger(data: dict[str, Any]) -> LedgerConfig:
    raw = _section(data, "ledger", LedgerConfig)
    size = raw.get("utxo_cache_megabytes", LedgerConfig.utxo_cache_megabytes)
    _positive(
        "ledger", "utxo_cache_megabytes", _expect("ledger", "utxo_cache_megabytes", size, int)
    )
    return LedgerConfig(size)


def _log(data: dict[str, Any]) -> LogConfig:
    raw = _section(data, "log", LogConfig)
    config = LogConfig(
        format=_expect("log", "format", raw.get("format", LogConfig.format), str),
        level=_expect("log", "level", raw.get("level", LogConfig.level), str).lower(),
    )
    if config.format not in ("text", "json"):
        raise ConfigError(f'[log] format must be "text" or "json", got {config.format!r}')
    if config.level not in ("debug", "info", "warning", "error"):
        raise ConfigError(
            f"[log] level must be debug, info, warning or error, got {config.level!r}"
        )
    return config


def parse_config(data: dict[str, Any], base: Path) -> NodeConfig:
    """A NodeConfig from parsed TOML; relative paths are taken from `base`."""
    unknown = sorted(set(data) - {f.name for f in fields(NodeConfig)})
    if unknown:
        raise ConfigError(f"unknown section(s) {', '.join(unknown)}")
    return NodeConfig(
        p2p=_p2p(data),
        rpc=_rpc(data),
        bookkeeper=_bookkeeper(data, base),
        mempool=_mempool(data),
        ledger=_ledger(data),
        log=_log(data),
    )


def load_config(path: Path | None) -> NodeConfig:
    """The configuration in `path` (None: every default). ConfigError names the file and fault."""
    if path is None:
        return NodeConfig()
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        return parse_config(data, path.parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
