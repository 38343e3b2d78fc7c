"""Network profiles (SPEC §2): every network-specific value is data, loaded from JSON."""

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

BUILTIN = ("mainnet", "testnet")


@dataclass(frozen=True)
class GenesisParams:
    timestamp: int
    nonce: int
    ans_name: str
    anc_name: str
    expected_hash: str | None = None


@dataclass(frozen=True)
class Profile:
    name: str
    magic: int
    p2p_port: int
    rpc_port: int
    address_version: int
    block_time_seconds: int
    standby_keys: tuple[bytes, ...]
    genesis: GenesisParams
    service_fees_anc: dict[str, int]
    min_enrollment_deposit_anc: int
    seeds: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Profile":
        try:
            keys = tuple(bytes.fromhex(k) for k in data["standby_keys"])
            if not keys or any(len(k) not in (33, 34) for k in keys):
                raise ValueError("standby_keys must be compressed public keys (hex)")
            return cls(
                name=str(data["name"]),
                magic=int(data["magic"]),
                p2p_port=int(data["p2p_port"]),
                rpc_port=int(data["rpc_port"]),
                address_version=int(data.get("address_version", 0x17)),
                block_time_seconds=int(data.get("block_time_seconds", 15)),
                standby_keys=keys,
                genesis=GenesisParams(**data["genesis"]),
                service_fees_anc={k: int(v) for k, v in data["service_fees_anc"].items()},
                min_enrollment_deposit_anc=int(data["min_enrollment_deposit_anc"]),
                seeds=tuple(data.get("seeds", ())),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"invalid network profile: missing or bad field {exc}") from exc


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name (mainnet, testnet) or a profile JSON file by path."""
    if name_or_path in BUILTIN:
        text = resources.files("antshares.chain").joinpath(f"profiles/{name_or_path}.json")
        return Profile.from_dict(json.loads(text.read_text(encoding="utf-8")))
    path = Path(name_or_path)
    if not path.is_file():
        raise ValueError(f"unknown network {name_or_path!r}: use {', '.join(BUILTIN)} or a file")
    try:
        return Profile.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
