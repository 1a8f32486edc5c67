"""The bulletin's body in order, once, as blocks the HTML template and the DOCX writer both walk — so the
two cannot disagree about what is printed where (headings, paragraphs, tables by key, figures).

Block kinds: ``("h1", text)`` a section, ``("h2", text)`` a subsection, ``("p", text)`` a paragraph,
``("table", key, keep)`` a table of the tables dict (``keep``: never split across pages; None = when short),
``("figure", name, caption)`` a chart, ``("pair", ((name, caption), (name, caption)))`` two charts side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labels import lists_rule
from reports import issued_text as it

if TYPE_CHECKING:
    from reports.assemble import ReportData
    from reports.tables import Table

Block = tuple[Any, ...]
NUMERALS = "一二三四五六七八九十"


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


def _paras(texts: list[str]) -> list[Block]:
    return [("p", text) for text in texts if text]


def _tables(tables: dict[str, Table], prefix: str) -> list[Block]:
    """The tables whose key starts with ``prefix``, in the dict's order, empty ones left out."""
    return [("table", key, None) for key, table in tables.items() if key.startswith(prefix) and table.rows]


def document_blocks(r: ReportData, n: dict[str, list[str]], t: dict[str, Table]) -> list[Block]:
    """Every section of the bulletin as issued, numbered 一、二、…"""
    sections: list[tuple[str, list[Block]]] = [
        ("总体情况", [*_paras(n["overview"]), ("table", "overview", False),
                  ("figure", "volume_trend", f"近 {len(r.trend)} 个月受理量与派单量"),
                  ("pair", (("channels", "本月受理渠道构成"), ("appeal_types", "本月诉求类型"))),
                  ("figure", "rate_trend", f"近 {len(r.trend)} 个月主要考核指标走势")]),
        ("热点分析", [*_paras(n["hot"]), ("figure", "categories", f"本月诉求量前 {len(r.categories)} 位的问题"),
                  ("table", "categories", None), *_tables(t, "risers"),
                  ("h2", "（一）反复出现的问题"), ("p", it.problems_sentence(r)), *_tables(t, "problems"),
                  ("h2", "（二）受理量异常升高的预警"), ("p", it.alerts_sentence(r)), *_tables(t, "alerts")]),
        ("办理情况", [*_paras(n["handling"]), ("table", "handling", False), ("p", it.targets_sentence(r)),
                  *_tables(t, "targets"), *_tables(t, "overdue_units"), *_tables(t, "returned_units")]),
        ("考核排名", [*_paras(n["ranking"]), ("h2", "（一）红黑榜"), ("p", lists_rule(r.settings, "zh", by=r.ranked_by)),
                  *_paras(no_list_lines(r)), *_tables(t, "red_black_"), ("h2", "（二）区县排名"),
                  ("table", "counties", None), *_tables(t, "counties_below"),
                  ("figure", "county_scores", "区县综合得分（红色为红榜，深灰为黑榜）"),
                  ("h2", "（三）承办单位排名"), *_tables(t, "departments_"), ("h2", "（四）乡镇街道排名"),
                  *(_tables(t, "townships_") or [("p", "本月没有可排名的乡镇街道。")]),
                  ("h2", "（五）满意率与案件结构"), ("p", it.casemix_sentence(r)), *_tables(t, "casemix_"),
                  ("h2", "（六）考核完整性"), ("p", it.integrity_sentence(r)), *_tables(t, "integrity_")]),
        ("上月黑榜单位整改情况", [*_paras(it.followup_lines(r)), *_tables(t, "followup")]),
        ("典型案例", _paras([f"{i}. {it.case_line(c)}" for i, c in enumerate(r.cases, 1)])
                  or [("p", "本月未选定典型案例。")]),
        ("存在问题", _paras(_numbered(r.issues_text.splitlines() if r.issues_text else it.default_issues(r)))),
        ("工作要求", _paras(_numbered(r.requirements_text.splitlines() if r.requirements_text
                                  else it.default_requirements(r)))),
    ]  # fmt: skip
    blocks: list[Block] = []
    for i, (title, body) in enumerate(sections):
        blocks.append(("h1", f"{NUMERALS[i]}、{title}"))
        blocks += body
    return blocks


def _numbered(lines: list[str]) -> list[str]:
    """The office's lines as written when it numbered them; a generated draft numbered 1. 2. …"""
    lines = [line.strip() for line in lines if line.strip()]
    if any(line[:1].isdigit() or line[:1] in NUMERALS for line in lines):
        return lines
    return [f"{i}. {line}" for i, line in enumerate(lines, 1)] if len(lines) > 1 else lines


def record_lines(r: ReportData) -> tuple[str, list[str]]:
    """The bulletin's place in the published record (定榜), worded once for the PDF/HTML and the DOCX: the stamp
    under the masthead, then for a corrected month when, why and what changed, and a note when the volume
    breakdowns (today's orders) count other orders than the published totals."""
    rec = r.record
    stamp = rec.get("stamp") or "未定榜"
    if not rec.get("published"):
        stamp += "（考核结果尚未发布，以下数字可能随后续数据变化）"
    lines = []
    if rec.get("corrected_on"):
        lines.append(
            f"更正说明：本通报为 {r.month} 考核结果的第 {rec['version']} 版，{rec['corrected_on']} 更正"
            f"（原于 {rec['published_on']} 定榜）。更正原因：{rec['reason']}。"
        )
        if rec.get("changes"):
            more = f"；另有 {rec['more_changes']} 项" if rec.get("more_changes") else ""
            lines.append(f"与上一版相比：{'；'.join(rec['changes'])}{more}。")
    if r.volume_note:
        lines.append(f"注：{r.volume_note}")
    return stamp, lines
