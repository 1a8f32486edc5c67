"""``python -m reports monthly --month YYYY-MM [--out DIR] [--db PATH] [--city NAME] [--title TEXT]``."""

from __future__ import annotations

import argparse
import sys

from reports.assemble import ReportError
from reports.build import DEFAULT_OUT, generate_report
from warehouse.connection import resolve_db_path
from warehouse.registry import RANK_BY
from warehouse.settings import SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports", description="12345 热线月度通报 (PDF, HTML, XLSX)")
    sub = parser.add_subparsers(dest="command", required=True)
    monthly = sub.add_parser("monthly", help="月度运行情况通报 / the monthly public report")
    monthly.add_argument("--month", required=True, help="YYYY-MM")
    monthly.add_argument("--out", default=str(DEFAULT_OUT), help=f"output folder (default {DEFAULT_OUT})")
    monthly.add_argument("--db", help="warehouse file (default: HOTLINE_DB, then data/hotline.duckdb)")
    monthly.add_argument("--city", help="city name in the title (default: config/report.toml)")
    monthly.add_argument(
        "--title", help="the whole title, replacing '{city}12345政务服务便民热线 YYYY年M月运行情况通报'"
    )
    monthly.add_argument("--by", choices=tuple(RANK_BY), default="score", help="rank units by the score or one rate")
    args = parser.parse_args(argv)
    db = resolve_db_path(args.db)
    try:
        files = generate_report(db, args.month, city=args.city, title=args.title, by=args.by)
    except (ReportError, SettingsError, FileNotFoundError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    for ext, path in files.write(args.out).items():
        print(f"{ext:5} {path}")
    steps = ", ".join(f"{k} {v:.2f}s" for k, v in files.timings.items())
    print(f"{files.data.title}（数据截止 {files.data.as_of}）: {steps}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
