"""``python -m bench load --rows N [--repeat K]``: prints floor, project and ratio per encoding."""

from __future__ import annotations

import argparse
import json
import sys

from bench.load_bench import machine, measure_load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="project load vs DuckDB's bare read_csv (the floor)")
    load.add_argument("--rows", type=int, default=1_000_000)
    load.add_argument("--repeat", type=int, default=3)
    load.add_argument("--encodings", default="utf-8,gbk")
    load.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = measure_load(args.rows, tuple(args.encodings.split(",")), args.repeat)
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, ensure_ascii=False, indent=2))
        return 0
    print(f"machine: {machine()}")
    print(f"{'rows':>10} {'encoding':>8} {'MB':>7} {'floor s':>8} {'project s':>9} {'ratio':>6} {'peak MB':>8}")
    for r in results:
        print(f"{r['rows']:>10} {r['encoding']:>8} {r['file_mb']:>7} {r['floor_s']:>8} {r['project_s']:>9} "
              f"{r['ratio']:>6} {r['project_peak_mb']:>8}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
