"""``python -m warehouse clusters`` and ``python -m warehouse alerts``: recurring problems and spikes.

CSV and JSON are for machines (dates ISO, counts as integers, the expected level and p-value at full
precision); the table is for people. The command line runs on the server, beside the warehouse file,
so it shows what the hotline centre's analysts see (``Viewer('analyst', 'cli')``: places named, text
masked); ``--public`` prints the anonymised form the bulletin uses (no place names, no order ids).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

import polars as pl

from warehouse.access import Viewer
from warehouse.alerts import fetch_alerts
from warehouse.calendar import Period
from warehouse.cluster_views import fetch_clusters
from warehouse.clusters import find_clusters
from warehouse.connection import connect_read
from warehouse.excel import csv_cell, csv_text
from warehouse.textwidth import column_widths, pad

CLI_VIEWER = Viewer("analyst", "cli")
PUBLIC_VIEWER = Viewer("public", "cli")
CLUSTER_COLUMNS = {
    "cluster_id": "cluster_id", "county": "county", "township": "township", "place": "place",
    "place_kind": "place_kind", "category_l1": "category_l1", "category_l2": "category_l2",
    "category_l3": "category_l3", "title": "title", "orders": "order_count", "orders_in_period": "period_order_count",
    "first_date": "first_date", "last_date": "last_date", "departments": "departments",
    "dispatched": "dispatched_count", "closed": "closed_count", "resolved": "resolved_count",
    "resolution_answered": "resolution_answered_count", "satisfied": "satisfied_count",
    "satisfaction_answered": "satisfaction_answered_count", "callers": "caller_count",
    "repeat_callers": "repeat_caller_count",
}  # fmt: skip
ALERT_COLUMNS = {
    "county": "county", "category_l1": "category_l1", "category_l2": "category_l2", "start_date": "start_date",
    "end_date": "end_date", "alert_days": "alert_days", "observed": "observed_count",
    "expected": "expected_count", "excess": "excess_count", "ratio": "ratio", "p_value": "p_value",
}  # fmt: skip


def _records(frame: pl.DataFrame, columns: dict[str, str]) -> list[dict[str, Any]]:
    return [{out: row[col] for out, col in columns.items()} for row in frame.iter_rows(named=True)]


def _table(heads: list[str], rows: list[list[str]], title: str, empty: str) -> str:
    widths = column_widths(heads, rows)
    line = lambda cells: "  ".join(pad(c, w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    lines = [title, line(heads), "  ".join("-" * w for w in widths), *map(line, rows)]
    return "\n".join(lines + ([empty] if not rows else [])) + "\n"


def _period(args: argparse.Namespace) -> Period:
    return Period.month(args.month) if args.month else Period.parse(args.period)


def cmd_clusters(args: argparse.Namespace) -> int:
    period = _period(args)
    con = connect_read(args.db)
    try:
        viewer = PUBLIC_VIEWER if args.public else CLI_VIEWER
        found = fetch_clusters(con, viewer, period)
        members = find_clusters(con, period).members if not args.public else None
    finally:
        con.close()
    columns = [c for c in CLUSTER_COLUMNS if c != "place" or not args.public]
    records = _records(found.frame, CLUSTER_COLUMNS)
    if args.format == "csv":
        sys.stdout.write(csv_text(columns, ([r[c] for c in columns] for r in records)))
    elif args.format == "json":
        for r in records:
            r.pop("place", None) if args.public else None
            if members is not None:
                r["order_ids"] = members.filter(pl.col("cluster_id") == r["cluster_id"])["order_id"].to_list()
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1, default=csv_cell) + "\n")
    else:
        heads = ["问题", "工单", "本期", "首次", "最近", "办结", "已解决", "满意/评价", "承办单位"]
        rows = [[r["title"], str(r["orders"]), str(r["orders_in_period"]), csv_cell(r["first_date"]),
                 csv_cell(r["last_date"]), str(r["closed"]), str(r["resolved"]),
                 f"{r['satisfied']}/{r['satisfaction_answered']}", r["departments"] or "—"] for r in records]  # fmt: skip
        title = (
            f"一类问题 {period.label}（受理 {found.window.start} 至 {found.window.end} 的 {found.scanned:,} 件工单中，"
            f"{found.placed:,} 件写明了小区、道路或村）"
        )
        sys.stdout.write(_table(heads, rows, title, "（没有达到条件的一类问题 / no recurring problem found）"))
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    since = dt.date.fromisoformat(args.since)
    until = dt.date.fromisoformat(args.until) if args.until else None
    con = connect_read(args.db)
    try:
        scan = fetch_alerts(con, since, until)
    finally:
        con.close()
    records = _records(scan.alerts, ALERT_COLUMNS)
    if args.format == "csv":
        sys.stdout.write(csv_text(ALERT_COLUMNS, ([r[c] for c in ALERT_COLUMNS] for r in records)))
    elif args.format == "json":
        body = {"tested_from": scan.tested_from, "tested_to": scan.tested_to, "alerts": records}
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=1, default=csv_cell) + "\n")
    else:
        heads = ["区县", "分类", "日期", "受理", "预期", "超出", "p 值"]
        rows = [[r["county"] or "—", f"{r['category_l1'] or '—'} / {r['category_l2'] or '—'}",
                 csv_cell(r["start_date"]) + ("" if r["end_date"] == r["start_date"] else f" 至 {r['end_date']}"),
                 str(r["observed"]), f"{r['expected']:.1f}", f"{r['excess']:.1f}", f"{r['p_value']:.1e}"]
                for r in records]  # fmt: skip
        tested = f"检验自 {scan.tested_from} 起" if scan.tested_from else "历史不足，尚无法检验"
        title = f"预警：{since} 起受理量异常升高（区县 × 二级分类，{tested}）"
        sys.stdout.write(_table(heads, rows, title, "（没有预警 / no alerts）"))
    return 0


def add_clusters(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("clusters", help="list the recurring problems (一类问题) of a month")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="YYYY-MM")
    when.add_argument("--period", help="YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--public", action="store_true", help="anonymised: no place names, no order ids (as published)")


def add_alerts(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("alerts", help="list the days with unusually many orders (county × category)")
    p.add_argument("--since", required=True, help="YYYY-MM-DD: list spikes with an alert day from this date")
    p.add_argument("--until", help="YYYY-MM-DD (default: the end of the data)")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
