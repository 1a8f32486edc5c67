"""Like-for-like comparisons: a period's lagging figures as they stood at a given age.

Orders dispatched late in a month have not been closed or called back when the month ends, so a fresh
month's 回访率 or 超期 compared with a mature month's is not a change, it is the calendar. A period less
than ``maturity_days`` past its end is *incomplete* (未完整): its lagging figures are marked, and the
previous period is recomputed as it stood at the same age — cut off at its own end plus the days this
period has had — from ``fct_work_orders`` with the registry's ``where_at`` predicates (the same counts,
only events before the cut-off count). At a cut-off at or after the as-of time they give exactly the
stored counts, which a contract test checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from warehouse.calendar import Period
from warehouse.registry import CITY, METRICS, Level, get_level
from warehouse.settings import Settings

_DATE = {"received": ("received_date", "received_at"), "dispatched": ("dispatched_date", "dispatched_at")}


def period_end(period: Period) -> dt.datetime:
    """The first instant after the period (its end day's midnight)."""
    return dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())


def age(period: Period, as_of: dt.datetime | None) -> dt.timedelta | None:
    """How long the data reaches past the period's end (negative while the period is still running)."""
    return None if as_of is None else as_of - period_end(period)


def is_incomplete(period: Period, as_of: dt.datetime | None, settings: Settings) -> bool:
    """Less than ``maturity_days`` past its end: the lagging figures will still grow (0 switches it off)."""
    span = age(period, as_of)
    return settings.maturity_days > 0 and span is not None and span < dt.timedelta(days=settings.maturity_days)


def incomplete_months(months: list[dt.date], as_of: dt.datetime | None, settings: Settings) -> list[dt.date]:
    """Those of ``months`` whose lagging figures are not complete yet (a trend marks them)."""
    return [m for m in months if is_incomplete(Period.month(m), as_of, settings)]


def comparison_cutoff(
    period: Period, as_of: dt.datetime | None, settings: Settings, base: Period | None = None
) -> dt.datetime | None:
    """Where the period compared with (``base``: the previous one by default, or the same one a year
    earlier) is cut off to compare like with like: None when ``period`` is mature (both compare as stored),
    else the base's end plus this period's age — its end itself while this period is still running (its
    orders are all there to compare with; only their later events are not)."""
    if not is_incomplete(period, as_of, settings):
        return None
    base = base or period.previous()
    return period_end(base) + max(age(period, as_of), dt.timedelta(0))  # type: ignore[type-var]


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
    from warehouse.metrics import fetch_as_of
    from warehouse.rankings import fetch_period_counts  # the stored counts (rankings reads this module)

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


def fetch_event_lags(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    """The 95th percentile (days) of dispatch → close and dispatch → callback over the loaded orders: the
    evidence for ``maturity_days`` (``python -m warehouse maturity``)."""
    close, callback, orders = con.sql(
        "SELECT quantile_cont(epoch(closed_at - dispatched_at) / 86400, 0.95), "
        "quantile_cont(epoch(callback_at - dispatched_at) / 86400, 0.95), count(*) "
        "FROM fct_work_orders WHERE is_dispatched"
    ).fetchall()[0]
    return {"close_p95_days": close, "callback_p95_days": callback, "dispatched_orders": orders}
