"""League tables per SPEC §3.1, computed exactly.

Counts are summed over the period (sum over sum), then every rate and the composite score are
computed as exact fractions of those integer counts: ties are true equalities (1, 2, 2, 4), not
accidents of floating-point rounding, and the published floats are the correctly rounded values
of the rationals, so anyone recomputing SPEC §3 from the orders gets the same numbers.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Any

import duckdb
import polars as pl

from warehouse.calendar import Period
from warehouse.metrics import read_sql
from warehouse.registry import RATES, Level, get_level
from warehouse.settings import COMPOSITE_RATES, CompositeWeights, Settings, load_settings

Z95 = 1.959963984540054
INSUFFICIENT = "样本不足"
_COMPOSITE_KEYS = frozenset(f"{name}_rate" for name in COMPOSITE_RATES)

__all__ = [
    "INSUFFICIENT",
    "Period",
    "composite",
    "fetch_period_counts",
    "fetch_ranking",
    "fetch_totals",
    "rate_row",
    "wilson",
]


def fetch_period_counts(con: duckdb.DuckDBPyConnection, level: str | Level, period: Period) -> list[dict]:
    """Every count per unit of ``level`` ('city' allowed) summed over the period."""
    lvl = level if isinstance(level, Level) else _level_or_city(level)
    grain, date_col = ("month", "month") if period.is_whole_months else ("day", "day")
    sql = read_sql("met_level_period", lvl, grain=grain, date_col=date_col)
    rel = con.sql(sql, params={"start": period.start, "end": period.end})
    cols = rel.columns
    # an aggregate without GROUP BY columns (the city) returns one all-NULL row when nothing matched
    return [
        dict(zip(cols, row, strict=True)) for row in rel.fetchall() if row[cols.index("received_count")] is not None
    ]


def fetch_totals(con: duckdb.DuckDBPyConnection, period: Period, settings: Settings | None = None) -> dict[str, Any]:
    """City totals for the period: counts, every rate (incl. 直接答复率) and the score."""
    settings = settings or load_settings()
    rows = fetch_period_counts(con, "city", period)
    totals = rate_row(rows[0] if rows else {}, settings)
    del totals["_score_exact"]
    return totals


def fetch_ranking(
    con: duckdb.DuckDBPyConnection, level: str, period: Period, settings: Settings | None = None
) -> pl.DataFrame:
    """The league table of ``level`` for ``period``: one row per unit with any order dispatched to
    it, counts, rates with Wilson bounds, score, rank within its group, rank change, red/black
    flags and the ``indistinguishable`` fairness flag. Sorted by group, rank, unit.
    """
    settings = settings or load_settings()
    lvl = get_level(level)
    current = _ranked(con, lvl, period, settings)
    previous = {r["_key"]: r["rank"] for r in _ranked(con, lvl, period.previous(), settings)}
    for row in current:
        row["previous_rank"] = previous.get(row["_key"])
        both = row["rank"] is not None and row["previous_rank"] is not None
        row["rank_change"] = row["previous_rank"] - row["rank"] if both else None
    for row in current:
        del row["_key"], row["_score_exact"]
        row.update(level=lvl.name, period=period.label)
    return pl.DataFrame(current, schema=_schema(current), infer_schema_length=None)


def rate_row(counts: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Counts plus every registry rate, its Wilson bounds and the score.

    Integer ratios are correctly rounded by Python's int division; weighted numerators and the
    score go through exact fractions.
    """
    row = dict(counts)
    exact: dict[str, Fraction | None] = {}
    for metric in RATES:
        num, den = _numerator(counts, metric.numerator or "", settings), int(counts.get(metric.denominator) or 0)
        if metric.key in _COMPOSITE_KEYS:
            exact[metric.key] = Fraction(num) / den if den else None
            row[metric.key] = float(exact[metric.key]) if den else None
        else:
            row[metric.key] = num / den if den else None
        row[f"{metric.key}_low"], row[f"{metric.key}_high"] = wilson(float(num), den)
    score, missing = composite(exact, settings)
    row["_score_exact"], row["score"] = score, float(score) if score is not None else None
    row["score_missing_rates"] = ",".join(missing) or None
    row["score_low"], row["score_high"] = _score_bounds(row, exact, settings)
    return row


def composite(rates: dict[str, Fraction | None], settings: Settings) -> tuple[Fraction | None, list[str]]:
    """100 × Σ w·r ÷ Σ w over the rates that have a denominator; names the missing ones."""
    total = weight = Fraction(0)
    missing = []
    for key, wq in _exact_weights(settings.composite_weights):
        if wq == 0:
            continue
        if rates.get(key) is None:
            missing.append(key)
            continue
        total += wq * rates[key]  # type: ignore[operator]
        weight += wq
    return (100 * total / weight if weight else None), missing


@functools.lru_cache(maxsize=32)
def _exact_weights(weights: CompositeWeights) -> tuple[tuple[str, Fraction], ...]:
    """Weights as the decimals the analyst typed (0.2 = 1/5), not their binary approximations."""
    return tuple((key, Fraction(repr(w))) for key, w in weights.as_pairs())


def wilson(successes: float, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """95% Wilson score interval; (None, None) without a denominator."""
    if n <= 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0)) / denom
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)  # exact at the ends, not 0.9999999999999999
    return low, high


