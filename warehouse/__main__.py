"""``python -m warehouse``: rankings, trend and maturity (warehouse.cli_rankings), metrics-doc, rebuild,
export-parquet, the admin commands (warehouse.cli_admin) and the published record: publish, reopen, verify,
record, history (warehouse.cli_record).

Subcommands register themselves in ``COMMANDS`` so later ones slot in.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from warehouse import cli_admin, cli_backlog, cli_problems, cli_rankings, cli_record, cli_review, status
from warehouse.backups import WarehouseCorruptError
from warehouse.connection import connect_read, writer
from warehouse.metrics import rebuild
from warehouse.metrics_doc import render_markdown
from warehouse.record import RecordError
from warehouse.rule_sets import history
from warehouse.settings import DEFAULT_SETTINGS_PATH, PROJECT_ROOT, SettingsError, load_settings


def cmd_metrics_doc(args: argparse.Namespace) -> int:
    settings = load_settings(DEFAULT_SETTINGS_PATH)  # the committed rules, not $HOTLINE_SETTINGS
    text = render_markdown(settings.to_dict(), history(settings))
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
    "rankings": (cli_rankings.add_rankings, cli_rankings.cmd_rankings),
    "trend": (cli_rankings.add_trend, cli_rankings.cmd_trend),
    "maturity": (cli_rankings.add_maturity, cli_rankings.cmd_maturity),
    "metrics-doc": (_add_metrics_doc, cmd_metrics_doc),
    "rebuild": (_add_rebuild, cmd_rebuild),
    "users": (cli_admin.add_users, cli_admin.cmd_users),
    "check": (cli_admin.add_check, cli_admin.cmd_check),
    "backups": (cli_admin.add_backups, cli_admin.cmd_backups),
    "restore": (cli_admin.add_restore, cli_admin.cmd_restore),
    "export-parquet": (_add_export_parquet, cmd_export_parquet),
    "audit": (cli_admin.add_audit, cli_admin.cmd_audit),
    "status": (status.add_status, status.cmd_status),
    "clusters": (cli_problems.add_clusters, cli_problems.cmd_clusters),
    "alerts": (cli_problems.add_alerts, cli_problems.cmd_alerts),
    "backlog": (cli_backlog.add_backlog, cli_backlog.cmd_backlog),
    "review-sample": (cli_review.add_review_sample, cli_review.cmd_review_sample),
    "publish": (cli_record.add_publish, cli_record.cmd_publish),
    "reopen": (cli_record.add_reopen, cli_record.cmd_reopen),
    "verify": (cli_record.add_verify, cli_record.cmd_verify),
    "record": (cli_record.add_record, cli_record.cmd_record),
    "history": (cli_record.add_history, cli_record.cmd_history),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description="12345 热线考核数据仓库")
    sub = parser.add_subparsers(dest="command", required=True)
    for add, _run in COMMANDS.values():
        add(sub)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][1](args)
    except (FileNotFoundError, SettingsError, ValueError, WarehouseCorruptError, RecordError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except duckdb.CatalogException as exc:
        print(
            f"错误 / error: 仓库中没有指标表，请先导入数据或运行 python -m warehouse rebuild ({exc})", file=sys.stderr
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
