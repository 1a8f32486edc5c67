"""Issue 20 on the surfaces: the demo city's planted over-excluder is flagged and explained, its redo-heavy
unit shows a first satisfaction far below its final one, the rankings export carries every integrity
figure, and a real export without the optional fields shows "—" (never 0). Real warehouses built by the
real ETL: the session demo (seed 5, 4 × 600 orders) and a real public export (skipped without it)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.democity.integrity import OVER_EXCLUDER, REDO_UNIT
from etl.load import load_files
from labels import metric_label, t
from pages.components.integrity_view import COUNTS, RATES, integrity_columns, with_integrity
from pages.components.tables import ranking_table
from warehouse.calendar import Period
from warehouse.rankings import fetch_ranking

Q3 = Period.quarter(2026, 3)
BALTIMORE_PROFILE = Path(__file__).resolve().parents[2] / "etl" / "profiles" / "baltimore311.toml"
BALTIMORE_CSV = Path("baltimore311_sample_2014_2019") / "311_sample.csv"


def _row(ranking: pl.DataFrame, unit: str) -> dict:
    return ranking.filter(pl.col("unit") == unit).row(0, named=True)


def test_the_demo_flags_its_over_excluder_alone_and_says_why(demo_con) -> None:
    ranking = fetch_ranking(demo_con, "department", Q3)
    assert ranking.filter(pl.col("exclusion_flag"))["unit"].to_list() == [OVER_EXCLUDER]
    row = _row(ranking, OVER_EXCLUDER)
    assert row["exclusion_rate"] == row["excluded_count"] / row["exclusion_measurable_count"] > 0.2
    page = integrity_columns(ranking.filter(pl.col("unit") == OVER_EXCLUDER), "zh").row(0, named=True)
    flag = page[t("flag_over_exclusion", "zh")]
    assert flag.startswith("排除偏多（不计入考核率 ") and "本组中位数" in flag and "倍" in flag
    assert f"{100 * row['exclusion_rate']:.1f}%" in flag
    assert "排除偏多" in ranking_table(ranking, "zh").filter(pl.col("单位") == OVER_EXCLUDER)["标记"][0]


def test_the_demo_redo_unit_shows_a_poor_first_rating_behind_a_good_final_one(demo_con) -> None:
    row = _row(fetch_ranking(demo_con, "department", Q3), REDO_UNIT)
    first, final = row["first_satisfaction_rate"], row["final_satisfaction_rate"]
    assert first is not None and final is not None and final - first > 0.2
    page = integrity_columns(pl.DataFrame([row]), "zh").row(0, named=True)
    assert page["首次满意率"] == f"{100 * first:.1f}%" and page["最终满意率"] == f"{100 * final:.1f}%"


def test_the_rankings_export_carries_every_integrity_figure(demo_con) -> None:
    ranking = fetch_ranking(demo_con, "department", Q3)
    export = with_integrity(ranking_table(ranking, "zh", for_export=True), ranking, "zh", for_export=True)
    for key in COUNTS:
        assert export[metric_label(key, "zh")].to_list() == ranking[key].to_list()
    for key in RATES:
        got = export[metric_label(key, "zh") + "（%）"].to_list()
        assert got == [None if v is None else round(100 * v, 2) for v in ranking[key]]
    assert export["排除偏多"].str.len_chars().gt(0).sum() == 1


def test_a_real_export_without_the_fields_reads_not_available(external: Path, db: Path) -> None:
    import duckdb

    load_files([external / BALTIMORE_CSV], db=db, profile=BALTIMORE_PROFILE)
    con = duckdb.connect(str(db), read_only=True)
    try:
        ranking = fetch_ranking(con, "department", Period.year(2018))
    finally:
        con.close()
    assert ranking.height > 0
    page = integrity_columns(ranking, "zh")
    # Baltimore's SRStatus says invalid (duplicates): those figures are real; nothing else is there
    lacking = [k for k in (*COUNTS, *RATES) if k not in ("invalid_count", "exclusion_rate")]
    for key in lacking:
        assert set(page[metric_label(key, "zh")]) == {"—"}, key  # not available, never 0
    assert set(page["重办口径"]) == {"—"}  # no redo fields and no caller phone: not even the proxy
    assert "—" not in set(page["无效工单量"]) and ranking["invalid_count"].sum() > 0
    export = integrity_columns(ranking, "zh", for_export=True)
    assert export[metric_label("exempt_count", "zh")].null_count() == ranking.height


def test_the_bulletin_has_the_integrity_tables_and_names_the_redo_unit(demo_con) -> None:
    from reports.assemble import assemble_report
    from reports.document import document_blocks
    from reports.formatting import fmt_pct
    from reports.issued_tables import issued_tables
    from reports.issued_text import integrity_sentence
    from reports.narrative import build_narrative
    from reports.tables import build_tables

    report = assemble_report(demo_con, "2026-09")
    row = _row(fetch_ranking(demo_con, "department", Period.month("2026-09")), REDO_UNIT)
    tables = issued_tables(report)
    table = tables["integrity_department"]
    assert table.header[4:6] == ("首次满意率", "最终满意率")
    cells = next(r for r in table.rows if r[0].value == REDO_UNIT)
    assert (cells[4].value, cells[5].value) == (row["first_satisfaction_rate"], row["final_satisfaction_rate"])
    sentence = integrity_sentence(report)
    first, final = row["first_satisfaction_rate"], row["final_satisfaction_rate"]
    assert f"{REDO_UNIT}首次满意率 {fmt_pct(first)}，重办后最终满意率 {fmt_pct(final)}" in sentence
    blocks = document_blocks(report, build_narrative(report), {**build_tables(report), **tables})
    assert ("h2", "（六）考核完整性") in blocks and ("table", "integrity_department", None) in blocks
    import io

    from reports.tables import settings_table
    from reports.xlsx import write_workbook

    buf = io.BytesIO()
    write_workbook(buf, report, build_narrative(report), {**build_tables(report), **tables}, settings_table([]))
    sheet = pl.read_excel(io.BytesIO(buf.getvalue()), sheet_name="考核排名", has_header=False)
    cells = {str(v) for col in sheet.columns for v in sheet[col] if v is not None}
    assert any(c.endswith("考核完整性（承办单位）") for c in cells) and REDO_UNIT in cells


def test_the_evidence_pack_lists_exclusions_with_reason_and_approver_and_the_review_sample(demo_con) -> None:
    import io

    from etl.democity.integrity import REVIEWERS
    from reports.evidence import SHEETS, build_evidence_pack
    from warehouse.access import Viewer
    from warehouse.settings import load_settings

    oversight = Viewer("oversight", "test")
    row = _row(fetch_ranking(demo_con, "department", Q3), OVER_EXCLUDER)
    pack = build_evidence_pack(demo_con, oversight, "department", OVER_EXCLUDER, Q3)
    sheets = pl.read_excel(io.BytesIO(pack), sheet_id=0, infer_schema_length=None)
    excluded = sheets[SHEETS["exclusions"][0]]
    assert excluded.height == row["excluded_count"]
    assert set(excluded["不计入考核原因"]) <= {"无效", "豁免"}
    assert excluded["审核人"].drop_nulls().str.starts_with("审核人").all()  # pseudonyms, never the name
    assert not set(excluded["审核人"].drop_nulls()) & set(REVIEWERS)
    assert excluded["终止原因"].drop_nulls().len() + excluded["申诉理由"].drop_nulls().len() > 0
    review = sheets[SHEETS["review"][0]]
    size = load_settings().review_sample_size
    assert 0 < review.height <= 3 * size and review.group_by("月份").len()["len"].max() <= size
    assert set(review["答复分类"].drop_nulls()) <= {"实际解决", "解释说明", "转办或告知途径", "无法解决", "未能归类"}
    again = pl.read_excel(io.BytesIO(build_evidence_pack(demo_con, oversight, "department", OVER_EXCLUDER, Q3)),
                          sheet_name=SHEETS["review"][0])  # fmt: skip
    assert again["工单编号"].to_list() == review["工单编号"].to_list()  # seeded: the same draw


def test_the_review_checklist_from_the_command_line(demo_db: Path, capsys) -> None:
    import json

    from warehouse.__main__ import main
    from warehouse.settings import load_settings

    args = ["review-sample", "--month", "2026-09", "--db", str(demo_db), "--format", "json"]
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == rows  # seeded: the same orders every time
    per_unit = pl.DataFrame(rows).group_by("unit").len()
    assert per_unit["len"].max() <= load_settings().review_sample_size and per_unit.height > 10
    assert all(r["month"] == "2026-09" and r["closed_at"] and r["review_verdict"] is None for r in rows)
    assert main([*args[:-1], "table"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("质量抽查清单 2026-09") and "核查结论" not in table and "实际解决" in table
    assert "cli: review-sample department 2026-09" in (demo_db.parent / "audit.log").read_text(encoding="utf-8")
