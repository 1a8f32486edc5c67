"""The bulletin's Chinese sentences, written from the numbers (pure functions, no I/O).

Number style follows Chinese statistical bulletins: thousands separators, rates in per cent with one
decimal, scores with two, rounding half up (四舍五入). A change is the warehouse's
(``warehouse.scoring.change``): computed from the exact values and rounded once, the same figure the
dashboard shows — so it can differ by 0.1 from the difference of the two printed rates, and the notes
say so. While the month is incomplete, lagging figures are compared with last month *as it stood at the
same age* ("比上月同一时点"), and the sentence says that too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labels import lists_rule, missing_fields
from reports.compare import targets_sentence, yoy_sentence
from reports.formatting import (
    DASH,
    RATE_NAMES,
    count_change,
    fmt_count,
    fmt_pct,
    fmt_score,
    rate_change,
    score_change,
)
from warehouse.fields import FIELD_BY_NAME
from warehouse.registry import FIELD_INPUTS, depends_on_time, get_metric

if TYPE_CHECKING:
    from reports.assemble import ReportData

FIELD_NAMES = {name: field.label_zh for name, field in FIELD_BY_NAME.items()}


def _join(parts: list[str]) -> str:
    return "，".join(p for p in parts if p)


def _list(items: list[str]) -> str:
    return "、".join(items[:-1]) + ("和" if len(items) > 1 else "") + items[-1] if items else ""


def _same_age(r: ReportData, key: str) -> bool:
    """Is last month's figure taken as it stood at this month's age (it depends on events after dispatch)?"""
    return r.comparison.get("cutoff") is not None and depends_on_time(key)


def _rc(r: ReportData, key: str) -> str:
    """The change of a rate (or the score) against last month, as the warehouse computed it."""
    diff = r.comparison.get("changes", {}).get(key)
    return score_change(diff, _same_age(r, key)) if key == "score" else rate_change(diff, _same_age(r, key))


def _cc(r: ReportData, key: str) -> str:
    return count_change(r.comparison.get("growth", {}).get(key))


def overview(r: ReportData) -> list[str]:
    t = r.totals
    volume = _join(
        [f"{r.month_label}，全市12345热线共受理群众诉求 {fmt_count(t['received_count'])} 件", _cc(r, "received_count")]
    )
    direct = _join(
        [
            f"其中直接答复 {fmt_count(t['direct_answer_count'])} 件",
            f"直接答复率 {fmt_pct(t['direct_answer_rate'])}",
            _rc(r, "direct_answer_rate"),
        ]
    )
    if t["direct_answer_rate"] is None:  # no dispatch time of the source's own (absent, or the receipt column)
        direct = "数据来源无法区分直接答复与派单，直接答复量和直接答复率以“—”表示（不是 0）"
    dispatched = (
        f"派单至承办单位办理 {fmt_count(t['dispatched_count'])} 件，其中纳入考核 {fmt_count(t['assessed_count'])} 件"
        f"（无效 {fmt_count(t['invalid_count'])} 件、考核豁免 {fmt_count(t['exempt_count'])} 件不计入考核）"
    )
    first = f"{volume}。{direct}；{dispatched}。"
    channels = "；".join(
        f"{c['name']} {fmt_count(c['received_count'])} 件，占 {fmt_pct(c['share'])}" for c in r.channels
    )
    types = "；".join(
        f"{c['name']}类 {fmt_count(c['received_count'])} 件，占 {fmt_pct(c['share'])}" for c in r.appeal_types[:4]
    )
    second = f"从受理渠道看，{channels}。从诉求类型看，{types}。" if channels else ""
    rates = "；".join(_join([f"{name} {fmt_pct(t[key])}", _rc(r, key)]) for key, name in RATE_NAMES)
    score = _join([f"全市综合得分 {fmt_score(t['score'])} 分", _rc(r, "score")])
    if t["score"] is None:
        score = "全市综合得分无法计算（所含各率来源数据都无法提供）"
    third = f"考核工单{rates}；{score}。"
    fourth = "".join(x for x in (targets_sentence(r), yoy_sentence(r)) if x)
    return [s for s in (first, second, third, fourth, *data_notes(r)) if s]


def data_notes(r: ReportData) -> list[str]:
    """What the reader must know before comparing: rates the source cannot supply, an incomplete month."""
    notes = []
    missing = [k for k in FIELD_INPUTS if k in (r.totals.get("missing_rates") or "").split(",")]
    if missing:
        fields = missing_fields(missing)
        names = "、".join(get_metric(k).label_zh for k in missing)
        notes.append(f"本期数据来源不含{fields}，{names}无法计算，本通报以“—”表示（不是 0），并从综合得分中去掉。")
    if r.comparison.get("incomplete"):
        cutoff = r.comparison.get("cutoff")
        same = f"与上月比较时，上月按同一时点（截至 {cutoff:%Y-%m-%d %H:%M}）的数据计算。" if cutoff else ""
        notes.append(
            f"本月数据截止时距月末不足 {r.settings.get('maturity_days')} 天，办结、按时办结、超期、回访、解决、满意等"
            f"滞后指标尚未完整（表中标“未完整”）；{same}"
        )
    return notes


def hot_topics(r: ReportData) -> list[str]:
    if not r.categories:
        return ["本月无分类诉求数据。"]
    top = "；".join(
        f"{c['category_l2']}（{c['category_l1']}）{fmt_count(c['received_count'])} 件，占 {fmt_pct(c['share'])}"
        for c in r.categories[:3]
    )
    n = len(r.categories)
    top_sum = sum(c["received_count"] for c in r.categories)
    share = top_sum / r.totals["received_count"] if r.totals["received_count"] else None
    first = (
        f"本月诉求量居前{'三' if n >= 3 else ''}位的问题是：{top}。"
        f"前 {n} 位问题合计 {fmt_count(top_sum)} 件，占受理总量的 {fmt_pct(share)}。"
    )
    if r.prev_totals is None:
        return [first, "上月无数据，不作环比比较。"]
    if not r.risers:
        return [first, "与上月相比，各类问题诉求量均未增加。"]
    risers = "；".join(
        _join(
            [
                f"{c['category_l2']}（{c['category_l1']}）增加 {fmt_count(c['increase'])} 件",
                f"增长 {fmt_pct(c['growth'])}" if c["growth"] is not None else "上月无此类诉求",
            ]
        )
        for c in r.risers[:3]
    )
    return [first, f"与上月相比，增加最多的是：{risers}。请相关单位关注。"]


def handling(r: ReportData) -> list[str]:
    t = r.totals
    as_of = f"截至数据截止时间 {r.as_of[:16]}" if r.as_of else "截至目前"
    first = _join(
        [
            f"本月纳入考核的工单 {fmt_count(t['assessed_count'])} 件，已办结 {fmt_count(t['closed_count'])} 件",
            f"按时办结率 {fmt_pct(t['on_time_rate'])}（按时办结 {fmt_count(t['closed_on_time_count'])} 件，"
            f"应办结 {fmt_count(t['on_time_due_count'])} 件）",
            _rc(r, "on_time_rate"),
        ]
    )
    if t.get("on_time_warning"):
        first += f"（其中 {fmt_pct(t['derived_due_share'])} 的办理时限为本系统推算，导出中没有）"
    first += f"；{as_of}，超期未办结 {fmt_count(t['overdue_open_count'])} 件"
    prev_overdue = (r.prev_totals or {}).get("overdue_open_count")
    if prev_overdue is not None and t["overdue_open_count"] is not None:
        first += f"（上月{'同一时点' if _same_age(r, 'overdue_open_count') else ''} {fmt_count(prev_overdue)} 件）"
    second = _join(
        [f"退单 {fmt_count(t['returned_count'])} 件，退单率 {fmt_pct(t['return_rate'])}", _rc(r, "return_rate")]
    )
    if r.overdue_units:
        u = r.overdue_units[0]
        second += f"；超期未办结最多的承办单位是{u['unit']}（{fmt_count(u['overdue_open_count'])} 件）"
    if r.returned_units:
        u = r.returned_units[0]
        second += f"；退单最多的是{u['unit']}（{fmt_count(u['returned_count'])} 件）"
    third = (
        _join(
            [f"回访 {fmt_count(t['callback_count'])} 件，回访率 {fmt_pct(t['callback_rate'])}", _rc(r, "callback_rate")]
        )
        + "。"
        f"有效评价中满意 {fmt_count(t['satisfied_count'])} 件、基本满意 {fmt_count(t['basically_satisfied_count'])} 件、"
        f"不满意 {fmt_count(t['dissatisfied_count'])} 件，"
        + _join([f"满意率 {fmt_pct(t['satisfaction_rate'])}", _rc(r, "satisfaction_rate")])
        + f"；已解决 {fmt_count(t['resolved_count'])} 件、部分解决 {fmt_count(t['partially_resolved_count'])} 件、"
        f"未解决 {fmt_count(t['unresolved_count'])} 件，"
        + _join([f"解决率 {fmt_pct(t['resolution_rate'])}", _rc(r, "resolution_rate")])
        + f"。重复诉求 {fmt_count(t['repeat_count'])} 件，重复诉求率 {fmt_pct(t['repeat_rate'])}。"
    )
    return [first + "。", second + "。", third]


def _sample(x: dict[str, Any], by: str) -> str:
    """'考核工单 21 件' (or the ranked rate's denominator): printed beside every unit a headline names."""
    if by == "score":
        return f"考核工单 {fmt_count(x['assessed_count'])} 件"
    den = get_metric(by).denominator or ""
    return f"{get_metric(den).label_zh} {fmt_count(x.get(den))} 件"


def _figure(x: dict[str, Any], by: str) -> str:
    return f"{fmt_score(x['score'])} 分" if by == "score" else fmt_pct(x[by])


def ranking_summary(rows: list[dict[str, Any]], what: str, by: str = "score") -> str:
    """One sentence on a league table: the top three, the last (only when it is alone there), the biggest
    climber and faller — each with its sample size, so a small unit never heads a sentence unqualified."""
    name = "综合得分" if by == "score" else get_metric(by).label_zh
    ranked = [x for x in rows if x["rank"] is not None]
    lacking = [x for x in rows if x.get("unranked_reason") == "not_available"]
    if not ranked:
        if lacking:
            return f"{what}本月无法按{name}排名：来源数据不含所需字段，{name}无法计算（见上文说明）。"
        return f"{what}本月无单位达到排名所需的考核工单量。"
    top = "、".join(f"第 {x['rank']} 名{x['unit']}（{_figure(x, by)}，{_sample(x, by)}）" for x in ranked[:3])
    parts = [f"{what}{name}{top}"]
    last = ranked[-1]
    at_bottom = [x for x in ranked if x["rank"] == last["rank"]]
    if len(at_bottom) == len(ranked):
        parts.append(f"{len(ranked)} 个单位{name}相同，并列第 1 名，不分先后")
    elif len(ranked) > 3 and len(at_bottom) == 1:
        parts.append(f"末位为{last['unit']}（第 {last['rank']} 名，{_figure(last, by)}，{_sample(last, by)}）")
    elif len(ranked) > 3:
        parts.append(f"末位有 {len(at_bottom)} 个单位并列第 {last['rank']} 名（{_figure(last, by)}）")
    moved = [x for x in ranked if x["rank_change"]]
    for word, sign, pick in (("名次上升最多的是", 1, max), ("下降最多的是", -1, min)):
        best = pick((x["rank_change"] for x in moved), default=0)
        if sign * best > 0:
            tied = [x for x in moved if x["rank_change"] == best]
            names = "、".join(f"{x['unit']}（{_sample(x, by)}）" for x in tied)
            parts.append(
                f"{word}{names}，{'均' if len(tied) > 1 else ''}{'上升' if sign > 0 else '下降'} {abs(best)} 位"
            )
    small = sum(x.get("unranked_reason") == "small_sample" for x in rows)
    text = "；".join(parts) + "。"
    if small:
        text += f"另有 {small} 个单位考核工单不足，列出但不排名。"
    if lacking:
        text += f"另有 {len(lacking)} 个单位来源数据不含所需字段，{name}无法计算，不排名。"
    return text


def rankings(r: ReportData) -> list[str]:
    by = r.ranked_by
    out = [ranking_summary(r.counties, "区县", by)]
    many = len(r.departments) > 1
    out += [ranking_summary(rows, f"承办单位（{group}）" if many else "承办单位", by) for group, rows in r.departments]
    return out


def build_narrative(r: ReportData) -> dict[str, list[str]]:
    """Paragraphs per section, keyed like the template's sections."""
    return {"overview": overview(r), "hot": hot_topics(r), "handling": handling(r), "ranking": rankings(r)}


def score_formula(s: dict[str, Any]) -> str:
    """综合得分 in words for the public, from the weights actually used."""
    w = {k: v for k, v in (s.get("composite_weights") or {}).items() if v}
    names = {"response": "响应率", "on_time": "按时办结率", "resolution": "解决率", "satisfaction": "满意率"}
    total = sum(w.values()) or 1
    terms = " + ".join(f"{names[k]} × {_num(100 * v / total)}%" for k, v in w.items())
    return f"100 ×（{terms}），满分 100 分；某项指标当月无有效评价时，按其余指标的权重重新折算。"


def describe_settings(s: dict[str, Any]) -> list[tuple[str, str]]:
    """The settings the figures were computed with, as (label, value) lines for the bulletin's notes."""
    limits = s.get("response_limit_hours") or {}
    urgent = limits.get("紧急", s.get("response_limit_default_hours"))
    workdays = s.get("due_workdays_by_type") or {}
    by_type = "；".join(f"{k} {v} 个工作日" for k, v in workdays.items())
    w = s.get("composite_weights") or {}
    names = {"response": "响应率", "on_time": "按时办结率", "resolution": "解决率", "satisfaction": "满意率"}
    total = sum(w.values()) or 1
    weights = "，".join(f"{names[k]} {_num(100 * v / total)}%" for k, v in w.items() if v)
    targets = {k: v for k, v in (s.get("targets") or {}).items() if not isinstance(v, dict)}
    return [
        ("响应时限", f"紧急 {_num(urgent)} 小时，其他 {_num(s.get('response_limit_default_hours'))} 小时（自然时间）"),
        (
            "办理时限推算",
            f"导出无办理时限时：紧急 {_num(s.get('urgent_due_hours'))} 小时；{by_type}；"
            f"其他 {s.get('due_workdays_default')} 个工作日（法定工作日，含调休）",
        ),
        ("综合得分权重", weights),
        (
            "评价计分",
            f"部分解决按 {_num(s.get('partial_resolution_weight'))} 件计入解决；"
            f"基本满意按 {_num(s.get('basic_satisfaction_weight'))} 件计入满意",
        ),
        ("排名规则", f"考核工单少于 {s.get('min_sample')} 件的单位列出但不排名；并列同名次"),
        ("红黑榜", lists_rule(s, "zh").split("：", 1)[1]),
        ("目标", "；".join(f"{names[k]} ≥ {_num(100 * v)}%" for k, v in targets.items()) or "未设"),
        ("成熟期", f"期末后 {s.get('maturity_days')} 天；未满时滞后指标标“未完整”，与上月按同一时点比较"),
        ("重复诉求", f"同一来电号码、同一二级分类 {s.get('repeat_window_days')} 天内再次来电"),
        ("数据截止时间", s.get("as_of") or "自动取已导入工单中最晚的事件时间"),
    ]


def _num(value: float | None) -> str:
    """2.0 -> '2', 0.5 -> '0.5'."""
    if value is None:
        return DASH
    return f"{float(value):g}"
