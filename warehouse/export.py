"""Beyond one machine (SPEC §8): the warehouse as month-partitioned Parquet, and the rankings computed
by a distributed SQL engine (Apache Spark) over it with the same metric definitions.

``export_parquet`` writes, in Hive layout (``<table>/month=YYYY-MM-01/*.parquet``), the fact table
partitioned by receipt month (its ``received_month``), every ``met_<level>_day`` table by the month
of its day (an added ``month`` column) and every ``met_<level>_month`` table by its month; the small
tables (``dim_units``, ``dim_calendar``, ``meta``) as one unpartitioned file each. No personal data
leaves: ``raw_*`` and ``stg_*`` are not exported (the fact table holds the phone only as a keyed hash).

One definition, two engines. The rankings are ``warehouse.rankings.fetch_ranking``: SQL that sums
the counts of a period (``warehouse/sql/met_level_period.sql``, written once, in DuckDB's dialect)
and Python that turns the sums into exact rates, scores and ranks. :class:`SparkConnection` is a
connection for that same function: it transpiles each statement from DuckDB's dialect to Spark SQL
with sqlglot (expanding DuckDB's ``COLUMNS('regex')`` against the table's columns and inlining the
bound parameters as typed literals), runs it on Spark, and hands the rows back. So nothing of the
metric logic is written twice; a province runs the same file on a cluster.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from warehouse.registry import ALL_LEVELS

# table -> the partition column written (None: one unpartitioned file)
EXPORTS: dict[str, str | None] = {
    "fct_work_orders": "received_month",
    **{f"met_{level.name}_day": "month" for level in ALL_LEVELS},
    **{f"met_{level.name}_month": "month" for level in ALL_LEVELS},
    "dim_units": None,
    "dim_calendar": None,
    "meta": None,
}
MANIFEST = "_manifest.json"


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: str | Path) -> dict[str, Any]:
    """Write every table of ``EXPORTS`` under ``out_dir`` (replacing an earlier export of it) and a
    manifest with row counts; return the manifest."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Any] = {}
    for table, partition in EXPORTS.items():
        target = out / table
        if target.exists():
            shutil.rmtree(target)
        select = f"SELECT * FROM {table}"  # identifiers from the fixed EXPORTS list only
        if table.startswith("met_") and table.endswith("_day"):
            select = f"SELECT *, CAST(date_trunc('month', day) AS DATE) AS month FROM {table}"
        if partition:
            con.execute(f"COPY ({select}) TO '{_quote(target)}' (FORMAT parquet, PARTITION_BY ({partition}))")
        else:
            target.mkdir(parents=True)
            con.execute(f"COPY ({select}) TO '{_quote(target / 'data_0.parquet')}' (FORMAT parquet)")
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        tables[table] = {"partition_by": partition, "rows": rows}
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    manifest = {
        "format": "parquet, Hive partitions",
        "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        "as_of": meta.get("as_of"),
        "settings_fingerprint": meta.get("settings_fingerprint"),
        "tables": tables,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


# ---------------------------------------------------------------------------------------------
# The same SQL on Spark


def to_spark_sql(sql: str, params: dict[str, Any] | Sequence[Any] | None, columns_of: Any) -> str:
    """DuckDB SQL -> Spark SQL. ``columns_of(table) -> list[str]`` resolves ``COLUMNS('regex')``;
    bound parameters (``$name`` or ``?``) become typed literals."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    positional = iter(params if isinstance(params, Sequence) and not isinstance(params, str) else ())
    named = params if isinstance(params, dict) else {}

    def bind(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder):
            name = node.args.get("this")
            value = named[name] if name else next(positional)
            return _literal(value)
        return node

    tree = tree.transform(bind)
    for select in tree.find_all(exp.Select):
        _expand_columns(select, columns_of)
    return tree.sql(dialect="spark")


def _literal(value: Any) -> Any:
    from sqlglot import exp

    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def _expand_columns(select: Any, columns_of: Any) -> None:
    """``sum(COLUMNS('_count$'))::BIGINT`` -> one ``CAST(SUM(x) AS BIGINT) AS x`` per matching column,
    named like the column, as DuckDB names them."""
    from sqlglot import exp

    table = select.args.get("from_") or select.args.get("from")
    names: list[str] | None = None
    expanded = []
    for projection in select.expressions:
        star = projection.find(exp.Columns)
        if star is None:
            expanded.append(projection)
            continue
        if names is None:
            names = list(columns_of(table.this.name))
        pattern = re.compile(star.this.name)
        for name in (n for n in names if pattern.search(n)):
            copy = projection.copy()
            copy.find(exp.Columns).replace(exp.column(name))
            expanded.append(exp.alias_(copy.unalias(), name))
    select.set("expressions", expanded)


class _Result:
    """What ``warehouse.rankings`` reads of a DuckDB relation: column names and rows."""

    def __init__(self, columns: list[str], rows: list[tuple]) -> None:
        self.columns = columns
        self._rows = rows

    def fetchall(self) -> list[tuple]:
        return self._rows


class SparkConnection:
    """A DuckDB-like connection over an exported warehouse, executing on Spark: enough of
    ``con.sql(query, params=...)`` for ``warehouse.rankings`` (and anything else that only reads)."""

    def __init__(self, spark: Any, export_dir: str | Path) -> None:
        self.spark = spark
        self.export_dir = Path(export_dir)
        self._columns: dict[str, list[str]] = {}
        for table in EXPORTS:
            path = self.export_dir / table
            if path.exists():
                frame = spark.read.option("basePath", str(path)).parquet(str(path))
                frame.createOrReplaceTempView(table)
                self._columns[table] = frame.columns

    def columns_of(self, table: str) -> list[str]:
        return self._columns[table]

    def spark_sql(self, query: str, params: dict[str, Any] | Sequence[Any] | None = None) -> str:
        return to_spark_sql(query, params, self.columns_of)

    def sql(self, query: str, params: dict[str, Any] | Sequence[Any] | None = None) -> _Result:
        frame = self.spark.sql(self.spark_sql(query, params))
        return _Result(list(frame.columns), [tuple(row) for row in frame.collect()])


def local_spark(app_name: str = "hotline12345", memory: str = "1g") -> Any:
    """A local-mode Spark session (2 cores, no UI) for tests and single-machine runs."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", memory)
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
