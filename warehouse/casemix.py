"""Fair comparison of satisfaction (case mix): is a unit's 满意率 low because it handles badly, or because it
gets the hard cases? Alongside the official rate — never instead of it.

Indirect standardisation against the city. A unit's assessed orders with a satisfaction answer fall in
cells c = second-level category × appeal type (咨询 about a streetlight is not 投诉 about demolition). The
city's satisfaction rate r_c in each cell and the unit's own rate come from the one rate function
(``warehouse.scoring.rate_row``) over the registry's counts, so the weight of 基本满意 in force applies and
the observed rate *is* the official one. Then

    expected E = Σ_c n_c · r'_c       (n_c = the unit's answered orders in cell c, r'_c = r_c moved by δ)
    observed O = official rate · n    (n = Σ_c n_c)
    O/E        = how the unit does against what the city achieves with the same mix of cases

The cell rates r_c are the city's over the ``reference_months`` up to the period's end (config/problems.toml):
a month's cells are small, and a unit that fills most of a small cell would be compared mostly with
itself. They are then moved to this period's city level by one shift δ of their log-odds, chosen so that
the city as a whole has O/E = 1 (a city-wide change of mood moves no unit, and no rate leaves 0–1).
The 95 % interval is the Wilson interval of the observed rate divided by the expected rate E/n (the city's
cell rates rest on the whole city over a year and are taken as known). ``below`` when the interval lies wholly
under 1, ``above`` wholly over, else ``as_expected``; no verdict below the minimum sample or when the
source carries no satisfaction (then every figure here is not available). An empty category or appeal
type is a cell value of its own.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

import duckdb
import polars as pl

from labels import t
from warehouse.calendar import Period
from warehouse.drilldown import unit_clauses
from warehouse.problem_settings import load_problem_settings
from warehouse.registry import CITY, METRIC_BY_KEY, get_level
from warehouse.scoring import rate_row, rules_in_force, wilson
from warehouse.settings import Settings, load_settings

COUNTS = (
    "assessed_count", "satisfaction_measurable_count", "satisfaction_answered_count", "satisfied_count",
    "basically_satisfied_count",
)  # fmt: skip
CELL = ("category_l2", "appeal_type")
# the columns a league table gains (the CLI's --case-mix; the official satisfaction_rate is already there)
CASEMIX_COLUMNS = (
    "expected_satisfaction_rate", "satisfaction_oe", "satisfaction_oe_low", "satisfaction_oe_high", "casemix_verdict",
)  # fmt: skip
CASEMIX_SCHEMA = {
    "satisfaction_answered_count": pl.Int64, "satisfaction_rate": pl.Float64,
    "expected_satisfaction_rate": pl.Float64, "satisfaction_oe": pl.Float64, "satisfaction_oe_low": pl.Float64,
    "satisfaction_oe_high": pl.Float64, "casemix_verdict": pl.String,
}  # fmt: skip


def _cell_counts(
    con: duckdb.DuckDBPyConnection, keys: tuple[str, ...], period: Period, unit_where: str = "TRUE", params=None
) -> pl.DataFrame:
    """One row per unit (``keys``) and cell: the satisfaction counts of the orders dispatched in the period."""
    cols = ", ".join(f"count(*) FILTER (WHERE {METRIC_BY_KEY[k].where})::BIGINT AS {k}" for k in COUNTS)
    group = ", ".join((*keys, *CELL))
    sql = f"""SELECT {group}, {cols} FROM fct_work_orders
              WHERE dispatched_date BETWEEN $start AND $end AND is_dispatched AND {unit_where}
              GROUP BY {group}"""
    return con.sql(sql, params={"start": period.start, "end": period.end, **(params or {})}).pl()


def _reference(period: Period, months: int) -> Period:
    """The ``months`` whole months ending with the period's last month (the period itself when longer)."""
    index = period.end.year * 12 + period.end.month - months
    start = dt.date(index // 12, index % 12 + 1, 1)
    return Period(min(start, period.start), period.end, "range")


def _cell_rates(cells: pl.DataFrame, rules: Settings) -> dict[tuple, float | None]:
    return {tuple(r[c] for c in CELL): rate_row(r, rules)["satisfaction_rate"] for r in cells.iter_rows(named=True)}


def _expected_answers(cells: list[dict[str, Any]], rates: dict[tuple, float | None]) -> float:
    return sum(
        int(c["satisfaction_answered_count"] or 0) * (rates.get(tuple(c[k] for k in CELL)) or 0.0) for c in cells
    )


def city_reference(
    con: duckdb.DuckDBPyConnection, period: Period, rules: Settings, months: int | None = None
) -> dict[tuple, float | None]:
    """The city's cell rates over the reference months, moved to this period's city level (see above)."""
    months = months or load_problem_settings().casemix.reference_months
    rates = _cell_rates(_cell_counts(con, (), _reference(period, months)), rules)
    now = _cell_counts(con, (), period).to_dicts()
    observed = assess_raw(now, rules)
    if observed is None:
        return rates
    delta = _shift(rates, now, observed)
    return {cell: None if r is None else _moved(r, delta) for cell, r in rates.items()}


def _moved(rate: float, delta: float) -> float:
    if rate <= 0.0 or rate >= 1.0:
        return rate
    return 1.0 / (1.0 + math.exp(-(math.log(rate / (1.0 - rate)) + delta)))


def _shift(rates: dict[tuple, float | None], cells: list[dict[str, Any]], observed: float) -> float:
    """δ with Σ n_c · moved(r_c, δ) = observed (bisection: the sum rises with δ); 0 when unreachable."""
    expected = lambda d: sum(  # noqa: E731
        int(c["satisfaction_answered_count"] or 0) * _moved(rates.get(tuple(c[k] for k in CELL)) or 0.0, d)
        for c in cells
    )
    lo, hi = -20.0, 20.0
    if abs(expected(0.0) - observed) <= 1e-9 * max(observed, 1.0) or not expected(lo) <= observed <= expected(hi):
        return 0.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if expected(mid) < observed else (lo, mid)
    return (lo + hi) / 2


def assess_raw(cells: list[dict[str, Any]], rules: Settings) -> float | None:
    """The weighted satisfied answers behind the official rate of these cells (rate × answered)."""
    totals = {k: sum(int(c[k] or 0) for c in cells) for k in COUNTS}
    row = rate_row(totals, rules)
    rate, n = row["satisfaction_rate"], int(row.get("satisfaction_answered_count") or 0)
    return None if rate is None else rate * n


def assess(cells: list[dict[str, Any]], rates: dict[tuple, float | None], rules: Settings) -> dict[str, Any]:
    """The case-mix figures of one unit from its cell counts (see the module docstring)."""
    totals = {key: sum(int(c[key] or 0) for c in cells) for key in COUNTS}
    official = rate_row(totals, rules)
    observed, n = official["satisfaction_rate"], int(official.get("satisfaction_answered_count") or 0)
    out: dict[str, Any] = dict.fromkeys(CASEMIX_SCHEMA)
    out.update(satisfaction_answered_count=n, satisfaction_rate=observed)
    if observed is None or not n:
        return out
    expected = _expected_answers(cells, rates) / n
    if expected <= 0:
        return out
    low, high = wilson(observed * n, n)  # the weighted satisfied answers behind the official rate
    out.update(expected_satisfaction_rate=expected, satisfaction_oe=observed / expected)
    out.update(satisfaction_oe_low=low / expected, satisfaction_oe_high=high / expected)
    if n >= rules.min_sample:
        below, above = out["satisfaction_oe_high"] < 1, out["satisfaction_oe_low"] > 1
        out["casemix_verdict"] = "below" if below else ("above" if above else "as_expected")
    return out


def fetch_casemix(
    con: duckdb.DuckDBPyConnection, level: str, period: Period, settings: Settings | None = None
) -> pl.DataFrame:
    """One row per unit of ``level`` with satisfaction answers in the period: its key columns and the
    case-mix figures (``CASEMIX_SCHEMA``). Aggregates only, the same for every viewer."""
    rules = rules_in_force(settings or load_settings(), period)
    lvl = CITY if level == "city" else get_level(level)
    where = " AND ".join(f"{k} IS NOT NULL" for k in lvl.keys) or "TRUE"
    reference = city_reference(con, period, rules)
    by_unit: dict[tuple, list[dict]] = defaultdict(list)
    for row in _cell_counts(con, lvl.keys, period, where).iter_rows(named=True):
        by_unit[tuple(row[k] for k in lvl.keys)].append(row)
    rows = [{**dict(zip(lvl.keys, key, strict=True)), **assess(c, reference, rules)} for key, c in by_unit.items()]
    schema = {**{k: pl.String for k in lvl.keys}, **CASEMIX_SCHEMA}
    return pl.DataFrame(rows, schema=schema, orient="row")


def fetch_unit_casemix_cells(
    con: duckdb.DuckDBPyConnection,
    level: str,
    unit: str,
    period: Period,
    county: str | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """The unit's cells (category_l2 × appeal type): its answers, its rate and the city's (the calibrated
    reference rate), and the satisfied answers expected from it — where the gap (or the hard cases) is.
    Biggest shortfall first."""
    rules = rules_in_force(settings or load_settings(), period)
    lvl = get_level(level)
    params: dict[str, Any] = {}
    where = " AND ".join(unit_clauses(lvl, unit, county, params))
    rates = city_reference(con, period, rules)
    rows = []
    for c in _cell_counts(con, (), period, where, params).iter_rows(named=True):
        n = int(c["satisfaction_answered_count"] or 0)
        if not n:
            continue
        own, reference = rate_row(c, rules)["satisfaction_rate"], rates.get(tuple(c[key] for key in CELL))
        city_rate = reference
        expected = n * city_rate if city_rate is not None else None
        actual = n * own if own is not None else None
        rows.append({"category_l2": c["category_l2"], "appeal_type": c["appeal_type"], "satisfaction_answered_count": n,
                     "satisfaction_rate": own, "city_satisfaction_rate": city_rate, "expected_satisfied": expected,
                     "satisfied_answers": actual,
                     "satisfaction_gap": None if expected is None or actual is None else actual - expected})  # fmt: skip
    schema = {"category_l2": pl.String, "appeal_type": pl.String, "satisfaction_answered_count": pl.Int64,
              "satisfaction_rate": pl.Float64, "city_satisfaction_rate": pl.Float64, "expected_satisfied": pl.Float64,
              "satisfied_answers": pl.Float64, "satisfaction_gap": pl.Float64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row").sort("satisfaction_gap", nulls_last=True)


def unit_casemix(
    con: duckdb.DuckDBPyConnection, level: str, unit: str, period: Period, county: str | None = None
) -> dict[str, Any] | None:
    """The case-mix figures of one unit (a township with its ``county``), or None when it has no answers."""
    lvl = get_level(level)
    want = {"county": county, "township": unit} if lvl.name == "township" else {lvl.unit_col: unit}
    for row in fetch_casemix(con, level, period).iter_rows(named=True):
        if all(row[k] == v for k, v in want.items()):
            return row
    return None


def casemix_sentence(row: dict[str, Any] | None, lang: str = "zh") -> str:
    """One sentence a report can print: observed, expected, O/E with its interval, and the verdict."""
    if row is None or row["satisfaction_oe"] is None:
        return t("cm_not_available", lang)
    pct = lambda v: f"{100 * v:.1f}%"  # noqa: E731
    return t("cm_sentence", lang).format(
        observed=pct(row["satisfaction_rate"]), expected=pct(row["expected_satisfaction_rate"]),
        oe=f"{row['satisfaction_oe']:.3f}", low=f"{row['satisfaction_oe_low']:.3f}",
        high=f"{row['satisfaction_oe_high']:.3f}", verdict=t(f"cm_verdict_{row['casemix_verdict'] or 'none'}", lang),
    )  # fmt: skip


def casemix_sheet(
    con: duckdb.DuckDBPyConnection, level: str, unit: str, period: Period, county: str | None = None, lang: str = "zh"
) -> pl.DataFrame:
    """The unit's kinds of case against the city's, headed for people (the evidence pack's sheet)."""
    cells = fetch_unit_casemix_cells(con, level, unit, period, county)
    names = {"category_l2": "field_category_l2", "appeal_type": "field_appeal_type",
             "satisfaction_answered_count": "pb_satisfaction_answered_count", "satisfaction_rate": "col_satisfaction_rate",
             "city_satisfaction_rate": "col_city_satisfaction_rate"}  # fmt: skip
    return cells.rename({c: t(names.get(c, f"col_{c}"), lang) for c in cells.columns})
