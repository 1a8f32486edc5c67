"""Like-for-like comparisons: a period's lagging figures as they stood at a given age.

Orders dispatched late in a month have not been closed or called back when the month ends, so a fresh
month's 回访率 or 超期 compared with a mature month's is not a change, it is the calendar. A period less
than ``maturity_days`` past its end is *incomplete* (未完整): its lagging figures are marked, and the
previous period is recomputed as it stood at the same age — cut off at its own end plus the days this
period has had — from ``fct_work_orders`` with the registry's ``where_at`` predicates (the same counts,
only events before the cut-off count; ``warehouse.period_counts.fetch_counts_at``). At a cut-off at or
after the as-of time they give exactly the stored counts, which a contract test checks.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from warehouse.calendar import Period
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


def fetch_event_lags(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    """The 95th percentile (days) of dispatch → close and dispatch → callback over the loaded orders: the
    evidence for ``maturity_days`` (``python -m warehouse maturity``)."""
    close, callback, orders = con.sql(
        "SELECT quantile_cont(epoch(closed_at - dispatched_at) / 86400, 0.95), "
        "quantile_cont(epoch(callback_at - dispatched_at) / 86400, 0.95), count(*) "
        "FROM fct_work_orders WHERE is_dispatched"
    ).fetchall()[0]
    return {"close_p95_days": close, "callback_p95_days": callback, "dispatched_orders": orders}
