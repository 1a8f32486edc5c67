"""``python -m bench load``: the project's load of an N-row export against DuckDB's bare read_csv of
the same file into a table (the floor). Each measurement runs in its own process, so its peak
memory is its own and no cache of an earlier run helps it. Floor and project run back to back in
every round (so both see the same machine load), and the best of the rounds is kept.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.generate import write_export
from warehouse.parts import parts_dir

ROOT = Path(__file__).resolve().parents[1]

FLOOR = """
import duckdb, json, resource, sys, time
t = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
con.close()
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": r.ru_maxrss / 1024, "cpu_s": r.ru_utime + r.ru_stime}))
"""

PROJECT = """
import json, os, resource, sys, time
from etl.load import load_files
t = time.perf_counter()
s = load_files([sys.argv[1]], db=sys.argv[2])
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": r.ru_maxrss / 1024, "cpu_s": r.ru_utime + r.ru_stime,
                  "file_s": s.details[0].seconds, "rebuild_s": s.rebuild_seconds, "refresh": s.refresh,
                  "loaded": s.loaded, "updated": s.updated, "quarantined": s.quarantined,
                  "db_mb": os.path.getsize(sys.argv[2]) / 2**20}))
"""


def run_child(script: str, *args: object, env: dict[str, str] | None = None) -> dict:
    """Run a measurement script in a fresh interpreter; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench child failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_load(
    rows: int,
    encodings: tuple[str, ...] = ("utf-8", "gbk"),
    repeat: int = 3,
    workdir: Path | None = None,
    keep_db: Path | None = None,
) -> list[dict]:
    """Best-of-``repeat`` seconds for floor and project per encoding (DuckDB cannot read GBK here,
    so the GBK floor is DuckDB's read of the same data in UTF-8). ``keep_db``: where to keep the
    warehouse of the last UTF-8 project run (for the query benchmarks)."""
    work = Path(workdir or tempfile.mkdtemp(prefix="bench-load-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    utf8 = export_file(work, rows, "utf-8")
    for enc in encodings:
        src = utf8 if enc == "utf-8" else export_file(work, rows, "gbk")
        floors, projects = [], []
        for i in range(repeat):
            floor_db = work / f"floor-{enc}-{i}.duckdb"
            floors.append(run_child(FLOOR, utf8, floor_db))
            floor_db.unlink(missing_ok=True)
            project_db = work / f"project-{enc}-{i}" / "hotline.duckdb"
            projects.append(run_child(PROJECT, src, project_db))
            if keep_db is not None and enc == "utf-8" and i == repeat - 1:
                keep_db.parent.mkdir(parents=True, exist_ok=True)
                for f in project_db.parent.iterdir():
                    if f.is_file():
                        shutil.move(str(f), keep_db.parent / (keep_db.name if f == project_db else f.name))
                    elif f == parts_dir(project_db):  # the order rows (warehouse.parts), beside the head
                        shutil.rmtree(parts_dir(keep_db), ignore_errors=True)
                        shutil.move(str(f), parts_dir(keep_db))
            shutil.rmtree(project_db.parent, ignore_errors=True)
        floor = min(floors, key=lambda r: r["seconds"])
        project = min(projects, key=lambda r: r["seconds"])
        results.append({
            "rows": rows, "encoding": enc, "file_mb": round(src.stat().st_size / 2**20, 1),
            "floor_s": round(floor["seconds"], 2), "project_s": round(project["seconds"], 2),
            "ratio": round(project["seconds"] / floor["seconds"], 2),
            "project_file_s": project["file_s"], "project_rebuild_s": project["rebuild_s"],
            "project_peak_mb": round(project["peak_mb"]), "floor_peak_mb": round(floor["peak_mb"]),
            "project_cpu_s": round(project["cpu_s"], 1), "floor_cpu_s": round(floor["cpu_s"], 1),
            "floor_runs_s": [round(r["seconds"], 2) for r in floors],
            "project_runs_s": [round(r["seconds"], 2) for r in projects],
            "loaded": project["loaded"], "quarantined": project["quarantined"], "db_mb": round(project["db_mb"]),
        })  # fmt: skip
    if workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return results


def export_file(work: Path, rows: int, encoding: str = "utf-8") -> Path:
    """The generated export of ``rows`` orders in ``work`` (written once, reused)."""
    path = work / f"orders-{rows}-{'utf8' if encoding == 'utf-8' else 'gbk'}.csv"
    if not path.exists():
        write_export(path.with_suffix(".part"), rows, encoding=encoding)
        path.with_suffix(".part").rename(path)
    return path


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            models = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        cpu = models[0] if models else cpu
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def load_average() -> str:
    try:
        with open("/proc/loadavg") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return "n/a"
