"""Issue 14 items 3–5 in the documents: the bulletin of a published month prints the published figures,
stamped 已定榜 and the date, and a corrected month says it was corrected, when and why; an unpublished month
is marked 未定榜; the evidence pack carries the record's state and the unit's published rank history."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest
from docx import Document

from etl.__main__ import main as etl_main
from reports.assemble import assemble_report
from reports.build import ReportFiles, draft_report, generate_report
from reports.evidence import build_evidence_pack
from tests.record_city import first_export, later_export
from warehouse.__main__ import main as wh
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.connection import connect_read
from warehouse.settings import DEFAULT_SETTINGS_PATH

REASON = "申诉通过：市卫生健康委员会 4 件工单考核豁免"


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """March published, then corrected after the later export; April published once."""
    root = tmp_path_factory.mktemp("documents")
    db = root / "wh" / "hotline.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOTLINE_KEY_FILE", str(root / "key"))
        mp.setenv("HOTLINE_SETTINGS", str(DEFAULT_SETTINGS_PATH))
        mp.delenv("HOTLINE_RECORD", raising=False)
        assert etl_main(["load", str(first_export(root / "exports")), "--db", str(db)]) == 0
        assert wh(["publish", "--month", "2024-03", "--db", str(db)]) == 0
        assert etl_main(["load", str(later_export(root / "exports")), "--db", str(db)]) == 0
        assert wh(["reopen", "--month", "2024-03", "--db", str(db), "--reason", REASON]) == 0
        assert wh(["publish", "--month", "2024-04", "--db", str(db)]) == 0
    return db


@pytest.fixture(scope="module")
def march(corrected: Path) -> ReportFiles:
    """The corrected month's report, every file rendered once for the tests that read it."""
    return generate_report(corrected, "2024-03")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_bulletin_of_a_corrected_month_says_so(march: ReportFiles, tmp_path: Path) -> None:
    files = march
    paths = files.write(tmp_path)
    text = subprocess.run(["pdftotext", str(paths["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    today = files.data.record["published_on"]
    assert f"已定榜{today:%Y-%m-%d}（{today:%Y-%m-%d}更正，第2版）" in flat
    assert "更正说明" in flat and "第2版" in flat and "".join(REASON.split()) in flat
    assert "区县云溪区名次：1→2" in flat and "市卫生健康委员会综合得分：24.00→27.69" in flat  # what it changed
    assert files.data.record["versions"][0]["version"] == 1 and files.data.record["versions"][1]["reason"] == REASON
    units = {r["unit"]: r for r in files.data.departments[0][1]}
    assert units["市卫生健康委员会"]["assessed_count"] == 26  # the v2 figures


def test_the_docx_of_a_corrected_month_says_so_as_the_pdf_does(corrected: Path, march: ReportFiles) -> None:
    """The bulletin's Word file follows the record like its PDF: the stamp, the correction, what it changed."""
    files = march
    paragraphs = [p.text for p in Document(io.BytesIO(files.docx)).paragraphs]
    day = files.data.record["published_on"]
    assert f"已定榜 {day:%Y-%m-%d}（{day:%Y-%m-%d} 更正，第 2 版）" in paragraphs
    correction = next(p for p in paragraphs if p.startswith("更正说明"))
    assert "第 2 版" in correction and REASON in correction
    changed = next(p for p in paragraphs if p.startswith("与上一版相比"))
    assert "区县云溪区 名次：1 → 2" in changed and "市卫生健康委员会 综合得分：24.00 → 27.69" in changed
    con = connect_read(corrected)
    try:  # May's Word file alone (its PDF is not read here)
        may = [p.text for p in Document(io.BytesIO(draft_report(con, "2024-05").render("docx"))).paragraphs]
    finally:
        con.close()
    assert "未定榜（考核结果尚未发布，以下数字可能随后续数据变化）" in may and not any("更正" in p for p in may)


def test_an_unpublished_month_is_marked_and_a_published_one_shows_its_figures(corrected: Path) -> None:
    con = connect_read(corrected)
    try:
        may = assemble_report(con, "2024-05")
        april = assemble_report(con, "2024-04")
    finally:
        con.close()
    assert may.record["stamp"] == "未定榜" and not may.record["published"]
    assert april.record["stamp"].startswith("已定榜") and april.record["version"] == 1
    assert april.as_of == "2024-05-28 18:00:00"  # the as-of time it was published with
    assert april.settings["min_sample"] == 10


def test_the_evidence_pack_carries_the_record_and_the_rank_history(corrected: Path) -> None:
    con = connect_read(corrected)
    try:
        pack = build_evidence_pack(
            con, Viewer("oversight", "o"), "department", "市卫生健康委员会", Period.month("2024-04")
        )
        live = build_evidence_pack(
            con, Viewer("oversight", "o"), "department", "市卫生健康委员会", Period.month("2024-05")
        )
    finally:
        con.close()
    sheets = pl.read_excel(io.BytesIO(pack), sheet_id=0, infer_schema_length=None)
    cover = dict(zip(sheets["封面"]["项目"], sheets["封面"]["内容"], strict=True))
    assert cover["定榜状态"].startswith("已定榜") and "工单清单和封面的数据截止时间为当前数据" in cover["定榜状态"]
    assert "定榜时数据截止 2024-05-28 18:00:00" in cover["定榜状态"]  # April's, published after the later load
    assert cover["2024 年定榜记录"] == "定榜 2 个月，上黑榜 2 个月（2024-03、2024-04），上红榜 0 个月"
    history = sheets["定榜排名历史"]
    assert history["月份"].to_list() == ["2024-03", "2024-04"] and history["定榜版本"].to_list() == [2, 1]
    assert set(sheets["月度趋势"]["数据"]) == {"定榜"}
    may = pl.read_excel(io.BytesIO(live), sheet_id=0, infer_schema_length=None)
    assert "未定榜" in dict(zip(may["封面"]["项目"], may["封面"]["内容"], strict=True))["定榜状态"]
    assert set(may["月度趋势"]["数据"]) == {"定榜", "实时（未定榜）"}  # March and April published, May not
