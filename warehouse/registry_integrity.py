"""The figures that show what a unit could game (issue 20), as registry metrics: exclusions, the redo
chain, extensions and overdue ages, and what the replies say. ``warehouse.registry`` puts them into
``METRICS``; every rate here is numerator ÷ denominator, computed by ``warehouse.scoring.rate_row`` like
every other, and a figure whose inputs the source lacks is not available (never 0).

Heads: the first order of a redo chain (an order that is not itself a redo). Chain figures count on the
head, by its dispatch date: the chain is the citizen's one appeal, judged first on the unit's first try.
"""

from __future__ import annotations

from warehouse.metric_defs import Metric, _count, _measurable, _rate

_A = "is_assessed AND "
_HEAD = "is_assessed AND is_redo_measurable AND NOT is_redo"
_ANSWERS = "('满意', '基本满意', '不满意')"
_ANSWERED_AT = " AND coalesce(callback_at, closed_at) <= $cutoff"
_FINAL_AT = " AND final_answered_at <= $cutoff"
_REDO = {"requires": "redo_measurable_count", "optional": True}
_RATED = {**_REDO, "also_requires": ("satisfaction_measurable_count",), "lagging": True}
_REPLY = {"requires": "reply_measurable_count", "lagging": True, "optional": True}
_EXT = {"requires": "extension_measurable_count", "optional": True}
_OVERDUE = {"requires": "on_time_measurable_count", "settings": ("due_derivation", "time_limits_file", "as_of")}
_OPEN_AT = _A + "is_on_time_measurable AND NOT coalesce(closed_at <= $cutoff, FALSE) AND effective_due_at < $cutoff"


def _age(key: str, zh: str, en: str, bucket: str, lo: str | None, hi: str | None, span_zh: str, span_en: str) -> Metric:
    """Overdue open orders whose age (working days after the due date, to the as-of date) is in one bucket."""
    at = (
        _OPEN_AT
        + (f" AND $cutoff >= {lo}" if lo else "")
        + (f" AND NOT coalesce($cutoff >= {hi}, FALSE)" if hi else "")
    )
    return _count(
        key, zh, en, _A + f"overdue_age_bucket = '{bucket}'",
        f"超期未办结的考核工单中，超过办理时限 {span_zh} 个工作日的（按数据截止日计，法定工作日）。",
        f"Overdue open assessed orders {span_en} working days past due (to the as-of date, statutory working days).",
        where_at=at, **_OVERDUE,
    )  # fmt: skip


