"""Spreadsheet exports neutralise formula injection in CSV and XLSX; numbers stay numbers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import polars as pl
import pytest

from pages.components.export import to_csv_bytes, to_xlsx_bytes
from warehouse.excel import neutralise_cell, neutralise_frame

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x")']


def _frame() -> pl.DataFrame:
    n = len(HOSTILE)
    return pl.DataFrame(
        {
            "单位": HOSTILE,
            "安全": ["青岚区"] * n,
            "得分": [-1.5] * n,
            "件数": list(range(n)),
            "时间": [dt.datetime(2026, 10, 1, 8, 30)] * n,
        }
    )


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_prefixes_an_apostrophe(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["青岚区", "1+1", "a=b", "", "'=already"])
def test_harmless_text_is_unchanged(value: str) -> None:
    assert neutralise_cell(value) == value


def test_frame_neutralises_text_and_headers_only() -> None:
    frame = _frame().rename({"安全": "=evil"})
    out = neutralise_frame(frame)
    assert out["单位"].to_list() == ["'" + v for v in HOSTILE]
    assert "'=evil" in out.columns
    assert out["得分"].to_list() == frame["得分"].to_list()  # a negative number is data, not a formula


def test_csv_has_bom_and_no_cell_starts_a_formula() -> None:
    data = to_csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pl.read_csv(io.BytesIO(data[3:]))
    assert back["单位"].to_list() == ["'" + v for v in HOSTILE]
    assert back["得分"].to_list() == [-1.5] * len(HOSTILE)
    assert back["安全"][0] == "青岚区"


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_xlsx_stores_hostile_text_as_plain_strings() -> None:
    data = to_xlsx_bytes(_frame(), sheet_name="排名")
    assert "<f>" not in _sheet_xml(data)  # no formula cell anywhere
    back = pl.read_excel(io.BytesIO(data), sheet_name="排名")
    assert back.columns == ["单位", "安全", "得分", "件数", "时间"]
    assert back["单位"].to_list() == ["'" + v for v in HOSTILE]
    assert back["得分"].to_list() == [-1.5] * len(HOSTILE)  # numbers stay numbers
    assert back["时间"][0] == dt.datetime(2026, 10, 1, 8, 30)


def test_xlsx_without_neutralising_would_have_been_a_formula() -> None:
    """The control: xlsxwriter's plain write() turns '=1+1' into a formula, so the test above can fail."""
    import xlsxwriter

    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as book:
        book.add_worksheet().write(0, 0, "=1+1")
    assert "<f>" in _sheet_xml(buf.getvalue())


def test_xlsx_of_an_empty_frame_is_a_valid_workbook() -> None:
    data = to_xlsx_bytes(pl.DataFrame({"单位": []}, schema={"单位": pl.String}))
    assert "单位" in pl.read_excel(io.BytesIO(data)).columns
