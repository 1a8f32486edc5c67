"""Every data call the dashboard pages make, with representative arguments, for the query benchmark.

Three lists of (name, callable(con)): the overview, rankings, trends and about pages; the hot-topics,
unit-profile and data pages; the leader's desk (督办, 地图, 区县, 大屏). They live here, beside the
benchmark that times them, so the query modules hold only what the pages call (and the evidence pack
and the order queries no longer import each other). ``tests/data`` runs every entry once on the demo
city, so a renamed or changed query function breaks a test, not the next benchmark night.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb
import polars as pl

from reports.evidence import build_evidence_pack
from warehouse import backlog, county, intake, periods, quality
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.desk import BACKLOG, fetch_map_values
from warehouse.drilldown import fetch_orders
from warehouse.hot_topics import (
    fetch_category_by_county,
    fetch_category_issues,
    fetch_category_risers,
    fetch_unit_issues,
)
from warehouse.hotwords import fetch_hot_words
from warehouse.intake import fetch_volume_by_month
from warehouse.metrics import fetch_build_info, fetch_monthly
from warehouse.order_lists import fetch_order_lists
from warehouse.periods import default_period
from warehouse.rankings import fetch_ranking, fetch_totals
from warehouse.unit_profile import fetch_unit_categories, fetch_unit_ranking_row, fetch_unit_trend

Call = Callable[[duckdb.DuckDBPyConnection], object]
# the benchmark reads as the analyst: city-wide, masked (the slower path)
BENCH_VIEWER = Viewer("analyst", "bench")


def busiest(con: duckdb.DuckDBPyConnection, level: str) -> tuple[str, str | None]:
    """(unit, county) of the level's unit with the most orders: the heaviest drill-down; ("", None) if none."""
    rows = con.sql(
        "SELECT unit, county FROM dim_units WHERE level = ? ORDER BY order_count DESC, unit LIMIT 1", params=[level]
    ).fetchall()
    return rows[0] if rows else ("", None)


# -- the overview, rankings, trends and about pages ---------------------------------------------------


