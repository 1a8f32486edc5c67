"""The order-level queries of the hot-topics, unit-profile and data pages, on the demo warehouse built
by the real ETL: every figure equals an independent count over fct_work_orders (or the league
table), and nothing personal leaks into hot words or the quarantine view."""

from __future__ import annotations

import re

import polars as pl
import pytest

from bench.calls import ORDER_CALLS, QUERY_CALLS, busiest
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.drilldown import fetch_orders
from warehouse.hot_topics import (
    fetch_category_by_county,
    fetch_category_issues,
    fetch_category_risers,
    fetch_unit_issues,
)
from warehouse.hotwords import fetch_hot_words, name_parts
from warehouse.metrics import fetch_monthly
from warehouse.order_lists import ORDER_LISTS, fetch_order_list, fetch_order_lists
from warehouse.quality import fetch_quality_by_file, fetch_quality_by_month, fetch_quarantine_rows
from warehouse.rankings import fetch_ranking
from warehouse.unit_profile import fetch_unit_categories, fetch_unit_ranking_row, fetch_unit_trend

CITYWIDE = Viewer("oversight", "zhou")
ANALYST = Viewer("analyst", "ana")
PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(scope="module")
def con(demo_con):
    return demo_con


@pytest.fixture(scope="module")
def month(demo_month) -> Period:
    return demo_month


def _pairs(frame: pl.DataFrame, keys: list[str], value: str) -> dict:
    return {tuple(r[k] for k in keys): r[value] for r in frame.iter_rows(named=True)}


def test_category_by_county_equals_a_plain_count(con, month: Period) -> None:
    got = fetch_category_by_county(con, month, "category_l2")
    want = con.sql(
        """SELECT county, category_l2 AS category, count(*) AS n FROM fct_work_orders
           WHERE CAST(received_at AS DATE) BETWEEN ? AND ? GROUP BY ALL""",
        params=[month.start, month.end],
    ).pl()
    assert _pairs(got, ["county", "category"], "received_count") == _pairs(want, ["county", "category"], "n")
    with pytest.raises(ValueError):
        fetch_category_by_county(con, month, "content; DROP TABLE x")


def test_risers_compare_with_the_previous_period(con, month: Period) -> None:
    risers = fetch_category_risers(con, month, limit=100)
    assert not risers.is_empty()
    prev = month.previous()
    counts = con.sql(
        """SELECT category_l2,
                  count(*) FILTER (WHERE received_at::DATE BETWEEN $s AND $e) AS now,
                  count(*) FILTER (WHERE received_at::DATE BETWEEN $ps AND $pe) AS before
           FROM fct_work_orders WHERE category_l2 IS NOT NULL GROUP BY ALL""",
        params={"s": month.start, "e": month.end, "ps": prev.start, "pe": prev.end},
    ).pl()
    want = {r["category_l2"]: (r["now"], r["before"]) for r in counts.iter_rows(named=True) if r["now"] > r["before"]}
    got = {r["category_l2"]: (r["received_count"], r["previous_count"]) for r in risers.iter_rows(named=True)}
    assert got == want
    assert risers["change_count"].to_list() == sorted(risers["change_count"].to_list(), reverse=True)


def test_category_issues_count_returns_and_repeats(con, month: Period) -> None:
    county = busiest(con, "county")[0]
    got = fetch_category_issues(con, month, county=county, limit=1000)
    want = con.sql(
        """SELECT category_l2, count(*) FILTER (WHERE is_returned) AS r, count(*) FILTER (WHERE is_assessed AND is_repeat) AS p
           FROM fct_work_orders WHERE is_dispatched AND dispatched_at::DATE BETWEEN ? AND ? AND county = ?
           GROUP BY ALL HAVING r > 0 OR p > 0""",
        params=[month.start, month.end, county],
    ).pl()
    assert _pairs(got, ["category_l2"], "returned_count") == _pairs(want, ["category_l2"], "r")
    assert _pairs(got, ["category_l2"], "repeat_count") == _pairs(want, ["category_l2"], "p")
    assert got.filter(pl.col("repeat_rate") > 1).is_empty()


