"""Case mix (issue 16, item 3): observed vs expected satisfaction by indirect standardisation, on a
hand-computed warehouse built by the real ETL.

Two kinds of case in March 2024: 投诉 about 拆迁补偿 (hard) and 咨询 about 路灯不亮 (easy).
- 甲局 takes 100 hard cases, 50 satisfied (10 of them 基本满意, weight 1 by default);   乙局 takes 100 easy cases, 90 satisfied;
- 丙局 takes 100 hard (20 satisfied) and 100 easy (90 satisfied).
City cell rates: hard 70/200 = 35 %, easy 180/200 = 90 %; the city's expected = observed (no shift).
Official rates: 甲 50 %, 乙 90 %, 丙 55 % — 甲 looks worst. Expected: 甲 35 %, 乙 90 %, 丙 62.5 %; O/E: 甲
1.43 (its hard cases go better than the city's), 乙 1.00, 丙 0.88 (worse than the city with the same mix).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from etl.load import load_files
from tests.conftest import order_row, write_csv
from warehouse.calendar import Period
from warehouse.casemix import fetch_casemix, fetch_unit_casemix_cells
from warehouse.rankings import fetch_ranking
from warehouse.settings import load_settings

HARD = {"问题分类": "城乡建设->房屋征收->拆迁补偿", "诉求类型": "投诉"}
EASY = {"问题分类": "城市管理->市政设施->路灯不亮", "诉求类型": "咨询"}
MARCH = Period.month("2024-03")


def _orders(prefix: str, unit: str, kind: dict, satisfied: int, basic: int = 0) -> list[dict[str, str]]:
    """100 orders, the first ``satisfied`` satisfied (of them the first ``basic`` 基本满意)."""
    answer = lambda i: "基本满意" if i < basic else ("满意" if i < satisfied else "不满意")  # noqa: E731
    return [order_row(f"{prefix}{i:03d}", 承办单位=unit, 满意度=answer(i), **kind) for i in range(100)]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    import duckdb

    root = tmp_path_factory.mktemp("casemix")
    rows = _orders("A", "甲局", HARD, 50, basic=10) + _orders("B", "乙局", EASY, 90)
    rows += _orders("C", "丙局", HARD, 20) + _orders("D", "丙局", EASY, 90)
    db = root / "wh" / "hotline.duckdb"
    load_files([write_csv(root / "orders.csv", rows)], db=db)
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_expected_satisfaction_by_indirect_standardisation(con) -> None:
    mix = {r["department"]: r for r in fetch_casemix(con, "department", MARCH).iter_rows(named=True)}
    assert mix["甲局"]["satisfaction_rate"] == pytest.approx(0.5)
    assert mix["甲局"]["expected_satisfaction_rate"] == pytest.approx(0.35)
    assert mix["甲局"]["satisfaction_oe"] == pytest.approx(0.5 / 0.35)
    assert mix["乙局"]["expected_satisfaction_rate"] == pytest.approx(0.9) and mix["乙局"][
        "satisfaction_oe"
    ] == pytest.approx(1)
    assert mix["丙局"]["expected_satisfaction_rate"] == pytest.approx(0.625)
    assert mix["丙局"]["satisfaction_oe"] == pytest.approx(0.55 / 0.625)
    assert [mix[u]["casemix_verdict"] for u in ("甲局", "乙局", "丙局")] == ["above", "as_expected", "below"]
    lo, hi = mix["丙局"]["satisfaction_oe_low"], mix["丙局"]["satisfaction_oe_high"]
    assert lo < mix["丙局"]["satisfaction_oe"] < hi < 1


def test_the_observed_rate_is_the_official_one_and_the_city_is_its_own_expectation(con) -> None:
    official = {
        r["unit"]: r["satisfaction_rate"] for r in fetch_ranking(con, "department", MARCH).iter_rows(named=True)
    }
    mix = fetch_casemix(con, "department", MARCH)
    assert dict(zip(mix["department"], mix["satisfaction_rate"], strict=True)) == official
    city = fetch_casemix(con, "city", MARCH).row(0, named=True)
    assert city["satisfaction_oe"] == pytest.approx(1.0)


def test_the_weight_in_force_applies_to_both(con) -> None:
    """甲局's 50 satisfied answers include 10 基本满意: with their weight at 0 its official rate is 40 % and
    the city's hard cell 60/200 = 30 %, in the league table and in the expectation alike."""
    settings = replace(load_settings(), basic_satisfaction_weight=0.0)
    mix = {r["department"]: r for r in fetch_casemix(con, "department", MARCH, settings).iter_rows(named=True)}
    table = fetch_ranking(con, "department", MARCH, settings)
    assert (
        mix["甲局"]["satisfaction_rate"]
        == pytest.approx(0.4)
        == table.filter(table["unit"] == "甲局")["satisfaction_rate"][0]
    )
    assert mix["甲局"]["expected_satisfaction_rate"] == pytest.approx(0.3)
    assert mix["丙局"]["expected_satisfaction_rate"] == pytest.approx((0.3 + 0.9) / 2)


