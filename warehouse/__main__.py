"""``python -m warehouse``: rankings (SPEC §7), metrics-doc, rebuild.

Subcommands register themselves in ``COMMANDS`` so later ones (export-parquet, users) slot in.
CSV and JSON are for machines: rates are fractions 0–1 printed with full precision, the score is
0–100, an unranked unit has an empty rank (JSON null). The table is for people: Chinese labels,
percentages, arrows for rank changes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from warehouse import cli_admin, cli_backlog, status
from warehouse.backups import WarehouseCorruptError
from warehouse.calendar import Period
from warehouse.connection import connect_read, writer
from warehouse.metrics import fetch_build_info, rebuild
from warehouse.rankings import fetch_ranking
from warehouse.registry import LEVELS, render_markdown
from warehouse.settings import DEFAULT_SETTINGS_PATH, PROJECT_ROOT, SettingsError, load_settings

RATE_COLUMNS = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")
# output column -> ranking column
CSV_COLUMNS = {
    "rank": "rank",
    "county": "county",
    "unit": "unit",
    "dispatched": "dispatched_count",
    "assessed": "assessed_count",
    "excluded": "excluded_count",
    **{c: c for c in RATE_COLUMNS},
    "score": "score",
    "rank_change": "rank_change",
    "previous_rank": "previous_rank",
    "group": "group_name",
    "insufficient_sample": "sample_flag",
    "missing_rates": "score_missing_rates",
    "red_list": "is_red",
    "black_list": "is_black",
    "indistinguishable": "indistinguishable",
}


def ranking_records(df: pl.DataFrame, level: str) -> list[dict[str, Any]]:
    """Rows as SPEC §7 names them; the county column only at the township level."""
    records = []
    for row in df.iter_rows(named=True):
        rec = {out: row[col] for out, col in CSV_COLUMNS.items() if out != "county" or level == "township"}
        rec["insufficient_sample"] = row["sample_flag"] is not None
        records.append(rec)
    return records


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def format_csv(records: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(columns)
    out.writerows([[_csv_cell(r[c]) for c in columns] for r in records])
    return buf.getvalue()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def format_table(records: list[dict[str, Any]], level: str, title: str) -> str:
    """An aligned terminal table (CJK characters count double width)."""
    heads = ["排名"] + (["区县"] if level == "township" else []) + ["单位"]
    heads += ["分组"] if level == "department" else []
    heads += ["派单", "考核", "响应率", "按时办结率", "解决率", "满意率", "综合得分", "变化", "标记"]
    rows = []
    for r in records:
        pct = [f"{r[c] * 100:.1f}%" if r[c] is not None else "—" for c in RATE_COLUMNS]
        change = r["rank_change"]
        arrow = "—" if change is None else ("↑" if change > 0 else "↓" if change < 0 else "→") + str(abs(change))
        marks = [
            m
            for m, on in (
                ("样本不足", r["insufficient_sample"]),
                ("红榜", r["red_list"]),
                ("黑榜", r["black_list"]),
                ("难区分", r["indistinguishable"]),
            )
            if on
        ]
        cells = [str(r["rank"]) if r["rank"] is not None else "—"]
        cells += [r["county"] or ""] if level == "township" else []
        cells += [r["unit"]] + ([r["group"]] if level == "department" else [])
        cells += [str(r["dispatched"]), str(r["assessed"]), *pct]
        cells += [f"{r['score']:.2f}" if r["score"] is not None else "—", arrow, " ".join(marks)]
        rows.append(cells)
    widths = [max([_width(h)] + [_width(row[i]) for row in rows]) for i, h in enumerate(heads)]
    numeric = {
        i
        for i, h in enumerate(heads)
        if h in ("排名", "派单", "考核", "响应率", "按时办结率", "解决率", "满意率", "综合得分")
    }
    lines = [title, "  ".join(_pad(h, w, i in numeric) for i, (h, w) in enumerate(zip(heads, widths, strict=True)))]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(_pad(c, w, i in numeric) for i, (c, w) in enumerate(zip(row, widths, strict=True))) for row in rows
    ]
    if not rows:
        lines.append("（该期间没有派单数据 / no dispatched orders in this period）")
    return "\n".join(lines) + "\n"


def cmd_rankings(args: argparse.Namespace) -> int:
    period = Period.month(args.month) if args.month else Period.parse(args.period)
    settings = load_settings()
    con = connect_read(args.db)
    try:
        df = fetch_ranking(con, args.level, period, settings)
        as_of = fetch_build_info(con).get("as_of")
    finally:
        con.close()
    records = ranking_records(df, args.level)
    columns = [c for c in CSV_COLUMNS if c != "county" or args.level == "township"]
    if args.format == "csv":
        sys.stdout.write(format_csv(records, columns))
    elif args.format == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    else:
        title = f"{LEVELS[args.level].label_zh}排名 {period.label}（数据截止 {as_of or '—'}）"
        sys.stdout.write(format_table(records, args.level, title))
    return 0


def cmd_metrics_doc(args: argparse.Namespace) -> int:
    text = render_markdown(load_settings(DEFAULT_SETTINGS_PATH).to_dict())  # the committed rules, not $HOTLINE_SETTINGS
    out = Path(args.out)
    if args.check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} 已过期，请运行 python -m warehouse metrics-doc (out of date)", file=sys.stderr)
            return 1
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Re-derive every metric table from the loaded orders, e.g. after editing the settings."""
    settings = load_settings()
    with writer(args.db) as con:
        rebuild(con, settings)
    print(f"rebuilt metrics with settings {settings.fingerprint()}")
    return 0


