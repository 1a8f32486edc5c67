"""Targets and 同比 (issue 15, items 2 and 3) on the hand-worked warehouse of tests/year_city.py: the marks
are exact and move when a target changes, on the league table, the totals, the CLI and the bulletin; the
same period a year earlier is compared like for like, and only where the data reaches back."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from tests.year_city import JIA, YI, build_year_city
from warehouse.calendar import Period
from warehouse.maturity import comparison_cutoff
from warehouse.rankings import fetch_ranking, fetch_totals_with_previous
from warehouse.settings import load_settings, parse_settings
from warehouse.targets import target_marks

MARCH = Period.month("2024-03")


@pytest.fixture(scope="module")
def city_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_year_city(tmp_path_factory.mktemp("year"))


@pytest.fixture(scope="module")
def con(city_db: Path):
    con = duckdb.connect(str(city_db), read_only=True)
    yield con
    con.close()


def test_a_target_is_met_exactly_at_its_value_and_a_missing_rate_neither_meets_nor_misses() -> None:
    targets = {"satisfaction_rate": 0.9, "response_rate": 0.95}
    at = target_marks({"satisfaction_rate": Fraction(9, 10), "response_rate": None}, targets)
    assert at["satisfaction_rate_meets_target"] is True and at["satisfaction_rate_target_gap"] == 0.0
    assert at["response_rate_meets_target"] is None and at["response_rate_target_gap"] is None
    assert at["below_target"] is None and at["resolution_rate_target"] is None
    below = target_marks({"satisfaction_rate": Fraction(8999, 10000)}, targets)
    assert below["satisfaction_rate_meets_target"] is False and below["below_target"] == "satisfaction_rate"
    assert below["satisfaction_rate_target_gap"] == pytest.approx(-0.0001, abs=1e-15)
    assert below["satisfaction_rate_target_ratio"] == float(Fraction(8999, 9000))


def _marks(frame) -> dict[str, tuple]:
    return {r["unit"]: (r["satisfaction_rate_meets_target"], r["below_target"]) for r in frame.iter_rows(named=True)}


def test_changing_a_target_moves_the_marks(con) -> None:
    default = load_settings()  # 满意率 ≥ 90 %
    assert _marks(fetch_ranking(con, "county", MARCH, default)) == {YI: (True, None), JIA: (False, "satisfaction_rate")}
    city = fetch_totals_with_previous(con, MARCH, default)[0]
    assert (
        city["satisfaction_rate_target_gap"] == pytest.approx(-0.1, abs=1e-15)
        and city["below_target"] == "satisfaction_rate"
    )
    lowered = parse_settings({"targets": {"response": 0.95, "on_time": 0.95, "satisfaction": 0.5}})
    assert _marks(fetch_ranking(con, "county", MARCH, lowered)) == {YI: (True, None), JIA: (True, None)}
    assert fetch_totals_with_previous(con, MARCH, lowered)[0]["below_target"] is None
    none = parse_settings({"targets": {}})
    assert _marks(fetch_ranking(con, "county", MARCH, none)) == {YI: (None, None), JIA: (None, None)}


def test_a_group_may_have_its_own_target(demo_con, demo_month) -> None:
    settings = parse_settings({"targets": {"satisfaction": 0.9, "公共企业": {"satisfaction": 0.5}}})
    ranking = fetch_ranking(demo_con, "department", demo_month, settings)
    for row in ranking.iter_rows(named=True):
        assert row["satisfaction_rate_target"] == (0.5 if row["group_name"] == "公共企业" else 0.9)
        if row["satisfaction_rate"] is not None:
            assert row["satisfaction_rate_meets_target"] == (
                row["satisfaction_rate"] >= row["satisfaction_rate_target"]
            )


def test_year_on_year_against_the_same_month_a_year_earlier(con) -> None:
    _, before, previous = fetch_totals_with_previous(con, MARCH)
    _, year_ago, yoy = fetch_totals_with_previous(con, MARCH, basis="year_ago")
    assert (previous["base"], yoy["base"]) == ("2024-02", "2023-03") and yoy["reaches"] and yoy["has_previous"]
    assert (
        str(previous["changes"]["satisfaction_rate"]) == "-10.0" and str(yoy["changes"]["satisfaction_rate"]) == "10.0"
    )
    assert year_ago["satisfaction_rate"] == 0.7 and before["satisfaction_rate"] == 0.9
    ranks = {r["unit"]: (r["rank"], r["previous_rank"], r["rank_change"], r["compared_with"])
             for r in fetch_ranking(con, "county", MARCH, basis="year_ago").iter_rows(named=True)}  # fmt: skip
    assert ranks == {YI: (1, 2, 1, "2023-03"), JIA: (2, 1, -1, "2023-03")}
    monthly = {r["unit"]: r["rank_change"] for r in fetch_ranking(con, "county", MARCH).iter_rows(named=True)}
    assert monthly == {YI: 0, JIA: 0}


def test_no_year_on_year_before_the_data_begins(con) -> None:
    february = Period.month("2024-02")  # a year earlier is 2023-02: nothing loaded reaches back that far
    _, _, yoy = fetch_totals_with_previous(con, february, basis="year_ago")
    assert yoy["reaches"] is False and yoy["has_previous"] is False
    assert all(v is None for v in yoy["changes"].values()) and all(v is None for v in yoy["growth"].values())
    ranking = fetch_ranking(con, "county", february, basis="year_ago")
    assert ranking["rank_change"].is_null().all() and set(ranking["compared_with"]) == {"2023-02"}


def test_a_young_period_is_compared_with_last_year_at_the_same_age() -> None:
    settings = load_settings()
    as_of = dt.datetime(2024, 3, 20, 12, 0)  # March still running: each base is cut at its own end
    assert comparison_cutoff(MARCH, as_of, settings, MARCH.year_ago()) == dt.datetime(2023, 4, 1)
    assert comparison_cutoff(MARCH, dt.datetime(2024, 4, 5), settings, MARCH.year_ago()) == dt.datetime(2023, 4, 5)
    assert comparison_cutoff(MARCH, dt.datetime(2024, 6, 1), settings, MARCH.year_ago()) is None  # mature


@pytest.mark.parametrize(
    ("period", "year_ago"),
    [("2024-03", "2023-03"), ("2024-Q1", "2023-Q1"), ("2024", "2023"),
     ("2024-02-10..2024-02-29", "2023-02-10..2023-02-28")],
)  # fmt: skip
def test_the_same_period_a_year_earlier(period: str, year_ago: str) -> None:
    assert Period.parse(period).year_ago().label == year_ago


def test_the_cli_compares_year_on_year_and_exports_the_targets(
    city_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from warehouse.__main__ import main

    assert main(["rankings", "--level", "county", "--month", "2024-03", "--compare", "year_ago", "--db", str(city_db),
                 "--format", "json"]) == 0  # fmt: skip
    rows = {r["unit"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[YI]["rank_change"] == 1 and rows[JIA]["compared_with"] == "2023-03"
    assert rows[JIA]["satisfaction_rate_meets_target"] is False and rows[JIA]["below_target"] == "satisfaction_rate"
    assert rows[JIA]["satisfaction_rate_target_gap"] == pytest.approx(-0.3, abs=1e-12)
    assert main(["rankings", "--level", "county", "--month", "2024-03", "--db", str(city_db)]) == 0
    assert "满意率 -30.0" in capsys.readouterr().out


def test_the_bulletin_shows_year_on_year_and_the_targets(con) -> None:
    from reports.assemble import assemble_report
    from reports.narrative import build_narrative
    from reports.tables import build_tables

    data = assemble_report(con, "2024-03")
    overview = build_tables(data)["overview"]
    assert overview.header == ("指标", "本月", "上月", "环比", "去年同月", "同比", "目标")
    sat = next(row for row in overview.rows if row[0].value.startswith("满意率"))
    assert [c.value for c in sat[1:]] == [0.8, 0.9, "−10.0 个百分点", 0.7, "+10.0 个百分点", "≥90.0%，差 10.0 个百分点"]
    counties = build_tables(data)["counties"]
    jia = next(row for row in counties.rows if row[1].value == JIA)
    assert jia[8].mark == "▼"
    below = build_tables(data)["counties_below"]
    assert [(row[0].value, row[1].value) for row in below.rows] == [(JIA, "满意率 −30.0")]
    text = " ".join(build_narrative(data)["overview"])
    assert "满意率低于目标（90.0%）10.0 个百分点" in text and "与去年同月（2023-03）相比" in text
    assert "满意率比去年同月提高 10.0 个百分点" in text


def test_the_rankings_export_carries_the_targets(con) -> None:
    """What the rankings page's CSV/XLSX buttons write: per rate the target, met or not, the gap."""
    from pages.components.tables import ranking_table

    export = ranking_table(fetch_ranking(con, "county", MARCH), "zh", for_export=True)
    rows = {r["单位"]: r for r in export.iter_rows(named=True)}
    assert rows[JIA]["满意率目标（%）"] == 90.0 and rows[JIA]["满意率达标"] == "否"
    assert rows[JIA]["满意率与目标差（个百分点）"] == -30.0 and rows[YI]["满意率达标"] == "是"
    assert rows[JIA]["目标"] == "未达标：满意率 -30.0 个百分点" and "解决率目标（%）" not in export.columns  # none set
