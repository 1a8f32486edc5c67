"""HTML (self-contained, charts inlined), PDF (WeasyPrint, A4, CJK font embedded) and XLSX renderers.

The HTML is autoescaped Jinja2: unit and category names come from exports and are data, never markup.
The PDF is that same HTML laid out by WeasyPrint; its metadata carries the title and nothing else
(no author, no keywords), so the file says nothing about who made it.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from reports.narrative import count_change, describe_settings, rate_change, score_change, score_formula
from reports.tables import Cell, Table, cell_text, settings_table
from warehouse.registry import get_metric

if TYPE_CHECKING:
    from reports.assemble import ReportData

TEMPLATES = Path(__file__).parent / "templates"
DEFINED_METRICS = (
    "received_count", "direct_answer_rate", "assessed_count", "response_rate", "on_time_rate", "overdue_open_count",
    "resolution_rate", "satisfaction_rate", "return_rate", "callback_rate", "repeat_rate", "score",
)  # fmt: skip
KPIS = (
    ("received_count", "受理量（件）", "count"),
    ("dispatched_count", "派单量（件）", "count"),
    ("response_rate", "响应率", "pct"),
    ("on_time_rate", "按时办结率", "pct"),
    ("resolution_rate", "解决率", "pct"),
    ("satisfaction_rate", "满意率", "pct"),
)


def _css_string(text: str) -> Markup:
    """A CSS string for ``content:`` in the <style> element (raw text: no HTML escaping applies there, so
    quotes, backslashes and '<' are escaped the CSS way)."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    return Markup(f'"{body}"')


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters.update(cell=cell_text, css_string=_css_string)
    env.globals.update(kpis=KPIS, cell_value=lambda v, kind: cell_text(Cell(v, kind)), kpi_change=_kpi_change)
    return env


def _kpi_change(value: float | None, prev: float | None, kind: str) -> str:
    if kind == "pct":
        return rate_change(value, prev)
    return score_change(value, prev) if kind == "score" else count_change(value, prev)


def render_html(
    report: ReportData, narrative: dict[str, list[str]], tables: dict[str, Table], images: dict[str, bytes]
) -> str:
    """One self-contained HTML document (charts as data: URIs), also the input of the PDF."""
    png = {name: "data:image/png;base64," + base64.b64encode(data).decode("ascii") for name, data in images.items()}
    definitions = [(get_metric(k).label_zh, get_metric(k).definition_zh) for k in DEFINED_METRICS if k != "score"]
    definitions.append((get_metric("score").label_zh, score_formula(report.settings)))
    return (
        _env()
        .get_template("monthly.html.j2")
        .render(
            r=report,
            n=narrative,
            t=tables,
            img=png,
            settings=settings_table(settings_lines(report)),
            definitions=definitions,
            css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        )
    )


def settings_lines(report: ReportData) -> list[tuple[str, str]]:
    return [*describe_settings(report.settings), ("设置指纹", report.settings_fingerprint or "—")]


def render_pdf(html: str) -> bytes:
    """A4 PDF; fonts are subset and embedded by WeasyPrint (fontconfig finds Noto Sans CJK SC)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


def render_xlsx(report: ReportData, narrative: dict[str, list[str]], tables: dict[str, Table]) -> bytes:
    from reports.xlsx import write_workbook

    buf = io.BytesIO()
    write_workbook(buf, report, narrative, tables, settings_table(settings_lines(report)))
    return buf.getvalue()
