"""The problem finders' part of docs/metrics.md: how recurring problems, early warnings and hot words are
found, what is shown to whom, and how well it works on the demo city (measured, not claimed).

The measurements are ``docs/problem_measures.json``, written by ``python -m etl.democity.eval --out`` on the
demo that ``make run`` loads; ``python -m warehouse metrics-doc`` renders them here, so the numbers in the
document are the ones the command printed.
"""

from __future__ import annotations

import json
from typing import Any

from warehouse.problem_settings import DEFAULT_PATH, load_problem_settings
from warehouse.settings import PROJECT_ROOT

MEASURES_FILE = PROJECT_ROOT / "docs" / "problem_measures.json"

PROBLEM_RULES: tuple[tuple[str, str], ...] = (
    (
        "满意率的案件结构对比（间接标化）：单位的考核工单中有满意度评价的，按「二级分类 × 诉求类型」分格（分类或类型为空的自成"
        "一格）；预期满意率 = Σ n_c·r′_c ÷ n，r_c 为全市该格在截至期末的 reference_months 个月内的满意率，n_c 为本单位该格的"
        "有效评价量，r′_c 为 r_c 的对数几率统一平移 δ 后的值，δ 使本期全市按 r′_c 的预期满意件数等于实际件数（全市本期实际/预期"
        "恰为 1，全市整体情绪的变化不影响任何单位，预期率不会超出 0–1）。实际满意率就是官方满意率（同一个计算函数 rate_row，基本满意的权重按现行设置）；实际/预期的 95% 区间 = 实际"
        "满意率的 Wilson 区间 ÷ 预期满意率。区间整体低于 1 为“低于预期”，高于 1 为“高于预期”，否则“与预期相当”；有效评价少于"
        "最小样本不作判断；来源没有满意度时各项为空。它与官方满意率并列显示（单位画像、排名页的可选列、命令行 rankings --case-mix、"
        "证据材料、通报），从不替换官方满意率或排名。",
        "Case mix of satisfaction (indirect standardisation): a unit's assessed orders with a satisfaction answer fall in "
        "cells second-level category × appeal type (an empty one is a cell of its own); expected rate = Σ n_c·r′_c ÷ n, "
        "r_c the city's rate in the cell over the reference_months up to the period's end, n_c the unit's answers in it, "
        "r′_c = r_c with its log-odds shifted by one δ chosen so that the city's expected satisfied answers in the period "
        "equal its observed ones (the city's own observed/expected is 1, a city-wide change of mood moves no unit, and no "
        "expected rate leaves 0–1). The observed rate is the official one (the same rate_row, the 基本满意 "
        "weight in force); the 95% interval of observed/expected is the observed rate's Wilson interval ÷ the expected "
        "rate. Wholly below 1 is 'below expected', wholly above 'above', else 'as expected'; no verdict under the minimum "
        "sample; not available when the source carries no satisfaction. Shown beside the official rate (unit profile, the "
        "rankings' optional columns, CLI rankings --case-mix, evidence pack, bulletin), never replacing it or the ranking.",
    ),
    (
        "一类问题：同一区县和乡镇街道（导出为空时取诉求内容中的区县、乡镇街道名称）、诉求内容中写明的同一小区、道路、村（社区）或"
        "场所（学校、医院、桥等；一件工单只取一个地点：小区 > 村 > 场所 > 道路），且内容相近——去掉地名、停用词和数字后的词语"
        "重合度（Jaccard）≥ similarity，或三级分类相同且重合度 ≥ similarity_same_category——的工单相互关联；相隔不超过"
        " window_days 天；关联成串（单链）的一组至少 min_size 件、且至少 1 件在所选期间内，即为一类问题。某期间读取其最后一天往前"
        " window_days 天（期间更长时读整个期间）内受理的工单，计数只含这些工单。未写明地点的工单不归入任何一类问题。",
        "Recurring problem: orders of the same county and township (the content's county/township names when the export "
        "leaves them empty) about the same estate, road, village or site (school, hospital, bridge…; one place per "
        "order: estate > village > site > road) named in the content, with similar wording — the Jaccard overlap of their "
        "words, places, stop words and numbers left out, ≥ similarity, or the same third-level category and an overlap ≥ "
        "similarity_same_category — are linked when at most window_days apart; a single-linkage group of at least "
        "min_size orders, one of them in the period, is a recurring problem. A period reads the orders received in the "
        "window_days up to its last day (the whole period when longer); counts cover those orders. An order naming no "
        "place is in no group.",
    ),
    (
        "地点与隐私：地点只取名称，不含任何数字（楼栋、门牌、单元、房号都不属于地点），与来电人本人姓名重合的不作地点。"
        "有工单清单权限的角色（领导、人大监督、分析、管理员）看到地点名称和每类问题背后的工单，按区县限定的领导只看本区县；"
        "公众页面、对外通报和命令行 --public 只给匿名标题：乡镇街道 + 某小区/某道路/某村（社区）/某场所 + 分类，不含小区、"
        "道路名称、工单编号和任何来电原话。理由：小区或道路名称本身不是个人信息，但它来自来电人的话，与日期、问题一起，"
        "在小小区或村里可能指向具体住户；需要据此办事的单位、热线中心和监督者用得上，公众用不上。",
        "Places and privacy: a place is a name only, never a number (building, house, unit and room numbers are not part "
        "of it), and a place matching the caller's own name is dropped. Roles with order lists (leader, oversight, "
        "analyst, admin) see the place and the orders behind each problem, a county-scoped leader only its county; the "
        "public pages, the published bulletin and the CLI's --public get anonymised titles only: township + 'an "
        "estate/road/village/site' + category, with no estate or road name, no order id and none of the callers' words. "
        "Why: an estate or road name is not personal data on its own, but it comes from the caller's words and, with a "
        "date and a topic, can point at a household in a small estate or village; the units, the centre and oversight "
        "need it to act, the public does not.",
    ),
    (
        "预警：按受理日统计区县 × 二级分类的工单数。第 t 天的预期 μ = B·w_t/W_B：B 为检验日前第 guard_days+1 天起往前"
        " baseline_days 天（基线）的工单数，W_B 为基线各日权重之和，w_t 为第 t 天的权重。日权重 = 日类型系数（周一至周日、"
        "法定节假日，调休上班日按周中计；由全市每日总量估计）× 季节系数（只用于 t：该分类全市在上一年同期 7 天与上一年基线期"
        "的量之比，仓库不够一年时为 1，限制在 ¼–4）。检验：在“该格每日量与权重成正比”之下，X | X+B ~ Bin(X+B, w_t/(w_t+W_B))，"
        "这是精确的条件检验，基线本身的抽样误差已计入；过度离散按准泊松处理：每个分类的离散系数 φ = Σ(x−μ)² ÷ Σμ(1+w_t/W_B)"
        "（全部历史，已报警的日子除外，≥ 1），计算尾概率前计数除以 φ。P(X ≥ x) < alpha、x ≥ min_count 且 x ≥ min_ratio·μ"
        " 即报警；同一格相隔不超过 2 天的报警日合为一次激增。历史不足 guard_days + baseline_days 天的日子不检验。",
        "Early warning: orders per county × second-level category per day of receipt. Day t expects μ = B·w_t/W_B: B "
        "the cell's orders in the baseline (the baseline_days days ending guard_days before t), W_B the sum of the "
        "baseline days' weights, w_t day t's weight. A day's weight = its day-type factor (Monday…Sunday, statutory "
        "holiday, a 调休 working weekend as a midweek day; from the city's daily totals) × a seasonal factor for t only "
        "(the category's city-wide volume in the 7 days around t a year earlier over its baseline a year earlier; 1 "
        "without a year of history; within ¼–4). Test: if the cell's daily rate is proportional to the weights, "
        "X | X+B ~ Bin(X+B, w_t/(w_t+W_B)) — exact and conditional, the baseline's own noise included; overdispersion "
        "quasi-Poisson style: each category's φ = Σ(x−μ)² ÷ Σμ(1+w_t/W_B) over its history (alert days excluded, ≥ 1) "
        "divides the counts before the tail probability. An alert needs P(X ≥ x) < alpha, x ≥ min_count and x ≥ "
        "min_ratio·μ; alert days of a cell at most 2 days apart are one spike. Days with less than guard_days + "
        "baseline_days of history are not tested.",
    ),
    (
        "热词：本期与此前 reference_months 个月各抽取至多 sample 件工单（按工单编号哈希，结果可复现），每件取前 80 字。区县、"
        "乡镇街道、单位名称和内容中找到的小区、道路、村、场所先作为词典词整体切出再去掉，它们的任何片段都不当作热词；一半以上"
        "出现在地名后缀（路、小区、县……）前面的词也去掉；停用词表含虚词和来电、信件套话（尊敬、领导、关于、严重、作为、条件、"
        "人民……）；姓氏加称谓或职务（王先生、胡书记）去掉。每个词计提到它的来电人数（同一号码、姓名只计一次），少于 min_orders"
        " 不列；按对数几率 z 值（Monroe 等 2008，信息性狄利克雷先验 = 两期合计的 10%）排序，只列比此前增多的词。此前没有数据时"
        "按人数排序并注明。",
        "Hot words: up to sample orders from the period and from the reference_months before it (by hash of the order "
        "id, reproducible), the first 80 characters of each. County, township and unit names and the estates, roads, "
        "villages and sites found in the texts are cut out as whole dictionary words, and no piece of one can be a hot "
        "word; a word found before a place ending (路, 小区, 县…) at least half the time is dropped too; the stop list "
        "holds function words and the boilerplate of calls and letters (尊敬, 领导, 关于, 严重, 作为, 条件, 人民…); a "
        "surname with a courtesy or official title (王先生, 胡书记) is dropped. A word counts the callers using it (one "
        "phone or name once) and needs min_orders of them; words are ranked by the log-odds z-score (Monroe et al. "
        "2008, informative Dirichlet prior = 10% of the pooled counts) and only those used more than before are listed. "
        "With nothing earlier, by callers, and the page says so.",
    ),
)


