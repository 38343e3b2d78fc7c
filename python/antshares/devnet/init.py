"""`antshares devnet init`: a fresh devnet profile and its bookkeeper keys in a data dir.

Writes two files and never overwrites either:

- `profile.json`: the network profile (SPEC §2) every later command reads from the data dir;
  standby keys are the generated bookkeeper keys, the genesis timestamp is now, fees and the
  enrollment deposit are small so a fresh devnet can afford every transaction type.
- `bookkeeper-keys.json` (mode 0600): the bookkeepers' private keys as plaintext WIF. A devnet's
  keys guard nothing of value, and a local devnet must be able to sign blocks unattended; never
  reuse these keys, or this file format, on a network that matters.

With a seed the keys, magic and genesis nonce are a function of the seed (tests, reproducible
devnets); without one they come from os.urandom.
"""

import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from antshares.chain.genesis import genesis_block
from antshares.chain.profiles import Profile, load_profile
from antshares.core.address import wif_decode, wif_encode
from antshares.crypto import Curve, public_key_from_secret

from .keys import derive_key, random_key, seed_bytes

__all__ = [
    "DEFAULT_BLOCK_TIME_SECONDS",
    "DEFAULT_P2P_PORT",
    "DEFAULT_RPC_PORT",
    "KEYS_FILE",
    "MAX_BOOKKEEPERS",
    "MIN_ENROLLMENT_DEPOSIT_ANC",
    "PROFILE_FILE",
    "SERVICE_FEES_ANC",
    "DevnetInit",
    "bookkeeper_keys_path",
    "init_devnet",
    "load_bookkeeper_keys",
    "read_bookkeeper_keys",
]

PROFILE_FILE = "profile.json"  # the name cli.common.devnet_profile_path uses
KEYS_FILE = "bookkeeper-keys.json"
DEFAULT_P2P_PORT = 30333
DEFAULT_RPC_PORT = 30332
DEFAULT_BLOCK_TIME_SECONDS = 15
MAX_BOOKKEEPERS = 1024  # the largest multisig (SPEC §3)
SERVICE_FEES_ANC = {"register": 1, "issue": 1, "enrollment": 1, "voting": 1}
MIN_ENROLLMENT_DEPOSIT_ANC = 10
ADDRESS_VERSION = 0x17
# The genesis asset names of AntShares 1.0, so devnet wallets show familiar names.
ANS_NAME = '[{"lang":"zh-CN","name":"小蚁股"},{"lang":"en","name":"AntShare"}]'
ANC_NAME = '[{"lang":"zh-CN","name":"小蚁币"},{"lang":"en","name":"AntCoin"}]'
# A devnet must not share a magic with a public network: its messages would be accepted there.
RESERVED_MAGICS = frozenset({0x00746E41, 0x74746E41})
KEYS_WARNING = (
    "DEVNET ONLY: plaintext private keys of this devnet's bookkeepers. Anyone who reads this file"
    " can sign its blocks. Never use these keys on a network that carries value."
)


@dataclass(frozen=True)
class DevnetInit:
    """What `init_devnet` wrote."""

    profile: Profile
    profile_path: Path
    keys_path: Path
    secrets: tuple[bytes, ...]


def bookkeeper_keys_path(data_dir: Path) -> Path:
    return data_dir / KEYS_FILE


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _bookkeeper_secrets(count: int, seed: bytes | None) -> list[bytes]:
    if seed is None:
        return [random_key(Curve.SECP256R1)[0] for _ in range(count)]
    return [derive_key(Curve.SECP256R1, seed, "bookkeeper", i)[0] for i in range(count)]


def _draw_magic(rng: random.Random) -> int:
    while True:
        magic = rng.getrandbits(32)
        if magic not in RESERVED_MAGICS:
            return magic


def _profile_dict(
    keys: list[bytes], magic: int, block_time: int, timestamp: int, nonce: int
) -> dict[str, Any]:
    return {
        "name": "devnet",
        "magic": magic,
        "p2p_port": DEFAULT_P2P_PORT,
        "rpc_port": DEFAULT_RPC_PORT,
        "address_version": ADDRESS_VERSION,
        "block_time_seconds": block_time,
        "standby_keys": [k.hex() for k in keys],
        "genesis": {
            "timestamp": timestamp,
            "nonce": nonce,
            "ans_name": ANS_NAME,
            "anc_name": ANC_NAME,
        },
        "service_fees_anc": dict(SERVICE_FEES_ANC),
        "min_enrollment_deposit_anc": MIN_ENROLLMENT_DEPOSIT_ANC,
        "seeds": [],
    }


