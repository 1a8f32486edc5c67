"""The reply classifier's part of docs/metrics.md: its precision and recall on the labelled sample,
measured, not claimed.

The measurements are ``docs/reply_measures.json``, written by ``python -m etl.reply_eval --out``;
``python -m warehouse metrics-doc`` renders them here, so the numbers in the document are the ones the
command printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from warehouse.replies import ALL_CLASSES, CLASSES
from warehouse.settings import PROJECT_ROOT

MEASURES_FILE = PROJECT_ROOT / "docs" / "reply_measures.json"
NAMES = {
    "solved": "实际解决 / solved",
    "explained": "解释说明 / explained",
    "referred": "转办或告知途径 / referred",
    "unable": "无法解决 / unable",
    "unclassified": "未能归类 / unclassified",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def replies_markdown(path: Path = MEASURES_FILE) -> str:
    """The section on the reply classifier's measured precision and recall ('' before any measurement)."""
    if not path.exists():
        return ""
    m = json.loads(path.read_text(encoding="utf-8"))
    d, s = m["demo"], m["sample"]
    lines = ["", "## 答复分类的测量 / The reply classifier, measured", ""]
    lines += [
        f"标注样本：演示城市（种子 {s['seed']}，{s['months']} 个月，每月 {s['orders_per_month']:,} 件）全部办结工单的答复，"
        f"共 {d['all']['replies']:,} 条（不同文本 {d['all']['distinct_texts']:,} 条），标签为生成器写答复时所用模板的类别。"
        f"命令：`{s['command']}`。<br>Labelled sample: the reply of every closed order of the demo city (seed {s['seed']}, "
        f"{s['months']} months, {s['orders_per_month']:,} a month): {d['all']['replies']:,} replies "
        f"({d['all']['distinct_texts']:,} distinct texts), labelled with the class of the template the generator wrote "
        "it from. The classifier is the product's own (the fact table's SQL expression, config/reply_rules.toml).",
        "",
        "| 类别 / class | 精确率 / precision | 召回率 / recall | 样本 / support | 判为该类 / predicted |",
        "|---|---|---|---|---|",
    ]
    for key in CLASSES:
        c = d[key]
        lines.append(
            f"| {NAMES[key]} | {_pct(c['precision'])} | {_pct(c['recall'])} | {c['support']:,} | {c['predicted']:,} |"
        )
    lines += [
        "",
        f"准确率 / accuracy {_pct(d['all']['accuracy'])}; 未能归类 / unclassified {d['all']['unclassified']:,}.",
        "",
        "- 局限：演示答复出自少数模板（加地名），这里只证明规则能读懂这些说法、不被“如有疑问可拨打”之类的客套话误导，"
        "不证明能读懂所有真实答复。<br>Limit: the demo's replies come from a few templates (with place names); this shows "
        "the rules read those phrasings and ignore courtesy lines such as “如有疑问可拨打”, not that they read every real reply.",
    ]
    if taidi := m.get("taidi"):
        shares = "；".join(f"{NAMES[k]} {taidi[k]:,}" for k in ALL_CLASSES)
        lines += [
            f"- 泰迪杯 2020 附件4 的全部真实答复（答复意见，{taidi['replies']:,} 条）按同一规则分为：{shares}。"
            f"<br>All real replies of 泰迪杯 2020 附件4 ({taidi['replies']:,}) are classed by the same rules: counts per "
            "class as listed.",
        ]
        if hand := taidi.get("labelled"):
            lines += [
                "",
                f"其中随机抽取 {hand['all']['replies']} 条由人工标注（docs/reply_labels_taidi.csv，按留言编号，一名标注者）："
                f"<br>{hand['all']['replies']} of them drawn at random and labelled by hand (docs/reply_labels_taidi.csv, "
                "by 留言编号, one annotator):",
                "",
                "| 类别 / class | 精确率 / precision | 召回率 / recall | 样本 / support | 判为该类 / predicted |",
                "|---|---|---|---|---|",
                *(_row(k, hand[k]) for k in CLASSES),
                "",
                f"准确率 / accuracy {_pct(hand['all']['accuracy'])}. 真实答复常把转办、告知途径写成“已转……办理”“建议您向……"
                "反映”，或在解释之后附上咨询电话，规则尚不能可靠区分；样本小，区间很宽，只作方向参考。<br>Real replies "
                "phrase referrals in many ways and put phone numbers after explanations; the rules do not yet tell them "
                "apart reliably. The sample is small: read the figures as a direction, not a measurement to the point.",
            ]
    return "\n".join(lines) + "\n"


def _row(key: str, c: dict[str, Any]) -> str:
    return f"| {NAMES[key]} | {_pct(c['precision'])} | {_pct(c['recall'])} | {c['support']:,} | {c['predicted']:,} |"
