"""Measure the problem finders against the demo city's truth: ``python -m etl.democity.eval --exports DIR --db PATH``.

The generator writes which orders it made about the same problem and which spikes it planted
(``etl.democity.problems``, ``.demo_truth.json`` beside the exports); this compares the recurring problems
(``warehouse.clusters``) and the early warning (``warehouse.alerts``) of a warehouse loaded from those
exports with them. The figures in docs/metrics.md are its output.

Recurring problems, month by month (each month's problems as the pages show them):
- pairwise precision = pairs of orders put in one problem that the generator made about one problem ÷
  all pairs put together; pairwise recall = those pairs ÷ the pairs of the planted problems that could
  be found that month (at least ``min_size`` of their orders in the window read, one in the month);
- problem level: a problem found is a planted one that is the majority (≥ half the orders) of one found
  group; a chance group is a found group that no planted problem dominates.
- a redo (重办) and the order it redoes are one matter too (the same caller about the same thing, called
  again after an unsatisfied answer): precision counts such a pair put together as right, and a group
  they dominate is no chance group (``redo_pairs``, ``redo_groups``); recall is over the planted problems
  only, since a pair alone is below ``min_size``.
Early warning: a spike is found when an alert of its county and second-level category overlaps its
days; every other alert is a false alarm (the background orders are drawn independently, apart from
the redo calls that follow some unsatisfied orders, so nothing else is there to find).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from math import comb
from pathlib import Path

import duckdb

from etl.democity import topics
from etl.democity.problems import read_truth
from etl.measures import emit_measures
from warehouse.alerts import scan_alerts
from warehouse.calendar import Period
from warehouse.clusters import find_clusters
from warehouse.problem_settings import AlertSettings, ClusterSettings, load_problem_settings

_L2 = {t.l3: (t.l1, t.l2) for t in topics.TOPICS}
# The settings in config/problems.toml were chosen on the demo of this seed; docs/metrics.md reports another.
TUNED_ON_SEED = 777


def _months(con: duckdb.DuckDBPyConnection) -> list[Period]:
    first, last = con.sql("SELECT min(received_date), max(received_date) FROM fct_work_orders").fetchall()[0]
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(Period.month(day))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def evaluate_clusters(con: duckdb.DuckDBPyConnection, truth: dict, settings: ClusterSettings | None = None) -> dict:
    cfg = settings or load_problem_settings().clusters
    problem_of = {oid: p for oid, (p, _s) in truth["orders"].items()}
    matter_of = {oid: f"redo:{first}" for redo, first in truth.get("redo", {}).items() for oid in (redo, first)}
    dates = dict(
        con.sql(
            "SELECT order_id, received_date FROM fct_work_orders WHERE list_contains($ids, order_id)",
            params={"ids": list(problem_of)},
        ).fetchall()
    )
    keys = ("truth_pairs", "problems_eligible", "pred_pairs", "true_pairs", "true_groups", "chance_groups", "groups",
            "problems_found", "redo_pairs", "redo_groups", "chance_groups_with_redo")  # fmt: skip
    totals = Counter(dict.fromkeys(keys, 0))
    for month in _months(con):
        found = find_clusters(con, month, cfg)
        in_window = [o for o, d in dates.items() if found.window.start <= d <= found.window.end]
        sizes = Counter(problem_of[o] for o in in_window)
        active = {problem_of[o] for o in in_window if month.start <= dates[o] <= month.end}
        eligible = {p for p in active if sizes[p] >= cfg.min_size}
        totals["truth_pairs"] += sum(comb(sizes[p], 2) for p in eligible)
        totals["problems_eligible"] += len(eligible)
        groups = found.members.group_by("cluster_id").agg("order_id")
        found_here = set()
        for ids in groups["order_id"].to_list():
            labels = Counter(problem_of.get(o) for o in ids)
            matters = Counter(matter_of[o] for o in ids if o not in problem_of and o in matter_of)
            totals["pred_pairs"] += comb(len(ids), 2)
            totals["true_pairs"] += sum(comb(n, 2) for p, n in labels.items() if p is not None)
            totals["redo_pairs"] += sum(comb(n, 2) for n in matters.values())
            top, n = labels.most_common(1)[0]
            if top is not None and 2 * n >= len(ids):
                totals["true_groups"] += 1
                if top in eligible and 2 * n >= sizes[top]:
                    found_here.add(top)
            elif matters and 2 * max(matters.values()) >= len(ids):
                totals["redo_groups"] += 1
            else:
                totals["chance_groups"] += 1
                totals["chance_groups_with_redo"] += any(n >= 2 for n in matters.values())
        totals["groups"] += groups.height
        totals["problems_found"] += len(found_here)
    return {
        "months": len(_months(con)),
        **dict(totals),
        "pairwise_precision": _ratio(totals["true_pairs"] + totals["redo_pairs"], totals["pred_pairs"]),
        "pairwise_recall": _ratio(totals["true_pairs"], totals["truth_pairs"]),
        "group_precision": _ratio(totals["true_groups"] + totals["redo_groups"], totals["groups"]),
        "problem_recall": _ratio(totals["problems_found"], totals["problems_eligible"]),
    }


def evaluate_alerts(con: duckdb.DuckDBPyConnection, truth: dict, settings: AlertSettings | None = None) -> dict:
    scan = scan_alerts(con, settings or load_problem_settings().alerts)
    spikes = []
    for p in truth["problems"]:
        if p["spike_id"]:
            first, last = dt.date.fromisoformat(p["first_date"]), dt.date.fromisoformat(p["last_date"])
            spikes.append({"spike": p["spike_id"], "county": p["county"], "l2": _L2[p["category_l3"]][1],
                           "first": first, "last": last,
                           "testable": scan.tested_from is not None and first >= scan.tested_from})  # fmt: skip
    found, false_alarms = set(), []
    for a in scan.alerts.iter_rows(named=True):
        hit = [s["spike"] for s in spikes if s["county"] == a["county"] and s["l2"] == a["category_l2"]
               and a["start_date"] <= s["last"] and s["first"] <= a["end_date"]]  # fmt: skip
        found.update(hit)
        if not hit:
            where = a["county"] or "（未填区县 / no county）"
            false_alarms.append(f"{a['start_date']} {where} {a['category_l2']}: {a['observed_count']} orders")
    days = (scan.tested_to - scan.tested_from).days + 1 if scan.tested_from else 0
    return {
        "spikes_planted": len(spikes),
        "spikes_testable": sum(s["testable"] for s in spikes),
        "spikes_found": sorted(found),
        "spikes_missed": sorted(s["spike"] for s in spikes if s["testable"] and s["spike"] not in found),
        "alerts": scan.alerts.height,
        "false_alarms": len(false_alarms),
        "false_alarm_list": false_alarms,
        "days_tested": days,
        "cell_days_tested": days * scan.cells,
        "tested_from": str(scan.tested_from),
    }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.democity.eval", description=__doc__.splitlines()[0])
    parser.add_argument("--exports", required=True, help="the demo exports folder (holds .demo_truth.json)")
    parser.add_argument("--db", required=True, help="a warehouse loaded from exactly those exports")
    parser.add_argument("--out", help="also write the result here (docs/problem_measures.json for metrics-doc)")
    args = parser.parse_args(argv)
    truth = read_truth(Path(args.exports))
    con = duckdb.connect(args.db, read_only=True)
    try:
        out = {"clusters": evaluate_clusters(con, truth), "alerts": evaluate_alerts(con, truth)}
    finally:
        con.close()
    out["demo"] = {
        "seed": truth.get("seed"), "months": truth["months"], "orders_per_month": truth["orders_per_month"],
        "end_month": truth["end_month"], "tuned_on_seed": TUNED_ON_SEED,
        "command": "python -m etl.democity.eval --exports DIR --db PATH --out docs/problem_measures.json",
    }  # fmt: skip
    emit_measures(out, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
