"""Each order is written to disk once, as its row of ``fct_work_orders``, while the load reads it.

A load writes every good row of a slice straight into the fact table (``SnapshotWriter.write``),
computed by the one definition of a fact row (sql/fct_work_orders.sql) with what the slice itself
knows. Three things no slice can know are settled by the metric refresh at the end of the load
(warehouse.metrics): the as-of time (the latest event of all orders), the repeat links (the caller's
earlier orders, in this file or before), and the full working-day calendar. Until then a row written
by the load counts as *provisional*: the refresh rewrites the ones those could change (open orders,
orders of a caller with another order in the category, a derived due date the calendar did not yet
reach) and leaves the rest, which are final as written.

During a load the fact table holds the rows of earlier loads (``load_id < first_load_id``) and the
rows this load wrote; the temp views ``stg_incoming`` (this load's snapshots), ``stg_held`` (earlier
ones) and ``stg_current`` (the latest snapshot of every order) read its snapshot columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from warehouse import parts
from warehouse.calendar import build_calendar
from warehouse.registry import MEASURABLE
from warehouse.sqlfiles import read_sql, run_sql

SQL_DIR = Path(__file__).parent / "sql"
SNAPSHOT_DDL = SQL_DIR / "stg_schema.sql"


def snapshot_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The typed snapshot columns (sql/stg_schema.sql), in order."""
    _schema(con)
    rows = con.sql(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'stg_schema' AND database_name = 'temp' "
        "ORDER BY column_index"
    ).fetchall()
    return [r[0] for r in rows]


def _schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SNAPSHOT_DDL.read_text(encoding="utf-8"))


def has_table(con: duckdb.DuckDBPyConnection, name: str, database: str | None = None) -> bool:
    """Is there a table ``name`` in the main schema of ``database`` (default: the warehouse file)?"""
    sql = (
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = coalesce(?, current_database()) "
        "AND schema_name = 'main' AND table_name = ?"
    )
    return bool(con.execute(sql, [database, name]).fetchall()[0][0])


def fct_sql() -> str:
    """fct_work_orders.sql with one is_<x>_measurable column per registry *_measurable_count: the order's
    source file carries all (or, for some, any) of its input fields (load_fields). The field lists are
    bound parameters (``$<flag>_inputs``, warehouse.metrics)."""
    flags = []
    for m in MEASURABLE:
        test = "list_has_any" if m.any_input else "list_has_all"
        flags.append(f"coalesce({test}(sf.fields, ${m.fct_flag}_inputs::VARCHAR[]), TRUE) AS {m.fct_flag}")
    return read_sql("fct_work_orders").replace("{measurable_flags}", ",\n        ".join(flags))


def has_facts(con: duckdb.DuckDBPyConnection) -> bool:
    """Can the connection read ``fct_work_orders`` (a table of the head, or the view over the parts)?"""
    sql = (
        "SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'fct_work_orders' AND schema_name = 'main' "
        "AND database_name IN ('temp', current_database())) + (SELECT count(*) FROM duckdb_views() "
        "WHERE view_name = 'fct_work_orders' AND database_name IN ('temp', current_database()))"
    )
    return bool(con.execute(sql).fetchall()[0][0])


def prepare_staging(con: duckdb.DuckDBPyConnection, first_load_id: int | None = None) -> None:
    """The temp views a load and a refresh read: ``stg_incoming`` (the snapshots of the orders written
    by the load whose first file is ``first_load_id``; none without one), ``stg_held`` (those of
    earlier loads) and ``stg_current`` (the latest snapshot of every order: this load's, else held)."""
    cols = ", ".join(snapshot_columns(con))
    if not has_facts(con):  # before the first build there is nothing to read
        con.execute(f"CREATE OR REPLACE TEMP VIEW stg_incoming AS SELECT {cols} FROM temp.stg_schema")
        con.execute(f"CREATE OR REPLACE TEMP VIEW stg_held AS SELECT {cols} FROM temp.stg_schema")
    else:
        first = "NULL" if first_load_id is None else str(int(first_load_id))  # an int: no value from input
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW stg_incoming AS SELECT {cols} FROM fct_work_orders WHERE load_id >= {first}"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW stg_held AS SELECT {cols} FROM fct_work_orders "
            f"WHERE load_id < {first} OR {first} IS NULL"
        )
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW stg_current AS SELECT {cols} FROM stg_incoming "
        f"UNION ALL SELECT {cols} FROM stg_held WHERE order_id NOT IN (SELECT order_id FROM stg_incoming)"
    )


