"""Cached data access for the pages: one read-only connection per process, reopened after a load."""

from __future__ import annotations

import polars as pl
import streamlit as st

from warehouse import queries
from warehouse.connection import Reader, resolve_db_path


@st.cache_resource
def _reader(db_path: str) -> Reader:
    return Reader(db_path)


def _con():
    return _reader(str(resolve_db_path())).connection()


def warehouse_stamp() -> tuple[int, int] | None:
    """Changes whenever a load swaps the file: part of every cache key, so caches follow the data."""
    path = resolve_db_path()
    try:
        st_ = path.stat()
    except FileNotFoundError:
        return None
    return (st_.st_ino, st_.st_mtime_ns)


@st.cache_data(ttl=600, max_entries=32)
def is_demo(stamp: tuple[int, int] | None) -> bool:
    return queries.fetch_is_demo(_con())


@st.cache_data(ttl=600, max_entries=32)
def monthly_volume(stamp: tuple[int, int] | None) -> pl.DataFrame:
    return queries.fetch_monthly_volume(_con())


@st.cache_data(ttl=600, max_entries=32)
def load_history(stamp: tuple[int, int] | None) -> pl.DataFrame:
    return queries.fetch_load_history(_con())


@st.cache_data(ttl=600, max_entries=32)
def quarantine_summary(stamp: tuple[int, int] | None) -> pl.DataFrame:
    return queries.fetch_quarantine_summary(_con())
