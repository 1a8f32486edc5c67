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

from labels import lists_rule
from reports.narrative import describe_settings, score_formula
from reports.tables import Cell, Table, cell_text, change_text, settings_table
from warehouse.registry import depends_on_time, get_metric

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
    env.globals["lagging"] = {key for key, _, _ in KPIS if get_metric(key).lagging}
    return env


def _kpi_change(report: ReportData, key: str, kind: str) -> str:
    """'比上月 +1.2 个百分点' from the warehouse's change; '' without a comparison."""
    text = change_text(report, key, kind)
    if text == "—":
        return ""
    same = report.comparison.get("cutoff") is not None and depends_on_time(key)
    return f"比上月{'同一时点' if same else ''} {text}"


NO_LIST_REASON = {
    "no_score": "没有单位可排名：来源数据不含排名所需字段，不设红黑榜",
    "no_ranked": "没有单位达到排名所需的考核工单量，不设红黑榜",
    "small_group": "已排名单位不足 {n} 个，不设红黑榜",
    "middle": "没有单位的区间整体高于或低于本组中位数（或满足目标条件），本月无人入榜",
}


def no_list_lines(report: ReportData) -> list[str]:
    """One sentence per ranking group without lists, saying exactly why."""
    out = []
    for entry in report.red_black:
        if entry["reason"]:
            group = f"（{entry['group']}）" if entry["group"] else ""
            text = NO_LIST_REASON[entry["reason"]].format(n=report.settings.get("red_black_min_units"))
            out.append(f"{entry['level_label']}{group}：{text}。")
    return out


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
            lists_rule=lists_rule(report.settings, "zh", by=report.ranked_by),
            no_lists=no_list_lines(report),
            definitions=definitions,
            css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        )
    )


def settings_lines(report: ReportData) -> list[tuple[str, str]]:
    lines = [*describe_settings(report.settings), ("设置指纹", report.settings_fingerprint or "—")]
    return [*lines, ("定榜", report.record.get("stamp") or "未定榜")]


def render_pdf(html: str) -> bytes:
    """A4 PDF; fonts are subset and embedded by WeasyPrint (fontconfig finds Noto Sans CJK SC)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


def render_xlsx(report: ReportData, narrative: dict[str, list[str]], tables: dict[str, Table]) -> bytes:
    from reports.xlsx import write_workbook

    buf = io.BytesIO()
    write_workbook(buf, report, narrative, tables, settings_table(settings_lines(report)))
    return buf.getvalue()