def test_the_cells_show_where_the_gap_is(con) -> None:
    cells = fetch_unit_casemix_cells(con, "department", "丙局", MARCH)
    worst = cells.row(0, named=True)
    assert (worst["category_l2"], worst["appeal_type"]) == ("房屋征收", "投诉")
    assert worst["expected_satisfied"] == pytest.approx(35) and worst["satisfied_answers"] == pytest.approx(20)
    assert worst["satisfaction_gap"] == pytest.approx(-15)


def test_without_satisfaction_in_the_export_nothing_is_claimed(tmp_path: Path, db: Path) -> None:
    import duckdb

    from tests.conftest import HEADER

    header = [h for h in HEADER if h != "满意度"]
    load_files([write_csv(tmp_path / "o.csv", _orders("X", "甲局", HARD, 50), header=header)], db=db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = fetch_casemix(con, "department", MARCH).row(0, named=True)
    finally:
        con.close()
    assert row["satisfaction_rate"] is None and row["satisfaction_oe"] is None and row["casemix_verdict"] is None


def test_the_cli_prints_it_beside_the_official_rate(con, capsys) -> None:
    from warehouse.__main__ import main

    (db,) = con.sql("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0]
    assert (
        main(["rankings", "--level", "department", "--month", "2024-03", "--db", db, "--case-mix", "--format", "csv"])
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    head = lines[0].split(",")
    assert head[-5:] == ["expected_satisfaction_rate", "satisfaction_oe", "satisfaction_oe_low", "satisfaction_oe_high",
                         "casemix_verdict"]  # fmt: skip
    rows = {r.split(",")[head.index("unit")]: r.split(",") for r in lines[1:]}
    assert rows["丙局"][head.index("casemix_verdict")] == "below"
    assert float(rows["丙局"][head.index("satisfaction_rate")]) == pytest.approx(0.55)
    assert main(["rankings", "--level", "department", "--month", "2024-03", "--db", db, "--case-mix"]) == 0
    out = capsys.readouterr().out
    assert "满意率的案件结构对比" in out and "低于预期" in out and "高于预期" in out


def test_the_evidence_pack_carries_the_comparison(con) -> None:
    import io

    import polars as pl

    from reports.evidence import build_evidence_pack
    from warehouse.access import Viewer

    pack = build_evidence_pack(con, Viewer("oversight", "zhou"), "department", "丙局", MARCH)
    sheets = pl.read_excel(io.BytesIO(pack), sheet_id=0)
    cells = sheets["满意率与案件结构"]
    assert cells.height == 2 and {"二级分类", "诉求类型", "按全市同类预期满意（件）", "较预期（件）"} <= set(
        cells.columns
    )
    cover = dict(zip(sheets["封面"]["项目"], sheets["封面"]["内容"], strict=True))
    assert "实际满意率 55.0%" in cover["满意率与案件结构"] and "低于预期" in cover["满意率与案件结构"]


def test_a_longer_reference_is_moved_to_the_months_level_and_stays_a_rate(tmp_path: Path, db: Path) -> None:
    """February's easy cases went badly (50 of 100): the reference rates are lower than March's; shifted on
    the log-odds scale the city's March observed/expected is 1, and no expected rate passes 100 %."""
    import duckdb

    feb = [dict(r, 受理时间="2024-02-05 09:00:00", 派单时间="2024-02-05 10:00:00", 签收时间="2024-02-05 11:00:00",
                首次联系时间="2024-02-05 12:00:00", 办结时间="2024-02-07 16:00:00", 回访时间="2024-02-08 10:00:00")
           for r in _orders("F", "乙局", EASY, 50)]  # fmt: skip
    rows = feb + _orders("A", "甲局", HARD, 50) + _orders("B", "乙局", EASY, 100) + _orders("C", "丙局", EASY, 98)
    load_files([write_csv(tmp_path / "o.csv", rows)], db=db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        mix = fetch_casemix(con, "department", MARCH)
        city = fetch_casemix(con, "city", MARCH).row(0, named=True)
    finally:
        con.close()
    assert city["satisfaction_oe"] == pytest.approx(1.0, abs=1e-9)
    assert mix["expected_satisfaction_rate"].max() <= 1.0
    easy = mix.filter(mix["department"] == "乙局").row(0, named=True)
    assert easy["satisfaction_rate"] == 1.0 and easy["casemix_verdict"] != "below"
