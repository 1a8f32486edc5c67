"""The warehouse's SQL files and how a statement is run: identifiers only from allow-lists, values always
bound, and the time of every statement reported to whoever asked (a load's stage timings)."""

from __future__ import annotations

import contextlib
import contextvars
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from warehouse.registry import Level

SQL_DIR = Path(__file__).parent / "sql"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

_GRAINS = {"day": "day", "month": "month"}


def read_sql(name: str, level: Level | None = None, grain: str | None = None, date_col: str | None = None) -> str:
    """The statement in ``sql/<name>.sql`` without comment lines. Templates get identifiers only
    from allow-lists (the registry's levels, the two grains), never from user input."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    if level is None:
        return text
    names = dict(level.sql_identifiers())
    if grain is not None:
        names.update(grain=_GRAINS[grain], date_col=_GRAINS[date_col or grain])
    return text.format(**names)


# Where a refresh reports the seconds of each statement (the load's stage timings: etl.summary).
_STEP: contextvars.ContextVar[Callable[..., None] | None] = contextvars.ContextVar("metrics_step", default=None)


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> None:
    """Execute with exactly the bound parameters the statement names (DuckDB rejects extras)."""
    used = set(_PARAM.findall(sql))
    started, cpu = time.perf_counter(), time.process_time()
    con.execute(sql, {k: v for k, v in (params or {}).items() if k in used})
    step = _STEP.get()
    if step is not None:
        head = sql.strip().split("\n")[0]
        name = "refresh: " + (head.split(" AS ")[0] if " AS " in head else head)[:70]
        step(name, time.perf_counter() - started, time.process_time() - cpu)


@contextlib.contextmanager
def reporting(step: Callable[..., None] | None) -> Iterator[None]:
    token = _STEP.set(step)
    try:
        yield
    finally:
        _STEP.reset(token)


def create_table(
    con: duckdb.DuckDBPyConnection, table: str, select: str, params: dict[str, Any] | None = None, temp: bool = False
) -> None:
    """``table`` (re)made from a SELECT: every model in sql/ is one SELECT and its caller decides whether it
    becomes a table, a temp table or rows inserted (``table`` is always a fixed name of the caller's)."""
    run_sql(con, f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {table} AS\n{select}", params)
