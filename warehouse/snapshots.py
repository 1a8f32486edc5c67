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
from warehouse.registry import MEASURABLE, METRIC_BY_KEY
from warehouse.replies import read_rules, sql_case
from warehouse.settings import Settings
from warehouse.sqlfiles import create_table, read_sql, run_sql

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


def fct_sql(settings: Settings) -> str:
    """fct_work_orders.sql with one is_<x>_measurable column per registry *_measurable_count: the order's
    source file carries all (or, for some, any) of its input fields, or a proxy's (and those that must be
    read from a column of their own are not read from the column of another field). The tests run once per
    loaded file (src_flags: they depend only on the file; per order they were a large part of a load); an
    order of no recorded file gets TRUE. The field lists are bound parameters; so are the reply
    classifier's patterns (``{reply_class}``, warehouse.replies)."""
    flags, columns = [], []
    for m in MEASURABLE:
        test = "list_has_any" if m.any_input else "list_has_all"
        flag = f"{test}(fields, ${m.fct_flag}_inputs::VARCHAR[])"
        if m.proxy:
            flag += f" OR list_has_all(fields, ${METRIC_BY_KEY[m.proxy].fct_flag}_inputs::VARCHAR[])"
        if m.own_column:
            flag = f"({flag}) AND NOT list_has_any(shared, ${m.fct_flag}_own::VARCHAR[])"
        flags.append(f"{flag} AS {m.fct_flag}")
        columns.append(f"coalesce(sf.{m.fct_flag}, TRUE) AS {m.fct_flag}")
    case, _ = sql_case(read_rules(settings.reply_rules_file), "rw.reply")
    sql = read_sql("fct_work_orders").replace("{measurable_flags}", ",\n        ".join(flags))
    return sql.replace("{measurable_columns}", ",\n        ".join(columns)).replace("{reply_class}", case)


# Where fct_work_orders.sql reads an order's reply (for its class): the personal data table; while a load
# writes a slice, the slice itself (``incoming``: the earlier version of a changed order is still in
# raw_work_orders then, and would give the order two rows).
_REPLY_FROM = "FROM raw_work_orders WHERE reply IS NOT NULL"
REPLY_SOURCES = ("raw_work_orders", "incoming")


def _reply_from(sql: str, source: str) -> str:
    if source not in REPLY_SOURCES or _REPLY_FROM not in sql:
        raise ValueError(source)
    return sql.replace(_REPLY_FROM, f"FROM {source} WHERE reply IS NOT NULL")


def _source_views(con: duckdb.DuckDBPyConnection, source: str, repeat: str, chain: str) -> None:
    """The three temp views fct_work_orders.sql reads (fixed relation texts of this module's)."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW fct_source AS {source}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW fct_repeat_source AS {repeat}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW fct_chain_source AS {chain}")


def _drop_source_views(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("fct_chain_source", "fct_repeat_source", "fct_source"):
        con.execute(f"DROP VIEW IF EXISTS temp.{name}")


def _redo_roots(con: duckdb.DuckDBPyConnection) -> None:
    """An empty ``redo_roots`` where none is built yet: a slice written by a load links no chain (its rows
    in one are provisional, settled by the refresh, which builds the table from every snapshot)."""
    if not has_table(con, "redo_roots", "temp"):
        con.execute("CREATE TEMP TABLE redo_roots (order_id VARCHAR, root_id VARCHAR)")


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

    def write(self, reply_from: str = "incoming") -> None:
        """Insert the fact rows of the snapshots in :data:`SOURCE` (their replies read from ``reply_from``,
        one of :data:`REPLY_SOURCES`)."""
        self._cover()
        con = self.con
        _redo_roots(con)
        _source_views(
            con, f"SELECT * FROM {SOURCE}", "SELECT * FROM fct_source WHERE FALSE", "SELECT * FROM fct_source"
        )
        run_sql(con, f"INSERT INTO {self.target} BY NAME " + _reply_from(self.fct_sql, reply_from), self.params)
        _drop_source_views(con)

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
    _redo_roots(con)
    empty = "SELECT * FROM temp.stg_schema"
    _source_views(con, empty, empty, empty)
    if not has_table(con, "dim_calendar"):
        build_calendar(con, dt.date.today(), dt.date.today())
    run_sql(con, f"CREATE TABLE {where}.main.fct_work_orders AS " + fct_sql + "\nLIMIT 0", params)
    _drop_source_views(con)
    if where == parts.OWN:
        parts.attach_parts(con, parts.head_path(con), published_only=False)
    prepare_staging(con)


def rebuild_facts(con: duckdb.DuckDBPyConnection, params: dict[str, Any], settings: Settings) -> None:
    """Every fact row from its snapshot (a rebuild, or settings the rows were not written under), into a
    new table beside the old one (the source reads the old), then swapped in under its name; every
    calendar day's metrics are recomputed."""
    where = parts.target(con)
    con.execute("CREATE OR REPLACE TEMP TABLE fct_all AS SELECT * FROM stg_current")
    _source_views(con, "SELECT * FROM fct_all", "SELECT * FROM fct_all", "SELECT * FROM fct_all")
    create_table(con, f"{where}.main.fct_work_orders__new", fct_sql(settings), params)
    _drop_source_views(con)
    con.execute("DROP TABLE temp.fct_all")
    parts.replace_facts(con, where)
    con.execute("INSERT INTO met_scope_days SELECT cal_date FROM dim_calendar")


