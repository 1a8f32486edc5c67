"""A small real warehouse for the who-may-see-what tests (data, app and browser): two counties whose
orders are told apart by their ids, departments that serve both, personal data in every place it can
hide (callers, a status text, cells past the header, a quarantined row, a rejected headerless file),
and a third county whose unit names are markup (``HOSTILE``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl.load import load_files
from tests.conftest import HEADER, csv_text, order_row, write_csv

OWN, OTHER = "青岚区", "松屿县"  # the scoped leader's county, and another one
DEPARTMENTS = ("市住房和城乡建设局", "市交通运输局")
STATUS_WITH_PHONE = "已办结（回访电话13800001111）"
EXTRA_CELLS = ("张三丰", "13812345678", "青岚区东湖路88号")  # a shifted row's name, phone and address
QUARANTINED = ("钱多多", "13698765432")  # a quarantined row's caller
HEADERLESS = ("孙悟空", "13566667777")  # the first row of an export without a header
ADDRESSED = ("赵敏", "13700001111", "青岚区湖滨路9号", "张无忌", "13600002222")  # name, phone, 地址, cells past it
HOSTILE = {
    "county": "![c](http://attacker.invalid/x.png)",
    "township": "[点我重新登录](http://attacker.invalid/login)",
    "department": '<a href="http://attacker.invalid/a">点我</a>',
}
MONTH = "2024-03"


@dataclass(frozen=True)
class City:
    db: Path
    callers: dict[str, tuple[str, str]]  # order id -> (name, phone) of every loaded order


_AREA = {"QA": "101", "SB": "202", "HC": "303"}  # phone numbers per county: 139 + area + 5 digits


def _orders(prefix: str, county: str, townships: tuple[str, str], n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        department, day = DEPARTMENTS[i % 2], 5 + i % 20
        rows.append(
            order_row(
                f"{prefix}{i:03d}",
                received=f"2024-03-{day:02d} 09:00:00",
                派单时间=f"2024-03-{day:02d} 10:00:00",
                签收时间=f"2024-03-{day:02d} 11:00:00",
                首次联系时间=f"2024-03-{day:02d} 12:00:00",
                办结时间=f"2024-03-{day + 1:02d} 16:00:00",
                回访时间=f"2024-03-{day + 2:02d} 10:00:00",
                所属区县=county,
                乡镇街道=townships[i % 2],
                承办单位=department,
                来电人=f"{prefix}来电人{i}",
                联系电话=f"139{_AREA[prefix]}{i:05d}",
                诉求内容=f"{prefix}第{i}件诉求，请回电139{_AREA[prefix]}{i:05d}",
                满意度="不满意" if i % 3 == 0 else "满意",
                退单次数="1" if i % 4 == 0 else "0",
                办理状态=STATUS_WITH_PHONE if i == 0 else "已办结",
            )
        )
    return rows


def build_city(root: Path) -> City:
    """Load the fixture exports into ``root/wh/hotline.duckdb`` (a real warehouse: not demo data)."""
    root.mkdir(parents=True, exist_ok=True)
    rows = _orders("QA", OWN, ("东湖街道", "西湖街道"), 24) + _orders("SB", OTHER, ("松林镇", "北屿镇"), 24)
    rows += _orders("HC", HOSTILE["county"], (HOSTILE["township"], "普通镇"), 24)  # enough to be ranked
    for row in rows[-24:]:
        if row["承办单位"] == DEPARTMENTS[1]:
            row["承办单位"] = HOSTILE["department"]
    rows.append(order_row("QX001", 所属区县=OWN, 受理时间="", 来电人=QUARANTINED[0], 联系电话=QUARANTINED[1]))
    main = write_csv(root / "orders.csv", rows)
    # a row longer than its header (an unquoted comma in the content shifts name, phone, address past it)
    extra = csv_text([order_row("QE001", 所属区县=OWN, 来电人="周芷若", 联系电话="13511112222")]).rstrip("\n")
    shifted = root / "shifted.csv"
    shifted.write_text(extra + "," + ",".join(EXTRA_CELLS) + "\n", encoding="utf-8")
    # a quarantined row (no received time) with a column the loader does not map and cells past its header
    addressed = root / "addressed.csv"
    row = order_row("QY001", 受理时间="", 所属区县=OWN, 来电人=ADDRESSED[0], 联系电话=ADDRESSED[1], 地址=ADDRESSED[2])
    text = csv_text([row], header=[*HEADER, "地址"]).rstrip("\n")
    addressed.write_text(text + "," + ",".join(ADDRESSED[3:]) + "\n", encoding="utf-8")
    headerless = root / "headerless.csv"
    first = order_row("NH001", 来电人=HEADERLESS[0], 联系电话=HEADERLESS[1])
    headerless.write_text("\n".join(csv_text([first, order_row("NH002")]).splitlines()[1:]) + "\n", encoding="utf-8")
    db = root / "wh" / "hotline.duckdb"
    load_files([main, shifted, addressed, headerless], db=db)
    callers = {r["工单编号"]: (r["来电人"], r["联系电话"]) for r in rows if r["受理时间"]}
    callers["QE001"] = ("周芷若", "13511112222")
    return City(db, callers)


def secrets(city: City) -> list[str]:
    """Every piece of personal data in the fixture that a role other than admin must never be shown."""
    found = [s for pair in city.callers.values() for s in pair]
    return [*found, "13800001111", *EXTRA_CELLS, *QUARANTINED, *HEADERLESS, *ADDRESSED]


def pinned_settings(root: Path) -> Path:
    """The committed settings with the as-of time pinned after March, so that March can be published (定榜)."""
    from warehouse.settings import DEFAULT_SETTINGS_PATH

    text = DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8")
    assert '\nas_of = ""\n' in text
    path = root / "settings.toml"
    path.write_text(text.replace('\nas_of = ""\n', '\nas_of = "2024-04-05 00:00:00"\n'), encoding="utf-8")
    return path


def changed_export(root: Path) -> Path:
    """A later export re-sending one order of each of the first two counties, exempted on appeal (考核豁免):
    after March is published, they are the orders that changed since (issue 14)."""
    own = _orders("QA", OWN, ("东湖街道", "西湖街道"), 2)[1]
    other = _orders("SB", OTHER, ("松林镇", "北屿镇"), 2)[1]
    return write_csv(root / "changed.csv", [{**own, "考核豁免": "是"}, {**other, "考核豁免": "是"}])
