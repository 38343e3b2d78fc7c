"""Progress of long jobs (import, export, replay): blocks, transactions, rates, ETA, on stderr.

On a terminal one line is rewritten in place (`\\r`) at most every `TTY_INTERVAL_S`; into a file
or pipe a line is appended every `LOG_INTERVAL_S`, so logs stay readable. `finish()` (or leaving
the `with` block) prints one summary line. Rates are averages since the start, so they and the
ETA settle instead of jumping with the size of each block.
"""

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

__all__ = ["LOG_INTERVAL_S", "TTY_INTERVAL_S", "Progress", "format_duration"]

TTY_INTERVAL_S = 0.5
LOG_INTERVAL_S = 5.0


def format_duration(seconds: float) -> str:
    """`42s`, `3m05s`, `2h07m`: short enough for a status line."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def _rate(count: int, elapsed: float) -> float:
    return count / elapsed if elapsed > 0 else 0.0


class Progress:
    """Counts blocks and transactions of one job and reports them to `stream` (stderr).

    `total` is the number of blocks the job will process, when known (percent and ETA).
    `count_txs=False` leaves transactions out of the lines (a job that does not parse blocks).
    `clock` returns seconds (monotonic); `tty` overrides the terminal detection of `stream`.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        quiet: bool = False,
        count_txs: bool = True,
        clock: Callable[[], float] = time.monotonic,
        tty: bool | None = None,
    ) -> None:
        if total is not None and total < 0:
            raise ValueError(f"total {total} must not be negative")
        self.label = label
        self.total = total
        self.quiet = quiet
        self.count_txs = count_txs
        self.blocks = 0
        self.txs = 0
        self.height: int | None = None
        self._stream = stream if stream is not None else sys.stderr
        self._clock = clock
        self._tty = self._stream.isatty() if tty is None else tty
        self._interval = TTY_INTERVAL_S if self._tty else LOG_INTERVAL_S
        self._started = clock()
        self._last_print = self._started
        self._line_width = 0  # of the last in-place line, to blank its leftovers
        self._finished = False

    def advance(self, blocks: int = 1, txs: int = 0, height: int | None = None) -> None:
        """Count `blocks` more blocks holding `txs` transactions; `height`: the last one's."""
        self.blocks += blocks
        self.txs += txs
        if height is not None:
            self.height = height
        if self.quiet:
            return
        now = self._clock()
        if now - self._last_print >= self._interval:
            self._last_print = now
            self._emit(self.status_line(now), final=False)

    def status_line(self, now: float | None = None) -> str:
        """`LABEL: height H, B blocks (R/s), T tx (R/s), P%, ETA D`; unknown parts left out."""
        elapsed = (self._clock() if now is None else now) - self._started
        block_rate = _rate(self.blocks, elapsed)
        parts = []
        if self.height is not None:
            parts.append(f"height {self.height:,}")
        parts.append(f"{self.blocks:,} blocks ({block_rate:,.0f}/s)")
        if self.count_txs:
            parts.append(f"{self.txs:,} tx ({_rate(self.txs, elapsed):,.0f}/s)")
        if self.total:
            parts.append(f"{100 * min(self.blocks, self.total) / self.total:.1f}%")
            remaining = max(self.total - self.blocks, 0)
            if remaining == 0:
                parts.append("ETA 0s")
            elif block_rate > 0:
                parts.append(f"ETA {format_duration(remaining / block_rate)}")
        return f"{self.label}: " + ", ".join(parts)

    def summary_line(self, now: float | None = None, stopped: bool = False) -> str:
        """`LABEL: done, B blocks, T tx in D (R blocks/s, R tx/s)[, last height H]`."""
        elapsed = (self._clock() if now is None else now) - self._started
        counts = f"{self.blocks:,} blocks"
        rates = f"{_rate(self.blocks, elapsed):,.0f} blocks/s"
        if self.count_txs:
            counts += f", {self.txs:,} tx"
            rates += f", {_rate(self.txs, elapsed):,.0f} tx/s"
        state = "stopped" if stopped else "done"
        line = f"{self.label}: {state}, {counts} in {format_duration(elapsed)} ({rates})"
        if self.height is not None:
            line += f", last height {self.height:,}"
        return line

    def finish(self, stopped: bool = False) -> None:
        """Print the summary line once; `stopped`: the job ended early (error, interrupt)."""
        if self._finished:
            return
        self._finished = True
        if not self.quiet:
            self._emit(self.summary_line(stopped=stopped), final=True)

    def _emit(self, line: str, final: bool) -> None:
        if self._tty:
            pad = " " * max(self._line_width - len(line), 0)
            self._line_width = 0 if final else len(line)
            self._stream.write(f"\r{line}{pad}" + ("\n" if final else ""))
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.finish(stopped=exc_type is not None)
