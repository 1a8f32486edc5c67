"""Early warning (预警, SPEC §4): days on which a county received far more orders of one category than
its history leads one to expect.

Cells are county × second-level category (an empty one is a cell of its own), counted by receipt day.
For day t of a cell the expected count is

    μ = B · w_t / W_B

B = the cell's orders in the baseline (the ``baseline_days`` days ending ``guard_days`` before t: the gap
keeps a spike of several days out of its own baseline), W_B = the sum of the baseline days' weights,
w_t = the weight of day t. A day's weight is its day-type factor — Monday … Sunday and statutory
holidays (the Chinese calendar, 调休 workdays counted as midweek days), estimated from the whole city's
daily volume — times, for day t only, a seasonal factor: how much the category's city-wide volume
changed between the baseline and the same day one year earlier (1 when the warehouse does not reach
back that far). The trailing baseline follows slow seasonal change by itself; the yearly factor covers
sharp onsets such as the start of the heating season.

The test is exact and conditional: if the cell's daily rate is proportional to the weights, the day's
count given the total of day and baseline is binomial, X | X + B ~ Bin(X + B, w_t / (w_t + W_B)) —
the baseline's own uncertainty is part of it. Overdispersion is allowed for quasi-Poisson style: each
category's dispersion φ (squared residuals over variances across its history, spikes excluded, ≥ 1)
divides the counts before the tail probability is taken. A day is an alert when P(X ≥ x) < ``alpha``,
x ≥ ``min_count`` and x ≥ ``min_ratio`` · μ; consecutive alert days of a cell (one quiet day between
allowed) are one spike. How many the demo city's planted spikes it finds and how many false alarms it
raises in the demo year: docs/metrics.md (``python -m etl.democity.eval``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import chinese_calendar
import duckdb
import numpy as np
import polars as pl

from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.drilldown import mask_for, scope_clauses, unit_clauses
from warehouse.order_lists import LIST_COLUMNS
from warehouse.problem_settings import AlertSettings, load_problem_settings
from warehouse.registry import get_level
from warehouse.stats import binomial_upper

HOLIDAY = 7
YEAR = 365
ALERT_SCHEMA = {
    "county": pl.String, "category_l1": pl.String, "category_l2": pl.String, "start_date": pl.Date,
    "end_date": pl.Date, "alert_days": pl.Int64, "observed_count": pl.Int64, "expected_count": pl.Float64,
    "excess_count": pl.Float64, "ratio": pl.Float64, "p_value": pl.Float64,
}  # fmt: skip


@dataclass(frozen=True)
class AlertScan:
    """The spikes found (``alerts``, newest first) and what was tested."""

    alerts: pl.DataFrame
    tested_from: dt.date | None  # first day with a full baseline (None: not enough history)
    tested_to: dt.date | None
    cells: int


def day_type(day: dt.date) -> int:
    """0–6 Monday–Sunday; 7 a statutory holiday; a 调休 working weekend counts as a Wednesday."""
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return day.weekday()
    if holiday and name:
        return HOLIDAY
    return 2 if not holiday and day.weekday() >= 5 else day.weekday()


def _daily(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(
        """SELECT received_date AS day, county, category_l1, category_l2, count(*) AS n
           FROM fct_work_orders GROUP BY ALL"""
    ).pl()


@dataclass
class _Grid:
    days: list[dt.date]
    cells: pl.DataFrame  # county, category_l1, category_l2
    counts: np.ndarray  # cells × days
    category: np.ndarray  # cell -> category index (l1, l2)


def _grid(daily: pl.DataFrame) -> _Grid:
    first, last = daily["day"].min(), daily["day"].max()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    cells = daily.select("county", "category_l1", "category_l2").unique().sort(pl.all(), nulls_last=True)
    cells = cells.with_row_index("cell")
    daily = daily.join(cells, on=["county", "category_l1", "category_l2"], nulls_equal=True)
    counts = np.zeros((cells.height, len(days)))
    counts[daily["cell"].to_numpy(), (daily["day"] - first).dt.total_days().to_numpy()] = daily["n"].to_numpy()
    cats = (
        cells.select("category_l1", "category_l2")
        .with_columns(pl.struct("category_l1", "category_l2").rank("dense").alias("k"))["k"]
        .to_numpy()
        - 1
    )
    return _Grid(days, cells.drop("cell"), counts, cats)


def _weights(grid: _Grid) -> np.ndarray:
    """Day-type factor of every day (mean 1), from the city's total daily volume."""
    types = np.array([day_type(d) for d in grid.days])
    total = grid.counts.sum(axis=0)
    factor = np.ones(HOLIDAY + 1)
    for k in range(HOLIDAY + 1):
        if (types == k).any() and total.mean() > 0:
            factor[k] = max(total[types == k].mean() / total.mean(), 0.05)
    return factor[types]


