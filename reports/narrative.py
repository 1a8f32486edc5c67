"""The bulletin's Chinese sentences, written from the numbers (pure functions, no I/O).

Number style follows Chinese statistical bulletins: thousands separators, rates in per cent with one
decimal, scores with two, rounding half up (四舍五入). A change in percentage points is the difference
of the two *printed* rates, so "满意率 93.1%，比上月提高 1.2 个百分点" always agrees with last month's
printed 91.9% — a reader checking the table never finds a rounding discrepancy.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reports.assemble import ReportData

DASH = "—"
RATE_NAMES = (
    ("response_rate", "响应率"),
    ("on_time_rate", "按时办结率"),
    ("resolution_rate", "解决率"),
    ("satisfaction_rate", "满意率"),
)


def _decimal(value: float, places: str, scale: int = 1) -> Decimal:
    """Half-up rounding of the shortest decimal that round-trips the float (0.0125 -> 1.3%, not 1.2%)."""
    return (Decimal(repr(float(value))) * scale).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def fmt_count(n: float | None) -> str:
    return DASH if n is None else f"{int(n):,}"


def fmt_pct(rate: float | None) -> str:
    """0.93149 -> '93.1%'; no denominator -> '—'."""
    return DASH if rate is None else f"{_decimal(rate, '0.1', 100)}%"


def fmt_score(score: float | None) -> str:
    return DASH if score is None else str(_decimal(score, "0.01"))


def pp_change(rate: float | None, prev: float | None) -> Decimal | None:
    """Percentage points between the two printed rates; None when either is missing."""
    if rate is None or prev is None:
        return None
    return _decimal(rate, "0.1", 100) - _decimal(prev, "0.1", 100)


def rate_change(rate: float | None, prev: float | None) -> str:
    """'比上月提高 1.2 个百分点' / '比上月下降 0.3 个百分点' / '与上月持平'; '' without a comparison."""
    diff = pp_change(rate, prev)
    if diff is None:
        return ""
    if diff == 0:
        return "与上月持平"
    return f"比上月{'提高' if diff > 0 else '下降'} {abs(diff)} 个百分点"


def score_change(score: float | None, prev: float | None) -> str:
    if score is None or prev is None:
        return ""
    diff = _decimal(score, "0.01") - _decimal(prev, "0.01")
    if diff == 0:
        return "与上月持平"
    return f"比上月{'提高' if diff > 0 else '下降'} {abs(diff)} 分"


def count_change(count: int | None, prev: int | None) -> str:
    """'环比增长 3.4%' / '环比下降 7.1%' / '与上月持平'; '' when last month had none to compare with."""
    if count is None or not prev:
        return ""
    growth = _decimal((count - prev) / prev, "0.1", 100)
    if growth == 0:
        return "与上月持平"
    return f"环比{'增长' if growth > 0 else '下降'} {abs(growth)}%"


def rank_change_mark(change: int | None) -> str:
    """Table cell: '↑2', '↓1', '持平', or '—' when the unit was not ranked last month."""
    if change is None:
        return DASH
    if change == 0:
        return "持平"
    return f"↑{change}" if change > 0 else f"↓{-change}"


def _join(parts: list[str]) -> str:
    return "，".join(p for p in parts if p)


def _list(items: list[str]) -> str:
    return "、".join(items[:-1]) + ("和" if len(items) > 1 else "") + items[-1] if items else ""


def overview(r: ReportData) -> list[str]:
    t, p = r.totals, r.prev_totals or {}
    volume = _join(
        [
            f"{r.month_label}，全市12345热线共受理群众诉求 {fmt_count(t['received_count'])} 件",
            count_change(t["received_count"], p.get("received_count")),
        ]
    )
    direct = _join(
        [
            f"其中直接答复 {fmt_count(t['direct_answer_count'])} 件",
            f"直接答复率 {fmt_pct(t['direct_answer_rate'])}",
            rate_change(t["direct_answer_rate"], p.get("direct_answer_rate")),
        ]
    )
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
    rates = "；".join(_join([f"{name} {fmt_pct(t[key])}", rate_change(t[key], p.get(key))]) for key, name in RATE_NAMES)
    score = _join([f"全市综合得分 {fmt_score(t['score'])} 分", score_change(t["score"], p.get("score"))])
    third = f"考核工单{rates}；{score}。"
    return [s for s in (first, second, third) if s]


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
    t, p = r.totals, r.prev_totals or {}
    as_of = f"截至数据截止时间 {r.as_of[:16]}" if r.as_of else "截至目前"
    first = _join(
        [
            f"本月纳入考核的工单 {fmt_count(t['assessed_count'])} 件，已办结 {fmt_count(t['closed_count'])} 件",
            f"按时办结率 {fmt_pct(t['on_time_rate'])}（按时办结 {fmt_count(t['closed_on_time_count'])} 件，"
            f"应办结 {fmt_count(t['on_time_due_count'])} 件）",
            rate_change(t["on_time_rate"], p.get("on_time_rate")),
        ]
    )
    first += f"；{as_of}，超期未办结 {fmt_count(t['overdue_open_count'])} 件。"
    second = _join(
        [
            f"退单 {fmt_count(t['returned_count'])} 件，退单率 {fmt_pct(t['return_rate'])}",
            rate_change(t["return_rate"], p.get("return_rate")),
        ]
    )
    if r.overdue_units:
        u = r.overdue_units[0]
        second += f"；超期未办结最多的承办单位是{u['unit']}（{fmt_count(u['overdue_open_count'])} 件）"
    if r.returned_units:
        u = r.returned_units[0]
        second += f"；退单最多的是{u['unit']}（{fmt_count(u['returned_count'])} 件）"
    third = (
        f"回访 {fmt_count(t['callback_count'])} 件，回访率 {fmt_pct(t['callback_rate'])}。"
        f"有效评价中满意 {fmt_count(t['satisfied_count'])} 件、基本满意 {fmt_count(t['basically_satisfied_count'])} 件、"
        f"不满意 {fmt_count(t['dissatisfied_count'])} 件，"
        + _join(
            [
                f"满意率 {fmt_pct(t['satisfaction_rate'])}",
                rate_change(t["satisfaction_rate"], p.get("satisfaction_rate")),
            ]
        )
        + f"；已解决 {fmt_count(t['resolved_count'])} 件、部分解决 {fmt_count(t['partially_resolved_count'])} 件、"
        f"未解决 {fmt_count(t['unresolved_count'])} 件，"
        + _join(
            [f"解决率 {fmt_pct(t['resolution_rate'])}", rate_change(t["resolution_rate"], p.get("resolution_rate"))]
        )
        + f"。重复诉求 {fmt_count(t['repeat_count'])} 件，重复诉求率 {fmt_pct(t['repeat_rate'])}。"
    )
    return [first, second + "。", third]


def ranking_summary(rows: list[dict[str, Any]], what: str) -> str:
    """One sentence on a league table: the top three, the last, the biggest climber and faller."""
    ranked = [x for x in rows if x["rank"] is not None]
    if not ranked:
        return f"{what}本月无单位达到排名所需的考核工单量。"
    top = "、".join(f"第 {x['rank']} 名{x['unit']}（{fmt_score(x['score'])} 分）" for x in ranked[:3])
    parts = [f"{what}综合得分{top}"]
    if len(ranked) > 3:
        last = ranked[-1]
        parts.append(f"末位为{last['unit']}（第 {last['rank']} 名，{fmt_score(last['score'])} 分）")
    moved = [x for x in ranked if x["rank_change"]]
    up = max(moved, key=lambda x: (x["rank_change"], -x["rank"]), default=None)
    down = min(moved, key=lambda x: (x["rank_change"], x["rank"]), default=None)
    if up and up["rank_change"] > 0:
        parts.append(f"名次上升最多的是{up['unit']}（上升 {up['rank_change']} 位）")
    if down and down["rank_change"] < 0:
        parts.append(f"下降最多的是{down['unit']}（下降 {-down['rank_change']} 位）")
    unranked = len(rows) - len(ranked)
    text = "；".join(parts)
    return text + (f"。另有 {unranked} 个单位考核工单不足，列出但不排名。" if unranked else "。")


def rankings(r: ReportData) -> list[str]:
    out = [ranking_summary(r.counties, "区县")]
    many = len(r.departments) > 1
    out += [ranking_summary(rows, f"承办单位（{group}）" if many else "承办单位") for group, rows in r.departments]
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
        (
            "排名规则",
            f"考核工单少于 {s.get('min_sample')} 件的单位列出但不排名；红黑榜各取前、后 {s.get('red_black_size')} 名",
        ),
        ("重复诉求", f"同一来电号码、同一二级分类 {s.get('repeat_window_days')} 天内再次来电"),
        ("数据截止时间", s.get("as_of") or "自动取已导入工单中最晚的事件时间"),
    ]


def _num(value: float | None) -> str:
    """2.0 -> '2', 0.5 -> '0.5'."""
    if value is None:
        return DASH
    return f"{float(value):g}"
