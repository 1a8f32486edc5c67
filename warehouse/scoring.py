"""The one computation of every rate, interval and the composite score, from counts, at read time.

The ``met_*`` tables hold counts only (numerators, denominators, coverage counts). Every reader — the
rankings, trends, unit profile, overview, CLI, exports, evidence pack and report — turns counts into
figures here, under the rules it is given, so a weight change shows the same score everywhere at once and
no two surfaces can disagree. Rates are exact fractions of the integer counts (weighted numerators are
rebuilt from integers), so ties are true equalities and the published floats are correctly rounded.

A figure whose inputs the source does not carry is *not available* (None, never 0): the registry says
which count of "measurable" orders each figure needs (``Metric.requires``); when a unit-period has orders
but none of them came from a file carrying the inputs, the figure is None and named in ``missing_rates``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from warehouse.registry import COUNT_KEYS, MEASURABLE, METRIC_BY_KEY, METRICS, RANKING_RATES, RATES, Metric
from warehouse.settings import CompositeWeights, Settings

Z95 = 1.959963984540054
# the rates that may carry a coverage (share of their base orders whose source carries the inputs)
_COVERED = tuple(m.key for m in RATES if m.requires)
_NEEDS = {m.key: m.requires for m in METRICS if m.requires}


def rules_in_force(settings: Settings, period: Any = None) -> Settings:
    """The rule set a period is assessed under (``warehouse.rule_sets``): a month's own; for a longer period
    (anything with an ``end``) the one in force at its end, which gives its score, minimum sample, lists,
    targets and maturity — its weighted numerators are each month's under that month's rules (:func:`weighted_numerators`).
    ``period`` may also be a date (that month) or None (today)."""
    if not settings.rule_sets:
        return settings
    day = getattr(period, "end", period)
    return settings.rules_for(day if isinstance(day, dt.date) else None)


def weighted_numerators(counts: Mapping[str, Any], rules: Settings) -> dict[str, Fraction]:
    """The weighted numerators (resolved, satisfied) of ``counts`` under ``rules``, exactly: summed per rule
    set over a period that spans a change of the answer weights (``warehouse.period_counts.fetch_period_counts``)."""
    return {k: Fraction(v) for k, v in _weighted_numerators(counts, rules).items()}


def rate_row(counts: Mapping[str, Any], rules: Settings) -> dict[str, Any]:
    """Counts plus every registry rate, its Wilson bounds, coverage and the score, under ``rules``.

    Adds ``missing_rates`` (rates the source cannot supply; ``missing_optional``: those of optional export
    fields — redo links, extensions, replies), ``redo_basis`` (export links or the repeat-call proxy),
    ``score_missing_rates`` (weighted rates left out
    of the score, for any reason), ``score_reason`` (why there is no score: 'not_available' when the source
    carries none of the weighted rates' inputs, 'no_data' when they have no denominator), ``*_coverage``,
    ``derived_due_share`` and ``on_time_warning``. Counts of a figure that is not available become None.
    """
    return rate_row_exact(counts, rules)[0]


def rate_row_exact(counts: Mapping[str, Any], rules: Settings) -> tuple[dict[str, Any], dict[str, Fraction | None]]:
    """:func:`rate_row` and the exact values it rounded (what a ranking orders by), in one pass."""
    row = dict(counts)
    ok = _availability(counts)
    nums = _weighted_numerators(counts, rules)
    exact = _exact(counts, rules, ok, nums)
    unavailable = [m for m in RATES if not _ok(ok, m)]
    missing = [m.key for m in unavailable if not m.optional]
    for key in COUNT_KEYS:
        if not _ok(ok, METRIC_BY_KEY[key]):
            row[key] = None
    for key, value in nums.items():
        row[key] = None if row.get(key) is None else float(value)
    for m in RATES:
        value = exact[m.key]
        row[m.key] = None if value is None else float(value)
        num = nums.get(m.numerator or "", counts.get(m.numerator or "") or 0)
        den = int(counts.get(m.denominator) or 0) if value is not None else 0
        row[f"{m.key}_low"], row[f"{m.key}_high"] = wilson(float(num), den)
    for key in _COVERED:
        need = METRIC_BY_KEY[_NEEDS[key]]
        base = int(counts.get(need.base or "") or 0)
        row[f"{key}_coverage"] = int(counts.get(need.key) or 0) / base if base else None
    row["missing_rates"] = ",".join(missing) or None
    row["missing_optional"] = ",".join(m.key for m in unavailable if m.optional) or None
    row["score"] = None if exact["score"] is None else float(exact["score"])
    weighted = [k for k, w in _exact_weights(rules.composite_weights) if w > 0]
    row["score_missing_rates"] = ",".join(k for k in weighted if exact[k] is None) or None
    row["score_reason"] = None if exact["score"] is not None else _score_reason(weighted, missing)
    row["score_low"], row["score_high"] = _score_bounds(row, exact, rules)
    due = int(counts.get("on_time_due_count") or 0)
    share = int(counts.get("derived_due_count") or 0) / due if due and exact["on_time_rate"] is not None else None
    row["derived_due_share"] = share
    row["on_time_warning"] = share is not None and share > rules.derived_due_warning_share
    row["redo_basis"] = _redo_basis(counts) if exact["redo_rate"] is not None else None
    return row, exact


def _redo_basis(counts: Mapping[str, Any]) -> str | None:
    """Where the redo figures come from: 'export' (link fields), 'proxy' (repeat calls) or 'mixed'."""
    heads, proxy = int(counts.get("redo_head_count") or 0), int(counts.get("redo_proxy_count") or 0)
    if not heads:
        return None
    return "proxy" if proxy == heads else ("mixed" if proxy else "export")


def _score_reason(weighted: list[str], missing: list[str]) -> str:
    return "not_available" if all(k in missing for k in weighted) else "no_data"


def _availability(counts: Mapping[str, Any]) -> dict[str | None, bool]:
    """measurable count -> may its figures be computed (None: a figure that needs nothing)."""
    ok: dict[str | None, bool] = {None: True}
    for need in MEASURABLE:
        ok[need.key] = bool(counts.get(need.key)) or not counts.get(need.base or "")
    return ok


def _ok(ok: dict[str | None, bool], metric: Metric) -> bool:
    return all(ok[n] for n in metric.needs)


def available(counts: Mapping[str, Any], metric: Metric) -> bool:
    """False when the unit-period has orders but none from a file carrying the figure's inputs."""
    return _ok(_availability(counts), metric)


def exact_values(counts: Mapping[str, Any], rules: Settings) -> dict[str, Fraction | None]:
    """Every rate and the score as exact fractions (None: not available or no denominator)."""
    return _exact(counts, rules, _availability(counts), _weighted_numerators(counts, rules))


def _exact(
    counts: Mapping[str, Any], rules: Settings, ok: dict[str | None, bool], nums: dict[str, Fraction | int]
) -> dict[str, Fraction | None]:
    out: dict[str, Fraction | None] = {}
    for m in RATES:
        den = int(counts.get(m.denominator) or 0)
        if den and _ok(ok, m):
            out[m.key] = Fraction(nums.get(m.numerator or "", int(counts.get(m.numerator or "") or 0))) / den
        else:
            out[m.key] = None
    out["score"] = composite(out, rules)[0]
    return out


def _weighted_numerators(counts: Mapping[str, Any], rules: Settings) -> dict[str, Fraction | int]:
    """Weighted numerators rebuilt from integer counts, so they stay exact rationals and follow the weights
    in force (whatever the tables were built with). Counts that already carry them as exact fractions (a
    period spanning a change of the weights: each month's under its own) keep them."""
    partial, basic = _answer_weights(rules.partial_resolution_weight, rules.basic_satisfaction_weight)
    out: dict[str, Fraction | int] = {
        "resolved_weighted": int(counts.get("resolved_count") or 0)
        + partial * int(counts.get("partially_resolved_count") or 0)
    }
    for prefix in ("", "first_", "final_"):  # the redo chain's first and final ratings weigh as the rate does
        out[f"{prefix}satisfied_weighted"] = int(counts.get(f"{prefix}satisfied_count") or 0) + basic * int(
            counts.get(f"{prefix}basically_satisfied_count") or 0
        )
    # already exact (a period spanning a change of the weights: each month's under its own): kept
    out.update({k: v for k, v in counts.items() if k in out and isinstance(v, Fraction)})
    return out


@functools.lru_cache(maxsize=32)
def _answer_weights(partial: float, basic: float) -> tuple[Fraction, Fraction]:
    return Fraction(repr(partial)), Fraction(repr(basic))


def composite(rates: Mapping[str, Fraction | None], rules: Settings) -> tuple[Fraction | None, list[str]]:
    """100 × Σ w·r ÷ Σ w over the rates that have a value; names the missing ones."""
    total = weight = Fraction(0)
    missing = []
    for key, wq in _exact_weights(rules.composite_weights):
        if wq == 0:
            continue
        if rates.get(key) is None:
            missing.append(key)
            continue
        total += wq * rates[key]  # type: ignore[operator]
        weight += wq
    return (100 * total / weight if weight else None), missing


def change(key: str, current: Mapping[str, Any], previous: Mapping[str, Any] | None, rules: Settings) -> Decimal | None:
    """The change of one figure from ``previous`` to ``current``, from exact values, rounded once (half up):
    a rate in percentage points to 0.1, the score in points to 0.01, a count in orders. None without both."""
    if previous is None:
        return None
    metric = METRIC_BY_KEY[key]
    if metric.is_rate or key == "score":
        a, b = exact_values(current, rules)[key], exact_values(previous, rules)[key]
        if a is None or b is None:
            return None
        return _round((a - b) * 100, "0.1") if metric.is_rate else _round(a - b, "0.01")
    a, b = current.get(key), previous.get(key)
    return None if a is None or b is None else Decimal(int(a) - int(b))


def growth(current: int | None, previous: int | None) -> Decimal | None:
    """A count's change in per cent of the previous one, to 0.1 (half up); None when there is no base."""
    if current is None or not previous:
        return None
    return _round(Fraction(int(current) - int(previous), int(previous)) * 100, "0.1")


def _round(value: Fraction, places: str) -> Decimal:
    with decimal.localcontext(prec=60):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def with_rates(frame: pl.DataFrame, rules_for: Callable[[dt.date], Settings]) -> pl.DataFrame:
    """Rows of counts (a ``met_*_month`` read, one row per unit-month) with every figure of
    :func:`rate_row`, each month under ``rules_for(month)``."""
    rows = [rate_row(r, rules_for(r.get("month"))) for r in frame.iter_rows(named=True)]
    schema = dict(frame.schema)
    schema.update(figure_schema())
    for key in COUNT_KEYS:
        schema[key] = pl.Float64 if key.endswith("_weighted") else pl.Int64
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def figure_schema() -> dict[str, Any]:
    """The dtypes of the columns :func:`rate_row` adds to the counts."""
    schema: dict[str, Any] = {}
    for m in RATES:
        schema.update({m.key: pl.Float64, f"{m.key}_low": pl.Float64, f"{m.key}_high": pl.Float64})
    schema.update({f"{k}_coverage": pl.Float64 for k in _COVERED})
    schema.update(
        missing_rates=pl.String,
        missing_optional=pl.String,
        score=pl.Float64,
        score_missing_rates=pl.String,
        score_reason=pl.String,
    )
    schema.update(score_low=pl.Float64, score_high=pl.Float64, derived_due_share=pl.Float64, on_time_warning=pl.Boolean)
    schema.update(redo_basis=pl.String)
    return schema


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


def _score_bounds(
    row: Mapping[str, Any], rates: Mapping[str, Fraction | None], rules: Settings
) -> tuple[float | None, float | None]:
    """The score recomputed from all rates at their lower (upper) Wilson bounds, same weights."""
    pairs = [
        (float(w), key) for key, w in _exact_weights(rules.composite_weights) if w > 0 and rates.get(key) is not None
    ]
    weight = sum(w for w, _ in pairs)
    if not weight:
        return None, None
    low = 100 * sum(w * row[f"{k}_low"] for w, k in pairs) / weight
    high = 100 * sum(w * row[f"{k}_high"] for w, k in pairs) / weight
    return low, high


__all__ = [
    "RANKING_RATES",
    "available",
    "change",
    "composite",
    "exact_values",
    "figure_schema",
    "growth",
    "rate_row",
    "rate_row_exact",
    "rules_in_force",
    "weighted_numerators",
    "wilson",
    "with_rates",
]
