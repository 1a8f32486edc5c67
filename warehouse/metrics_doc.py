"""The rules SPEC leaves open, as decided here, and docs/metrics.md generated from the registry.

``python -m warehouse metrics-doc`` writes the file; the About page shows the same ``RULES``. Never edit
docs/metrics.md by hand: a test fails when it differs from what this module renders.
"""

from __future__ import annotations

from typing import Any

from warehouse.problems_doc import problems_markdown
from warehouse.registry import LEVELS, MEASURABLE, METRIC_BY_KEY, METRICS
from warehouse.replies_doc import replies_markdown

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
        "一次计算：指标表只存分子、分母等计数；各率、区间和综合得分在读取时由同一个函数按当前设置从计数算出"
        "（warehouse.scoring.rate_row），排名、趋势、单位画像、总览、命令行、导出、证据材料和通报都经过它，"
        "所以改了权重不必重建，各处得分也不会不一致。",
        "One computation: the metric tables hold counts only; every rate, interval and the score are computed when "
        "read, by one function under the settings in force (warehouse.scoring.rate_row). Rankings, trends, the unit "
        "profile, the overview, the CLI, exports, the evidence pack and the report all go through it, so a weight "
        "change needs no rebuild and no two surfaces can disagree.",
    ),
    (
        "可计量性：导入时按文件记录每个规范字段是否映射、多少行有值。某率所需字段不在任何相关来源文件中（或该字段整列为空）"
        "时，该率为空（“—”，注明缺哪个字段），不是 0，列入 missing_rates，并从综合得分中去掉、其余权重重新归一；"
        "相应的计数（如退单量、超期未办结量）也为空。一个期间混有带和不带该字段的文件时，该率只按来源带该字段的工单计算，"
        "并给出覆盖比例（如 response_rate_coverage）。各率所需字段：响应率—首次联系时间；按时办结率、超期—办结时间；"
        "解决率—解决情况；满意率—满意度；退单率—退单次数；回访率—回访时间、解决情况或满意度之一；"
        "重复诉求率—联系电话和二级分类。没有一项加权的率可得时，单位没有综合得分，不按得分排名。",
        "Measurability: a load records per file which canonical fields it mapped and how many rows carry a value. "
        "A rate whose inputs no contributing file carries (or carries only empty) is not available (NULL, shown "
        "'—' naming the missing field), never 0; it is named in missing_rates and left out of the score with the "
        "other weights re-normalised, and its counts (returned, overdue, ...) are NULL too. When a period mixes "
        "files with and without the field, the rate is over the orders whose file carries it, with the coverage "
        "given (e.g. response_rate_coverage). Inputs: response—responded_at; on-time and overdue—closed_at; "
        "resolution—resolution; satisfaction—satisfaction; return—return_count; callback—callback_at, resolution "
        "or satisfaction; repeat—citizen_phone and category_l2. A unit with no weighted rate available has no "
        "score and is not ranked on it.",
    ),
    (
        "重复诉求：同一来电号码哈希、同一二级分类，受理时间距上一件工单（任何单位、任何状态，含直接答复）不超过窗口天数"
        "（含边界）；同一时刻按工单编号排序。号码或二级分类为空的不判重复。",
        "Repeat: same phone hash and category_l2, received no more than the window after the previous such order "
        "(any unit or status, direct answers included; boundary included; same instant ordered by order_id).",
    ),
    (
        "排名：默认按综合得分，也可按响应率、按时办结率、解决率或满意率单项排名（--by）；按精确有理数值排序，并列同名次并跳过"
        "后续名次（1,2,2,4）。按得分排名时考核工单少于最小样本的列出不排名，按单项率排名时该率的分母少于最小样本的列出不排名；"
        "没有得分（或该率不可得）的单位列出不排名。名次变化 = 上期名次 − 本期名次，上期未排名为空。"
        "上期：上月/上季/上年，任意区间取紧邻的等长区间。",
        "Ranking: by the composite score, or by one of 响应率, 按时办结率, 解决率, 满意率 (--by), on the exact rational "
        "value; ties share a rank and skip (1,2,2,4). By score a unit needs the minimum sample of assessed orders, by a "
        "rate the minimum sample in that rate's denominator; a unit without a value is listed, not ranked. Rank change "
        "= previous rank − rank, empty when unranked before. The previous period is the previous month/quarter/year, "
        "or the equally long range just before.",
    ),
    (
        "红黑榜：已排名单位少于 red_black_min_units 的组不设榜。红榜只收得分（或所排的率）95% 区间整体高于本组中位数、"
        "黑榜只收区间整体低于中位数的单位；设了目标时，红榜还须达到全部目标，黑榜须至少一项未达标（不可得的率不计）。"
        "各取排名最前（最后）的至多 red_black_size 个；边界处并列的单位一起入榜会超过上限时，都不入榜。",
        "Red/black lists: none for a group with fewer than red_black_min_units ranked units. Red takes only units whose "
        "95% interval of the score (or ranked rate) lies wholly above the group median, black only units wholly below "
        "it; where targets are set, red also needs every target met and black at least one missed (unavailable rates "
        "do not count). At most red_black_size from the top (bottom); when units tied at the edge would take a list "
        "past that size, none of them is listed.",
    ),
    (
        "难区分：各率取 95% Wilson 区间下限（上限）按同样权重合成得分区间；与排序相邻单位的得分区间重叠即标记。",
        "Indistinguishable: the score interval combines each rate's 95% Wilson lower (upper) bound with the same "
        "weights; a unit is flagged when its interval overlaps that of the unit ranked just above or below.",
    ),
    (
        "成熟期：期末之后未满 maturity_days 天的期间，滞后指标（办结、按时办结、超期、回访、解决、满意及含它们的得分）"
        "标“未完整”；与上期比较时，上期按同一时点重算：截止时刻 = 上期期末 + 本期已过天数，只计该时刻前发生的办结、"
        "回访和评价（评价时间取回访时间，没有则取办结时间），名次变化也按这样重算的上期名次。",
        "Maturity: in a period less than maturity_days past its end, the lagging figures (closure, on-time, overdue, "
        "callback, resolution, satisfaction and a score built from them) are marked 未完整 (incomplete); the previous "
        "period is then compared as it stood at the same age: cut off at its end plus the days this period has had, "
        "counting only closures, callbacks and answers before that instant (an answer's time is the callback time, "
        "else the closure time); rank changes use the previous ranking recomputed that way.",
    ),
    (
        "变化：期间比较由精确值计算、只四舍五入一次：率的变化以百分点保留 1 位，得分保留 2 位，计数的环比保留 1 位百分比；"
        "页面、命令行和通报用同一函数（warehouse.scoring.change）。",
        "Changes: computed from exact values and rounded once, half up: rates in percentage points to 0.1, the score "
        "to 0.01, count growth in per cent to 0.1; pages, CLI and report use the same function (warehouse.scoring.change).",
    ),
    (
        "规则沿革：设置文件的顶层规则自始有效；每项 [[rule_changes]] 从其 from 月份起改写所列规则（其余沿用上一套）。每个月按当月"
        "有效的规则考核：响应时限、办理时限推算、重复诉求窗口和部分解决/基本满意权重按工单考核月份（派单月份）的规则在建表时"
        "计入每件工单，权重、最小样本、红黑榜、目标和成熟期按该月的规则在读取时计算，所以改动不影响生效月份之前的月份。跨越改动"
        "的季度、年度和任意期间：各月的分子、分母按各月规则计算后相加（加权分子按各月权重），综合得分、最小样本、红黑榜、目标和"
        "成熟期按期末有效的规则。",
        "History of rules: the top-level rules of the settings file hold from the beginning; each [[rule_changes]] entry "
        "rewrites the rules it names from its `from` month on (the rest carry over). Every month is assessed under the "
        "rules in force in it: response limits, derived deadlines, the repeat window and the answer weights are applied "
        "to each order at build time under the rules of its assessment month (the dispatch month); weights, the minimum "
        "sample, lists, targets and maturity are applied at read time under the month's rules — so a change leaves the "
        "months before it unchanged. A quarter, year or range spanning a change sums each month's numerators and "
        "denominators computed under that month's rules (weighted numerators with that month's weights); its score, "
        "minimum sample, lists, targets and maturity follow the rules in force at its end.",
    ),
    (
        "定榜：发布（python -m warehouse publish 或管理页）冻结一个月的考核结果：各层级、各分组、各排名依据的排名行（分子、分母、"
        "各率、得分、目标标记、名次、红黑榜和标记，名次变化按环比和同比各存一份）、全市合计及与上月、去年同月的比较、当月有效的规则、数据截止时间、当月工单的指纹，以及发布人和时间。"
        "已定榜的月份在页面、命令行、导出、证据材料和通报中默认显示定榜数据（注明“已定榜 日期”），可切换查看实时重算及其差异；"
        "未定榜的月份注明“未定榜”。季度、年度和任意期间总是实时计算；案件结构对比、一类问题、预警、热词和督办积压是分析而非考核结果，不定榜，总是按当前数据。更正（申诉，python -m warehouse reopen 或管理页）须写明原因，生成新版本（第 2 版…），从不覆盖；每个版本带其内容和上一版本的哈希，python -m warehouse verify 校验整条记录，改动一个字节即失败并指出月份。",
        "Publication (定榜): publishing a month (python -m warehouse publish, or the admin page) freezes its assessment: "
        "the ranking rows of every level, group and ranking basis (numerators, denominators, rates, score, rank, lists and "
        "flags, target marks; the rank changes both month on month and year on year), the city totals and their "
        "comparison with the month before and the same month a year earlier, the rules in force, the as-of time, a "
        "fingerprint of the month's orders, who published it and when. A published month shows the published figures by "
        "default on every page, the CLI, exports, the evidence pack and the bulletin (stamped 已定榜 and the date), with "
        "the live recomputation and the differences on request; other months are marked 未定榜. Quarters, years and "
        "ranges are always computed live; case mix, recurring problems, warnings, hot words and the backlog are analysis, "
        "not the assessment, and always read today's data. A correction (appeal; python -m warehouse reopen, or the admin "
        "page) needs a reason and makes a new version (v2, ...), never an overwrite; each version carries the hash of its "
        "content and of the version before, and python -m warehouse verify checks the whole record, naming the month of "
        "an edited byte.",
    ),
    (
        "办理时限来源：按时办结率旁给出应办结工单中办理时限由本系统推算（导出中没有）的比例；超过 derived_due_warning_share "
        "时加警示。",
        "Where deadlines came from: beside 按时办结率 the share of due-or-closed orders whose deadline was derived by our "
        "rule (not in the export); above derived_due_warning_share the rate carries a warning.",
    ),
    (
        "同比：与去年同期（同月、同季、上年，任意区间后移一年）比较，规则同环比（未完整时按同一时点、变化只取舍一次）；"
        "已导入的数据未从去年同期第一天起覆盖时不做同比（显示“—”并说明），不拿部分月份比较。",
        "Year on year (同比): against the same period a year earlier (the same month or quarter, the year before, a range "
        "shifted a year), by the same rules as the previous period (same age while incomplete, rounded once); none when "
        "the loaded data does not cover that period from its first day (shown as — with a note), never a partial one.",
    ),
    (
        "目标：targets 设置每个率的达标线（可按排名组覆盖）。率的精确值 ≥ 目标为达标，差距 = 实际 − 目标（百分点），"
        "比值 = 实际 ÷ 目标（CityScore，≥ 1 达标）；来源不能提供或没有分母的率不计达标与否。排名、总览、单位画像、导出"
        "和通报用同一标记（warehouse.targets）。",
        "Targets: the targets setting gives each rate a floor (per ranking group if set). A rate meets it when its exact "
        "value is ≥ the target; gap = actual − target (percentage points), ratio = actual ÷ target (CityScore, ≥ 1 "
        "met); a rate the source cannot supply, or without a denominator, neither meets nor misses. Rankings, overview, "
        "unit profile, exports and the bulletin read the same marks (warehouse.targets).",
    ),
    (
        "督办（积压）：数据截止时间时已派单、未办结且有效办理时限早于截止时间的全部工单（不限月份，含无效、豁免，标明）；"
        "超期天数向上取整（超时 1 小时为第 1 天）。某时刻 t 的积压 = 派单 ≤ t、时限 < t、t 时未办结；一周前、一周内办结、"
        "新增和近 12 周趋势都按此由现有快照回推（延期后的时限按延期计）。",
        "Backlog (督办): every order dispatched, not closed and past its effective deadline at the as-of time, whatever "
        "its month (invalid and exempt ones included, marked); days overdue counted up (an hour late is day 1). The "
        "backlog at a moment t = dispatched by t, due before t, not closed by t; a week ago, cleared, new and the "
        "12-week trend are worked out that way from today's snapshots (an extended deadline counts as extended).",
    ),
)

