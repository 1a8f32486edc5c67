"""Aggregate integrity figures beyond one row per unit: 按时办结率 per category against its own limit, and
the overdue backlog in age buckets.

Both are counts of the registry's predicates turned into figures by ``warehouse.scoring.rate_row`` — the
one computation of every rate — so a category's on-time rate is the league table's on-time rate, over that
category's orders. The backlog's age buckets are registry counts of ``met_<level>_month``, summed over
the months asked for (all of them by default: the open orders as of the data's as-of time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl

from warehouse.calendar import Period
from warehouse.drilldown import unit_clauses
from warehouse.metrics import fetch_as_of
from warehouse.registry import CITY, METRIC_BY_KEY, get_level
from warehouse.scoring import rate_row, rules_in_force
from warehouse.settings import Settings, load_settings

AGE_BUCKETS = ("overdue_1_3_count", "overdue_4_7_count", "overdue_8_15_count", "overdue_16_plus_count")
_ON_TIME_COUNTS = (
    "assessed_count", "on_time_measurable_count", "closed_count", "closed_on_time_count", "on_time_due_count",
    "derived_due_count", "overdue_open_count",
)  # fmt: skip


def fetch_category_on_time(
    con: duckdb.DuckDBPyConnection,
    level: str,
    unit: str | None,
    period: Period,
    county: str | None = None,
    settings: Settings | None = None,
    limit: int = 30,
) -> pl.DataFrame:
    """One row per (category_l1, category_l2) of the orders dispatched in the period (to ``unit`` of
    ``level``, or city-wide with level 'city'): the on-time counts, 按时办结率 with its Wilson bounds, and the
    limit our rule derived deadlines with (``limit_workdays`` / ``limit_hours``: the most common one; None
    when every deadline came from the export). Most due-or-closed orders first."""
    rules = rules_in_force(settings or load_settings(), period)
    params: dict[str, Any] = {"start": period.start, "end": period.end, "limit": limit}
    lvl = CITY if level == CITY.name else get_level(level)
    clause = "".join(f" AND {c}" for c in unit_clauses(lvl, unit, county, params))
    counts = ",\n".join(f"count(*) FILTER (WHERE {METRIC_BY_KEY[k].where}) AS {k}" for k in _ON_TIME_COUNTS)
    sql = f"""
        SELECT category_l1, category_l2, {counts},
               mode(due_limit_workdays) AS limit_workdays, mode(due_limit_hours) AS limit_hours
        FROM fct_work_orders
        WHERE is_dispatched AND dispatched_date BETWEEN $start AND $end{clause}
        GROUP BY ALL HAVING count(*) FILTER (WHERE is_assessed) > 0
        ORDER BY on_time_due_count DESC, assessed_count DESC, category_l1 NULLS LAST, category_l2 NULLS LAST
        LIMIT $limit"""
    rows = []
    for counts_row in con.sql(sql, params=params).pl().iter_rows(named=True):
        figures = rate_row(counts_row, rules)
        keep = {
            k: figures.get(k) for k in ("on_time_rate", "on_time_rate_low", "on_time_rate_high", "derived_due_share")
        }
        rows.append({**{k: figures.get(k, counts_row[k]) for k in counts_row}, **keep})
    schema = {"category_l1": pl.String, "category_l2": pl.String, **{k: pl.Int64 for k in _ON_TIME_COUNTS}}
    schema.update(limit_workdays=pl.Int64, limit_hours=pl.Float64, on_time_rate=pl.Float64)
    schema.update(on_time_rate_low=pl.Float64, on_time_rate_high=pl.Float64, derived_due_share=pl.Float64)
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def fetch_overdue_ages(
    con: duckdb.DuckDBPyConnection,
    level: str,
    period: Period | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """One row per unit of ``level`` ('city' allowed) with open orders past due as of the as-of time: how
    many, and how many in each age bucket (1–3, 4–7, 8–15, >15 working days past the deadline), for orders
    dispatched in ``period`` (every month when None). A unit whose source lacks closure times has "—"
    (None), not 0. For the backlog page and the unit profile; sorted by the oldest bucket first."""
    rules = rules_in_force(settings or load_settings(), period)
    lvl = CITY if level == CITY.name else get_level(level)
    keys = "".join(f"{k}, " for k in lvl.keys)
    start, end = (period.start, period.end) if period else (dt.date.min, dt.date.max)
    wanted = ("assessed_count", "on_time_measurable_count", "overdue_open_count", *AGE_BUCKETS)
    sums = ", ".join(f"sum({k})::BIGINT AS {k}" for k in wanted)
    sql = f"SELECT {keys}{sums} FROM met_{lvl.name}_month WHERE month BETWEEN $start AND $end"
    sql += f" GROUP BY {', '.join(lvl.keys)}" if lvl.keys else ""
    out = []
    for counts in con.sql(sql, params={"start": start, "end": end}).pl().iter_rows(named=True):
        if counts["assessed_count"] is None:
            continue
        figures = rate_row(counts, rules)
        out.append(
            {**{k: counts[k] for k in lvl.keys}, **{k: figures[k] for k in ("overdue_open_count", *AGE_BUCKETS)}}
        )
    schema: dict[str, Any] = {k: pl.String for k in lvl.keys}
    schema.update({k: pl.Int64 for k in ("overdue_open_count", *AGE_BUCKETS)})
    frame = pl.DataFrame(out, schema=schema, orient="row") if out else pl.DataFrame(schema=schema)
    frame = frame.filter(pl.col("overdue_open_count").is_null() | (pl.col("overdue_open_count") > 0))
    as_of = fetch_as_of(con)
    return frame.sort([*reversed(AGE_BUCKETS), *lvl.keys], descending=[True] * 4 + [False] * len(lvl.keys),
                      nulls_last=True).with_columns(pl.lit(as_of, dtype=pl.Datetime("us")).alias("as_of"))  # fmt: skip


def unit_filter(level: str, unit: str, county: str | None = None) -> dict[str, str | None]:
    """Column = value pairs that pick one unit's row of :func:`fetch_overdue_ages` (a township within
    its county)."""
    lvl = get_level(level)
    keys: dict[str, str | None] = {lvl.unit_col or "": unit}
    if lvl.name == "township":
        keys["county"] = county
    return keys
