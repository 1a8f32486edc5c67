"""Data-quality figures and the quarantine view of the data page (SPEC §2.1, §4).

Counts at the grain stated, shares as count ÷ its base (NULL when the base is empty). The quarantine
keeps whole original rows, personal data included, and a cell warning the cells past a row's header:
they leave this module only for the roles ``warehouse.access`` lets see them (analyst, admin), and
masked for every role but admin.
"""

from __future__ import annotations

import json

import duckdb
import polars as pl

from warehouse.access import Viewer
from warehouse.fields import FIELD_BY_NAME
from warehouse.masking import mask_cells, mask_message, mask_record, mask_text

QUICK_CLOSE_MINUTES = 5


_QUALITY = f"""
    count(*) AS order_count,
    count(*) FILTER (WHERE is_dispatched) AS dispatched_count,
    count(*) FILTER (WHERE is_dispatched AND county IS NULL) AS missing_county_count,
    count(*) FILTER (WHERE is_dispatched AND department IS NULL) AS missing_department_count,
    count(*) FILTER (WHERE is_dispatched AND is_closed) AS closed_count,
    -- the order's own answer (is_satisfaction_answered is the assessed one: a redo linked in the export gives its
    -- rating to its chain's first order, yet it was rated)
    count(*) FILTER (
        WHERE is_dispatched AND is_closed AND NOT coalesce(satisfaction IN ('满意', '基本满意', '不满意'), FALSE)
    ) AS unevaluated_count,
    count(*) FILTER (WHERE is_dispatched AND epoch_us(closed_at) - epoch_us(received_at) <= {QUICK_CLOSE_MINUTES * 60_000_000})
        AS quick_close_count"""
_QUALITY_RATES = """
    missing_county_count / NULLIF(dispatched_count, 0) AS missing_county_rate,
    missing_department_count / NULLIF(dispatched_count, 0) AS missing_department_rate,
    unevaluated_count / NULLIF(closed_count, 0) AS unevaluated_rate,
    quick_close_count / NULLIF(closed_count, 0) AS quick_close_rate"""


