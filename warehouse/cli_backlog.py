"""``python -m warehouse backlog``: the live backlog (督办) from the command line (warehouse.backlog).

Orders (default) or, with ``--counts``, one row per unit of ``--level``. The command line reads the
warehouse file itself, so it lists as the analyst role does: no personal data, the export's free text
masked; each listing of orders is written to the audit log as an export. CSV and JSON are for
machines (timestamps ISO 8601, an empty value is empty / null); the table is for people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from typing import Any

import polars as pl

from labels import has, t
from warehouse import audit
from warehouse.access import Viewer
from warehouse.backlog import BACKLOG_COLUMNS, COUNT_COLUMNS, backlog_as_of, fetch_backlog, fetch_backlog_counts
from warehouse.connection import connect_read, resolve_db_path
from warehouse.excel import csv_text
from warehouse.registry import LEVELS
from warehouse.textwidth import column_widths, pad

CLI_ROLE = "analyst"
TABLE_LIST_COLUMNS = (
    "order_id", "overdue_days", "effective_due_at", "due_source", "county", "township", "department", "category_l2",
    "return_count", "caller_order_count",
)  # fmt: skip


def heading(column: str) -> str:
    """A column's Chinese name from the label catalogue (col_, then field_ keys)."""
    return next((t(k) for k in (f"col_{column}", f"field_{column}") if has(k)), column)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _json_value(value: Any) -> Any:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value


def format_table(frame: pl.DataFrame, columns: tuple[str, ...], title: str) -> str:
    """Aligned columns for a terminal (CJK characters count double), Chinese headers."""
    heads = [heading(c) for c in columns]
    rows = [[_cell(v)[:19] if v is not None else "—" for v in r] for r in frame.select(columns).iter_rows()]
    widths = column_widths(heads, rows)
    line = lambda cells: "  ".join(pad(c, w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    out = [title, line(heads), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]
    if not rows:
        out.append(t("cli_backlog_empty"))
    return "\n".join(out) + "\n"


def write_output(frame: pl.DataFrame, fmt: str, title: str, table_columns: tuple[str, ...]) -> str:
    if fmt == "csv":
        return csv_text(frame.columns, frame.iter_rows())
    if fmt == "json":
        rows = [{k: _json_value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    return format_table(frame, table_columns, title)


def cmd_backlog(args: argparse.Namespace) -> int:
    if args.level == "township" and args.unit and not args.county:
        raise ValueError("乡镇街道按所属区县区分，请同时指定 --county (a township needs --county)")
    viewer = Viewer(CLI_ROLE, getpass.getuser())
    con = connect_read(args.db)
    try:
        as_of = backlog_as_of(con)
        if args.counts:
            frame = fetch_backlog_counts(con, args.level, args.county)
            columns = tuple(c for c in frame.columns if c not in COUNT_COLUMNS) + COUNT_COLUMNS
        else:
            frame = fetch_backlog(con, viewer, args.level, args.unit, args.county)
            columns = TABLE_LIST_COLUMNS if args.format == "table" else BACKLOG_COLUMNS
    finally:
        con.close()
    if not args.counts:
        asked = " ".join(x for x in ("backlog", args.level, args.unit, args.county) if x)
        audit.record("export", viewer.user, viewer.role, db=resolve_db_path(args.db), file=f"cli: {asked}")
    what = t("cli_backlog_units" if args.counts else "cli_backlog_orders")
    title = t("cli_backlog_title").format(as_of=as_of or "—", n=frame.height, what=what)
    sys.stdout.write(write_output(frame, args.format, title, columns))
    return 0


def add_backlog(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backlog", help="orders open past their deadline as of the data's as-of time (督办)")
    p.add_argument("--level", choices=tuple(LEVELS), default="department", help="unit level (default department)")
    p.add_argument("--unit", help="one unit of --level (a township also needs --county)")
    p.add_argument("--county", help="only this county's orders (with --level township: the township's county)")
    p.add_argument("--counts", action="store_true", help="one row per unit of --level instead of the orders")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")
