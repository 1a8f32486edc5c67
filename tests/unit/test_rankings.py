"""SPEC §3.1 rankings on constructed warehouses: ties, minimum sample, groups, periods, flags.

Most units here have only response answers, so their score is exactly 100 × response rate (the
other two rates have no denominator and their weights are re-normalised away) — easy to reason
about, and itself a test of the re-normalisation.
"""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path
from typing import Any

import pytest

from tests.unit.engine_support import build_warehouse, order
from warehouse.rankings import INSUFFICIENT, Period, fetch_ranking, fetch_totals, wilson
from warehouse.settings import Settings, Targets

T = dt.datetime
MARCH = Period.month("2024-03")


def unit_orders(prefix: str, n: int, on_time: int, day: int = 4, month: int = 3, **unit: Any) -> list[dict]:
    """n assessed orders dispatched on the given day, the first ``on_time`` responded within 24 h."""
    rows = []
    for i in range(n):
        at = T(2024, month, day, 10)
        resp = at + dt.timedelta(hours=1 if i < on_time else 30)
        rows.append(order(f"{prefix}-{month}-{day}-{i}", received_at=at, dispatched_at=at, responded_at=resp, **unit))
    return rows


def by_unit(df: Any, key: str = "unit") -> dict[Any, dict]:
    return {r[key] if key == "unit" else (r["county"], r["unit"]): r for r in df.iter_rows(named=True)}


def test_ties_share_a_rank_and_skip_the_next(tmp_path: Path) -> None:
    rows = (
        unit_orders("A", 10, 9, county="甲区")
        + unit_orders("B", 10, 8, county="乙区")
        + unit_orders("C", 20, 16, county="丙区")  # 16/20 = 8/10 exactly: a true tie
        + unit_orders("D", 10, 5, county="丁区")
    )
    con = build_warehouse(tmp_path / "t.duckdb", rows)
    got = by_unit(fetch_ranking(con, "county", MARCH, Settings()))
    assert {u: got[u]["rank"] for u in got} == {"甲区": 1, "乙区": 2, "丙区": 2, "丁区": 4}
    assert got["乙区"]["score"] == pytest.approx(80.0, abs=1e-12)
    assert got["乙区"]["score_missing_rates"] == "resolution_rate,satisfaction_rate"
    con.close()


def test_exact_rational_ties_across_different_rate_mixes(tmp_path: Path) -> None:
    """0.2·1 + 0.4·0.5 + 0.4·1 = 0.2·0 + 0.4·1 + 0.4·1: equal scores, however floats round."""
    p = [
        order(
            f"P{i}",
            county="P区",
            responded_at=T(2024, 3, 4, 11),
            resolution="已解决" if i < 5 else "未解决",
            satisfaction="满意",
        )
        for i in range(10)
    ]
    q = [order(f"Q{i}", county="Q区", resolution="已解决", satisfaction="满意") for i in range(10)]
    r = [order(f"R{i}", county="R区", resolution="已解决", satisfaction="满意" if i else "不满意") for i in range(10)]
    con = build_warehouse(tmp_path / "x.duckdb", p + q + r)
    got = by_unit(fetch_ranking(con, "county", MARCH, Settings()))
    assert got["P区"]["rank"] == got["Q区"]["rank"] == 1
    assert got["R区"]["rank"] == 3
    con.close()


@pytest.mark.parametrize(("assessed", "ranked"), [(9, False), (10, True), (11, True)])
def test_minimum_sample(tmp_path: Path, assessed: int, ranked: bool) -> None:
    rows = unit_orders("S", assessed, 5, county="小区") + unit_orders("Big", 30, 20, county="大区")
    # two excluded orders make 11 dispatched, but only assessed orders count towards the sample
    rows += [order(f"X{i}", county="小区", is_valid=False) for i in range(2)]
    con = build_warehouse(tmp_path / "m.duckdb", rows)
    got = by_unit(fetch_ranking(con, "county", MARCH, Settings()))
    small = got["小区"]
    assert small["assessed_count"] == assessed and small["dispatched_count"] == assessed + 2
    assert small["is_ranked"] is ranked
    assert small["sample_flag"] == (None if ranked else INSUFFICIENT)
    assert small["rank"] == (2 if ranked else None)
    assert small["score"] == pytest.approx(100 * 5 / assessed, abs=1e-12)  # listed with its score either way
    con.close()


