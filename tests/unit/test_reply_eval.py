"""The reply classifier's precision and recall (issue 20, Done when): measured by ``python -m etl.reply_eval``
on the demo generator's labelled replies, written to docs/reply_measures.json and rendered into
docs/metrics.md from that file, so the document says what the command measured."""

from __future__ import annotations

import json
from pathlib import Path

from etl.reply_eval import labelled_sample, main
from warehouse.replies import CLASSES
from warehouse.replies_doc import MEASURES_FILE, replies_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_the_command_measures_every_class_on_the_labelled_sample(tmp_path: Path, capsys) -> None:
    out = tmp_path / "measures.json"
    assert main(["--seed", "7", "--months", "2", "--orders-per-month", "300", "--out", str(out)]) == 0
    measured = json.loads(out.read_text(encoding="utf-8"))
    assert json.loads(capsys.readouterr().out) == measured
    sample = labelled_sample(7, 2, 300)
    demo = measured["demo"]
    assert demo["all"]["replies"] == sample.height > 0
    assert sum(demo[k]["support"] for k in CLASSES) == sample.height  # every reply labelled with one class
    for key in CLASSES:
        real = sample.filter(sample["reply_class"] == key).height
        assert demo[key]["support"] == real
        assert demo[key]["precision"] is None or 0 <= demo[key]["precision"] <= 1
    text = replies_markdown(out)
    assert "| 实际解决 / solved |" in text and "种子 7，2 个月" in text


def test_docs_metrics_carries_the_committed_measurement() -> None:
    measured = json.loads(MEASURES_FILE.read_text(encoding="utf-8"))
    assert measured["sample"]["command"].startswith("python -m etl.reply_eval")
    section = replies_markdown()
    assert section and section in DOCS.read_text(encoding="utf-8")


def test_the_hand_labelled_real_replies_give_the_documented_figures(external: Path) -> None:
    """The 40 hand labels of 附件4 (by 留言编号) measured now equal what docs/metrics.md says (skips without
    the external folder)."""
    from etl.reply_eval import classify_taidi

    got = classify_taidi(external / "taidi2020_zhihuizhengwu" / "attachment4_messages_with_replies.xlsx")
    assert got["labelled"]["all"]["replies"] == 40
    assert got == json.loads(MEASURES_FILE.read_text(encoding="utf-8"))["taidi"]
