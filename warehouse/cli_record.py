"""``python -m warehouse publish | reopen | verify | record | history``: the published assessment record.

``publish`` freezes a month (定榜); ``reopen`` corrects published months with a reason (a new version, never
an overwrite); ``verify`` checks the record's chain and every stored file (exit 2 names the month that was
edited); ``record`` lists the versions (who, when, why, what changed); ``history`` prints one unit's published
rank month by month and how many months it was on the red and black lists.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

import polars as pl

from warehouse import record
from warehouse.cli_rankings import aligned, format_csv
from warehouse.connection import connect_read
from warehouse.publish import publish_month, reopen_months
from warehouse.published_rules import rule_conflicts
from warehouse.record_diff import history_of, history_summary, rank_history, version_changes
from warehouse.registry import LEVELS
from warehouse.settings import load_settings


def _user(args: argparse.Namespace) -> str:
    return args.user or getpass.getuser()


def cmd_publish(args: argparse.Namespace) -> int:
    entry = publish_month(args.db, args.month, _user(args), "cli")
    print(f"{entry.month} 已定榜（第 1 版，{entry.at}）：{entry.orders} 件考核月工单，工单指纹 {entry.orders_fingerprint[:16]}，"
          f"数据截止 {entry.as_of}")  # fmt: skip
    if entry.incomplete:
        print("提示：定榜时本月距期末未满成熟期，办结、回访、满意度等滞后指标未完整（记录中已注明）。")
    print(f"记录：{record.record_dir(args.db)}")
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    entries = reopen_months(args.db, args.month, args.reason, _user(args), "cli")
    con = connect_read(args.db)
    try:
        for entry in entries:
            moved = version_changes(con, entry.month, entry.version)
            print(
                f"{entry.month} 已更正为第 {entry.version} 版（{entry.at}，原因：{entry.reason}）：{moved.height} 项数字变化"
            )
            for r in moved.head(args.show).iter_rows(named=True):
                print(f"  {_where(r)} {r['figure']}：{r['before']} → {r['after']}")
            if moved.height > args.show:
                print(f"  …（共 {moved.height} 项，python -m warehouse record --month {entry.month} 列出全部）")
    finally:
        con.close()
    return 0


def _where(r: dict) -> str:
    if r["level"] == "city":
        return "全市"
    return f"{LEVELS[r['level']].label_zh} " + (f"{r['county']} " if r["county"] else "") + r["unit"]


def cmd_verify(args: argparse.Namespace) -> int:
    folder = record.record_dir(args.db)
    verdict = record.verify(folder)
    if not verdict.ok:
        for problem in verdict.problems:
            print(f"定榜记录校验失败：{problem}", file=sys.stderr)
        return 2
    print(f"定榜记录完好：{verdict.months} 个月，{verdict.versions} 个版本（{folder}）")
    if verdict.head:
        print(f"末尾哈希（可另行记下以便日后比对）：{verdict.head}")
    for month, version, keys in rule_conflicts(folder, load_settings()):
        print(f"提示：当前设置改变了 {month}（第 {version} 版）的规则：{'、'.join(keys)}；导入和重建会被拒绝，"
              f"更正该月请用 reopen。")  # fmt: skip
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    con = connect_read(args.db)
    try:
        entries = record.read_chain(record.record_dir_of(con))
        if args.month:
            entries = history_of(con, args.month)
            if not entries:
                print(f"{args.month} 未定榜")
                return 0
        for e in entries:
            why = f"，原因：{e.reason}" if e.reason else ""
            print(f"{e.month} 第 {e.version} 版  {e.at}  {e.user or '—'}（{e.role or '—'}）{why}  "
                  f"数据截止 {e.as_of}  {e.orders} 件工单")  # fmt: skip
            if args.month and e.version > 1:
                for r in version_changes(con, e.month, e.version).iter_rows(named=True):
                    print(f"    {_where(r)} {r['figure']}：{r['before']} → {r['after']}")
    finally:
        con.close()
    if not entries:
        print("还没有定榜的月份（python -m warehouse publish --month YYYY-MM）")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """A unit's published rank month by month (``--year`` limits it), and the count of list months."""
    import datetime as dt

    start = dt.date(args.year, 1, 1) if args.year else None
    end = dt.date(args.year, 12, 31) if args.year else None
    con = connect_read(args.db)
    try:
        frame = rank_history(con, args.level, args.unit, args.group if args.level == "township" else None, start, end)
    finally:
        con.close()
    if args.group and args.level != "township":
        frame = frame.filter(pl.col("group_name") == args.group)
    if frame.is_empty():
        raise ValueError(f"「{args.unit}」（{LEVELS[args.level].label_zh}）没有已定榜月份的排名记录")
    records = frame.with_columns(pl.col("published_on").cast(pl.String)).to_dicts()
    if args.format == "csv":
        sys.stdout.write(format_csv(records, list(frame.columns)))
    elif args.format == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(_history_table(args.unit, records, history_summary(frame)))
    return 0


def _history_table(unit: str, records: list[dict], summary: dict) -> str:
    heads = ["月份", "版本", "定榜日期", "分组", "名次", "综合得分", "名次变化", "红黑榜"]
    rows = []
    for r in records:
        rank = f"{r['rank']}/{r['ranked_units']}" if r["rank"] is not None else "未排名"
        score = f"{r['score']:.2f}" if r["score"] is not None else "—"
        change = "—" if r["rank_change"] is None else f"{r['rank_change']:+d}"
        lists = "红榜" if r["is_red"] else ("黑榜" if r["is_black"] else "")
        rows.append([r["month"], f"v{r['version']}", r["published_on"], r["group_name"], rank, score, change, lists])
    lines = [f"{unit} 定榜排名历史", *aligned(heads, rows, ("名次", "综合得分", "名次变化"))]
    for year, s in sorted(summary.items()):
        lines.append(f"{year} 年：定榜 {s['months']} 个月，上黑榜 {len(s['black'])} 个月"
                     f"{'（' + '、'.join(s['black']) + '）' if s['black'] else ''}，上红榜 {len(s['red'])} 个月"
                     f"{'（' + '、'.join(s['red']) + '）' if s['red'] else ''}")  # fmt: skip
    return "\n".join(lines) + "\n"


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")


def add_publish(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="publish (定榜) a month's assessment: freeze its figures in the record")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--user", help="who publishes (default: the login name)")
    _db(p)


def add_reopen(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reopen", help="correct published months (申诉/更正): a new version with a reason")
    p.add_argument("--month", required=True, action="append", help="YYYY-MM (repeat for several months)")
    p.add_argument("--reason", required=True, help="why (e.g. the appeal decision)")
    p.add_argument("--user", help="who corrects (default: the login name)")
    p.add_argument("--show", type=int, default=30, help="changed figures to print per month")
    _db(p)


def add_verify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check the published record: its chain and every stored file")
    _db(p)


def add_record(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("record", help="list the published versions (who, when, why; with --month what changed)")
    p.add_argument("--month", help="YYYY-MM")
    _db(p)


def add_history(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("history", help="a unit's published rank month by month (months on the red/black list)")
    p.add_argument("--level", required=True, choices=tuple(LEVELS))
    p.add_argument("--unit", required=True)
    p.add_argument("--group", help="its ranking group (the county of a township)")
    p.add_argument("--year", type=int, help="only this year")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _db(p)
