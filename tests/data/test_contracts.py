"""Data contracts of the derived tables, the registry bound to the SQL, and the engine checked
against an independent reading of SPEC §3 (tests/data/spec_reference.py) on random orders.

A failing check prints the failing rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest

from tests.data import spec_reference as ref
from tests.unit.engine_support import build_warehouse, random_orders
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.drilldown import fetch_orders, part_metric
from warehouse.rankings import fetch_ranking
from warehouse.registry import ALL_LEVELS, COUNT_KEYS, LEVELS, METRICS, RATES
from warehouse.settings import CompositeWeights, Settings

MONTHS = [dt.date(2024, m, 1) for m in (1, 2, 3, 4, 5)]
SEED, N = 20240301, 4000

CITYWIDE = Viewer("oversight", "test")  # order lists of every county


@pytest.fixture(scope="module")
def orders() -> list[dict]:
    """Random orders plus two cloned units, so that true ties occur in every month and level."""
    rows = random_orders(SEED, N)
    clones = []
    for r in rows:
        if r["department"] == "水务集团":
            clones.append(
                {**r, "order_id": f"{r['order_id']}-d", "department": "水务二公司", "citizen_phone_hash": None}
            )
        if (r["county"], r["township"]) == ("东湖区", "一街道"):
            clones.append(
                {
                    **r,
                    "order_id": f"{r['order_id']}-t",
                    "township": "六街道",
                    "department": None,
                    "citizen_phone_hash": None,
                }
            )
    return rows + clones


@pytest.fixture(scope="module")
def units_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("units") / "units.csv"
    path.write_text(
        "department,group\n住建局,市直部门\n城管局,市直部门\n交通局,市直部门\n"
        "水务集团,公共企业\n水务二公司,公共企业\n供电公司,公共企业\n档案馆,公共企业\n",
        encoding="utf-8",
    )
    return path


def settings_variants(units: Path) -> dict[str, Settings]:
    return {
        "default": Settings(units_file=units),
        "tuned": Settings(
            units_file=units,
            min_sample=3,
            partial_resolution_weight=0.5,
            basic_satisfaction_weight=0.3,
            composite_weights=CompositeWeights(response=0.25, on_time=0.25, resolution=0.25, satisfaction=0.25),
            response_limit_hours=(("紧急", 1.0), ("一般", 12.0)),
            repeat_window_days=7,
            due_workdays_by_type=(("咨询", 2),),
            due_workdays_default=5,
            urgent_due_hours=12.0,
            as_of=dt.datetime(2024, 4, 15, 12),
            maturity_days=0,  # the reference reads SPEC §3, which compares periods as stored (see test_maturity)
        ),
    }


@pytest.fixture(scope="module", params=["default", "tuned"])
def built(
    request: pytest.FixtureRequest, orders: list[dict], units_file: Path, tmp_path_factory: pytest.TempPathFactory
):
    settings = settings_variants(units_file)[request.param]
    con = build_warehouse(tmp_path_factory.mktemp("rand") / "w.duckdb", orders, settings)
    yield con, settings
    con.close()


def engine_key(level: str, row: dict) -> tuple:
    return (level, row["group_name"], row["county"] if level == "township" else None, row["unit"])


def test_engine_matches_the_reference_reading_of_spec(built: tuple, orders: list[dict]) -> None:
    con, settings = built
    cfg = ref.config(settings)
    seen = defaultdict(int)
    for month in MONTHS:
        expected = ref.full_ranking(orders, month, cfg)
        for level in LEVELS:
            got = {
                engine_key(level, r): r
                for r in fetch_ranking(con, level, Period.month(month), settings).iter_rows(named=True)
            }
            want = {k: v for k, v in expected.items() if k[0] == level}
            assert set(got) == set(want), (level, month, set(got) ^ set(want))
            for key, w in want.items():
                g = got[key]
                for field in (*ref.RATES, "score"):
                    if w[field] is None:
                        assert g[field] is None, (key, month, field, g[field])
                    else:
                        assert g[field] == pytest.approx(float(w[field]), abs=1e-9), (key, month, field)
                assert (g["rank"], g["rank_change"]) == (w["rank"], w["rank_change"]), (key, month, g, w)
                seen["unranked"] += w["rank"] is None
                seen["moved"] += w["rank_change"] not in (None, 0)
                seen["new"] += w["rank"] is not None and w["rank_change"] is None
            ranks = [(k[1], w["rank"]) for k, w in want.items() if w["rank"] is not None]
            seen["ties"] += len(ranks) - len(set(ranks))
    # the random data exercised what the comparison is for
    assert min(seen["unranked"], seen["moved"], seen["new"], seen["ties"]) > 0, dict(seen)


def test_quarter_equals_reference_sum_over_sum(built: tuple, orders: list[dict]) -> None:
    con, settings = built
    counts = ref.month_counts(orders, ref.config(settings))
    total: dict[tuple, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for (month, key), c in counts.items():
        if month.month <= 3 and key[0] == "county":
            for name, value in c.items():
                total[key][name] += value
    got = {
        engine_key("county", r): r
        for r in fetch_ranking(con, "county", Period.quarter(2024, 1), settings).iter_rows(named=True)
    }
    assert set(got) == set(total)
    for key, c in total.items():
        want = ref.score_rates(c, ref.config(settings))
        for field in (*ref.RATES, "score"):
            assert got[key][field] == pytest.approx(float(want[field]), abs=1e-9), (key, field)


def test_month_tables_hold_counts_and_every_reader_gets_every_figure(built: tuple) -> None:
    """The tables hold the registry's counts and nothing computed from them (rates and the score exist once,
    in warehouse.scoring); a monthly read has every registry key."""
    from warehouse.metrics import fetch_monthly

    con, settings = built
    for level in ALL_LEVELS:
        cols = set(con.sql(f"SELECT * FROM met_{level.name}_month LIMIT 0").columns)
        assert set(COUNT_KEYS) <= cols, (level.name, set(COUNT_KEYS) - cols)
        assert not [m.key for m in METRICS if m.unit in ("ratio", "points") and m.key in cols], level.name
        day_cols = set(con.sql(f"SELECT * FROM met_{level.name}_day LIMIT 0").columns)
        assert set(COUNT_KEYS) <= day_cols, (level.name, set(COUNT_KEYS) - day_cols)
        read = set(fetch_monthly(con, level.name, settings=settings).columns)
        assert not [m.key for m in METRICS if m.key not in read], level.name


def test_rates_in_range_and_numerator_within_denominator(built: tuple) -> None:
    from warehouse.metrics import fetch_monthly

    con, settings = built
    for level in ALL_LEVELS:
        monthly = fetch_monthly(con, level.name, settings=settings)
        for m in RATES:
            bad = monthly.filter(
                (pl.col(m.numerator) > pl.col(m.denominator))
                | (pl.col(m.key) < 0)
                | (pl.col(m.key) > 1)
                | ((pl.col(m.denominator) == 0) != pl.col(m.key).is_null())
                | ((pl.col(m.key) - pl.col(m.numerator) / pl.col(m.denominator)).abs() > 1e-12)
            )
            assert bad.height == 0, (level.name, m.key, bad)
        bad = monthly.filter((pl.col("score") < 0) | (pl.col("score") > 100))
        assert bad.height == 0, bad


def test_registry_predicates_reproduce_every_count(built: tuple) -> None:
    """Summing each registry predicate over fct gives the met column: prose, SQL and drill-down agree."""
    con, _ = built
    for level in ALL_LEVELS:
        keys = "".join(f"{k}, " for k in level.keys)
        unit_filter = " AND ".join(f"{k} IS NOT NULL" for k in level.keys) or "TRUE"
        for m in METRICS:
            if m.where is None:
                continue
            date = "received_date" if m.date_basis == "received" else "dispatched_date"
            # a weighted count sums its per-order weight column (satisfied_weighted -> satisfied_weight)
            agg = f"sum({m.key.removesuffix('ed')})" if m.unit == "weighted_count" else "count(*)"
            diff = con.sql(f"""
                WITH f AS (
                    SELECT {keys}CAST(date_trunc('month', {date}) AS DATE) AS month, {agg} AS n
                    FROM fct_work_orders WHERE ({m.where}) AND {unit_filter} AND {date} IS NOT NULL GROUP BY ALL)
                SELECT * FROM met_{level.name}_month m FULL JOIN f USING ({keys}month)
                WHERE abs(coalesce(f.n, 0) - coalesce(m.{m.key}, 0)) > 1e-9""").pl()
            assert diff.height == 0, (level.name, m.key, diff)


def test_unique_and_not_null_keys(built: tuple) -> None:
    con, _ = built
    assert con.sql("SELECT count(*) - count(DISTINCT order_id) FROM fct_work_orders").fetchall() == [(0,)]
    for level in ALL_LEVELS:
        keys = ", ".join((*level.keys, "month"))
        dup = con.sql(f"SELECT {keys}, count(*) FROM met_{level.name}_month GROUP BY ALL HAVING count(*) > 1").pl()
        assert dup.height == 0, dup
        nulls = " OR ".join(f"{k} IS NULL" for k in (*level.keys, "month"))
        assert con.sql(f"SELECT count(*) FROM met_{level.name}_month WHERE {nulls}").fetchall() == [(0,)]
    accepted = con.sql("SELECT DISTINCT exclusion_reason, due_source FROM fct_work_orders").fetchall()
    assert {r[0] for r in accepted} <= {None, "invalid", "exempt"} and {r[1] for r in accepted} <= {
        None,
        "export",
        "derived",
    }
    assert con.sql(
        "SELECT count(*) FROM fct_work_orders WHERE is_dispatched AND effective_due_at IS NULL"
    ).fetchall() == [(0,)]


def test_drilldown_counts_match_the_figures(built: tuple) -> None:
    con, settings = built
    march = Period.month("2024-03")
    for level in LEVELS:
        row = fetch_ranking(con, level, march, settings).row(0, named=True)
        county = row["county"] if level == "township" else None
        for m in RATES:
            for part, col in (("numerator", m.numerator), ("denominator", m.denominator)):
                if col.endswith("_weighted"):
                    continue
                n = fetch_orders(con, CITYWIDE, level, row["unit"], march, m.key, part, county=county).height
                assert n == row[col], (level, row["unit"], m.key, part)
        assert (
            fetch_orders(con, CITYWIDE, level, row["unit"], march, "score", "excluded", county=county).height
            == row["excluded_count"]
        )
    with pytest.raises(ValueError):
        part_metric("score", "numerator")
    with pytest.raises(ValueError):
        part_metric("assessed_count", "denominator")


def test_metrics_doc_is_generated_from_the_registry() -> None:
    from warehouse.__main__ import main

    assert main(["metrics-doc", "--check"]) == 0, "docs/metrics.md is stale: run python -m warehouse metrics-doc"
    text = Path(__file__).resolve().parents[2].joinpath("docs", "metrics.md").read_text(encoding="utf-8")
    for m in METRICS:
        assert f"`{m.key}`" in text and m.label_zh in text


def test_rankings_cli_machine_formats(built: tuple, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import csv
    import io
    import json

    from warehouse.__main__ import main

    con, _ = built
    db = tmp_path / "copy.duckdb"
    con.execute(
        f"ATTACH '{db}' AS cp; COPY FROM DATABASE {con.sql('SELECT current_database()').fetchall()[0][0]} TO cp; DETACH cp"
    )
    assert main(["rankings", "--level", "township", "--month", "2024-03", "--db", str(db), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    need = {
        "rank",
        "unit",
        "county",
        "dispatched",
        "response_rate",
        "on_time_rate",
        "resolution_rate",
        "satisfaction_rate",
        "score",
        "rank_change",
    }
    assert need <= set(rows[0])
    assert all(0 <= float(r["response_rate"]) <= 1 and 0 <= float(r["score"]) <= 100 for r in rows if r["score"])
    assert main(["rankings", "--level", "department", "--month", "2024-03", "--db", str(db), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    unranked = [r for r in data if r["insufficient_sample"]]
    assert all(r["rank"] is None for r in unranked) and "county" not in data[0]
    assert main(["rankings", "--level", "county", "--month", "2024-13", "--db", str(db)]) == 2
    assert main(["rankings", "--level", "county", "--month", "2024-03", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert main(["rankings", "--level", "county", "--month", "2024-03", "--db", str(db)]) == 0
    assert "区县排名 2024-03" in capsys.readouterr().out


def test_month_tables_agree_with_rankings(built: tuple) -> None:
    """The month rates/score (for trends) and the ranking's are one computation under the same settings."""
    from warehouse.metrics import fetch_monthly

    con, settings = built
    march = Period.month("2024-03")
    for level, lvl in LEVELS.items():
        ranked = {
            tuple(r[k] if k != lvl.unit_col else r["unit"] for k in lvl.keys): r
            for r in fetch_ranking(con, level, march, settings).iter_rows(named=True)
        }
        stored = fetch_monthly(con, level, march.start, march.end, settings=settings)
        assert stored.height >= len(ranked) > 0
        for row in stored.iter_rows(named=True):
            key = tuple(row[k] for k in lvl.keys)
            if key not in ranked:
                assert row["dispatched_count"] == 0  # listed only when something was dispatched
                continue
            for field in (*(m.key for m in RATES), "score", "score_missing_rates"):
                want, got = ranked[key][field], row[field]
                assert (want is None) == (got is None), (level, key, field)
                if isinstance(want, float):
                    assert got == pytest.approx(want, abs=1e-9), (level, key, field)


def test_empty_period_gives_an_empty_table(built: tuple) -> None:
    con, settings = built
    df = fetch_ranking(con, "department", Period.month("2030-01"), settings)
    assert df.height == 0 and {"rank", "unit", "score", "rank_change"} <= set(df.columns)
