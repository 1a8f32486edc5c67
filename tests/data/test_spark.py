"""Beyond one machine: the rankings computed by Apache Spark (local mode) over the exported Parquet
equal DuckDB's, for every level and period kind. Same SQL file (transpiled), same Python rank code.

Slow (a JVM starts; about 45 s here) and heavy (pyspark is ~450 MB, in requirements-bench.txt, and
needs Java 17), so it runs only when asked for: ``pytest -m slow tests/data/test_spark.py`` (or
HOTLINE_SLOW_TESTS=1). A plain ``pytest`` (and so CI) skips it and says why.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.unit.engine_support import build_warehouse, random_orders
from warehouse.calendar import Period
from warehouse.export import SparkConnection, export_parquet, local_spark
from warehouse.rankings import fetch_ranking, fetch_totals
from warehouse.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def asked(request: pytest.FixtureRequest) -> None:
    if "slow" not in (request.config.getoption("markexpr") or "") and not os.environ.get("HOTLINE_SLOW_TESTS"):
        pytest.skip("Spark test: run with pytest -m slow (or HOTLINE_SLOW_TESTS=1)")


pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -r requirements-bench.txt)")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

PERIODS = [
    Period.month("2024-02"),
    Period.month("2024-03"),
    Period.quarter(2024, 1),
    Period.year(2024),
    Period.between(Period.month("2024-03").start.replace(day=5), Period.month("2024-04").end.replace(day=20)),
]


@pytest.fixture(scope="module")
def engines(asked: None, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("spark")
    units = tmp / "units.csv"
    units.write_text(
        "department,group\n住建局,市直部门\n城管局,市直部门\n水务集团,公共企业\n供电公司,公共企业\n", "utf-8"
    )
    settings = Settings(units_file=units, min_sample=3)
    con = build_warehouse(tmp / "w.duckdb", random_orders(20240301, 3000), settings)
    export_parquet(con, tmp / "parquet")
    spark = local_spark("hotline-test")
    try:
        yield con, SparkConnection(spark, tmp / "parquet"), settings
    finally:
        con.close()
        spark.stop()


@pytest.mark.parametrize("level", ["county", "department", "township"])
def test_spark_rankings_equal_duckdb(engines, level: str) -> None:
    duck, spark, settings = engines
    ranked = 0
    for period in PERIODS:
        want = fetch_ranking(duck, level, period, settings)
        got = fetch_ranking(spark, level, period, settings)
        assert got.columns == want.columns and got.height == want.height > 0, (level, period.label)
        weighted = [c for c in want.columns if c.endswith("_weighted")]  # float sums: order of addition
        assert got.drop(weighted).equals(want.drop(weighted)), (level, period.label)
        for col in weighted:
            assert (got[col] - want[col]).abs().max() < 1e-9, (level, period.label, col)
        ranked += want["rank"].drop_nulls().len()
    assert ranked > 0


def test_spark_city_totals_equal_duckdb(engines) -> None:
    duck, spark, settings = engines
    for period in PERIODS:
        want, got = fetch_totals(duck, period, settings), fetch_totals(spark, period, settings)
        assert set(got) == set(want)
        for key, value in want.items():
            assert got[key] == pytest.approx(value, abs=1e-9) if isinstance(value, float) else got[key] == value, key


def test_the_sql_spark_runs_is_the_transpiled_duckdb_file(engines) -> None:
    _, spark, _ = engines
    from warehouse.metrics import read_sql
    from warehouse.registry import get_level

    text = spark.spark_sql(read_sql("met_level_period", get_level("county"), grain="day", date_col="day"), {
        "start": PERIODS[0].start, "end": PERIODS[0].end})  # fmt: skip
    assert "FROM met_county_day" in text and "SUM(dispatched_count)" in text.replace("`", "")
    rows = spark.spark.sql(text).collect()
    assert rows and all(row["dispatched_count"] >= row["assessed_count"] for row in rows)
