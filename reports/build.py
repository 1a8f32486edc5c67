"""One monthly report from a warehouse: assemble -> narrative and tables -> charts -> HTML, PDF, XLSX, DOCX.

:func:`draft_report` does the part every file needs (the figures, the text, the chart images and the HTML,
which the 通报 page previews); the PDF, Word and Excel files are rendered from the draft, all at once by
:func:`build_report` (the CLI, the tests) or one at a time when a download button asks (the page)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from reports.assemble import ReportConfig, ReportData, assemble_report
from reports.charts import build_figures, render_pngs
from reports.issued_tables import issued_tables
from reports.narrative import build_narrative
from reports.render import render_docx, render_html, render_pdf, render_xlsx
from reports.tables import build_tables
from warehouse.connection import connect_read
from warehouse.settings import Settings

DEFAULT_OUT = Path(__file__).parent / "out"


def report_stem(month: str) -> str:
    """The files' name without extension, e.g. hotline-report-2026-10."""
    return f"hotline-report-{month}"


@dataclass(frozen=True)
class ReportFiles:
    """The four deliverables in memory, plus seconds per step (the benchmark reads them)."""

    data: ReportData
    html: str
    pdf: bytes
    xlsx: bytes
    docx: bytes
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return report_stem(self.data.month)

    def write(self, out_dir: str | os.PathLike[str] = DEFAULT_OUT) -> dict[str, Path]:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {ext: out / f"{self.stem}.{ext}" for ext in ("pdf", "docx", "html", "xlsx")}
        paths["pdf"].write_bytes(self.pdf)
        paths["docx"].write_bytes(self.docx)
        paths["html"].write_text(self.html, encoding="utf-8")
        paths["xlsx"].write_bytes(self.xlsx)
        return paths


@dataclass(frozen=True)
class ReportDraft:
    """What every file of one month's report is rendered from, and its HTML (the page's preview)."""

    data: ReportData
    narrative: dict[str, list[str]]
    tables: dict[str, Any]
    images: dict[str, bytes]
    html: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return report_stem(self.data.month)

    def render(self, ext: str) -> bytes:
        """One file: ``pdf``, ``docx``, ``xlsx`` or ``html`` (UTF-8)."""
        if ext == "pdf":
            return render_pdf(self.html)
        if ext == "docx":
            return render_docx(self.data, self.narrative, self.tables, self.images)
        if ext == "xlsx":
            return render_xlsx(self.data, self.narrative, self.tables)
        if ext == "html":
            return self.html.encode("utf-8")
        raise ValueError(ext)


def generate_report(db: str | os.PathLike[str] | None, month: str, **options: Any) -> ReportFiles:
    """Everything for ``month`` from the warehouse at ``db`` (None: HOTLINE_DB or data/hotline.duckdb);
    ``options``: :func:`draft_report`'s keywords."""
    started = time.perf_counter()
    con = connect_read(db)
    try:
        files = build_report(con, month, **options)
    finally:
        con.close()
    files.timings["open"] = round(time.perf_counter() - started - files.timings["total"], 3)
    return files


def build_report(con: duckdb.DuckDBPyConnection, month: str, **options: Any) -> ReportFiles:
    """The report from an open (read-only) connection: the draft and every file (``options``:
    :func:`draft_report`'s keywords)."""
    draft = draft_report(con, month, **options)
    timings = dict(draft.timings)
    files = {}
    for ext in ("pdf", "xlsx", "docx"):
        started = time.perf_counter()
        files[ext] = draft.render(ext)
        timings[ext] = round(time.perf_counter() - started, 3)
    timings["total"] = round(sum(timings.values()), 3)
    return ReportFiles(draft.data, draft.html, files["pdf"], files["xlsx"], files["docx"], timings)


def draft_report(
    con: duckdb.DuckDBPyConnection,
    month: str,
    *,
    settings: Settings | None = None,
    config: ReportConfig | None = None,
    city: str | None = None,
    title: str | None = None,
    by: str = "score",
) -> ReportDraft:
    """The figures, text, chart images and HTML of ``month``'s report (the dashboard passes its shared
    connection); the files are rendered from it (:meth:`ReportDraft.render`)."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    data = assemble_report(con, month, settings=settings, config=config, city=city, title=title, by=by)
    narrative, tables = build_narrative(data), {**build_tables(data), **issued_tables(data)}
    lap("assemble")
    images = render_pngs(build_figures(data))
    lap("charts")
    html = render_html(data, narrative, tables, images)
    lap("html")
    return ReportDraft(data, narrative, tables, images, html, timings)
