"""League tables per SPEC §3.1, computed exactly.

Counts are summed over the period (sum over sum); every rate and the score come from
``warehouse.scoring.rate_row`` (the one computation every surface uses), as exact fractions of those
integer counts: ties are true equalities (1, 2, 2, 4), not accidents of floating-point rounding. A
ranking orders units by the composite score or by one rate (``by``); the red and black lists follow
``warehouse.lists``. When the period is still incomplete (``warehouse.maturity``), the rank change is
measured against the previous period as it stood at the same age.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl

from warehouse import published
from warehouse.calendar import Period
from warehouse.integrity import mark_exclusions
from warehouse.lists import mark_lists
from warehouse.maturity import comparison_cutoff, is_incomplete
from warehouse.metrics import fetch_as_of
from warehouse.period_counts import fetch_period_counts
from warehouse.registry import COUNT_KEYS, METRICS, RANK_BY, Level, get_level, get_metric
from warehouse.scoring import (
    change,
    composite,
    figure_schema,
    growth,
    rate_row,
    rate_row_exact,
    rules_in_force,
    wilson,
)
from warehouse.settings import Settings, load_settings
from warehouse.targets import target_marks, target_schema

INSUFFICIENT = "样本不足"

__all__ = [
    "INSUFFICIENT",
    "Period",
    "composite",
    "fetch_ranking",
    "fetch_totals",
    "fetch_totals_with_previous",
    "rate_row",
    "wilson",
]


def fetch_totals(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings | None = None,
    cutoff: dt.datetime | None = None,
    live: bool = False,
) -> dict[str, Any]:
    """City totals for the period: counts, every rate (incl. 直接答复率), the score and the city's target
    marks; for a published month the published ones (``warehouse.published``) unless ``live`` (or a
    ``cutoff``: a recomputation)."""
    if not live and cutoff is None and (frozen := published.totals(con, period)) is not None:
        return frozen[0]
    settings = settings or load_settings()
    rules = rules_in_force(settings, period)
    rows = fetch_period_counts(con, "city", period, cutoff, settings)
    totals, exact = rate_row_exact(rows[0] if rows else {}, rules)
    return {**totals, **target_marks(exact, rules.targets.for_group(None)), **_LIVE}  # the city's targets


def fetch_totals_with_previous(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings | None = None,
    basis: str = "previous",
    live: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(this period's city totals, the base period's to compare with, how they compare). The base is the
    previous period (``basis='previous'``, 环比) or the same period a year earlier (``'year_ago'``, 同比),
    as stored when this period is mature, else as it stood at the same age. The third item says
    ``incomplete`` (this period's lagging figures will still grow), ``cutoff`` (None or the instant),
    ``changes`` (per figure, from exact values and rounded once: rates in points, the score, counts),
    ``growth`` (per count, in per cent), ``basis`` and ``base`` (the base period's label) and
    ``reaches``: False when a year-ago base starts before the loaded data does (no 同比, not a partial
    one). Every page and the report print these, never their own. A published month gives the three as
    published (for either basis), unless ``live``."""
    if not live and (frozen := published.totals(con, period, basis)) is not None:
        return frozen
    settings = settings or load_settings()
    rules = rules_in_force(settings, period)
    as_of = fetch_as_of(con)
    base = period.base(basis)
    cutoff = comparison_cutoff(period, as_of, rules, base)
    current = fetch_totals(con, period, settings, live=True)
    previous = fetch_totals(con, base, settings, cutoff, live=True)
    reaches = basis == "previous" or data_reaches(con, base)
    has_previous = reaches and bool(previous.get("received_count") or previous.get("dispatched_count"))
    keys = [m.key for m in METRICS]
    changes = {k: change(k, current, previous, rules) if has_previous else None for k in keys}
    grown = {k: growth(current.get(k), previous.get(k)) if has_previous else None for k in COUNT_KEYS}
    comparison = {"incomplete": is_incomplete(period, as_of, rules), "cutoff": cutoff, "basis": basis,
                  "base": base.label, "reaches": reaches}  # fmt: skip
    return current, previous, {**comparison, "changes": changes, "growth": grown, "has_previous": has_previous, **_LIVE}


