"""Dates for the assessment: the working-day calendar behind derived due dates (SPEC §3) and the
assessment periods (month, quarter, year, any range) of SPEC §3.1.

Due dates count *statutory* working days: public holidays are off even on weekdays, and the
make-up days (调休) — Saturdays or Sundays declared working days — count. chinese_calendar knows
2004–2026 only; for other years we fall back to Monday–Friday and say so in ``dim_calendar``
(``calendar_source = 'weekday_fallback'``) and in ``meta`` so the About page can warn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
import duckdb

SQL_DIR = Path(__file__).parent / "sql"
STATUTORY = "statutory"
FALLBACK = "weekday_fallback"
# A 7-working-day deadline that straddles the Spring Festival spans ~20 calendar days.
MARGIN_DAYS = 60


def classify_day(day: dt.date) -> tuple[bool, str]:
    """(is_workday, source) for one date."""
    try:
        return bool(chinese_calendar.is_workday(day)), STATUTORY
    except NotImplementedError:
        return day.weekday() < 5, FALLBACK


def calendar_rows(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[bool], list[str]]:
    """Every date from start to end inclusive with its working-day flag and source."""
    dates, flags, sources = [], [], []
    day = start
    while day <= end:
        flag, source = classify_day(day)
        dates.append(day)
        flags.append(flag)
        sources.append(source)
        day += dt.timedelta(days=1)
    return dates, flags, sources


def build_calendar(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> list[int]:
    """(Re)create ``dim_calendar`` over [start, end + margin]; return the fallback years.

    ``workday_seq`` is, for every date, the number of working days up to and including it, so
    "the N-th working day after date d" is the working day whose seq = seq(d) + N — true also when
    d itself is a holiday or weekend.
    """
    dates, flags, sources = calendar_rows(start, end + dt.timedelta(days=MARGIN_DAYS))
    sql = "CREATE OR REPLACE TABLE dim_calendar AS\n" + (SQL_DIR / "dim_calendar.sql").read_text(encoding="utf-8")
    con.execute(sql, {"dates": dates, "workdays": flags, "sources": sources})
    return sorted({d.year for d, s in zip(dates, sources, strict=True) if s == FALLBACK})


def nth_workday_after(day: dt.date, n: int) -> dt.date:
    """The N-th working day after ``day`` (Python twin of the SQL join, for callers and checks)."""
    found = 0
    while found < n:
        day += dt.timedelta(days=1)
        if classify_day(day)[0]:
            found += 1
    return day


PERIOD_KINDS = ("month", "quarter", "year", "range")
COMPARE_BASES = ("previous", "year_ago")  # 环比: the period before; 同比: the same period a year earlier


@dataclass(frozen=True)
class Period:
    """An assessment period, both ends inclusive. Orders belong to it by dispatch date (volume by
    receipt date); ``previous()`` is the period a rank change is measured against."""

    start: dt.date
    end: dt.date
    kind: str = "range"

    def __post_init__(self) -> None:
        if self.kind not in PERIOD_KINDS:
            raise ValueError(f"未知期间类型 {self.kind!r}")
        if self.start > self.end:
            raise ValueError(f"期间起点 {self.start} 晚于终点 {self.end}")

    @classmethod
    def month(cls, value: str | dt.date) -> Period:
        """``Period.month("2024-03")``; a malformed month is a ValueError naming the format."""
        if isinstance(value, str):
            try:
                value = dt.datetime.strptime(value.strip(), "%Y-%m").date()
            except ValueError:
                raise ValueError(f"月份格式应为 YYYY-MM：{value!r}") from None
        first = value.replace(day=1)
        return cls(first, _month_end(first), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise ValueError(f"季度应为 1–4：{quarter}")
        first = dt.date(year, 3 * quarter - 2, 1)
        return cls(first, _month_end(first.replace(month=3 * quarter)), "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        return cls(start, end, "range")

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2024-03' | '2024-Q1' | '2024' | '2024-01-05..2024-02-10'."""
        text = text.strip()
        if ".." in text:
            a, b = text.split("..", 1)
            return cls.between(dt.date.fromisoformat(a.strip()), dt.date.fromisoformat(b.strip()))
        if len(text) == 4 and text.isdigit():
            return cls.year(int(text))
        if len(text) in (6, 7) and text[-2] in "Qq":
            return cls.quarter(int(text[:4]), int(text[-1]))
        return cls.month(text)

    def previous(self) -> Period:
        """The preceding month/quarter/year; for a free range, as many days right before it."""
        if self.kind == "month":
            return Period.month(self.start - dt.timedelta(days=1))
        if self.kind == "quarter":
            prev = self.start - dt.timedelta(days=1)
            return Period.quarter(prev.year, (prev.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        days = (self.end - self.start).days + 1
        return Period.between(self.start - dt.timedelta(days=days), self.start - dt.timedelta(days=1))

    def year_ago(self) -> Period:
        """The same period a year earlier (同比): the same month or quarter, the year before, or a range
        shifted by a year (29 February becomes the 28th)."""
        if self.kind == "month":
            return Period.month(self.start.replace(year=self.start.year - 1))
        if self.kind == "quarter":
            return Period.quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        return Period.between(_year_before(self.start), _year_before(self.end))

    def base(self, basis: str) -> Period:
        """The period a comparison is made against: ``previous`` (环比) or ``year_ago`` (同比)."""
        if basis not in COMPARE_BASES:
            raise ValueError(f"比较基期应为 {COMPARE_BASES} 之一：{basis!r}")
        return self.previous() if basis == "previous" else self.year_ago()

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == _month_end(self.end)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)
