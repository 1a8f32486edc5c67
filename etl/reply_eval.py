"""Measure the reply classifier: ``python -m etl.reply_eval [--seed 12345 --months 13 --orders-per-month 5000]
[--taidi PATH] [--out docs/reply_measures.json]``.

The labelled sample is every closed order's reply in the demo city's truth (``etl.democity.generate.demo_truth``,
the ``make run`` demo by default): the generator writes each reply from templates of a known class
(``etl.democity.integrity.REPLIES``), so the label is the class it was written as. The classifier is the
product's own (``warehouse.replies.classify``: the SQL expression the fact table uses, with the rules of
the settings in force). Precision = replies put in a class that belong there ÷ all put there; recall =
÷ all that belong there. The demo's replies come from a few templates with place names, so this proves
the rules read those phrasings (and ignore courtesy lines such as "如有疑问可拨打"), not that they read
every real reply: ``--taidi`` also classifies the real replies (答复意见) of 泰迪杯 2020 附件4 (how many
fall in each class, how many no rule reads) and measures precision and recall on 40 of them labelled by
hand (``docs/reply_labels_taidi.csv``, keyed by 留言编号: the text stays in the external file).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from etl.democity.generate import DEFAULT_END_MONTH, DEFAULT_ORDERS_PER_MONTH, demo_truth
from etl.measures import emit_measures
from warehouse.replies import ALL_CLASSES, classify, read_rules, scores
from warehouse.settings import load_settings

TAIDI_LABELS = Path(__file__).resolve().parents[1] / "docs" / "reply_labels_taidi.csv"
COMMAND = "python -m etl.reply_eval --taidi ../shared/data/external/taidi2020_zhihuizhengwu/attachment4_messages_with_replies.xlsx --out docs/reply_measures.json"


def labelled_sample(seed: int, months: int, orders_per_month: int) -> pl.DataFrame:
    """reply, reply_class of every closed order of the demo city's truth."""
    _, truth = demo_truth(np.random.default_rng(seed), seed, DEFAULT_END_MONTH, months, orders_per_month)
    return truth.filter(pl.col("reply").is_not_null()).select("reply", "reply_class")


def evaluate_demo(seed: int, months: int, orders_per_month: int) -> dict[str, Any]:
    sample = labelled_sample(seed, months, orders_per_month)
    rules = read_rules(load_settings().reply_rules_file)
    predicted = classify(sample["reply"].to_list(), rules)
    out = scores(sample["reply_class"].to_list(), predicted)
    out["all"]["replies"] = sample.height
    out["all"]["distinct_texts"] = sample["reply"].n_unique()
    out["all"]["unclassified"] = sum(p == "unclassified" for p in predicted)
    return out


def classify_taidi(path: Path, labels: Path = TAIDI_LABELS) -> dict[str, Any]:
    """How the real replies of 附件4 are classed (a count per class), and precision and recall on the
    hand-labelled few (``docs/reply_labels_taidi.csv``: 留言编号 → label, no text)."""
    frame = pl.read_excel(path).select(pl.col("留言编号").cast(pl.Int64), pl.col("答复意见").cast(pl.String))
    predicted = classify(frame["答复意见"].to_list(), read_rules(load_settings().reply_rules_file))
    counts = Counter(p for p in predicted if p is not None)
    out: dict[str, Any] = {"replies": sum(counts.values()), **{k: counts.get(k, 0) for k in ALL_CLASSES}}
    hand = pl.read_csv(labels, comment_prefix="#", schema={"留言编号": pl.Int64, "label": pl.String})
    got = dict(zip(frame["留言编号"], predicted, strict=True))
    out["labelled"] = scores(hand["label"].to_list(), [got[i] for i in hand["留言编号"]])
    out["labelled"]["all"]["replies"] = hand.height
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.reply_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--months", type=int, default=13)
    parser.add_argument("--orders-per-month", type=int, default=DEFAULT_ORDERS_PER_MONTH)
    parser.add_argument("--taidi", help="附件4 (attachment4_messages_with_replies.xlsx): also class its real replies")
    parser.add_argument("--out", help="also write the result here (docs/reply_measures.json for metrics-doc)")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"demo": evaluate_demo(args.seed, args.months, args.orders_per_month)}
    out["sample"] = {"seed": args.seed, "months": args.months, "orders_per_month": args.orders_per_month,
                     "command": COMMAND}  # fmt: skip
    if args.taidi:
        out["taidi"] = classify_taidi(Path(args.taidi))
    emit_measures(out, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
