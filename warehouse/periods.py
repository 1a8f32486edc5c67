"""What the pages' filters choose from and open on: the months with data, the latest complete month of
intake (the period every page, the bulletin's month check and the benchmark start from), and the units
of each level with their ranking group. Plain values in, values or frames out.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from warehouse.calendar import Period
from warehouse.metrics import fetch_as_of


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
