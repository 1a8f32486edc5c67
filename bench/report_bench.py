"""``python -m bench.report_bench --db PATH --month YYYY-MM``: seconds per step of one monthly report.

The report must take under 30 s for one month of a 1M-order warehouse (build one with
``bench.generate.write_export`` + ``etl.load.load_files``). Steps: assemble (all warehouse queries,
narrative, tables), charts (one Chromium for every figure), html, pdf, xlsx, and the wall time of the
whole call including opening the warehouse.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from reports.build import generate_report


def measure_report(db: Path, month: str) -> dict:
    """One report built in this process; per-step seconds, wall seconds, output sizes and the order count."""
    started = time.perf_counter()
    files = generate_report(db, month)
    wall = time.perf_counter() - started
    return {
        "db": str(db),
        "month": month,
        "orders_received": files.data.totals["received_count"],
        "orders_dispatched": files.data.totals["dispatched_count"],
        **{f"{step}_s": seconds for step, seconds in files.timings.items()},
        "wall_s": round(wall, 3),
        "pdf_kb": round(len(files.pdf) / 1024),
        "html_kb": round(len(files.html.encode("utf-8")) / 1024),
        "xlsx_kb": round(len(files.xlsx) / 1024),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_bench")
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--month", required=True)
    args = parser.parse_args(argv)
    print(json.dumps(measure_report(args.db, args.month), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
