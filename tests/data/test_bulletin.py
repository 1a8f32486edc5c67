"""The bulletin as issued (issue 16, item 5) on the demo warehouse built by the real ETL: 文号 and sign-off,
the township ranking, typical cases an admin marked, the office's 存在问题 / 工作要求, last month's 黑榜
followed up; the DOCX prints every number the warehouse has (and the same as the PDF), and no file
carries personal data. Generated once per module, after marking two cases and writing the two texts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from docx import Document

from etl.democity import places as demo_places
from reports.build import generate_report
from reports.document import document_blocks
from reports.narrative import build_narrative
from reports.tables import build_tables, cell_text
from warehouse.access import Viewer
from warehouse.alerts import fetch_alerts
from warehouse.bulletin_notes import mark_case, save_text
from warehouse.calendar import Period, nth_workday_after
from warehouse.casemix import fetch_casemix
from warehouse.cluster_views import fetch_clusters
from warehouse.rankings import fetch_ranking, fetch_totals_with_previous

MONTH = "2026-10"
PERIOD = Period.month(MONTH)
ADMIN = Viewer("admin", "wang")
ISSUES = "部分承办单位超期未办结工单较多，群众反映强烈。"
REQUIREMENTS = "各承办单位要在5个工作日内完成超期工单清理。"


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{(Decimal(repr(rate)) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def score(value: float | None) -> str:
    return "—" if value is None else str(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


@pytest.fixture(scope="module")
def issued(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("bulletin")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOTLINE_BULLETIN_NOTES", str(root / "notes.json"))
        mp.setenv("HOTLINE_AUDIT", str(root / "audit.log"))
        con = duckdb.connect(str(demo_db), read_only=True)
        try:
            cases = con.sql(
                """SELECT order_id, department FROM fct_work_orders
                   WHERE dispatched_date BETWEEN $s AND $e AND township IS NOT NULL
                   ORDER BY is_closed DESC, satisfaction NULLS LAST, order_id LIMIT 2""",
                params={"s": PERIOD.start, "e": PERIOD.end},
            ).fetchall()
            for order_id, department in cases:
                mark_case(con, ADMIN, MONTH, order_id, "department", department)
            save_text(con, ADMIN, MONTH, "issues", ISSUES)
            save_text(con, ADMIN, MONTH, "requirements", REQUIREMENTS)
            files = generate_report(demo_db, MONTH)
            expected = _expected(con)
            raw = con.sql("SELECT citizen_name, citizen_phone, content FROM raw_work_orders").fetchall()
        finally:
            con.close()
    paths = files.write(root / "out")
    doc = Document(io.BytesIO(files.docx))
    pdf_text = subprocess.run(["pdftotext", "-layout", str(paths["pdf"]), "-"], capture_output=True, text=True).stdout
    return {"files": files, "paths": paths, "doc": doc, "cases": cases, "raw": raw, "pdf_text": pdf_text,
            "paragraphs": [p.text for p in doc.paragraphs], **expected}  # fmt: skip


def _expected(con: duckdb.DuckDBPyConnection) -> dict:
    """The warehouse's own figures, fetched here, not through the report."""
    prev = PERIOD.previous()
    return {
        "totals": fetch_totals_with_previous(con, PERIOD),
        "rank": {lvl: fetch_ranking(con, lvl, PERIOD).to_dicts() for lvl in ("county", "department", "township")},
        "previous_black": fetch_ranking(con, "county", prev).filter("is_black").to_dicts()
        + fetch_ranking(con, "department", prev).filter("is_black").to_dicts(),
        "problems": fetch_clusters(con, Viewer("public"), PERIOD).frame.to_dicts(),
        "alerts": fetch_alerts(con, PERIOD.start, PERIOD.end).alerts.to_dicts(),
        "casemix": {lvl: fetch_casemix(con, lvl, PERIOD).to_dicts() for lvl in ("county", "department")},
    }


def _docx_tables(doc) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def _rows_with(tables: list[list[list[str]]], *cells: str) -> list[list[str]]:
    """Rows holding every value, each as a whole cell (a footnote mark * † ‡ ▼ after it allowed)."""
    return [row for t in tables for row in t if all(any(x.rstrip("*†‡▼ ") == c for x in row) for c in cells)]


def test_the_docx_carries_what_an_issued_bulletin_carries(issued: dict) -> None:
    header, text = issued["files"].data.header, "\n".join(issued["paragraphs"])
    assert header.doc_number == "云热线通〔2026〕10号" and header.doc_number in text
    assert header.office in text and "2026年10月运行情况通报" in text
    day = nth_workday_after(PERIOD.end, 5)
    assert header.issue_date == day and f"{day.year}年{day.month}月{day.day}日" in text
    for title in ("一、总体情况", "（四）乡镇街道排名", "五、上月黑榜单位整改情况", "六、典型案例", "七、存在问题",
                  "八、工作要求", "（一）反复出现的问题", "（二）受理量异常升高的预警", "（五）满意率与案件结构"):  # fmt: skip
        assert title in issued["paragraphs"], title
    assert ISSUES in text and REQUIREMENTS in text
    cases = [p for p in issued["paragraphs"] if re.match(r"^\d\. \d{1,2}月\d{1,2}日，", p)]
    assert len(cases) == 2 and all("派至" in c and "群众" in c for c in cases)


