"""The one place that says what each metric means (STYLE §4).

Each key is the column name in the ``met_*`` tables and in the ranking output. ``where`` is the
predicate over ``fct_work_orders`` that selects the orders a count counts: drill-down lists orders
with it, and tests prove that summing it over the fact table gives the ``met_*`` column — so the
prose here, the SQL and the order lists cannot drift apart (the evidence-dev/sf311 lesson).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Level:
    """A ranked level; ``keys`` are the unit columns in fct/met tables (a fixed allow-list)."""

    name: str
    label_zh: str
    label_en: str
    keys: tuple[str, ...]

    @property
    def unit_col(self) -> str | None:
        return self.keys[-1] if self.keys else None

    def sql_identifiers(self) -> dict[str, str]:
        """Identifier fragments for the met_level_* templates."""
        return {
            "level": self.name,
            "keys": "".join(f"{k}, " for k in self.keys),
            "unit_filter": " AND ".join(f"{k} IS NOT NULL" for k in self.keys) or "TRUE",
        }


LEVELS: dict[str, Level] = {
    "county": Level("county", "区县", "County", ("county",)),
    "department": Level("department", "承办单位", "Department", ("department",)),
    "township": Level("township", "乡镇街道", "Township", ("county", "township")),
}
CITY = Level("city", "全市", "City", ())
# Not ranked: a department's orders within one county (the county leader's desk, issue 15), counted at
# the same grain as the ranked levels so its rates come from the same counts and the same rate function.
DEPARTMENT_IN_COUNTY = Level(
    "department_county", "区县内承办单位", "Department within a county", ("county", "department")
)
ALL_LEVELS: tuple[Level, ...] = (*LEVELS.values(), CITY, DEPARTMENT_IN_COUNTY)


def get_level(name: str) -> Level:
    if name not in LEVELS:
        raise ValueError(f"未知层级 {name!r}（可选 {', '.join(LEVELS)}）")
    return LEVELS[name]


@dataclass(frozen=True)
class Metric:
    key: str
    label_zh: str
    label_en: str
    unit: str  # count | weighted_count | ratio | points
    higher_is_better: bool | None
    definition_zh: str
    definition_en: str
    numerator: str | None = None
    denominator: str | None = None
    where: str | None = None  # fct_work_orders predicate: the orders this count counts
    date_basis: str = "dispatched"  # which date places an order in a day/month: dispatched | received
    settings: tuple[str, ...] = ()

    @property
    def is_rate(self) -> bool:
        return self.unit == "ratio"


def _count(key: str, zh: str, en: str, where: str, def_zh: str, def_en: str, **kw: Any) -> Metric:
    return Metric(key, zh, en, "count", None, def_zh, def_en, where=where, **kw)


def _rate(
    key: str,
    zh: str,
    en: str,
    num: str,
    den: str,
    better: bool,
    def_zh: str,
    def_en: str,
    settings: tuple[str, ...] = (),
) -> Metric:
    return Metric(key, zh, en, "ratio", better, def_zh, def_en, numerator=num, denominator=den, settings=settings)


_A = "is_assessed AND "
# A data table, one metric per block.
# fmt: off
METRICS: tuple[Metric, ...] = (
    _count("received_count", "受理量", "Orders received", "TRUE", "按受理时间计入当月的工单数（含直接答复）。",
           "Orders received in the period (by received_at), including those answered directly.",
           date_basis="received"),
    _count("direct_answer_count", "直接答复量", "Answered directly", "NOT is_dispatched", "受理后未派单、由热线直接答复的工单数（按受理时间）。",
           "Orders never dispatched, answered by the hotline itself (by received_at).", date_basis="received"),
    _count("dispatched_count", "派单量", "Dispatched", "is_dispatched", "按派单时间计入当月的派单数（含无效、豁免）。",
           "Orders dispatched in the period (by dispatched_at), invalid and exempt included."),
    _count("assessed_count", "考核工单量", "Assessed", "is_assessed", "派单且未被认定无效、未获豁免的工单数。",
           "Dispatched orders neither invalid nor exempt."),
    _count("excluded_count", "不计入考核量", "Excluded", "is_dispatched AND NOT is_assessed", "派单但无效或豁免的工单数 = 无效 + 豁免。",
           "Dispatched but invalid or exempt = invalid + exempt."),
    _count("invalid_count", "无效工单量", "Invalid", "exclusion_reason = 'invalid'", "是否有效 = 否 的派单工单（既无效又豁免的计为无效）。",
           "Dispatched orders marked invalid (an order both invalid and exempt counts as invalid)."),
    _count("exempt_count", "豁免工单量", "Exempt", "exclusion_reason = 'exempt'", "考核豁免 = 是 且有效的派单工单。",
           "Dispatched valid orders exempted after an approved appeal."),
    _count("responded_on_time_count", "按时响应量", "Responded in time", _A + "is_responded_on_time",
           "首次联系时间 − 派单时间 ≤ 响应时限（紧急 2 小时，其他 24 小时，自然时间）。",
           "responded_at − dispatched_at ≤ the limit (2 h urgent, else 24 h, calendar time).",
           settings=("response_limit_hours",)),
    _count("closed_count", "办结量", "Closed", _A + "is_closed", "有办结时间的考核工单数。", "Assessed orders with a closed_at."),
    _count("closed_on_time_count", "按时办结量", "Closed on time", _A + "is_closed_on_time", "办结时间 ≤ 办理时限（含延期；缺失时按规则推算）。",
           "closed_at ≤ due (extended when the export says so; derived when missing).", settings=("due_derivation",)),
    _count("on_time_due_count", "应办结量", "Due or closed", _A + "is_on_time_due", "已办结，或办理时限早于数据截止时间的考核工单数。",
           "Assessed orders closed, or whose due time is before the as-of time.",
           settings=("due_derivation", "as_of")),
    _count("overdue_open_count", "超期未办结量", "Overdue, open", _A + "is_overdue_open", "未办结且办理时限早于数据截止时间的考核工单数。",
           "Assessed orders not closed whose due time is before the as-of time.",
           settings=("due_derivation", "as_of")),
    _count("resolution_answered_count", "解决情况有效评价量", "Resolution answered", _A + "is_resolution_answered",
           "回访中给出 已解决/部分解决/未解决 的考核工单数。", "Assessed orders with a resolution answer (resolved, partly, unresolved)."),
    _count("resolved_count", "已解决量", "Resolved", "is_assessed AND resolution = '已解决'", "已解决。", "Resolved."),
    _count("partially_resolved_count", "部分解决量", "Partly resolved", "is_assessed AND resolution = '部分解决'", "部分解决。",
           "Partly resolved."),
    _count("unresolved_count", "未解决量", "Unresolved", "is_assessed AND resolution = '未解决'", "未解决。", "Unresolved."),
    Metric("resolved_weighted", "解决率分子", "Resolution numerator", "weighted_count", None, "已解决 + 部分解决 × 权重。",
           "resolved + partial_resolution_weight × partly resolved.", where=_A + "resolved_weight > 0",
           settings=("partial_resolution_weight",)),
    _count("satisfaction_answered_count", "满意度有效评价量", "Satisfaction answered", _A + "is_satisfaction_answered",
           "回访中给出 满意/基本满意/不满意 的考核工单数（未评价不计）。", "Assessed orders with a satisfaction answer (未评价 not counted)."),
    _count("satisfied_count", "满意量", "Satisfied", "is_assessed AND satisfaction = '满意'", "满意。", "Satisfied."),
    _count("basically_satisfied_count", "基本满意量", "Basically satisfied", "is_assessed AND satisfaction = '基本满意'",
           "基本满意。", "Basically satisfied."),
    _count("dissatisfied_count", "不满意量", "Dissatisfied", "is_assessed AND satisfaction = '不满意'", "不满意。",
           "Dissatisfied."),
    Metric("satisfied_weighted", "满意率分子", "Satisfaction numerator", "weighted_count", None, "满意 + 基本满意 × 权重。",
           "satisfied + basic_satisfaction_weight × basically satisfied.", where=_A + "satisfied_weight > 0",
           settings=("basic_satisfaction_weight",)),
    _count("returned_count", "退单量", "Returned", "is_dispatched AND is_returned", "退单次数 ≥ 1 的派单工单数（含无效、豁免）。",
           "Dispatched orders returned at least once."),
    _count("callback_count", "回访量", "Called back", _A + "is_closed AND has_callback", "已办结且有回访时间或回访评价的考核工单数。",
           "Closed assessed orders with a callback time or any callback answer."),
    _count("repeat_count", "重复诉求量", "Repeat complaints", _A + "is_repeat",
           "同一来电号码、同一二级分类，距上一件（任意单位）工单受理时间不超过窗口天数的考核工单。",
           "Assessed orders whose caller filed an order of the same category_l2 (any unit) within the window before.",
           settings=("repeat_window_days",)),
    _rate("response_rate", "响应率", "Response rate", "responded_on_time_count", "assessed_count", True,
          "按时响应量 ÷ 考核工单量。", "Responded in time ÷ assessed.", ("response_limit_hours",)),
    _rate("on_time_rate", "按时办结率", "On-time closure rate", "closed_on_time_count", "on_time_due_count", True,
          "按时办结量 ÷ 应办结量（已办结或已到期）。", "Closed on time ÷ (closed or past due).", ("due_derivation", "as_of")),
    _rate("resolution_rate", "解决率", "Resolution rate", "resolved_weighted", "resolution_answered_count", True,
          "(已解决 + 权重 × 部分解决) ÷ 有效评价量。", "(resolved + w × partly) ÷ answered.", ("partial_resolution_weight",)),
    _rate("satisfaction_rate", "满意率", "Satisfaction rate", "satisfied_weighted", "satisfaction_answered_count", True,
          "(满意 + 权重 × 基本满意) ÷ 有效评价量。", "(satisfied + w × basically satisfied) ÷ answered.",
          ("basic_satisfaction_weight",)),
    _rate("return_rate", "退单率", "Return rate", "returned_count", "dispatched_count", False, "退单量 ÷ 派单量。",
          "Returned ÷ dispatched."),
    _rate("callback_rate", "回访率", "Callback rate", "callback_count", "closed_count", True, "回访量 ÷ 办结量。",
          "Called back ÷ closed."),
    _rate("repeat_rate", "重复诉求率", "Repeat rate", "repeat_count", "assessed_count", False, "重复诉求量 ÷ 考核工单量。",
          "Repeat complaints ÷ assessed.", ("repeat_window_days",)),
    _rate("direct_answer_rate", "直接答复率", "Direct answer rate", "direct_answer_count", "received_count", True,
          "直接答复量 ÷ 受理量（按受理时间）。", "Answered directly ÷ received (by received_at)."),
    Metric("score", "综合得分", "Composite score", "points", True,
           "100 × Σ 权重 × 率 ÷ Σ 权重，只计分母不为 0 的率（其余权重重新归一，score_missing_rates 列出缺失项）。",
           "100 × Σ w·rate ÷ Σ w over the rates with a denominator (weights re-normalised; score_missing_rates names the missing ones).",
           settings=("composite_weights",)),
)
# fmt: on

METRIC_BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
RATES: tuple[Metric, ...] = tuple(m for m in METRICS if m.is_rate)
COUNT_KEYS: tuple[str, ...] = tuple(m.key for m in METRICS if m.unit in ("count", "weighted_count"))
RANKING_RATES: tuple[str, ...] = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")


def get_metric(key: str) -> Metric:
    if key not in METRIC_BY_KEY:
        raise ValueError(f"未知指标 {key!r}")
    return METRIC_BY_KEY[key]


# The rules SPEC leaves open, as decided here; rendered into docs/metrics.md and the About page.
RULES: tuple[tuple[str, str], ...] = (
    (
        "单位：区县、承办单位、乡镇街道为空（或全空白）的工单不属于该层级的任何单位；乡镇街道以（区县, 乡镇街道）为单位，"
        "区县为空者不参与乡镇排名。",
        "Units: an order with an empty (or blank) county, department or township belongs to no unit of that level; "
        "a township is identified by (county, township), so one without a county is in no township ranking.",
    ),
    (
        "排除：既无效又豁免的工单计为无效；无效、豁免工单计入派单量和退单率，不计入其他各率。",
        "Exclusions: an order both invalid and exempt counts as invalid; excluded orders count in dispatched and "
        "the return rate, in no other rate.",
    ),
    (
        "数据截止时间：已导入工单中受理、派单、响应、办结、回访时间的最大值（不含办理时限）；可在设置中固定。"
        "办结以有办结时间为准。",
        "As-of time: the latest received/dispatched/responded/closed/callback timestamp (never a deadline), "
        "unless pinned. An order is closed when it has a closed_at.",
    ),
    (
        "重复诉求：同一来电号码哈希、同一二级分类，受理时间距上一件工单（任何单位、任何状态，含直接答复）不超过窗口天数"
        "（含边界）；同一时刻按工单编号排序。号码或二级分类为空的不判重复。",
        "Repeat: same phone hash and category_l2, received no more than the window after the previous such order "
        "(any unit or status, direct answers included; boundary included; same instant ordered by order_id).",
    ),
    (
        "排名：按综合得分的精确有理数值排序，并列同名次并跳过后续名次（1,2,2,4）；考核工单少于最小样本的列出不排名；"
        "名次变化 = 上期名次 − 本期名次，上期未排名为空。上期：上月/上季/上年，任意区间取紧邻的等长区间。",
        "Ranking: by the exact rational score, ties share a rank and skip (1,2,2,4); units below the minimum sample are "
        "listed, not ranked; rank change = previous rank − rank, empty when unranked before. The previous period is "
        "the previous month/quarter/year, or the equally long range just before.",
    ),
    (
        "红黑榜：每个排名组取前、后 k 名，k = min(设置值, 已排名单位数 ÷ 2 向下取整)，同分者一并入榜，一个单位不会同时上红榜和黑榜。",
        "Red/black lists: top and bottom k of each group, k = min(setting, ranked units // 2); ties at the edge are "
        "included; no unit is on both.",
    ),
    (
        "难区分：各率取 95% Wilson 区间下限（上限）按同样权重合成得分区间；与排序相邻单位的得分区间重叠即标记。",
        "Indistinguishable: the score interval combines each rate's 95% Wilson lower (upper) bound with the same "
        "weights; a unit is flagged when its interval overlaps that of the unit ranked just above or below.",
    ),
)

_UNIT_LABEL = {
    "count": "件 orders",
    "weighted_count": "件（加权）weighted orders",
    "ratio": "比率 0–1",
    "points": "分 0–100",
}


def render_markdown(settings_summary: dict[str, Any] | None = None) -> str:
    """docs/metrics.md, generated (``python -m warehouse metrics-doc``); never edit it by hand."""
    lines = [
        "# 指标定义 / Metric definitions",
        "",
        "<!-- Generated from warehouse/registry.py by `python -m warehouse metrics-doc`. Do not edit. -->",
        "",
        "考核月份 = 派单时间所在月份；考核工单 = 派单且非无效、非豁免。率 = 分子 ÷ 分母，分母为 0 时为空；"
        "季度、年度和任意期间均为分子之和 ÷ 分母之和。",
        "Assessment month = month of dispatched_at; assessed = dispatched, not invalid, not exempt. "
        "A rate is numerator ÷ denominator (empty when the denominator is 0); any longer period is sum of "
        "numerators ÷ sum of denominators.",
        "",
        "| key | 名称 | name | unit | better | 定义 | definition | numerator / denominator | settings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in METRICS:
        better = {True: "↑ higher", False: "↓ lower", None: ""}[m.higher_is_better]
        frac = f"`{m.numerator}` / `{m.denominator}`" if m.numerator else (f"`{m.where}`" if m.where else "")
        settings = ", ".join(f"`{s}`" for s in m.settings)
        lines.append(
            f"| `{m.key}` | {m.label_zh} | {m.label_en} | {_UNIT_LABEL[m.unit]} | {better} | "
            f"{m.definition_zh} | {m.definition_en} | {frac} | {settings} |"
        )
    lines += ["", "## 规则说明 / Rules", ""]
    lines += [f"- {zh}<br>{en}" for zh, en in RULES]
    lines += ["", "## 层级 / Levels", ""]
    lines += [
        f"- `{lvl.name}` {lvl.label_zh} / {lvl.label_en}: unit = {' + '.join(lvl.keys)}" for lvl in LEVELS.values()
    ]
    if settings_summary:
        lines += ["", "## 当前设置 / Settings in config/settings.toml", "", "| setting | value |", "|---|---|"]
        lines += [f"| `{k}` | `{v}` |" for k, v in settings_summary.items() if k != "source"]
    return "\n".join(lines) + "\n"