RULES += (
    (
        "排除偏多：不计入考核率 = (无效 + 豁免) ÷ 来源带是否有效或考核豁免字段的派单；同一排名组内，派单量不少于 min_sample "
        "的单位取中位数，高于 exclusion_flag_ratio 倍中位数（严格大于）且不计入考核量不少于 exclusion_flag_min_count "
        "件的单位标记“排除偏多”，页面、导出和通报写明其比率、中位数和倍数。中位数为 0 时，任何达到件数的排除都标记。",
        "Over-exclusion: exclusion rate = (invalid + exempt) ÷ dispatched orders whose source carries is_valid or "
        "is_exempt. Within a ranking group, the median is taken over units with at least min_sample dispatched; a "
        "unit above exclusion_flag_ratio × the median (strictly) with at least exclusion_flag_min_count excluded "
        "orders is flagged, and pages, exports and the bulletin state its rate, the median and the multiple. With a "
        "median of 0 any unit reaching the count is flagged.",
    ),
    (
        "重办链：导出带原工单编号（重办工单指向原工单）、重办工单（原工单指向重办）或重办次数时，重办工单沿链接追溯到首办"
        "工单（至多 20 步）；不带这些字段而带联系电话和二级分类时，以重复来电推算（同一号码同一二级分类在重复诉求窗口内"
        "连续来电为一条链，首件为首办），标为“按重复来电推算”。链的指标按首办工单的派单月份计入：首次评价 = 首办工单本身"
        "的评价；第二次评价 = 第一件重办工单的评价；最终评价 = 链中按受理时间最后一次有效评价（未重办即首次评价）。"
        "满意率（计入得分）只在导出标明重办时按链计一次，按 satisfaction_basis 取首次（默认）或最终评价；推算的链"
        "不改变满意率。与上期同时点比较时，最终评价以其评价时间是否早于截止时刻近似。",
        "Redo chain: with 原工单编号 (a redo naming its original), 重办工单 (an original naming its redo) or 重办次数 in "
        "the export, each redo is followed to the chain's first order (at most 20 steps); without them but with phone "
        "and category_l2 the proxy applies (consecutive calls of one caller on one category within the repeat window "
        "form a chain, the first being its first order), labelled as a proxy. Chain figures count on the first order, "
        "by its dispatch month: first rating = its own; second = the first redo's; final = the chain's last answered "
        "rating by received time (the first when never redone). The satisfaction rate in the score counts an export-"
        "linked chain once, by the first (default) or final rating (satisfaction_basis); a proxy chain never changes "
        "it. Compared at the same age, a final rating counts when its answer came before the cut-off (approximate).",
    ),
    (
        "办理时限目录：导出没有办理时限时，按 time_limits_file 中最具体的一行（分类路径最长者优先，其次写明诉求类型者）推算："
        "工作日 = 派单日后第 N 个法定工作日的 23:59:59，小时 = 派单后自然小时；没有紧急程度的行只用于一般工单；未列入的"
        "仍按诉求类型规则。经批准的延期（延期后截止时间，延期审批不为“否”）优先于导出和推算的时限，计入延期工单量。"
        "超期时长 = 办理时限所在日之后到数据截止日的法定工作日数（第 4、8、16 个工作日 0 点起分别进入 4–7、8–15、15 以上档）；"
        "督办页按此分档列出全部超期未办结工单（含无效、豁免），单位画像列出本单位的考核工单。时限目录、答复规则和 "
        "satisfaction_basis 对所有期间相同，不能由 rule_changes 按月改变。",
        "Limits catalogue: an order without a deadline in the export gets the most specific row of time_limits_file "
        "(longest category path first, then a row naming the appeal type): working days = end of the N-th statutory "
        "working day after the dispatch date, hours = calendar hours after dispatch; a row without urgency is for 一般 "
        "orders; unlisted categories keep the appeal-type rule. An approved extension (延期后截止时间, 延期审批 not 否) "
        "wins over the export's and our deadline and is counted. Overdue age = statutory working days after the due "
        "date up to the as-of date (the 4-7, 8-15 and >15 buckets start at 00:00 of the 4th, 8th and 16th); the 督办 "
        "page buckets its whole backlog (invalid and exempt included), the unit profile the unit's assessed orders. The "
        "catalogue, the reply rules and satisfaction_basis hold for every period: rule_changes cannot change them.",
    ),
    (
        "办结不等于解决：每件办结工单的办理结果（答复）按 reply_rules_file 的关键词和正则逐类匹配（无法解决、实际解决、"
        "转办或告知途径、解释说明，按文件顺序，先匹配者胜），都不匹配为未能归类；实际解决占比 = 实际解决 ÷ 有答复的办结量。"
        "质量抽查：每个单位每月按 MD5(种子:工单编号) 排序取前 review_sample_size 件已办结考核工单，同样的数据和种子抽出同样的工单。",
        "Closed is not fixed: each closed order's reply is matched against reply_rules_file class by class (unable, "
        "solved, referred, explained, in the file's order; the first match wins), else unclassified; the actual-solve "
        "share = solved ÷ closed with a reply. Quality review: per unit and month, the first review_sample_size closed "
        "assessed orders by MD5(seed:order id): the same data and seed draw the same orders.",
    ),
)