NOTES = (
    "- 召回率的上限：按设计，埋设问题的来电中约十分之一没有说出地点（“我们小区”），这些工单无法归入任何一类问题，成对召回率"
    "因此至多约 81 %（0.9²）。S4 是故意埋得很小的激增（在一个区三天各多 3 件左右），用来说明检测的边界。一件重办工单与它所重办的"
    "原工单是同一件事（同一来电人、同一诉求，不满意后再次来电），两者被归为一类算作正确，以它们为主的组不算偶然组。误报指与埋设激增无关的"
    "报警：背景工单是独立抽取的（重办工单除外，它们跟随部分不满意的工单），其中没有别的可找；数据第一年里季节的开始（如供暖季）没有上一年可参照，可能报警。<br>Recall's ceiling: by design about one planted call in ten names no place "
    "(“our estate”) and can join no problem, so pairwise recall is at most about 81 % (0.9²). S4 is a deliberately small "
    "spike (about 3 extra calls a day for three days in one district), to show where detection stops. A redo and the order "
    "it redoes are one matter (the same caller about the same thing, calling again after an unsatisfied answer): "
    "putting them together counts as right, and a group they lead is no chance group. A false alarm is any alert "
    "unrelated to a planted spike: the background orders are drawn independently (apart from the redo calls that "
    "follow some unsatisfied orders), there is nothing else to find; a season's start in the first year of data (the heating season) has no year before to expect it and "
    "can raise one.",
)


