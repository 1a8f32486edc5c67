"""Cached data access for the pages: one read-only connection per process, reopened after a load."""

from __future__ import annotations

import datetime as dt
import threading

import polars as pl
import streamlit as st

from warehouse import drilldown, intake, metrics, periods, rankings
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.connection import Reader, resolve_db_path
from warehouse.raw_orders import fetch_raw_order
from warehouse.record import CHAIN, record_dir
from warehouse.settings import load_settings, settings_path


@st.cache_resource
def _reader(db_path: str) -> Reader:
    return Reader(db_path)


_OPEN_LOCK = threading.Lock()


def _con():
    """A cursor of the process-wide read-only connection: a DuckDB connection must not be shared by
    Streamlit's script threads, a cursor per call is cheap. The lock keeps two sessions from
    reopening (and closing) the connection at once right after a load swapped the file."""
    with _OPEN_LOCK:
        return _reader(str(resolve_db_path())).cursor()


def warehouse_stamp() -> tuple[int, int, str, tuple[int, int] | None] | None:
    """Changes whenever a load swaps the file, the settings file changes or a month is published: part of
    every cache key, so caches follow the data, the rules (every rate and score is computed from counts when
    read) and the published record (a published month shows its published figures)."""
    path = resolve_db_path()
    try:
        st_ = path.stat()
    except FileNotFoundError:
        return None
    return (st_.st_ino, st_.st_mtime_ns, settings_in_force()[1], _record_stamp())


def _record_stamp() -> tuple[int, int] | None:
    try:
        info = (record_dir() / CHAIN).stat()
    except FileNotFoundError:
        return None
    return (info.st_mtime_ns, info.st_size)


@st.cache_data(ttl=600, max_entries=32)
def is_demo(stamp: tuple[int, int] | None) -> bool:
    return intake.fetch_is_demo(_con())


@st.cache_data(ttl=600, max_entries=32)
def load_history(stamp: tuple[int, int] | None, viewer: Viewer) -> pl.DataFrame:
    """Per viewer: the messages quote the files (masked for all but admin)."""
    return intake.fetch_load_history(_con(), viewer)


@st.cache_data(ttl=600, max_entries=32)
def quarantine_summary(stamp: tuple[int, int] | None) -> pl.DataFrame:
    return intake.fetch_quarantine_summary(_con())


@st.cache_data(ttl=600, max_entries=32)
def build_info(stamp: tuple[int, int] | None) -> dict[str, str | None]:
    """As-of time and its source, calendar fallback years, settings recorded by the last rebuild."""
    return metrics.fetch_build_info(_con())


@st.cache_data(ttl=600, max_entries=32)
def months(stamp: tuple[int, int] | None) -> list[dt.date]:
    return periods.fetch_months(_con())


@st.cache_data(ttl=600, max_entries=32)
def intake_months(stamp: tuple[int, int] | None) -> list[dt.date]:
    return periods.fetch_intake_months(_con())


@st.cache_data(ttl=600, max_entries=32)
def units(stamp: tuple[int, int] | None) -> pl.DataFrame:
    return periods.fetch_units(_con())


# -- rankings, totals, trends, drill-down (overview, rankings, trends pages) ------------------------
# Periods travel as plain values (start, end, kind) so the cache key is obvious and hashable.


@st.cache_data(ttl=600, max_entries=64)
def ranking(
    stamp: tuple | None,
    level: str,
    start: dt.date,
    end: dt.date,
    kind: str,
    by: str = "score",
    basis: str = "previous",
    live: bool = False,
) -> pl.DataFrame:
    """The league table of a level for a period by the score or one rate (all groups; the page picks one),
    its rank changes against the previous period (环比) or the same one a year earlier (同比): as published
    for a published month, unless ``live``."""
    return rankings.fetch_ranking(_con(), level, Period(start, end, kind), by=by, basis=basis, live=live)


@st.cache_data(ttl=600, max_entries=64)
def ranking_reaches(stamp: tuple | None, start: dt.date, end: dt.date, kind: str, basis: str) -> bool:
    """Does the loaded data reach back to the period compared with (always, for the previous one)?"""
    return basis == "previous" or rankings.data_reaches(_con(), Period(start, end, kind).base(basis))


@st.cache_data(ttl=600, max_entries=64)
def totals_with_previous(
    stamp: tuple | None, start: dt.date, end: dt.date, kind: str, basis: str = "previous"
) -> tuple[dict, dict, dict]:
    """City totals for the period, the base period's as compared (the previous one or the same one a year
    earlier; like for like while this one is incomplete), and the comparison: ``incomplete``, ``cutoff``,
    ``changes`` (rounded once), ``basis``, ``base``, ``reaches``."""
    return rankings.fetch_totals_with_previous(_con(), Period(start, end, kind), basis=basis)


@st.cache_data(ttl=600, max_entries=64)
def monthly(stamp: tuple[int, int] | None, level: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    """met_<level>_month rows (level may be 'city') for the months from start to end."""
    return metrics.fetch_monthly(_con(), level, start, end)


@st.cache_data(ttl=600, max_entries=32)
def orders(
    stamp: tuple[int, int] | None,
    viewer: Viewer,
    level: str,
    unit: str,
    county: str | None,
    start: dt.date,
    end: dt.date,
    kind: str,
    metric: str,
    part: str,
) -> pl.DataFrame:
    """The orders behind one figure of one unit (numerator, denominator or excluded), as ``viewer`` may
    see them: the viewer is part of the cache key, so no one is served another role's or county's list."""
    return drilldown.fetch_orders(_con(), viewer, level, unit, Period(start, end, kind), metric, part, county)


def settings_in_force() -> tuple[dict, str, str]:
    """The settings file as it reads now, its fingerprint and that of its build-time rules (which may
    differ from the last rebuild's); cached per file path and modification time, so an edit shows on
    the next rerun."""
    path = settings_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = None
    return _settings(str(path), mtime)


@st.cache_data(ttl=600, max_entries=8)
def _settings(path: str, mtime: int | None) -> tuple[dict, str, str]:
    settings = load_settings(path if mtime is not None else None)
    return settings.to_dict(), settings.fingerprint(), settings.build_fingerprint()


def raw_order(stamp: tuple[int, int] | None, viewer: Viewer, order_id: str) -> pl.DataFrame:
    """Admin look-up of one order's personal data: deliberately NOT cached (every view is audited)."""
    return fetch_raw_order(_con(), viewer, order_id)