# The relation a load's typed snapshots are read from (the loader's temp view of a slice: the columns of
# sql/stg_schema.sql). One fixed name: no identifier comes from a caller.
SOURCE = "incoming_stg"


class SnapshotWriter:
    """Writes a load's slices into ``fct_work_orders`` (see the module): call :meth:`write` once the
    slice's typed snapshots are in the temp view :data:`SOURCE`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, params: dict[str, Any], fct_sql: str) -> None:
        self.con, self.params, self.fct_sql = con, {**params, "as_of": None}, fct_sql
        self.span: tuple[dt.date, dt.date] | None = None  # the days the calendar covers (before its margin)
        ensure_facts(con, self.params, fct_sql)
        self.target = f"{parts.target(con)}.main.fct_work_orders"

    def write(self) -> None:
        """Insert the fact rows of the snapshots in :data:`SOURCE`."""
        self._cover()
        con = self.con
        con.execute(f"CREATE OR REPLACE TEMP VIEW fct_source AS SELECT * FROM {SOURCE}")
        con.execute("CREATE OR REPLACE TEMP VIEW fct_repeat_source AS SELECT * FROM fct_source WHERE FALSE")
        run_sql(con, f"INSERT INTO {self.target} BY NAME " + self.fct_sql, self.params)
        con.execute("DROP VIEW temp.fct_source; DROP VIEW temp.fct_repeat_source")

    def _cover(self) -> None:
        """Make dim_calendar cover the receipt and dispatch days of the slice (it is rebuilt over the
        whole span by the refresh; a due date it did not reach yet is rewritten then)."""
        lo, hi = self.con.execute(
            f"SELECT min(least(received_at, dispatched_at))::DATE, max(greatest(received_at, dispatched_at))::DATE "
            f"FROM {SOURCE}"
        ).fetchall()[0]
        if lo is None:
            return
        if self.span is not None and self.span[0] <= lo and hi <= self.span[1]:
            return
        self.span = (min(lo, self.span[0]), max(hi, self.span[1])) if self.span else (lo, hi)
        build_calendar(self.con, *self.span)


def ensure_facts(con: duckdb.DuckDBPyConnection, params: dict[str, Any], fct_sql: str) -> None:
    """An empty fact table where the connection writes order rows, when it has none yet (its columns:
    the fact query's over the snapshot columns), and the views over it."""
    where = parts.target(con)
    if has_table(con, "fct_work_orders", where.strip('"')) or (where != parts.OWN and has_facts(con)):
        return
    _schema(con)
    con.execute("CREATE OR REPLACE TEMP VIEW fct_source AS SELECT * FROM temp.stg_schema")
    con.execute("CREATE OR REPLACE TEMP VIEW fct_repeat_source AS SELECT * FROM temp.stg_schema")
    if not has_table(con, "dim_calendar"):
        build_calendar(con, dt.date.today(), dt.date.today())
    run_sql(con, f"CREATE TABLE {where}.main.fct_work_orders AS " + fct_sql + "\nLIMIT 0", params)
    con.execute("DROP VIEW temp.fct_source; DROP VIEW temp.fct_repeat_source")
    if where == parts.OWN:
        parts.attach_parts(con, parts.head_path(con), published_only=False)
    prepare_staging(con)


def rebuild_facts(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    """Every fact row from its snapshot (a rebuild, or settings the rows were not written under), into a
    new table beside the old one (the source reads the old), then swapped in under its name; every
    calendar day's metrics are recomputed."""
    where = parts.target(con)
    con.execute("CREATE OR REPLACE TEMP TABLE fct_source AS SELECT * FROM stg_current")
    con.execute("CREATE OR REPLACE TEMP VIEW fct_repeat_source AS SELECT * FROM fct_source")
    run_sql(con, f"CREATE OR REPLACE TABLE {where}.main.fct_work_orders__new AS " + fct_sql(), params)
    con.execute("DROP VIEW temp.fct_repeat_source; DROP TABLE temp.fct_source")
    parts.replace_facts(con, where)
    con.execute("INSERT INTO met_scope_days SELECT cal_date FROM dim_calendar")


def settle_facts(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any],
    first_load_id: int,
    as_of_window: list[dt.datetime] | None,
) -> None:
    """Settle the rows the load wrote (see the module): rewrite the provisional ones, the earlier rows
    whose as-of flags flip as the as-of time moves through ``as_of_window`` (None: a warehouse that
    holds only this load's rows), and the orders right after any of them in their repeat groups; drop
    the earlier versions of orders the load changed. ``met_scope_days`` gets the days whose metrics
    change (every day, without ``as_of_window``)."""
    run_sql(con, read_sql("fct_provisional"), {"first_load_id": first_load_id})
    if as_of_window is None:  # nothing but this load's rows: every day's metrics are computed
        con.execute("CREATE OR REPLACE TEMP TABLE fct_rewrite AS SELECT order_id FROM fct_provisional")
        con.execute("INSERT INTO met_scope_days SELECT cal_date FROM dim_calendar")
    else:
        lo, hi = as_of_window
        run_sql(con, read_sql("fct_scope"), {"first_load_id": first_load_id, "as_of_lo": lo, "as_of_hi": hi})
        run_sql(con, read_sql("met_scope_days"))  # the days the earlier and the provisional rows count on
        con.execute(
            "CREATE OR REPLACE TEMP TABLE fct_rewrite AS SELECT order_id FROM fct_scope "
            "WHERE order_id NOT IN (SELECT order_id FROM stg_incoming) "
            "OR order_id IN (SELECT order_id FROM fct_provisional)"
        )
    # the snapshots to write and their repeat groups, taken before the rows go
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fct_source AS "
        "SELECT * FROM stg_current WHERE order_id IN (SELECT order_id FROM fct_rewrite)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fct_repeat_source AS SELECT * FROM stg_current "
        "WHERE (citizen_phone_hash, NULLIF(trim(category_l2), '')) IN "
        "(SELECT (citizen_phone_hash, NULLIF(trim(category_l2), '')) FROM fct_source)"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE fct_new_ids AS SELECT order_id FROM stg_incoming")
    parts.retire(
        con,
        "fct_work_orders",
        "order_id IN (SELECT order_id FROM fct_rewrite) "
        "OR (load_id < $first_load_id AND order_id IN (SELECT order_id FROM fct_new_ids))",
        {"first_load_id": first_load_id},
    )
    target = f"{parts.target(con)}.main.fct_work_orders"
    run_sql(con, f"INSERT INTO {target} BY NAME " + fct_sql(), params)
    if as_of_window is not None:
        run_sql(con, read_sql("met_scope_days"))  # and the days the rewritten rows count on now


def write_rows(con: duckdb.DuckDBPyConnection, relation: object, params: dict[str, Any]) -> None:
    """Write typed snapshots given as a relation DuckDB can scan (an Arrow or Polars frame with the
    columns of sql/stg_schema.sql) as provisional fact rows: for a warehouse built without the loader
    (the assessment tests); :func:`warehouse.metrics.rebuild` then settles them."""
    con.register(SOURCE, relation)
    try:
        SnapshotWriter(con, params, fct_sql()).write()
    finally:
        con.unregister(SOURCE)
