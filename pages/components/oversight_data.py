"""Cached data access for the hot-topics, unit-profile and data pages.

Every function takes the warehouse stamp first (it changes when a load swaps the file, so caches
follow the data) and plain values after it; periods travel as (start, end, kind). A function whose
warehouse call returns order rows or free text takes the ``Viewer`` second: the warehouse applies
the role's rules, and the viewer is part of the cache key. They share the
process-wide read-only connection of ``pages.components.data``: one reader per process, so a load's
swap is seen by all pages at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from pages.components.data import _con
from reports import evidence
from warehouse import hot_topics, hotwords, intake, integrity_figures, quality, unit_profile
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.order_lists import fetch_order_lists

Stamp = tuple[int, int] | None


def _p(start: dt.date, end: dt.date, kind: str) -> Period:
    return Period(start, end, kind)


# -- hot topics -------------------------------------------------------------------------------------


@st.cache_data(ttl=600, max_entries=32)
def category_by_county(stamp: Stamp, start: dt.date, end: dt.date, kind: str, category: str) -> pl.DataFrame:
    return hot_topics.fetch_category_by_county(_con(), _p(start, end, kind), category)


@st.cache_data(ttl=600, max_entries=32)
def category_risers(
    stamp: Stamp, start: dt.date, end: dt.date, kind: str, county: str | None, basis: str = "previous"
) -> pl.DataFrame:
    return hot_topics.fetch_category_risers(_con(), _p(start, end, kind), county, basis=basis)


@st.cache_data(ttl=600, max_entries=32)
def category_issues(stamp: Stamp, start: dt.date, end: dt.date, kind: str, county: str | None) -> pl.DataFrame:
    return hot_topics.fetch_category_issues(_con(), _p(start, end, kind), county)


@st.cache_data(ttl=600, max_entries=32)
def unit_issues(stamp: Stamp, level: str, start: dt.date, end: dt.date, kind: str, group: str | None) -> pl.DataFrame:
    return hot_topics.fetch_unit_issues(_con(), level, _p(start, end, kind), group)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def hot_words(
    stamp: Stamp,
    viewer: Viewer,
    start: dt.date,
    end: dt.date,
    kind: str,
    county: str | None,
    category_l1: str | None,
) -> hotwords.HotWords:
    """Word counts only: the content itself never leaves warehouse.hotwords."""
    return hotwords.fetch_hot_words(_con(), viewer, _p(start, end, kind), county=county, category_l1=category_l1)


# -- unit profile -----------------------------------------------------------------------------------


@st.cache_data(ttl=600, max_entries=64)
def unit_row(
    stamp: Stamp, level: str, unit: str, county: str | None, start: dt.date, end: dt.date, kind: str
) -> dict[str, Any] | None:
    return unit_profile.fetch_unit_ranking_row(_con(), level, unit, _p(start, end, kind), county)


@st.cache_data(ttl=600, max_entries=64)
def unit_overdue_ages(stamp: Stamp, level: str, unit: str, county: str | None) -> dict[str, Any] | None:
    """The unit's assessed orders open past due at the as-of time, by working days late (every month);
    None when the source cannot tell (no closure times), an all-zero row when none is overdue."""
    ages = integrity_figures.fetch_overdue_ages(_con(), level)
    keys = integrity_figures.unit_filter(level, unit, county)
    rows = ages.filter(**keys)
    if rows.is_empty():
        return dict.fromkeys(("overdue_open_count", *integrity_figures.AGE_BUCKETS), 0)
    return rows.row(0, named=True)


@st.cache_data(ttl=600, max_entries=64)
def unit_category_on_time(
    stamp: Stamp, level: str, unit: str, county: str | None, start: dt.date, end: dt.date, kind: str
) -> pl.DataFrame:
    return integrity_figures.fetch_category_on_time(_con(), level, unit, _p(start, end, kind), county)


@st.cache_data(ttl=600, max_entries=64)
def unit_trend(stamp: Stamp, level: str, unit: str, county: str | None, start: dt.date, end: dt.date) -> pl.DataFrame:
    return unit_profile.fetch_unit_trend(_con(), level, unit, start, end, county)


@st.cache_data(ttl=600, max_entries=64)
def unit_categories(
    stamp: Stamp, level: str, unit: str, county: str | None, start: dt.date, end: dt.date, kind: str
) -> pl.DataFrame:
    return unit_profile.fetch_unit_categories(_con(), level, unit, _p(start, end, kind), county)


@st.cache_data(ttl=600, max_entries=64)
def order_lists(
    stamp: Stamp,
    viewer: Viewer,
    level: str,
    unit: str,
    county: str | None,
    start: dt.date,
    end: dt.date,
    kind: str,
    limit: int,
) -> dict[str, pl.DataFrame]:
    """Every one of ORDER_LISTS of the unit (one scan), newest first, at most ``limit`` orders each."""
    return fetch_order_lists(_con(), viewer, level, unit, _p(start, end, kind), county, limit)


@st.cache_data(ttl=600, max_entries=4, show_spinner=False)
def evidence_pack(
    stamp: Stamp, viewer: Viewer, level: str, unit: str, county: str | None, start: dt.date, end: dt.date, kind: str
) -> bytes:
    return evidence.build_evidence_pack(_con(), viewer, level, unit, _p(start, end, kind), county)


# -- data page --------------------------------------------------------------------------------------


@st.cache_data(ttl=600, max_entries=8)
def volume_by_month(stamp: Stamp) -> pl.DataFrame:
    return intake.fetch_volume_by_month(_con())


@st.cache_data(ttl=600, max_entries=8)
def quality_by_month(stamp: Stamp) -> pl.DataFrame:
    return quality.fetch_quality_by_month(_con())


@st.cache_data(ttl=600, max_entries=8)
def quality_by_file(stamp: Stamp) -> pl.DataFrame:
    return quality.fetch_quality_by_file(_con())


@st.cache_data(ttl=600, max_entries=8)
def cell_warnings(stamp: Stamp, viewer: Viewer, limit: int | None) -> pl.DataFrame:
    return quality.fetch_cell_warnings(_con(), viewer, limit)


@st.cache_data(ttl=600, max_entries=32)
def quarantine_rows(
    stamp: Stamp, viewer: Viewer, source_file: str | None, reason_code: str | None, limit: int | None
) -> pl.DataFrame:
    """Quarantined rows, personal data masked for all but admin (the original row is shown for fixing the export)."""
    return quality.fetch_quarantine_rows(_con(), viewer, source_file, reason_code, limit)