_UNIT_LABEL = {
    "count": "件 orders",
    "weighted_count": "件（加权）weighted orders",
    "ratio": "比率 0–1",
    "points": "分 0–100",
}


_RULE_SET_KEYS = ("source", "effective_from", "rule_note", "rule_sets")


def render_markdown(
    settings_summary: dict[str, Any] | None = None, rule_history: list[dict[str, Any]] | None = None
) -> str:
    """docs/metrics.md, generated (``python -m warehouse metrics-doc``); never edit it by hand. ``rule_history``:
    ``warehouse.rule_sets.history`` of the same settings."""
    lines = [
        "# 指标定义 / Metric definitions",
        "",
        "<!-- Generated from warehouse/registry.py and warehouse/metrics_doc.py by `python -m warehouse metrics-doc`. "
        "Do not edit. -->",
        "",
        "考核月份 = 派单时间所在月份；考核工单 = 派单且非无效、非豁免。率 = 分子 ÷ 分母，分母为 0 或来源不含所需字段时为空；"
        "季度、年度和任意期间均为分子之和 ÷ 分母之和。",
        "Assessment month = month of dispatched_at; assessed = dispatched, not invalid, not exempt. "
        "A rate is numerator ÷ denominator (empty when the denominator is 0 or the source lacks its inputs); any "
        "longer period is sum of numerators ÷ sum of denominators.",
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
    lines += ["", "## 可计量性 / What each figure needs from the source", ""]
    lines += ["| figure | needs | of |", "|---|---|---|"]
    for need in MEASURABLE:
        users = ", ".join(f"`{m.key}`" for m in METRICS if need.key in m.needs)
        joint = " or " if need.any_input else " and "
        needs = joint.join(f"`{f}`" for f in need.inputs)
        if need.proxy:
            needs += " (or, the proxy: " + " and ".join(f"`{f}`" for f in METRIC_BY_KEY[need.proxy].inputs) + ")"
        lines.append(f"| {users} | {needs} | `{need.base}` |")
    lines += ["", "## 规则说明 / Rules", ""]
    lines += [f"- {zh}<br>{en}" for zh, en in RULES]
    lines += ["", "## 层级 / Levels", ""]
    lines += [
        f"- `{lvl.name}` {lvl.label_zh} / {lvl.label_en}: unit = {' + '.join(lvl.keys)}" for lvl in LEVELS.values()
    ]
    if settings_summary:
        lines += ["", "## 当前设置 / Settings in config/settings.toml", "", "| setting | value |", "|---|---|"]
        lines += [f"| `{k}` | `{v}` |" for k, v in settings_summary.items() if k not in _RULE_SET_KEYS]
    if rule_history:
        lines += [
            "",
            "## 规则沿革 / History of rules",
            "",
            "| 生效月份 from | 依据 note | 改动 changes |",
            "|---|---|---|",
        ]
        for step in rule_history:
            changes = "; ".join(f"`{k}`: `{a}` → `{b}`" for k, (a, b) in step["changes"].items())
            lines.append(f"| {step['from'] or '自始 / from the start'} | {step['note'] or ''} | {changes or '—'} |")
    return "\n".join(lines) + "\n" + problems_markdown() + replies_markdown()