def _write_new(path: Path, text: str, mode: int) -> None:
    """Create `path` with `mode`; FileExistsError if anything is there (no race with O_EXCL)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # the umask may only have narrowed it, but be exact
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            fd = -1
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    finally:
        if fd >= 0:
            os.close(fd)


def init_devnet(
    data_dir: Path,
    bookkeepers: int = 1,
    block_time: int = DEFAULT_BLOCK_TIME_SECONDS,
    magic: int | None = None,
    seed: int | str | bytes | None = None,
    timestamp: int | None = None,
) -> DevnetInit:
    """Write a new devnet's profile and bookkeeper keys into `data_dir` (created if missing).

    Raises ValueError for out-of-range arguments and FileExistsError when the data dir already
    holds a profile or keys file; in both cases nothing is written.
    """
    _check_range("bookkeepers", bookkeepers, 1, MAX_BOOKKEEPERS)
    _check_range("block time (seconds)", block_time, 1, 3600)
    if magic is not None:
        _check_range("magic", magic, 0, 0xFFFFFFFF)
        if magic in RESERVED_MAGICS:
            raise ValueError(f"magic 0x{magic:08x} belongs to a public network (SPEC §2)")
    data_dir = Path(data_dir)
    profile_path = data_dir / PROFILE_FILE
    keys_path = bookkeeper_keys_path(data_dir)
    for path in (profile_path, keys_path):
        if path.exists():
            raise FileExistsError(f"{path} already exists: refusing to overwrite a devnet")

    seed_b = None if seed is None else seed_bytes(seed)
    rng = random.Random(os.urandom(32) if seed_b is None else b"devnet-init\x00" + seed_b)
    secrets = _bookkeeper_secrets(bookkeepers, seed_b)
    keys = [public_key_from_secret(s) for s in secrets]
    if len(set(keys)) != len(keys):
        raise RuntimeError("two bookkeeper keys collided")  # 2^-128: a broken generator
    profile_data = _profile_dict(
        keys,
        _draw_magic(rng) if magic is None else magic,
        block_time,
        int(time.time()) if timestamp is None else timestamp,
        rng.getrandbits(32),  # the genesis nonce is also the MinerTransaction's u32 nonce
    )
    profile = Profile.from_dict(profile_data)
    genesis_block(profile)  # fails here, before writing, if the profile cannot make a chain

    keys_doc = {
        "warning": KEYS_WARNING,
        "network": profile.name,
        "magic": profile.magic,
        "keys": [
            {"public_key": k.hex(), "wif": wif_encode(s)}
            for k, s in zip(keys, secrets, strict=True)
        ],
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    _write_new(keys_path, json.dumps(keys_doc, indent=2) + "\n", 0o600)
    try:
        _write_new(
            profile_path, json.dumps(profile_data, indent=2, ensure_ascii=False) + "\n", 0o644
        )
    except OSError:
        keys_path.unlink()  # keys without their profile would only confuse the next init
        raise
    return DevnetInit(load_profile(str(profile_path)), profile_path, keys_path, tuple(secrets))


def load_bookkeeper_keys(data_dir: Path) -> list[bytes]:
    """The bookkeepers' 32-byte secrets from `data_dir`/bookkeeper-keys.json, in profile order.

    Raises ValueError naming the file for a missing, malformed or inconsistent keys file.
    """
    return read_bookkeeper_keys(bookkeeper_keys_path(Path(data_dir)))


def read_bookkeeper_keys(path: Path) -> list[bytes]:
    """The 32-byte secrets of a bookkeeper keys file (the format `init_devnet` writes)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        entries = doc["keys"]
        if not isinstance(entries, list) or not entries:
            raise ValueError("'keys' must be a non-empty list")
        secrets: list[bytes] = []
        for i, entry in enumerate(entries):
            secret = wif_decode(entry["wif"])
            expected = entry.get("public_key")
            if expected is not None and public_key_from_secret(secret).hex() != expected:
                raise ValueError(f"keys[{i}]: the WIF does not belong to public key {expected}")
            secrets.append(secret)
        return secrets
    except FileNotFoundError as exc:
        raise ValueError(
            f"no bookkeeper keys at {path}: create a devnet with `antshares devnet init`"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: invalid bookkeeper keys file ({exc})") from exc
