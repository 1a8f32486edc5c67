"""Golden: 24 orders computed by hand (the arithmetic is in the comments), loaded through the real
ETL from a default-profile CSV, then every rate, score, rank and rank change checked.

Settings: SPEC defaults, departments grouped by a units file, and min_sample = 2 for the rankings
so that a fixture small enough to compute by hand still ranks (the default 10 is checked too).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from warehouse.access import Viewer
from warehouse.drilldown import fetch_orders
from warehouse.metrics import fetch_as_of
from warehouse.rankings import INSUFFICIENT, Period, fetch_ranking, fetch_totals
from warehouse.settings import load_settings

HEAD = [
    "工单编号",
    "受理时间",
    "诉求类型",
    "二级分类",
    "联系电话",
    "区县",
    "乡镇街道",
    "承办单位",
    "紧急程度",
    "派单时间",
    "首次联系时间",
    "办理时限",
    "办结时间",
    "退单次数",
    "回访时间",
    "是否解决",
    "满意度",
    "是否有效",
    "考核豁免",
]
# id, received, type, cat2, phone, county, township, dept, urgency, dispatched, responded, due, closed, returns,
# callback, resolution, satisfaction, valid, exempt  ("" = empty; dates 2024, "MM-DD HH:MM:SS")
ORDERS = """
E1|03-04 09:00:00|投诉|||东湖区|一街道|住建局|一般|03-04 10:00:00|03-05 10:00:00||03-13 23:59:59|0|03-14 10:00:00|已解决|满意|是|否
E2|03-04 09:00:00|咨询|||东湖区|一街道|住建局|一般|03-04 10:00:00|03-05 10:00:01||03-08 09:00:00|0||部分解决|基本满意||
E3|03-04 09:00:00|投诉|||东湖区|二街道|城管局|紧急|03-04 10:00:00|03-04 12:00:00||||||||
E4|03-04 09:00:00|求助|||东湖区|二街道|城管局|紧急|03-04 10:00:00|03-04 12:00:01|03-20 18:00:00|03-20 17:00:00|1||未解决|不满意||
E5|03-25 08:00:00|投诉|||东湖区|二街道|城管局|一般|03-25 09:00:00|||||||||
E6|03-05 09:00:00|投诉|||东湖区|一街道|住建局|一般|03-05 10:00:00|03-05 11:00:00||03-06 10:00:00|||||否|
E7|03-06 10:00:00|咨询|||东湖区|||||||||||||
W1|02-29 22:00:00|咨询|||西山区|一街道|供水公司|一般|03-04 10:00:00|03-04 11:00:00||03-06 10:00:00|||已解决|满意||
W2|03-04 09:00:00|咨询|供水|13800000001|西山区|三镇|供水公司|一般|03-04 10:00:00|03-04 11:00:00||03-06 10:00:00|||已解决|满意||
W3|03-04 09:30:00|投诉|供水|13800000001|西山区|三镇|城管局|一般|03-04 10:00:00|03-04 11:00:00||03-06 10:00:00|||已解决|||
W4|03-04 09:00:00|投诉|||西山区|三镇|城管局|一般|03-04 10:00:00|||||||||是
S1|03-04 09:00:00|建议|||南岸区||住建局|一般|03-04 10:00:00|||03-20 10:00:00|||未解决|不满意||
S2|03-04 09:00:00|举报|||南岸区|||一般|03-04 10:00:00|03-04 10:30:00||||||||
S3|03-04 09:00:00|建议|||南岸区|五乡|住建局|一般|03-04 10:00:00|03-05 09:00:00||03-05 10:00:00||||||
Z1|03-31 20:00:00|咨询|||南岸区|||||||||||||
N1|03-04 09:00:00|投诉|||||住建局|一般|03-04 10:00:00|03-04 11:00:00||03-06 10:00:00|||已解决|满意||
F1|02-05 09:00:00|投诉|||东湖区||城管局|一般|02-05 10:00:00|02-05 11:00:00||02-06 10:00:00|||已解决|满意||
F2|02-05 09:00:00|投诉|||东湖区||城管局|一般|02-05 10:00:00|02-05 11:00:00||02-06 10:00:00|||已解决|满意||
F3|02-05 09:00:00|投诉|||西山区||住建局|一般|02-05 10:00:00|||||||||
F4|02-05 09:00:00|投诉|||西山区||住建局|一般|02-05 10:00:00|||||||||
"""
MARCH = Period.month("2024-03")

CITYWIDE = Viewer("oversight", "test")  # order lists of every county


def _cell(text: str) -> str:
    return f"2024-{text}" if len(text) == 14 and text[2] == "-" else text


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, object]:
    tmp = tmp_path_factory.mktemp("golden")
    (tmp / "units.csv").write_text("department,group\n住建局,市直部门\n城管局,市直部门\n供水公司,公共企业\n", "utf-8")
    (tmp / "settings.toml").write_text(f'units_file = "{tmp / "units.csv"}"\nmin_sample = 2\n', "utf-8")
    with (tmp / "export.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEAD)
        out.writerows([[_cell(c) for c in line.split("|")] for line in ORDERS.strip().splitlines()])
    mp = pytest.MonkeyPatch()
    mp.setenv("HOTLINE_SETTINGS", str(tmp / "settings.toml"))
    settings = load_settings()
    db = tmp / "golden.duckdb"
    _load(tmp / "export.csv", db, settings)
    con = duckdb.connect(str(db), read_only=True)
    yield con, settings
    con.close()
    mp.undo()


def _load(path: Path, db: Path, settings: object) -> None:
    """Through the real loader (which calls warehouse.metrics.rebuild itself); straight into stg
    only if the loader is not importable."""
    try:
        from etl.load import load_files
    except ImportError:
        _insert_directly(db, settings)
        return
    summary = load_files([path], db=db)
    assert (summary.loaded, summary.quarantined, summary.rejected_files) == (20, 0, 0)


def _insert_directly(db: Path, settings: object) -> None:
    from tests.unit.engine_support import build_warehouse, order

    fields = (
        "order_id",
        "received_at",
        "appeal_type",
        "category_l2",
        "citizen_phone_hash",
        "county",
        "township",
        "department",
        "urgency",
        "dispatched_at",
        "responded_at",
        "due_at",
        "closed_at",
        "return_count",
        "callback_at",
        "resolution",
        "satisfaction",
        "is_valid",
        "is_exempt",
    )
    typed = []
    for line in ORDERS.strip().splitlines():
        row = {}
        for name, text in zip(fields, (_cell(c) for c in line.split("|")), strict=True):
            value: object = text or None
            if text and name.endswith("_at"):
                value = dt.datetime.fromisoformat(text)
            elif text and name.startswith("is_"):
                value = text == "是"
            elif text and name == "return_count":
                value = int(text)
            row[name] = value
        typed.append(order(**row))
    build_warehouse(db, typed, settings).close()


def rows(warehouse: tuple, level: str) -> dict:
    con, settings = warehouse
    df = fetch_ranking(con, level, MARCH, settings)
    return {(r["county"], r["unit"]) if level == "township" else r["unit"]: r for r in df.iter_rows(named=True)}


def check(row: dict, **expected: object) -> None:
    for key, value in expected.items():
        if isinstance(value, float):
            assert row[key] == pytest.approx(value, abs=1e-12), key
        else:
            assert row[key] == value, key


def test_as_of_and_derived_due_over_spring_festival(warehouse: tuple) -> None:
    con, _ = warehouse
    assert fetch_as_of(con) == dt.datetime(2024, 3, 31, 20)  # Z1's receipt, the latest event
    due = con.sql("SELECT effective_due_at FROM fct_work_orders WHERE order_id = 'F3'").fetchall()
    # 7 working days after Mon 2/5: 6,7,8,9, then 2/10–17 off, Sunday 2/18 a make-up day, 19, 20
    assert due == [(dt.datetime(2024, 2, 20, 23, 59, 59),)]


def test_counties(warehouse: tuple) -> None:
    got = rows(warehouse, "county")
    # 东湖区: assessed E1–E5. response E1 (24h00m00s), E3 (2h00m00s) = 2/5; on time: due-or-closed E1,E2,E3,E4
    # (E5 due 4/3 after as-of), closed by due E1 (at 23:59:59), E4 (extended due) = 2/4; resolution 1/3;
    # satisfaction (满意 + 基本满意) 2/3; score 100·(0.08 + 0.4·1/3 + 0.4·2/3) = 48
    check(
        got["东湖区"],
        rank=2,
        previous_rank=1,
        rank_change=-1,
        dispatched_count=6,
        assessed_count=5,
        invalid_count=1,
        exempt_count=0,
        received_count=7,
        direct_answer_count=1,
        response_rate=0.4,
        on_time_rate=0.5,
        resolution_rate=1 / 3,
        satisfaction_rate=2 / 3,
        score=48.0,
        return_rate=1 / 6,
        callback_rate=1.0,
        overdue_open_count=1,
        repeat_rate=0.0,
    )
    # 西山区: W1–W3 all on time, resolved, satisfied (W3 unanswered): 100; W4 exempt; W1 received in Feb
    check(
        got["西山区"],
        rank=1,
        previous_rank=2,
        rank_change=1,
        dispatched_count=4,
        assessed_count=3,
        exempt_count=1,
        received_count=3,
        score=100.0,
        repeat_rate=1 / 3,
    )
    # 南岸区: response S2,S3 = 2/3; on time S3 of S1,S2,S3 = 1/3; resolution 0/1, satisfaction 0/1:
    # score 100·0.2·2/3 = 40/3; absent in February, so no rank change
    check(
        got["南岸区"],
        rank=3,
        previous_rank=None,
        rank_change=None,
        assessed_count=3,
        response_rate=2 / 3,
        on_time_rate=1 / 3,
        resolution_rate=0.0,
        satisfaction_rate=0.0,
        score=40 / 3,
        received_count=4,
        direct_answer_rate=0.25,
    )
    assert set(got) == {"东湖区", "西山区", "南岸区"}  # N1 has no county: never a county unit


def test_departments_within_groups(warehouse: tuple) -> None:
    got = rows(warehouse, "department")
    # 住建局: E1,E2,S1,S3,N1 (E6 invalid). response E1,S3,N1 = 3/5; on time E1,S3,N1 = 3/5;
    # resolution (E1 + N1)/4; satisfaction (E1 + E2 + N1)/4; 100·(0.12 + 0.2 + 0.3) = 62
    check(
        got["住建局"],
        group_name="市直部门",
        rank=1,
        previous_rank=2,
        rank_change=1,
        assessed_count=5,
        invalid_count=1,
        response_rate=0.6,
        on_time_rate=0.6,
        resolution_rate=0.5,
        satisfaction_rate=0.75,
        score=62.0,
    )
    # 城管局: E3,E4,E5,W3 (W4 exempt). response E3,W3 = 2/4; on time E4,W3 of E3,E4,W3 = 2/3;
    # resolution 1/2; satisfaction 0/1; 100·(0.1 + 0.2 + 0) = 30; W3 repeats W2 (another unit's order)
    check(
        got["城管局"],
        group_name="市直部门",
        rank=2,
        previous_rank=1,
        rank_change=-1,
        assessed_count=4,
        exempt_count=1,
        response_rate=0.5,
        on_time_rate=2 / 3,
        resolution_rate=0.5,
        satisfaction_rate=0.0,
        score=30.0,
        repeat_count=1,
        repeat_rate=0.25,
    )
    check(got["供水公司"], group_name="公共企业", rank=1, previous_rank=None, rank_change=None, score=100.0)
    assert set(got) == {"住建局", "城管局", "供水公司"}  # S2 has no department


def test_townships_within_counties(warehouse: tuple) -> None:
    got = rows(warehouse, "township")
    # 东湖区/一街道: E1,E2: response 1/2, on time 1/2, resolution 1/2, satisfaction 2/2 → 70
    check(got[("东湖区", "一街道")], group_name="东湖区", rank=1, score=70.0, rank_change=None)
    # 东湖区/二街道: E3,E4,E5: response 1/3, on time 1/2, resolution 0/1, satisfaction 0/1 → 20/3
    check(got[("东湖区", "二街道")], rank=2, score=20 / 3, on_time_rate=0.5)
    check(got[("西山区", "三镇")], group_name="西山区", rank=1, score=100.0, assessed_count=2)
    check(got[("西山区", "一街道")], rank=None, sample_flag=INSUFFICIENT, assessed_count=1, score=100.0)
    check(
        got[("南岸区", "五乡")],
        rank=None,
        sample_flag=INSUFFICIENT,
        score_missing_rates="resolution_rate,satisfaction_rate",
    )
    assert len(got) == 5  # S1, S2 have no township


def test_february_renormalised_score(warehouse: tuple) -> None:
    con, settings = warehouse
    feb = {r["unit"]: r for r in fetch_ranking(con, "county", Period.month("2024-02"), settings).iter_rows(named=True)}
    # 西山区 F3,F4: never responded, open past due; no resolution/satisfaction answers → 100·0.2·0/0.2 = 0
    check(
        feb["西山区"],
        rank=2,
        score=0.0,
        on_time_rate=0.0,
        resolution_rate=None,
        score_missing_rates="resolution_rate,satisfaction_rate",
    )
    check(feb["东湖区"], rank=1, score=100.0)


def test_default_minimum_sample_ranks_nobody(warehouse: tuple) -> None:
    con, settings = warehouse
    from dataclasses import replace

    df = fetch_ranking(con, "county", MARCH, replace(settings, min_sample=10))
    assert df["rank"].null_count() == df.height == 3
    assert set(df["sample_flag"]) == {INSUFFICIENT}


def test_city_totals(warehouse: tuple) -> None:
    con, settings = warehouse
    city = fetch_totals(con, MARCH, settings)
    # received E1–E7, W2–W4, S1–S3, Z1, N1 = 15 (W1 came in February); direct E7, Z1
    check(
        city,
        received_count=15,
        direct_answer_count=2,
        direct_answer_rate=2 / 15,
        dispatched_count=14,
        assessed_count=12,
        response_rate=8 / 12,
    )


def test_drilldown_lists_the_orders(warehouse: tuple) -> None:
    con, _ = warehouse

    def ids(part: str, metric: str = "response_rate") -> list[str]:
        return fetch_orders(con, CITYWIDE, "county", "东湖区", MARCH, metric, part)["order_id"].to_list()

    assert ids("numerator") == ["E1", "E3"]
    assert ids("denominator") == ["E1", "E2", "E3", "E4", "E5"]
    assert ids("excluded") == ["E6"]
    assert ids("numerator", "on_time_rate") == ["E1", "E4"]
    assert ids("denominator", "on_time_rate") == ["E1", "E2", "E3", "E4"]
    twp = fetch_orders(con, CITYWIDE, "township", "三镇", MARCH, "repeat_rate", "numerator", county="西山区")
    assert twp["order_id"].to_list() == ["W3"] and twp["repeat_of_order_id"].to_list() == ["W2"]
