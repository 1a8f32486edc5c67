"""Read-side query functions shared by the dashboard and the reports (plain values in, frames out)."""

from __future__ import annotations

import duckdb
import polars as pl


def fetch_is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute("SELECT value FROM meta WHERE key = 'is_demo'").fetchall()
    return bool(rows) and rows[0][0] == "true"


def fetch_load_history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pl.DataFrame:
    """One row per file offered to a load, newest first."""
    return con.sql(
        """SELECT load_id, file_name, status, rows_read, loaded, updated, unchanged, quarantined, duplicates,
                  encoding, sheet, profile, message, started_at, seconds
           FROM load_log ORDER BY load_id DESC LIMIT $limit""",
        params={"limit": limit},
    ).pl()


def fetch_monthly_volume(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per received month: orders, dispatched orders, closed orders."""
    return con.sql(
        """SELECT strftime(received_at, '%Y-%m') AS month,
                  count(*) AS received_count,
                  count(dispatched_at) AS dispatched_count,
                  count(closed_at) AS closed_count
           FROM stg_work_orders GROUP BY 1 ORDER BY 1"""
    ).pl()


def fetch_quarantine_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per file and reason: how many rows were quarantined."""
    return con.sql(
        """SELECT source_file, reason_code, count(*) AS row_count
           FROM raw_quarantine GROUP BY 1, 2 ORDER BY 1, 3 DESC"""
    ).pl()
