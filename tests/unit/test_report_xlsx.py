"""The report workbook: text that looks like a formula is stored as quoted text, numbers as numbers."""

from __future__ import annotations

import io
import re
import zipfile

import xlsxwriter

from reports.tables import Cell, Table
from reports.xlsx import _formats, _Sheet
from warehouse.excel import is_formula_like

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)"]


def _workbook(table: Table) -> dict[str, str]:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = _Sheet(book, "t", _formats(book))
    sheet.table(table)
    book.close()
    with zipfile.ZipFile(buf) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist() if name.endswith(".xml")}


def _cell_styles(xml: dict[str, str]) -> dict[str, dict]:
    """shared string text -> the cell's xf attributes; numbers -> their xf too."""
    strings = re.findall(r"<si><t[^>]*>(.*?)</t></si>", xml["xl/sharedStrings.xml"])
    xfs = re.findall(r"<xf [^>]*?(?:/>|>)", xml["xl/styles.xml"].split("<cellXfs")[1])
    out = {}
    for ref, style, kind, value in re.findall(r'<c r="(\w+)"(?: s="(\d+)")?(?: t="(\w+)")?><v>([^<]*)</v></c>', xml["xl/worksheets/sheet1.xml"]):  # fmt: skip
        text = strings[int(value)] if kind == "s" else value
        out[text] = {"xf": xfs[int(style or 0)], "ref": ref, "string": kind == "s"}
    return out


def test_formula_like_text_gets_the_quote_prefix_and_stays_text() -> None:
    rows = [(Cell(text), Cell(7, "count"), Cell(0.5, "pct")) for text in DANGEROUS]
    rows.append((Cell("市住房和城乡建设局"), Cell(12, "count"), Cell(None, "pct")))
    cells = _cell_styles(_workbook(Table("t", "测试", ("单位", "件数", "比率"), rows)))
    for text in DANGEROUS:
        assert cells[text]["string"], text
        assert 'quotePrefix="1"' in cells[text]["xf"], text
    assert 'quotePrefix="1"' not in cells["市住房和城乡建设局"]["xf"]
    assert not cells["7"]["string"] and not cells["0.5"]["string"]  # numbers stay numbers
    assert cells["—"]["string"]  # a missing rate is a dash, not 0


def test_is_formula_like() -> None:
    assert all(is_formula_like(t) for t in (*DANGEROUS, "\t=1", "\r=1"))
    assert not any(is_formula_like(t) for t in ("市教育局", "1,234", " =x", "−1.2 个百分点"))
