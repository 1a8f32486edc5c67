"""Sentences of the issued bulletin's own sections, written from the numbers (pure functions, no I/O):
targets, recurring problems, warnings, case mix, last month's 黑榜, typical cases, and — when the office
has not written them — a first draft of 存在问题 and 工作要求 built from the same facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports.formatting import fmt_count, fmt_pct
from warehouse.integrity import redo_gap
from warehouse.registry import get_metric

if TYPE_CHECKING:
    from reports.assemble import ReportData

APPEAL_VERB = {"咨询": "咨询", "求助": "求助", "投诉": "投诉", "举报": "举报", "建议": "建议", "表扬": "表扬"}


def targets_sentence(r: ReportData) -> str:
    """How many units meet each target (the city's own standing is in 总体情况)."""
    if not r.targets:
        return "本期未设考核目标。"
    units = "；".join(
        f"{get_metric(x['key']).label_zh}（目标 {fmt_pct(x['target'])}）达标的区县 {x['county_meeting']} 个"
        f"（共 {x['county_judged']} 个有该项数据）、承办单位 {x['department_meeting']} 个（共 {x['department_judged']} 个）"
        for x in r.targets
    )
    return f"各单位对照所在分组的目标：{units}。"


def problems_sentence(r: ReportData) -> str:
    if not r.problems:
        return "本月没有达到条件的反复出现的问题。"
    total = sum(p["order_count"] for p in r.problems)
    top = r.problems[0]
    return (
        f"按同一地点、同一问题归并，本月反复出现的问题列前 {len(r.problems)} 类，涉及工单 {fmt_count(total)} 件；"
        f"最多的是「{top['title']}」，{fmt_count(top['order_count'])} 件（本月 {fmt_count(top['period_order_count'])} 件），"
        f"已办结 {fmt_count(top['closed_count'])} 件、已解决 {fmt_count(top['resolved_count'])} 件。"
        "地点只写到乡镇街道和地点类型，不公布小区、道路名称。"
    )


def alerts_sentence(r: ReportData) -> str:
    if not r.alerts:
        return "本月没有哪个区县的某类诉求出现异常激增。"
    biggest = max(r.alerts, key=lambda a: a["excess_count"])
    return (
        f"本月预警 {len(r.alerts)} 次（某区县某类诉求的日受理量明显高于按历史推算的预期）；"
        f"最大的一次是{biggest['county'] or '（未填区县）'}{biggest['category_l2'] or ''}，"
        f"{biggest['start_date']:%m月%d日}起受理 {fmt_count(biggest['observed_count'])} 件，预期约 "
        f"{biggest['expected_count']:.1f} 件。"
    )


def casemix_sentence(r: ReportData) -> str:
    below = [x for rows in r.casemix.values() for x in rows if x["casemix_verdict"] == "below"]
    above = [x for rows in r.casemix.values() for x in rows if x["casemix_verdict"] == "above"]
    if not below and not above:
        return "考虑各单位所办诉求的类型结构后，本月没有单位的满意率明显低于或高于同类诉求的全市水平。"
    text = "考虑所办诉求的类型结构（二级分类 × 诉求类型）后："
    if below:
        text += "、".join(x["unit"] for x in below) + "的满意率明显低于同类诉求的全市水平；"
    if above:
        text += "、".join(x["unit"] for x in above) + "明显高于；"
    return text + "此项为辅助分析，不改变官方满意率和排名。"


def integrity_sentence(r: ReportData) -> str:
    """Who excluded far more than its group, and whose redos hid a poor first verdict (issue 20)."""
    rows = [*r.counties, *(row for _, rows in r.departments for row in rows)]
    parts = []
    for x in rows:
        if x.get("exclusion_flag"):
            times = x.get("exclusion_times_median")
            parts.append(
                f"{x['unit']}不计入考核（无效、豁免）的工单占 {fmt_pct(x['exclusion_rate'])}，为本组中位数"
                f"（{fmt_pct(x['exclusion_group_median'])}）的 {'—' if times is None else f'{times:.1f}'} 倍"
            )
    flagged = len(parts)
    for x in (x for x in rows if redo_gap(x, int(r.settings.get("min_sample") or 0))):
        parts.append(
            f"{x['unit']}首次满意率 {fmt_pct(x['first_satisfaction_rate'])}，重办后最终满意率 "
            f"{fmt_pct(x['final_satisfaction_rate'])}"
        )
    if not parts:
        return "本月没有单位的排除比例明显高于本组，也没有单位重办后的最终满意率明显高于首次满意率。"
    asks = [a for a, hit in (("排除依据", flagged), ("首次办理未获满意的原因", len(parts) > flagged)) if hit]
    return "；".join(parts) + f"。请相关单位核查{'和'.join(asks)}。"


def followup_lines(r: ReportData) -> list[str]:
    """One sentence on last month's 黑榜 (the table beside it has every unit's ranks and figures)."""
    if not r.followup:
        return ["上月各排名组均未设黑榜，本月无需通报整改情况。"]
    left = [x["unit"] for x in r.followup if x["present"] and not x["still_black"]]
    stayed = [x["unit"] for x in r.followup if x["still_black"]]
    absent = [x["unit"] for x in r.followup if not x["present"]]
    text = f"上月列入黑榜的单位 {len(r.followup)} 个"
    text += f"，本月{len(left)} 个退出黑榜（{'、'.join(left)}）" if left else "，本月无单位退出黑榜"
    text += f"，{len(stayed)} 个仍在黑榜（{'、'.join(stayed)}）" if stayed else ""
    text += f"，{len(absent)} 个本月无派单工单、无法比较（{'、'.join(absent)}）" if absent else ""
    incomplete = any(x["incomplete"] for x in r.followup)
    return [text + "。" + ("本月数据尚未完整，名次与得分可能变化。" if incomplete else "")]


def case_line(c: dict[str, Any]) -> str:
    """A typical case in the bulletin's words: when, where (township), what, who, how it ended."""
    where = f"{c['county'] or ''}{c['township'] or ''}" or "本市"
    what = c["category_l3"] or c["category_l2"] or "相关"
    verb = APPEAL_VERB.get(c["appeal_type"] or "", "反映")
    day = c["received_at"]
    text = (
        f"{day.month}月{day.day}日，{where}群众{verb}{what}问题（{c['category_l1'] or '—'}），派至{c['department']}办理"
    )
    if c["return_count"]:
        text += f"，其间退回 {c['return_count']} 次"
    if c["closed_at"] is not None and c["dispatched_at"] is not None:
        days = (c["closed_at"] - c["dispatched_at"]).total_seconds() / 86_400
        text += f"，{max(days, 0):.1f} 天后办结（{'按时' if c['is_closed_on_time'] else '超期'}）"
    else:
        text += "，截至数据截止时间尚未办结"
    answers = [a for a in (c["resolution"], c["satisfaction"]) if a]
    text += f"；回访结果：{'、'.join(answers)}。" if answers else "；尚无回访结果。"
    return text


def default_issues(r: ReportData) -> list[str]:
    """A first draft of 存在问题 from the month's facts, when the office has written none."""
    out = []
    black = [x["unit"] for e in r.red_black for x in e["black"]]
    if black:
        out.append(f"部分单位综合表现落后：{'、'.join(black)}本月列入黑榜。")
    if r.overdue_units:
        u = r.overdue_units[0]
        out.append(f"超期未办结问题仍然存在，{u['unit']}超期未办结 {fmt_count(u['overdue_open_count'])} 件。")
    if r.problems:
        out.append(f"同一地点反复出现的问题 {len(r.problems)} 类未能从源头解决，如「{r.problems[0]['title']}」。")
    below = [x["unit"] for rows in r.casemix.values() for x in rows if x["casemix_verdict"] == "below"]
    if below:
        out.append(f"{'、'.join(below)}的满意率低于同类诉求的全市水平。")
    return out or ["本月未发现需要专门指出的问题。"]


def default_requirements(r: ReportData) -> list[str]:
    """A first draft of 工作要求, when the office has written none."""
    out = ["各承办单位要对照本通报逐项查找原因，对超期未办结工单限期办结，杜绝推诿扯皮。"]
    if any(x["black"] for x in r.red_black):
        out.append("列入黑榜的单位要制定整改措施，下月通报将专门报告整改情况。")
    if r.problems:
        out.append("对反复出现的问题，属地乡镇街道和主管部门要建立台账，从“办好一件事”转向“解决一类问题”。")
    return out
