"""Order-level queries behind the hot-topics, unit-profile and data pages (SPEC §1, §4, §5).

The data page's quality figures and quarantine view are in ``warehouse.quality``; every call of the
three pages is timed by the benchmark (``bench/calls.py``). Plain values in, Polars frames out; values are bound
parameters, identifiers come from fixed allow-lists. Everything reads ``fct_work_orders`` (no personal data), the ``met_*`` tables or the
load bookkeeping, filtered on a date column first so it stays fast at 10 million orders. Counts use
the metric registry's predicates, so a list of orders always has as many rows as its figure.
Rates are sum over sum of the counts at the grain stated; unit rates come from the met tables.
The order lists take the viewer and apply ``warehouse.access`` (refuse, scope to a leader's county,
mask free text), as ``warehouse.drilldown.fetch_orders`` does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl

from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.drilldown import mask_for, part_metric, scope_clauses, unit_clauses
from warehouse.metrics import count_column, fetch_monthly
from warehouse.rankings import fetch_ranking
from warehouse.registry import METRIC_BY_KEY, get_level
from warehouse.scoring import rate_row, rules_in_force
from warehouse.settings import Settings, load_settings

CATEGORY_COLUMNS = ("category_l1", "category_l2")
# order list -> the registry count it lists (its numerator predicate and date basis)
ORDER_LISTS: dict[str, str] = {
    "unsatisfied": "dissatisfied_count",
    "overdue": "overdue_open_count",
    "bounced": "returned_count",
    "repeat": "repeat_count",
}
LIST_COLUMNS = (
    "order_id", "received_at", "dispatched_at", "effective_due_at", "closed_at", "appeal_type", "category_l1",
    "category_l2", "category_l3", "county", "township", "department", "urgency_level", "status", "return_count",
    "resolution", "satisfaction", "is_overdue_open", "is_returned", "is_repeat", "repeat_of_order_id",
)  # fmt: skip
TREND_COLUMNS = (
    "dispatched_count", "assessed_count", "responded_on_time_count", "closed_on_time_count", "on_time_due_count",
    "resolution_answered_count", "resolved_weighted", "satisfaction_answered_count", "satisfied_weighted",
    "dissatisfied_count", "overdue_open_count", "returned_count", "repeat_count", "response_rate", "on_time_rate",
    "resolution_rate", "satisfaction_rate", "return_rate", "repeat_rate", "score", "missing_rates",
    "score_missing_rates",
)  # fmt: skip
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


def _inputs(*keys: str) -> tuple[str, ...]:
    """The registry counts ``keys`` need for rate_row: themselves, what their figures require, and the
    bases those requirements are measured against."""
    needs = [n for k in keys for n in METRIC_BY_KEY[k].needs if n]
    bases = [METRIC_BY_KEY[n].base for n in needs if METRIC_BY_KEY[n].base]
    return tuple(dict.fromkeys([k for k in keys if not METRIC_BY_KEY[k].is_rate] + needs + bases))


def _counts_sql(keys: tuple[str, ...]) -> str:
    return ", ".join(count_column(METRIC_BY_KEY[k]) for k in keys)


_ISSUE_INPUTS = _inputs(
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
        SELECT category_l1, category_l2, {_counts_sql(_ISSUE_INPUTS)}
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


def _unit_clauses(level: str, unit: str | None, county: str | None, params: dict[str, Any]) -> str:
    return "".join(f" AND {c}" for c in unit_clauses(get_level(level), unit, county, params))


_CATEGORY_COUNTS = ("assessed_count", "dissatisfied_count", "overdue_open_count", "returned_count", "repeat_count",
                    "satisfaction_answered_count")  # fmt: skip
_CATEGORY_INPUTS = _inputs(*_CATEGORY_COUNTS, "satisfied_count", "basically_satisfied_count", "satisfaction_rate")


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
    params: dict[str, Any] = _span(period)
    unit_clause = _unit_clauses(level, unit, county, params)
    counts = _counts_sql(_CATEGORY_INPUTS)
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


def fetch_order_list(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    kind: str,
    level: str,
    unit: str | None,
    period: Period,
    county: str | None = None,
    limit: int | None = 500,
) -> pl.DataFrame:
    """The orders behind one of the unit's figures (``ORDER_LISTS``: unsatisfied, overdue open,
    bounced, repeat), newest first: ids, dates, categories and flags — never personal data."""
    if kind not in ORDER_LISTS:
        raise ValueError(f"清单类型应为 {tuple(ORDER_LISTS)} 之一：{kind!r}")
    return fetch_order_lists(con, viewer, level, unit, period, county, limit, kinds=(kind,))[kind]


def fetch_order_lists(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    level: str,
    unit: str | None,
    period: Period,
    county: str | None = None,
    limit: int | None = 500,
    kinds: tuple[str, ...] = tuple(ORDER_LISTS),
) -> dict[str, pl.DataFrame]:
    """``fetch_order_list`` for several kinds in one scan of the unit's orders (a scan of a month at
    10M orders costs ~60 ms; the lists are small): kind -> its orders, newest first, at most ``limit``.
    A county-scoped ``viewer`` gets its county's orders only; a role without order lists is refused."""
    viewer.require_order_lists()
    parts = {kind: part_metric(ORDER_LISTS[kind], "numerator") for kind in kinds}
    lists: dict[str, pl.DataFrame] = {}
    for basis in dict.fromkeys(b for _, b in parts.values()):  # one query per date basis (today: one)
        mine = [k for k, (_, b) in parts.items() if b == basis]
        params: dict[str, Any] = _span(period)
        date_col = "dispatched_date" if basis == "dispatched" else "received_date"
        flags = ", ".join(f"({parts[k][0]}) AS __{k}" for k in mine)
        any_flag = " OR ".join(f"__{k}" for k in mine)
        scope = "".join(f" AND {c}" for c in scope_clauses(viewer, params))
        sql = (
            f"SELECT * FROM (SELECT {', '.join(LIST_COLUMNS)}, {flags} FROM fct_work_orders "
            f"WHERE {date_col} BETWEEN $start AND $end{_unit_clauses(level, unit, county, params)}{scope}) "
            f"WHERE {any_flag} ORDER BY received_at DESC, order_id"
        )
        found = con.sql(sql, params=params).pl()
        for kind in mine:
            rows = found.filter(pl.col(f"__{kind}")).select(LIST_COLUMNS)
            lists[kind] = mask_for(viewer, rows if limit is None else rows.head(limit))
    return {kind: lists[kind] for kind in kinds}


def fetch_volume_by_month(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per month of ``met_city_month``: received (by received month), answered directly,
    dispatched and assessed (by dispatch month)."""
    return con.sql(
        """SELECT month, received_count, direct_answer_count, dispatched_count, assessed_count
           FROM met_city_month ORDER BY month"""
    ).pl()
