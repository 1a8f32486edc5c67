"""Spreadsheet downloads that cannot run code when opened.

A text cell starting with = + - @ (or a tab / carriage return, which some spreadsheet programs strip
before looking) is read as a formula by Excel and LibreOffice — CSV injection. Such cells and headers
get a leading apostrophe (``warehouse.excel``, the one rule every export uses); numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import xlsxwriter

from warehouse.excel import neutralise_cell, neutralise_frame
from warehouse.textwidth import display_width


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens Chinese text correctly on double-click."""
    return b"\xef\xbb\xbf" + neutralise_frame(frame).write_csv().encode("utf-8")


def to_xlsx_bytes(frame: pl.DataFrame, sheet_name: str = "Sheet1") -> bytes:
    """One sheet, bold frozen header, readable widths; strings are never turned into formulas or links."""
    safe = neutralise_frame(frame)
    buf = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(buf, options) as book:
        sheet = book.add_worksheet(neutralise_cell(sheet_name)[:31])
        header = book.add_format({"bold": True, "bg_color": "#eef2f7", "border": 1, "text_wrap": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for j, name in enumerate(safe.columns):
            sheet.write_string(0, j, name, header)
            values = safe[name].to_list()
            width = max([display_width(name)] + [display_width(v) for v in values[:500]])
            sheet.set_column(j, j, min(max(width + 2, 8), 60))
            for i, value in enumerate(values, start=1):
                _write(sheet, i, j, value, when, day)
        sheet.freeze_panes(1, 0)
        if safe.height:
            sheet.autofilter(0, 0, safe.height, max(safe.width - 1, 0))
    return buf.getvalue()


def _write(sheet, row: int, col: int, value, when, day) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and value != value:  # NaN
            sheet.write_blank(row, col, None)
        else:
            sheet.write_number(row, col, value)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), when)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), day)
    else:
        sheet.write_string(row, col, str(value))
