"""Build everything derived from ``stg_work_orders``: calendar, facts, units, metric tables.

The loader calls :func:`rebuild` inside its write transaction at the end of every load, so the
metric tables always describe exactly the orders that are loaded. Grain: ``met_<level>_day`` holds
counts only (the partition a future incremental load rewrites, and the base of any date-range
ranking); ``met_<level>_month`` sums it and adds the rates and the score.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from warehouse.calendar import build_calendar
from warehouse.registry import ALL_LEVELS, CITY, Level, get_level
from warehouse.settings import APPEAL_TYPES, Settings, load_settings

SQL_DIR = Path(__file__).parent / "sql"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
META_KEYS = (
    "as_of",
    "as_of_source",
    "calendar_fallback_years",
    "settings_json",
    "settings_fingerprint",
    "metrics_built_at",
)


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


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> None:
    """Execute with exactly the bound parameters the statement names (DuckDB rejects extras)."""
    used = set(_PARAM.findall(sql))
    con.execute(sql, {k: v for k, v in (params or {}).items() if k in used})


def rebuild(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> None:
    """(Re)build dim_calendar, fct_work_orders, dim_units and every met_* table, and record in
    ``meta`` the as-of time and the settings used (the report must carry both).
    """
    settings = settings or load_settings()
    as_of, as_of_source = _resolve_as_of(con, settings)
    start, end = _date_span(con)
    fallback_years = build_calendar(con, start, end)
    params = _rule_params(settings, as_of)
    run_sql(con, read_sql("fct_work_orders"), params)
    groups = settings.unit_groups()
    run_sql(
        con,
        read_sql("dim_units"),
        {
            "departments": list(groups),
            "groups": list(groups.values()),
            "default_group": settings.default_group,
        },
    )
    for level in ALL_LEVELS:
        run_sql(con, read_sql("met_level_day", level))
        run_sql(con, read_sql("met_level_month", level), params)
    _write_meta(
        con,
        {
            "as_of": as_of.isoformat(sep=" ") if as_of else None,
            "as_of_source": as_of_source,
            "calendar_fallback_years": ",".join(str(y) for y in fallback_years),
            "settings_json": json.dumps(settings.to_dict(), ensure_ascii=False, sort_keys=True),
            "settings_fingerprint": settings.fingerprint(),
            "metrics_built_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        },
    )


def fetch_build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """What the last rebuild recorded: as-of time and its source, calendar fallback years, settings."""
    rows = con.sql(
        "SELECT key, value FROM meta WHERE list_contains($keys, key)", params={"keys": list(META_KEYS)}
    ).fetchall()
    return {key: value for key, value in rows}


def fetch_as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    value = fetch_build_info(con).get("as_of")
    return dt.datetime.fromisoformat(value) if value else None


def fetch_monthly(
    con: duckdb.DuckDBPyConnection,
    level: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    unit: str | None = None,
    county: str | None = None,
) -> pl.DataFrame:
    """Rows of ``met_<level>_month`` (level may be 'city') for trends: optionally one unit (a township
    with its county), months from ``start`` to ``end`` inclusive. Rates and score as stored."""
    lvl = CITY if level == "city" else get_level(level)
    clauses, params = ["month BETWEEN $start AND $end"], {"start": start or dt.date.min, "end": end or dt.date.max}
    if unit is not None and lvl.unit_col is not None:
        clauses.append(f"{lvl.unit_col} = $unit")
        params["unit"] = unit
    if county is not None and lvl.name == "township":
        clauses.append("county = $county")
        params["county"] = county
    order = ", ".join((*lvl.keys, "month"))
    sql = f"SELECT * FROM met_{lvl.name}_month WHERE {' AND '.join(clauses)} ORDER BY {order}"
    return con.sql(sql, params=params).pl()


def _resolve_as_of(con: duckdb.DuckDBPyConnection, settings: Settings) -> tuple[dt.datetime | None, str]:
    """Latest *event* timestamp (never a deadline: a due date in the future has not happened)."""
    if settings.as_of is not None:
        return settings.as_of, "pinned"
    (as_of,) = con.sql(
        "SELECT max(greatest(received_at, dispatched_at, responded_at, closed_at, callback_at)) FROM stg_work_orders"
    ).fetchall()[0]
    return as_of, "data"


def _date_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    lo, hi = con.sql(
        "SELECT min(least(received_at, dispatched_at))::DATE, max(greatest(received_at, dispatched_at))::DATE "
        "FROM stg_work_orders"
    ).fetchall()[0]
    today = dt.date.today()
    return (lo or today), (hi or today)


def _rule_params(settings: Settings, as_of: dt.datetime | None) -> dict[str, Any]:
    w = settings.composite_weights
    return {
        "rule_types": list(APPEAL_TYPES),
        "rule_workdays": [settings.due_workdays(t) for t in APPEAL_TYPES],
        "default_workdays": settings.due_workdays_default,
        "urgent_limit_s": settings.response_limit_seconds("紧急"),
        "normal_limit_s": settings.response_limit_seconds("一般"),
        "urgent_due_s": round(settings.urgent_due_hours * 3600),
        "as_of": as_of,
        "partial_weight": settings.partial_resolution_weight,
        "basic_weight": settings.basic_satisfaction_weight,
        "repeat_window_days": settings.repeat_window_days,
        "w_response": w.response,
        "w_on_time": w.on_time,
        "w_resolution": w.resolution,
        "w_satisfaction": w.satisfaction,
    }


def _write_meta(con: duckdb.DuckDBPyConnection, values: dict[str, str | None]) -> None:
    con.execute("DELETE FROM meta WHERE list_contains($keys, key)", {"keys": list(values)})
    con.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", list(values.items()))
