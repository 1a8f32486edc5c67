"""Read-side query functions shared by the dashboard and the reports (plain values in, frames out)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.masking import mask_message
from warehouse.metrics import fetch_as_of
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


def fetch_months(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """One row per month present in the city metrics (assessment or received month), oldest first."""
    return [row[0] for row in con.sql("SELECT month FROM met_city_month ORDER BY month").fetchall()]


def fetch_intake_months(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """The months in which orders were received, oldest first. A month present only through orders
    dispatched after the data's last day of intake (the spill-over of the last month) is not one."""
    sql = "SELECT month FROM met_city_month WHERE received_count > 0 ORDER BY month"
    return [row[0] for row in con.sql(sql).fetchall()]


def latest_complete_month(months: list[dt.date], as_of: dt.datetime | None) -> dt.date:
    """The newest of ``months`` whose last day the data reaches; the newest month when none does."""
    for month in reversed(months):
        if as_of is None or as_of.date() >= Period.month(month).end:
            return month
    return months[-1]


def default_period(con: duckdb.DuckDBPyConnection) -> Period:
    """The period the pages open on (the sidebar filters' rule): the latest complete month of intake. Not
    the newest month present: that one may hold only the orders dispatched after the last day of intake."""
    return Period.month(latest_complete_month(fetch_intake_months(con) or fetch_months(con), fetch_as_of(con)))


def fetch_units(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per unit per level (township within its county) with its ranking group."""
    return con.sql(
        "SELECT level, unit, county, group_name, order_count FROM dim_units ORDER BY level, group_name, unit"
    ).pl()