def _window_sum(values: np.ndarray, lag: int, width: int) -> np.ndarray:
    """Along the last axis: the sum over [t − lag − width + 1, t − lag] (NaN where it starts before day 0)."""
    csum = np.concatenate([np.zeros((*values.shape[:-1], 1)), np.cumsum(values, axis=-1)], axis=-1)
    t = np.arange(values.shape[-1])
    hi, lo = t - lag + 1, t - lag - width + 1
    out = np.full(values.shape, np.nan)
    ok = lo >= 0
    out[..., ok] = csum[..., hi[ok]] - csum[..., lo[ok]]
    return out


def _seasonal(grid: _Grid, w: np.ndarray, cfg: AlertSettings) -> np.ndarray:
    """Per category and day: (its city-wide rate around the same day a year earlier) ÷ (its rate in the
    baseline a year earlier), day types removed; 1 where the history is shorter; within [¼, 4]."""
    k = grid.category.max() + 1 if len(grid.category) else 0
    city = np.zeros((k, grid.counts.shape[1]))
    np.add.at(city, grid.category, grid.counts)
    lag = cfg.guard_days + 1
    near = _window_sum(city, YEAR - 3, 7), _window_sum(w, YEAR - 3, 7)
    base = _window_sum(city, YEAR + lag - 1, cfg.baseline_days), _window_sum(w, YEAR + lag - 1, cfg.baseline_days)
    ratio = ((near[0] + 1) / near[1]) / ((base[0] + cfg.baseline_days / 7) / base[1])
    return np.clip(np.nan_to_num(ratio, nan=1.0), 0.25, 4.0)