def _add_rankings(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rankings", help="print the league table of one level for a month")
    p.add_argument("--level", required=True, choices=tuple(LEVELS))
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="YYYY-MM")
    when.add_argument("--period", help="YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")


def _add_metrics_doc(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("metrics-doc", help="write docs/metrics.md from the metric registry")
    p.add_argument("--out", default=str(PROJECT_ROOT / "docs" / "metrics.md"))
    p.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")


def _add_rebuild(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rebuild", help="recompute the metric tables with the current settings")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")


def cmd_export_parquet(args: argparse.Namespace) -> int:
    """The fact and metric tables as month-partitioned Parquet (Hive layout) for a distributed engine."""
    from warehouse.export import export_parquet

    con = connect_read(args.db)
    try:
        manifest = export_parquet(con, args.dir)
    finally:
        con.close()
    for table, info in manifest["tables"].items():
        print(
            f"{table}: {info['rows']} rows"
            + (f", partitioned by {info['partition_by']}" if info["partition_by"] else "")
        )
    print(f"wrote {args.dir}")
    return 0


def _add_export_parquet(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export-parquet", help="write fct and met tables as month-partitioned Parquet (Hive layout)")
    p.add_argument("dir", help="output directory (each table's folder in it is replaced)")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")


COMMANDS: dict[str, tuple[Callable[[argparse._SubParsersAction], None], Callable[[argparse.Namespace], int]]] = {
    "rankings": (_add_rankings, cmd_rankings),
    "metrics-doc": (_add_metrics_doc, cmd_metrics_doc),
    "rebuild": (_add_rebuild, cmd_rebuild),
    "users": (cli_admin.add_users, cli_admin.cmd_users),
    "check": (cli_admin.add_check, cli_admin.cmd_check),
    "backups": (cli_admin.add_backups, cli_admin.cmd_backups),
    "restore": (cli_admin.add_restore, cli_admin.cmd_restore),
    "export-parquet": (_add_export_parquet, cmd_export_parquet),
    "audit": (cli_admin.add_audit, cli_admin.cmd_audit),
    "status": (status.add_status, status.cmd_status),
    "backlog": (cli_backlog.add_backlog, cli_backlog.cmd_backlog),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description="12345 热线考核数据仓库")
    sub = parser.add_subparsers(dest="command", required=True)
    for add, _run in COMMANDS.values():
        add(sub)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][1](args)
    except (FileNotFoundError, SettingsError, ValueError, WarehouseCorruptError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except duckdb.CatalogException as exc:
        print(
            f"错误 / error: 仓库中没有指标表，请先导入数据或运行 python -m warehouse rebuild ({exc})", file=sys.stderr
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
