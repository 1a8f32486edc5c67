"""The counts of a period per unit: summed from the stored day or month tables (``met_<level>_period``
SQL), or as they stood at a cut-off instant for a like-for-like comparison (``warehouse.maturity``). Every
league table, total and county view starts here; the rates and the score are computed from these counts
by ``warehouse.scoring.rate_row``.

Apart from ``warehouse.rankings`` and ``warehouse.maturity`` so that the counts at a cut-off (which start
from the stored counts) and the rankings (which read both) import one way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from warehouse.calendar import Period
from warehouse.maturity import period_end
from warehouse.metrics import fetch_as_of, read_sql
from warehouse.registry import CITY, METRICS, Level, get_level
from warehouse.rule_sets import segments
from warehouse.scoring import weighted_numerators
from warehouse.settings import Settings


def fetch_period_counts(
    con: duckdb.DuckDBPyConnection,
    level: str | Level,
    period: Period,
    cutoff: dt.datetime | None = None,
    settings: Settings | None = None,
) -> list[dict]:
    """Every count per unit of ``level`` ('city' allowed) summed over the period; with ``cutoff``, as the
    counts stood at that instant (:func:`fetch_counts_at`). With ``settings`` whose rule sets change the
    answer weights inside the period, the weighted numerators are each stretch's under its own rules, summed
    as exact fractions (``warehouse.rule_sets``): a year spanning a change is the sum of its months."""
    lvl = level if isinstance(level, Level) else (CITY if level == "city" else get_level(level))
    stretches = segments(settings, period.start, period.end) if settings is not None else []
    weights = {(r.partial_resolution_weight, r.basic_satisfaction_weight) for _, _, r in stretches}
    if len(weights) > 1:
        return _summed(con, lvl, stretches, period.kind, cutoff)
    return _period_counts(con, lvl, period, cutoff)


def _summed(
    con: duckdb.DuckDBPyConnection, lvl: Level, stretches: list, kind: str, cutoff: dt.datetime | None
) -> list[dict]:
    """The counts of each stretch summed per unit, the weighted numerators as exact fractions."""
    total: dict[tuple, dict] = {}
    for start, end, rules in stretches:
        part = Period(start, end, "month" if kind == "month" else "range")
        for row in _period_counts(con, lvl, part, cutoff):
            row.update(weighted_numerators(row, rules))
            key = tuple(row[k] for k in lvl.keys)
            if key not in total:
                total[key] = row
                continue
            acc = total[key]
            for name, value in row.items():
                if name not in lvl.keys and value is not None:
                    acc[name] = value if acc.get(name) is None else acc[name] + value
    return list(total.values())


def _period_counts(
    con: duckdb.DuckDBPyConnection, lvl: Level, period: Period, cutoff: dt.datetime | None
) -> list[dict]:
    if cutoff is not None:
        return fetch_counts_at(con, lvl, period, cutoff)
    grain, date_col = ("month", "month") if period.is_whole_months else ("day", "day")
    sql = read_sql("met_level_period", lvl, grain=grain, date_col=date_col)
    rel = con.sql(sql, params={"start": period.start, "end": period.end})
    cols = rel.columns
    # an aggregate without GROUP BY columns (the city) returns one all-NULL row when nothing matched
    return [
        dict(zip(cols, row, strict=True)) for row in rel.fetchall() if row[cols.index("received_count")] is not None
    ]


def counts_at_sql(level: Level) -> str:
    """The registry's time-dependent counts (those with a ``where_at``) of ``level``'s units over the orders
    dispatched in [$start, $end], as they stood at $cutoff. Only the orders dispatched in the period are read:
    every such count is by dispatch day, and nothing else about an order changes after its dispatch."""
    cols = [f"count(*) FILTER (WHERE {m.where_at}) AS {m.key}" for m in METRICS if m.where_at]
    ids = level.sql_identifiers()
    return (
        f"SELECT {ids['keys']}{', '.join(cols)} FROM fct_work_orders "
        f"WHERE dispatched_date BETWEEN $start AND $end AND is_dispatched AND {ids['unit_filter']} GROUP BY ALL"
    )


def fetch_counts_at(
    con: duckdb.DuckDBPyConnection, level: str | Level, period: Period, cutoff: dt.datetime
) -> list[dict[str, Any]]:
    """The counts of every unit of ``level`` ('city' allowed) over ``period`` as they stood at ``cutoff``
    (at or after the period's end, as :func:`comparison_cutoff` gives it: every order of the period was
    received and dispatched by then, so only the later events — responses, closures, callbacks — differ
    from the stored counts, and only those are recomputed)."""
    if cutoff < period_end(period):
        raise ValueError(f"截止时刻 {cutoff} 早于期间 {period.label} 的结束，不能按同一时点比较")
    # nothing after the data's as-of time is known: a cutoff beyond it counts as it (an open order's overdue
    # age stops growing there, as in the stored counts, instead of ageing into a future the data has not seen)
    as_of = fetch_as_of(con)
    seen = min(cutoff, as_of) if as_of else cutoff
    lvl = level if isinstance(level, Level) else (CITY if level == "city" else get_level(level))
    rel = con.sql(counts_at_sql(lvl), params={"start": period.start, "end": period.end, "cutoff": seen})
    cols = rel.columns
    at = {row[: len(lvl.keys)]: dict(zip(cols, row, strict=True)) for row in rel.fetchall()}
    timed = [m.key for m in METRICS if m.where_at]
    out = []
    for stored in fetch_period_counts(con, lvl, period):
        then = at.get(tuple(stored[k] for k in lvl.keys), {})
        out.append({**stored, **{k: int(then.get(k) or 0) for k in timed}})
    return out
