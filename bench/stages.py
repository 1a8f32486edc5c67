"""``python -m bench stages FILE``: one load of FILE into a fresh warehouse with its stages timed.

Wraps the loader's and the metric build's steps with wall-clock timers (a step run in the checks'
worker thread overlaps the writes, so the rows do not add up to the total) and prints them, largest
first. For reading where a load's time goes; the benchmark proper is ``python -m bench all``.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def time_stages(path: Path) -> tuple[float, dict[str, float]]:
    """(total seconds, stage -> seconds) of ``load_files([path])`` into a new warehouse."""
    import etl.load as load
    import etl.validate as validate
    import warehouse.metrics as metrics

    spent: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

        return run

    patches = [
        (load, "prepare_file", "read the file (Polars)"),
        (validate, "tidy_cells", "trim cells (Polars)"),
        (validate, "to_canonical", "type fields (Polars)"),
        (validate, "check_rows", "check rows (Polars)"),
        (load, "_apply_good", "stage snapshots + write raw (DuckDB)"),
        (load, "_rebuild_derived", "metric refresh: fct, met, dim (DuckDB)"),
    ]
    originals = [(mod, attr, getattr(mod, attr)) for mod, attr, _ in patches]
    run_sql = metrics.run_sql

    def sql(con: Any, text: str, params: dict | None = None) -> None:
        head = text.strip().split("\n")[0]
        name = "  " + (head.split(" AS ")[0] if " AS " in head else head)[:70]
        timed(name, run_sql)(con, text, params)

    work = Path(tempfile.mkdtemp(prefix="bench-stages-"))
    try:
        for mod, attr, label in patches:
            setattr(mod, attr, timed(label, getattr(mod, attr)))
        metrics.run_sql = sql
        t = time.perf_counter()
        load.load_files([path], db=work / "hotline.duckdb")
        return time.perf_counter() - t, spent
    finally:
        for mod, attr, fn in originals:
            setattr(mod, attr, fn)
        metrics.run_sql = run_sql
        shutil.rmtree(work, ignore_errors=True)


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
