"""Cached data access for the leader's desk: the backlog (督办), my county, the map and the wall screen.

As in ``oversight_data``: the warehouse stamp first (caches follow the data), plain values after it;
a call that returns order rows takes the ``Viewer`` second (the warehouse applies the role's rules and
the viewer is part of the cache key).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import polars as pl
import streamlit as st

from pages.components.data import _con
from warehouse import backlog, desk, geo
from warehouse import county as county_queries
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.geo import LevelMap
from warehouse.settings import MapFiles, load_settings

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


# -- the map ----------------------------------------------------------------------------------------


def level_maps() -> dict[str, LevelMap] | None:
    """The boundary files the settings name, per level (None: no [map] files set). Re-read when the
    settings or a file changes (cached on their paths and modification times)."""
    files = load_settings().map
    paths = tuple(str(p) if p else "" for p in (files.counties, files.townships))
    if not any(paths):
        return None
    stamps = tuple(_mtime(p) for p in paths)
    return _level_maps(paths, stamps, files.county_property, files.township_property)


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns if path else None
    except OSError:
        return None


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _level_maps(paths: tuple[str, str], stamps: tuple, county_property: str, township_property: str) -> dict:
    files = MapFiles(*(Path(p) if p else None for p in paths), county_property, township_property)
    maps = {level: geo.load_level(files, level) for level in geo.LEVELS}
    return {level: m for level, m in maps.items() if m is not None}


def only_county(level_map: LevelMap, county: str | None) -> LevelMap:
    """The regions of one county (a county leader's township map); all when ``county`` is None."""
    if county is None:
        return level_map
    regions = tuple(r for r in level_map.regions if r.county == county)
    keys = {r.key for r in regions}
    features = [f for f in level_map.geojson["features"] if f["id"] in keys]
    return LevelMap(level_map.level, regions, {"type": "FeatureCollection", "features": features}, level_map.source)


@st.cache_data(ttl=600, max_entries=64)
def map_values(
    stamp: Stamp, level: str, metric: str, start: dt.date, end: dt.date, kind: str, county: str | None
) -> pl.DataFrame:
    return desk.fetch_map_values(_con(), level, metric, Period(start, end, kind), county)


# -- a county on one page -----------------------------------------------------------------------------


@st.cache_data(ttl=600, max_entries=32)
def county_matrix(stamp: Stamp, viewer: Viewer, county: str, start: dt.date, end: dt.date, kind: str) -> pl.DataFrame:
    return county_queries.fetch_department_matrix(_con(), viewer, county, Period(start, end, kind))


@st.cache_data(ttl=600, max_entries=32)
def county_townships(
    stamp: Stamp, viewer: Viewer, county: str, start: dt.date, end: dt.date, kind: str
) -> pl.DataFrame:
    return county_queries.fetch_county_townships(_con(), viewer, county, Period(start, end, kind))


@st.cache_data(ttl=600, max_entries=32)
def county_topics(
    stamp: Stamp, viewer: Viewer, county: str, start: dt.date, end: dt.date, kind: str, basis: str
) -> pl.DataFrame:
    return county_queries.fetch_county_topics(_con(), viewer, county, Period(start, end, kind), basis=basis)


def level_maps_or_none() -> dict[str, LevelMap] | None:
    """As :func:`level_maps`, but a broken boundary file is no map (the wall screen shows the rest)."""
    try:
        return level_maps()
    except geo.MapFileError:
        return None


def backlog_by_unit(stamp: Stamp, level: str) -> dict[str, int]:
    """Unit -> its backlog now, city-wide (county or department level), for a ranking's side."""
    counts = backlog_counts(stamp, level, None)
    unit = "county" if level == "county" else "department"
    return {u: n for u, n in zip(counts[unit], counts["backlog_count"], strict=True) if u is not None}
