"""Node processes on loopback: what `make demo` and the functional tests start.

`LocalNode` runs `antshares node` as a child process with its own data dir and TOML config
(ports 0 at first: the node picks free ones and writes them to `node-info.json`; a restart keeps
them), logs to
`<data dir>/node.log`, and talks to it through `RpcClient`. `stop()` sends SIGINT and waits
for the clean shutdown; `kill()` is SIGKILL (crash tests).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from antshares.node.service import NODE_INFO_FILE
from antshares.rpc.client import RpcClient, RpcError, RpcUnavailable

__all__ = ["LocalNode", "wait_until"]

START_TIMEOUT = 30.0


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `predicate()` until it returns something truthy; TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except (RpcUnavailable, RpcError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class LocalNode:
    def __init__(
        self,
        name: str,
        data_dir: Path,
        profile_path: Path,
        *,
        seeds: Sequence[tuple[str, int]] = (),
        key_file: Path | None = None,
        block_time: float | None = None,
        extra_config: str = "",
        log_format: str = "text",
    ) -> None:
        self.name = name
        self.data_dir = data_dir
        self.profile_path = profile_path
        self.seeds = list(seeds)
        self.key_file = key_file
        self.block_time = block_time
        self.extra_config = extra_config
        self.log_format = log_format
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.p2p_port = 0
        self.rpc_port = 0

    @property
    def config_path(self) -> Path:
        return self.data_dir / "node.toml"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "node.log"

    def _write_config(self) -> None:
        seeds = ", ".join(f'"{h}:{p}"' for h, p in self.seeds)
        # The first start picks free ports; a restart keeps them, so peers find it again.
        lines = [
            "[p2p]",
            f"port = {self.p2p_port}",
            f"seeds = [{seeds}]",
            "[rpc]",
            f"port = {self.rpc_port}",
            "[log]",
            f'format = "{self.log_format}"',
        ]
        if self.key_file is not None:
            lines += ["[bookkeeper]", f'key_file = "{self.key_file}"']
            if self.block_time is not None:
                lines.append(f"block_time = {self.block_time}")
        self.config_path.write_text("\n".join(lines) + "\n" + self.extra_config)

    def start(self) -> "LocalNode":
        """Start the process and wait until it listens (its node-info.json names the ports)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        profile = self.data_dir / "profile.json"
        if not profile.exists():
            shutil.copyfile(self.profile_path, profile)
        self._write_config()
        info = self.data_dir / NODE_INFO_FILE
        info.unlink(missing_ok=True)
        self._log = self.log_path.open("ab")
        command = [sys.executable, "-m", "antshares", "node", "--network", "devnet"]
        command += ["--data-dir", str(self.data_dir), "--config", str(self.config_path)]
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)

        def ready() -> dict[str, Any] | None:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"node {self.name} exited at start: see {self.log_path}")
            if not info.exists():
                return None
            doc: dict[str, Any] = json.loads(info.read_text())
            return doc if doc.get("pid") == self.process.pid else None  # type: ignore[union-attr]

        doc = wait_until(ready, START_TIMEOUT, f"node {self.name} to listen")
        self.p2p_port = int(doc["p2p_port"])
        self.rpc_port = int(doc["rpc_port"])
        return self

    @property
    def endpoint(self) -> tuple[str, int]:
        return ("127.0.0.1", self.p2p_port)

    @property
    def rpc(self) -> RpcClient:
        return RpcClient(f"http://127.0.0.1:{self.rpc_port}", timeout=10)

    def height(self) -> int:
        return int(self.rpc.call("getblockcount")) - 1

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> int:
        """SIGINT, then wait for the clean exit (SIGKILL after `timeout`). The exit status."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self._finish()

    def kill(self) -> None:
        """SIGKILL: a crash, no shutdown at all."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._finish()

    def _finish(self) -> int:
        code = 0 if self.process is None else int(self.process.returncode)
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