def test_unit_issues_are_the_league_tables_figures(con, month: Period) -> None:
    issues = fetch_unit_issues(con, "department", month)
    ranking = fetch_ranking(con, "department", month)
    for col in ("returned_count", "return_rate", "repeat_count", "repeat_rate"):
        assert _pairs(issues, ["unit"], col) == _pairs(ranking, ["unit"], col)
    group = ranking["group_name"][0]
    assert set(fetch_unit_issues(con, "department", month, group)["group_name"]) == {group}


@pytest.mark.parametrize("level", ["county", "department", "township"])
def test_order_lists_have_as_many_orders_as_the_figures_say(con, month: Period, level: str) -> None:
    unit, county = busiest(con, level)
    county = county if level == "township" else None
    row = fetch_unit_ranking_row(con, level, unit, month, county)
    assert row is not None and row["unit"] == unit
    for kind, metric in ORDER_LISTS.items():
        orders = fetch_order_list(con, CITYWIDE, kind, level, unit, month, county, limit=None)
        assert orders.height == row[metric], kind
        assert orders["order_id"].is_unique().all()
        assert not {"citizen_name", "citizen_phone", "content", "citizen_phone_hash"} & set(orders.columns)
    assert fetch_order_list(con, CITYWIDE, "bounced", level, unit, month, county, limit=2).height == min(
        2, row["returned_count"]
    )


@pytest.mark.parametrize("level", ["department", "township"])
def test_the_lists_of_one_scan_are_the_drilldowns_orders(con, month: Period, level: str) -> None:
    unit, county = busiest(con, level)
    county = county if level == "township" else None
    lists = fetch_order_lists(con, CITYWIDE, level, unit, month, county, limit=None)
    assert list(lists) == list(ORDER_LISTS)
    for kind, metric in ORDER_LISTS.items():
        drilled = fetch_orders(con, CITYWIDE, level, unit, month, metric, "numerator", county)
        assert sorted(lists[kind]["order_id"]) == sorted(drilled["order_id"]), kind
        newest_first = lists[kind].sort(["received_at", "order_id"], descending=[True, False])
        assert lists[kind]["order_id"].to_list() == newest_first["order_id"].to_list()
    capped = fetch_order_lists(con, CITYWIDE, level, unit, month, county, limit=3)
    assert all(capped[k].equals(lists[k].head(3)) for k in ORDER_LISTS)


def test_unit_categories_sum_to_the_units_figures(con, month: Period) -> None:
    unit, _ = busiest(con, "department")
    row = fetch_unit_ranking_row(con, "department", unit, month)
    cats = fetch_unit_categories(con, "department", unit, month, limit=10_000)
    for col in ("assessed_count", "dissatisfied_count", "overdue_open_count", "returned_count", "repeat_count"):
        assert cats[col].sum() == row[col], col
    assert cats["satisfaction_answered_count"].sum() == row["satisfaction_answered_count"]
    top = cats.filter(pl.col("satisfaction_rate").is_not_null()).row(0, named=True)
    (city,) = con.sql(
        """SELECT sum(satisfied_weight) FILTER (WHERE is_assessed) / count(*) FILTER (WHERE is_assessed AND is_satisfaction_answered)
           FROM fct_work_orders WHERE is_dispatched AND dispatched_at::DATE BETWEEN ? AND ? AND category_l2 = ?""",
        params=[month.start, month.end, top["category_l2"]],
    ).fetchall()[0]
    assert top["city_satisfaction_rate"] == pytest.approx(city)
    shortfall = top["satisfaction_answered_count"] * (top["city_satisfaction_rate"] - top["satisfaction_rate"])
    assert top["satisfaction_shortfall"] == pytest.approx(shortfall)
    gaps = cats["satisfaction_shortfall"].drop_nulls().to_list()
    assert gaps == sorted(gaps, reverse=True)


