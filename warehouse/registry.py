"""The one place that says what each metric means (STYLE §4).

Each key is the column name in the ``met_*`` tables and in the ranking output. ``where`` is the
predicate over ``fct_work_orders`` that selects the orders a count counts: drill-down lists orders
with it, and tests prove that summing it over the fact table gives the ``met_*`` column — so the
prose here, the SQL and the order lists cannot drift apart (the evidence-dev/sf311 lesson).
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.metric_defs import Metric, _count, _measurable, _rate
from warehouse.registry_integrity import INTEGRITY_METRICS


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


def table_level(name: str) -> Level:
    """Any level that has metric tables: the ranked ones, the city, a department within a county."""
    for level in ALL_LEVELS:
        if level.name == name:
            return level
    raise ValueError(f"未知层级 {name!r}（可选 {', '.join(lv.name for lv in ALL_LEVELS)}）")


_A = "is_assessed AND "
_ON_TIME = {"requires": "on_time_measurable_count", "lagging": True}
_ANSWERED_AT = " AND coalesce(callback_at, closed_at) <= $cutoff"  # an answer is given at the callback
_RES = {"requires": "resolution_measurable_count", "lagging": True}
_SAT = {"requires": "satisfaction_measurable_count", "lagging": True}
# A data table, one metric per block.
# fmt: off
METRICS: tuple[Metric, ...] = (
    _count("received_count", "受理量", "Orders received", "TRUE", "按受理时间计入当月的工单数（含直接答复）。",
           "Orders received in the period (by received_at), including those answered directly.",
           date_basis="received"),
    # without a dispatch time in the source every order would look answered directly: not available instead;
    # with the receipt time's column standing in for it (Baltimore's CreatedDate) every order would look
    # dispatched: not available either
    _measurable("dispatch_measurable_count", "可计派单工单量", "Dispatch measurable", ("dispatched_at",), "received_count",
                date_basis="received", own_column=("dispatched_at",)),
    _count("direct_answer_count", "直接答复量", "Answered directly", "NOT is_dispatched AND is_dispatch_measurable",
           "受理后未派单、由热线直接答复的工单数（按受理时间；来源带派单时间的工单）。",
           "Orders never dispatched, answered by the hotline itself (by received_at; of sources with a dispatch time).",
           date_basis="received", requires="dispatch_measurable_count"),
    _count("dispatched_count", "派单量", "Dispatched", "is_dispatched", "按派单时间计入当月的派单数（含无效、豁免）。",
           "Orders dispatched in the period (by dispatched_at), invalid and exempt included."),
    _count("assessed_count", "考核工单量", "Assessed", "is_assessed", "派单且未被认定无效、未获豁免的工单数。",
           "Dispatched orders neither invalid nor exempt."),
    _count("excluded_count", "不计入考核量", "Excluded", "is_dispatched AND NOT is_assessed", "派单但无效或豁免的工单数 = 无效 + 豁免。",
           "Dispatched but invalid or exempt = invalid + exempt.", requires="exclusion_measurable_count"),
    _count("invalid_count", "无效工单量", "Invalid", "exclusion_reason = 'invalid'", "是否有效 = 否 的派单工单（既无效又豁免的计为无效）。",
           "Dispatched orders marked invalid (an order both invalid and exempt counts as invalid).",
           requires="invalid_measurable_count"),
    _count("exempt_count", "豁免工单量", "Exempt", "exclusion_reason = 'exempt'", "考核豁免 = 是 且有效的派单工单。",
           "Dispatched valid orders exempted after an approved appeal.", requires="exempt_measurable_count"),
    _measurable("response_measurable_count", "可计响应工单量", "Response measurable", ("responded_at",), "assessed_count"),
    _measurable("on_time_measurable_count", "可计办结工单量", "Closure measurable", ("closed_at",), "assessed_count"),
    _measurable("resolution_measurable_count", "可计解决工单量", "Resolution measurable", ("resolution",), "assessed_count"),
    _measurable("satisfaction_measurable_count", "可计满意工单量", "Satisfaction measurable", ("satisfaction",),
                "assessed_count"),
    _measurable("return_measurable_count", "可计退单工单量", "Returns measurable", ("return_count",), "dispatched_count"),
    _measurable("callback_measurable_count", "可计回访工单量", "Callback measurable",
                ("callback_at", "resolution", "satisfaction"), "assessed_count", any_input=True),
    _measurable("repeat_measurable_count", "可计重复工单量", "Repeats measurable", ("citizen_phone", "category_l2"),
                "assessed_count"),
    _count("responded_on_time_count", "按时响应量", "Responded in time", _A + "is_responded_on_time",
           "首次联系时间 − 派单时间 ≤ 响应时限（紧急 2 小时，其他 24 小时，自然时间）。",
           "responded_at − dispatched_at ≤ the limit (2 h urgent, else 24 h, calendar time).",
           settings=("response_limit_hours",), requires="response_measurable_count",
           where_at=_A + "is_responded_on_time AND responded_at <= $cutoff"),
    _count("closed_count", "办结量", "Closed", _A + "is_closed", "有办结时间的考核工单数。", "Assessed orders with a closed_at.",
           where_at=_A + "closed_at <= $cutoff", **_ON_TIME),
    _count("closed_on_time_count", "按时办结量", "Closed on time", _A + "is_closed_on_time",
           "办结时间 ≤ 办理时限（经批准延期的按延期后截止时间；导出没有时限时按办理时限目录或诉求类型推算）。",
           "closed_at ≤ due (an approved extension's deadline when there is one; derived from the limits catalogue "
           "or the appeal type when the export has none).", settings=("due_derivation", "time_limits_file"),
           where_at=_A + "is_closed_on_time AND closed_at <= $cutoff", **_ON_TIME),
    _count("on_time_due_count", "应办结量", "Due or closed", _A + "is_on_time_due",
           "已办结，或办理时限早于数据截止时间的考核工单数（来源文件须带办结时间）。",
           "Assessed orders closed, or whose due time is before the as-of time (the source must carry closed_at).",
           settings=("due_derivation", "as_of"), **_ON_TIME,
           where_at=_A + "is_on_time_measurable AND (closed_at <= $cutoff OR effective_due_at < $cutoff)"),
    _count("derived_due_count", "推算时限应办结量", "Due, deadline derived",
           _A + "is_on_time_due AND due_source IN ('derived', 'catalogue')",
           "应办结工单中，办理时限不在导出数据中、由本系统按规则（办理时限目录或按诉求类型）推算的工单数。",
           "Due-or-closed orders whose deadline was not in the export but derived by our rule (the limits catalogue "
           "or the appeal-type rule).", settings=("due_derivation", "time_limits_file"), **_ON_TIME,
           where_at=_A + "is_on_time_measurable AND due_source IN ('derived', 'catalogue') "
           "AND (closed_at <= $cutoff OR effective_due_at < $cutoff)"),
    _count("overdue_open_count", "超期未办结量", "Overdue, open", _A + "is_overdue_open",
           "未办结且办理时限早于数据截止时间的考核工单数（来源文件须带办结时间）。",
           "Assessed orders not closed whose due time is before the as-of time (the source must carry closed_at).",
           settings=("due_derivation", "as_of"), **_ON_TIME,
           where_at=_A + "is_on_time_measurable AND NOT coalesce(closed_at <= $cutoff, FALSE) AND effective_due_at < $cutoff"),
    _count("resolution_answered_count", "解决情况有效评价量", "Resolution answered", _A + "is_resolution_answered",
           "回访中给出 已解决/部分解决/未解决 的考核工单数。", "Assessed orders with a resolution answer (resolved, partly, unresolved).",
           where_at=_A + "is_resolution_answered" + _ANSWERED_AT, **_RES),
    _count("resolved_count", "已解决量", "Resolved", "is_assessed AND resolution = '已解决'", "已解决。", "Resolved.",
           where_at=_A + "resolution = '已解决'" + _ANSWERED_AT, **_RES),
    _count("partially_resolved_count", "部分解决量", "Partly resolved", "is_assessed AND resolution = '部分解决'", "部分解决。",
           "Partly resolved.", where_at=_A + "resolution = '部分解决'" + _ANSWERED_AT, **_RES),
    _count("unresolved_count", "未解决量", "Unresolved", "is_assessed AND resolution = '未解决'", "未解决。", "Unresolved.",
           where_at=_A + "resolution = '未解决'" + _ANSWERED_AT, **_RES),
    Metric("resolved_weighted", "解决率分子", "Resolution numerator", "weighted_count", None, "已解决 + 部分解决 × 权重。",
           "resolved + partial_resolution_weight × partly resolved.", where=_A + "resolved_weight > 0",
           settings=("partial_resolution_weight",), **_RES),
    _count("satisfaction_answered_count", "满意度有效评价量", "Satisfaction answered", _A + "is_satisfaction_answered",
           "回访中给出 满意/基本满意/不满意 的考核工单数（未评价不计）。导出标明的重办工单不单独计，其评价归首办工单"
           "（按设置取首次或最终评价，默认首次）。",
           "Assessed orders with a satisfaction answer (未评价 not counted). A redo the export links to its original "
           "is not counted on its own: the chain's first order carries the first or final rating (the setting; first "
           "by default).", settings=("satisfaction_basis",),
           where_at=_A + "is_satisfaction_answered" + _ANSWERED_AT, **_SAT),
    _count("satisfied_count", "满意量", "Satisfied", "is_assessed AND assessed_satisfaction = '满意'", "满意。", "Satisfied.",
           where_at=_A + "assessed_satisfaction = '满意'" + _ANSWERED_AT, **_SAT),
    _count("basically_satisfied_count", "基本满意量", "Basically satisfied",
           "is_assessed AND assessed_satisfaction = '基本满意'", "基本满意。", "Basically satisfied.",
           where_at=_A + "assessed_satisfaction = '基本满意'" + _ANSWERED_AT, **_SAT),
    _count("dissatisfied_count", "不满意量", "Dissatisfied", "is_assessed AND assessed_satisfaction = '不满意'", "不满意。",
           "Dissatisfied.", where_at=_A + "assessed_satisfaction = '不满意'" + _ANSWERED_AT, **_SAT),
    Metric("satisfied_weighted", "满意率分子", "Satisfaction numerator", "weighted_count", None, "满意 + 基本满意 × 权重。",
           "satisfied + basic_satisfaction_weight × basically satisfied.", where=_A + "satisfied_weight > 0",
           settings=("basic_satisfaction_weight",), **_SAT),
    _count("returned_count", "退单量", "Returned", "is_dispatched AND is_returned", "退单次数 ≥ 1 的派单工单数（含无效、豁免）。",
           "Dispatched orders returned at least once.", requires="return_measurable_count"),
    _count("callback_base_count", "应回访量", "Closed, callback measurable", _A + "is_closed AND is_callback_measurable",
           "已办结、且来源文件带回访字段的考核工单数；回访率的分母。",
           "Closed assessed orders whose source carries a callback field; the callback rate's denominator.",
           requires="callback_measurable_count", lagging=True,
           where_at=_A + "is_callback_measurable AND closed_at <= $cutoff"),
    _count("callback_count", "回访量", "Called back", _A + "is_closed AND has_callback", "已办结且有回访时间或回访评价的考核工单数。",
           "Closed assessed orders with a callback time or any callback answer.", requires="callback_measurable_count",
           lagging=True, where_at=_A + "has_callback AND closed_at <= $cutoff" + _ANSWERED_AT),
    _count("repeat_count", "重复诉求量", "Repeat complaints", _A + "is_repeat",
           "同一来电号码、同一二级分类，距上一件（任意单位）工单受理时间不超过窗口天数的考核工单。",
           "Assessed orders whose caller filed an order of the same category_l2 (any unit) within the window before.",
           settings=("repeat_window_days",), requires="repeat_measurable_count"),
    _rate("response_rate", "响应率", "Response rate", "responded_on_time_count", "response_measurable_count", True,
          "按时响应量 ÷ 可计响应工单量（来源带首次联系时间的考核工单）。", "Responded in time ÷ assessed orders whose source carries responded_at.",
          ("response_limit_hours",), requires="response_measurable_count"),
    _rate("on_time_rate", "按时办结率", "On-time closure rate", "closed_on_time_count", "on_time_due_count", True,
          "按时办结量 ÷ 应办结量（已办结或已到期）。", "Closed on time ÷ (closed or past due).", ("due_derivation", "as_of"),
          **_ON_TIME),
    _rate("resolution_rate", "解决率", "Resolution rate", "resolved_weighted", "resolution_answered_count", True,
          "(已解决 + 权重 × 部分解决) ÷ 有效评价量。", "(resolved + w × partly) ÷ answered.", ("partial_resolution_weight",),
          **_RES),
    _rate("satisfaction_rate", "满意率", "Satisfaction rate", "satisfied_weighted", "satisfaction_answered_count", True,
          "(满意 + 权重 × 基本满意) ÷ 有效评价量（重办链按设置取首次或最终评价）。",
          "(satisfied + w × basically satisfied) ÷ answered (a redo chain by its first or final rating: the setting).",
          ("basic_satisfaction_weight", "satisfaction_basis"), **_SAT),
    _rate("return_rate", "退单率", "Return rate", "returned_count", "return_measurable_count", False,
          "退单量 ÷ 可计退单工单量（来源带退单次数的派单）。", "Returned ÷ dispatched orders whose source carries return_count.",
          requires="return_measurable_count"),
    _rate("callback_rate", "回访率", "Callback rate", "callback_count", "callback_base_count", True, "回访量 ÷ 应回访量。",
          "Called back ÷ closed orders whose source carries a callback field.", requires="callback_measurable_count",
          lagging=True),
    _rate("repeat_rate", "重复诉求率", "Repeat rate", "repeat_count", "repeat_measurable_count", False,
          "重复诉求量 ÷ 可计重复工单量（来源带联系电话和二级分类的考核工单）。",
          "Repeat complaints ÷ assessed orders whose source carries a phone and category_l2.", ("repeat_window_days",),
          requires="repeat_measurable_count"),
    _rate("direct_answer_rate", "直接答复率", "Direct answer rate", "direct_answer_count", "dispatch_measurable_count", True,
          "直接答复量 ÷ 可计派单工单量（来源带派单时间的受理工单，按受理时间）。",
          "Answered directly ÷ received orders whose source carries a dispatch time (by received_at).",
          requires="dispatch_measurable_count"),
    *INTEGRITY_METRICS,
    Metric("score", "综合得分", "Composite score", "points", True,
           "100 × Σ 权重 × 率 ÷ Σ 权重，只计可得且分母不为 0 的率（其余权重重新归一，score_missing_rates 列出缺失项）；"
           "没有一项加权的率可得时无得分、不按得分排名。",
           "100 × Σ w·rate ÷ Σ w over the rates available with a denominator (weights re-normalised; "
           "score_missing_rates names the missing ones); no score, and no rank by score, when none is.",
           settings=("composite_weights",), lagging=True),
)
# fmt: on

METRIC_BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
RATES: tuple[Metric, ...] = tuple(m for m in METRICS if m.is_rate)
COUNT_KEYS: tuple[str, ...] = tuple(m.key for m in METRICS if m.unit in ("count", "weighted_count"))
MEASURABLE: tuple[Metric, ...] = tuple(m for m in METRICS if m.inputs)
# rate -> the canonical fields its source must carry (all of them; "any" for the callback rate)
FIELD_INPUTS: dict[str, tuple[str, ...]] = {
    m.key: tuple(f for n in m.needs for f in METRIC_BY_KEY[n].inputs) for m in RATES if m.requires
}
RANKING_RATES: tuple[str, ...] = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")
# what a ranking can be ordered by (``--by``): the composite or one of the rates in it
RANK_BY: dict[str, str] = {"score": "score", **{k.removesuffix("_rate"): k for k in RANKING_RATES}}


def depends_on_time(key: str) -> bool:
    """Does the figure grow after the period with events that come later (responses, closures, callbacks)?
    Then a comparison with an earlier period takes that one as it stood at the same age."""
    m = get_metric(key)
    if key == "score":
        return True
    parts = (m.numerator, m.denominator) if m.is_rate else (m.key,)
    return m.lagging or any(p is not None and METRIC_BY_KEY[p].where_at is not None for p in parts)


def get_metric(key: str) -> Metric:
    if key not in METRIC_BY_KEY:
        raise ValueError(f"未知指标 {key!r}")
    return METRIC_BY_KEY[key]
