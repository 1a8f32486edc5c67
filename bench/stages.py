"""``python -m bench stages FILE``: one load of FILE into a fresh warehouse, with the stage timings the
load itself reports (``LoadSummary.stages``: reading, checking, writing, every metric statement, the
commit), and the process's CPU time. Steps of the checks' worker thread overlap the writes, so the rows
do not add up to the total. For reading where a load's time goes; the benchmark proper is
``python -m bench all``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

LOAD = """
import json, resource, sys, time
import etl.apply
from etl.load import load_files
etl.apply.OVERLAP = sys.argv[3] != "sequential"
t = time.perf_counter()
s = load_files([sys.argv[1]], db=sys.argv[2])
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "cpu_s": r.ru_utime + r.ru_stime, "peak_mb": r.ru_maxrss / 1024,
                  "stages": s.stages, "stages_cpu": s.stages_cpu, "loaded": s.loaded}))
"""


def time_stages(path: Path, sequential: bool = False) -> tuple[float, dict[str, float]]:
    """(total seconds, stage -> seconds) of ``load_files([path])`` into a new warehouse, in a fresh
    process; the stages include ``(process CPU seconds)`` and ``(peak memory MB)``. ``sequential``: the
    checks do not overlap the writes, and each stage is given as ``seconds / CPU seconds`` of its own."""
    from bench.load_bench import run_child

    work = Path(tempfile.mkdtemp(prefix="bench-stages-"))
    try:
        out = run_child(LOAD, path, work / "hotline.duckdb", "sequential" if sequential else "overlap")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stages = dict(out["stages"])
    if sequential:
        stages.update({f"{name} [CPU]": cpu for name, cpu in out["stages_cpu"].items()})
    stages["(process CPU seconds)"] = round(out["cpu_s"], 2)
    stages["(peak memory MB)"] = round(out["peak_mb"])
    return out["seconds"], stages


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