def test_renormalised_weights_when_a_rate_has_no_denominator(tmp_path: Path) -> None:
    rows = [
        order(
            f"N{i}",
            county="甲区",
            responded_at=T(2024, 3, 4, 11) if i < 6 else None,
            resolution="已解决" if i < 3 else ("未解决" if i < 8 else None),
        )
        for i in range(10)
    ]
    con = build_warehouse(tmp_path / "n.duckdb", rows)
    row = fetch_ranking(con, "county", MARCH, Settings()).row(0, named=True)
    assert row["response_rate"] == pytest.approx(0.6) and row["resolution_rate"] == pytest.approx(3 / 8)
    assert row["satisfaction_rate"] is None
    assert row["score"] == pytest.approx(100 * (0.2 * 0.6 + 0.4 * 3 / 8) / 0.6, abs=1e-12)
    assert row["score_missing_rates"] == "satisfaction_rate"
    con.close()


def test_rank_change(tmp_path: Path) -> None:
    feb = (
        unit_orders("A", 10, 9, month=2, day=5, county="甲区")
        + unit_orders("B", 10, 5, month=2, day=5, county="乙区")
        + unit_orders("D", 10, 1, month=2, day=5, county="丁区")
    )
    mar = (
        unit_orders("A", 10, 4, county="甲区")
        + unit_orders("B", 10, 8, county="乙区")
        + unit_orders("C", 10, 6, county="丙区")
        + unit_orders("D", 5, 5, county="丁区")
    )
    con = build_warehouse(tmp_path / "rc.duckdb", feb + mar)
    got = by_unit(fetch_ranking(con, "county", MARCH, Settings()))
    assert (got["乙区"]["rank"], got["乙区"]["previous_rank"], got["乙区"]["rank_change"]) == (1, 2, 1)
    assert (got["甲区"]["rank"], got["甲区"]["previous_rank"], got["甲区"]["rank_change"]) == (3, 1, -2)
    assert (got["丙区"]["rank"], got["丙区"]["previous_rank"], got["丙区"]["rank_change"]) == (2, None, None)
    assert (got["丁区"]["rank"], got["丁区"]["previous_rank"], got["丁区"]["rank_change"]) == (None, 3, None)
    con.close()


def test_quarter_is_sum_over_sum(tmp_path: Path) -> None:
    rows = unit_orders("J", 10, 10, month=1, county="甲区") + unit_orders("F", 30, 0, month=2, county="甲区")
    con = build_warehouse(tmp_path / "q.duckdb", rows)
    q1 = fetch_ranking(con, "county", Period.quarter(2024, 1), Settings()).row(0, named=True)
    assert q1["response_rate"] == 10 / 40  # not (1.0 + 0.0) / 2
    assert (q1["assessed_count"], q1["responded_on_time_count"]) == (40, 10)
    rng = fetch_ranking(con, "county", Period.parse("2024-01-01..2024-02-04"), Settings()).row(0, named=True)
    assert (rng["assessed_count"], rng["response_rate"]) == (40, 0.25)
    part = fetch_ranking(con, "county", Period.parse("2024-01-01..2024-02-03"), Settings()).row(0, named=True)
    assert (part["assessed_count"], part["response_rate"]) == (10, 1.0)
    con.close()


