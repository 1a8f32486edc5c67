"""The bulletin as a workbook: one sheet per section, numbers as numbers, text never a formula.

Rates are stored as fractions with a per-cent format, so a reader can re-aggregate them; every text
cell that starts with = + - @, a tab or a carriage return (``warehouse.excel``'s one rule) gets Excel's
quote prefix, so a unit or category name taken from an
export can never run as a formula (CSV/formula injection). Document properties carry the title only.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

import xlsxwriter

from reports.tables import Cell, Table, trend_table
from warehouse.excel import is_formula_like
from warehouse.registry import get_metric

if TYPE_CHECKING:
    from reports.assemble import ReportData

NUMBER_FORMATS = {"count": "#,##0", "pct": "0.0%", "score": "0.00"}
SECTIONS = (
    ("总体情况", "overview", ("overview", "channels", "appeal_types", "trend")),
    ("热点分析", "hot", ("categories", "risers", "problems", "alerts")),
    ("办理情况", "handling", ("handling", "targets", "overdue_units", "returned_units")),
    ("考核排名", "ranking", ("counties", "counties_below", "departments_", "townships_", "casemix_", "integrity_")),
    ("红黑榜", None, ("red_black_",)),
)
# the sections after the rankings (follow-up, typical cases, 存在问题, 工作要求) as text, in one sheet
TEXT_SHEET = "整改与要求"
TEXT_FROM = "五、"
WIDTH = 8  # columns a paragraph spans


class _Sheet:
    def __init__(self, book: xlsxwriter.Workbook, name: str, formats: dict) -> None:
        self.ws, self.f, self.row = book.add_worksheet(name), formats, 0
        self.ws.set_column(0, 0, 18)
        self.ws.set_column(1, 1, 24)
        self.ws.set_column(2, WIDTH, 13)

    def text(self, row: int, col: int, value: str, fmt_key: str = "text") -> None:
        fmt = self.f[fmt_key + "_quoted"] if is_formula_like(value) else self.f[fmt_key]
        self.ws.write_string(row, col, value, fmt)

    def cell(self, row: int, col: int, cell: Cell) -> None:
        if cell.kind in NUMBER_FORMATS and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
            self.ws.write_number(row, col, cell.value, self.f[cell.kind])
        else:
            self.text(row, col, "—" if cell.value is None else str(cell.value))

    def heading(self, text: str, fmt_key: str = "title") -> None:
        self.text(self.row, 0, text, fmt_key)
        self.row += 1

    def paragraph(self, text: str) -> None:
        self.ws.merge_range(self.row, 0, self.row, WIDTH - 1, "", self.f["para"])
        self.text(self.row, 0, text, "para")
        self.ws.set_row(self.row, 18 * (len(text) // 62 + 1))
        self.row += 1

    def table(self, table: Table) -> None:
        self.row += 1
        self.heading(table.title, "bold")
        marked = any(c.mark for cells in table.rows for c in cells)
        for col, name in enumerate((*table.header, "注") if marked else table.header):
            self.text(self.row, col, name, "header")
        self.row += 1
        for cells in table.rows:
            for col, cell in enumerate(cells):
                self.cell(self.row, col, cell)
            if marked:  # the PDF's footnote mark gets its own column: the number stays a number
                self.text(self.row, len(cells), "".join(c.mark for c in cells))
            self.row += 1
        if table.note:
            self.text(self.row, 0, table.note, "note")
            self.row += 1


def _formats(book: xlsxwriter.Workbook) -> dict:
    base = {"font_name": "Noto Sans CJK SC", "font_size": 10, "valign": "top"}
    specs = {
        "text": {},
        "title": {"bold": True, "font_size": 14},
        "bold": {"bold": True},
        "header": {"bold": True, "bg_color": "#E8EEF6", "border": 1},
        "para": {"text_wrap": True},
        "note": {"italic": True, "font_color": "#666666"},
        **{k: {"num_format": v} for k, v in NUMBER_FORMATS.items()},
    }
    out = {k: book.add_format({**base, **v}) for k, v in specs.items()}
    out.update({f"{k}_quoted": book.add_format({**base, **v, "quote_prefix": True}) for k, v in specs.items()})
    return out


def _text_sheet(book: xlsxwriter.Workbook, formats: dict, report: ReportData, narrative, tables) -> None:
    """The bulletin's last sections as the document prints them: headings, paragraphs, the follow-up table."""
    from reports.document import document_blocks

    sheet = _Sheet(book, TEXT_SHEET, formats)
    sheet.heading(f"{report.title} · {TEXT_SHEET}")
    started = False
    for block in document_blocks(report, narrative, tables):
        started = started or (block[0] == "h1" and block[1].startswith(TEXT_FROM))
        if not started:
            continue
        if block[0] == "h1":
            sheet.row += 1
            sheet.heading(block[1], "bold")
        elif block[0] == "p":
            sheet.paragraph(block[1])
        elif block[0] == "table":
            sheet.table(tables[block[1]])


def write_workbook(
    target: IO[bytes], report: ReportData, narrative: dict[str, list[str]], tables: dict[str, Table], settings: Table
) -> None:
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    book.set_properties({"title": report.title, "subject": "12345热线月度运行情况通报", "author": "", "company": ""})
    formats = _formats(book)
    all_tables = {**tables, "trend": trend_table(report)}
    for sheet_name, section, keys in SECTIONS:
        sheet = _Sheet(book, sheet_name, formats)
        sheet.heading(f"{report.title} · {sheet_name}")
        number = f"{report.header.doc_number}；" if report.header else ""
        stamp = f"{number}数据截止时间：{report.as_of or '—'}；{report.record.get('stamp') or '未定榜'}"
        stamp += "；演示数据（虚构城市）" if report.is_demo else ""
        sheet.heading(stamp, "note")
        for text in narrative.get(section, []) if section else []:
            sheet.paragraph(text)
        for key, table in all_tables.items():
            if any(key == k or (k.endswith("_") and key.startswith(k)) for k in keys):
                sheet.table(table)
    _text_sheet(book, formats, report, narrative, tables)
    notes = _Sheet(book, "说明", formats)
    notes.heading(f"{report.title} · 说明")
    notes.table(settings)
    notes.row += 1
    notes.heading("指标定义", "bold")
    for key in ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "return_rate", "score"):
        metric = get_metric(key)
        notes.text(notes.row, 0, metric.label_zh, "bold")
        notes.text(notes.row, 1, metric.definition_zh)
        notes.row += 1
    book.close()