def settle_facts(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any],
    settings: Settings,
    first_load_id: int,
    as_of_window: list[dt.datetime] | None,
) -> None:
    """Settle the rows the load wrote (see the module): rewrite the provisional ones, the earlier rows
    whose as-of flags flip as the as-of time moves through ``as_of_window`` (None: a warehouse that
    holds only this load's rows), and the orders right after any of them in their repeat groups; drop
    the earlier versions of orders the load changed. ``met_scope_days`` gets the days whose metrics
    change (every day, without ``as_of_window``)."""
    create_table(con, "fct_provisional", read_sql("fct_provisional"), {"first_load_id": first_load_id}, temp=True)
    if as_of_window is None:  # nothing but this load's rows: every day's metrics are computed
        con.execute("CREATE OR REPLACE TEMP TABLE fct_rewrite AS SELECT order_id FROM fct_provisional")
        con.execute("INSERT INTO met_scope_days SELECT cal_date FROM dim_calendar")
    else:
        lo, hi = as_of_window
        seeds = {"first_load_id": first_load_id, "as_of_lo": lo, "as_of_hi": hi}
        create_table(con, "fct_scope", read_sql("fct_scope"), seeds, temp=True)
        # the days the earlier and the provisional rows count on
        run_sql(con, "INSERT INTO met_scope_days " + read_sql("met_scope_days"))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE fct_rewrite AS SELECT order_id FROM fct_scope "
            "WHERE order_id NOT IN (SELECT order_id FROM stg_incoming) "
            "OR order_id IN (SELECT order_id FROM fct_provisional)"
        )
    # the snapshots to write and their repeat groups, taken before the rows go
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fct_rewrite_rows AS "
        "SELECT * FROM stg_current WHERE order_id IN (SELECT order_id FROM fct_rewrite)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fct_group_rows AS SELECT * FROM stg_current "
        "WHERE (citizen_phone_hash, NULLIF(trim(category_l2), '')) IN "
        "(SELECT (citizen_phone_hash, NULLIF(trim(category_l2), '')) FROM fct_rewrite_rows)"
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
    # the redos of the chains whose first order is written (the rewrite holds whole chains and groups)
    _source_views(
        con,
        "SELECT * FROM fct_rewrite_rows",
        "SELECT * FROM fct_group_rows",
        "SELECT * FROM fct_rewrite_rows UNION ALL "
        "SELECT * FROM fct_group_rows WHERE order_id NOT IN (SELECT order_id FROM fct_rewrite_rows)",
    )
    run_sql(con, f"INSERT INTO {target} BY NAME " + fct_sql(settings), params)
    _drop_source_views(con)
    con.execute("DROP TABLE temp.fct_rewrite_rows; DROP TABLE temp.fct_group_rows")
    if as_of_window is not None:
        run_sql(con, "INSERT INTO met_scope_days " + read_sql("met_scope_days"))  # and the days they count on now


def write_rows(con: duckdb.DuckDBPyConnection, relation: object, params: dict[str, Any], settings: Settings) -> None:
    """Write typed snapshots given as a relation DuckDB can scan (an Arrow or Polars frame with the
    columns of sql/stg_schema.sql) as provisional fact rows: for a warehouse built without the loader
    (the assessment tests); :func:`warehouse.metrics.rebuild` then settles them."""
    con.register(SOURCE, relation)
    try:
        SnapshotWriter(con, params, fct_sql(settings)).write("raw_work_orders")
    finally:
        con.unregister(SOURCE)
