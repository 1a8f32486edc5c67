"""The early-warning model on synthetic daily counts whose truth is known: the tail probability is exact,
a planted spike is found, a weekly rhythm raises no alarm, a yearly onset is expected once a year of
history shows it, and a burst of several days is one spike."""

from __future__ import annotations

import datetime as dt
import random
from math import comb

import numpy as np
import polars as pl
import pytest

from warehouse.alerts import HOLIDAY, day_type, scan_daily
from warehouse.problem_settings import AlertSettings
from warehouse.stats import binomial_upper

CFG = AlertSettings()
START = dt.date(2024, 3, 4)  # a Monday, clear of the Spring Festival
WEEK = np.array([1.2, 1.15, 1.1, 1.05, 1.0, 0.6, 0.5])  # Monday … Sunday


def test_binomial_tail_is_exact() -> None:
    rng = random.Random(7)
    for _ in range(300):
        n, p = rng.randint(1, 120), rng.random() * 0.5
        k = rng.randint(1, n)
        exact = sum(comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
        assert binomial_upper(k, n, p) == pytest.approx(exact, rel=1e-9, abs=1e-300)
    assert binomial_upper(0, 5, 0.1) == 1.0 and binomial_upper(6, 5, 0.1) == 0.0


def test_day_types_follow_the_chinese_calendar() -> None:
    assert day_type(dt.date(2026, 2, 17)) == HOLIDAY  # 春节
    assert day_type(dt.date(2026, 2, 14)) == 2  # a Saturday worked instead (调休): a midweek day
    assert day_type(dt.date(2026, 3, 7)) == 5  # an ordinary Saturday


def _daily(
    rates: dict[tuple[str, str], float], days: int, seed: int, extra=None, season=None, week=WEEK
) -> pl.DataFrame:
    """Poisson counts per (county, category) and day with a weekly rhythm; ``extra`` adds planted orders."""
    rng = np.random.default_rng(seed)
    rows = []
    for (county, category), rate in rates.items():
        for d in range(days):
            day = START + dt.timedelta(days=d)
            lam = rate * week[day.weekday()] * (season(day) if season and category == "供暖" else 1.0)
            n = int(rng.poisson(lam)) + (extra or {}).get((county, category, d), 0)
            if n:
                rows.append((day, county, "公用事业", category, n))
    return pl.DataFrame(rows, schema=["day", "county", "category_l1", "category_l2", "n"], orient="row")


RATES = {(c, k): r for c in ("甲区", "乙县", "丙县") for k, r in (("供水", 0.3), ("供电", 1.0), ("物业", 4.0))}


def test_a_planted_spike_is_found_and_the_quiet_year_raises_no_alarm() -> None:
    found, false_alarms = 0, 0
    for seed in range(4):
        daily = _daily(RATES, 365, seed, extra={("乙县", "供水", 200): 8})
        alerts = scan_daily(daily, CFG).alerts
        hit = alerts.filter((pl.col("county") == "乙县") & (pl.col("category_l2") == "供水"))
        found += hit.filter(pl.col("start_date") == START + dt.timedelta(days=200)).height
        false_alarms += alerts.height - hit.height
    assert found == 4
    assert false_alarms <= 1  # 4 × 9 cells × 330 days tested at alpha = 1e-4


def test_a_weekly_rhythm_raises_no_alarm_and_sets_each_days_level() -> None:
    """Mondays bring two and a half times the average (the weekend's calls): expected, not a spike. A
    Sunday with a Monday's count is one: day 202 is a Sunday."""
    monday_peak = np.array([2.5, 1.0, 1.0, 1.0, 1.0, 0.25, 0.25])
    rates = {(c, "物业"): 2.0 for c in ("甲区", "乙县", "丙县")}
    assert scan_daily(_daily(rates, 365, 5, week=monday_peak), CFG).alerts.is_empty()
    sunday = START + dt.timedelta(days=202)
    assert sunday.weekday() == 6
    alerts = scan_daily(_daily(rates, 365, 5, week=monday_peak, extra={("乙县", "物业", 202): 6}), CFG).alerts
    assert alerts.select("county", "start_date").rows() == [("乙县", sunday)]


def test_a_burst_of_three_days_is_one_spike_of_three_days() -> None:
    extra = {("甲区", "供电", d): 9 for d in (150, 151, 152)}
    alerts = scan_daily(_daily(RATES, 240, 11, extra=extra), CFG).alerts
    burst = alerts.filter(pl.col("category_l2") == "供电")
    assert burst.height == 1
    spike = burst.row(0, named=True)
    assert (spike["start_date"], spike["end_date"], spike["alert_days"]) == (
        START + dt.timedelta(days=150), START + dt.timedelta(days=152), 3,
    )  # fmt: skip
    assert spike["observed_count"] >= 27 and spike["expected_count"] < 6


def test_a_yearly_onset_alarms_only_until_a_year_of_history_shows_it() -> None:
    """Heating calls jump tenfold every 15 November: the first year nothing in the data says so; the
    second year the same weeks of the year before do, and the jump is expected."""

    def heating(day: dt.date) -> float:
        return 10.0 if (day.month, day.day) >= (11, 15) or day.month <= 2 else 1.0

    rates = {(c, "供暖"): 0.3 for c in ("甲区", "乙县", "丙县", "丁县")}
    daily = _daily(rates, 800, 3, season=heating)
    alerts = scan_daily(daily, CFG).alerts
    first = alerts.filter(pl.col("start_date").is_between(dt.date(2024, 11, 15), dt.date(2024, 12, 31)))
    second = alerts.filter(pl.col("start_date").is_between(dt.date(2025, 11, 15), dt.date(2025, 12, 31)))
    assert first.height >= 1
    assert second.height == 0


def test_too_little_history_tests_nothing() -> None:
    scan = scan_daily(_daily(RATES, 30, 1), CFG)
    assert scan.tested_from is None and scan.alerts.is_empty()
