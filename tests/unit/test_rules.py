"""SPEC §3/§4 rules at the boundary, order by order, on a real DuckDB file (fct_work_orders)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from tests.unit.engine_support import build_warehouse, fct, order
from warehouse.metrics import fetch_as_of, fetch_build_info
from warehouse.settings import Settings

T = dt.datetime
DISP = T(2024, 3, 4, 10, 0, 0)  # a Monday
H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    rows = [
        order("r24", responded_at=DISP + 24 * H),
        order("r24+1", responded_at=DISP + 24 * H + S),
        order("u2", urgency="紧急", responded_at=DISP + 2 * H),
        order("u2+1", urgency="紧急", responded_at=DISP + 2 * H + S),
        order("none_urg", urgency=None, responded_at=DISP + 23 * H),
        order("no_resp"),
        order("c_due", due_at=T(2024, 3, 20, 18), closed_at=T(2024, 3, 20, 18)),
        order("c_due+1", due_at=T(2024, 3, 20, 18), closed_at=T(2024, 3, 20, 18) + S),
        order("zx", appeal_type="咨询", closed_at=T(2024, 3, 7, 23, 59, 59)),
        order("zx_late", appeal_type="咨询", closed_at=T(2024, 3, 8)),
        order("ts", appeal_type="投诉"),
        order("untyped", appeal_type=None),
        order("urgent_due", appeal_type="投诉", urgency="紧急"),
        order("cny", appeal_type="咨询", received_at=T(2026, 2, 13, 9), dispatched_at=T(2026, 2, 13, 10)),
        order("cny7", appeal_type="投诉", received_at=T(2026, 2, 13, 9), dispatched_at=T(2026, 2, 13, 10)),
        order("open_future", due_at=T(2026, 12, 31)),  # a deadline is not an event: as-of ignores it
        order("invalid", is_valid=False),
        order("exempt", is_exempt=True),
        order("both", is_valid=False, is_exempt=True),
        order("valid_explicit", is_valid=True, is_exempt=False),
        order("direct", dispatched_at=None, county="东湖区"),
        order("blank_units", county="", township="  ", department=" "),
        order("ret0", return_count=None),
        order("ret1", return_count=1),
        order("late_event", received_at=T(2026, 3, 1, 8), dispatched_at=None, closed_at=T(2026, 3, 2, 9)),
    ]
    c = build_warehouse(tmp_path / "rules.duckdb", rows)
    yield c
    c.close()


def test_response_limit_boundaries(con: duckdb.DuckDBPyConnection) -> None:
    assert fct(con, "r24")["is_responded_on_time"] is True  # 24h00m00s counts
    assert fct(con, "r24+1")["is_responded_on_time"] is False  # 24h00m01s does not
    assert fct(con, "u2")["is_responded_on_time"] is True  # 紧急: 2h00m00s counts
    assert fct(con, "u2+1")["is_responded_on_time"] is False
    assert fct(con, "none_urg")["urgency_level"] == "一般"
    assert fct(con, "none_urg")["is_responded_on_time"] is True
    assert fct(con, "no_resp")["is_responded_on_time"] is False


def test_closed_exactly_at_due_counts(con: duckdb.DuckDBPyConnection) -> None:
    assert fct(con, "c_due")["is_closed_on_time"] is True
    assert fct(con, "c_due")["due_source"] == "export"
    assert fct(con, "c_due+1")["is_closed_on_time"] is False
    assert fct(con, "zx")["effective_due_at"] == T(2024, 3, 7, 23, 59, 59)
    assert fct(con, "zx")["is_closed_on_time"] is True
    assert fct(con, "zx_late")["is_closed_on_time"] is False


def test_derived_due_dates(con: duckdb.DuckDBPyConnection) -> None:
    assert fct(con, "ts")["effective_due_at"] == T(2024, 3, 13, 23, 59, 59)  # 7 working days
    assert fct(con, "ts")["due_source"] == "derived"
    assert fct(con, "untyped")["effective_due_at"] == T(2024, 3, 13, 23, 59, 59)
    assert fct(con, "urgent_due")["effective_due_at"] == DISP + 24 * H
    # 2026-02-14 is a make-up Saturday, 2/15–2/23 the Spring Festival, 2/28 another make-up Saturday
    assert fct(con, "cny")["effective_due_at"] == T(2026, 2, 25, 23, 59, 59)
    assert fct(con, "cny7")["effective_due_at"] == T(2026, 3, 2, 23, 59, 59)


def test_as_of_and_on_time_denominator(con: duckdb.DuckDBPyConnection) -> None:
    assert fetch_as_of(con) == T(2026, 3, 2, 9)  # latest event, not the 2026-12-31 deadline
    assert fetch_build_info(con)["as_of_source"] == "data"
    assert fct(con, "ts")["is_on_time_due"] is True  # open, due before as-of
    assert fct(con, "ts")["is_overdue_open"] is True
    assert fct(con, "open_future")["is_on_time_due"] is False  # open, not yet due
    assert fct(con, "open_future")["is_overdue_open"] is False
    assert fct(con, "c_due+1")["is_on_time_due"] is True  # closed, whenever due


def test_pinned_as_of(tmp_path: Path) -> None:
    rows = [order("a"), order("b", received_at=T(2024, 5, 1), dispatched_at=T(2024, 5, 1, 1))]
    con = build_warehouse(tmp_path / "p.duckdb", rows, Settings(as_of=T(2024, 3, 13, 23, 59, 59)))
    assert fetch_as_of(con) == T(2024, 3, 13, 23, 59, 59)
    assert fetch_build_info(con)["as_of_source"] == "pinned"
    assert fct(con, "a")["is_on_time_due"] is False  # due 3/13 23:59:59 is not *earlier* than as-of
    con.close()


def test_exclusions(con: duckdb.DuckDBPyConnection) -> None:
    assert (fct(con, "invalid")["exclusion_reason"], fct(con, "invalid")["is_assessed"]) == ("invalid", False)
    assert (fct(con, "exempt")["exclusion_reason"], fct(con, "exempt")["is_assessed"]) == ("exempt", False)
    assert fct(con, "both")["exclusion_reason"] == "invalid"
    assert fct(con, "valid_explicit")["is_assessed"] is True
    assert fct(con, "no_resp")["is_assessed"] is True  # is_valid NULL = valid


def test_never_dispatched(con: duckdb.DuckDBPyConnection) -> None:
    row = fct(con, "direct")
    assert (row["is_dispatched"], row["is_assessed"], row["assess_month"], row["exclusion_reason"]) == (
        False,
        False,
        None,
        None,
    )
    (counts,) = con.sql(
        "SELECT received_count, direct_answer_count, dispatched_count FROM met_county_month "
        "WHERE county = '东湖区' AND month = DATE '2024-03-01'"
    ).fetchall()
    assert counts == (1, 1, 0)


def test_blank_units_are_null(con: duckdb.DuckDBPyConnection) -> None:
    row = fct(con, "blank_units")
    assert (row["county"], row["township"], row["department"]) == (None, None, None)
    units = con.sql("SELECT count(*) FROM dim_units WHERE unit IS NULL OR trim(unit) = ''").fetchall()
    assert units == [(0,)]


def test_returns(con: duckdb.DuckDBPyConnection) -> None:
    assert fct(con, "ret0")["is_returned"] is False
    assert fct(con, "ret1")["is_returned"] is True


def test_repeat_window(tmp_path: Path) -> None:
    base = T(2024, 3, 1, 8)
    day = dt.timedelta(days=1)

    def o(oid: str, at: dt.datetime, **kw: object) -> dict:
        kw.setdefault("citizen_phone_hash", "p1")
        kw.setdefault("category_l2", "噪音")
        return order(oid, received_at=at, dispatched_at=at + H, **kw)

    rows = [
        order("first", received_at=base, dispatched_at=None, citizen_phone_hash="p1", category_l2="噪音"),
        o("at30d", base + 30 * day, department="城管局"),  # 30 days after a direct answer: repeat
        o("other_cat", base + 31 * day, category_l2="路灯"),
        o("after_gap", base + 60 * day + S),  # 30 days + 1 s after at30d: not a repeat
        o("no_phone", base + 61 * day, citizen_phone_hash=None),
        o("blank_cat", base + 62 * day, category_l2=" "),
        o("tie_a", base + 100 * day),
        o("tie_b", base + 100 * day),  # same instant: ordered by order_id, so tie_b repeats tie_a
    ]
    con = build_warehouse(tmp_path / "rep.duckdb", rows)
    flags = {
        r[0]: r[1:] for r in con.sql("SELECT order_id, is_repeat, repeat_of_order_id FROM fct_work_orders").fetchall()
    }
    assert flags == {
        "first": (False, None),
        "at30d": (True, "first"),
        "other_cat": (False, None),
        "after_gap": (False, None),
        "no_phone": (False, None),
        "blank_cat": (False, None),
        "tie_a": (False, None),
        "tie_b": (True, "tie_a"),
    }
    con.close()


def test_rebuild_is_repeatable_and_empty_safe(tmp_path: Path) -> None:
    con = build_warehouse(tmp_path / "empty.duckdb", [])
    assert con.sql("SELECT count(*) FROM met_county_month").fetchall() == [(0,)]
    assert fetch_as_of(con) is None
    from tests.unit.engine_support import insert_orders
    from warehouse.metrics import rebuild

    insert_orders(con, [order("x", county="东湖区")])
    rebuild(con, Settings())
    rebuild(con, Settings())
    assert con.sql("SELECT dispatched_count FROM met_county_month").fetchall() == [(1,)]
    assert con.sql("SELECT count(*) FROM meta WHERE key = 'as_of'").fetchall() == [(1,)]
    con.close()