def data_reaches(con: duckdb.DuckDBPyConnection, period: Period) -> bool:
    """Does the loaded data cover ``period`` from its first day (orders received on or before it)?"""
    (first,) = con.sql("SELECT min(day) FROM met_city_day WHERE received_count > 0").fetchall()[0]
    return first is not None and first <= period.start


def fetch_ranking(
    con: duckdb.DuckDBPyConnection,
    level: str,
    period: Period,
    settings: Settings | None = None,
    by: str = "score",
    basis: str = "previous",
    live: bool = False,
) -> pl.DataFrame:
    """The league table of ``level`` for ``period`` ordered by ``by`` ('score' or a RANK_BY rate): one row
    per unit with any order dispatched to it, counts, every figure of ``rate_row``, the target marks
    (``warehouse.targets``), rank within its group, rank change against the ``basis`` period (the previous
    one, 环比, or the same one a year earlier, 同比: empty when the data does not reach back to it),
    red/black flags and the ``indistinguishable`` fairness flag. Sorted by group, rank, unit.
    For a published month the published table (``figures`` = 'published'), unless ``live``."""
    if by not in RANK_BY and by not in RANK_BY.values():
        raise ValueError(f"排名依据应为 {', '.join(RANK_BY)} 之一：{by!r}")
    by = RANK_BY.get(by, by)
    get_level(level)
    if not live and (rows := published.ranking_rows(con, level, period, by, basis)) is not None:
        return pl.DataFrame(rows, schema=_schema(), infer_schema_length=None)
    settings = settings or load_settings()
    lvl = get_level(level)
    as_of = fetch_as_of(con)
    rules = rules_in_force(settings, period)
    base = period.base(basis)
    cutoff = comparison_cutoff(period, as_of, rules, base)
    current = _ranked(con, lvl, period, settings, by)
    reached = basis == "previous" or data_reaches(con, base)
    previous = {r["_key"]: r["rank"] for r in _ranked(con, lvl, base, settings, by, cutoff)} if reached else {}
    incomplete = is_incomplete(period, as_of, rules)
    for row in current:
        row["previous_rank"] = previous.get(row["_key"])
        both = row["rank"] is not None and row["previous_rank"] is not None
        row["rank_change"] = row["previous_rank"] - row["rank"] if both else None
        for key in ("_key", "_value", "_exact"):
            del row[key]
        row.update(
            level=lvl.name,
            period=period.label,
            ranked_by=by,
            incomplete=incomplete,
            compared_at=cutoff,
            compared_with=base.label,
            **_LIVE,
        )
    return pl.DataFrame(current, schema=_schema(), infer_schema_length=None)


def _ranked(
    con: duckdb.DuckDBPyConnection,
    lvl: Level,
    period: Period,
    settings: Settings,
    by: str,
    cutoff: dt.datetime | None = None,
) -> list[dict]:
    rules = rules_in_force(settings, period)  # the period's own (at its end, for one spanning a change)
    groups = _groups(con, lvl)
    sample_of = "assessed_count" if by == "score" else get_metric(by).denominator or ""
    rows = []
    for counts in fetch_period_counts(con, lvl, period, cutoff, settings):
        if not counts["dispatched_count"]:
            continue
        row, row["_exact"] = rate_row_exact(counts, rules)
        row["_value"] = row["_exact"][by]
        row["_key"] = tuple(counts[k] for k in lvl.keys)
        row["unit"] = row.pop(lvl.unit_col) if lvl.unit_col != "county" else counts["county"]
        row["county"] = counts.get("county")
        row["group_name"] = groups.get(row["_key"], settings.default_group)
        row.update(target_marks(row["_exact"], rules.targets.for_group(row["group_name"])))
        row["unranked_reason"] = _unranked_reason(row, by, int(counts.get(sample_of) or 0) < rules.min_sample)
        row["sample_flag"] = INSUFFICIENT if row["unranked_reason"] == "small_sample" else None
        row["is_ranked"] = row["unranked_reason"] is None
        rows.append(row)
    by_group: dict[str, list[dict]] = {}
    for row in rows:
        by_group.setdefault(row["group_name"], []).append(row)
    out = []
    for name in sorted(by_group):
        out.extend(_rank_group(by_group[name], by, rules, name))
    return out


