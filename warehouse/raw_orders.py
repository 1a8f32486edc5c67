"""Admin-only reads: the one place personal data leaves the raw layer, one order at a time."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.access import Viewer


def fetch_raw_order(con: duckdb.DuckDBPyConnection, viewer: Viewer, order_id: str) -> pl.DataFrame:
    """One row (or none): the order's personal data in clear, with its typed snapshot beside it.
    Only for a viewer with unmasked access (admin); anyone else gets ``OrderAccessError``."""
    viewer.require_unmasked()
    return con.sql(
        """SELECT r.order_id, r.citizen_name, r.citizen_phone, r.content, s.received_at, s.county, s.township,
                  s.department, s.category_l1, s.category_l2, s.status, r.source_file, r.source_row
           FROM raw_work_orders AS r JOIN stg_work_orders AS s USING (order_id)
           WHERE r.order_id = $order_id""",
        params={"order_id": order_id},
    ).pl()
