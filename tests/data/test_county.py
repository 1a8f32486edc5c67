"""区县 (issue 15, item 4): the departments' figures on one county's orders, beside their city-wide
figures, from the same counts and rate function as every league table; a county-scoped leader gets
that county only. On the hand-worked warehouse of tests/desk_city.py (April 2024)."""

from __future__ import annotations

import duckdb
import pytest

from tests.desk_city import HOUSING, OTHER, OWN, TRANSPORT, build_desk_city
from warehouse.access import OrderAccessError, Viewer
from warehouse.calendar import Period
from warehouse.county import fetch_county_topics, fetch_county_townships, fetch_department_matrix

APRIL = Period.month("2024-04")
SCOPED, LEADER = Viewer("leader", "zhao", OWN), Viewer("leader", "qian")


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    con = duckdb.connect(str(build_desk_city(tmp_path_factory.mktemp("county"))), read_only=True)
    yield con
    con.close()


def _rows(con, viewer: Viewer, county: str, period: Period = APRIL) -> dict[str, dict]:
    return {r["department"]: r for r in fetch_department_matrix(con, viewer, county, period).iter_rows(named=True)}


def test_the_department_matrix_of_a_county(con) -> None:
    rows = _rows(con, SCOPED, OWN)
    assert set(rows) == {HOUSING, TRANSPORT}  # K has no department: no row
    housing, transport = rows[HOUSING], rows[TRANSPORT]
    assert (housing["dispatched_count"], housing["assessed_count"]) == (5, 5)  # A, A2, D, E, F (H is elsewhere)
    assert (transport["dispatched_count"], transport["assessed_count"]) == (4, 3)  # B, C, G (invalid), I
    # on time: A2, D closed in time of A, A2, D, F due or closed (E not yet due); city-wide H is late too
    assert housing["on_time_rate"] == 0.5 and housing["citywide_on_time_rate"] == 0.4
    assert housing["response_rate"] == 1.0 and housing["backlog_count"] == 2 and transport["backlog_count"] == 2
    # every transport order is this county's: its county figures are its city-wide ones
    for key in ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "score"):
        assert transport[key] == transport[f"citywide_{key}"], key
    assert housing["sample_flag"] == "样本不足"  # 5 assessed orders < the minimum sample of 10
    assert _rows(con, LEADER, OTHER)[HOUSING]["dispatched_count"] == 1  # H


def test_a_county_scoped_leader_gets_that_county_only(con) -> None:
    for call in (fetch_department_matrix, fetch_county_townships, fetch_county_topics):
        with pytest.raises(OrderAccessError, match=f"账号限于{OWN}"):
            call(con, SCOPED, OTHER, APRIL)
        call(con, LEADER, OTHER, APRIL)  # an unscoped leader may pick any county


def test_townships_and_topics_of_the_county(con) -> None:
    towns = fetch_county_townships(con, LEADER, OWN, APRIL)
    assert set(towns["county"]) == {OWN} and set(towns["unit"]) == {"东湖街道", "西湖街道"}
    backlog = dict(zip(towns["unit"], towns["backlog_count"], strict=True))
    assert backlog == {"东湖街道": 3, "西湖街道": 2}  # A, F, K; C, G
    topics = fetch_county_topics(con, LEADER, OWN, APRIL)
    assert topics["received_count"].sum() == 11 and topics["category_l2"].to_list() == ["物业管理"]


def test_the_counts_are_the_facts(demo_con, demo_month) -> None:
    """Summing the fact table by department within a county gives the matrix's volumes (the contract tests
    check every count of met_department_county_* the same way)."""
    county = demo_con.sql("SELECT unit FROM dim_units WHERE level = 'county' ORDER BY order_count DESC").fetchall()[0][
        0
    ]
    rows = _rows(demo_con, Viewer("oversight", "z"), county, demo_month)
    facts = dict(demo_con.sql(
        "SELECT department, count(*) FROM fct_work_orders WHERE county = ? AND is_dispatched AND department IS NOT NULL "
        "AND dispatched_date BETWEEN ? AND ? GROUP BY ALL", params=[county, demo_month.start, demo_month.end]
    ).fetchall())  # fmt: skip
    assert {d: r["dispatched_count"] for d, r in rows.items()} == facts
