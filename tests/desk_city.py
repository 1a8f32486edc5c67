"""A small real warehouse with a known backlog, for the 督办 tests (data, CLI, app): every order's place
in the backlog now and a week ago is worked out by hand below. As-of time = I's close, 2024-04-30 12:00.

  A  住建 青岚区/东湖街道  due 04-10 18:00 (export), open      now, a week ago  20 days   caller's 2nd call (A2)
  B  交通 青岚区/东湖街道  due 04-12 18:00, closed 04-25 09:00 a week ago only  -> cleared
  C  交通 青岚区/西湖街道  due 04-26 18:00, open               now only         -> new    4 days
  D  住建                  due 04-10, closed 04-05 (on time)   never
  E  住建                  due 05-10, open (not due yet)        never
  F  住建 青岚区/东湖街道  no due: 投诉, 7 working days after 04-01 over Qingming -> 04-11 23:59:59 (derived)
                                                                now, a week ago  19 days
  G  交通 青岚区/西湖街道  invalid, open, due 04-15 18:00, a phone in its status text
                                                                now, a week ago  15 days (excluded)
  H  住建 松屿县/松林镇    due 04-15 18:00, open               now, a week ago  15 days (other county)
  I  交通                  closed 2024-04-30 12:00:00 — the latest event
  J  never dispatched, open, due 04-10                          never (no unit to chase)
  K  (no department) 青岚区/东湖街道 due 04-22 18:00, open      now, a week ago  8 days
  A2 住建, A's caller and category, received 04-20, closed 04-22
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.load import load_files
from tests.conftest import order_row, write_csv

OWN, OTHER = "青岚区", "松屿县"
HOUSING, TRANSPORT = "市住房和城乡建设局", "市交通运输局"
AS_OF = dt.datetime(2024, 4, 30, 12, 0, 0)
STATUS_WITH_PHONE = "办理中（回访电话13800001111）"
NOW = {"A": 20, "C": 4, "F": 19, "G": 15, "H": 15, "K": 8}  # the backlog now: order -> days overdue
A_WEEK_AGO = {"A", "B", "F", "G", "H", "K"}
CALLERS = {"A": ("测试甲", "13900000001"), "A2": ("测试甲", "13900000001")}


def _order(oid: str, dispatched: str, due: str = "", closed: str = "", **cells: str) -> dict[str, str]:
    """A dispatched order (received an hour before, contacted an hour after dispatch), no callback."""
    sent = dt.datetime.fromisoformat(dispatched)
    name, phone = CALLERS.get(oid, (f"来电人{oid}", f"1390000{sum(map(ord, oid)):04d}"))
    row = order_row(
        oid,
        received=f"{sent - dt.timedelta(hours=1):%Y-%m-%d %H:%M:%S}",
        派单时间=dispatched, 签收时间=f"{sent + dt.timedelta(minutes=30):%Y-%m-%d %H:%M:%S}",
        首次联系时间=f"{sent + dt.timedelta(hours=1):%Y-%m-%d %H:%M:%S}", 办理时限=due, 办结时间=closed,
        办理状态="已办结" if closed else "办理中", 回访时间="", 是否解决="", 满意度="", 来电人=name, 联系电话=phone,
        诉求内容=f"{oid}：请回电{phone}", 所属区县=OWN, 乡镇街道="东湖街道", 承办单位=HOUSING,
    )  # fmt: skip
    row.update(cells)
    return row


def rows() -> list[dict[str, str]]:
    return [
        _order("A", "2024-04-01 10:00:00", "2024-04-10 18:00:00", 退单次数="2"),
        _order("A2", "2024-04-20 10:00:00", "2024-04-29 18:00:00", "2024-04-22 10:00:00"),
        _order("B", "2024-04-02 10:00:00", "2024-04-12 18:00:00", "2024-04-25 09:00:00", 承办单位=TRANSPORT),
        _order("C", "2024-04-20 10:00:00", "2024-04-26 18:00:00", 承办单位=TRANSPORT, 乡镇街道="西湖街道"),
        _order("D", "2024-04-01 10:00:00", "2024-04-10 18:00:00", "2024-04-05 10:00:00"),
        _order("E", "2024-04-28 10:00:00", "2024-05-10 18:00:00"),
        _order("F", "2024-04-01 10:00:00"),
        _order(
            "G",
            "2024-04-05 10:00:00",
            "2024-04-15 18:00:00",
            承办单位=TRANSPORT,
            乡镇街道="西湖街道",
            是否有效="否",
            办理状态=STATUS_WITH_PHONE,
        ),
        _order("H", "2024-04-03 10:00:00", "2024-04-15 18:00:00", 所属区县=OTHER, 乡镇街道="松林镇"),
        _order("I", "2024-04-29 10:00:00", "2024-05-08 18:00:00", "2024-04-30 12:00:00", 承办单位=TRANSPORT),
        _order("J", "2024-04-01 10:00:00", "2024-04-10 18:00:00", 派单时间="", 签收时间="", 首次联系时间=""),
        _order("K", "2024-04-08 10:00:00", "2024-04-22 18:00:00", 承办单位=""),
    ]


def secrets() -> list[str]:
    """The personal data of the fixture no role but admin may see (names, phones, the status phone)."""
    found = [s for row in rows() for s in (row["来电人"], row["联系电话"])]
    return [*found, "13800001111"]


def build_desk_city(root: Path) -> Path:
    """Load the fixture export into ``root/wh/hotline.duckdb`` (a real warehouse); return its path."""
    root.mkdir(parents=True, exist_ok=True)
    db = root / "wh" / "hotline.duckdb"
    load_files([write_csv(root / "orders.csv", rows())], db=db)
    return db