def _numerator(counts: dict[str, Any], key: str, settings: Settings) -> Fraction | int:
    """Weighted numerators are rebuilt from integer counts so they stay exact rationals."""
    if key == "resolved_weighted":
        w = Fraction(repr(settings.partial_resolution_weight))
        return int(counts.get("resolved_count") or 0) + w * int(counts.get("partially_resolved_count") or 0)
    if key == "satisfied_weighted":
        w = Fraction(repr(settings.basic_satisfaction_weight))
        return int(counts.get("satisfied_count") or 0) + w * int(counts.get("basically_satisfied_count") or 0)
    return int(counts.get(key) or 0)


def _score_bounds(
    row: dict[str, Any], rates: dict[str, Fraction | None], settings: Settings
) -> tuple[float | None, float | None]:
    """The score recomputed from all rates at their lower (upper) Wilson bounds, same weights."""
    pairs = [(w, key) for key, w in settings.composite_weights.as_pairs() if w > 0 and rates.get(key) is not None]
    weight = sum(w for w, _ in pairs)
    if not weight:
        return None, None
    low = 100 * sum(w * row[f"{k}_low"] for w, k in pairs) / weight
    high = 100 * sum(w * row[f"{k}_high"] for w, k in pairs) / weight
    return low, high


def _ranked(con: duckdb.DuckDBPyConnection, lvl: Level, period: Period, settings: Settings) -> list[dict]:
    groups = _groups(con, lvl)
    rows = []
    for counts in fetch_period_counts(con, lvl, period):
        if not counts["dispatched_count"]:
            continue
        row = rate_row(counts, settings)
        row["_key"] = tuple(counts[k] for k in lvl.keys)
        row["unit"] = row.pop(lvl.unit_col) if lvl.unit_col != "county" else counts["county"]
        row["county"] = counts.get("county")
        row["group_name"] = groups.get(row["_key"], settings.default_group)
        row["is_ranked"] = counts["assessed_count"] >= settings.min_sample and row["score"] is not None
        row["sample_flag"] = None if counts["assessed_count"] >= settings.min_sample else INSUFFICIENT
        rows.append(row)
    by_group: dict[str, list[dict]] = {}
    for row in rows:
        by_group.setdefault(row["group_name"], []).append(row)
    out = []
    for name in sorted(by_group):
        out.extend(_rank_group(by_group[name], settings.red_black_size))
    return out


def _rank_group(rows: list[dict], red_black_size: int) -> list[dict]:
    """Min-rank ties (1, 2, 2, 4) on the exact score; red/black = top/bottom k, k ≤ half the group."""
    ranked = sorted((r for r in rows if r["is_ranked"]), key=lambda r: (-r["_score_exact"], r["unit"]))
    n = len(ranked)
    k = min(red_black_size, n // 2)
    first = 0
    for i, row in enumerate(ranked):
        if i and row["_score_exact"] != ranked[i - 1]["_score_exact"]:
            first = i
        row["rank"] = first + 1
    last = n - 1
    for i in range(n - 1, -1, -1):
        row = ranked[i]
        if i < n - 1 and row["_score_exact"] != ranked[i + 1]["_score_exact"]:
            last = i
        bottom = n - last  # 1 + number of units scoring strictly lower
        row["is_red"], row["is_black"] = row["rank"] <= k < bottom, bottom <= k < row["rank"]
        neighbours = [ranked[j] for j in (i - 1, i + 1) if 0 <= j < n]
        row["indistinguishable"] = any(_overlap(row, other) for other in neighbours)
    unranked = sorted((r for r in rows if not r["is_ranked"]), key=lambda r: r["unit"])
    for row in unranked:
        row.update(rank=None, is_red=False, is_black=False, indistinguishable=None)
    return ranked + unranked


def _overlap(a: dict, b: dict) -> bool:
    return a["score_low"] <= b["score_high"] and b["score_low"] <= a["score_high"]


def _groups(con: duckdb.DuckDBPyConnection, lvl: Level) -> dict[tuple, str]:
    rows = con.sql("SELECT unit, county, group_name FROM dim_units WHERE level = ?", params=[lvl.name]).fetchall()
    if lvl.name == "township":
        return {(county, unit): group for unit, county, group in rows}
    return {(unit,): group for unit, _county, group in rows}


def _level_or_city(name: str) -> Level:
    from warehouse.registry import CITY

    return CITY if name == "city" else get_level(name)


_LEAD = (
    "level",
    "period",
    "group_name",
    "county",
    "unit",
    "rank",
    "previous_rank",
    "rank_change",
    "score",
    "is_ranked",
    "sample_flag",
    "is_red",
    "is_black",
    "indistinguishable",
)


def _schema(rows: list[dict]) -> dict[str, Any]:
    """Fixed column order and dtypes, also when the table is empty."""
    from warehouse.registry import COUNT_KEYS

    types: dict[str, Any] = {c: pl.String for c in ("level", "period", "group_name", "county", "unit")}
    types.update({c: pl.Int64 for c in ("rank", "previous_rank", "rank_change")})
    types.update(
        score=pl.Float64,
        is_ranked=pl.Boolean,
        sample_flag=pl.String,
        is_red=pl.Boolean,
        is_black=pl.Boolean,
        indistinguishable=pl.Boolean,
    )
    schema = {c: types[c] for c in _LEAD}
    schema.update(score_missing_rates=pl.String, score_low=pl.Float64, score_high=pl.Float64)
    for key in COUNT_KEYS:
        schema[key] = pl.Float64 if key.endswith("_weighted") else pl.Int64
    for m in RATES:
        schema.update({m.key: pl.Float64, f"{m.key}_low": pl.Float64, f"{m.key}_high": pl.Float64})
    return schema