def _quarter(con: duckdb.DuckDBPyConnection) -> Period:
    end = default_period(con).start
    return Period.quarter(end.year, (end.month - 1) // 3 + 1)


def _trend(con: duckdb.DuckDBPyConnection, level: str) -> pl.DataFrame:
    end = default_period(con).end
    return fetch_monthly(con, level, dt.date(end.year - 1, end.month, 1), end)


def _drill(con: duckdb.DuckDBPyConnection, part: str) -> pl.DataFrame:
    unit, _ = busiest(con, "department")
    viewer = Viewer("oversight", "bench")  # city-wide, masked: the heaviest list a page asks for
    return fetch_orders(con, viewer, "department", unit, default_period(con), "response_rate", part)


QUERY_CALLS: list[tuple[str, Call]] = [
    ("frame.is_demo", intake.fetch_is_demo),
    ("frame.build_info", fetch_build_info),
    ("frame.months", periods.fetch_months),
    ("frame.units", periods.fetch_units),
    ("overview.totals", lambda con: fetch_totals(con, default_period(con))),
    ("overview.totals_previous", lambda con: fetch_totals(con, default_period(con).previous())),
    ("overview.volume_by_month", lambda con: fetch_monthly(con, "city", end=default_period(con).end)),
    ("overview.red_black.county", lambda con: fetch_ranking(con, "county", default_period(con))),
    ("overview.red_black.department", lambda con: fetch_ranking(con, "department", default_period(con))),
    ("rankings.county.month", lambda con: fetch_ranking(con, "county", default_period(con))),
    ("rankings.department.month", lambda con: fetch_ranking(con, "department", default_period(con))),
    ("rankings.township.month", lambda con: fetch_ranking(con, "township", default_period(con))),
    ("rankings.department.quarter", lambda con: fetch_ranking(con, "department", _quarter(con))),
    (
        "rankings.department.year",
        lambda con: fetch_ranking(con, "department", Period.year(default_period(con).start.year)),
    ),
    (
        "rankings.township.range",
        lambda con: fetch_ranking(
            con, "township", Period.between(default_period(con).start.replace(day=5), default_period(con).end)
        ),
    ),
    ("rankings.drilldown.numerator", lambda con: _drill(con, "numerator")),
    ("rankings.drilldown.denominator", lambda con: _drill(con, "denominator")),
    ("rankings.drilldown.excluded", lambda con: _drill(con, "excluded")),
    ("trends.county", lambda con: _trend(con, "county")),
    ("trends.department", lambda con: _trend(con, "department")),
    ("trends.township", lambda con: _trend(con, "township")),
    ("trends.city", lambda con: _trend(con, "city")),
]


# -- the hot-topics, unit-profile and data pages ------------------------------------------------------


def _dept(con: duckdb.DuckDBPyConnection) -> tuple[str, Period]:
    return busiest(con, "department")[0], default_period(con)


def _evidence(con: duckdb.DuckDBPyConnection) -> object:
    return build_evidence_pack(con, BENCH_VIEWER, "department", *_dept(con))


ORDER_CALLS: list[tuple[str, Call]] = [
    ("hot_topics.category_by_county", lambda con: fetch_category_by_county(con, default_period(con))),
    ("hot_topics.category_risers", lambda con: fetch_category_risers(con, default_period(con))),
    ("hot_topics.category_issues", lambda con: fetch_category_issues(con, default_period(con))),
    ("hot_topics.unit_issues", lambda con: fetch_unit_issues(con, "department", default_period(con))),
    ("hot_topics.hot_words", lambda con: fetch_hot_words(con, BENCH_VIEWER, default_period(con))),
    ("unit_profile.ranking_row", lambda con: fetch_unit_ranking_row(con, "department", *_dept(con))),
    ("unit_profile.trend", lambda con: fetch_unit_trend(con, "department", _dept(con)[0])),
    ("unit_profile.categories", lambda con: fetch_unit_categories(con, "department", *_dept(con))),
    ("unit_profile.order_lists", lambda con: fetch_order_lists(con, BENCH_VIEWER, "department", *_dept(con))),
    # not drawn with the page: built when the download button is pressed (a deferred download)
    ("unit_profile.evidence_pack_on_click", _evidence),
    ("data.volume_by_month", fetch_volume_by_month),
    ("data.quality_by_month", quality.fetch_quality_by_month),
    ("data.quality_by_file", quality.fetch_quality_by_file),
    ("data.quarantine_rows", lambda con: quality.fetch_quarantine_rows(con, BENCH_VIEWER)),
    ("data.quarantine_summary", intake.fetch_quarantine_summary),
    ("data.load_history", lambda con: intake.fetch_load_history(con, BENCH_VIEWER)),
]


# -- the leader's desk: 督办, 地图, 区县, 大屏 ------------------------------------------------------------


def _county(call: Callable[..., object]) -> Call:
    return lambda con: call(con, BENCH_VIEWER, busiest(con, "county")[0], default_period(con))


DESK_CALLS: list[tuple[str, Call]] = [
    ("backlog.orders", lambda con: backlog.fetch_backlog(con, BENCH_VIEWER)),
    ("backlog.counts.department", lambda con: backlog.fetch_backlog_counts(con, "department")),
    ("backlog.counts.township", lambda con: backlog.fetch_backlog_counts(con, "township")),
    ("backlog.summary", backlog.fetch_backlog_summary),
    ("backlog.trend", backlog.fetch_backlog_trend),
    ("map.county.score", lambda con: fetch_map_values(con, "county", "score", default_period(con))),
    ("map.township.backlog", lambda con: fetch_map_values(con, "township", BACKLOG, default_period(con))),
    ("county.department_matrix", _county(county.fetch_department_matrix)),
    ("county.townships", _county(county.fetch_county_townships)),
    ("county.topics", _county(county.fetch_county_topics)),
]

# what the query benchmark times and names in its report
CALL_LISTS: dict[str, list[tuple[str, Call]]] = {
    "bench.calls.QUERY_CALLS": QUERY_CALLS,
    "bench.calls.ORDER_CALLS": ORDER_CALLS,
    "bench.calls.DESK_CALLS": DESK_CALLS,
}
