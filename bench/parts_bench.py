"""Loads one after another into one warehouse: does a small load, or a query, slow down as the loads
(and so the part files, warehouse.parts) add up? ``python -m bench parts`` prints a line per checkpoint."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import polars as pl

from etl.load import load_files

# the columns of a small valid export (the demo city's header, one order per row)
_ROW = {
    "工单编号": "", "受理时间": "2024-03-05 09:00:00", "来电类别": "投诉", "诉求内容": "噪声扰民",
    "所属区县": "青岚区", "所属街道": "东湖街道", "承办单位": "市住房和城乡建设局", "派单时间": "2024-03-05 10:00:00",
    "办结时间": "2024-03-07 16:00:00", "满意度": "满意", "联系电话": "13900000001",
}  # fmt: skip


def _export(path: Path, ids: list[str]) -> Path:
    pl.DataFrame([{**_ROW, "工单编号": i} for i in ids]).write_csv(path)
    return path


def run(loads: int = 40, checkpoints: tuple[int, ...] = (1, 5, 10, 20, 30, 40)) -> list[dict]:
    """``loads`` two-order loads after a 30-order first one; at each checkpoint the load's seconds, the
    parts listed and the time of one count over the orders (best of 5) through the dashboard's reader."""
    from warehouse.connection import open_read_only

    out = []
    with tempfile.TemporaryDirectory(prefix="bench-parts-") as tmp:
        root = Path(tmp)
        db = root / "wh" / "hotline.duckdb"
        load_files([_export(root / "first.csv", [f"A{i}" for i in range(30)])], db=db)
        for k in range(1, loads + 1):
            path = _export(root / f"l{k}.csv", [f"B{k}-1", f"B{k}-2"])
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