def test_unit_trend_is_the_stored_monthly_rows(con) -> None:
    unit, _ = busiest(con, "county")
    trend = fetch_unit_trend(con, "county", unit)
    own = trend.filter(pl.col("series") == "unit")
    stored = fetch_monthly(con, "county", unit=unit)
    assert own["month"].to_list() == stored["month"].to_list()
    assert own["score"].to_list() == stored["score"].to_list()
    city = trend.filter(pl.col("series") == "city")
    assert city["satisfaction_rate"].to_list() == fetch_monthly(con, "city")["satisfaction_rate"].to_list()


def test_quality_by_month_and_file_count_what_they_say(con) -> None:
    by_month = fetch_quality_by_month(con)
    want = con.sql(
        """SELECT date_trunc('month', received_at)::DATE AS month, count(*) AS n,
                  count(*) FILTER (WHERE dispatched_at IS NOT NULL AND closed_at IS NOT NULL
                                   AND satisfaction IS NULL) AS unevaluated
           FROM fct_work_orders GROUP BY ALL"""
    ).pl()
    assert _pairs(by_month, ["month"], "order_count") == _pairs(want, ["month"], "n")
    assert _pairs(by_month, ["month"], "unevaluated_count") == _pairs(want, ["month"], "unevaluated")
    for col in ("missing_county_rate", "missing_department_rate", "unevaluated_rate", "quick_close_rate"):
        assert by_month[col].drop_nulls().is_between(0, 1).all()
    by_file = fetch_quality_by_file(con)
    assert by_file["order_count"].sum() == con.sql("SELECT count(*) FROM fct_work_orders").fetchall()[0][0]
    quarantined = con.sql("SELECT source_file, count(*) AS n FROM raw_quarantine GROUP BY ALL").pl()
    assert {k: v for k, v in _pairs(by_file, ["source_file"], "quarantined_count").items() if v} == _pairs(
        quarantined, ["source_file"], "n"
    )


def test_quarantine_rows_are_masked(con) -> None:
    rows = fetch_quarantine_rows(con, ANALYST, limit=None)
    assert rows.height == con.sql("SELECT count(*) FROM raw_quarantine").fetchall()[0][0]
    raw = " ".join(r for (r,) in con.sql("SELECT raw_record FROM raw_quarantine").fetchall())
    assert PHONE.search(raw), "the demo quarantine should hold phone numbers to mask"
    masked = " ".join(rows["raw_record"].to_list())
    assert not PHONE.search(masked)
    names = {
        n
        for (n,) in con.sql(
            "SELECT DISTINCT citizen_name FROM raw_work_orders WHERE citizen_name IS NOT NULL"
        ).fetchall()
    }
    assert not any(f'"{name}"' in masked for name in names)
    reason = rows["reason_code"][0]
    one = fetch_quarantine_rows(con, ANALYST, source_file=rows["source_file"][0], reason_code=reason, limit=5)
    assert one.height <= 5 and set(one["reason_code"]) == {reason}


def test_hot_words_carry_no_personal_data(con, month: Period) -> None:
    words = fetch_hot_words(con, CITYWIDE, month, sample=2000)
    assert 0 < words.sampled <= 2000 and words.total >= words.sampled
    assert not words.words.is_empty()
    assert words.words["order_count"].max() <= words.sampled and words.words["order_count"].min() >= 3
    listed = set(words.words["word"])
    assert not any(re.search(r"\d", w) for w in listed)
    names = [
        n
        for (n,) in con.sql(
            "SELECT DISTINCT citizen_name FROM raw_work_orders WHERE citizen_name IS NOT NULL"
        ).fetchall()
    ]
    assert not listed & name_parts(names)
    assert fetch_hot_words(con, CITYWIDE, month, sample=2000).words.equals(words.words)  # a deterministic sample
    county = busiest(con, "county")[0]
    assert fetch_hot_words(con, CITYWIDE, month, county=county, sample=2000).total < words.total


def test_every_bench_call_runs(con) -> None:
    names = [name for name, _ in QUERY_CALLS + ORDER_CALLS]
    assert len(names) == len(set(names))
    for name, call in QUERY_CALLS + ORDER_CALLS:
        assert call(con) is not None, name
