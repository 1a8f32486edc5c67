"""The evidence pack for a hearing: the sheets are there, its figures are the league table's, it holds
no personal data, and a formula planted in an export cannot run when the file is opened."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.load import load_files
from reports.evidence import SHEETS, build_evidence_pack
from tests.conftest import HEADER, order_row, write_csv
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.order_lists import ORDER_LISTS
from warehouse.rankings import fetch_ranking, fetch_totals

RATE_KEYS = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "return_rate", "repeat_rate")

OVERSIGHT = Viewer("oversight", "test")


def _sheets(pack: bytes) -> dict[str, pl.DataFrame]:
    return pl.read_excel(io.BytesIO(pack), sheet_id=0, infer_schema_length=None)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cells(sheets: dict[str, pl.DataFrame]) -> set[str]:
    cells = set()
    for frame in sheets.values():
        cells |= set(frame.columns)
        for col in frame.columns:
            cells |= {str(v) for v in frame[col].to_list() if v is not None}
    return cells


@pytest.fixture(scope="module")
def con(demo_con):
    return demo_con


@pytest.fixture(scope="module")
def case(con, demo_month: Period):
    """The busiest department in the month the pages open on, its pack and its league-table row."""
    period = demo_month
    ranking = fetch_ranking(con, "department", period)
    row = ranking.sort("dispatched_count", descending=True).row(0, named=True)
    return period, row, _sheets(build_evidence_pack(con, OVERSIGHT, "department", row["unit"], period))


def test_every_sheet_is_there(case) -> None:
    _, _, sheets = case
    assert list(sheets) == [name for name, _ in SHEETS.values()]
    cover = dict(zip(sheets["封面"]["项目"], sheets["封面"]["内容"], strict=True))
    assert cover["单位"] and cover["设置指纹"] and cover["数据截止时间"] != "—"
    assert "演示数据" in cover["数据性质"]


def test_the_rates_are_the_league_tables(con, case) -> None:
    period, row, sheets = case
    rates = {r["指标代码"]: r for r in sheets["指标"].iter_rows(named=True)}
    city = fetch_totals(con, period)
    for key in (*RATE_KEYS, "score"):
        assert rates[key]["本单位"] == pytest.approx(row[key], abs=1e-12), key
        assert rates[key]["95%区间下限"] == pytest.approx(row[f"{key}_low"], abs=1e-12), key
        assert rates[key]["全市"] == pytest.approx(city[key], abs=1e-12), key
    assert rates["satisfaction_rate"]["分母"] == row["satisfaction_answered_count"]
    assert rates["return_rate"]["分子"] == row["returned_count"]
    cover = dict(zip(sheets["封面"]["项目"], sheets["封面"]["内容"], strict=True))
    assert cover["排名"].startswith(f"第 {row['rank']} 名") if row["rank"] else "未排名" in cover["排名"]


def test_the_order_lists_are_complete(case) -> None:
    _, row, sheets = case
    for kind, metric in ORDER_LISTS.items():
        frame = sheets[SHEETS[kind][0]]
        assert frame.height == row[metric], kind
        if frame.height:
            assert frame["工单编号"].is_unique().all()


def test_no_personal_data_in_any_cell(con, case) -> None:
    _, _, sheets = case
    cells = _cells(sheets)
    text = "\n".join(cells)
    people = con.sql(
        "SELECT DISTINCT citizen_name, citizen_phone FROM raw_work_orders WHERE citizen_name IS NOT NULL"
    ).fetchall()
    assert not {name for name, _ in people} & cells
    assert not any(phone and phone in text for _, phone in people)
    contents = [c for (c,) in con.sql("SELECT content FROM raw_work_orders USING SAMPLE 200 ROWS").fetchall()]
    assert not any(c and c in text for c in contents)


def test_a_planted_formula_is_neutralised(db: Path, tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "问题分类"] + ["一级分类", "二级分类", "三级分类"]
    evil = '=HYPERLINK("http://evil.example","点我")'
    cells = {"一级分类": evil, "二级分类": "@SUM(1+1)", "三级分类": "-2+3", "满意度": "不满意", "承办单位": "+市某局"}
    rows = [order_row(f"E{i:03d}", **cells) for i in range(12)]
    load_files([write_csv(tmp_path / "evil.csv", rows, header=header)], db=db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        pack = build_evidence_pack(con, OVERSIGHT, "department", "+市某局", Period.month("2024-03"))
    finally:
        con.close()
    sheets = _sheets(pack)
    cells_seen = _cells(sheets)
    assert f"'{evil}" in cells_seen and "'@SUM(1+1)" in cells_seen and "'-2+3" in cells_seen
    assert "'+市某局" in cells_seen
    # a negative number (a rate's gap to its target) is a number cell, not formula text
    assert not [c for c in cells_seen if c.startswith(("=", "+", "-", "@")) and not _is_number(c)]
    assert sheets["不满意工单"].height == 12
    assert "王五" not in cells_seen and not any("13912345678" in c for c in cells_seen)


def test_a_unit_without_orders_is_refused_clearly(con) -> None:
    with pytest.raises(ValueError, match="没有派给"):
        build_evidence_pack(con, OVERSIGHT, "department", "不存在的单位", Period.month("2020-01"))
