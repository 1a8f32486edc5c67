"""Every data call the dashboard pages make, timed on a warehouse: p50/p95 over repeated runs.

The pages' calls are listed in ``bench/calls.py`` (``CALL_LISTS``: name, callable(con), run once each by
tests/data on the demo city); whatever those lists hold when the bench runs is timed, and the report names
the lists found. The rankings are added for every level and period kind
(month, quarter, year) through ``warehouse.rankings.fetch_ranking``, plus the metric rebuild.
Calls run in a child process on a read-only connection, as the dashboard opens it.
"""

from __future__ import annotations

from pathlib import Path

from bench.load_bench import run_child

QUERIES = """
import json, statistics, sys, time
from pathlib import Path
from bench.calls import CALL_LISTS
from warehouse.calendar import Period
from warehouse.connection import open_read_only
from warehouse.periods import default_period
from warehouse.rankings import fetch_ranking

db, runs = sys.argv[1], int(sys.argv[2])
con = open_read_only(Path(db))  # the part files attached, as the dashboard opens it
calls, sources = [], []
for where, listed in CALL_LISTS.items():
    sources.append({"module": where, "calls": len(listed)})
    calls += [(name, fn) for name, fn in listed]
latest = default_period(con).start  # the month the pages open on: the latest complete one
periods = {"month": Period.month(latest.strftime("%Y-%m")),
           "quarter": Period.quarter(latest.year, (latest.month - 1) // 3 + 1), "year": Period.year(latest.year)}
for level in ("county", "department", "township"):
    for kind, period in periods.items():
        calls.append((f"rankings.fetch_ranking.{level}.{kind}", lambda c, l=level, p=period: fetch_ranking(c, l, p)))
out = []
for name, fn in calls:
    times, error = [], None
    try:
        fn(con)  # first call: plans, caches and the OS page cache warm, as for a dashboard user
        for _ in range(runs):
            t = time.perf_counter()
            fn(con)
            times.append((time.perf_counter() - t) * 1000)
    except Exception as exc:  # a call that fails is reported, not fatal to the benchmark
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    row = {"name": name, "error": error}
    if times:
        times.sort()
        row.update(p50_ms=round(statistics.median(times), 1), p95_ms=round(times[max(0, int(round(0.95 * len(times))) - 1)], 1),
                   max_ms=round(times[-1], 1), runs=len(times))
    out.append(row)
print(json.dumps({"sources": sources, "calls": out, "period": periods["month"].label}, ensure_ascii=False))
"""

REBUILD = """
import json, resource, sys, time
from warehouse.__main__ import main
t = time.perf_counter()
assert main(["rebuild", "--db", sys.argv[1]]) == 0
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": r.ru_maxrss / 1024, "cpu_s": r.ru_utime + r.ru_stime}))
"""


def time_queries(db: Path, runs: int = 20) -> dict:
    """{'sources': [...], 'calls': [{name, p50_ms, p95_ms, max_ms, runs, error}]}."""
    return run_child(QUERIES, db, runs)


def time_rebuild(db: Path) -> dict:
    """The full metric rebuild (``python -m warehouse rebuild``), with its own copy-and-swap."""
    result = run_child(REBUILD, db)
    return {
        "seconds": round(result["seconds"], 2),
        "peak_mb": round(result["peak_mb"]),
        "cpu_s": round(result["cpu_s"], 1),
    }
