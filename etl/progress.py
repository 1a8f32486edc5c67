"""Progress of a load, for a person watching: a callback of :class:`LoadProgress` events (the data page
can drive its own bar with it) and the terminal bar the CLI draws with them.

The fraction is by bytes: each file counts for its size, within a file by the share of it read and
written so far (a file is written a slice at a time), and the metric refresh at the end takes the last 5 %.

The seconds each stage took are measured here too (``timed``) and returned in the load's summary
(``LoadSummary.stages``), for ``python -m bench stages`` to read.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO, TypeVar

REFRESH_SHARE = 0.05
T = TypeVar("T")


@dataclass(frozen=True)
class LoadProgress:
    fraction: float  # 0 … 1 of the whole load
    stage: str  # read | write | refresh | done
    file: str = ""  # the file being read or written
    rows: int = 0  # rows of that file written so far


ProgressCallback = Callable[[LoadProgress], None]


class Tracker:
    """Turns the load's steps into LoadProgress events for ``callback`` (nothing when it is None)."""

    def __init__(self, total_bytes: int, callback: ProgressCallback | None) -> None:
        self.total, self.callback = max(total_bytes, 1), callback
        self.done_bytes = self.size = self.rows = 0
        self.done = 0.0  # share of the current file written
        self.file = ""

    def _emit(self, fraction: float, stage: str) -> None:
        if self.callback is not None:
            self.callback(LoadProgress(round(min(fraction, 1.0), 4), stage, self.file, self.rows))

    def _files_share(self, done: float) -> float:
        return (1 - REFRESH_SHARE) * done / self.total

    def start_file(self, name: str, size: int) -> None:
        self.file, self.size, self.rows, self.done = name, size, 0, 0.0
        self._emit(self._files_share(self.done_bytes), "read")

    def wrote(self, rows: int, done: float) -> None:
        """``rows`` more rows of the file written; ``done``: the share of the file read so far."""
        self.rows += rows
        self.done = max(self.done, min(done, 1.0))
        self._emit(self._files_share(self.done_bytes + self.size * self.done), "write")

    def end_file(self) -> None:
        self.done_bytes += self.size
        self._emit(self._files_share(self.done_bytes), "write")

    def refresh(self) -> None:
        self.file, self.rows = "", 0
        self._emit(1 - REFRESH_SHARE, "refresh")

    def finish(self) -> None:
        self._emit(1.0, "done")


STAGES = {"read": "读取", "write": "写入", "refresh": "计算指标", "done": "完成"}


class TerminalBar:
    """``导入 [########............]  40%  file.csv（写入）`` redrawn in place on a terminal; silent when
    ``enabled`` is false (``--json``, or output that is not a terminal: a pipe, a log file, cron)."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None, width: int = 28) -> None:
        self.stream = stream or sys.stderr
        self.enabled = (sys.stdout.isatty() and self.stream.isatty()) if enabled is None else enabled
        self.width, self.last = width, None

    def __call__(self, event: LoadProgress) -> None:
        if not self.enabled:
            return
        shown = (int(event.fraction * 100), event.stage, event.file)
        if shown == self.last:
            return
        self.last = shown
        filled = int(event.fraction * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        what = f"  {event.file}" if event.file else ""
        self.stream.write(f"\r导入 [{bar}] {shown[0]:3d}%{what}（{STAGES.get(event.stage, event.stage)}）\x1b[K")
        if event.stage == "done":
            self.stream.write("\n")
        self.stream.flush()


# Where a load's time goes, for ``python -m bench stages`` (the names above where they meet):
# read = open the file, find the header, parse its cells (prepare_file); check = waiting for the checks
# of the next slice (tidy, type, quarantine: they run in a worker thread while DuckDB writes the previous
# slice, and only the wait is the load's time); write = stage snapshots, write raw rows, quarantine and
# cell warnings (DuckDB); refresh = the metric tables (warehouse.metrics.refresh).
TIMED_STAGES = ("read", "check", "write", "refresh")


@contextlib.contextmanager
def timed(spent: dict[str, float], stage: str) -> Iterator[None]:
    """Add the wall time of the block to ``spent[stage]``, also when it raises."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - t0


def timed_items(items: Iterator[T], spent: dict[str, float], stage: str) -> Iterator[T]:
    """The items of ``items``, the time spent waiting for each added to ``spent[stage]``."""
    while True:
        with timed(spent, stage):
            try:
                item = next(items)
            except StopIteration:
                return
        yield item
