"""The statutory working-day calendar and assessment periods."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import duckdb
import pytest

from warehouse.calendar import FALLBACK, STATUTORY, Period, build_calendar, classify_day, nth_workday_after

D = dt.date


def test_2026_make_up_saturday_is_a_working_day() -> None:
    assert D(2026, 2, 28).weekday() == 5
    assert classify_day(D(2026, 2, 28)) == (True, STATUTORY)
    assert classify_day(D(2026, 3, 7)) == (False, STATUTORY)  # an ordinary Saturday


def test_spring_festival_weekday_is_not_a_working_day() -> None:
    assert D(2026, 2, 17).weekday() == 1  # 初一, a Tuesday
    assert classify_day(D(2026, 2, 17)) == (False, STATUTORY)
    assert classify_day(D(2024, 2, 12)) == (False, STATUTORY)


def test_years_outside_the_library_fall_back_to_weekdays() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))
    assert classify_day(D(2027, 1, 4)) == (True, FALLBACK)
    assert classify_day(D(2027, 1, 9)) == (False, FALLBACK)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 3, 4), 3, D(2024, 3, 7)),  # plain week
        (D(2024, 3, 8), 3, D(2024, 3, 13)),  # over a weekend
        (D(2024, 3, 9), 1, D(2024, 3, 11)),  # dispatched on a Saturday: Monday is the first
        (D(2024, 2, 5), 7, D(2024, 2, 20)),  # Spring Festival 2024 off, make-up Sunday 2/18 counts
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # 2026 make-up Saturday
        (D(2026, 2, 26), 2, D(2026, 2, 28)),  # ... and the other one
    ],
)
def test_nth_workday_after(start: dt.date, n: int, expected: dt.date) -> None:
    assert nth_workday_after(start, n) == expected


def test_dim_calendar_sequence_matches_python(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    fallback = build_calendar(con, D(2026, 1, 1), D(2026, 12, 31))
    assert fallback == [2027]  # the margin runs into 2027
    sql = """
        SELECT w.cal_date FROM dim_calendar d
        JOIN dim_calendar w ON w.is_workday AND w.workday_seq = d.workday_seq + ?
        WHERE d.cal_date = ?"""
    for start in (D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 15), D(2026, 9, 30), D(2026, 12, 28)):
        for n in (1, 3, 7):
            assert con.execute(sql, [n, start]).fetchall() == [(nth_workday_after(start, n),)]
    sat = con.execute("SELECT is_workday, calendar_source FROM dim_calendar WHERE cal_date = ?", [D(2026, 2, 28)])
    assert sat.fetchall() == [(True, STATUTORY)]
    con.close()


def test_period_constructors_and_previous() -> None:
    m = Period.month("2024-03")
    assert (m.start, m.end, m.label) == (D(2024, 3, 1), D(2024, 3, 31), "2024-03")
    assert Period.month("2024-03").previous() == Period.month("2024-02")
    assert Period.month("2024-01").previous() == Period.month("2023-12")
    assert Period.month("2024-02").end == D(2024, 2, 29)
    q = Period.parse("2024-Q1")
    assert (q.start, q.end, q.label) == (D(2024, 1, 1), D(2024, 3, 31), "2024-Q1")
    assert q.previous() == Period.quarter(2023, 4)
    assert Period.parse("2024").previous() == Period.year(2023)
    r = Period.parse("2024-01-10..2024-01-19")
    assert r.previous() == Period.between(D(2023, 12, 31), D(2024, 1, 9))
    assert q.is_whole_months and not r.is_whole_months
    assert Period.between(D(2024, 1, 1), D(2024, 2, 29)).is_whole_months
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.month("March")
    with pytest.raises(ValueError):
        Period.between(D(2024, 2, 1), D(2024, 1, 1))
