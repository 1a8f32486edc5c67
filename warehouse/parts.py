"""Where the order rows live: part files beside the warehouse file, so a load writes only what it changes.

The warehouse file (the *head*, e.g. ``data/hotline.duckdb``) holds everything small: the load log, the
quarantine, the settings and calendar, every metric table. The two big tables, ``fct_work_orders``
(one row per order) and ``raw_work_orders`` (its personal data), live in *part* files in
``<head>.parts/`` (``data/hotline.parts/part-….duckdb``). A load writes its rows into a new part of
its own and copies and swaps only the head (warehouse.connection.writer), so a monthly load copies
megabytes, not the whole history. A published part is never written again: a row a later load
replaces is listed in the head's ``retired_rows`` (and so leaves every view at the same swap), and a
part whose every row is replaced is dropped from the list. The head lists its parts in
``warehouse_parts``; the files of parts no head (the live one, or a kept backup) lists are deleted.

``fct_work_orders`` and ``raw_work_orders`` are views: in the head, over ``read_duckdb`` of each part
(any DuckDB connection to the file reads them); a connection opened by ``warehouse.connection`` (the
dashboard, reports, the CLI) attaches the parts natively and shadows those views with temp views of
the same names, which DuckDB reads as fast as the tables themselves.

A connection opened without warehouse.connection that writes (the assessment tests build warehouses so)
writes these tables into the head itself; the next load moves them into a part.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
TABLES = ("fct_work_orders", "raw_work_orders")
OWN = "own"  # the alias of the part a writing session writes into


def parts_dir(head: Path) -> Path:
    return head.with_name(head.stem + ".parts")


def head_path(con: duckdb.DuckDBPyConnection) -> Path:
    """The warehouse file whose parts the connection reads: the live file a writing session copied (its
    parts sit beside the live file, not beside the copy), else the connection's own file."""
    if con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'temp' AND table_name = 'warehouse_head'"
    ).fetchall()[0][0]:
        return Path(con.execute("SELECT path FROM temp.warehouse_head").fetchall()[0][0])
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return Path(rows[0][0])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _head(con: duckdb.DuckDBPyConnection) -> str:
    return _quote(con.execute("SELECT current_database()").fetchall()[0][0])


def writing_part(con: duckdb.DuckDBPyConnection) -> bool:
    """Does this connection write into a part of its own (a load, a rebuild through warehouse.connection)?"""
    return bool(con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [OWN]).fetchall()[0][0])


def target(con: duckdb.DuckDBPyConnection) -> str:
    """The database the connection writes the order rows into: its own part, or else the head."""
    return OWN if writing_part(con) else _head(con)


def listed(con: duckdb.DuckDBPyConnection) -> list[tuple[str, bool]]:
    """(part, its fact rows still live) of the head's parts, oldest first; [] before the first part."""
    if not _table_exists(con, "warehouse_parts"):
        return []
    return con.execute("SELECT part, fct_live FROM warehouse_parts ORDER BY created_at, part").fetchall()


def _table_exists(con: duckdb.DuckDBPyConnection, name: str, database: str | None = None) -> bool:
    sql = (
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = coalesce(?, current_database()) "
        "AND schema_name = 'main' AND table_name = ?"
    )
    return bool(con.execute(sql, [database, name]).fetchall()[0][0])


def open_writing(con: duckdb.DuckDBPyConnection, head: Path) -> Path:
    """Attach the published parts read-only and a new part for this session read-write (``own``), move any
    order rows the head itself holds into it, and create the temp views the session reads through.
    Returns the new part's file (published by :func:`publish`)."""
    folder = parts_dir(head)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # personal data: the owner's only, as the head
    own = folder / f"part-{dt.datetime.now():%Y%m%dT%H%M%S%f}-{os.getpid()}.duckdb"
    con.execute(f"ATTACH {_literal(own)} AS {OWN}")
    os.chmod(own, 0o600)  # DuckDB made it with the process umask
    con.execute("CREATE OR REPLACE TEMP TABLE warehouse_head AS SELECT ?::VARCHAR AS path", [str(head)])
    head_db = _head(con)
    for table in TABLES:  # a head that holds the rows itself (written without parts, or before them)
        if _table_exists(con, table):
            con.execute(f"CREATE OR REPLACE TABLE {OWN}.{table} AS SELECT * FROM {head_db}.main.{table}")
            con.execute(f"DROP TABLE {head_db}.main.{table}")
    create_raw(con)
    attach_parts(con, head, published_only=False)
    return own


