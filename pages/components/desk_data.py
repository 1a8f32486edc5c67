"""Cached data access for the leader's desk: the backlog (督办), my county, the map and the wall screen.

As in ``oversight_data``: the warehouse stamp first (caches follow the data), plain values after it;
a call that returns order rows takes the ``Viewer`` second (the warehouse applies the role's rules and
the viewer is part of the cache key).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages.components.data import _con
from warehouse import backlog
from warehouse.access import Viewer

Stamp = tuple[int, int] | None


@st.cache_data(ttl=600, max_entries=32)
def backlog_orders(
    stamp: Stamp, viewer: Viewer, level: str | None, unit: str | None, county: str | None
) -> pl.DataFrame:
    """The backlog's orders as ``viewer`` may see them (refused for the public), most overdue first."""
    return backlog.fetch_backlog(_con(), viewer, level, unit, county)


@st.cache_data(ttl=600, max_entries=32)
def backlog_counts(stamp: Stamp, level: str, county: str | None) -> pl.DataFrame:
    return backlog.fetch_backlog_counts(_con(), level, county)


@st.cache_data(ttl=600, max_entries=32)
def backlog_summary(stamp: Stamp, county: str | None) -> dict:
    return backlog.fetch_backlog_summary(_con(), county)


@st.cache_data(ttl=600, max_entries=32)
def backlog_trend(stamp: Stamp, county: str | None) -> pl.DataFrame:
    return backlog.fetch_backlog_trend(_con(), county=county)