def test_every_ranking_row_is_the_warehouses(issued: dict) -> None:
    tables = _docx_tables(issued["doc"])
    for level in ("county", "department", "township"):
        rows = issued["rank"][level]
        assert any(r["rank"] is not None for r in rows)
        for r in rows:
            if r["rank"] is None:
                continue
            rates = [pct(r[k]) for k in ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")]
            hits = _rows_with(tables, str(r["rank"]), r["unit"], f"{r['dispatched_count']:,}", score(r["score"]))
            assert hits, (level, r["unit"])
            assert any(all(any(x.rstrip("*†‡▼ ") == rate for x in row) for rate in rates) for row in hits), r["unit"]


def test_the_overview_and_the_new_sections_are_the_warehouses(issued: dict) -> None:
    tables, (totals, previous, _cmp) = _docx_tables(issued["doc"]), issued["totals"]
    assert _rows_with(tables, "受理量（件）", f"{totals['received_count']:,}", f"{previous['received_count']:,}")
    assert _rows_with(tables, "响应率", pct(totals["response_rate"]), pct(previous["response_rate"]))
    for p in issued["problems"][:10]:
        assert _rows_with(tables, p["title"], f"{p['order_count']:,}", f"{p['period_order_count']:,}"), p["title"]
    for a in issued["alerts"]:
        assert _rows_with(
            tables, a["county"] or "（未填区县）", f"{a['observed_count']:,}", f"{a['expected_count']:.1f}"
        )
    for level in ("county", "department"):
        for x in issued["casemix"][level]:
            if x["casemix_verdict"] in ("below", "above"):
                assert _rows_with(tables, x[level], pct(x["satisfaction_rate"]), f"{x['satisfaction_oe']:.3f}")
    assert issued["previous_black"], "the demo's September has a 黑榜 to follow up"
    for x in issued["previous_black"]:
        assert _rows_with(tables, x["unit"], str(x["rank"]), score(x["score"])), x["unit"]


def test_the_docx_prints_the_pdfs_tables_and_sentences(issued: dict) -> None:
    """One source for both: every body table of the DOCX cell by cell as the report's tables, in the
    document's order, and every paragraph of the body in the PDF's text."""
    files = issued["files"]
    data = files.data
    from reports.issued_tables import issued_tables

    narrative, tables = build_narrative(data), {**build_tables(data), **issued_tables(data)}
    keys = [b[1] for b in document_blocks(data, narrative, tables) if b[0] == "table"]
    docx = _docx_tables(issued["doc"])
    assert len(docx) == len(keys) + 2  # + the settings and definitions of the notes
    for key, printed in zip(keys, docx, strict=False):
        table = tables[key]
        assert printed[0] == list(table.header), key
        assert [row for row in printed[1:]] == [[cell_text(c) + c.mark for c in row] for row in table.rows], key
    flat = re.sub(r"\s+", "", issued["pdf_text"])
    for furniture in (r"第\d+页/共\d+页", "演示数据", re.escape(re.sub(r"\s+", "", data.title))):  # page header/footer
        flat = re.sub(furniture, "", flat)
    body = [b[1] for b in document_blocks(data, narrative, tables) if b[0] in ("p", "h1", "h2")]
    for paragraph in body:
        assert re.sub(r"\s+", "", paragraph) in flat, paragraph[:40]
        assert paragraph in issued["paragraphs"], paragraph[:40]


def test_no_personal_data_in_any_file(issued: dict) -> None:
    raw = issued["raw"]
    names = {n.strip() for n, _, _ in raw if n and n.strip() and n.strip() != "匿名"}
    phones = {re.sub(r"\D", "", p) for _, p, _ in raw if p and len(re.sub(r"\D", "", p)) >= 7}
    snippets = {(c or "").split("：", 1)[-1][:12] for *_, c in raw[::40] if c and len(c) > 20}
    doc_text = "\n".join(issued["paragraphs"]) + "\n".join(
        c for t in _docx_tables(issued["doc"]) for row in t for c in row
    )
    places = demo_places.all_place_names()
    for fmt, text in (("docx", doc_text), ("pdf", issued["pdf_text"]), ("html", issued["files"].html)):
        flat = re.sub(r"\s+", "", text)
        assert not [n for n in names if n in flat], fmt
        joined = re.sub(r"(?<=\d)[-.()（）]+(?=\d)", "", flat)  # 139-1234-5678 and the like
        assert not [p for p in phones if p in joined], fmt
        assert not [s for s in snippets if re.sub(r"\s+", "", s) in flat], fmt
        assert not [p for p in places if p in flat], (fmt, "estate or road named")
        assert not [oid for oid, _ in issued["cases"] if oid in flat], (fmt, "order id of a typical case")
    props = issued["doc"].core_properties
    assert props.author == "" and props.last_modified_by == "" and props.title == issued["files"].data.title


def test_the_pdf_carries_the_same_issued_parts(issued: dict) -> None:
    flat = re.sub(r"\s+", "", issued["pdf_text"])
    for text in (
        "云热线通〔2026〕10号",
        "（四）乡镇街道排名",
        "六、典型案例",
        ISSUES,
        REQUIREMENTS,
        "五、上月黑榜单位整改情况",
    ):
        assert re.sub(r"\s+", "", text) in flat, text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_the_docx_opens_and_lays_out_in_an_office_suite(issued: dict, tmp_path: Path) -> None:
    """LibreOffice reads the DOCX as Word/WPS would and prints it: the pages carry the header and the sections."""
    out = tmp_path / "pdf"
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(issued["paths"]["docx"])],
                   check=True, capture_output=True, timeout=300, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})  # fmt: skip
    pdf = out / issued["paths"]["docx"].with_suffix(".pdf").name
    pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1]
    )
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert pages >= 5
    assert "云热线通〔2026〕10号" in text and "乡镇街道综合排名" in text and "八、工作要求" in text
