"""A small real warehouse spanning a year (issue 15, items 2 and 3): two counties in February and March
2024 and in March 2023, their satisfaction chosen so every comparison is known by hand (all orders
responded and resolved in time, so the score moves with 满意率 only). A May 2024 order makes March mature.

  满意率     2023-03   2024-02   2024-03
  甲区       9/10      8/10      6/10
  乙县       5/10     10/10     10/10
  city      14/20     18/20     16/20   -> 2024-03: 环比 −10.0 pp, 同比 +10.0 pp; 受理量 20 vs 20 vs 20
  rank       甲1 乙2   乙1 甲2   乙1 甲2 -> 2024-03 rank change: 环比 0 and 0, 同比 乙 +1, 甲 −1
"""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

from etl.load import load_files
from tests.conftest import order_row, write_csv

JIA, YI = "甲区", "乙县"
SATISFIED = {("2023-03", JIA): 9, ("2023-03", YI): 5, ("2024-02", JIA): 8, ("2024-02", YI): 10,
             ("2024-03", JIA): 6, ("2024-03", YI): 10}  # fmt: skip


def _order(oid: str, day: dt.date, county: str, satisfied: bool) -> dict[str, str]:
    at = lambda h: f"{day} {h:02d}:00:00"  # noqa: E731
    return order_row(
        oid, received=at(9), 派单时间=at(10), 签收时间=at(11), 首次联系时间=at(12), 办结时间=at(16),
        回访时间=at(18), 满意度="满意" if satisfied else "不满意", 所属区县=county, 乡镇街道=f"{county}一街道",
        联系电话=f"139{zlib.crc32(oid.encode()) % 10**8:08d}",  # a stable, distinct phone per order
    )  # fmt: skip


def rows() -> list[dict[str, str]]:
    out = []
    for (month, county), happy in SATISFIED.items():
        first = dt.date.fromisoformat(f"{month}-01")
        for i in range(10):
            out.append(_order(f"{month}-{county}-{i}", first + dt.timedelta(days=i), county, i < happy))
    out.append(_order("late", dt.date(2024, 5, 20), "丙镇", True))  # the as-of time: March is mature
    return out


def build_year_city(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    db = root / "wh" / "hotline.duckdb"
    load_files([write_csv(root / "orders.csv", rows())], db=db)
    return db