# fmt: off
INTEGRITY_METRICS: tuple[Metric, ...] = (
    # -- exclusions in the open ---------------------------------------------------------------------------
    _measurable("invalid_measurable_count", "可计无效工单量", "Invalid measurable", ("is_valid",), "dispatched_count"),
    _measurable("exempt_measurable_count", "可计豁免工单量", "Exempt measurable", ("is_exempt",), "dispatched_count"),
    _measurable("exclusion_measurable_count", "可计不计入考核工单量", "Exclusions measurable", ("is_valid", "is_exempt"),
                "dispatched_count", any_input=True),
    _rate("invalid_rate", "无效率", "Invalid rate", "invalid_count", "invalid_measurable_count", False,
          "无效工单量 ÷ 可计无效工单量（来源带「是否有效」的派单）。",
          "Invalid ÷ dispatched orders whose source carries is_valid.", requires="invalid_measurable_count"),
    _rate("exempt_rate", "豁免率", "Exempt rate", "exempt_count", "exempt_measurable_count", False,
          "豁免工单量 ÷ 可计豁免工单量（来源带「考核豁免」的派单）。",
          "Exempt ÷ dispatched orders whose source carries is_exempt.", requires="exempt_measurable_count"),
    _rate("exclusion_rate", "不计入考核率", "Exclusion rate", "excluded_count", "exclusion_measurable_count", False,
          "不计入考核量（无效 + 豁免）÷ 可计不计入考核工单量。高于本组中位数的 exclusion_flag_ratio 倍且不少于 "
          "exclusion_flag_min_count 件的单位标记“排除偏多”。",
          "Excluded (invalid + exempt) ÷ dispatched orders whose source carries either field. A unit above "
          "exclusion_flag_ratio × its group's median with at least exclusion_flag_min_count excluded is flagged.",
          ("exclusion_flag_ratio", "exclusion_flag_min_count"), requires="exclusion_measurable_count"),
    # -- the redo chain --------------------------------------------------------------------------------------
    _measurable("redo_measurable_count", "可计重办工单量", "Redo measurable", ("original_order_id", "redo_order_id", "redo_count"),
                "assessed_count", any_input=True, proxy="repeat_measurable_count", optional=True),
    _count("redo_head_count", "首办工单量", "First orders", _HEAD,
           "不是重办工单的考核工单数（重办链的首办工单）；重办率的分母。",
           "Assessed orders that are not a redo (the first order of a chain); the redo rate's denominator.", **_REDO),
    _count("redo_proxy_count", "按重复来电推算的首办工单量", "First orders, proxy", _HEAD + " AND redo_basis = 'proxy'",
           "首办工单中，来源没有重办字段、按重复来电（同一号码同一二级分类在窗口期内再次来电）推算重办的工单数。",
           "First orders whose source has no redo fields: redos are proxied by repeat calls (same caller and "
           "category_l2 within the window).", settings=("repeat_window_days",), **_REDO),
    _count("redone_count", "被重办工单量", "Redone", _HEAD + " AND is_redone",
           "首办工单中被重办过的（有重办工单，或导出的重办次数 ≥ 1、有重办工单编号）。",
           "First orders that were redone (a linked redo, or the export's redo count ≥ 1 or redo order id).", **_REDO),
    _rate("redo_rate", "重办率", "Redo rate", "redone_count", "redo_head_count", False,
          "被重办工单量 ÷ 首办工单量。", "Redone ÷ first orders.", **_REDO),
    _count("first_satisfaction_answered_count", "首次评价有效量", "First rating answered",
           _HEAD + f" AND satisfaction IN {_ANSWERS}", "首办工单本身的回访评价为 满意/基本满意/不满意 的数量。",
           "First orders whose own rating is satisfied, basically satisfied or dissatisfied.",
           where_at=_HEAD + f" AND satisfaction IN {_ANSWERS}" + _ANSWERED_AT, **_RATED),
    _count("first_satisfied_count", "首次满意量", "First rating satisfied", _HEAD + " AND satisfaction = '满意'",
           "首次评价为满意。", "First rating satisfied.", where_at=_HEAD + " AND satisfaction = '满意'" + _ANSWERED_AT,
           **_RATED),
    _count("first_basically_satisfied_count", "首次基本满意量", "First rating basically satisfied",
           _HEAD + " AND satisfaction = '基本满意'", "首次评价为基本满意。", "First rating basically satisfied.",
           where_at=_HEAD + " AND satisfaction = '基本满意'" + _ANSWERED_AT, **_RATED),
    Metric("first_satisfied_weighted", "首次满意率分子", "First satisfaction numerator", "weighted_count", None,
           "首次满意 + 基本满意 × 权重。", "First satisfied + basic_satisfaction_weight × basically satisfied.",
           where=_HEAD + " AND first_satisfied_weight > 0", settings=("basic_satisfaction_weight",), **_RATED),
    _rate("first_satisfaction_rate", "首次满意率", "First satisfaction rate", "first_satisfied_weighted",
          "first_satisfaction_answered_count", True,
          "首办工单本身的评价：(满意 + 权重 × 基本满意) ÷ 首次评价有效量——市民对单位第一次办理的评价。",
          "The first order's own rating: (satisfied + w × basically) ÷ answered — the citizen's verdict on the first try.",
          ("basic_satisfaction_weight",), **_RATED),
    _count("final_satisfaction_answered_count", "最终评价有效量", "Final rating answered",
           _HEAD + f" AND final_satisfaction IN {_ANSWERS}",
           "首办工单的最终评价（重办链中最后一次有效评价，没有重办时即首次评价）有效的数量。",
           "First orders with a final rating (the chain's last rating; the first one when never redone).",
           where_at=_HEAD + f" AND final_satisfaction IN {_ANSWERS}" + _FINAL_AT, **_RATED),
    _count("final_satisfied_count", "最终满意量", "Final rating satisfied", _HEAD + " AND final_satisfaction = '满意'",
           "最终评价为满意。", "Final rating satisfied.",
           where_at=_HEAD + " AND final_satisfaction = '满意'" + _FINAL_AT, **_RATED),
    _count("final_basically_satisfied_count", "最终基本满意量", "Final rating basically satisfied",
           _HEAD + " AND final_satisfaction = '基本满意'", "最终评价为基本满意。", "Final rating basically satisfied.",
           where_at=_HEAD + " AND final_satisfaction = '基本满意'" + _FINAL_AT, **_RATED),
    Metric("final_satisfied_weighted", "最终满意率分子", "Final satisfaction numerator", "weighted_count", None,
           "最终满意 + 基本满意 × 权重。", "Final satisfied + basic_satisfaction_weight × basically satisfied.",
           where=_HEAD + " AND final_satisfied_weight > 0", settings=("basic_satisfaction_weight",), **_RATED),
    _rate("final_satisfaction_rate", "最终满意率", "Final satisfaction rate", "final_satisfied_weighted",
          "final_satisfaction_answered_count", True,
          "重办后的最终评价：(满意 + 权重 × 基本满意) ÷ 最终评价有效量。与首次满意率差距大，说明不满意靠重办“办到满意”。",
          "The chain's final rating: (satisfied + w × basically) ÷ answered. Far above the first satisfaction rate: "
          "dissatisfaction redone until the caller gives in.", ("basic_satisfaction_weight",), **_RATED),
    _count("redo_rated_count", "重办后有评价量", "Redo rated", _HEAD + " AND final_from_redo",
           "首办工单中，重办工单给出了有效评价的数量。", "First orders whose redo was rated.",
           where_at=_HEAD + " AND final_from_redo" + _FINAL_AT, **_RATED),
    _count("redo_satisfied_count", "重办后满意量", "Redo ended satisfied",
           _HEAD + " AND final_from_redo AND final_satisfaction IN ('满意', '基本满意')",
           "重办后最终评价为满意或基本满意的首办工单数。", "First orders whose redo ended satisfied or basically satisfied.",
           where_at=_HEAD + " AND final_from_redo AND final_satisfaction IN ('满意', '基本满意')" + _FINAL_AT, **_RATED),
    _rate("redo_satisfied_rate", "重办后满意率", "Redo ends satisfied", "redo_satisfied_count", "redo_rated_count", True,
          "重办后满意量 ÷ 重办后有评价量（满意与基本满意都计）。", "Redos ending satisfied (or basically) ÷ redos rated.",
          **_RATED),
    _count("second_rated_count", "首次不满意且二次有评价量", "Dissatisfied, re-rated",
           _HEAD + f" AND satisfaction = '不满意' AND second_satisfaction IN {_ANSWERS}",
           "首次评价不满意、第一次重办后又给出有效评价的首办工单数。",
           "First orders rated dissatisfied whose first redo was rated again.",
           where_at=_HEAD + f" AND satisfaction = '不满意' AND second_satisfaction IN {_ANSWERS} "
           "AND second_answered_at <= $cutoff", **_RATED),
    _count("second_dissatisfied_count", "二次评价仍不满意量", "Still dissatisfied",
           _HEAD + " AND satisfaction = '不满意' AND second_satisfaction = '不满意'",
           "首次、第二次评价都是不满意的首办工单数。", "First orders rated dissatisfied twice.",
           where_at=_HEAD + " AND satisfaction = '不满意' AND second_satisfaction = '不满意' AND second_answered_at <= $cutoff",
           **_RATED),
    _rate("second_unsatisfied_rate", "二次评价仍不满意率", "Still dissatisfied after the second rating",
          "second_dissatisfied_count", "second_rated_count", False,
          "二次评价仍不满意量 ÷ 首次不满意且二次有评价量。", "Dissatisfied twice ÷ dissatisfied then re-rated.", **_RATED),
    # -- time limits: extensions and overdue ages ------------------------------------------------------------
    _measurable("extension_measurable_count", "可计延期工单量", "Extensions measurable", ("extended_due_at",),
                "assessed_count", optional=True),
    _count("extended_count", "延期工单量", "Extended", _A + "is_extended",
           "经批准延期（延期后截止时间不同于原办理时限，延期审批不是“否”）的考核工单数。",
           "Assessed orders with an approved extension (a new deadline, approval not refused).", **_EXT),
    _rate("extension_rate", "延期率", "Extension rate", "extended_count", "extension_measurable_count", None,
          "延期工单量 ÷ 可计延期工单量（来源带「延期后截止时间」的考核工单）。",
          "Extended ÷ assessed orders whose source carries extended_due_at.", **_EXT),
    _age("overdue_1_3_count", "超期 1–3 个工作日", "Overdue 1–3 working days", "1_3", None, "overdue_4_at", "1–3", "1–3"),
    _age("overdue_4_7_count", "超期 4–7 个工作日", "Overdue 4–7 working days", "4_7", "overdue_4_at", "overdue_8_at",
         "4–7", "4–7"),
    _age("overdue_8_15_count", "超期 8–15 个工作日", "Overdue 8–15 working days", "8_15", "overdue_8_at", "overdue_16_at",
         "8–15", "8–15"),
    _age("overdue_16_plus_count", "超期 15 个工作日以上", "Overdue over 15 working days", "16_plus", "overdue_16_at", None,
         "15 个以上", "over 15"),
    # -- closed is not fixed: what the reply says ------------------------------------------------------------
    _measurable("reply_measurable_count", "可计答复工单量", "Replies measurable", ("reply",), "assessed_count",
                optional=True),
    _count("replied_count", "有答复的办结量", "Closed with a reply", _A + "is_closed AND reply_class IS NOT NULL",
           "已办结且有办理结果（答复）文字的考核工单数；实际解决占比的分母。",
           "Closed assessed orders with a reply text; the actual-solve share's denominator.",
           where_at=_A + "reply_class IS NOT NULL AND closed_at <= $cutoff", **_REPLY),
    _count("actual_solve_count", "实际解决量", "Actually solved", _A + "is_closed AND reply_class = 'solved'",
           "答复按分类规则归为“实际解决”（已修复、已清理、已退还……）的办结考核工单数。",
           "Closed assessed orders whose reply the rules read as actually solved (repaired, cleared, refunded …).",
           settings=("reply_rules_file",), where_at=_A + "reply_class = 'solved' AND closed_at <= $cutoff", **_REPLY),
    _count("explained_reply_count", "解释说明量", "Explained", _A + "is_closed AND reply_class = 'explained'",
           "答复归为“解释说明”的办结考核工单数。", "Closed assessed orders whose reply explains (policy, findings).",
           settings=("reply_rules_file",), where_at=_A + "reply_class = 'explained' AND closed_at <= $cutoff", **_REPLY),
    _count("referred_reply_count", "转办或告知途径量", "Referred", _A + "is_closed AND reply_class = 'referred'",
           "答复归为“转办或告知途径”的办结考核工单数。", "Closed assessed orders whose reply refers the caller elsewhere.",
           settings=("reply_rules_file",), where_at=_A + "reply_class = 'referred' AND closed_at <= $cutoff", **_REPLY),
    _count("unable_reply_count", "无法解决量", "Cannot be solved", _A + "is_closed AND reply_class = 'unable'",
           "答复归为“无法解决”的办结考核工单数。", "Closed assessed orders whose reply says it cannot be solved.",
           settings=("reply_rules_file",), where_at=_A + "reply_class = 'unable' AND closed_at <= $cutoff", **_REPLY),
    _count("unclassified_reply_count", "未能归类量", "Not classified", _A + "is_closed AND reply_class = 'unclassified'",
           "答复不符合任何分类规则的办结考核工单数。", "Closed assessed orders whose reply matches no rule.",
           settings=("reply_rules_file",), where_at=_A + "reply_class = 'unclassified' AND closed_at <= $cutoff", **_REPLY),
    _rate("actual_solve_rate", "实际解决占比", "Actually solved share", "actual_solve_count", "replied_count", True,
          "实际解决量 ÷ 有答复的办结量。与解决率（市民回访的说法）并看：办结不等于解决。",
          "Actually solved ÷ closed with a reply. Read beside the resolution rate (the caller's word): closed is not fixed.",
          ("reply_rules_file",), **_REPLY),
)
# fmt: on
