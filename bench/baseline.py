"""The way an analyst would otherwise do it: pandas ``read_csv`` of the export and ``to_sql`` into
SQLite. Timed in its own process like the others; skipped, with a message, when pandas is missing
(it is a bench-only dependency: ``pip install -r requirements-bench.txt``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bench.load_bench import run_child

PANDAS_SQLITE = """
import json, resource, sqlite3, sys, time
import pandas as pd
t = time.perf_counter()
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
read_s = time.perf_counter() - t
con = sqlite3.connect(sys.argv[2])
frame.to_sql("orders", con, index=False, chunksize=50_000)
con.commit()
con.close()
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "read_s": read_s, "peak_mb": r.ru_maxrss / 1024,
                  "cpu_s": r.ru_utime + r.ru_stime, "rows": len(frame)}))
"""


def pandas_available() -> bool:
    return importlib.util.find_spec("pandas") is not None


def measure_pandas_sqlite(csv: Path, work: Path, repeat: int = 1) -> dict:
    """Best of ``repeat`` runs; {'skipped': reason} without pandas."""
    if not pandas_available():
        return {"skipped": "pandas is not installed (pip install -r requirements-bench.txt)"}
    runs = []
    for i in range(repeat):
        db = work / f"pandas-{i}.sqlite"
        db.unlink(missing_ok=True)
        runs.append(run_child(PANDAS_SQLITE, csv, db))
        db.unlink(missing_ok=True)
    best = min(runs, key=lambda r: r["seconds"])
    return {
        "seconds": round(best["seconds"], 2),
        "read_s": round(best["read_s"], 2),
        "peak_mb": round(best["peak_mb"]),
        "cpu_s": round(best["cpu_s"], 1),
        "runs_s": [round(r["seconds"], 2) for r in runs],
        "rows": best["rows"],
    }
