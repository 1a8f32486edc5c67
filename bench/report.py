"""docs/benchmarks.md from the measured results (docs/benchmarks.json) and the hand-written notes
(bench/notes.md): every figure with the command that produced it, the machine and its load."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "benchmarks.json"
NOTES = Path(__file__).with_name("notes.md")
QUERY_P95_TARGET_MS = 300
# A file built when its download button is pressed (the page is drawn without it): our own target.
DOWNLOAD_P95_TARGET_MS = 1000


def is_download(name: str) -> bool:
    return name.endswith("_on_click")


# Issue 18's targets: load / floor per size (UTF-8), GBK at 1M, how much the ratio may grow from 1M to the
# largest size, peak memory per size, the monthly load into the largest history against 1M, the browser.
def load_ratio_target(rows: int) -> float:
    return 2.2 if rows <= 1_000_000 else 2.5


GBK_RATIO_TARGET = 2.8
RATIO_GROWTH_TARGET = 1.15
PEAK_TARGET_MB = {10_000_000: 4 * 1024, 30_000_000: 6 * 1024}
MONTHLY_GROWTH_TARGET = 1.5
BROWSER_P95_TARGET_S = 1.5


def load_results(path: Path = RESULTS) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"sizes": {}}


def save_results(results: dict, path: Path = RESULTS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _n(rows: int) -> str:
    return f"{rows // 1_000_000}M" if rows % 1_000_000 == 0 else f"{rows:,}"


def _ok(good: bool) -> str:
    return "met" if good else "**not met**"


def render(results: dict) -> str:
    sizes = sorted(results["sizes"].values(), key=lambda s: s["rows"])
    out = [
        "# Benchmarks",
        "",
        "Measured by `python -m bench` (bench/); regenerate with the command in each section.",
        "",
    ]
    out += [f"- Machine: {results.get('machine', 'n/a')}", f"- Measured: {results.get('measured_at', 'n/a')}", ""]
    out += _targets(sizes), ""
    for size in sizes:
        out += _size_section(size)
    if NOTES.exists():
        out += [NOTES.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(out)


def _targets(sizes: list[dict]) -> str:
    rows = ["## Targets", "", "| target | figure | status |", "|---|---|---|"]
    ratios: dict[int, float] = {}
    monthly: dict[int, float] = {}
    for size in sizes:
        n = _n(size["rows"])
        utf8 = next((r for r in size.get("load", []) if r["encoding"] == "utf-8"), None)
        gbk = next((r for r in size.get("load", []) if r["encoding"] == "gbk"), None)
        if utf8:
            limit = load_ratio_target(size["rows"])
            ratios[size["rows"]] = utf8["ratio"]
            rows.append(
                f"| load ≤ {limit}× floor at {n} (UTF-8) | {utf8['project_s']} s vs {utf8['floor_s']} s = "
                f"{utf8['ratio']}× | {_ok(utf8['ratio'] <= limit)} |"
            )
            peak = PEAK_TARGET_MB.get(size["rows"])
            if peak:
                rows.append(
                    f"| peak memory ≤ {peak // 1024} GB at {n} | {utf8['project_peak_mb']} MB | "
                    f"{_ok(utf8['project_peak_mb'] <= peak)} |"
                )
        if gbk:
            rows.append(
                f"| GBK load ≤ {GBK_RATIO_TARGET}× floor at {n} | {gbk['project_s']} s vs {gbk['floor_s']} s = "
                f"{gbk['ratio']}× | {_ok(gbk['ratio'] <= GBK_RATIO_TARGET)} |"
            )
        base = size.get("pandas_sqlite", {})
        if utf8 and "seconds" in base:
            speedup = base["seconds"] / utf8["project_s"]
            rows.append(
                f"| ≥ 7× faster than pandas + SQLite at {n} | {base['seconds']} s / {utf8['project_s']} s = "
                f"{speedup:.1f}× (pandas alone {base['seconds'] / utf8['floor_s']:.1f}× the floor) | {_ok(speedup >= 7)} |"
            )
        timed = [c for c in size.get("queries", {}).get("calls", []) if "p95_ms" in c]
        calls = [c for c in timed if not is_download(c["name"])]
        if calls:
            worst = max(calls, key=lambda c: c["p95_ms"])
            slow = sum(c["p95_ms"] > QUERY_P95_TARGET_MS for c in calls)
            rows.append(
                f"| every dashboard call p95 ≤ 300 ms at {n} | worst {worst['name']} {worst['p95_ms']} ms; "
                f"{slow} of {len(calls)} over | {_ok(slow == 0)} |"
            )
        for c in (c for c in timed if is_download(c["name"])):
            rows.append(
                f"| file built on a download click ≤ {DOWNLOAD_P95_TARGET_MS} ms at {n} (not a page call) | "
                f"{c['name']} {c['p95_ms']} ms | {_ok(c['p95_ms'] <= DOWNLOAD_P95_TARGET_MS)} |"
            )
        inc = size.get("incremental")
        if inc:
            monthly[size["rows"]] = inc["seconds"]
            rows.append(
                f"| monthly load into {n} recomputes only what changed | {inc['refresh']} ({inc['scope']}), "
                f"{inc['seconds']} s | {_ok(inc['refresh'] == 'incremental')} |"
            )
        pages = size.get("browser", {}).get("pages", [])
        if pages:
            timed_pages = [p for p in pages if not p.get("error")]
            worst = max(timed_pages, key=lambda p: p["p95_s"], default=None)
            slow = [p["page"] for p in pages if p.get("error") or p["p95_s"] > BROWSER_P95_TARGET_S]
            figure = f"worst {worst['page']} p95 {worst['p95_s']} s (p50 {worst['p50_s']} s)" if worst else "none timed"
            figure += f"; over or not timed: {', '.join(slow)}" if slow else "; every page within"
            rows.append(
                f"| filter change to page settled, p95 ≤ {BROWSER_P95_TARGET_S} s on every page at {n} | {figure} | "
                f"{_ok(not slow)} |"
            )
    if grown := _growth(ratios):
        small, large, growth = grown
        rows.append(
            f"| load ratio grows ≤ {round((RATIO_GROWTH_TARGET - 1) * 100)} % from {_n(small)} to {_n(large)} | "
            f"{ratios[small]}× → {ratios[large]}× = {(growth - 1) * 100:+.0f} % | {_ok(growth <= RATIO_GROWTH_TARGET)} |"
        )
    if grown := _growth(monthly):
        small, large, growth = grown
        rows.append(
            f"| the same monthly load into {_n(large)} ≤ {MONTHLY_GROWTH_TARGET}× its time into {_n(small)} | "
            f"{monthly[large]} s / {monthly[small]} s = {growth:.2f}× | {_ok(growth <= MONTHLY_GROWTH_TARGET)} |"
        )
    return "\n".join(rows)


def _growth(values: dict[int, float]) -> tuple[int, int, float] | None:
    """(smallest size, largest size, the largest's value ÷ the smallest's); None with fewer than two sizes."""
    small, large = min(values, default=0), max(values, default=0)
    return (small, large, values[large] / values[small]) if small != large else None


def _size_section(size: dict) -> list[str]:
    n = _n(size["rows"])
    out = [f"## {n} orders", ""]
    gen = size.get("generate")
    if gen:
        when = " (in an earlier run; this run reused the file)" if gen.get("reused") else ""
        out += [
            f"Generated export: {gen['mb']} MB, written in {gen.get('seconds', '?')} s{when} (`bench/generate.py`).",
            "",
        ]
    if size.get("load"):
        out += [
            "### Load: the project's ETL against DuckDB's bare `read_csv` (the floor)",
            "",
            f"Command: `{size['load_command']}`. Floor = `CREATE TABLE t AS SELECT * FROM read_csv(file)` in a fresh",
            "DuckDB file; project = `load_files([file])` into an empty warehouse, i.e. `python -m etl load`",
            "end to end: read, map, check, quarantine, write raw/stg, fct and every metric table, copy-and-swap.",
            "Each run is its own process; floor and project alternate; best of the runs. Load average before/after: "
            f"{size.get('load_loadavg', 'n/a')}.",
            "",
            "| encoding | file MB | floor s | project s | ratio | file phase s | metrics s | project CPU s "
            "| floor CPU s | peak MB (project / floor) | warehouse MB | all runs (floor / project) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in size["load"]:
            out.append(
                f"| {r['encoding']} | {r['file_mb']} | {r['floor_s']} | {r['project_s']} | {r['ratio']}× | "
                f"{r['project_file_s']} | {r['project_rebuild_s']} | {r['project_cpu_s']} | {r['floor_cpu_s']} | "
                f"{r['project_peak_mb']} / {r['floor_peak_mb']} | {r['db_mb']} | {r['floor_runs_s']} / {r['project_runs_s']} |"
            )
        out.append("")
    base = size.get("pandas_sqlite")
    if base:
        out += ["### pandas `read_csv` + SQLite `to_sql` (the usual alternative)", ""]
        if "skipped" in base:
            out += [f"Skipped: {base['skipped']}.", ""]
        else:
            out += [
                f"Command: `{size['load_command']}` (same run). {base['seconds']} s ({base['read_s']} s of it "
                f"read_csv), peak {base['peak_mb']} MB, CPU {base['cpu_s']} s; runs {base['runs_s']}.",
                "",
            ]
    rb = size.get("rebuild")
    if rb:
        out += [
            "### Metric rebuild (all of fct, met, dim from stg)",
            "",
            f"Command: `python -m warehouse rebuild --db <the {n} warehouse>`: {rb['seconds']} s, peak "
            f"{rb['peak_mb']} MB, CPU {rb['cpu_s']} s (includes the copy-and-swap of the warehouse file).",
            "",
        ]
    inc = size.get("incremental")
    if inc:
        out += [
            "### Monthly load into this history",
            "",
            f"The next-month export ({inc['file_rows']} rows: {inc['loaded']} new orders, {inc['updated']} later "
            f"snapshots of earlier orders; the same file at every size, bench/incremental_bench.py) loaded into a "
            f"copy of the {n} warehouse ({inc['orders_total']} orders after): {inc['seconds']} s end to end (file "
            f"phase {inc['file_s']} s, metrics {inc['rebuild_s']} s), peak {inc['peak_mb']} MB; best of "
            f"{inc.get('runs_s', '?')}. Refresh: {inc['scope']}. Load average before/after: {inc.get('loadavg', 'n/a')}. "
            f"Command: `{size['load_command']}` (same run).",
            "",
        ]
        if inc.get("steps"):
            steps = "; ".join(f"{name} {seconds:.2f} s" for name, seconds in inc["steps"].items())
            out += [f"Its slowest steps (the load's own timings): {steps}.", ""]
    br = size.get("browser")
    if br:
        out += [
            "### What the user feels: a filter change in the browser",
            "",
            f"Command: `{size['load_command']}` (same run; alone: `python -m bench browser --db <warehouse>`). "
            f"Headless Chromium against the real server on the {n} warehouse, logged in as an admin; on each "
            f"page {br.get('changes', '?')} filter changes alternating a new month and a new level (pages "
            "without a level: a new month each), each timed from the click until the script run it started "
            "has finished and every chart is drawn (bench/browser_bench.py). Load average before/after: "
            f"{br.get('loadavg', 'n/a')}.",
            "",
            "| page | changes | p50 s | p95 s | max s | |",
            "|---|---|---|---|---|---|",
        ]
        out += [_timing_row([p["heading"], p["changes"]], p, "s", BROWSER_P95_TARGET_S) for p in br["pages"]]
        out.append("")
    q = size.get("queries")
    if q:
        found = ", ".join(
            f"{_list_name(s['module'])} ({s['calls']} calls{', ' + s['note'] if s.get('note') else ''})"
            for s in q["sources"]
        )
        out += [
            "### Dashboard data calls",
            "",
            f"Command: `{size['load_command']}` (same run) — every entry of {found}, plus",
            "`warehouse.rankings.fetch_ranking` for each level × month/quarter/year; one warm-up call, then "
            f"{q.get('runs', '?')} timed runs each, on a read-only connection to the {n} warehouse, for the period "
            f"the pages open on ({q.get('period', 'the latest complete month')}). Load average "
            f"before/after: {q.get('loadavg', 'n/a')}. Calls named `*_on_click` build a file when a download button "
            f"is pressed (the page is drawn without them); their target is {DOWNLOAD_P95_TARGET_MS} ms.",
            "",
            "| call | p50 ms | p95 ms | max ms | |",
            "|---|---|---|---|---|",
        ]
        for c in q["calls"]:
            limit = DOWNLOAD_P95_TARGET_MS if is_download(c["name"]) else QUERY_P95_TARGET_MS
            out.append(_timing_row([c["name"]], c, "ms", limit))
        out.append("")
    return out


def _timing_row(cells: list, timed: dict, unit: str, limit: float) -> str:
    """A table row: ``cells``, then p50, p95 and max in ``unit`` (the keys ``p50_<unit>`` ...) and a flag
    when p95 is over ``limit``; an error instead of the times when the timing failed."""
    head = "| " + " | ".join(str(c) for c in cells) + " | "
    if timed.get("error"):
        return head + f"| | | error: {timed['error']} |"
    flag = f"**over {limit} {unit}**" if timed[f"p95_{unit}"] > limit else ""
    return head + f"{timed[f'p50_{unit}']} | {timed[f'p95_{unit}']} | {timed[f'max_{unit}']} | {flag} |"


def _list_name(where: str) -> str:
    """Runs before the lists moved to bench/calls.py (kept in docs/benchmarks.json) named only the module."""
    return where if where.startswith("bench.") else f"{where}.BENCH_CALLS"
