"""``python -m bench [all|load|queries] ...``: the scale benchmark (SPEC §8).

- ``python -m bench`` (= ``all``): at 1M and 10M orders (``--huge`` adds 30M): load vs floor (best of
  ``--repeat``), pandas + SQLite at 1M, the metric rebuild, an incremental monthly load, every dashboard
  data call (p50/p95); writes docs/benchmarks.json and docs/benchmarks.md.
- ``python -m bench load --rows N``: floor, project and ratio per encoding (UTF-8 and GBK).
- ``python -m bench queries --db PATH``: the dashboard calls on an existing warehouse.
- ``python -m bench stages FILE``: one load with its stages timed (where the load's time goes), then
  the floor of the same file in parts (parse only, into memory, into a file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import shutil
import sys
import time
from pathlib import Path

from bench.load_bench import export_file, load_average, machine, measure_load


def _sizes(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x]


def cmd_all(args: argparse.Namespace) -> int:
    from bench.baseline import measure_pandas_sqlite
    from bench.incremental_bench import measure_monthly
    from bench.query_bench import time_queries, time_rebuild
    from bench.report import RESULTS, load_results, render, save_results

    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    sizes = _sizes(args.rows) + ([30_000_000] if args.huge else [])
    previous = load_results()
    results = previous if args.merge else {"sizes": {}}
    results.update(machine=machine(), measured_at=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    command = "python -m bench " + shlex.join(sys.argv[1:] or ["all"])
    for rows in sizes:
        size: dict = {"rows": rows, "load_command": command}
        t = time.perf_counter()
        fresh = not (work / f"orders-{rows}-utf8.csv").exists()
        csv = export_file(work, rows)
        size["generate"] = {"seconds": round(time.perf_counter() - t, 1), "mb": round(csv.stat().st_size / 2**20)}
        if not fresh:  # reused from --workdir: keep the time it took when it was written
            earlier = previous["sizes"].get(str(rows), {}).get("generate", {})
            size["generate"] = {**earlier, "mb": size["generate"]["mb"], "reused": True}
        _say(f"{rows}: export ready ({size['generate']})")
        encodings = ("utf-8", "gbk") if rows <= args.gbk_max else ("utf-8",)
        warehouse = work / f"wh-{rows}" / "hotline.duckdb"
        before = load_average()
        size["load"] = measure_load(rows, encodings, args.repeat, workdir=work, keep_db=warehouse)
        size["load_loadavg"] = f"{before} / {load_average()}"
        _say(f"{rows}: load {json.dumps(size['load'])}")
        if rows <= args.pandas_max:
            size["pandas_sqlite"] = measure_pandas_sqlite(csv, work, repeat=args.repeat)
            _say(f"{rows}: pandas+sqlite {size['pandas_sqlite']}")
        before = load_average()
        size["queries"] = time_queries(warehouse, args.runs)
        size["queries"].update(runs=args.runs, loadavg=f"{before} / {load_average()}")
        _say(f"{rows}: {len(size['queries']['calls'])} dashboard calls timed")
        size["incremental"] = measure_monthly(warehouse, rows, work)
        _say(f"{rows}: incremental {size['incremental']}")
        size["rebuild"] = time_rebuild(warehouse)
        _say(f"{rows}: rebuild {size['rebuild']}")
        results["sizes"][str(rows)] = size
        save_results(results)
        if not args.keep:
            shutil.rmtree(warehouse.parent, ignore_errors=True)
    out = Path(args.out)
    out.write_text(render(results), encoding="utf-8")
    _say(f"wrote {out} and {RESULTS}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    results = measure_load(args.rows, tuple(args.encodings.split(",")), args.repeat)
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, ensure_ascii=False, indent=2))
        return 0
    print(f"machine: {machine()}; load average {load_average()}")
    print(f"{'rows':>10} {'encoding':>8} {'MB':>7} {'floor s':>8} {'project s':>9} {'ratio':>6} {'peak MB':>8}")
    for r in results:
        print(f"{r['rows']:>10} {r['encoding']:>8} {r['file_mb']:>7} {r['floor_s']:>8} {r['project_s']:>9} "
              f"{r['ratio']:>6} {r['project_peak_mb']:>8}")  # fmt: skip
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    from bench.query_bench import time_queries

    result = time_queries(Path(args.db), args.runs)
    for s in result["sources"]:
        print(f"# {s['module']}: {s['calls']} calls")
    for c in result["calls"]:
        print(
            f"{c['name']:<50} "
            + (f"error {c['error']}" if c["error"] else f"p50 {c['p50_ms']:>8} p95 {c['p95_ms']:>8} ms")
        )
    return 0


def cmd_stages(args: argparse.Namespace) -> int:
    from bench.stages import floor_parts, time_stages

    total, spent = time_stages(Path(args.file))
    print(f"load_files total {total:.2f} s (the load's own stages: checks count only while the load waits for them)")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{seconds:8.2f} s  {name}")
    print("the floor of the same file, in parts (DuckDB alone, each in a new database):")
    for name, seconds in floor_parts(Path(args.file)).items():
        print(f"{seconds:8.2f} s  {name}")
    return 0


def _say(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S} load {load_average()}] {text}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-"):
        argv = ["all", *argv]
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command", required=True)
    full = sub.add_parser("all", help="the whole benchmark; writes docs/benchmarks.md")
    full.add_argument("--rows", default="1000000,10000000", help="comma-separated sizes")
    full.add_argument("--huge", action="store_true", help="also 30,000,000 orders")
    full.add_argument("--repeat", type=int, default=3, help="rounds of floor/project (best kept)")
    full.add_argument("--runs", type=int, default=20, help="timed runs per dashboard call")
    full.add_argument("--gbk-max", type=int, default=1_000_000, help="largest size also timed as GBK")
    full.add_argument("--pandas-max", type=int, default=1_000_000, help="largest size timed with pandas + SQLite")
    full.add_argument("--workdir", default="/tmp/hotline-bench", help="generated exports and warehouses")
    full.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"))
    full.add_argument("--merge", action="store_true", help="keep earlier sizes in docs/benchmarks.json")
    full.add_argument("--keep", action="store_true", help="keep the warehouses in --workdir")
    full.set_defaults(run=cmd_all)
    load = sub.add_parser("load", help="project load vs DuckDB's bare read_csv (the floor)")
    load.add_argument("--rows", type=int, default=1_000_000)
    load.add_argument("--repeat", type=int, default=3)
    load.add_argument("--encodings", default="utf-8,gbk")
    load.add_argument("--json", action="store_true")
    load.set_defaults(run=cmd_load)
    queries = sub.add_parser("queries", help="time the dashboard data calls on a warehouse")
    queries.add_argument("--db", required=True)
    queries.add_argument("--runs", type=int, default=20)
    queries.set_defaults(run=cmd_queries)
    stages = sub.add_parser("stages", help="one load of FILE with its stages timed")
    stages.add_argument("file")
    stages.set_defaults(run=cmd_stages)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
