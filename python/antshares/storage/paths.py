"""Where a node keeps its data: one folder per network under the user's data directory."""

import os
from pathlib import Path

__all__ = ["data_dir"]


def data_dir(network: str, override: str | os.PathLike[str] | None = None) -> Path:
    """The data dir of `network` (a profile name such as mainnet, testnet, devnet).

    `override` (a `--data-dir` option) wins when given. Otherwise
    `$XDG_DATA_HOME/antshares/<network>`, or `~/.local/share/antshares/<network>` when
    XDG_DATA_HOME is unset, empty or relative (as the XDG Base Directory spec requires).
    """
    if override is not None:
        return Path(override).expanduser()
    if network in ("", ".", "..") or any(c in network for c in "/\\\0"):
        raise ValueError(f"network name {network!r} cannot name a data folder")
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "antshares" / network
