"""督办: the live backlog — orders open and past their deadline as of the data's as-of time, across all
months (issue 15). A leader chases these on Monday; a monthly figure shows only the slice dispatched
in one month.

The backlog is exactly the fact table's ``is_overdue_open`` flag (dispatched, no closed_at, the
effective deadline — the export's, extended when it says so, else derived by the rule — before the
as-of time), whatever the order's assessment status: an invalid or exempt order still open is still
open, and the list says it is excluded. Its history is rebuilt from today's snapshots: at a moment
``t`` an order was in the backlog when it was dispatched by ``t``, its deadline was before ``t`` and it
was not closed by ``t`` (:func:`_backlog_at`). The export keeps only an order's latest deadline, so a
deadline extended after ``t`` is taken as extended.

Who sees what follows ``warehouse.access``: counts are aggregates (every role; a county filter is a
plain argument), the order list takes the :class:`Viewer` (public refused, a county-scoped leader gets
that county's orders, text masked for all but admin).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb
import polars as pl

from warehouse.access import Viewer
from warehouse.drilldown import mask_for, scope_clauses
from warehouse.metrics import fetch_build_info
from warehouse.registry import LEVELS, get_level

TREND_WEEKS = 12
# One row per order of the list, most overdue first. No personal data: fct_work_orders has none (the
# phone exists only as a keyed hash, used for the caller's count and never selected).
BACKLOG_COLUMNS = (
    "order_id", "overdue_days", "effective_due_at", "due_source", "dispatched_at", "received_at", "county",
    "township", "department", "category_l1", "category_l2", "appeal_type", "urgency_level", "return_count",
    "caller_order_count", "exclusion_reason", "status",
)  # fmt: skip
# the backlog now by working days past due (issue 20): the fact table's overdue_age_bucket, whose bounds
# (the 4th, 8th and 16th statutory working day after the due date) come from dim_calendar
AGE_COLUMNS = {"age_1_3_count": "1_3", "age_4_7_count": "4_7", "age_8_15_count": "8_15", "age_16_plus_count": "16_plus"}
COUNT_COLUMNS = (
    "backlog_count", "assessed_backlog_count", "oldest_overdue_days", *AGE_COLUMNS, "last_week_count",
    "cleared_count", "new_count",
)  # fmt: skip
_LIST_SOURCE = (
    "order_id", "effective_due_at", "due_source", "dispatched_at", "received_at", "county", "township", "department",
    "category_l1", "category_l2", "appeal_type", "urgency_level", "return_count", "exclusion_reason", "status",
    "citizen_phone_hash",
)  # fmt: skip


def backlog_as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The moment the backlog is taken at: the as-of time the fact table's flags were computed with."""
    value = fetch_build_info(con).get("as_of")
    return dt.datetime.fromisoformat(value) if value else None


def _overdue_days(at: str) -> str:
    """Calendar days past the deadline, counted up: 1 hour late is the first day overdue (超期第 1 天).
    The age in working days (buckets 1–3, 4–7, 8–15, >15) is the fact table's ``overdue_age_bucket``."""
    return f"CAST(ceil(date_diff('second', effective_due_at, {at}) / 86400.0) AS INTEGER)"


def _backlog_at(at: str, t: str = "") -> str:
    """Was the order (of table alias ``t``) in the backlog at the moment ``at`` (a parameter or column)?"""
    return (
        f"({t}dispatched_at <= {at} AND {t}effective_due_at < {at} AND ({t}closed_at IS NULL OR {t}closed_at > {at}))"
    )


def _unit_clauses(level: str | None, unit: str | None, county: str | None, params: dict[str, Any]) -> list[str]:
    """One unit of a level (a township within its county), or a county's orders with ``county`` alone."""
    clauses = []
    if county is not None:
        params["county"] = county
        clauses.append("county = $county")
    if unit is None:
        return clauses
    lvl = get_level(level or "")
    if lvl.name == "township" and county is None:
        raise ValueError("乡镇街道按所属区县区分，请同时指定 county (township needs its county)")
    params["unit"] = unit
    return [*clauses, f"{lvl.unit_col} = $unit"]


