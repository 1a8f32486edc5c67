"""``python -m bench stages FILE``: one load of FILE into a fresh warehouse (in a process of its own)
with its stages timed.

The load measures its own stages (``LoadSummary.stages``, see etl.progress.TIMED_STAGES): wall time of
the load's thread, so the checks that run in a worker thread while DuckDB writes count only for the
time the load waited for them, and the stages add up to no more than the total; the rest is hashing
the file, the private copy, the commit and the swap. It also reports its steps (``LoadSummary.steps``:
reading, checking, writing, every metric statement, the commit) with the process's CPU seconds in
each; with ``sequential`` the checks do not overlap the writes, so each step's CPU seconds are its own.
For reading where a load's time goes; the benchmark proper is ``python -m bench all``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

# What each of the load's stages holds, as the lines of ``python -m bench stages`` name them.
STAGE_LABELS = {
    "read": "read: open, find the header, the first piece (Polars)",
    "check": "check: waiting for read, trim, type, quarantine of the next slice (Polars, worker thread)",
    "write": "write: fact rows, raw rows, settled repeats, quarantine, cell warnings (DuckDB)",
    "refresh": "metric refresh: settle provisional fct rows, met, dim (DuckDB)",
}
REST = "the rest: file hash, private copy, commit, swap"

LOAD = """
import json, resource, sys, time
import etl.apply
from etl.load import load_files
etl.apply.OVERLAP = sys.argv[3] != "sequential"
t = time.perf_counter()
s = load_files([sys.argv[1]], db=sys.argv[2])
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "cpu_s": r.ru_utime + r.ru_stime, "peak_mb": r.ru_maxrss / 1024,
                  "summary_seconds": s.seconds, "stages": s.stages, "steps": s.steps, "steps_cpu": s.steps_cpu,
                  "loaded": s.loaded}))
"""


def run_load(path: Path, sequential: bool = False) -> dict:
    """``load_files([path])`` into a new warehouse, in a fresh process (deleted after): its seconds, the
    process's CPU seconds and peak memory, and the summary's stages and steps."""
    from bench.load_bench import run_child

    work = Path(tempfile.mkdtemp(prefix="bench-stages-"))
    try:
        return run_child(LOAD, path, work / "hotline.duckdb", "sequential" if sequential else "overlap")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def stage_table(out: dict) -> dict[str, float]:
    """Stage label -> seconds of a :func:`run_load`, with the time outside the stages as :data:`REST`."""
    spent = {STAGE_LABELS[stage]: seconds for stage, seconds in out["stages"].items()}
    spent[REST] = round(max(out["summary_seconds"] - sum(out["stages"].values()), 0.0), 3)
    return spent


def time_stages(path: Path) -> tuple[float, dict[str, float]]:
    """(total seconds, stage label -> seconds) of ``load_files([path])`` into a new warehouse, as the
    load reports them, with the time outside its stages as :data:`REST`."""
    out = run_load(path)
    return out["summary_seconds"], stage_table(out)


FLOOR_PARTS = (
    ("parse only: SELECT count(*) FROM read_csv(file)", "SELECT count(*) FROM read_csv(?)"),
    ("parse and type into memory: CREATE TEMP TABLE ... AS", "CREATE TEMP TABLE t AS SELECT * FROM read_csv(?)"),
    ("the floor: CREATE TABLE ... AS (into the file)", "CREATE TABLE t AS SELECT * FROM read_csv(?)"),
)
PART = """
import duckdb, json, sys, time
con = duckdb.connect(sys.argv[3])
t = time.perf_counter()
con.execute(sys.argv[2], [sys.argv[1]])
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def floor_parts(path: Path) -> dict[str, float]:
    """Where the floor's own time goes: DuckDB parsing ``path`` alone, parsing and typing it into
    memory, and the floor itself (into a table of a new file); each in its own process and database,
    as ``python -m bench load`` runs the floor."""
    from bench.load_bench import run_child

    spent: dict[str, float] = {}
    for label, sql in FLOOR_PARTS:
        work = Path(tempfile.mkdtemp(prefix="bench-floor-"))
        try:
            spent[label] = run_child(PART, path, sql, work / "floor.duckdb")["seconds"]
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return spent