def _measures() -> dict[str, Any] | None:
    if not MEASURES_FILE.exists():
        return None
    return json.loads(MEASURES_FILE.read_text(encoding="utf-8"))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def problems_markdown() -> str:
    """The section of docs/metrics.md on recurring problems, early warning and hot words."""
    settings = load_problem_settings(DEFAULT_PATH).to_dict()
    lines = ["", "## 一类问题、预警与热词 / Recurring problems, early warning, hot words", ""]
    lines += [f"- {zh}<br>{en}" for zh, en in PROBLEM_RULES]
    lines += ["", "设置 / Settings (`config/problems.toml`; analysis only, no assessed figure depends on them):", ""]
    lines += ["| setting | value |", "|---|---|"]
    lines += [f"| `{table}.{k}` | `{v}` |" for table, values in settings.items() for k, v in values.items()]
    m = _measures()
    if m is None:
        return "\n".join(lines) + "\n"
    c, a, d = m["clusters"], m["alerts"], m["demo"]
    redo_pairs, redo_groups = c.get("redo_pairs", 0), c.get("redo_groups", 0)
    with_redo = " ({} of them hold an order and its redo beside background orders of the same place: a redo call is a real extra call)"
    lines += ["", "### 在演示城市上的测量 / Measured on the demo city", ""]
    lines += [
        f"演示数据 / demo: `python -m etl demo --seed {d['seed']} --months {d['months']} --orders-per-month "
        f"{d['orders_per_month']}` (the `make run` demo), loaded, then `{d['command']}`. Settings chosen on seed "
        f"{d['tuned_on_seed']}, measured here on another seed.",
        "",
        "| | |",
        "|---|---|",
        f"| 一类问题：成对精确率 / pairwise precision | {_pct(c['pairwise_precision'])} "
        f"({c['true_pairs'] + redo_pairs:,} of {c['pred_pairs']:,} pairs put together were made about one problem"
        f"{f', {redo_pairs:,} of them an order and its redo' if redo_pairs else ''}) |",
        f"| 一类问题：成对召回率 / pairwise recall | {_pct(c['pairwise_recall'])} "
        f"({c['true_pairs']:,} of {c['truth_pairs']:,} pairs of findable planted problems) |",
        f"| 找到的组中以某个埋设问题（或一件工单及其重办）为主的 / groups dominated by one planted problem (or an order "
        f"and its redo) | {c['true_groups'] + redo_groups} of {c['groups']} ({_pct(c['group_precision'])})"
        f"{f', {redo_groups} of them led by a redo' if redo_groups else ''}; {c['chance_groups']} chance groups"
        f"{with_redo.format(c['chance_groups_with_redo']) if c.get('chance_groups_with_redo') else ''} |",
        f"| 可找到的埋设问题中找到的 / findable planted problems found | {c['problems_found']} of "
        f"{c['problems_eligible']} ({_pct(c['problem_recall'])}), month by month over {c['months']} months |",
        f"| 预警：找到的埋设激增 / planted spikes found | {len(a['spikes_found'])} of {a['spikes_testable']} testable "
        f"({a['spikes_planted']} planted): {', '.join(a['spikes_found']) or '—'}; missed: "
        f"{', '.join(a['spikes_missed']) or 'none'} |",
        f"| 预警：误报 / false alarms | {a['false_alarms']} in {a['days_tested']} days tested "
        f"({a['cell_days_tested']:,} county × category days, from {a['tested_from']}) |",
    ]
    if a["false_alarm_list"]:
        lines += ["", "误报 / the false alarms: " + "; ".join(a["false_alarm_list"]) + "."]
    lines += ["", *NOTES]
    return "\n".join(lines) + "\n"
