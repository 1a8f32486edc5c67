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
from reports.document import document_blocks, no_list_lines, record_lines
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


def render_html(
    report: ReportData, narrative: dict[str, list[str]], tables: dict[str, Table], images: dict[str, bytes]
) -> str:
    """One self-contained HTML document (charts as data: URIs), also the input of the PDF."""
    png = {name: "data:image/png;base64," + base64.b64encode(data).decode("ascii") for name, data in images.items()}
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
            blocks=document_blocks(report, narrative, tables),
            record_stamp=record_lines(report)[0],
            record_notes=record_lines(report)[1],
            definitions=definitions(report),
            notes=notes_lines(report),
            css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        )
    )


def notes_lines(report: ReportData) -> list[str]:
    """附：数据说明, the same in every format (the HTML adds a red demo mark to the last line)."""
    source = "在设置中固定" if report.as_of_source == "pinned" else "取已导入工单中最晚的事件时间"
    return [
        "1. 统计口径：受理量、渠道、诉求类型和问题分类按受理时间统计；派单量及响应率、按时办结率、解决率、满意率等考核指标"
        "按派单时间所在月份（考核月份）统计。无效工单和经申诉核准豁免的工单计入派单量和退单率，不计入其他考核指标。",
        f"2. 数据截止时间 {report.as_of or '—'}（{source}）；未办结工单的超期情况按该时间判断。本通报生成于 "
        f"{report.generated_at}。",
        "3. 变化幅度由精确值计算后四舍五入一次（与数据看板相同），可能与所列两个数值之差相差 0.1；比率变化以百分点表示。"
        "本月距月末不足成熟期时，办结、回访、满意度等滞后指标标“未完整”，上月按同一时点的数据比较。“—”表示来源数据"
        "无法提供或没有可计算的工单，不是 0。",
        "4. 本通报只含汇总数据，不含任何来电人姓名、联系电话和诉求内容等个人信息；反复出现的问题只写到乡镇街道和地点类型，"
        "典型案例由工单的分类、时间和办理结果生成。",
    ]


def definitions(report: ReportData) -> list[tuple[str, str]]:
    out = [(get_metric(k).label_zh, get_metric(k).definition_zh) for k in DEFINED_METRICS if k != "score"]
    return [*out, (get_metric("score").label_zh, score_formula(report.settings))]


def render_docx(
    report: ReportData, narrative: dict[str, list[str]], tables: dict[str, Table], images: dict[str, bytes]
) -> bytes:
    from reports.docx_render import render_docx as write

    defined = Table("definitions", "指标定义", ("指标", "定义"), [(Cell(a), Cell(b)) for a, b in definitions(report)])
    notes = notes_lines(report) + (["本期为演示数据，城市与单位均为虚构。"] if report.is_demo else [])
    return write(report, narrative, tables, images, notes, [settings_table(settings_lines(report)), defined])


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
