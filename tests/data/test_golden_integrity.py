"""Golden: the integrity figures of issue 20 computed by hand (the arithmetic is in the comments), loaded
through the real ETL from default-profile CSVs with the optional fields, then checked on the league table,
the unit lists and the backlog.

March 2024, one ranking group (the units file), min_sample = 2, exclusion flag at 2 × the group median with
at least 2 excluded orders, as-of pinned at 2024-04-10 12:00. 住建局 redoes its dissatisfied orders
(H1 → H1R; H2 → H2R → H2R2, the last naming the one before it); 城管局 excludes half its orders; 交通局 has an
approved and a refused extension; 水务局's open orders are overdue by 1–3, 4–7, 8–15 and >15 working days.
A second file (May, no link fields) measures redos by the proxy: a repeat call by the same caller.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from etl.load import load_files
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.integrity_figures import fetch_category_on_time, fetch_overdue_ages
from warehouse.integrity_orders import fetch_exclusions, fetch_review_sample
from warehouse.rankings import fetch_ranking
from warehouse.settings import load_settings

HEAD = [
    "工单编号",
    "受理时间",
    "诉求类型",
    "问题分类",
    "联系电话",
    "来电人",
    "区县",
    "乡镇街道",
    "承办单位",
    "派单时间",
    "办结时间",
    "回访时间",
    "是否解决",
    "满意度",
    "是否有效",
    "考核豁免",
    "处置方式",
    "终止原因",
    "申诉理由",
    "审核人",
    "审核时间",
    "原工单编号",
    "延期后截止时间",
    "延期审批",
    "办理结果",
]
WY = "城乡建设->物业管理->物业收费"
# id|received (= dispatched + 1 h earlier)|type|category|phone|dispatched|closed|callback|resolution|satisfaction|
# valid|exempt|disposal|termination|appeal|reviewer|reviewed|original|extended due|approved|reply   (MM-DD HH:MM)
ORDERS = f"""
H1|03-04 09:00|投诉|{WY}|13900000001|03-04 10:00|03-06 10:00|03-07 10:00|未解决|不满意|||||||||||王五反映的问题，经核实，已向来电人解释说明相关规定
H1R|03-08 09:00|投诉|{WY}|13900000001|03-08 10:00|03-09 10:00|03-10 10:00|已解决|满意||||||||H1|||经现场查看，已修复完毕
H2|03-05 09:00|投诉|{WY}|13900000002|03-05 10:00|03-07 10:00|03-08 10:00|未解决|不满意|||||||||||
H2R|03-09 09:00|投诉|{WY}|13900000002|03-09 10:00|03-11 10:00|03-12 10:00|未解决|不满意||||||||H2|||经查，该问题不属于我单位职责范围
H2R2|03-13 09:00|投诉|{WY}|13900000002|03-13 10:00|03-14 10:00|03-15 10:00|已解决|满意||||||||H2R|||楼道垃圾已清理完毕
H3|03-06 09:00|投诉|{WY}|13900000003|03-06 10:00|03-08 10:00|03-09 10:00|已解决|满意|||||||||||已更换门禁，恢复正常
H4|03-06 09:00|投诉|城乡建设->房屋质量->房屋漏水|13900000004|03-06 10:00|03-08 10:00|03-09 10:00|部分解决|基本满意|||||||||||建议您向人民法院起诉
H5|03-04 09:00|投诉|{WY}|13900000005|03-04 10:00|03-20 10:00||||||||||||||该路段目前暂无法解决
C1|03-04 09:00|投诉|城乡建设->违章建筑->私搭乱建|13900000011|03-04 10:00|03-05 10:00||||否||无效工单|诉求人无法联系，电话13800001111||王审|03-06 10:00||||
C2|03-05 09:00|投诉|城乡建设->违章建筑->私搭乱建|13900000012|03-05 10:00|03-06 10:00||||否||无效工单|非本单位职责||王审|03-07 10:00||||
C3|03-06 09:00|投诉|城乡建设->违章建筑->私搭乱建|13900000013|03-06 10:00|03-07 10:00|||||是|申诉豁免||非本单位职责，已申请改派|李审|03-08 10:00||||
C4|03-06 09:00|投诉|城乡建设->违章建筑->私搭乱建|13900000014|03-06 10:00|03-07 10:00|03-08 10:00|已解决|满意|||||||||||已拆除违建
C5|03-07 09:00|投诉|城乡建设->违章建筑->私搭乱建|13900000015|03-07 10:00|03-08 10:00|03-09 10:00|已解决|满意|||||||||||已拆除违建
C6|03-07 09:00|投诉|城乡建设->违章建筑->私搭乱建|13900000016|03-07 10:00|03-08 10:00|03-09 10:00|已解决|满意|||||||||||已拆除违建
T1|03-04 09:00|投诉|交通运输->道路设施->道路破损|13900000021|03-04 10:00|03-05 10:00|||||是|申诉豁免||不可抗力|李审|03-06 10:00||||
T2|03-04 09:00|投诉|交通运输->道路设施->道路破损|13900000022|03-04 10:00|03-20 10:00||||||||||||03-25 18:00|是|
T3|03-04 09:00|投诉|交通运输->道路设施->道路破损|13900000023|03-04 10:00|03-20 10:00||||||||||||03-25 18:00|否|
T4|03-04 09:00|投诉|交通运输->道路设施->道路破损|13900000024|03-04 10:00|03-05 10:00||||||||||||||
W1|03-01 09:00|求助|公用事业->供水->水压水质|13900000031|03-01 10:00|||||||||||||||
W2|03-25 09:00|投诉|公用事业->供水->水压水质|13900000032|03-25 10:00|||||||||||||||
W4|03-15 09:00|投诉|公用事业->供水->水压水质|13900000034|03-15 10:00|||||||||||||||
W3|04-01 09:00|咨询|公用事业->供水->水压水质|13900000033|04-01 10:00|||||||||||||||
"""
UNITS = {"H": "住建局", "C": "城管局", "T": "交通局", "W": "水务局"}
PROXY = """
P1|05-06 09:00|13900000009|05-06 10:00|05-07 10:00|05-08 10:00|不满意
P2|05-10 09:00|13900000009|05-10 10:00|05-11 10:00|05-12 10:00|满意
P3|05-06 09:00|13900000019|05-06 10:00|05-07 10:00|05-08 10:00|满意
"""
MARCH = Period.month("2024-03")
ADMIN, OVERSIGHT = Viewer("admin", "a"), Viewer("oversight", "o")


def _at(text: str) -> str:
    return f"2024-{text}:00" if text else ""


def _write(tmp: Path) -> tuple[Path, Path]:
    with (tmp / "integrity.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEAD)
        for line in ORDERS.strip().splitlines():
            c = line.split("|")
            times = [_at(c[i]) for i in (1, 5, 6, 7)]
            out.writerow([c[0], times[0], c[2], c[3], c[4], "王五", "东湖区", "一街道", UNITS[c[0][0]], times[1],
                          times[2], times[3], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], _at(c[16]), c[17],
                          _at(c[18]), c[19], c[20]])  # fmt: skip
    head = (
        "工单编号,受理时间,诉求类型,问题分类,联系电话,区县,承办单位,派单时间,办结时间,回访时间,满意度,是否有效,考核豁免"
    )
    with (tmp / "proxy.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(head.split(","))
        for line in PROXY.strip().splitlines():
            c = line.split("|")
            out.writerow([c[0], _at(c[1]), "投诉", "城乡建设->违章建筑->私搭乱建", c[2], "东湖区", "城管局", _at(c[3]),
                          _at(c[4]), _at(c[5]), c[6], "是", "否"])  # fmt: skip
    return tmp / "integrity.csv", tmp / "proxy.csv"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("golden_integrity")
    (tmp / "units.csv").write_text("department,group\n住建局,G\n城管局,G\n交通局,G\n水务局,G\n", "utf-8")
    (tmp / "settings.toml").write_text(
        f'units_file = "{tmp / "units.csv"}"\nmin_sample = 2\nexclusion_flag_min_count = 2\n'
        'as_of = "2024-04-10 12:00:00"\nreview_sample_size = 2\nreview_sample_seed = 7\n',
        "utf-8",
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("HOTLINE_SETTINGS", str(tmp / "settings.toml"))
    summary = load_files(list(_write(tmp)), db=tmp / "wh" / "golden.duckdb")
    assert (summary.loaded, summary.quarantined, summary.rejected_files) == (25, 0, 0)
    con = duckdb.connect(str(tmp / "wh" / "golden.duckdb"), read_only=True)
    yield con, load_settings()
    con.close()
    mp.undo()


def _rows(warehouse: tuple, period: Period = MARCH) -> dict:
    con, settings = warehouse
    return {r["unit"]: r for r in fetch_ranking(con, "department", period, settings).iter_rows(named=True)}


def _check(row: dict, **expected: object) -> None:
    for key, value in expected.items():
        if isinstance(value, float):
            assert row[key] == pytest.approx(value, abs=1e-12), key
        else:
            assert row[key] == value, key


def test_exclusions_and_the_over_exclusion_flag(warehouse: tuple) -> None:
    got = _rows(warehouse)
    # exclusion rates: 住建局 0/8, 城管局 (C1, C2 invalid; C3 exempt) 3/6, 交通局 (T1 exempt) 1/4, 水务局 0/3.
    # Median of the four (all dispatched ≥ min_sample 2): (0 + 0.25) / 2 = 0.125; flag: > 2 × 0.125 and ≥ 2 orders
    _check(got["城管局"], invalid_count=2, exempt_count=1, excluded_count=3, invalid_rate=2 / 6, exempt_rate=1 / 6,
           exclusion_rate=0.5, exclusion_flag=True, exclusion_group_median=0.125, exclusion_times_median=4.0)  # fmt: skip
    # 0.25 is not above 2 × 0.125 (and one order is fewer than 2): not flagged
    _check(got["交通局"], exclusion_rate=0.25, exempt_rate=0.25, invalid_rate=0.0, exclusion_flag=False,
           exclusion_times_median=2.0)  # fmt: skip
    _check(got["住建局"], exclusion_rate=0.0, exclusion_flag=False, exclusion_times_median=0.0)


def test_the_redo_chain_first_final_and_second_ratings(warehouse: tuple) -> None:
    got = _rows(warehouse)["住建局"]
    # heads H1–H5 (H1R, H2R, H2R2 are redos; H2R2 names H2R, whose chain starts at H2); redone H1, H2: 2/5.
    # First ratings: H1 不满意, H2 不满意, H3 满意, H4 基本满意 (weight 1) = 2/4. Final: H1 → H1R 满意,
    # H2 → H2R2 满意 (the last), H3, H4 = 4/4. The assessed rate counts the chain once, by its first rating: 2/4
    # (counting the redos on their own would have given 5/7).
    _check(got, redo_head_count=5, redone_count=2, redo_rate=0.4, first_satisfaction_answered_count=4,
           first_satisfaction_rate=0.5, final_satisfaction_answered_count=4, final_satisfaction_rate=1.0,
           satisfaction_answered_count=4, satisfaction_rate=0.5, redo_basis="export", redo_proxy_count=0)  # fmt: skip
    # a redo rated: H1 (H1R), H2 (H2R2), both ending 满意: 2/2. Dissatisfied first and re-rated: H1 (second: H1R
    # 满意), H2 (second: H2R 不满意): still dissatisfied 1/2
    _check(got, redo_rated_count=2, redo_satisfied_count=2, redo_satisfied_rate=1.0, second_rated_count=2,
           second_dissatisfied_count=1, second_unsatisfied_rate=0.5)  # fmt: skip


def test_satisfaction_basis_final_scores_the_chain_by_its_last_rating(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('satisfaction_basis = "final"\nas_of = "2024-04-10 12:00:00"\n', "utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("HOTLINE_SETTINGS", str(tmp_path / "settings.toml"))
    try:
        load_files([_write(tmp_path)[0]], db=tmp_path / "wh" / "f.duckdb")
        con = duckdb.connect(str(tmp_path / "wh" / "f.duckdb"), read_only=True)
        row = fetch_ranking(con, "department", MARCH, load_settings()).filter(unit="住建局").row(0, named=True)
        con.close()
    finally:
        mp.undo()
    # by the final rating: H1 满意, H2 满意, H3 满意, H4 基本满意 = 4/4; first and final as before
    _check(row, satisfaction_rate=1.0, first_satisfaction_rate=0.5, final_satisfaction_rate=1.0)


def test_replies_closed_is_not_fixed(warehouse: tuple) -> None:
    got = _rows(warehouse)["住建局"]
    # closed with a reply: H1 explained, H1R solved, H2R referred, H2R2 solved, H3 solved, H4 referred, H5 unable
    # (H2 has none): actually solved 3/7
    _check(got, replied_count=7, actual_solve_count=3, explained_reply_count=1, referred_reply_count=2,
           unable_reply_count=1, unclassified_reply_count=0, actual_solve_rate=3 / 7)  # fmt: skip
    # 城管局: C4–C6 "已拆除违建" (the excluded C1–C3 are not assessed): 3/3
    _check(_rows(warehouse)["城管局"], replied_count=3, actual_solve_rate=1.0)


def test_extensions_move_the_deadline_and_are_counted(warehouse: tuple) -> None:
    got = _rows(warehouse)["交通局"]
    # assessed T2–T4; T2's approved extension (3/25) makes its 3/20 closure on time, T3's refused one does not
    # (due 3/13: Mon 3/4 + 7 working days): on time T2, T4 = 2/3; extended T2 = 1/3
    _check(got, extended_count=1, extension_rate=1 / 3, closed_on_time_count=2, on_time_due_count=3,
           on_time_rate=2 / 3)  # fmt: skip


def test_overdue_ages_in_working_days(warehouse: tuple) -> None:
    con, settings = warehouse
    got = _rows(warehouse)["水务局"]
    # as of Wed 4/10 12:00 (Qingming 4/4–4/6 off, Sun 4/7 worked). W1 (求助, due Wed 3/6): >15 working days;
    # W4 (due Tue 3/26): 3/27, 3/28, 3/29, 4/1, 4/2, 4/3, 4/7, 4/8, 4/9, 4/10 = 10 -> 8–15; W2 (due Wed 4/3):
    # 4/7, 4/8, 4/9, 4/10 = 4 -> 4–7 (its 4th working day began at 4/10 00:00)
    _check(got, overdue_open_count=3, overdue_1_3_count=0, overdue_4_7_count=1, overdue_8_15_count=1,
           overdue_16_plus_count=1)  # fmt: skip
    # the backlog over every month adds W3 (咨询, dispatched Mon 4/1, due Sun 4/7: 4/8, 4/9, 4/10 = 3 -> 1–3)
    ages = {r["department"]: r for r in fetch_overdue_ages(con, "department", None, settings).iter_rows(named=True)}
    assert set(ages) == {"水务局"}
    _check(ages["水务局"], overdue_open_count=4, overdue_1_3_count=1, overdue_4_7_count=1, overdue_8_15_count=1,
           overdue_16_plus_count=1, as_of=dt.datetime(2024, 4, 10, 12))  # fmt: skip


def test_on_time_by_category_against_its_own_limit(warehouse: tuple) -> None:
    con, settings = warehouse
    rows = {r["category_l2"]: r for r in fetch_category_on_time(con, "department", "住建局", MARCH, None, settings)
            .iter_rows(named=True)}  # fmt: skip
    # 物业管理: H1, H1R, H2, H2R, H2R2, H3 closed by their deadlines, H5 (due 3/13) closed 3/20: 6/7; 房屋质量 H4 1/1.
    # No deadline in the export: every one derived with the 投诉 rule, 7 working days
    _check(rows["物业管理"], on_time_due_count=7, closed_on_time_count=6, on_time_rate=6 / 7, limit_workdays=7,
           derived_due_share=1.0)  # fmt: skip
    _check(rows["房屋质量"], on_time_due_count=1, on_time_rate=1.0)


def test_the_proxy_measures_redos_by_repeat_calls(warehouse: tuple) -> None:
    got = _rows(warehouse, Period.month("2024-05"))["城管局"]
    # no link fields in proxy.csv: P2 (same caller, same category, 4 days later) is P1's proxy redo. Heads P1, P3:
    # redone 1/2; first: P1 不满意, P3 满意 = 1/2; final: P1 -> P2 满意 = 2/2. The assessed rate is untouched by the
    # proxy: P1, P2, P3 on their own = 2/3. Extensions and replies: not in the file -> not available
    _check(got, redo_basis="proxy", redo_head_count=2, redo_proxy_count=2, redo_rate=0.5,
           first_satisfaction_rate=0.5, final_satisfaction_rate=1.0, satisfaction_rate=2 / 3, extension_rate=None,
           actual_solve_rate=None, missing_optional="extension_rate,actual_solve_rate")  # fmt: skip


def test_the_exclusion_list_keeps_reason_and_approver_masked_for_all_but_admin(warehouse: tuple) -> None:
    con, _ = warehouse
    clear = fetch_exclusions(con, ADMIN, "department", "城管局", MARCH)
    assert clear.select("order_id", "exclusion_reason", "disposal", "reviewer").rows() == [
        ("C3", "exempt", "申诉豁免", "李审"), ("C2", "invalid", "无效工单", "王审"), ("C1", "invalid", "无效工单", "王审"),
    ]  # fmt: skip
    assert clear["termination_reason"][2] == "诉求人无法联系，电话13800001111"
    assert clear["reviewed_at"][0] == dt.datetime(2024, 3, 8, 10)
    masked = fetch_exclusions(con, OVERSIGHT, "department", "城管局", MARCH)
    # the approver by a pseudonym, in order of how many orders each signed (王审 2, 李审 1); phones masked
    assert masked["reviewer"].to_list() == ["审核人乙", "审核人甲", "审核人甲"]
    assert masked["termination_reason"][2] == "诉求人无法联系，电话138****1111"
    with pytest.raises(PermissionError):
        fetch_exclusions(con, Viewer("public"), "department", "城管局", MARCH)


def test_the_review_sample_is_seeded_and_reproducible(warehouse: tuple) -> None:
    con, settings = warehouse
    sample = fetch_review_sample(con, ADMIN, "department", MARCH, settings=settings)
    # 2 closed assessed orders per unit and month, the first two by MD5("7:" + order id) (an independent ranking)
    closed = {"住建局": ["H1", "H1R", "H2", "H2R", "H2R2", "H3", "H4", "H5"], "城管局": ["C4", "C5", "C6"],
              "交通局": ["T2", "T3", "T4"]}  # fmt: skip
    for unit, ids in closed.items():
        want = sorted(sorted(ids, key=lambda i: (hashlib.md5(f"7:{i}".encode()).hexdigest(), i))[:2])
        assert sample.filter(unit=unit)["order_id"].to_list() == want, unit
    assert "水务局" not in sample["unit"].to_list()  # nothing of it is closed
    assert sample.equals(fetch_review_sample(con, ADMIN, "department", MARCH, settings=settings))
    # seed 7 draws H4 and H1 for 住建局; H1's reply names the caller: masked for all but admin
    masked = fetch_review_sample(con, OVERSIGHT, "department", MARCH, unit="住建局", settings=settings)
    assert dict(zip(masked["order_id"], masked["reply"], strict=True))["H1"].startswith("王*反映")
    assert sample.filter(order_id="H1")["reply"][0].startswith("王五反映")
    assert masked.filter(order_id="H1")["reply_class"][0] == "explained"
