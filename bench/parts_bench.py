"""Loads one after another into one warehouse: does a small load, or a query, slow down as the loads
(and so the part files, warehouse.parts) add up? ``python -m bench parts`` prints a line per checkpoint."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.generate import generate_frame
from etl.load import load_files


def _export(path: Path, rows: int, seed: int, prefix: str) -> Path:
    generate_frame(rows, seed=seed, prefix=prefix).write_csv(path)
    return path


def run(loads: int = 40, checkpoints: tuple[int, ...] = (1, 5, 10, 20, 30, 40)) -> list[dict]:
    """``loads`` two-order loads after a 30-order first one; at each checkpoint the load's seconds, the
    parts listed and the time of one count over the orders (best of 5) through the dashboard's reader."""
    from warehouse.connection import open_read_only

    out = []
    with tempfile.TemporaryDirectory(prefix="bench-parts-") as tmp:
        root = Path(tmp)
        db = root / "wh" / "hotline.duckdb"
        load_files([_export(root / "first.csv", 30, 0, "A")], db=db)
        for k in range(1, loads + 1):
            path = _export(root / f"l{k}.csv", 2, k, f"B{k}-")
            started = time.perf_counter()
            load_files([path], db=db)
            took = time.perf_counter() - started
            if k not in checkpoints:
                continue
            con = open_read_only(db)
            try:
                (parts,) = con.execute("SELECT count(*) FROM warehouse_parts").fetchall()[0]
                best = float("inf")
                for _ in range(5):
                    t0 = time.perf_counter()
                    con.execute("SELECT county, count(*) FROM fct_work_orders GROUP BY 1").fetchall()
                    best = min(best, time.perf_counter() - t0)
            finally:
                con.close()
            out.append({"loads": k, "parts": parts, "load_s": round(took, 2), "count_ms": round(best * 1000, 1)})
    return out
