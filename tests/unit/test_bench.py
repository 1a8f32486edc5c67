"""The benchmark's own parts on tiny data: the generator, the measuring children, the report.
(No timing is asserted: timings live in docs/benchmarks.md, never in the test suite.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pytest

from bench.generate import HEADERS, generate_frame
from bench.load_bench import measure_load
from bench.query_bench import time_queries
from bench.report import render
from etl.profiles import load_profile


def test_generator_is_deterministic_and_speaks_the_default_profile() -> None:
    a, b = generate_frame(5000, seed=3), generate_frame(5000, seed=3)
    assert a.equals(b) and a.height == 5000
    aliases = {name for names in load_profile().fields.values() for name in names}
    assert set(a.columns) == set(HEADERS.values()) <= aliases
    assert a["工单编号"].n_unique() == 5000
    assert a["联系电话"].n_unique() < 5000 / 2  # repeat callers, as real hotlines have
    dispatched = a.filter(pl.col("派单时间").is_not_null())
    assert 0.3 < dispatched.height / a.height < 0.6 and (dispatched["派单时间"] >= dispatched["受理时间"]).all()


@pytest.mark.slow  # child processes per benchmark stage: make test runs it, make test-fast leaves it out
def test_load_and_query_children_on_a_small_export(tmp_path: Path) -> None:
    keep = tmp_path / "wh" / "hotline.duckdb"
    (result,) = measure_load(3000, ("utf-8",), repeat=1, workdir=tmp_path, keep_db=keep)
    assert result["loaded"] == 3000 and result["quarantined"] == 0
    assert result["floor_s"] > 0 and result["project_s"] > 0 and result["project_peak_mb"] > 0
    assert keep.exists()
    timed = time_queries(keep, runs=2)
    assert {s["module"] for s in timed["sources"]} == {
        "bench.calls.QUERY_CALLS",
        "bench.calls.ORDER_CALLS",
        "bench.calls.DESK_CALLS",
    }
    assert all(c["error"] is None for c in timed["calls"]), [c for c in timed["calls"] if c["error"]]
    rankings = [c for c in timed["calls"] if c["name"].startswith("rankings.fetch_ranking.")]
    assert len(rankings) == 9 and all(c["error"] is None and c["runs"] == 2 for c in rankings)


def test_report_states_each_target_and_its_command() -> None:
    load = {
        "rows": 10_000_000, "encoding": "utf-8", "file_mb": 2450, "floor_s": 17.0, "project_s": 34.0, "ratio": 2.0,
        "project_file_s": 20.0, "project_rebuild_s": 12.0, "project_cpu_s": 60, "floor_cpu_s": 30,
        "project_peak_mb": 5000, "floor_peak_mb": 1100, "db_mb": 1500, "floor_runs_s": [17.0], "project_runs_s": [34.0],
        "loaded": 10_000_000, "quarantined": 0,
    }  # fmt: skip
    size = {
        "rows": 10_000_000,
        "load_command": "python -m bench all",
        "load": [load],
        "queries": {"sources": [{"module": "m", "calls": 1}], "runs": 20,
                    "calls": [{"name": "a", "p50_ms": 10, "p95_ms": 400, "max_ms": 500, "runs": 20, "error": None}]},
    }  # fmt: skip
    text = render({"machine": "x", "measured_at": "now", "sizes": {"10000000": size}})
    assert "| load ≤ 2.5× floor at 10M (UTF-8) | 34.0 s vs 17.0 s = 2.0× | met |" in text
    assert "peak memory ≤ 4 GB at 10M | 5000 MB | **not met** |" in text
    assert "worst a 400 ms; 1 of 1 over | **not met** |" in text
    assert "`python -m bench all`" in text


def test_stage_timing_reads_the_stages_the_load_reports(tmp_path: Path) -> None:
    from bench.stages import REST, STAGE_LABELS, time_stages

    path = tmp_path / "orders.csv"
    generate_frame(2000, seed=5).write_csv(path)
    before = set(Path(tempfile.gettempdir()).glob("bench-stages-*"))
    total, spent = time_stages(path)
    assert list(spent) == [*STAGE_LABELS.values(), REST]
    assert all(seconds >= 0 for seconds in spent.values())
    assert 0 < max(spent.values()) <= total
    assert set(Path(tempfile.gettempdir()).glob("bench-stages-*")) == before  # the warehouse it made is gone


def test_step_timings_are_the_ones_the_load_reports(tmp_path: Path) -> None:
    from bench.stages import run_load
    from etl.load import load_files

    path = tmp_path / "orders.csv"
    generate_frame(2000, seed=5).write_csv(path)
    out = run_load(path)
    total, spent = out["seconds"], {**out["steps"], "(process CPU seconds)": out["cpu_s"]}
    assert {"read: parse pieces (Polars)", "write: fact rows, personal data (DuckDB)", "commit, checkpoint"} <= set(
        spent
    )
    assert any("fct_work_orders" in name for name in spent) and 0 < max(out["steps"].values()) <= total
    assert spent["(process CPU seconds)"] > 0
    summary = load_files([path], db=tmp_path / "wh" / "hotline.duckdb")  # the same names, straight from the load
    assert set(summary.steps) == {n for n in spent if not n.startswith("(")}
    assert all(s.steps and set(s.steps) <= set(summary.steps) for s in summary.details)


def test_floor_parts_time_the_floor_and_its_parts_of_one_file(tmp_path: Path) -> None:
    from bench.stages import FLOOR_PARTS, floor_parts

    path = tmp_path / "orders.csv"
    generate_frame(500, seed=3).write_csv(path)
    before = set(Path(tempfile.gettempdir()).glob("bench-floor-*"))
    spent = floor_parts(path)
    assert list(spent) == [label for label, _ in FLOOR_PARTS]
    assert all(seconds > 0 for seconds in spent.values())
    assert set(Path(tempfile.gettempdir()).glob("bench-floor-*")) == before  # the databases it made are gone


def test_report_states_issue_18s_growth_and_browser_targets() -> None:
    def size(rows: int, ratio: float, monthly_s: float) -> dict:
        load = {
            "rows": rows, "encoding": "utf-8", "file_mb": 1, "floor_s": 10.0, "project_s": 10.0 * ratio, "ratio": ratio,
            "project_file_s": 1, "project_rebuild_s": 1, "project_cpu_s": 1, "floor_cpu_s": 1, "project_peak_mb": 100,
            "floor_peak_mb": 100, "db_mb": 1, "floor_runs_s": [10.0], "project_runs_s": [10.0 * ratio],
            "loaded": rows, "quarantined": 0,
        }  # fmt: skip
        inc = {"file_rows": 100_000, "loaded": 90_000, "updated": 10_000, "orders_total": rows + 90_000,
               "seconds": monthly_s, "file_s": 1, "rebuild_s": 1, "peak_mb": 1, "refresh": "incremental", "scope": "s"}  # fmt: skip
        return {"rows": rows, "load_command": "python -m bench all --huge", "load": [load], "incremental": inc}

    big = size(30_000_000, 2.4, 4.0)
    big["browser"] = {"changes": 20, "pages": [
        {"page": "overview", "heading": "总览", "error": None, "changes": 20, "p50_s": 0.4, "p95_s": 0.9, "max_s": 1.0},
        {"page": "rankings", "heading": "排名", "error": None, "changes": 20, "p50_s": 1.0, "p95_s": 2.1, "max_s": 3.0},
    ]}  # fmt: skip
    text = render({"sizes": {"1000000": size(1_000_000, 2.0, 2.0), "30000000": big}})
    assert "| load ≤ 2.2× floor at 1M (UTF-8) | 20.0 s vs 10.0 s = 2.0× | met |" in text
    assert "| load ratio grows ≤ 15 % from 1M to 30M | 2.0× → 2.4× = +20 % | **not met** |" in text
    assert "| the same monthly load into 30M ≤ 1.5× its time into 1M | 4.0 s / 2.0 s = 2.00× | **not met** |" in text
    assert "worst rankings p95 2.1 s (p50 1.0 s); over or not timed: rankings | **not met** |" in text
    assert "| 排名 | 20 | 1.0 | 2.1 | 3.0 | **over 1.5 s** |" in text
