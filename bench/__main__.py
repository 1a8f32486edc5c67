"""``python -m bench [all|load|queries] ...``: the scale benchmark (SPEC §8).

- ``python -m bench`` (= ``all``): at 1M, 3M and 10M orders (``--huge`` adds 30M): load vs floor (best of
  ``--repeat``; ``--huge-repeat`` above 10M), GBK at 1M, pandas + SQLite at 1M, the metric rebuild, one
  fixed 100,000-row monthly load into each history, every dashboard data call (p50/p95), and at 10M
  (``--browser-rows``) the browser timing of every page; writes docs/benchmarks.json and docs/benchmarks.md.
- ``python -m bench browser --db PATH``: the browser timing alone, on an existing warehouse.
- ``python -m bench load --rows N``: floor, project and ratio per encoding (UTF-8 and GBK).
- ``python -m bench queries --db PATH``: the dashboard calls on an existing warehouse.
- ``python -m bench stages FILE...``: one load per file with the stages the load reports, side by side
  and per million rows (where the load's time goes, and which step grows faster than the rows);
  ``--floor`` adds the floor of each file in parts (parse only, into memory, into a file).
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
    from bench.browser_bench import time_pages
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
        repeat = args.repeat if rows <= 10_000_000 else args.huge_repeat
        size["load"] = measure_load(rows, encodings, repeat, workdir=work, keep_db=warehouse)
        size["load_loadavg"] = f"{before} / {load_average()}"
        _say(f"{rows}: load {json.dumps(size['load'])}")
        if rows <= args.pandas_max:
            size["pandas_sqlite"] = measure_pandas_sqlite(csv, work, repeat=args.repeat)
            _say(f"{rows}: pandas+sqlite {size['pandas_sqlite']}")
        before = load_average()
        size["queries"] = time_queries(warehouse, args.runs)
        size["queries"].update(runs=args.runs, loadavg=f"{before} / {load_average()}")
        _say(f"{rows}: {len(size['queries']['calls'])} dashboard calls timed")
        before = load_average()
        size["incremental"] = measure_monthly(warehouse, work, repeat=args.monthly_repeat)
        size["incremental"]["loadavg"] = f"{before} / {load_average()}"
        _say(f"{rows}: monthly load {size['incremental']}")
        if rows in _sizes(args.browser_rows):
            before = load_average()
            size["browser"] = time_pages(warehouse, args.changes)
            size["browser"].update(changes=args.changes, loadavg=f"{before} / {load_average()}")
            _say(f"{rows}: browser {json.dumps(size['browser'], ensure_ascii=False)}")
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


def cmd_browser(args: argparse.Namespace) -> int:
    from bench.browser_bench import time_pages

    for row in time_pages(Path(args.db), args.changes)["pages"]:
        if row["error"]:
            print(f"{row['page']:<14} error {row['error']}")
        else:
            print(f"{row['page']:<14} p50 {row['p50_s']:>6} s  p95 {row['p95_s']:>6} s  max {row['max_s']:>6} s")
    return 0


def cmd_parts(args: argparse.Namespace) -> int:
    from bench.parts_bench import run
    from warehouse import parts

    if args.max_parts:  # e.g. 1000000: the loads without merging, for comparison
        parts.MAX_PARTS = args.max_parts
    print("| loads | parts | 2-order load s | count over the orders ms |\n|---|---|---|---|")
    for row in run(args.loads, tuple(int(x) for x in args.at.split(","))):
        print(f"| {row['loads']} | {row['parts']} | {row['load_s']} | {row['count_ms']} |", flush=True)
    return 0


def cmd_stages(args: argparse.Namespace) -> int:
    """One load per FILE with the stages it reports, side by side, each also per million rows (a step
    whose per-million figure grows with the file is the superlinear one); then the floor in parts."""
    from bench.stages import floor_parts, run_load, stage_table

    runs = []
    for file in args.files:
        out = run_load(Path(file), args.sequential)
        runs.append((Path(file).name, out, _rows_of(Path(file))))
    print(f"machine: {machine()}; load average {load_average()}")
    head = "".join(f" | {name[:24]:>24} s  per 1M" for name, *_ in runs)
    print(f"{'stage (the load thread: adds up to the total)':<62}{head}")
    tables = [stage_table(out) for _n, out, _r in runs]
    for label in ["load_files total", *tables[0]]:
        cells = ""
        for (_name, out, rows), table in zip(runs, tables, strict=True):
            value = out["summary_seconds"] if label == "load_files total" else table[label]
            cells += f" | {value:>26.2f}  {value / rows * 1e6:7.2f}"
        print(f"{label[:62]:<62}{cells}")
    head = "".join(f" | {name[:16]:>16} s  CPU-s  per 1M" for name, *_ in runs)
    print(f"\n{'step (every thread; CPU-s: the whole process)':<62}{head}")
    names = list(dict.fromkeys(n for _n, out, _r in runs for n in out["steps"]))
    names.sort(key=lambda n: -max(out["steps"].get(n, 0) for _n, out, _r in runs))
    for label in [*names, "(process CPU seconds)", "(peak memory MB)"]:
        cells = ""
        for _name, out, rows in runs:
            if label == "(process CPU seconds)":
                cells += f" | {'':>18}  {out['cpu_s']:5.1f}  {out['cpu_s'] / rows * 1e6:6.2f}"
            elif label == "(peak memory MB)":
                cells += f" | {out['peak_mb']:>18.0f}  {'':>5}  {'':>6}"
            else:
                value, cpu = out["steps"].get(label, 0.0), out["steps_cpu"].get(label, 0.0)
                cells += f" | {value:>18.2f}  {cpu:5.1f}  {value / rows * 1e6:6.2f}"
        print(f"{label[:62]:<62}{cells}")
    if not args.sequential:
        print("(a worker thread checks the next slice while DuckDB writes this one: the steps overlap, and a")
        print(" step's CPU-s count every thread; --sequential gives each step's own)")
    if args.floor:
        for name, _o, _r in runs:
            print(f"the floor of {name}, in parts (DuckDB alone, each in a new database):")
            for label, seconds in floor_parts(Path(next(f for f in args.files if Path(f).name == name))).items():
                print(f"{seconds:8.2f} s  {label}")
    return 0


def _rows_of(path: Path) -> int:
    """Lines of the file but its header (the generated exports have no line breaks inside cells)."""
    with open(path, "rb") as fh:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1, 1)


def _say(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S} load {load_average()}] {text}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-"):
        argv = ["all", *argv]
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command", required=True)
    full = sub.add_parser("all", help="the whole benchmark; writes docs/benchmarks.md")
    full.add_argument("--rows", default="1000000,3000000,10000000", help="comma-separated sizes")
    full.add_argument("--huge", action="store_true", help="also 30,000,000 orders")
    full.add_argument("--repeat", type=int, default=3, help="rounds of floor/project (best kept)")
    full.add_argument("--huge-repeat", type=int, default=1, help="rounds of floor/project above 10M orders")
    full.add_argument("--monthly-repeat", type=int, default=3, help="monthly loads per size (best kept)")
    full.add_argument("--browser-rows", default="10000000", help="sizes timed in the browser (comma-separated)")
    full.add_argument("--changes", type=int, default=20, help="filter changes timed per page in the browser")
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
    browser = sub.add_parser("browser", help="time filter changes in headless Chromium on a warehouse")
    browser.add_argument("--db", required=True)
    browser.add_argument("--changes", type=int, default=20)
    browser.set_defaults(run=cmd_browser)
    stages = sub.add_parser("stages", help="one load per FILE with its stages timed, side by side")
    stages.add_argument("files", nargs="+", metavar="FILE")
    stages.add_argument("--floor", action="store_true", help="also the floor of each file, in parts")
    stages.add_argument("--sequential", action="store_true", help="checks not overlapping writes; CPU per stage")
    stages.set_defaults(run=cmd_stages)
    many = sub.add_parser("parts", help="small loads one after another: load and query time as parts add up")
    many.add_argument("--loads", type=int, default=40)
    many.add_argument("--at", default="1,5,10,20,30,40", help="loads after which to measure (comma-separated)")
    many.add_argument("--max-parts", type=int, help="merge above this many parts (default warehouse.parts.MAX_PARTS)")
    many.set_defaults(run=cmd_parts)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
