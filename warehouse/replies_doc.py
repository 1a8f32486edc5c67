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
            f"- 泰迪杯 2020 附件4 的真实答复（答复意见，{taidi['replies']:,} 条，没有标注，故无精确率/召回率）按同一规则分为：{shares}。"
            f"<br>The real replies of 泰迪杯 2020 附件4 ({taidi['replies']:,}, unlabelled, so no precision or recall) "
            "are classed by the same rules as above (counts per class).",
        ]
    return "\n".join(lines) + "\n"


def write_measures(result: dict[str, Any], path: Path = MEASURES_FILE) -> None:
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
