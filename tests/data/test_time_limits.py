"""The limits catalogue changes derived deadlines exactly as documented (warehouse/limits.py), tested where a
deadline is easiest to get wrong: across the 2024 Spring Festival (2/10–2/17 off, Sundays 2/4 and 2/18
worked) and National Day (10/1–10/7 off, Sunday 9/29 and Saturday 10/12 worked). Every expected deadline
below is counted by hand in the comment beside it; the same orders without a catalogue keep SPEC §3's rule.
An approved extension moves the deadline; a refused one does not; an export's own deadline wins.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.load import load_files
from tests.conftest import HEADER, order_row, write_csv
from warehouse.limits import match_limit, read_limits
from warehouse.settings import SettingsError

CATALOGUE = """category,appeal_type,urgency,working_days,hours,basis
交通运输/交通管理/信号灯故障,,,2,,
交通运输/道路设施,,,5,,
城乡建设/房地产,,,15,,
城乡建设/房地产/不动产办证,,,20,,a deeper path wins
公用事业/供水/停水,,,,24,
公用事业/燃气/燃气安全,,,,12,
公用事业/燃气/燃气安全,,紧急,,4,
劳动和社会保障/拖欠工资,投诉,,10,,only complaints
"""
T = dt.datetime
END = dt.time(23, 59, 59)
# id, received = dispatched, category path, appeal type, urgency -> (with the catalogue, without it)
ORDERS = {
    # Fri 2/9 + 2 working days: Sun 2/18 (make-up) is the 1st, Mon 2/19 the 2nd. SPEC (投诉 7): 2/18..2/23 = 6,
    # then the weekend, Mon 2/26 = 7th.
    "L1": ("2024-02-09 10:00:00", "交通运输->交通管理->信号灯故障", "投诉", "一般", T(2024, 2, 19, 23, 59, 59),
           T(2024, 2, 26, 23, 59, 59)),
    # Sun 2/4 is a make-up working day; + 5: 2/5, 2/6, 2/7, 2/8, 2/9. SPEC 7: + 2/18, 2/19.
    "L2": ("2024-02-04 09:00:00", "交通运输->道路设施->道路破损", "投诉", "一般", T(2024, 2, 9, 23, 59, 59),
           T(2024, 2, 19, 23, 59, 59)),
    # 10 working days for a wage complaint from Sun 2/4: 2/5–2/9 (5), 2/18 (6), 2/19–2/22 (10)
    "L3": ("2024-02-04 09:00:00", "劳动和社会保障->拖欠工资->农民工工资", "投诉", "一般", T(2024, 2, 22, 23, 59, 59),
           T(2024, 2, 19, 23, 59, 59)),
    # the wage row is for complaints only: a consultation keeps SPEC's 3 days (2/18, 2/19, 2/20) both ways
    "L4": ("2024-02-09 10:00:00", "劳动和社会保障->拖欠工资->农民工工资", "咨询", "一般", T(2024, 2, 20, 23, 59, 59),
           T(2024, 2, 20, 23, 59, 59)),
    # 24 calendar hours, holiday or not
    "L5": ("2024-02-09 10:00:00", "公用事业->供水->停水", "求助", "一般", T(2024, 2, 10, 10, 0, 0),
           T(2024, 2, 20, 23, 59, 59)),
    # Mon 9/30 + 15: 10/8–10/11 (4), Sat 10/12 (5), 10/14–10/18 (10), 10/21–10/25 (15). SPEC 7: ..10/12 (5),
    # 10/14 (6), 10/15 (7)
    "L6": ("2024-09-30 15:00:00", "城乡建设->房地产->延期交房", "投诉", "一般", T(2024, 10, 25, 23, 59, 59),
           T(2024, 10, 15, 23, 59, 59)),
    # the deeper path's 20: 10/8–10/11, 10/12, 10/14–18, 10/21–25, 10/28–11/1 (20)
    "L7": ("2024-09-30 15:00:00", "城乡建设->房地产->不动产办证", "投诉", "一般", T(2024, 11, 1, 23, 59, 59),
           T(2024, 10, 15, 23, 59, 59)),
    # Sat 9/28 + 2: Sun 9/29 (make-up) and Mon 9/30. SPEC 7: 9/29, 9/30, 10/8–10/11, 10/12
    "L8": ("2024-09-28 11:00:00", "交通运输->交通管理->信号灯故障", "投诉", "一般", T(2024, 9, 30, 23, 59, 59),
           T(2024, 10, 12, 23, 59, 59)),
    # an urgent gas-safety order: the 紧急 row's 4 hours; a normal one: 12 hours; SPEC: 24 hours / 7 days
    "L9": ("2024-10-01 08:00:00", "公用事业->燃气->燃气安全", "投诉", "紧急", T(2024, 10, 1, 12, 0, 0),
           T(2024, 10, 2, 8, 0, 0)),
    "L10": ("2024-09-30 20:00:00", "公用事业->燃气->燃气安全", "投诉", "一般", T(2024, 10, 1, 8, 0, 0),
            T(2024, 10, 15, 23, 59, 59)),
    # an urgent road order: no 紧急 row, so the urgent rule (24 h) stays
    "L11": ("2024-10-01 08:00:00", "交通运输->道路设施->道路破损", "投诉", "紧急", T(2024, 10, 2, 8, 0, 0),
            T(2024, 10, 2, 8, 0, 0)),
}  # fmt: skip
HEAD = [*HEADER, "延期后截止时间", "延期审批"]


def _rows() -> list[dict[str, str]]:
    rows = []
    for oid, (at, path, kind, urgency, _with, _without) in ORDERS.items():
        rows.append(order_row(oid, at, 派单时间=at, 问题分类=path, 诉求类型=kind, 紧急程度=urgency, 签收时间="",
                              首次联系时间="", 办结时间="", 回访时间="", 是否解决="", 满意度=""))  # fmt: skip
    late = "2024-10-31 10:00:00"
    rows += [
        # the export's own deadline wins over the catalogue
        order_row("X1", "2024-09-30 15:00:00", 派单时间="2024-09-30 15:00:00", 问题分类="城乡建设->房地产->延期交房",
                  办理时限="2024-10-09 18:00:00", 签收时间="", 首次联系时间="", 办结时间=late, 回访时间=""),
        # an approved extension moves it (from the catalogue's 10/25); a refused one leaves it
        order_row("X2", "2024-09-30 15:00:00", 派单时间="2024-09-30 15:00:00", 问题分类="城乡建设->房地产->延期交房",
                  延期后截止时间="2024-11-08 18:00:00", 延期审批="同意", 签收时间="", 首次联系时间="", 办结时间=late,
                  回访时间=""),
        order_row("X3", "2024-09-30 15:00:00", 派单时间="2024-09-30 15:00:00", 问题分类="城乡建设->房地产->延期交房",
                  延期后截止时间="2024-11-08 18:00:00", 延期审批="不同意", 签收时间="", 首次联系时间="", 办结时间=late,
                  回访时间=""),
    ]  # fmt: skip
    return rows


def _build(tmp: Path, catalogue: bool) -> duckdb.DuckDBPyConnection:
    (tmp / "limits.csv").write_text(CATALOGUE, encoding="utf-8")
    line = f'time_limits_file = "{tmp / "limits.csv"}"\n' if catalogue else ""
    (tmp / "settings.toml").write_text(line + 'as_of = "2024-11-30 12:00:00"\n', encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("HOTLINE_SETTINGS", str(tmp / "settings.toml"))
    try:
        db = tmp / "wh" / "h.duckdb"
        summary = load_files([write_csv(tmp / "limits.csv.export.csv", _rows(), header=HEAD)], db=db)
        assert (summary.loaded, summary.quarantined) == (len(ORDERS) + 3, 0)
    finally:
        mp.undo()
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory):
    with_cat = _build(tmp_path_factory.mktemp("cat"), True)
    without = _build(tmp_path_factory.mktemp("spec"), False)
    yield with_cat, without
    with_cat.close()
    without.close()


def _due(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[dt.datetime, str]]:
    return {
        r[0]: (r[1], r[2])
        for r in con.sql("SELECT order_id, effective_due_at, due_source FROM fct_work_orders").fetchall()
    }


def test_the_catalogue_moves_derived_deadlines_across_the_holidays(both: tuple) -> None:
    with_cat, without = both
    got, spec = _due(with_cat), _due(without)
    for oid, (*_, expected, rule) in ORDERS.items():
        assert got[oid][0] == expected, oid
        assert spec[oid] == (rule, "derived"), oid
    assert {oid: got[oid][1] for oid in ORDERS} == {
        **dict.fromkeys(ORDERS, "catalogue"),
        "L4": "derived",
        "L11": "derived",
    }


def test_the_export_and_an_approved_extension_win_over_the_catalogue(both: tuple) -> None:
    got = _due(both[0])
    assert got["X1"] == (T(2024, 10, 9, 18), "export")
    assert got["X2"] == (T(2024, 11, 8, 18), "extended")
    assert got["X3"] == (T(2024, 10, 25, 23, 59, 59), "catalogue")  # refused: the catalogue's 15 days
    extended = both[0].sql("SELECT order_id FROM fct_work_orders WHERE is_extended ORDER BY 1").fetchall()
    assert extended == [("X2",)]


def test_the_python_twin_picks_the_same_rows(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(CATALOGUE, encoding="utf-8")
    limits = read_limits(tmp_path / "c.csv")
    pick = lambda path, kind, urgency: match_limit(limits, tuple(path.split("->")), kind, urgency)  # noqa: E731
    assert pick("城乡建设->房地产->不动产办证", "投诉", "一般").working_days == 20
    assert pick("城乡建设->房地产->延期交房", "投诉", "一般").working_days == 15
    assert pick("劳动和社会保障->拖欠工资->企业欠薪", "咨询", "一般") is None
    assert pick("公用事业->燃气->燃气安全", "投诉", "紧急").hours == 4
    assert pick("交通运输->道路设施->道路破损", "投诉", "紧急") is None
    assert pick("交通运输->道路设施->道路破损", None, None).describe() == "5 个工作日"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("category,working_days\n,5\n", "category 应为 1–3 级分类"),
        ("category,working_days,hours\nA/B,5,24\n", "须且只须填一项"),
        ("category,working_days\nA/B,0\n", "应为正整数工作日或正数小时"),
        ("category,appeal_type,working_days\nA,投拆,5\n", "appeal_type 应为"),
        ("category,working_days\nA/B,5\nA->B,6\n", "与第 2 行的分类"),
        ("categry,working_days\nA,5\n", "列应为"),
    ],
)
def test_a_bad_catalogue_says_which_row_and_why(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        read_limits(path)
