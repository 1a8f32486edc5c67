"""The tables of the issued bulletin's own sections, as typed cells (``reports.tables``): townships ranked
within their county, recurring problems (anonymised titles), warnings, case mix, targets and last month's
黑榜 follow-up. Shared by the HTML/PDF, the DOCX and the XLSX renderers, so all print the same numbers."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reports.tables import Cell, Table, ranking_table
from warehouse.registry import get_metric

if TYPE_CHECKING:
    from reports.assemble import ReportData

VERDICT = {"below": "低于预期", "above": "高于预期", "as_expected": "与预期相当", None: "样本不足"}


def _ratio(value: float | None) -> Cell:
    return Cell(None if value is None else f"{value:.3f}", "label")


def issued_tables(r: ReportData) -> dict[str, Table]:
    order = "综合" if r.ranked_by == "score" else get_metric(r.ranked_by).label_zh
    tables: dict[str, Table] = {}
    for i, (county, rows) in enumerate(r.townships):
        table = ranking_table(f"townships_{i}", f"乡镇街道{order}排名（{county}）", rows, "乡镇街道", r.ranked_by)
        last = i == len(r.townships) - 1  # the long legend once, under the last township table
        tables[f"townships_{i}"] = (
            table if last else replace(table, note="乡镇街道在所属区县内排名；说明见本节最后一表。")
        )
    if r.problems:
        tables["problems"] = Table(
            "problems", "反复出现的问题（一类问题）",
            ("问题", "工单（件）", "本月（件）", "首次受理", "最近受理", "承办单位", "已办结", "已解决", "满意/评价"),
            [(Cell(p["title"]), Cell(p["order_count"], "count"), Cell(p["period_order_count"], "count"),
              Cell(p["first_date"].isoformat(), "label"), Cell(p["last_date"].isoformat(), "label"),
              Cell(p["departments"]), Cell(p["closed_count"], "count"), Cell(p["resolved_count"], "count"),
              Cell(f"{p['satisfied_count']}/{p['satisfaction_answered_count']}", "label")) for p in r.problems],
            note="同一乡镇街道、同一地点（小区、道路、村或场所）、内容相近的工单归为一类；标题只写乡镇街道和地点类型。",
            widths=(27, 7, 7, 10, 10, 17, 6, 6, 10),
        )  # fmt: skip
    if r.alerts:
        tables["alerts"] = Table(
            "alerts", "受理量异常升高（预警）", ("区县", "一级分类", "二级分类", "日期", "受理（件）", "预期（件）", "超出（件）"),
            [(Cell(a["county"] or "（未填区县）"), Cell(a["category_l1"]), Cell(a["category_l2"]),
              Cell(a["start_date"].isoformat() + ("" if a["end_date"] == a["start_date"] else f" 至 {a['end_date']:%m-%d}"),
                   "label"),
              Cell(a["observed_count"], "count"), Cell(f"{a['expected_count']:.1f}", "label"),
              Cell(f"{a['excess_count']:.1f}", "label")) for a in r.alerts],
            widths=(13, 14, 14, 21, 12, 13, 13),
        )  # fmt: skip
    if r.targets:
        tables["targets"] = Table(
            "targets", "考核目标达成情况", ("指标", "目标", "全市本月", "全市", "达标区县", "达标承办单位"),
            [(Cell(get_metric(x["key"]).label_zh), Cell(x["target"], "pct"), Cell(x["city"], "pct"),
              Cell({True: "达标", False: "未达标", None: "—"}[x["city_meets"]], "label"),
              Cell(f"{x['county_meeting']}/{x['county_judged']}", "label"),
              Cell(f"{x['department_meeting']}/{x['department_judged']}", "label")) for x in r.targets],
            note="达标单位数为达到本组目标的单位数/有该项数据的单位数；比较用精确值。", widths=(20, 12, 16, 12, 18, 22),
        )  # fmt: skip
    for level, label in (("county", "区县"), ("department", "承办单位")):
        rows = r.casemix.get(level) or []
        if rows:
            tables[f"casemix_{level}"] = Table(
                f"casemix_{level}", f"满意率与案件结构（{label}）",
                ("单位", "满意率", "按案件结构预期", "实际/预期", "95%区间", "判断"),
                [(Cell(x["unit"]), Cell(x["satisfaction_rate"], "pct"), Cell(x["expected_satisfaction_rate"], "pct"),
                  _ratio(x["satisfaction_oe"]),
                  Cell(f"{x['satisfaction_oe_low']:.3f}–{x['satisfaction_oe_high']:.3f}", "label"),
                  Cell(VERDICT[x["casemix_verdict"]], "label")) for x in rows],
                note="只列明显低于或高于预期的单位；预期按全市同类诉求（二级分类 × 诉求类型）的满意率推算，不替代官方满意率。",
                widths=(30, 12, 16, 12, 18, 12),
            )  # fmt: skip
    tables.update(integrity_tables(r))
    if r.followup:
        by = "得分" if r.ranked_by == "score" else get_metric(r.ranked_by).label_zh
        value = "score" if r.ranked_by == "score" else "pct"
        tables["followup"] = Table(
            "followup", "上月黑榜单位本月情况", ("层级", "单位", "上月名次", f"上月{by}", "本月名次", f"本月{by}", "黑榜"),
            [(Cell(x["level_label"], "label"), Cell(x["unit"]), Cell(x["previous_rank"], "count"),
              Cell(x["previous_value"], value), Cell(x["rank"], "count") if x["rank"] is not None else Cell("—", "label"),
              Cell(x["value"], value, "†" if x["incomplete"] else ""),
              Cell("仍在" if x["still_black"] else ("退出" if x["present"] else "—"), "label")) for x in r.followup],
            note="标 † 的本月数据尚未完整。", widths=(12, 30, 11, 12, 11, 12, 12),
        )  # fmt: skip
    return tables


INTEGRITY_RATES = ("exclusion_rate", "first_satisfaction_rate", "final_satisfaction_rate", "actual_solve_rate")


def integrity_tables(r: ReportData) -> dict[str, Table]:
    """考核完整性 per level: invalid, exempt, the exclusion rate, first and final satisfaction, the actually
    solved share and the 排除偏多 flag of every unit; no table when the source carries none of them."""
    tables: dict[str, Table] = {}
    departments = [row for _, rows in r.departments for row in rows]
    for level, label, rows in (("county", "区县", r.counties), ("department", "承办单位", departments)):
        keys = ("invalid_count", "exempt_count", *INTEGRITY_RATES)
        if not any(row.get(k) is not None for row in rows for k in keys):
            continue
        tables[f"integrity_{level}"] = Table(
            f"integrity_{level}", f"考核完整性（{label}）",
            ("单位", "无效（件）", "豁免（件）", "不计入考核率", "首次满意率", "最终满意率", "实际解决占比", "标记"),
            [(Cell(x["unit"]), Cell(x["invalid_count"], "count"), Cell(x["exempt_count"], "count"),
              *(Cell(x[k], "pct") for k in INTEGRITY_RATES),
              Cell("排除偏多" if x["exclusion_flag"] else "", "label")) for x in rows],
            note="不计入考核率 = (无效 + 豁免) ÷ 可计派单；首次满意率为首办工单本身的评价，最终满意率为重办后的最后一次评价；"
            "实际解决占比 = 答复归为实际解决的 ÷ 有答复的办结量；“—”为数据来源不含该字段。",
            widths=(26, 10, 10, 12, 11, 11, 12, 8),
        )  # fmt: skip
    return tables