def create_raw(con: duckdb.DuckDBPyConnection) -> None:
    """``raw_work_orders`` where this connection writes order rows, when it is not there yet (and no view
    of the head stands for it)."""
    where = target(con)
    if where != OWN and _view_exists(con, "raw_work_orders"):
        return
    con.execute((SQL_DIR / "raw_work_orders.sql").read_text(encoding="utf-8").replace("{target}", where))
    # a table written before issue 20's free-text columns (in the head, or moved from it) gets them
    con.execute(
        (SQL_DIR / "ddl" / "raw_table" / "free_text.sql").read_text(encoding="utf-8").replace("{target}", where)
    )


def _view_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    sql = "SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() AND view_name = ?"
    return bool(con.execute(sql, [name]).fetchall()[0][0])


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def attach_parts(con: duckdb.DuckDBPyConnection, head: Path, published_only: bool = True) -> None:
    """Attach the head's parts read-only and create the temp views ``fct_work_orders`` and
    ``raw_work_orders`` over them (and over ``own`` unless ``published_only``), and the views
    ``fct_published`` / ``raw_published`` (the live rows of published parts, with their ``part``)."""
    parts = listed(con)
    attached = {r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    for i, (name, _live) in enumerate(parts):
        alias = f"part{i}"
        if alias not in attached:
            path = parts_dir(head) / name
            if not path.exists():
                raise FileNotFoundError(f"数据仓库的分区文件缺失：{path}")
            con.execute(f"ATTACH {_literal(path)} AS {alias} (READ_ONLY)")
    for sql in view_statements(con, published_only):
        con.execute(sql)


def view_statements(con: duckdb.DuckDBPyConnection, published_only: bool = True) -> list[str]:
    """The CREATE TEMP VIEW statements of :func:`attach_parts` (the parts attached already). Temp views
    belong to one connection: a cursor of a reading connection runs them again to read the parts natively
    (warehouse.connection.Reader.cursor) instead of through the head's views."""
    parts = listed(con)
    own = not published_only and writing_part(con)
    out = []
    for table in TABLES:
        # a writing session retires rows as it goes: its views filter every part, not only those with retired rows
        sources = _live_sources(con, parts, table, native=True, always=own)
        published = " UNION ALL BY NAME ".join(f"SELECT *, {_literal_text(p)} AS part FROM ({s})" for p, s in sources)
        mine = own and _table_exists(con, table, OWN)
        everything = [s for _p, s in sources] + ([f"SELECT * FROM {OWN}.{table}"] if mine else [])
        if not everything:
            continue
        out.append(f"CREATE OR REPLACE TEMP VIEW {table} AS " + " UNION ALL BY NAME ".join(everything))
        short = table.split("_")[0]
        if published or mine:
            out.append(
                f"CREATE OR REPLACE TEMP VIEW {short}_published AS "
                + (published or f"SELECT *, NULL::VARCHAR AS part FROM {OWN}.{table} WHERE FALSE")
            )
    return out


def _literal_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _live_sources(
    con: duckdb.DuckDBPyConnection,
    parts: list[tuple[str, bool]],
    table: str,
    native: bool,
    head: Path | None = None,
    always: bool = False,
) -> list[tuple[str, str]]:
    """(part, a SELECT of its live rows of ``table``) for every part that still has some."""
    retired = {
        r[0]
        for r in con.execute("SELECT DISTINCT part FROM retired_rows WHERE table_name = ?", [table]).fetchall()
    } if _table_exists(con, "retired_rows") else set()  # fmt: skip
    out = []
    for i, (name, fct_live) in enumerate(parts):
        if table == "fct_work_orders" and not fct_live:
            continue
        scan = (
            f"SELECT * FROM part{i}.{table}"
            if native
            else f"SELECT * FROM read_duckdb({_literal(parts_dir(head) / name)}, table_name = {_literal_text(table)})"
        )
        if name in retired or always:
            scan += (
                " WHERE order_id NOT IN (SELECT order_id FROM retired_rows "
                f"WHERE part = {_literal_text(name)} AND table_name = {_literal_text(table)})"
            )
        out.append((name, scan))
    return out


def retire(con: duckdb.DuckDBPyConnection, table: str, condition: str, params: dict | None = None) -> None:
    """Remove the rows of ``table`` (fct_work_orders or raw_work_orders) that ``condition`` (fixed SQL of
    the caller's, with bound parameters) selects: deleted where this session wrote them, listed in
    ``retired_rows`` where a published part holds them."""
    from warehouse.sqlfiles import run_sql

    if table not in TABLES:
        raise ValueError(table)
    run_sql(con, f"DELETE FROM {target(con)}.main.{table} WHERE {condition}", params)
    if writing_part(con) and listed(con):
        short = table.split("_")[0]
        run_sql(
            con,
            f"INSERT INTO retired_rows SELECT part, {_literal_text(table)}, order_id FROM {short}_published "
            f"WHERE {condition}",
            params,
        )


def replace_facts(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """``fct_work_orders__new`` (every fact row, written into ``where`` by a full rebuild) becomes the fact
    table: no part's earlier fact rows count any more."""
    if _table_exists(con, "warehouse_parts"):
        con.execute("UPDATE warehouse_parts SET fct_live = FALSE")
        con.execute("DELETE FROM retired_rows WHERE table_name = 'fct_work_orders'")
    if where != OWN and _view_exists(con, "fct_work_orders"):
        con.execute(f"DROP VIEW {where}.main.fct_work_orders")
    con.execute(f"DROP TABLE IF EXISTS {where}.main.fct_work_orders")
    con.execute(f"ALTER TABLE {where}.main.fct_work_orders__new RENAME TO fct_work_orders")
    if where == OWN:
        attach_parts(con, head_path(con), published_only=False)


# Every reader scans every part, so each load that adds one makes every later query and load a little
# slower (python -m bench parts: a 2-order load took 1.3 s with 2 parts and 6.1 s with 41, a count over
# the orders 2.5 ms and 50 ms). A session that would leave more than MAX_PARTS merges the smallest into its
# own part, leaving KEEP_PARTS; a big part (the history) is rarely copied again.
MAX_PARTS, KEEP_PARTS = 8, 4


def publish(con: duckdb.DuckDBPyConnection, own: Path, head: Path) -> None:
    """Make this session's part one of the head's (when it holds rows, or is the only place the tables
    exist), merging the smallest parts into it when there are too many (:data:`MAX_PARTS`), drop parts
    with no live row left, and write the head's views over the parts."""
    merge_small_parts(con)
    rows = {
        t: con.execute(f"SELECT count(*) FROM {OWN}.{t}").fetchall()[0][0] for t in TABLES if _table_exists(con, t, OWN)
    }
    keep = any(rows.values()) or not listed(con)
    con.execute(f"CHECKPOINT {OWN}")
    con.execute(f"DETACH {OWN}")  # the head's views read the part through read_duckdb, which must open it itself
    _drop_dead_parts(con)
    if keep:
        con.execute(
            "INSERT INTO warehouse_parts VALUES (?, ?, ?, ?, TRUE)",
            [own.name, dt.datetime.now(), rows.get("fct_work_orders", 0), rows.get("raw_work_orders", 0)],
        )
    persistent_views(con, head)
    for alias in [r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()]:
        if alias.startswith("part") and alias[4:].isdigit():
            con.execute(f"DETACH {alias}")
    con.execute("DROP TABLE IF EXISTS temp.warehouse_head")
    if not keep:
        own.unlink(missing_ok=True)
        own.with_name(own.name + ".wal").unlink(missing_ok=True)


def merge_small_parts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """When this session's part would be one more than :data:`MAX_PARTS`, copy the live rows of the
    smallest parts into it and retire them there, so that :func:`_drop_dead_parts` drops those parts and
    :data:`KEEP_PARTS` remain. The same rows stay live, only their file changes (kept versions still list
    the old parts, whose files stay until no kept version does). A part whose columns this session's part
    lacks is left as it is. Returns the parts merged."""
    parts = listed(con)
    if not writing_part(con) or len(parts) + 1 <= MAX_PARTS:
        return []
    sizes = []
    for i, (name, fct_live) in enumerate(parts):
        live = {t: _live_count(con, i, name, t) for t in _counted(fct_live)}
        tables = [t for t, n in live.items() if n]
        if all(_fits(con, f"part{i}", t) for t in tables):
            sizes.append((sum(live.values()), i, name, tables))
    merged = []
    for _size, i, name, tables in sorted(sizes)[: len(parts) + 1 - KEEP_PARTS]:
        for table in tables:
            retired = "SELECT order_id FROM retired_rows WHERE part = $part AND table_name = $table"
            live = f"FROM part{i}.{table} WHERE order_id NOT IN ({retired})"
            con.execute(f"INSERT INTO {OWN}.main.{table} BY NAME SELECT * {live}", {"part": name, "table": table})
            con.execute(
                f"INSERT INTO retired_rows SELECT $part, $table, order_id {live}", {"part": name, "table": table}
            )
        merged.append(name)
    return merged


def _counted(fct_live: bool) -> tuple[str, ...]:
    """The tables whose rows count for a part: its fact rows only while they are still the fact rows."""
    return TABLES if fct_live else tuple(t for t in TABLES if t != "fct_work_orders")


def _live_count(con: duckdb.DuckDBPyConnection, i: int, name: str, table: str) -> int:
    """The rows of part ``i`` (``name``) in ``table`` that no later load retired."""
    if not _table_exists(con, table, f"part{i}"):
        return 0
    held = con.execute(f"SELECT count(*) FROM part{i}.{table}").fetchall()[0][0]
    sql = "SELECT count(*) FROM retired_rows WHERE part = ? AND table_name = ?"
    return held - con.execute(sql, [name, table]).fetchall()[0][0]


def _fits(con: duckdb.DuckDBPyConnection, database: str, table: str) -> bool:
    """Every column of ``database``'s ``table`` is one of this session's part's (rows can be copied by name)."""
    sql = "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' AND table_name = ?"
    own = {r[0] for r in con.execute(sql, [OWN, table]).fetchall()}
    return bool(own) and {r[0] for r in con.execute(sql, [database, table]).fetchall()} <= own


def _drop_dead_parts(con: duckdb.DuckDBPyConnection) -> None:
    """Parts with no live row left leave the list (and their retired rows the head)."""
    dead = [
        name
        for i, (name, fct_live) in enumerate(listed(con))
        if sum(_live_count(con, i, name, t) for t in _counted(fct_live)) <= 0
    ]
    for name in dead:
        con.execute("DELETE FROM retired_rows WHERE part = ?", [name])
        con.execute("DELETE FROM warehouse_parts WHERE part = ?", [name])


def persistent_views(con: duckdb.DuckDBPyConnection, head: Path) -> None:
    """The head's own views of the order tables, over ``read_duckdb`` of each live part (absolute paths:
    a moved warehouse gets them right again at its next load)."""
    parts = listed(con)
    head_db = _head(con)
    for table in TABLES:
        if _table_exists(con, table):
            continue  # written into the head itself (see the module)
        sources = [s for _p, s in _live_sources(con, parts, table, native=False, head=head)]
        if sources:
            con.execute(f"CREATE OR REPLACE VIEW {head_db}.main.{table} AS " + " UNION ALL BY NAME ".join(sources))


# What each kept version lists, by its file's identity: every load looks at every kept backup (a backup is
# never written again), and opening each one took ~25 ms a load. A changed file (or WAL) is read again.
_LISTED: dict[tuple, frozenset[str]] = {}


def _identity(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    wal = path.with_name(path.name + ".wal")
    wal_st = wal.stat() if wal.exists() else None
    return (str(path), st.st_ino, st.st_mtime_ns, st.st_size, wal_st and (wal_st.st_mtime_ns, wal_st.st_size))


def referenced_parts(head: Path) -> set[str]:
    """The parts the head ``head`` lists (read-only; none when it cannot be read, which is never
    remembered: a file busy now is read again next time)."""
    key = _identity(head)
    if key is not None and key in _LISTED:
        return set(_LISTED[key])
    try:
        con = duckdb.connect(str(head), read_only=True)
    except duckdb.Error:
        return set()
    try:
        names = {name for name, _live in listed(con)}
    except duckdb.Error:
        return set()
    finally:
        con.close()
    if key is not None and key == _identity(head):  # unchanged while it was read
        if len(_LISTED) >= 256:
            _LISTED.clear()
        _LISTED[key] = frozenset(names)
    return names


def collect_garbage(head: Path, live: set[str], heads: list[Path]) -> None:
    """Delete the part files that neither the live head (its parts ``live``, as the writing session
    listed them) nor any of ``heads`` (every kept backup) lists. The live head's list is not read from
    its file: a connection of this process to the old file at that path (the dashboard's, while the data
    page loads) would make DuckDB hand back the old file's catalogue, and the new parts would go."""
    folder = parts_dir(head)
    if not folder.exists():
        return
    keep = set(live)
    for other in heads:
        keep |= referenced_parts(other)
    for path in folder.glob("part-*.duckdb"):
        if path.name not in keep:
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".wal").unlink(missing_ok=True)