def fetch_quality_by_month(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per received month: orders; dispatched orders without a county or a department (the
    units they are assessed under; orders answered directly need neither), 未评价 (closed dispatched
    orders without a satisfaction answer) and closed within 5 minutes of receipt (of closed
    dispatched orders) — counts and shares."""
    sql = f"SELECT received_month AS month, {_QUALITY} FROM fct_work_orders GROUP BY ALL"
    return con.sql(f"SELECT *, {_QUALITY_RATES} FROM ({sql}) ORDER BY month").pl()


def fetch_quality_by_file(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per loaded file: rows read, the quality figures of the orders whose current snapshot
    came from it (as in :func:`fetch_quality_by_month`) and its quarantined rows, in total and per reason."""
    sql = f"""
        WITH files AS (
            SELECT load_id, file_name AS source_file, rows_read FROM load_log WHERE status = 'loaded'
        ),
        q AS (SELECT load_id, {_QUALITY} FROM fct_work_orders GROUP BY ALL),
        quarantine AS (
            SELECT load_id, sum(n)::BIGINT AS quarantined_count, map_from_entries(list((reason_code, n))) AS by_reason
            FROM (SELECT load_id, reason_code, count(*) AS n FROM raw_quarantine GROUP BY ALL)
            GROUP BY ALL
        )
        SELECT f.load_id, f.source_file, f.rows_read, COLUMNS(q.* EXCLUDE (load_id)),
               coalesce(z.quarantined_count, 0) AS quarantined_count, z.by_reason
        FROM files AS f
        LEFT JOIN q USING (load_id)
        LEFT JOIN quarantine AS z USING (load_id)"""
    frame = con.sql(f"SELECT *, {_QUALITY_RATES} FROM ({sql}) ORDER BY load_id").pl()
    return frame.with_columns(pl.col(pl.Int64).fill_null(0))


def fetch_quarantine_rows(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    source_file: str | None = None,
    reason_code: str | None = None,
    limit: int | None = 1000,
) -> pl.DataFrame:
    """One row per quarantined row (newest load first): file, row number, order id, reason code, the
    reason, and the original row as JSON; for every viewer but admin the caller's name, phone and any
    number in the row and in the reason masked."""
    viewer.require_quarantine()
    clauses, params = ["TRUE"], {}
    if source_file is not None:
        clauses.append("q.source_file = $file")
        params["file"] = source_file
    if reason_code is not None:
        clauses.append("q.reason_code = $reason")
        params["reason"] = reason_code
    sql = f"""SELECT q.load_id, q.source_file, q.source_row, q.order_id, q.reason_code, q.reason, q.raw_record,
                     l.column_map
              FROM raw_quarantine AS q LEFT JOIN load_log AS l USING (load_id)
              WHERE {" AND ".join(clauses)} ORDER BY q.load_id DESC, q.source_row"""
    if limit is not None:
        sql += " LIMIT $limit"
        params["limit"] = limit
    frame = con.sql(sql, params=params).pl()
    if viewer.sees_unmasked:
        return frame.drop("column_map")
    rows = zip(frame["raw_record"], frame["reason"], frame["column_map"], strict=True)
    masked = [mask_quarantine_record(raw, reason, cmap) for raw, reason, cmap in rows]
    return frame.drop("column_map").with_columns(
        pl.Series("raw_record", [m[0] for m in masked], dtype=pl.String),
        pl.Series("reason", [m[1] for m in masked], dtype=pl.String),
    )


WARNING_SCHEMA = {"load_id": pl.Int64, "source_file": pl.String, "source_row": pl.Int64, "order_id": pl.String,
                  "message": pl.String, "extra_cells": pl.String, "total": pl.Int64}  # fmt: skip


def fetch_cell_warnings(con: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int | None = 1000) -> pl.DataFrame:
    """Loaded rows with a yes/no or count cell that could not be read (loaded with that value empty) or
    with cells past the header, newest load first: file, row number, order id, the message naming the
    column and the value, the cells past the header (``extra_cells``: a shifted row puts a caller's
    name, phone and address there, so masked for every role but admin, as is any number in the
    message), and ``total``, the number of such rows however many are returned. Empty for a warehouse
    written before the table existed."""
    viewer.require_quarantine()
    columns = {
        name for (name,) in con.sql(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'raw_cell_warnings' AND schema_name = 'main'"
        ).fetchall()
    }  # fmt: skip
    if not columns:
        return pl.DataFrame(schema=WARNING_SCHEMA)
    extra = "extra_cells" if "extra_cells" in columns else "NULL::VARCHAR AS extra_cells"  # older warehouses
    sql = f"""SELECT load_id, source_file, source_row, order_id, message, {extra}, count(*) OVER () AS total
              FROM raw_cell_warnings ORDER BY load_id DESC, source_row"""
    params: dict[str, int] = {}
    if limit is not None:
        sql += " LIMIT $limit"
        params["limit"] = limit
    frame = con.sql(sql, params=params).pl()
    if viewer.sees_unmasked:
        return frame
    return frame.with_columns(
        pl.Series("message", [mask_message(m) for m in frame["message"]], dtype=pl.String),
        pl.Series("extra_cells", [mask_cells(c) for c in frame["extra_cells"]], dtype=pl.String),
    )


def mask_quarantine_record(raw: str, reason: str, column_map: str | None) -> tuple[str, str]:
    """Which source headers held the name and phone comes from the file's own column map; the reason
    quotes cells of the row (a shifted row can put a phone into a time column)."""
    try:
        cmap = json.loads(column_map) if column_map else {}
    except ValueError:
        cmap = {}
    names = cmap.get("citizen_name") or [FIELD_BY_NAME["citizen_name"].label_zh, "诉求人"]
    phones = cmap.get("citizen_phone") or [FIELD_BY_NAME["citizen_phone"].label_zh, "来电号码"]
    try:
        record = json.loads(raw)
        callers = [str(record[k]) for k in names if isinstance(record, dict) and record.get(k)]
    except (TypeError, ValueError):
        callers = []
    mapped = {h for headers in cmap.values() for h in headers} if cmap else None
    return mask_record(raw, names, phones, mapped), mask_text(reason, callers) or ""
