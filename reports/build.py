"""One monthly report from a warehouse: assemble -> narrative and tables -> charts -> HTML, PDF, XLSX, DOCX."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

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
        return f"hotline-report-{self.data.month}"

    def write(self, out_dir: str | os.PathLike[str] = DEFAULT_OUT) -> dict[str, Path]:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {ext: out / f"{self.stem}.{ext}" for ext in ("pdf", "docx", "html", "xlsx")}
        paths["pdf"].write_bytes(self.pdf)
        paths["docx"].write_bytes(self.docx)
        paths["html"].write_text(self.html, encoding="utf-8")
        paths["xlsx"].write_bytes(self.xlsx)
        return paths


def generate_report(
    db: str | os.PathLike[str] | None,
    month: str,
    *,
    settings: Settings | None = None,
    config: ReportConfig | None = None,
    city: str | None = None,
    title: str | None = None,
    by: str = "score",
) -> ReportFiles:
    """Everything for ``month`` from the warehouse at ``db`` (None: HOTLINE_DB or data/hotline.duckdb)."""
    started = time.perf_counter()
    con = connect_read(db)
    try:
        files = build_report(con, month, settings=settings, config=config, city=city, title=title, by=by)
    finally:
        con.close()
    files.timings["open"] = round(time.perf_counter() - started - files.timings["total"], 3)
    return files


def build_report(
    con: duckdb.DuckDBPyConnection,
    month: str,
    *,
    settings: Settings | None = None,
    config: ReportConfig | None = None,
    city: str | None = None,
    title: str | None = None,
    by: str = "score",
) -> ReportFiles:
    """The report from an open (read-only) connection; the dashboard passes its shared one."""
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
    pdf = render_pdf(html)
    lap("pdf")
    xlsx = render_xlsx(data, narrative, tables)
    lap("xlsx")
    docx = render_docx(data, narrative, tables, images)
    lap("docx")
    timings["total"] = round(sum(timings.values()), 3)
    return ReportFiles(data, html, pdf, xlsx, docx, timings)