def _repeat_window(con: duckdb.DuckDBPyConnection) -> int:
    """The repeat window the fact table was built with (the caller's count uses the same one)."""
    recorded = json.loads(fetch_build_info(con).get("settings_json") or "{}")
    return int(recorded.get("repeat_window_days") or 30)


def fetch_backlog(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    level: str | None = None,
    unit: str | None = None,
    county: str | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """The backlog's orders as ``viewer`` may see them, most overdue first (then by order id).

    ``caller_order_count``: the orders the same caller (phone hash) filed in the same second-level
    category from the repeat window before this one up to the as-of time, this one included — 1 is a
    first call, 4 means three more calls about it; empty when the phone or the category is missing."""
    viewer.require_order_lists()
    as_of = backlog_as_of(con)
    if as_of is None:
        return _empty_list()
    params: dict[str, Any] = {"as_of": as_of, "window": _repeat_window(con)}
    clauses = ["is_overdue_open", *_unit_clauses(level, unit, county, params), *scope_clauses(viewer, params)]
    sql = f"""
        WITH b AS (SELECT {", ".join(_LIST_SOURCE)} FROM fct_work_orders WHERE {" AND ".join(clauses)}),
        callers AS (
            SELECT b.order_id, count(*) AS caller_order_count
            FROM b JOIN fct_work_orders AS o
              ON o.citizen_phone_hash = b.citizen_phone_hash AND o.category_l2 = b.category_l2
             AND o.received_at >= b.received_at - to_days($window) AND o.received_at <= $as_of
            GROUP BY b.order_id
        )
        SELECT b.* EXCLUDE (citizen_phone_hash), {_overdue_days("$as_of")} AS overdue_days,
               CAST(c.caller_order_count AS INTEGER) AS caller_order_count
        FROM b LEFT JOIN callers AS c USING (order_id)
        ORDER BY effective_due_at, order_id"""
    found = con.sql(sql, params=params).pl().select(BACKLOG_COLUMNS)
    return mask_for(viewer, found if limit is None else found.head(limit))


def _empty_list() -> pl.DataFrame:
    return pl.DataFrame(schema={c: pl.String for c in BACKLOG_COLUMNS})


def _week_params(as_of: dt.datetime) -> dict[str, Any]:
    return {"as_of": as_of, "week_ago": as_of - dt.timedelta(days=7)}


def fetch_backlog_counts(con: duckdb.DuckDBPyConnection, level: str, county: str | None = None) -> pl.DataFrame:
    """One row per unit of ``level`` with a backlog now or a week ago (a township with its county; the
    orders with an empty unit as one row whose unit is empty, so the rows add up to the total):
    backlog now, of it assessed (the ranking's 超期未办结), the oldest's days overdue, the backlog a week
    ago, cleared since (closed) and new since (fell due, or was dispatched, since). ``county`` keeps one
    county's orders (a county leader's desk). Most backlog first."""
    lvl = get_level(level)
    as_of = backlog_as_of(con)
    keys = ", ".join(("county", lvl.unit_col) if lvl.name == "township" else (lvl.unit_col,))
    if as_of is None:
        return pl.DataFrame(
            schema={**{k: pl.String for k in keys.split(", ")}, **dict.fromkeys(COUNT_COLUMNS, pl.Int64)}
        )
    params = _week_params(as_of)
    where = _unit_clauses(None, None, county, params)
    sql = f"""
        WITH c AS (
            SELECT {keys}, is_overdue_open AS now, {_backlog_at("$week_ago")} AS before,
                   is_assessed, {_overdue_days("$as_of")} AS days, overdue_age_bucket
            FROM fct_work_orders
            WHERE is_dispatched AND effective_due_at < $as_of
              AND (closed_at IS NULL OR closed_at > $week_ago) {"".join(f" AND {w}" for w in where)}
        )
        SELECT {keys},
               count(*) FILTER (WHERE now) AS backlog_count,
               count(*) FILTER (WHERE now AND is_assessed) AS assessed_backlog_count,
               max(days) FILTER (WHERE now) AS oldest_overdue_days,
               {", ".join(f"count(*) FILTER (WHERE now AND overdue_age_bucket = '{b}') AS {k}" for k, b in AGE_COLUMNS.items())},
               count(*) FILTER (WHERE before) AS last_week_count,
               count(*) FILTER (WHERE before AND NOT now) AS cleared_count,
               count(*) FILTER (WHERE now AND NOT before) AS new_count
        FROM c GROUP BY ALL HAVING count(*) FILTER (WHERE now OR before) > 0
        ORDER BY backlog_count DESC, {", ".join(f"{k} NULLS LAST" for k in keys.split(", "))}"""
    return con.sql(sql, params=params).pl()


def fetch_backlog_summary(con: duckdb.DuckDBPyConnection, county: str | None = None) -> dict[str, Any]:
    """The whole backlog (or one county's) in figures: as-of time, now, a week ago, cleared, new, oldest.
    now = a week ago − cleared + new, by construction."""
    as_of = backlog_as_of(con)
    if as_of is None:
        return {"as_of": None, **dict.fromkeys(COUNT_COLUMNS)}
    counts = fetch_backlog_counts(con, "county", county)
    totals = {c: int(counts[c].sum()) for c in COUNT_COLUMNS if c != "oldest_overdue_days"}
    totals["oldest_overdue_days"] = counts["oldest_overdue_days"].max() if counts.height else None
    return {"as_of": as_of, **totals}


def fetch_backlog_trend(
    con: duckdb.DuckDBPyConnection, weeks: int = TREND_WEEKS, county: str | None = None
) -> pl.DataFrame:
    """One row per weekly point from ``weeks`` weeks before the as-of time to it: the moment and the
    backlog then (the last point is the backlog now). A moment before the first dispatched order has
    no data: its count is empty, not 0."""
    as_of = backlog_as_of(con)
    if as_of is None:
        return pl.DataFrame(schema={"week": pl.Int64, "taken_at": pl.Datetime, "backlog_count": pl.Int64})
    params = {"as_of": as_of, "weeks": weeks, "start": as_of - dt.timedelta(days=7 * weeks)}
    where = "".join(f" AND {w}" for w in _unit_clauses(None, None, county, params))
    sql = f"""
        WITH points AS (
            SELECT -k AS week, $as_of - to_days(CAST(7 * k AS INTEGER)) AS taken_at FROM range(0, $weeks + 1) AS r(k)
        ),
        candidates AS (
            SELECT dispatched_at, effective_due_at, closed_at, is_overdue_open FROM fct_work_orders
            WHERE is_dispatched AND effective_due_at < $as_of AND (closed_at IS NULL OR closed_at > $start) {where}
        ),
        counted AS (
            SELECT p.week, p.taken_at,
                   CASE WHEN p.week = 0 THEN count(c.dispatched_at) FILTER (WHERE c.is_overdue_open)
                        ELSE count(c.dispatched_at) FILTER (WHERE {_backlog_at("p.taken_at", "c.")}) END AS backlog_count
            FROM points AS p LEFT JOIN candidates AS c ON TRUE GROUP BY p.week, p.taken_at
        )
        SELECT week, taken_at,
               CASE WHEN taken_at < (SELECT min(dispatched_at) FROM fct_work_orders) THEN NULL ELSE backlog_count END
                   AS backlog_count
        FROM counted ORDER BY week"""
    return con.sql(sql, params=params).pl()


def units_with_backlog(con: duckdb.DuckDBPyConnection, level: str, county: str | None = None) -> list[str]:
    """The unit names of ``level`` that have orders in the backlog now (for a picker), most first."""
    counts = fetch_backlog_counts(con, level, county)
    col = LEVELS[level].unit_col
    return [u for u, n in zip(counts[col], counts["backlog_count"], strict=True) if u is not None and n]
