"""A small real city for the assessment-record tests (issue 14): six departments in three counties, with
figures far enough apart that the league table has red and black lists, loaded through the real ETL.

``first_export`` holds March and April 2024 (March is then complete and mature); ``later_export`` is the
next month's export, which also re-exports some March orders with new values: exemptions granted on appeal
(考核豁免 = 是), callbacks whose answer changed, and one March order that was not in the first export.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import order_row, write_csv

DEPARTMENTS = ("市住房和城乡建设局", "市交通运输局", "市水务局", "市城市管理局", "市教育局", "市卫生健康委员会")
COUNTIES = ("青岚区", "松屿县", "云溪区")
TOWNSHIPS = {"青岚区": ("东湖街道", "西湖街道"), "松屿县": ("松林镇", "屿前镇"), "云溪区": ("云中街道", "溪口镇")}
# per department: share of orders satisfied, share responded late (the rest on time)
PROFILE = {0: (0.97, 0.0), 1: (0.9, 0.05), 2: (0.8, 0.1), 3: (0.7, 0.2), 4: (0.5, 0.3), 5: (0.2, 0.6)}
PER_DEPARTMENT = 30
EXEMPTED = ("M03-5-00", "M03-5-01", "M03-5-02", "M03-5-03")  # the worst unit's appeals, granted later
REANSWERED = ("M03-4-05", "M03-4-06")  # callbacks that changed from 不满意 to 满意
LATE_ORDER = "M03-2-99"  # a March order first exported in the later file


def _order(month: int, d: int, i: int, year: int = 2024) -> dict[str, str]:
    satisfied_share, late_share = PROFILE[d]
    county = COUNTIES[(d + i) % 3]
    day = 1 + i % 27
    received = f"{year}-{month:02d}-{day:02d} 09:00:00"
    late = i < round(late_share * PER_DEPARTMENT)
    responded = f"{year}-{month:02d}-{day:02d} {'11' if not late else '10'}:00:00"
    if late:  # the next day, past the 24-hour limit
        responded = f"{year}-{month:02d}-{day + 1:02d} 12:00:00"
    satisfied = i >= round((1 - satisfied_share) * PER_DEPARTMENT)
    return order_row(
        f"M{month:02d}-{d}-{i:02d}",
        received=received,
        **{
            "所属区县": county,
            "乡镇街道": TOWNSHIPS[county][i % 2],
            "承办单位": DEPARTMENTS[d],
            "派单时间": f"{year}-{month:02d}-{day:02d} 10:00:00",
            "签收时间": "",
            "首次联系时间": responded,
            "办结时间": f"{year}-{month:02d}-{day + 1:02d} 16:00:00",
            "回访时间": f"{year}-{month:02d}-{day + 1:02d} 18:00:00",
            "满意度": "满意" if satisfied else "不满意",
            "是否解决": "已解决" if satisfied else "未解决",
            "联系电话": f"139{month:02d}{d}{i:04d}",
        },
    )


def month_rows(month: int) -> list[dict[str, str]]:
    return [_order(month, d, i) for d in range(len(DEPARTMENTS)) for i in range(PER_DEPARTMENT)]


def first_export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_csv(folder / "export-2024-04.csv", month_rows(3) + month_rows(4))


def later_export(folder: Path) -> Path:
    """May's orders, plus March orders changed since the first export and one March order new to it."""
    folder.mkdir(parents=True, exist_ok=True)
    march = {r["工单编号"]: r for r in month_rows(3)}
    changed = [{**march[o], "考核豁免": "是"} for o in EXEMPTED]
    changed += [{**march[o], "满意度": "满意", "是否解决": "已解决"} for o in REANSWERED]
    late = _order(3, 2, 29)
    late["工单编号"] = LATE_ORDER
    return write_csv(folder / "export-2024-05.csv", [*changed, late, *month_rows(5)])
