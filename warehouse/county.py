"""我的区县: one county on one page (issue 15, item 4) — how the city departments do on *that county's*
orders next to their city-wide figure, its townships' ranking, its backlog and its hot topics.

The department × county figures come from ``met_department_county_*`` (the same counts, the same
rate function as every league table: ``warehouse.scoring.rate_row``); the city-wide figures are the
department league table's. A county-scoped leader's desk is that county: asking for another one is
refused here, below the page.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from warehouse.access import OrderAccessError, Viewer
from warehouse.backlog import fetch_backlog_counts
from warehouse.calendar import Period
from warehouse.period_counts import fetch_period_counts
from warehouse.rankings import INSUFFICIENT, fetch_ranking
from warehouse.registry import DEPARTMENT_IN_COUNTY, RANKING_RATES
from warehouse.scoring import rate_row, rules_in_force
from warehouse.settings import Settings, load_settings

FIGURES = (*RANKING_RATES, "score")
MATRIX_COLUMNS = (
    "department", "group_name", "dispatched_count", "assessed_count", "sample_flag", *FIGURES,
    *(f"citywide_{k}" for k in FIGURES), "backlog_count",
)  # fmt: skip
_SCHEMA = {c: pl.Float64 for c in MATRIX_COLUMNS} | {
    "department": pl.String, "group_name": pl.String, "sample_flag": pl.String,
    "dispatched_count": pl.Int64, "assessed_count": pl.Int64, "backlog_count": pl.Int64,
}  # fmt: skip


def check_county(viewer: Viewer, county: str) -> None:
    """A county-scoped viewer's desk is its own county (the rule of ``warehouse.access``)."""
    if viewer.county_scope is not None and county != viewer.county_scope:
        raise OrderAccessError(f"账号限于{viewer.county_scope}，不能查看{county} (scoped to {viewer.county_scope})")


def fetch_department_matrix(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, county: str, period: Period, settings: Settings | None = None
) -> pl.DataFrame:
    """One row per department that had orders of ``county`` dispatched to it in the period: volumes, the
    four ranked rates and the score on the county's orders, the same figures city-wide (its league-table
    row), and its backlog of the county's orders now. A department with fewer assessed orders in the
    county than the minimum sample carries ``sample_flag`` (its county figures are shown, not ranked).
    Most dispatched first."""
    check_county(viewer, county)
    settings = settings or load_settings()
    rules = rules_in_force(settings, period)
    city = {r["unit"]: r for r in fetch_ranking(con, "department", period, settings).iter_rows(named=True)}
    backlog = dict(_backlog_by_department(con, county))
    rows = []
    for counts in fetch_period_counts(con, DEPARTMENT_IN_COUNTY, period):
        if counts["county"] != county or not counts["dispatched_count"]:
            continue
        own, wide = rate_row(counts, rules), city.get(counts["department"], {})
        row: dict[str, Any] = {
            "department": counts["department"],
            "group_name": wide.get("group_name", settings.default_group),
            "dispatched_count": counts["dispatched_count"],
            "assessed_count": counts["assessed_count"],
            "sample_flag": None if counts["assessed_count"] >= settings.min_sample else INSUFFICIENT,
            "backlog_count": backlog.get(counts["department"], 0),
        }
        row.update({k: own[k] for k in FIGURES})
        row.update({f"citywide_{k}": wide.get(k) for k in FIGURES})
        rows.append(row)
    frame = pl.DataFrame(rows, schema=_SCHEMA).select(MATRIX_COLUMNS)
    return frame.sort(["dispatched_count", "department"], descending=[True, False])


def _backlog_by_department(con: duckdb.DuckDBPyConnection, county: str) -> list[tuple[str, int]]:
    counts = fetch_backlog_counts(con, "department", county)
    return [(d, n) for d, n in zip(counts["department"], counts["backlog_count"], strict=True) if d is not None]


def fetch_county_townships(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, county: str, period: Period, settings: Settings | None = None
) -> pl.DataFrame:
    """The county's township league table (ranked within the county, as the rankings page ranks them)
    with each township's backlog now."""
    check_county(viewer, county)
    ranking = fetch_ranking(con, "township", period, settings).filter(pl.col("county") == county)
    backlog = fetch_backlog_counts(con, "township", county).select("township", "backlog_count")
    joined = ranking.join(backlog.rename({"township": "unit"}), on="unit", how="left")
    return joined.with_columns(pl.col("backlog_count").fill_null(0))


def fetch_county_topics(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    county: str,
    period: Period,
    limit: int = 10,
    basis: str = "previous",
) -> pl.DataFrame:
    """The county's most frequent second-level categories of the period (orders received), with the base
    period's count (the previous period, 环比, or the same one a year earlier, 同比) and the change; most
    orders first."""
    check_county(viewer, county)
    base = period.base(basis)
    sql = """
        WITH counts AS (
            SELECT category_l1, category_l2,
                   count(*) FILTER (WHERE received_date >= $start) AS received_count,
                   count(*) FILTER (WHERE received_date <= $pend) AS base_count
            FROM fct_work_orders
            WHERE (received_date BETWEEN $start AND $end OR received_date BETWEEN $pstart AND $pend)
              AND county = $county AND category_l2 IS NOT NULL
            GROUP BY ALL
        )
        SELECT *, received_count - base_count AS change_count FROM counts WHERE received_count > 0
        ORDER BY received_count DESC, category_l2 LIMIT $limit"""
    params = {"pstart": base.start, "pend": base.end, "start": period.start, "end": period.end, "county": county,
              "limit": limit}  # fmt: skip
    return con.sql(sql, params=params).pl()
