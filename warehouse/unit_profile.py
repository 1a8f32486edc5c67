"""The unit profile's figures (单位画像, SPEC §1): the unit's row of the league table, its monthly trend
beside the city's, and the categories that pull it down against the city's same categories.

Plain values in, Polars frames out; values are bound parameters. The row and the trend are the league
table's and the stored monthly rows (``warehouse.rankings``, ``warehouse.metrics``); the categories count
``fct_work_orders`` with the registry's predicates, filtered on the dispatch date first, and rate them
with the one rate function (``warehouse.scoring.rate_row``). The evidence pack (``reports.evidence``)
reads the same three.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl

from warehouse.calendar import Period
from warehouse.drilldown import unit_clauses
from warehouse.metrics import fetch_monthly, rated_count_columns
from warehouse.rankings import fetch_ranking
from warehouse.registry import get_level
from warehouse.scoring import rate_row, rules_in_force
from warehouse.settings import Settings, load_settings

TREND_COLUMNS = (
    "dispatched_count", "assessed_count", "responded_on_time_count", "closed_on_time_count", "on_time_due_count",
    "resolution_answered_count", "resolved_weighted", "satisfaction_answered_count", "satisfied_weighted",
    "dissatisfied_count", "overdue_open_count", "returned_count", "repeat_count", "response_rate", "on_time_rate",
    "resolution_rate", "satisfaction_rate", "return_rate", "repeat_rate", "score", "missing_rates",
    "score_missing_rates",
)  # fmt: skip


def fetch_unit_ranking_row(
    con: duckdb.DuckDBPyConnection, level: str, unit: str, period: Period, county: str | None = None
) -> dict[str, Any] | None:
    """The unit's row of the league table (rank, score, every rate with numerator, denominator and
    Wilson bounds), or None when nothing was dispatched to it in the period."""
    ranking = fetch_ranking(con, level, period)
    rows = ranking.filter(pl.col("unit") == unit)
    if county is not None and level == "township":
        rows = rows.filter(pl.col("county") == county)
    if rows.is_empty():
        return None
    row = rows.row(0, named=True)
    group = ranking.filter(pl.col("group_name") == row["group_name"])
    row["ranked_units"] = int(group["is_ranked"].sum())
    return row


def fetch_unit_trend(
    con: duckdb.DuckDBPyConnection,
    level: str,
    unit: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    county: str | None = None,
) -> pl.DataFrame:
    """One row per month and series ('unit' | 'city'): counts from ``met_<level>_month`` and
    ``met_city_month``, rates and score from warehouse.scoring (as every other surface computes them); a
    published month's row as published (``figures`` says which)."""
    cols = ["month", *TREND_COLUMNS, "figures"]
    own = fetch_monthly(con, level, start, end, unit=unit, county=county).select(cols)
    city = fetch_monthly(con, "city", start, end).select(cols)
    if own.is_empty():
        return own.with_columns(pl.lit("unit").alias("series"))
    city = city.filter(pl.col("month").is_between(own["month"].min(), own["month"].max()))
    return pl.concat([own.with_columns(series=pl.lit("unit")), city.with_columns(series=pl.lit("city"))])


_CATEGORY_COUNTS = ("assessed_count", "dissatisfied_count", "overdue_open_count", "returned_count", "repeat_count",
                    "satisfaction_answered_count")  # fmt: skip
_CATEGORY_COUNTS_SQL = rated_count_columns(
    *_CATEGORY_COUNTS, "satisfied_count", "basically_satisfied_count", "satisfaction_rate"
)


def fetch_unit_categories(
    con: duckdb.DuckDBPyConnection,
    level: str,
    unit: str,
    period: Period,
    county: str | None = None,
    limit: int = 15,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """One row per category (l1, l2) of the unit's orders dispatched in the period: assessed,
    dissatisfied, overdue-open, returned and repeat counts (None where the source cannot supply the
    figure, as in the ranking); its satisfaction rate and the city's for the same category, by the one
    rate function (:func:`warehouse.scoring.rate_row`, the weights in force at the period's end);
    ``satisfaction_shortfall`` = the unit's answers × (city rate − unit rate), the satisfied answers it
    lacks against the city. Biggest shortfall first."""
    rules = rules_in_force(settings or load_settings(), period)
    params: dict[str, Any] = {"start": period.start, "end": period.end}
    unit_clause = "".join(f" AND {c}" for c in unit_clauses(get_level(level), unit, county, params))
    counts = _CATEGORY_COUNTS_SQL
    base = "FROM fct_work_orders WHERE dispatched_date BETWEEN $start AND $end AND is_dispatched"
    sql = f"""
        WITH own AS (SELECT category_l1, category_l2, {counts} {base} {unit_clause} GROUP BY ALL)
        SELECT 'unit' AS side, * FROM own
        UNION ALL BY NAME
        SELECT 'city' AS side, category_l1, category_l2, {counts}
        {base} AND category_l2 IN (SELECT category_l2 FROM own) GROUP BY ALL"""
    rows = con.sql(sql, params=params).pl().to_dicts()
    city = {
        (r["category_l1"], r["category_l2"]): rate_row(r, rules)["satisfaction_rate"]
        for r in rows
        if r["side"] == "city"
    }
    out = []
    for r in rows:
        if r["side"] != "unit":
            continue
        rated = rate_row(r, rules)
        mine, theirs = rated["satisfaction_rate"], city.get((r["category_l1"], r["category_l2"]))
        answered = rated["satisfaction_answered_count"]
        gap = answered * (theirs - mine) if None not in (mine, theirs, answered) else None
        out.append({"category_l1": r["category_l1"], "category_l2": r["category_l2"],
                    **{k: rated[k] for k in _CATEGORY_COUNTS}, "satisfaction_rate": mine,
                    "city_satisfaction_rate": theirs, "satisfaction_shortfall": gap})  # fmt: skip
    schema = {"category_l1": pl.String, "category_l2": pl.String, **dict.fromkeys(_CATEGORY_COUNTS, pl.Int64),
              "satisfaction_rate": pl.Float64, "city_satisfaction_rate": pl.Float64,
              "satisfaction_shortfall": pl.Float64}  # fmt: skip
    frame = pl.DataFrame(out, schema=schema, orient="row") if out else pl.DataFrame(schema=schema)
    order = ["satisfaction_shortfall", "dissatisfied_count", "overdue_open_count", "category_l2"]
    return frame.sort(order, descending=[True, True, True, False], nulls_last=True).head(limit)
