"""A monthly load into a big warehouse: one fixed next-month export (the same file whatever the size of
the history: new orders plus later snapshots of some earlier ones), loaded into a copy of the warehouse
the load benchmark built. Only what changed is recomputed (meta ``metrics_refresh_scope``), and a load
writes a new part file and copies only the head (warehouse.parts): issue 18 asks that its time at 30M
orders of history be at most 1.5x its time at 1M."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import polars as pl

from bench.generate import generate_frame
from bench.load_bench import run_child
from warehouse.parts import parts_dir

MONTHLY = """
import json, resource, sys, time
from pathlib import Path
from etl.load import load_files
from warehouse.connection import open_read_only
t = time.perf_counter()
s = load_files([sys.argv[1]], db=sys.argv[2])
r = resource.getrusage(resource.RUSAGE_SELF)
con = open_read_only(Path(sys.argv[2]))
scope = con.execute("SELECT value FROM meta WHERE key = 'metrics_refresh_scope'").fetchall()
total = con.execute("SELECT count(*) FROM fct_work_orders").fetchall()[0][0]
con.close()
print(json.dumps({"seconds": time.perf_counter() - t, "file_s": s.details[0].seconds, "rebuild_s": s.rebuild_seconds,
                  "refresh": s.refresh, "loaded": s.loaded, "updated": s.updated, "peak_mb": r.ru_maxrss / 1024,
                  "scope": scope[0][0] if scope else None, "orders_total": total,
                  "steps": dict(sorted(s.steps.items(), key=lambda kv: -kv[1])[:8])}))
"""


# The next-month export of issue 18: 100,000 rows whatever the history (90,000 new orders, 10,000 later
# snapshots of orders of the history's last two months).
MONTH_NEW, MONTH_UPDATED = 90_000, 10_000


def write_next_month(path: Path, new_rows: int = MONTH_NEW, updated_rows: int = MONTH_UPDATED) -> tuple[int, int]:
    """A month after the generated year: ``new_rows`` new orders, and ``updated_rows`` orders of the last
    two months again with a changed outcome (a monthly export re-sends the recent orders whose handling
    went on: updated snapshots). The earlier orders are from the first million of every generated export
    (bench.generate.write_export: seed 7, prefix B07000-), so the same file fits every history of at least
    that many orders. Returns (new, updated)."""
    new = generate_frame(new_rows, seed=99, start=datetime(2026, 1, 1), days=31, prefix="M99-")
    earlier = generate_frame(1_000_000, seed=7, prefix="B07000-")
    earlier = earlier.filter(pl.col("受理时间") >= "2025-11-01").head(updated_rows)
    changed = earlier.with_columns(pl.lit("未解决").alias("是否解决"), pl.lit("不满意").alias("满意度"))
    path.write_text(pl.concat([new, changed]).write_csv(), encoding="utf-8")
    return new.height, changed.height


def measure_monthly(warehouse: Path, work: Path, repeat: int = 1) -> dict:
    """Load the next month into copies of ``warehouse`` (best of ``repeat``)."""
    month = work / "next-month.csv"
    new, updated = write_next_month(month)
    runs = []
    for i in range(repeat):
        copy = work / f"incremental-{i}" / "hotline.duckdb"
        copy.parent.mkdir(parents=True, exist_ok=True)
        for f in warehouse.parent.iterdir():
            if f.is_file() and f.name.startswith(("hotline.duckdb", "phone_hash")):
                shutil.copyfile(f, copy.parent / f.name)
        if parts_dir(warehouse).exists():  # the order rows: linked, as a load never writes a published part
            shutil.copytree(parts_dir(warehouse), parts_dir(copy), copy_function=os.link, dirs_exist_ok=True)
        runs.append(run_child(MONTHLY, month, copy))
        shutil.rmtree(copy.parent, ignore_errors=True)
    best = min(runs, key=lambda r: r["seconds"])
    best.update(
        seconds=round(best["seconds"], 2), peak_mb=round(best["peak_mb"]), file_rows=new + updated,
        runs_s=[round(r["seconds"], 2) for r in runs],
    )  # fmt: skip
    return best
