"""One formula-neutralising rule (warehouse.excel) holds in every export: the page downloads (CSV and XLSX),
the bulletin's workbook and the evidence pack's sheets each disarm a cell for every leading character
the rule names, tab and carriage return included (the bulletin's workbook once missed those two); so does
the command line's CSV."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

import polars as pl
import pytest
import xlsxwriter

from pages.components.export import to_csv_bytes, to_xlsx_bytes
from reports.evidence_sheets import sheet_formats as evidence_formats
from reports.evidence_sheets import write_sheet
from reports.tables import Cell, Table
from reports.xlsx import _formats as report_formats
from reports.xlsx import _Sheet
from warehouse.excel import FORMULA_PREFIXES, csv_text

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
LEADING = [*FORMULA_PREFIXES, "＝"]  # the full-width sign is not a formula in Excel: it stays as typed
DISARMED = set(FORMULA_PREFIXES)


def _hostile(lead: str) -> str:
    return f'{lead}HYPERLINK("http://x","点我")'


def _unescape(text: str) -> str:
    """xlsxwriter writes control characters (a carriage return) as _xHHHH_."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _cells(data: bytes) -> dict[str, tuple[str, bool]]:
    """First sheet: cell reference -> (text as stored, whether Excel's quote prefix is on)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        shared = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
        styles = ElementTree.fromstring(z.read("xl/styles.xml"))
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    strings = ["".join(t.text or "" for t in si.iter(f"{{{NS['x']}}}t")) for si in shared.findall("x:si", NS)]
    quoted = [xf.get("quotePrefix") == "1" for xf in styles.find("x:cellXfs", NS).findall("x:xf", NS)]
    out = {}
    for c in sheet.iter(f"{{{NS['x']}}}c"):
        if c.get("t") == "s":
            out[c.get("r")] = (_unescape(strings[int(c.find("x:v", NS).text)]), quoted[int(c.get("s", 0))])
    return out


def _expect_disarmed(text: str, quote_prefix: bool, value: str, lead: str) -> None:
    """Disarmed = an apostrophe in front of the text, or the text as typed under Excel's quote prefix."""
    if lead in DISARMED:
        assert text == "'" + value or (text == value and quote_prefix), (repr(lead), text, quote_prefix)
    else:
        assert text == value and not quote_prefix, (repr(lead), text, quote_prefix)


@pytest.mark.parametrize("lead", LEADING)
def test_csv_download(lead: str) -> None:
    value = _hostile(lead)
    data = to_csv_bytes(pl.DataFrame({"单位": [value], "得分": [-1.5]}))
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    _expect_disarmed(rows[1][0], False, value, lead)
    assert rows[1][1] == "-1.5"  # a negative number is data, not a formula


@pytest.mark.parametrize("lead", LEADING)
def test_command_line_csv(lead: str) -> None:
    """``--format csv`` of rankings, record, clusters, alerts, backlog and review-sample: one writer."""
    value = _hostile(lead)
    rows = list(csv.reader(io.StringIO(csv_text(["单位", "得分", "变化"], [[value, -1.5, None]]), newline="")))
    _expect_disarmed(rows[1][0], False, value, lead)
    assert rows[1][1:] == ["-1.5", ""]


def _the_cell(data: bytes, value: str) -> tuple[str, bool]:
    """The one stored cell holding ``value`` (as typed or behind an apostrophe)."""
    (found,) = [cell for cell in _cells(data).values() if cell[0] in (value, "'" + value)]
    return found


@pytest.mark.parametrize("lead", LEADING)
def test_xlsx_download(lead: str) -> None:
    value = _hostile(lead)
    _expect_disarmed(*_the_cell(to_xlsx_bytes(pl.DataFrame({"单位": [value]})), value), value, lead)


@pytest.mark.parametrize("lead", LEADING)
def test_bulletin_workbook(lead: str) -> None:
    value = _hostile(lead)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    table = Table("t", "测试", ("单位", "件数"), [(Cell(value), Cell(7, "count"))])
    _Sheet(book, "t", report_formats(book)).table(table)
    book.close()
    _expect_disarmed(*_the_cell(buf.getvalue(), value), value, lead)


@pytest.mark.parametrize("lead", LEADING)
def test_evidence_pack_sheet(lead: str) -> None:
    """The pack's sheet writer (the planted-formula test in tests/data/test_evidence.py drives it end to end;
    the load strips a leading tab, so only this way does a tab or carriage return reach it)."""
    value = _hostile(lead)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    write_sheet(book, evidence_formats(book), "t", pl.DataFrame({"category_l1": [value], "order_count": [3]}), {})
    book.close()
    _expect_disarmed(*_the_cell(buf.getvalue(), value), value, lead)