def _expected(grid: _Grid, cfg: AlertSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(μ, baseline count B, p = w_t / (w_t + W_B)) for every cell-day (NaN before a full baseline)."""
    w = _weights(grid)
    lag = cfg.guard_days + 1
    base = _window_sum(grid.counts, lag, cfg.baseline_days)
    base_w = _window_sum(w, lag, cfg.baseline_days)
    target = w[None, :] * _seasonal(grid, w, cfg)[grid.category]
    mu = base * target / base_w
    return mu, base, target / (target + base_w)


def _dispersion(grid: _Grid, mu: np.ndarray, p: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    """Per cell, its category's φ = Σ (x − μ)² ÷ Σ μ/(1 − p) over its tested days, spikes excluded, at
    least 1. A ratio of sums, not a mean of ratios: with sparse counts the mean of (x − μ)²/μ over days
    with μ > 0 overstates φ (simulated: 1.26 at 0.2 orders a day under a pure Poisson null, ratio of
    sums 0.99)."""
    ok = ~np.isnan(mu) & ~flagged
    squares = np.where(ok, (grid.counts - np.nan_to_num(mu)) ** 2, 0.0)
    variance = np.where(ok, np.nan_to_num(mu) / (1 - np.nan_to_num(p)), 0.0)
    k = grid.category.max() + 1 if len(grid.category) else 0
    num, den = np.zeros(k), np.zeros(k)
    np.add.at(num, grid.category, squares.sum(axis=1))
    np.add.at(den, grid.category, variance.sum(axis=1))
    phi = np.where(den >= 30, num / np.maximum(den, 1e-9), 1.0)
    return np.maximum(phi, 1.0)[grid.category]


def _tail(grid: _Grid, mu, base, p, phi: np.ndarray, cfg: AlertSettings) -> dict[tuple[int, int], float]:
    """P(X ≥ x) of every candidate cell-day (enough orders, enough above expectation)."""
    x = grid.counts
    candidate = ~np.isnan(mu) & (x >= cfg.min_count) & (x >= cfg.min_ratio * np.nan_to_num(mu))
    out = {}
    for c, t in zip(*np.nonzero(candidate), strict=True):
        f = phi[c]
        out[(int(c), int(t))] = binomial_upper(x[c, t] / f, (x[c, t] + base[c, t]) / f, p[c, t])
    return out


def scan_alerts(con: duckdb.DuckDBPyConnection, settings: AlertSettings | None = None) -> AlertScan:
    """Every spike in the warehouse's history (aggregates only: counts per county, category and day)."""
    return scan_daily(_daily(con), settings or load_problem_settings().alerts)


def scan_daily(daily: pl.DataFrame, cfg: AlertSettings) -> AlertScan:
    """The spikes in daily counts (columns day, county, category_l1, category_l2, n; a missing row is 0)."""
    if daily.is_empty():
        return AlertScan(pl.DataFrame(schema=ALERT_SCHEMA), None, None, 0)
    grid = _grid(daily)
    mu, base, p = _expected(grid, cfg)
    first_pass = _tail(grid, mu, base, p, np.ones(len(grid.category)), cfg)
    flagged = np.zeros(grid.counts.shape, dtype=bool)
    for (c, t), pv in first_pass.items():
        flagged[c, t] = pv < cfg.alpha
    phi = _dispersion(grid, mu, p, flagged)
    hits = {ct: pv for ct, pv in _tail(grid, mu, base, p, phi, cfg).items() if pv < cfg.alpha}
    first_tested = cfg.guard_days + cfg.baseline_days
    tested_from = grid.days[first_tested] if first_tested < len(grid.days) else None
    alerts = _episodes(grid, mu, hits)
    return AlertScan(alerts, tested_from, grid.days[-1] if tested_from else None, grid.cells.height)


def _episodes(grid: _Grid, mu: np.ndarray, hits: dict[tuple[int, int], float]) -> pl.DataFrame:
    """Alert days of a cell no more than two days apart make one spike."""
    records: list[dict[str, Any]] = []
    for c, t in sorted(hits):
        last = records[-1] if records else None
        if last is not None and last["_cell"] == c and t - last["_t"] <= 2:
            last.update(_t=t, end_date=grid.days[t], alert_days=last["alert_days"] + 1)
            last["observed_count"] += int(grid.counts[c, t])
            last["expected_count"] += float(mu[c, t])
            last["p_value"] = min(last["p_value"], hits[(c, t)])
            continue
        cell = grid.cells.row(c, named=True)
        records.append({"_cell": c, "_t": t, **cell, "start_date": grid.days[t], "end_date": grid.days[t],
                        "alert_days": 1, "observed_count": int(grid.counts[c, t]),
                        "expected_count": float(mu[c, t]), "p_value": hits[(c, t)]})  # fmt: skip
    for r in records:
        r["excess_count"] = r["observed_count"] - r["expected_count"]
        r["ratio"] = r["observed_count"] / r["expected_count"] if r["expected_count"] > 0 else None
    frame = pl.DataFrame([{k: r[k] for k in ALERT_SCHEMA} for r in records], schema=ALERT_SCHEMA)
    return frame.sort(["start_date", "excess_count"], descending=[True, True])


def fetch_alerts(
    con: duckdb.DuckDBPyConnection, since: dt.date, until: dt.date | None = None, settings: AlertSettings | None = None
) -> AlertScan:
    """The spikes with an alert day from ``since`` to ``until`` (default: the end of the data)."""
    scan = scan_alerts(con, settings)
    last = until or dt.date.max
    keep = (pl.col("end_date") >= since) & (pl.col("start_date") <= last)
    return AlertScan(scan.alerts.filter(keep), scan.tested_from, scan.tested_to, scan.cells)


def fetch_alert_orders(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    county: str | None,
    category_l2: str | None,
    start: dt.date,
    end: dt.date,
) -> pl.DataFrame:
    """The orders behind one spike (received from ``start`` to ``end`` in the cell), oldest first, as
    ``viewer`` may see them (refused without order lists, a scoped leader's county only, text masked)."""
    viewer.require_order_lists()
    params: dict[str, Any] = {"start": start, "end": end, "county": county, "category": category_l2}
    scope = "".join(f" AND {c}" for c in scope_clauses(viewer, params))
    sql = (
        f"SELECT {', '.join(LIST_COLUMNS)} FROM fct_work_orders WHERE received_date BETWEEN $start AND $end "
        f"AND county IS NOT DISTINCT FROM $county AND category_l2 IS NOT DISTINCT FROM $category{scope} "
        "ORDER BY received_at, order_id"
    )
    return mask_for(viewer, con.sql(sql, params=params).pl())


def fetch_unit_alerts(
    con: duckdb.DuckDBPyConnection,
    level: str,
    unit: str,
    period: Period,
    county: str | None = None,
    settings: AlertSettings | None = None,
) -> pl.DataFrame:
    """The period's spikes that took orders of one unit (a township with its ``county``), with how many
    (``unit_order_count``): the evidence pack's sheet. Aggregates only."""
    lvl = get_level(level)
    scan = fetch_alerts(con, period.start, period.end, settings).alerts
    params: dict[str, Any] = {}
    own = " AND ".join(unit_clauses(lvl, unit, county, params))
    counts = []
    for a in scan.iter_rows(named=True):
        sql = f"""SELECT count(*) FROM fct_work_orders WHERE received_date BETWEEN $start AND $end
                  AND county IS NOT DISTINCT FROM $c AND category_l2 IS NOT DISTINCT FROM $k AND {own}"""
        args = {**params, "start": a["start_date"], "end": a["end_date"], "c": a["county"], "k": a["category_l2"]}
        counts.append(con.sql(sql, params=args).fetchall()[0][0])
    found = scan.with_columns(pl.Series("unit_order_count", counts, dtype=pl.Int64))
    return found.filter(pl.col("unit_order_count") > 0)
