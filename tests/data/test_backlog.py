"""督办 (issue 15, item 1): the live backlog is exactly the orders open past their effective deadline at
the as-of time, across all months; per-unit counts add up; a week ago, cleared and new are worked out
from the data; roles and county scope as for every order list. On real warehouses built by the ETL:
the hand-worked fixture of tests/desk_city.py and the demo city."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.desk_city import (
    A_WEEK_AGO,
    AS_OF,
    HOUSING,
    NOW,
    OTHER,
    OWN,
    STATUS_WITH_PHONE,
    TRANSPORT,
    build_desk_city,
    secrets,
)
from warehouse.access import OrderAccessError, Viewer
from warehouse.backlog import (
    BACKLOG_COLUMNS,
    fetch_backlog,
    fetch_backlog_counts,
    fetch_backlog_summary,
    fetch_backlog_trend,
)

ANALYST, ADMIN = Viewer("analyst", "ana"), Viewer("admin", "wang")
SCOPED = Viewer("leader", "zhao", OWN)


@pytest.fixture(scope="module")
def city_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_desk_city(tmp_path_factory.mktemp("desk"))


@pytest.fixture(scope="module")
def con(city_db: Path):
    con = duckdb.connect(str(city_db), read_only=True)
    yield con
    con.close()


def _spec_backlog(con) -> list[str]:
    """The Done-when query, written from the fact table's columns, not its flag: open, dispatched, past the
    effective deadline (the export's, or derived) at the as-of time."""
    sql = """SELECT order_id FROM fct_work_orders
             WHERE closed_at IS NULL AND dispatched_at IS NOT NULL
               AND effective_due_at < (SELECT CAST(value AS TIMESTAMP) FROM meta WHERE key = 'as_of')
             ORDER BY order_id"""
    return [r[0] for r in con.sql(sql).fetchall()]


def test_the_backlog_is_every_order_open_past_its_deadline_most_overdue_first(con) -> None:
    orders = fetch_backlog(con, ANALYST)
    assert dict(zip(orders["order_id"], orders["overdue_days"], strict=True)) == NOW
    assert sorted(orders["order_id"]) == _spec_backlog(con)
    assert orders["overdue_days"].to_list() == sorted(NOW.values(), reverse=True)
    assert tuple(orders.columns) == BACKLOG_COLUMNS
    row = {r["order_id"]: r for r in orders.iter_rows(named=True)}
    assert row["F"]["due_source"] == "derived" and row["F"]["effective_due_at"] == dt.datetime(2024, 4, 11, 23, 59, 59)
    assert row["A"]["due_source"] == "export" and row["A"]["return_count"] == 2
    assert row["G"]["exclusion_reason"] == "invalid"  # still open: still chased, marked excluded
    assert row["A"]["caller_order_count"] == 2 and row["C"]["caller_order_count"] == 1


def test_an_order_never_dispatched_is_not_in_the_backlog(con) -> None:
    """J has a deadline in the export and no close, but no unit was ever given it: nobody to chase."""
    (due,) = con.sql("SELECT effective_due_at FROM fct_work_orders WHERE order_id = 'J'").fetchall()[0]
    assert due < AS_OF and "J" not in fetch_backlog(con, ANALYST)["order_id"].to_list()


def test_per_unit_counts_a_week_ago_cleared_and_new(con) -> None:
    counts = {r["department"]: r for r in fetch_backlog_counts(con, "department").iter_rows(named=True)}
    assert {k: v["backlog_count"] for k, v in counts.items()} == {HOUSING: 3, TRANSPORT: 2, None: 1}
    assert counts[TRANSPORT]["assessed_backlog_count"] == 1  # G is invalid
    assert (
        counts[TRANSPORT]["last_week_count"],
        counts[TRANSPORT]["cleared_count"],
        counts[TRANSPORT]["new_count"],
    ) == (2, 1, 1)
    assert counts[HOUSING]["oldest_overdue_days"] == 20
    summary = fetch_backlog_summary(con)
    assert summary["as_of"] == AS_OF
    assert (summary["backlog_count"], summary["last_week_count"]) == (len(NOW), len(A_WEEK_AGO))
    assert (summary["cleared_count"], summary["new_count"]) == (1, 1)  # B closed, C fell due
    township = fetch_backlog_counts(con, "township", county=OWN)
    assert set(township["county"]) == {OWN} and township["backlog_count"].sum() == len(NOW) - 1  # not H


def test_the_backlog_by_working_days_past_due(con) -> None:
    """Issue 20: age buckets in statutory working days after the due date, to the as-of date (2024-04-30;
    Qingming 04-04..06 off, Sunday 04-07 and 04-28 make-up working days). Worked by hand: A due 04-10 -> 15th
    working day after (8–15); C due 04-26 -> 3rd (1–3); F due 04-11 -> 14th; G, H due 04-15 -> 12th; K due
    04-22 -> 7th (4–7). Invalid G is still in the backlog."""
    ages = ("age_1_3_count", "age_4_7_count", "age_8_15_count", "age_16_plus_count")
    counts = {r["department"]: r for r in fetch_backlog_counts(con, "department").iter_rows(named=True)}
    assert {k: tuple(v[a] for a in ages) for k, v in counts.items()} == {
        HOUSING: (0, 0, 3, 0),  # A, F, H
        TRANSPORT: (1, 0, 1, 0),  # C, G
        None: (0, 1, 0, 0),  # K
    }
    summary = fetch_backlog_summary(con)
    assert tuple(summary[a] for a in ages) == (1, 1, 4, 0)
    assert sum(summary[a] for a in ages) == summary["backlog_count"]


def test_every_level_adds_up_to_the_list(con) -> None:
    orders = fetch_backlog(con, ANALYST)
    for level, keys in (("county", ["county"]), ("department", ["department"]), ("township", ["county", "township"])):
        counts = fetch_backlog_counts(con, level).filter(pl.col("backlog_count") > 0)
        expected = orders.group_by(keys).len().rename({"len": "backlog_count"})
        got = counts.select(*keys, pl.col("backlog_count").cast(pl.UInt32))
        assert got.sort(keys, nulls_last=True).equals(expected.sort(keys, nulls_last=True)), level


def test_the_trend_rebuilds_each_week_and_has_no_data_before_the_first_order(con) -> None:
    trend = fetch_backlog_trend(con)
    assert trend["week"].to_list() == list(range(-12, 1))
    assert trend["taken_at"][-1] == AS_OF and trend["taken_at"][-2] == AS_OF - dt.timedelta(days=7)
    by_week = dict(zip(trend["week"], trend["backlog_count"], strict=True))
    # now; a week ago; 04-16 (K not due yet); 04-09 and 04-02 (nothing due yet); before 04-01 10:00: no data
    assert [by_week[w] for w in (0, -1, -2, -3, -4)] == [6, 6, 5, 0, 0]
    assert all(by_week[w] is None for w in range(-12, -4))
    assert fetch_backlog_trend(con, county=OWN)["backlog_count"].to_list()[-2:] == [5, 5]


def test_roles_scope_and_masking_of_the_list(con) -> None:
    with pytest.raises(OrderAccessError, match="public"):
        fetch_backlog(con, Viewer("public", "gong"))
    scoped = fetch_backlog(con, SCOPED)
    assert set(scoped["county"]) == {OWN} and set(scoped["order_id"]) == set(NOW) - {"H"}
    assert fetch_backlog(con, SCOPED, "county", OTHER).is_empty()
    assert fetch_backlog(con, ANALYST, "township", "松林镇", OTHER)["order_id"].to_list() == ["H"]
    status = dict(zip(fetch_backlog(con, ANALYST)["order_id"], fetch_backlog(con, ANALYST)["status"], strict=True))
    assert status["G"] == "办理中（回访电话138****1111）"
    assert STATUS_WITH_PHONE in fetch_backlog(con, ADMIN)["status"].to_list()


def test_the_pages_csv_carries_no_personal_data_for_a_leader(con) -> None:
    """What the 督办 page's download button writes, for a leader: no name, no phone, status masked."""
    from pages.components.desk_view import orders_for_people
    from pages.components.export import to_csv_bytes
    from pages.components.oversight_tables import present

    for viewer in (Viewer("leader", "qian"), SCOPED, Viewer("oversight", "zhou"), ANALYST):
        frame = present(orders_for_people(fetch_backlog(con, viewer), "zh"), BACKLOG_COLUMNS, "zh")[0]
        text = to_csv_bytes(frame).decode("utf-8-sig")
        assert "工单编号" in text and "超期天数" in text
        assert not [s for s in secrets() if s in text], viewer


def test_the_cli_lists_and_counts(city_db: Path, con, capsys: pytest.CaptureFixture[str]) -> None:
    from warehouse.__main__ import main

    assert main(["backlog", "--db", str(city_db), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["order_id"] for r in listed] == fetch_backlog(con, ANALYST)["order_id"].to_list()
    assert listed[0]["effective_due_at"] == "2024-04-10 18:00:00" and listed[0]["overdue_days"] == 20
    assert main(["backlog", "--db", str(city_db), "--level", "department", "--unit", TRANSPORT, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:2] == ["order_id", "overdue_days"] and [x.split(",")[0] for x in lines[1:]] == [
        "G",
        "C",
    ]
    assert main(["backlog", "--db", str(city_db), "--level", "county", "--counts", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [f"{OWN},5,4,20,1,1,3,0,5,1,1", f"{OTHER},1,1,15,0,0,1,0,1,0,0"]
    assert main(["backlog", "--db", str(city_db), "--level", "township", "--unit", "松林镇"]) == 2
    assert "--county" in capsys.readouterr().err
    audit = (city_db.parent / "audit.log").read_text(encoding="utf-8")
    assert "cli: backlog department 市交通运输局" in audit


def test_on_the_demo_city_the_list_is_the_spec_query_and_the_units_add_up(demo_con) -> None:
    orders = fetch_backlog(demo_con, ANALYST)
    assert orders.height > 5 and sorted(orders["order_id"]) == _spec_backlog(demo_con)
    counts = fetch_backlog_counts(demo_con, "department")
    assert counts["backlog_count"].sum() == orders.height
    for row in counts.filter(pl.col("department").is_not_null()).head(5).iter_rows(named=True):
        mine = fetch_backlog(demo_con, ANALYST, "department", row["department"])
        assert mine.height == row["backlog_count"] and set(mine["department"]) == {row["department"]}
    summary = fetch_backlog_summary(demo_con)
    assert summary["backlog_count"] == summary["last_week_count"] - summary["cleared_count"] + summary["new_count"]
    assert fetch_backlog_trend(demo_con)["backlog_count"][-1] == orders.height
