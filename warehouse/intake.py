"""What was loaded, as the data page (数据) shows it: the load history, the quarantined rows per file and
reason, the monthly volume, and whether every loaded file was demo data (the pages' demo banner).
The load history's messages quote the files, so it follows ``warehouse.access``.
"""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.access import Viewer
from warehouse.masking import mask_message
from warehouse.state import fetch_state


def fetch_is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True only while every loaded file was demo data (derived, see warehouse.state)."""
    return fetch_state(con).is_demo


def fetch_load_history(con: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int = 200) -> pl.DataFrame:
    """One row per file offered to a load, newest first. The messages quote the files (a rejected
    headerless export's first row, in loads before this was masked at the source), so the history is
    the data page's (``warehouse.access``: analyst, admin) and its messages masked for all but admin."""
    viewer.require_quarantine()
    frame = con.sql(
        """SELECT load_id, file_name, status, rows_read, loaded, updated, unchanged, quarantined, duplicates,
                  encoding, sheet, profile, message, started_at, seconds
           FROM load_log ORDER BY load_id DESC LIMIT $limit""",
        params={"limit": limit},
    ).pl()
    if viewer.sees_unmasked:
        return frame
    return frame.with_columns(pl.Series("message", [mask_message(m) for m in frame["message"]], dtype=pl.String))


def fetch_quarantine_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per file and reason: how many rows were quarantined."""
    return con.sql(
        """SELECT source_file, reason_code, count(*) AS row_count
           FROM raw_quarantine GROUP BY 1, 2 ORDER BY 1, 3 DESC"""
    ).pl()


def fetch_volume_by_month(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per month of ``met_city_month``: received (by received month), answered directly,
    dispatched and assessed (by dispatch month)."""
    return con.sql(
        """SELECT month, received_count, direct_answer_count, dispatched_count, assessed_count
           FROM met_city_month ORDER BY month"""
    ).pl()
