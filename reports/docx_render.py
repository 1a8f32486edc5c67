"""The bulletin as a Word document (python-docx): offices edit a bulletin in Word or WPS before issuing it.

It walks the same blocks as the HTML (``reports.document``) over the same typed tables (``reports.tables``)
and charts, so it prints the same numbers; the layout follows GB/T 9704 where it matters to an office:
red 发文机关 header, 文号, red rule, title, numbered sections, tables with captions, sign-off and date,
and the colophon (抄送, 印发). Fonts are the ones offices have (仿宋_GB2312 body, 黑体 headings, 方正小标宋
title); another machine substitutes its own CJK font. Document properties carry the title only.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.document import document_blocks, record_lines
from reports.tables import Table, cell_text

if TYPE_CHECKING:
    from reports.assemble import ReportData

BODY_FONT, HEAD_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体"
RED = RGBColor(0xC0, 0x00, 0x00)
GREEN, AMBER = RGBColor(0x1A, 0x5E, 0x20), RGBColor(0x8A, 0x5A, 0x00)  # 已定榜 / 未定榜, as in the PDF
NUMERIC = ("count", "pct", "score")
TEXT_WIDTH_MM = 210 - 28 - 26  # A4 less the margins set below


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc, text: str, font: str = BODY_FONT, size: float = 12, align=None, bold=False, color=None, indent=True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.space_after = Pt(4)
    _font(p.add_run(text), font, size, bold, color)
    return p


def _rule(paragraph, color: str = "C00000", size: int = 18) -> None:
    """A line under the paragraph (the red rule under the 文号)."""
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _narrow_margins(grid, twips: int = 45) -> None:
    """Cell padding of about 0.8 mm left and right: an eleven-column league table fits the A4 text block."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        node = OxmlElement(f"w:{side}")
        node.set(qn("w:w"), str(twips))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    grid._tbl.tblPr.append(margins)


def _widths(table: Table) -> list:
    """Column widths from the table's relative widths (as the HTML's), over the text block's 156 mm."""
    weights = table.widths or (1,) * len(table.header)
    return [Mm(TEXT_WIDTH_MM * w / sum(weights)) for w in weights]


def _table(doc, table: Table, number: int) -> None:
    _para(doc, f"表{number} {table.title}", HEAD_FONT, 10.5, align=WD_ALIGN_PARAGRAPH.LEFT)
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style, grid.alignment, grid.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    size, widths = (7.5 if len(table.header) > 8 else 9), _widths(table)
    _narrow_margins(grid)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width  # the grid (LibreOffice, WPS) and each cell (Word) both carry it
    for cell, name, width in zip(grid.rows[0].cells, table.header, widths, strict=True):
        _shade(cell, "E8EEF6")
        cell.width = width
        _font(cell.paragraphs[0].add_run(name), HEAD_FONT, size)
    for i, cells in enumerate(table.rows):
        row = grid.add_row().cells
        fill = {"red": "FBE3E1", "black": "E4E4E4"}.get(table.classes[i] if table.classes else "")
        for target, cell, width in zip(row, cells, widths, strict=True):
            target.width = width
            paragraph = target.paragraphs[0]
            if cell.kind in NUMERIC:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(paragraph.add_run(cell_text(cell) + cell.mark), BODY_FONT, size)
            if fill:
                _shade(target, fill)
    if table.note:
        _para(doc, f"注：{table.note}", BODY_FONT, 9, align=WD_ALIGN_PARAGRAPH.LEFT)


def _figure(doc, png: bytes | None, caption: str, number: int, width_mm: float = 160) -> bool:
    if not png:
        return False
    doc.add_picture(io.BytesIO(png), width=Mm(width_mm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, f"图{number} {caption}", BODY_FONT, 9, align=WD_ALIGN_PARAGRAPH.CENTER)
    return True


def _masthead(doc, r: ReportData) -> None:
    h = r.header
    if r.is_demo:
        _para(doc, "演示数据 · 虚构城市，不代表任何真实地区", HEAD_FONT, 10, WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    if h is not None:
        _para(
            doc,
            h.office,
            TITLE_FONT,
            22 if len(h.office) <= 16 else 18,
            WD_ALIGN_PARAGRAPH.CENTER,
            bold=True,
            color=RED,
        )
        _rule(_para(doc, h.doc_number, BODY_FONT, 14, WD_ALIGN_PARAGRAPH.CENTER))
    for line in r.title_lines:
        _para(doc, line, TITLE_FONT, 20, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    stamp = f"数据截止时间：{r.as_of or '—'}" + ("（本月数据尚不完整）" if r.is_partial else "")
    _para(doc, stamp, BODY_FONT, 10, WD_ALIGN_PARAGRAPH.CENTER)
    record_stamp, record_notes = record_lines(r)  # 已定榜 / 未定榜, and a correction: as the PDF prints them
    colour = GREEN if r.record.get("published") else AMBER
    _para(doc, record_stamp, BODY_FONT, 10, WD_ALIGN_PARAGRAPH.CENTER, bold=True, color=colour)
    for line in record_notes:
        _para(doc, line, BODY_FONT, 10.5, color=RED if r.record.get("corrected_on") else None)


def render_docx(
    r: ReportData,
    narrative: dict[str, list[str]],
    tables: dict[str, Table],
    images: dict[str, bytes],
    notes: list[str],
    appendix: list[Table],
) -> bytes:
    """The DOCX bytes: masthead, the body blocks, sign-off, the notes with their tables, the colophon."""
    doc = Document()
    section = doc.sections[0]
    section.orientation, section.page_width, section.page_height = WD_ORIENT.PORTRAIT, Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        Mm(37),
        Mm(35),
        Mm(28),
        Mm(26),
    )
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments, props.subject = r.title, "", "", "", ""
    _masthead(doc, r)
    n_table = n_figure = 0
    for block in document_blocks(r, narrative, tables):
        kind = block[0]
        if kind == "h1":
            _para(doc, block[1], HEAD_FONT, 16, align=WD_ALIGN_PARAGRAPH.LEFT)
        elif kind == "h2":
            _para(doc, block[1], "楷体_GB2312", 14, align=WD_ALIGN_PARAGRAPH.LEFT, bold=True)
        elif kind == "p":
            _para(doc, block[1], BODY_FONT, 12)
        elif kind == "table":
            n_table += 1
            _table(doc, tables[block[1]], n_table)
        elif kind == "figure":
            n_figure += _figure(doc, images.get(block[1]), block[2], n_figure + 1)
        elif kind == "pair":
            for name, caption in block[1]:
                n_figure += _figure(doc, images.get(name), caption, n_figure + 1, 120)
    if r.header is not None:
        d = r.header.issue_date
        _para(doc, r.header.signoff, BODY_FONT, 12, WD_ALIGN_PARAGRAPH.RIGHT)
        _para(doc, f"{d.year}年{d.month}月{d.day}日", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "附：数据说明", HEAD_FONT, 14, align=WD_ALIGN_PARAGRAPH.LEFT)
    for text in notes:
        _para(doc, text, BODY_FONT, 10.5)
    for table in appendix:
        n_table += 1
        _table(doc, table, n_table)
    if r.header is not None:
        if r.header.copy_to:
            _rule(
                _para(doc, "抄送：" + "，".join(r.header.copy_to) + "。", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.LEFT),
                "333333",
                6,
            )
        _para(
            doc, f"{r.header.printed_by}    {d.year}年{d.month}月{d.day}日印发", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.LEFT
        )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
