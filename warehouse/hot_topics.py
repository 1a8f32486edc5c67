"""The hot-topics page's tables (SPEC §4 热点): orders per county and category, the categories that grew,
the categories and the units with the most returned (推诿) and repeat orders.

Plain values in, Polars frames out; values are bound parameters, identifiers come from fixed
allow-lists. Everything reads ``fct_work_orders`` (no personal data) or the league table, filtered on a
date column first so it stays fast at 10 million orders. Counts use the metric registry's predicates
and rates come from the one rate function (``warehouse.scoring.rate_row``), as in the ranking.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl

from warehouse.calendar import Period
from warehouse.metrics import rated_count_columns
from warehouse.rankings import fetch_ranking
from warehouse.scoring import rate_row, rules_in_force
from warehouse.settings import Settings, load_settings

CATEGORY_COLUMNS = ("category_l1", "category_l2")
UNIT_ISSUE_COLUMNS = (
    "group_name", "county", "unit", "dispatched_count", "returned_count", "return_rate", "assessed_count",
    "repeat_count", "repeat_rate", "dissatisfied_count", "overdue_open_count",
)  # fmt: skip


def _category(column: str) -> str:
    if column not in CATEGORY_COLUMNS:
        raise ValueError(f"分类层级应为 {CATEGORY_COLUMNS} 之一：{column!r}")
    return column


def _span(period: Period) -> dict[str, dt.date]:
    return {"start": period.start, "end": period.end}


def fetch_category_by_county(
    con: duckdb.DuckDBPyConnection, period: Period, category: str = "category_l1"
) -> pl.DataFrame:
    """One row per county × category: orders received in the period (county/category None when empty)."""
    col = _category(category)
    sql = f"""SELECT county, {col} AS category, count(*) AS received_count
              FROM fct_work_orders WHERE received_date BETWEEN $start AND $end
              GROUP BY ALL ORDER BY received_count DESC, county, category"""
    return con.sql(sql, params=_span(period)).pl()


def fetch_category_risers(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    county: str | None = None,
    limit: int = 15,
    basis: str = "previous",
) -> pl.DataFrame:
    """One row per category_l2 (with its l1) that grew: orders received in the period against the base
    period (the previous one, 环比, or the same one a year earlier, 同比: ``Period.base``), the change
    and the change rate; largest increase first."""
    base = period.base(basis)
    params: dict[str, Any] = {"pstart": base.start, "pend": base.end, "start": period.start, "end": period.end,
                              "limit": limit}  # fmt: skip
    county_clause = ""
    if county is not None:
        county_clause, params["county"] = "AND county = $county", county
    sql = f"""
        WITH counts AS (
            SELECT category_l1, category_l2,
                   count(*) FILTER (WHERE received_date >= $start) AS received_count,
                   count(*) FILTER (WHERE received_date <= $pend) AS previous_count
            FROM fct_work_orders
            WHERE (received_date BETWEEN $start AND $end OR received_date BETWEEN $pstart AND $pend)
              AND category_l2 IS NOT NULL {county_clause}
            GROUP BY ALL
        )
        SELECT *, received_count - previous_count AS change_count,
               (received_count - previous_count) / NULLIF(previous_count, 0) AS change_rate
        FROM counts WHERE received_count > previous_count
        ORDER BY change_count DESC, received_count DESC, category_l2 LIMIT $limit"""
    return con.sql(sql, params=params).pl()


_ISSUE_COUNTS_SQL = rated_count_columns(
    "dispatched_count", "returned_count", "assessed_count", "repeat_count", "return_rate", "repeat_rate"
)


def fetch_category_issues(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    county: str | None = None,
    limit: int = 15,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """One row per category_l2 of the orders dispatched in the period: dispatched, returned (推诿),
    assessed and repeat complaints, with the return and repeat rates by the one rate function (None where
    the source cannot supply them, as in the ranking); most repeats first."""
    rules = rules_in_force(settings or load_settings(), period)
    params: dict[str, Any] = _span(period)
    county_clause = ""
    if county is not None:
        county_clause, params["county"] = "AND county = $county", county
    sql = f"""
        SELECT category_l1, category_l2, {_ISSUE_COUNTS_SQL}
        FROM fct_work_orders
        WHERE dispatched_date BETWEEN $start AND $end AND is_dispatched {county_clause}
        GROUP BY ALL"""
    keep = ("dispatched_count", "returned_count", "assessed_count", "repeat_count", "return_rate", "repeat_rate")
    out = []
    for r in con.sql(sql, params=params).pl().iter_rows(named=True):
        rated = rate_row(r, rules)
        if (rated["repeat_count"] or 0) > 0 or (rated["returned_count"] or 0) > 0:
            out.append(
                {"category_l1": r["category_l1"], "category_l2": r["category_l2"], **{k: rated[k] for k in keep}}
            )
    schema = {"category_l1": pl.String, "category_l2": pl.String, **dict.fromkeys(keep[:4], pl.Int64),
              "return_rate": pl.Float64, "repeat_rate": pl.Float64}  # fmt: skip
    frame = pl.DataFrame(out, schema=schema, orient="row") if out else pl.DataFrame(schema=schema)
    order = ["repeat_count", "returned_count", "category_l2"]
    return frame.sort(order, descending=[True, True, False], nulls_last=True).head(limit)


def fetch_unit_issues(
    con: duckdb.DuckDBPyConnection, level: str, period: Period, group: str | None = None
) -> pl.DataFrame:
    """One row per unit of ``level`` (in ``group`` when given): returned and repeat orders with
    their rates, as the league table computes them (``fetch_ranking``); most repeats first."""
    ranking = fetch_ranking(con, level, period)
    if group is not None:
        ranking = ranking.filter(pl.col("group_name") == group)
    return ranking.select(UNIT_ISSUE_COLUMNS).sort(
        ["repeat_count", "returned_count", "unit"], descending=[True, True, False]
    )