def test_township_ranked_within_county_and_empty_units_never_ranked(tmp_path: Path) -> None:
    rows = (
        unit_orders("a1", 10, 9, county="甲区", township="一街道")
        + unit_orders("a2", 10, 5, county="甲区", township="二街道")
        + unit_orders("b1", 10, 2, county="乙区", township="一街道")  # same name, another county
        + unit_orders("b3", 10, 8, county="乙区", township="三镇")
        + unit_orders("nt", 12, 12, county="乙区", township=None)
        + unit_orders("nc", 12, 12, county=None, township="四镇")
    )
    con = build_warehouse(tmp_path / "tw.duckdb", rows)
    df = fetch_ranking(con, "township", MARCH, Settings())
    got = {(r["county"], r["unit"]): (r["group_name"], r["rank"]) for r in df.iter_rows(named=True)}
    assert got == {
        ("甲区", "一街道"): ("甲区", 1),
        ("甲区", "二街道"): ("甲区", 2),
        ("乙区", "三镇"): ("乙区", 1),
        ("乙区", "一街道"): ("乙区", 2),
    }
    counties = {r["unit"] for r in fetch_ranking(con, "county", MARCH, Settings()).iter_rows(named=True)}
    assert counties == {"甲区", "乙区"}
    con.close()


def test_department_ranked_within_group(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("department,group\n住建局,市直部门\n城管局,市直部门\n供水公司,公共企业\n", encoding="utf-8")
    settings = Settings(units_file=units)
    rows = (
        unit_orders("z", 10, 6, department="住建局")
        + unit_orders("c", 10, 7, department="城管局")
        + unit_orders("g", 10, 3, department="供水公司")
        + unit_orders("x", 10, 9, department="新部门")
        + unit_orders("none", 10, 10, department=None)
    )
    con = build_warehouse(tmp_path / "d.duckdb", rows, settings)
    df = fetch_ranking(con, "department", MARCH, settings)
    got = {r["unit"]: (r["group_name"], r["rank"]) for r in df.iter_rows(named=True)}
    assert got == {
        "城管局": ("市直部门", 1),
        "住建局": ("市直部门", 2),
        "供水公司": ("公共企业", 1),
        "新部门": ("未分组", 1),
    }
    con.close()


def test_exclusions_and_direct_answers_stay_out_of_rates(tmp_path: Path) -> None:
    rows = unit_orders("a", 10, 10, county="甲区")
    rows += [order("inv", county="甲区", is_valid=False), order("ex", county="甲区", is_exempt=True)]
    rows += [order(f"dir{i}", county="甲区", dispatched_at=None) for i in range(3)]
    con = build_warehouse(tmp_path / "e.duckdb", rows)
    row = fetch_ranking(con, "county", MARCH, Settings()).row(0, named=True)
    assert (row["dispatched_count"], row["assessed_count"], row["excluded_count"]) == (12, 10, 2)
    assert (row["invalid_count"], row["exempt_count"]) == (1, 1)
    assert row["response_rate"] == 1.0  # the excluded orders were never responded to
    assert (row["received_count"], row["direct_answer_count"]) == (15, 3)
    city = fetch_totals(con, MARCH, Settings())
    assert (city["received_count"], city["direct_answer_count"], city["direct_answer_rate"]) == (15, 3, 0.2)
    con.close()


def _lists(df: Any) -> tuple[list[int], list[int]]:
    rows = list(df.iter_rows(named=True))
    return [r["rank"] for r in rows if r["is_red"]], [r["rank"] for r in rows if r["is_black"]]


def test_red_and_black_lists_take_only_units_clear_of_the_median(tmp_path: Path) -> None:
    """12 units of 200 orders, response 50 %…100 % (two at 100 %): only intervals wholly above / below the
    median are listed."""
    rows = []
    for i in range(12):
        rows += unit_orders(f"u{i}", 200, min(100 + 10 * i, 200), county=f"{i:02d}区")
    con = build_warehouse(tmp_path / "rb.duckdb", rows)
    no_targets = Settings(targets=Targets((), ()))
    df = fetch_ranking(con, "county", MARCH, no_targets)
    med = statistics.median(df["score"].to_list())
    red, black = _lists(df)
    assert red and black
    for r in df.iter_rows(named=True):
        assert not r["is_red"] or r["score_low"] > med, r  # the interval lies wholly above the median
        assert not r["is_black"] or r["score_high"] < med, r
    # a unit whose interval reaches the median is on neither list, however far up or down it ranks
    straddling = [r["rank"] for r in df.iter_rows(named=True) if r["score_low"] <= med <= r["score_high"]]
    assert straddling and not set(straddling) & set(red + black)
    assert len(red) <= 5 and len(black) <= 5
    # with the default targets (响应率 ≥ 95 %), red needs the target met: the two at 100 % and the one at 95 %
    red_t, black_t = _lists(fetch_ranking(con, "county", MARCH, Settings()))
    assert red_t == [1, 1, 3] and red_t != red and black_t == black
    # a unit that meets every target is never on the black list
    easy = Settings(targets=Targets((("response", 0.5),), ()))
    assert _lists(fetch_ranking(con, "county", MARCH, easy))[1] == []
    con.close()


def test_lists_leave_out_ties_at_the_edge_and_small_groups(tmp_path: Path) -> None:
    rows = []
    for i, ok in enumerate((200, 200, 200, 120, 120, 120, 60, 60, 60)):  # three ties of three
        rows += unit_orders(f"t{i}", 200, ok, county=f"{i}区")
    con = build_warehouse(tmp_path / "tie.duckdb", rows)
    no_targets = Settings(targets=Targets((), ()))
    assert _lists(fetch_ranking(con, "county", MARCH, no_targets)) == ([1, 1, 1], [7, 7, 7])
    # two places on each list cannot hold three equals: nobody is picked among them
    assert _lists(fetch_ranking(con, "county", MARCH, Settings(red_black_size=2, targets=Targets((), ())))) == ([], [])
    # a group of fewer ranked units than red_black_min_units gets no lists
    small = Settings(red_black_min_units=10, targets=Targets((), ()))
    assert _lists(fetch_ranking(con, "county", MARCH, small)) == ([], [])
    con.close()


def test_wilson_interval_and_indistinguishable(tmp_path: Path) -> None:
    lo, hi = wilson(5, 10)
    assert (lo, hi) == (pytest.approx(0.236593, abs=1e-6), pytest.approx(0.763407, abs=1e-6))
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0
    assert wilson(0, 0) == (None, None)
    rows = (
        unit_orders("big1", 2000, 1900, county="甲区")  # 95%, tight
        + unit_orders("big2", 2000, 1400, county="乙区")  # 70%, tight: far from both neighbours
        + unit_orders("s1", 10, 3, county="丙区")  # 30% of 10
        + unit_orders("s2", 10, 2, county="丁区")  # 20% of 10: overlaps 丙区
    )
    con = build_warehouse(tmp_path / "w.duckdb", rows)
    got = by_unit(fetch_ranking(con, "county", MARCH, Settings()))
    assert got["甲区"]["indistinguishable"] is False
    assert got["乙区"]["indistinguishable"] is False
    assert got["丙区"]["indistinguishable"] is True and got["丁区"]["indistinguishable"] is True
    assert got["丙区"]["score_low"] < got["丙区"]["score"] < got["丙区"]["score_high"]
    assert got["丙区"]["response_rate_low"] == pytest.approx(wilson(3, 10)[0])
    con.close()


def test_ranking_follows_direction_and_is_sorted(tmp_path: Path) -> None:
    rows = []
    for i in range(6):
        rows += unit_orders(f"u{i}", 10 + i, (7 * i) % 10 + 1, county=f"{i}区")
    con = build_warehouse(tmp_path / "dir.duckdb", rows)
    df = fetch_ranking(con, "county", MARCH, Settings())
    scores = df["score"].to_list()
    assert scores == sorted(scores, reverse=True)  # 综合得分 is higher-is-better
    assert df["rank"].to_list() == sorted(df["rank"].to_list())
    con.close()
