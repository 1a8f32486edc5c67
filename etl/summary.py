"""What a load reports: per file and in total, the SPEC §7 counts, and where its time went.

``LoadSummary.stages`` gives the seconds of each of etl.progress.TIMED_STAGES (read, check, write,
refresh): wall time of the load's own thread, floored to the millisecond, so they never add up to more
than ``seconds``; ``python -m bench stages`` reads them instead of timing the code from outside.
``steps`` (per file and in total) break them down by named step (reading, checking, writing, each
metric statement…), with the process's CPU seconds in each; steps of the checks' worker thread overlap
the writes, so the steps add up to more than ``seconds``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

COUNTS = ("rows_read", "loaded", "updated", "unchanged", "quarantined", "duplicates", "cell_warnings")


@dataclass
class FileResult:
    file: str
    status: str  # loaded | already_loaded | rejected
    message: str = ""
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    cell_warnings: int = 0  # loaded rows with a yes/no or count cell that could not be read (raw_cell_warnings)
    encoding: str | None = None
    sheet: str | None = None
    column_map: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    # what the analyst should look at although the file loaded: profile aliases that match no header,
    # an encoding guessed without certainty, a cell that swallowed whole records (--strict: exit 1)
    warnings: list[str] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step of this file (see the module)
    steps_cpu: dict[str, float] = field(default_factory=dict)  # the process's CPU seconds in each


@dataclass
class LoadSummary:
    files: int = 0
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    cell_warnings: int = 0
    rejected_files: int = 0
    warnings: int = 0  # of all files (FileResult.warnings)
    seconds: float = 0.0
    rebuild_seconds: float = 0.0  # of ``seconds``: recomputing the metric tables after the files
    # of ``seconds``, per stage (etl.progress.TIMED_STAGES): wall time of the load's own thread, floored to
    # the millisecond, so they never add up to more than ``seconds``; the rest: hashing, private copy, swap
    stages: dict[str, float] = field(default_factory=dict)
    refresh: str = ""  # how the metric tables were brought up to date: incremental | full
    db: str = ""
    is_demo: bool | None = None  # the warehouse after the load (None: nothing was written)
    demo_discarded: int = 0  # demo orders discarded by --replace-demo
    key_note: str = ""  # set when --new-key accepted a different phone-hash key
    details: list[FileResult] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step of the whole load (see the module)
    steps_cpu: dict[str, float] = field(default_factory=dict)  # the process's CPU seconds in each

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.details.append(result)
        if result.status == "rejected":
            self.rejected_files += 1
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(result, name))
        self.warnings += len(result.warnings)
        self.add_steps(result.steps, result.steps_cpu)

    def add_steps(self, seconds: dict[str, float], cpu: dict[str, float]) -> None:
        for name, value in seconds.items():
            self.steps[name] = round(self.steps.get(name, 0.0) + value, 3)
        for name, value in cpu.items():
            self.steps_cpu[name] = round(self.steps_cpu.get(name, 0.0) + value, 3)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


class Stopwatch:
    """Seconds per named step, added to from any thread; and the process's CPU seconds in each step
    (``cpu``: every thread's, so only meaningful when the steps do not overlap: ``bench stages --sequential``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._lock = threading.Lock()

    def add(self, name: str, seconds: float, cpu: float = 0.0) -> None:
        with self._lock:
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds
            self.cpu[name] = self.cpu.get(name, 0.0) + cpu

    @contextlib.contextmanager
    def time(self, name: str) -> Iterator[None]:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started, time.process_time() - cpu)

    def rounded(self) -> dict[str, float]:
        return {name: round(seconds, 3) for name, seconds in self.seconds.items()}

    def rounded_cpu(self) -> dict[str, float]:
        return {name: round(seconds, 3) for name, seconds in self.cpu.items()}
