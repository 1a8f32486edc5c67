"""The report's own queries: volume breakdowns read from ``fct_work_orders`` (never a raw_* table).

Rates, scores and ranks come from ``warehouse.rankings`` and ``warehouse.metrics``; these queries only
count orders by a text column, so no formula is defined twice.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


def _read(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    rel = con.sql(_read(name), params=params)
    cols = rel.columns
    return [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]


def fetch_received_by_channel(con: duckdb.DuckDBPyConnection, month: dt.date) -> list[dict[str, Any]]:
    """Orders received in ``month`` per channel, largest first: name, received_count."""
    return _rows(con, "rpt_received_by_channel", {"month": month})


def fetch_received_by_appeal_type(con: duckdb.DuckDBPyConnection, month: dt.date) -> list[dict[str, Any]]:
    """Orders received in ``month`` per appeal type, largest first: name, received_count."""
    return _rows(con, "rpt_received_by_appeal_type", {"month": month})


def fetch_received_by_category(
    con: duckdb.DuckDBPyConnection, month: dt.date, prev_month: dt.date
) -> list[dict[str, Any]]:
    """Per (category_l1, category_l2): received_count in ``month`` and prev_received_count the month before."""
    return _rows(con, "rpt_received_by_category", {"month": month, "prev_month": prev_month})
