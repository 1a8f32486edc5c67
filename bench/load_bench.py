"""``python -m bench load``: the project's load of an N-row export against DuckDB's bare read_csv of
the same file into a table (the floor). Each measurement runs in its own process, so its peak
memory is its own and no cache of an earlier run helps it.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.generate import write_export

ROOT = Path(__file__).resolve().parents[1]

FLOOR = """
import duckdb, json, resource, sys, time
t = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
con.close()
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PROJECT = """
import json, resource, sys, time
from etl.load import load_files
t = time.perf_counter()
s = load_files([sys.argv[1]], db=sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "loaded": s.loaded, "quarantined": s.quarantined}))
"""


def _run(script: str, csv: Path, db: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script, str(csv), str(db)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_load(
    rows: int, encodings: tuple[str, ...] = ("utf-8", "gbk"), repeat: int = 3, workdir: Path | None = None
) -> list[dict]:
    """Best-of-``repeat`` seconds for floor and project per encoding (DuckDB cannot read GBK here,
    so the GBK floor is DuckDB's read of the same data in UTF-8)."""
    work = Path(workdir or tempfile.mkdtemp(prefix="bench-load-"))
    results = []
    utf8 = write_export(work / f"orders-{rows}-utf8.csv", rows)
    for enc in encodings:
        src = utf8 if enc == "utf-8" else write_export(work / f"orders-{rows}-gbk.csv", rows, encoding="gbk")
        floors, projects = [], []
        for i in range(repeat):
            floors.append(_run(FLOOR, utf8, work / f"floor-{enc}-{i}.duckdb"))
            project_db = work / f"project-{enc}-{i}" / "hotline.duckdb"
            projects.append(_run(PROJECT, src, project_db))
            shutil.rmtree(project_db.parent, ignore_errors=True)
            (work / f"floor-{enc}-{i}.duckdb").unlink(missing_ok=True)
        floor = min(floors, key=lambda r: r["seconds"])
        project = min(projects, key=lambda r: r["seconds"])
        results.append({
            "rows": rows, "encoding": enc, "file_mb": round(src.stat().st_size / 2**20, 1),
            "floor_s": round(floor["seconds"], 2), "project_s": round(project["seconds"], 2),
            "ratio": round(project["seconds"] / floor["seconds"], 2),
            "project_peak_mb": round(project["peak_mb"]), "floor_peak_mb": round(floor["peak_mb"]),
            "loaded": project["loaded"],
        })  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    return results


def machine() -> str:
    import os

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"
