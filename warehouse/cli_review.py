"""``python -m warehouse review-sample``: the quality-review checklist (质量抽查) from the command line.

Per unit of ``--level`` (or one ``--unit``) and per month of ``--period``, ``review_sample_size`` closed
assessed orders drawn by MD5(seed:order id) (``warehouse.integrity_orders.fetch_review_sample``): the
same data and seed always draw the same orders, so the centre and the unit can check the same list. Each
row has the reply and the class the rules gave it, and two empty columns for the reviewer (verdict,
note). The command line lists as the analyst role does (replies masked) and is audited as an export.
"""

from __future__ import annotations

import argparse
import getpass

import polars as pl

from labels import t
from warehouse import audit
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.cli_backlog import CLI_ROLE, write_output
from warehouse.connection import connect_read, resolve_db_path
from warehouse.integrity_orders import SAMPLE_COLUMNS, fetch_review_sample
from warehouse.registry import LEVELS
from warehouse.replies import ALL_CLASSES
from warehouse.settings import load_settings

CHECK_COLUMNS = ("review_verdict", "review_note")  # filled in by the reviewer
TABLE_COLUMNS = ("month", "unit", "order_id", "category_l2", "satisfaction", "reply_class", "reply")


def cmd_review_sample(args: argparse.Namespace) -> int:
    period = Period.month(args.month) if args.month else Period.parse(args.period)
    viewer = Viewer(CLI_ROLE, getpass.getuser())
    settings = load_settings()
    con = connect_read(args.db)
    try:
        frame = fetch_review_sample(con, viewer, args.level, period, args.unit, args.county, settings)
    finally:
        con.close()
    asked = " ".join(x for x in ("review-sample", args.level, period.label, args.unit, args.county) if x)
    audit.record("export", viewer.user, viewer.role, db=resolve_db_path(args.db), file=f"cli: {asked}")
    frame = frame.with_columns(
        pl.col("month").dt.strftime("%Y-%m"), *(pl.lit(None, dtype=pl.String).alias(c) for c in CHECK_COLUMNS)
    )
    if args.format == "table":  # for people: the class in words
        words = {k: t(f"reply_class_{k}") for k in ALL_CLASSES}
        frame = frame.with_columns(pl.col("reply_class").replace_strict(words, default=None, return_dtype=pl.String))
    title = t("cli_review_title").format(
        period=period.label, n=frame.height, size=settings.review_sample_size, seed=settings.review_sample_seed
    )
    columns = TABLE_COLUMNS if args.format == "table" else (*frame.columns,)
    print(write_output(frame, args.format, title, columns), end="")
    return 0


def add_review_sample(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review-sample", help="the seeded quality-review checklist: N closed orders per unit and month")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="YYYY-MM")
    when.add_argument("--period", help="YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD")
    p.add_argument("--level", choices=tuple(LEVELS), default="department", help="unit level (default department)")
    p.add_argument("--unit", help="one unit of --level (a township also needs --county)")
    p.add_argument("--county", help="the township's county (with --level township --unit)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="csv")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")


__all__ = ["SAMPLE_COLUMNS", "add_review_sample", "cmd_review_sample"]
