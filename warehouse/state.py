"""What a warehouse holds, in the few facts that decide what a load may do and who may look.

``is_demo`` is derived, never stored: true only while every loaded file was demo data, so it cannot
go stale (it once was a flag that a real load never cleared, which left a real warehouse open to
anonymous visitors). Warehouses from before ``load_log.is_demo`` existed fall back to the old flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

KEY_META = "phone_key_fingerprint"


@dataclass(frozen=True)
class WarehouseState:
    loaded_files: int = 0  # files whose rows were loaded (status 'loaded')
    demo_files: int = 0  # of which demo data
    orders: int = 0
    key_fingerprint: str | None = None  # of the phone-hash key the stored hashes were made with

    @property
    def is_demo(self) -> bool:
        return self.loaded_files > 0 and self.demo_files == self.loaded_files

    @property
    def is_real(self) -> bool:
        return self.loaded_files > self.demo_files


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables and views (stg_work_orders is a view)."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return tables | {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall()
    return {r[0] for r in rows}


def fetch_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    if "meta" not in _tables(con):
        return None
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def fetch_state(con: duckdb.DuckDBPyConnection) -> WarehouseState:
    tables = _tables(con)
    if "load_log" not in tables:
        return WarehouseState()
    if "is_demo" in _columns(con, "load_log"):
        loaded, demo = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_demo) FROM load_log WHERE status = 'loaded'"
        ).fetchall()[0]
    else:  # written before the column: every file was what the old flag said
        (loaded,) = con.execute("SELECT count(*) FROM load_log WHERE status = 'loaded'").fetchall()[0]
        demo = loaded if fetch_meta(con, "is_demo") == "true" else 0
    orders = con.execute("SELECT count(*) FROM stg_work_orders").fetchall()[0][0] if "stg_work_orders" in tables else 0
    return WarehouseState(int(loaded), int(demo), int(orders), fetch_meta(con, KEY_META))
