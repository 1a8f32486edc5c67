"""Helpers for the assessment-engine tests: real temporary DuckDB warehouses, built from rows.

Rows are written as the snapshots a load writes (warehouse.snapshots.write_rows), then every derived
table is rebuilt; the golden test also builds its warehouse through the real loader when ``etl.load`` is
importable.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from warehouse.connection import apply_schema
from warehouse.fields import STG_FIELDS
from warehouse.metrics import _rule_params, rebuild
from warehouse.settings import Settings
from warehouse.snapshots import snapshot_columns, write_rows

STG_COLUMNS = (*(c for c in STG_FIELDS if c != "citizen_phone"), "citizen_phone_hash")
T = dt.datetime


def order(order_id: str, **kw: Any) -> dict[str, Any]:
    """A dispatched, valid order with every optional field empty unless given."""
    row: dict[str, Any] = {c: None for c in STG_COLUMNS}
    row.update(order_id=order_id, received_at=T(2024, 3, 4, 9, 0, 0), dispatched_at=T(2024, 3, 4, 10, 0, 0))
    row.update(kw)
    return row


def insert_orders(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], settings: Settings | None = None) -> None:
    """Bulk insert through an Arrow frame (DuckDB's executemany is ~1000x slower)."""
    snapshot_columns(con)
    stg_types = dict(
        con.sql("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'stg_schema'").fetchall()
    )
    data = {c: [r.get(c) for r in rows] for c in STG_COLUMNS}
    data.update(
        row_hash=list(range(len(rows))),
        load_id=[1] * len(rows),
        source_file=["fixture.csv"] * len(rows),
        source_row=list(range(1, len(rows) + 1)),
    )
    frame = pl.DataFrame({c: pl.Series(c, v, dtype=_POLARS[stg_types[c]]) for c, v in data.items()})
    write_rows(con, frame, _rule_params(settings or Settings(), None), settings or Settings())


_POLARS = {
    "VARCHAR": pl.String,
    "UBIGINT": pl.UInt64,
    "TIMESTAMP": pl.Datetime("us"),
    "INTEGER": pl.Int32,
    "BIGINT": pl.Int64,
    "BOOLEAN": pl.Boolean,
}


def build_warehouse(
    path: Path, rows: list[dict[str, Any]], settings: Settings | None = None
) -> duckdb.DuckDBPyConnection:
    """A real DuckDB file with the rows staged and every derived table rebuilt; caller closes."""
    con = duckdb.connect(str(path))
    apply_schema(con)
    insert_orders(con, rows, settings)
    rebuild(con, settings or Settings())
    return con


def fct(con: duckdb.DuckDBPyConnection, order_id: str) -> dict[str, Any]:
    rel = con.sql("SELECT * FROM fct_work_orders WHERE order_id = ?", params=[order_id])
    return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


COUNTIES = ("东湖区", "西山区", "南岸区", "北城区")
DEPTS = ("住建局", "城管局", "交通局", "市场监管局", "人社局", "水务集团", "供电公司", "生态环境局")
TOWNS = ("一街道", "二街道", "三镇", "四镇", "五乡")
SMALL_DEPTS = ("档案馆", "气象局", "地震局")  # a few orders a month: around the minimum sample, ties
DEPT_WEIGHTS = (10,) * len(DEPTS) + (2.5, 0.8, 0.3)


def _maybe(rnd: random.Random, p: float, value: Any) -> Any:
    return value if rnd.random() < p else None


def random_orders(seed: int, n: int, start: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Seeded orders over ~4 months with every quirk the rules care about: empty units, direct
    answers, invalid/exempt, urgent, export vs derived due dates, exact-boundary responses,
    unevaluated callbacks, repeat callers, and small units around the minimum sample."""
    rnd = random.Random(seed)
    start = start or T(2024, 1, 1)
    rows = []
    for i in range(n):
        received = start + dt.timedelta(seconds=rnd.randrange(0, 120 * 86400))
        row = order(f"R{i:06d}", received_at=received, dispatched_at=None)
        row.update(
            appeal_type=_maybe(rnd, 0.9, rnd.choice(("咨询", "求助", "投诉", "举报", "建议", "表扬", "其他"))),
            category_l2=_maybe(rnd, 0.95, rnd.choice(("噪音", "路灯", "供水", "欠薪"))),
            citizen_phone_hash=_maybe(rnd, 0.9, f"p{rnd.randrange(300)}"),
            county=_maybe(rnd, 0.93, rnd.choice(COUNTIES)),
            township=_maybe(rnd, 0.9, rnd.choice(TOWNS)),
            department=_maybe(rnd, 0.92, rnd.choices(DEPTS + SMALL_DEPTS, DEPT_WEIGHTS)[0]),
            urgency=rnd.choice(("紧急", "一般", None, "一般")),
            is_valid=rnd.choice((None, None, True, True, True, False)),
            is_exempt=rnd.choice((None, None, False, False, False, True)),
            return_count=rnd.choice((None, 0, 0, 0, 1, 2)),
            resolution=rnd.choice(("已解决", "已解决", "部分解决", "未解决", None)),
            satisfaction=rnd.choice(("满意", "基本满意", "不满意", None, "满意")),
        )
        if rnd.random() < 0.8:
            _dispatch(rnd, row, received)
        rows.append(row)
    return rows


def _dispatch(rnd: random.Random, row: dict[str, Any], received: dt.datetime) -> None:
    dispatched = received + dt.timedelta(seconds=rnd.randrange(0, 6 * 3600))
    row["dispatched_at"] = dispatched
    limit = 2 if row["urgency"] == "紧急" else 24
    resp = rnd.choice((limit * 3600, limit * 3600 + 1, rnd.randrange(0, 60 * 3600), None))
    row["responded_at"] = dispatched + dt.timedelta(seconds=resp) if resp is not None else None
    if rnd.random() < 0.3:
        row["due_at"] = dispatched + dt.timedelta(days=rnd.randrange(1, 15))
    if rnd.random() < 0.75:
        row["closed_at"] = dispatched + dt.timedelta(seconds=rnd.randrange(0, 16 * 86400))
        row["callback_at"] = _maybe(rnd, 0.6, row["closed_at"] + dt.timedelta(hours=rnd.randrange(1, 72)))
    else:
        row["resolution"] = row["satisfaction"] = None