def _unranked_reason(row: dict[str, Any], by: str, small: bool) -> str | None:
    """None when ranked; else not_available (the source lacks the inputs), small_sample or no_data."""
    lacking = row["score_reason"] == "not_available" if by == "score" else by in (row["missing_rates"] or "").split(",")
    if row["_value"] is None and lacking:
        return "not_available"
    if small:
        return "small_sample"
    return None if row["_value"] is not None else "no_data"


def _rank_group(rows: list[dict], by: str, settings: Settings, group: str) -> list[dict]:
    """Min-rank ties (1, 2, 2, 4) on the exact value; the lists by ``warehouse.lists``; the over-exclusion
    flag by ``warehouse.integrity`` (against the whole group, ranked or not)."""
    mark_exclusions(rows, settings)
    ranked = sorted((r for r in rows if r["is_ranked"]), key=lambda r: (-r["_value"], r["unit"]))
    first = 0
    for i, row in enumerate(ranked):
        if i and row["_value"] != ranked[i - 1]["_value"]:
            first = i
        row["rank"] = first + 1
    for i, row in enumerate(ranked):
        neighbours = [ranked[j] for j in (i - 1, i + 1) if 0 <= j < len(ranked)]
        row["indistinguishable"] = any(_overlap(row, other, by) for other in neighbours)
    mark_lists(ranked, by, settings, group)
    unranked = sorted((r for r in rows if not r["is_ranked"]), key=lambda r: r["unit"])
    for row in unranked:
        row.update(rank=None, is_red=False, is_black=False, indistinguishable=None)
    return ranked + unranked


def _overlap(a: dict, b: dict, by: str) -> bool:
    return a[f"{by}_low"] <= b[f"{by}_high"] and b[f"{by}_low"] <= a[f"{by}_high"]


def _groups(con: duckdb.DuckDBPyConnection, lvl: Level) -> dict[tuple, str]:
    rows = con.sql("SELECT unit, county, group_name FROM dim_units WHERE level = ?", params=[lvl.name]).fetchall()
    if lvl.name == "township":
        return {(county, unit): group for unit, county, group in rows}
    return {(unit,): group for unit, _county, group in rows}


_LEAD: dict[str, Any] = {
    "level": pl.String, "period": pl.String, "group_name": pl.String, "county": pl.String, "unit": pl.String,
    "rank": pl.Int64, "previous_rank": pl.Int64, "rank_change": pl.Int64, "ranked_by": pl.String,
    "score": pl.Float64, "is_ranked": pl.Boolean, "sample_flag": pl.String, "unranked_reason": pl.String,
    "is_red": pl.Boolean, "is_black": pl.Boolean, "indistinguishable": pl.Boolean, "incomplete": pl.Boolean,
    "compared_at": pl.Datetime("us"), "compared_with": pl.String, "figures": pl.String, "published_on": pl.Date,
    "record_version": pl.Int64, "exclusion_flag": pl.Boolean, "exclusion_group_median": pl.Float64,
    "exclusion_times_median": pl.Float64,
}  # fmt: skip
# what a live row says about itself (a published one: 'published', its date and version; warehouse.published)
_LIVE = {"figures": published.LIVE, "published_on": None, "record_version": None}


def _schema() -> dict[str, Any]:
    """Fixed column order and dtypes, also when the table is empty."""
    schema = dict(_LEAD)
    for key in COUNT_KEYS:
        schema[key] = pl.Float64 if key.endswith("_weighted") else pl.Int64
    schema.update({k: v for k, v in figure_schema().items() if k not in schema})
    schema.update(target_schema())
    return schema
