"""Published figures, read back: what every surface shows for a published month (issue 14).

``warehouse.rankings.fetch_ranking``, ``fetch_totals`` / ``fetch_totals_with_previous`` and
``warehouse.metrics.fetch_monthly`` ask here first: for a month whose record exists (``warehouse.record``),
they return its latest published version — the rows exactly as frozen, whatever was loaded or changed
since — unless called with ``live=True``. So the pages, the CLI, exports, the evidence pack and the
bulletin all show the published figures by default, and a published row says so (``figures`` =
'published', ``published_on``, ``record_version``); a live row says 'live'. Only a single calendar month
can be published: quarters, years and ranges are always live.

Nothing here imports the ranking code (it reads this module): rows travel as plain dicts, typed by the
caller's schema. Values that JSON cannot hold exactly are tagged (datetimes, decimals) by :func:`encode`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from warehouse import record
from warehouse.calendar import Period
from warehouse.record import Entry

PUBLISHED, LIVE = "published", "live"


def encode(value: Any) -> Any:
    """A JSON-safe form that :func:`decode` turns back into the same value (floats are exact in JSON)."""
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat(sep=" ")}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, text),) = value.items()
            if tag == "$datetime":
                return dt.datetime.fromisoformat(text)
            if tag == "$date":
                return dt.date.fromisoformat(text)
            if tag == "$decimal":
                return Decimal(text)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def month_of(period: Period) -> str | None:
    """'YYYY-MM' when ``period`` is exactly one calendar month (what can be published), else None."""
    if period.start.day != 1 or not period.is_whole_months:
        return None
    return (
        f"{period.start:%Y-%m}"
        if (period.start.year, period.start.month) == (period.end.year, period.end.month)
        else None
    )


@dataclass(frozen=True)
class Status:
    """A period's place in the record: published (its latest version) or not."""

    month: str | None
    entry: Entry | None = None  # the latest version
    first: Entry | None = None  # version 1

    @property
    def published(self) -> bool:
        return self.entry is not None

    @property
    def corrected(self) -> bool:
        return self.entry is not None and self.entry.version > 1

    def stamp(self) -> str:
        """'已定榜 2024-04-20' (and the correction), or '未定榜' — the words every surface prints."""
        if self.entry is None or self.first is None:
            return "未定榜"
        text = f"已定榜 {self.first.published_on:%Y-%m-%d}"
        if self.corrected:
            text += f"（{self.entry.published_on:%Y-%m-%d} 更正，第 {self.entry.version} 版）"
        return text

    def as_dict(self) -> dict[str, Any]:
        """Plain values for pages and reports."""
        return {
            "month": self.month,
            "published": self.published,
            "published_on": self.first.published_on if self.first else None,
            "version": self.entry.version if self.entry else None,
            "corrected_on": self.entry.published_on if self.corrected and self.entry else None,
            "reason": self.entry.reason if self.entry else None,
            "stamp": self.stamp(),
        }


def status(con: duckdb.DuckDBPyConnection, period: Period) -> Status:
    month = month_of(period)
    if month is None:
        return Status(None)
    entries = record.versions(record.read_chain(record.record_dir_of(con)), month)
    return Status(month, entries[-1], entries[0]) if entries else Status(month)


def frozen(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[Status, dict[str, Any] | None]:
    """(the period's status, its latest published document decoded), or (status, None) when not published."""
    state = status(con, period)
    if state.entry is None:
        return state, None
    folder = record.record_dir_of(con)
    assert folder is not None
    return state, load(folder, state.entry)


def load(folder: Any, entry: Entry) -> dict[str, Any]:
    return decode(record.load_data(folder, entry))


def _stamp(state: Status) -> dict[str, Any]:
    """What a published row says about itself: published, the date it was first published (定榜日期), the version."""
    assert state.entry is not None and state.first is not None
    return {"figures": PUBLISHED, "published_on": state.first.published_on, "record_version": state.entry.version}


def _stamped(rows: list[dict[str, Any]], state: Status) -> list[dict[str, Any]]:
    stamp = _stamp(state)
    return [{**row, **stamp} for row in rows]


# where a document keeps what depends on the comparison basis (环比 'previous', 同比 'year_ago'): the rank
# changes and the city's comparison; the figures themselves are the same under either
BASIS_SUFFIX = {"previous": "", "year_ago": "_year_ago"}


def ranking_rows(
    con: duckdb.DuckDBPyConnection, level: str, period: Period, by: str, basis: str = "previous"
) -> list[dict[str, Any]] | None:
    """The published league table of ``level`` ranked by ``by`` (a registry key), its rank changes against
    the ``basis`` period as published, or None when not published."""
    state, doc = frozen(con, period)
    if doc is None:
        return None
    return _stamped(doc["rankings" + BASIS_SUFFIX[basis]][level][by], state)


def totals(con: duckdb.DuckDBPyConnection, period: Period, basis: str = "previous") -> tuple[dict, dict, dict] | None:
    """(current, base, comparison) of the city as published (the base: the ``basis`` period), or None."""
    state, doc = frozen(con, period)
    if doc is None:
        return None
    t, stamp = doc["totals" + BASIS_SUFFIX[basis]], _stamp(state)
    return {**t["current"], **stamp}, t["previous"], {**t["comparison"], **stamp}


def monthly_rows(
    con: duckdb.DuckDBPyConnection, level: str, months: list[dt.date]
) -> dict[tuple[dt.date, tuple], dict[str, Any]]:
    """(month, unit keys) -> the published row (a ranking row by score; the city's totals), for the published
    ones of ``months``; trends overlay them (``warehouse.metrics.fetch_monthly``)."""
    from warehouse.registry import CITY, LEVELS, get_level

    if level != "city" and level not in LEVELS:  # e.g. departments within a county: not a league table
        return {}
    lvl = CITY if level == "city" else get_level(level)
    out: dict[tuple[dt.date, tuple], dict[str, Any]] = {}
    for month in sorted(set(months)):
        state, doc = frozen(con, Period.month(month))
        if doc is None:
            continue
        if level == "city":
            out[(month, ())] = _stamped([doc["totals"]["current"]], state)[0]
            continue
        for row in _stamped(doc["rankings"][level]["score"], state):
            named = {**row, lvl.unit_col: row["unit"]}
            out[(month, tuple(named[k] for k in lvl.keys))] = named
    return out


def published_months(con: duckdb.DuckDBPyConnection) -> dict[str, Entry]:
    """month -> its latest version, for every published month."""
    return record.latest(record.read_chain(record.record_dir_of(con)))
