"""export-parquet: month-partitioned Parquet in Hive layout that reads back as the same tables, and the
ranking SQL transpiled for Spark from the one DuckDB definition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.unit.engine_support import build_warehouse, random_orders
from warehouse.export import EXPORTS, to_spark_sql
from warehouse.metrics import read_sql
from warehouse.registry import COUNT_KEYS, get_level
from warehouse.settings import Settings


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("export")
    db = tmp / "w.duckdb"
    build_warehouse(db, random_orders(7, 1500), Settings()).close()
    out = tmp / "parquet"
    from warehouse.__main__ import main

    assert main(["export-parquet", str(out), "--db", str(db)]) == 0
    return db, out


def test_hive_layout_by_month(exported: tuple[Path, Path]) -> None:
    _, out = exported
    months = sorted(p.name for p in (out / "fct_work_orders").iterdir())
    assert months and all(m.startswith("received_month=") and m.endswith("-01") for m in months)
    assert sorted(p.name for p in (out / "met_county_month").iterdir())[0].startswith("month=")
    assert sorted(p.name for p in (out / "met_township_day").iterdir())[0].startswith("month=")
    assert list((out / "dim_units").glob("*.parquet"))
    assert not (out / "raw_work_orders").exists() and not (out / "stg_work_orders").exists()  # no personal data


def test_parquet_reads_back_as_the_tables(exported: tuple[Path, Path]) -> None:
    db, out = exported
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in EXPORTS:
            want = con.sql(f"SELECT * FROM {table}").pl()
            got = con.sql(
                f"SELECT * FROM read_parquet('{out / table}/**/*.parquet', hive_partitioning = true, "
                "hive_types_autocast = true)"
            ).pl()
            if table.startswith("met_") and table.endswith("_day"):
                got = got.drop("month")
            got = got.select(want.columns).with_columns(
                [pl.col(c).cast(want.schema[c]) for c in want.columns if got.schema[c] != want.schema[c]]
            )
            assert got.sort(want.columns, nulls_last=True).equals(want.sort(want.columns, nulls_last=True)), table
    finally:
        con.close()


def test_period_sql_transpiles_to_spark_with_columns_and_parameters_expanded() -> None:
    sql = read_sql("met_level_period", get_level("township"), grain="month", date_col="month")
    columns = ["county", "township", "month", *COUNT_KEYS, "response_rate", "score"]
    spark = to_spark_sql(sql, {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 3, 31)}, lambda table: columns)
    assert "COLUMNS(" not in spark and "$" not in spark
    assert "CAST('2024-01-01' AS DATE)" in spark and "GROUP BY ALL" in spark
    for key in COUNT_KEYS:
        assert f"AS {key}" in spark, key
    assert "response_rate" not in spark  # only the counts are summed, never a rate
    positional = to_spark_sql("SELECT unit FROM dim_units WHERE level = ?", ["county"], lambda table: [])
    assert positional == "SELECT unit FROM dim_units WHERE level = 'county'"
