"""A figure the source cannot supply is not available (None, named), never 0 — decided from what each loaded
file carries (load_fields), through the real loader.

Baltimore 311 has no first-contact time, no callback, no return count and no caller: every agency got
响应率 0.0 %, a score of 0.00, and all tied at rank 1; a bulletin then named a "worst" unit that was only
last in alphabetical order inside the tie.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.load import load_files
from tests.conftest import HEADER, order_row, query, write_csv
from warehouse.calendar import Period
from warehouse.metrics import rebuild
from warehouse.rankings import fetch_ranking, fetch_totals
from warehouse.settings import Settings

MARCH = Period.month("2024-03")
WITHOUT = ("首次联系时间", "签收时间", "是否解决", "满意度", "退单次数", "回访时间", "联系电话")
BARE = [h for h in HEADER if h not in WITHOUT]


def _dept(prefix: str, dept: str, n: int, **cells: str) -> list[dict[str, str]]:
    return [order_row(f"{prefix}{i}", 承办单位=dept, **cells) for i in range(n)]


def _ranking(db: Path, **kw) -> dict[str, dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r["unit"]: r for r in fetch_ranking(con, "department", MARCH, Settings(), **kw).iter_rows(named=True)}
    finally:
        con.close()


def test_fields_the_export_lacks_make_rates_unavailable_not_zero(tmp_path: Path, db: Path) -> None:
    rows = _dept("A", "水务局", 12) + _dept("B", "城管局", 12, 办结时间="2024-03-20 10:00:00")
    load_files([write_csv(tmp_path / "bare.csv", rows, header=BARE)], db=db)
    carried = dict(query(db, "SELECT field, rows_with_value FROM load_fields"))
    assert carried["responded_at"] == 0 and carried["closed_at"] == 24 and carried["order_id"] == 24
    got = _ranking(db)
    for unit in ("水务局", "城管局"):
        row = got[unit]
        assert row["response_rate"] is None and row["resolution_rate"] is None and row["satisfaction_rate"] is None
        assert row["return_rate"] is None and row["callback_rate"] is None and row["repeat_rate"] is None
        assert row["returned_count"] is None and row["repeat_count"] is None  # not a count of 0
        assert (
            row["missing_rates"]
            == "response_rate,resolution_rate,satisfaction_rate,return_rate,callback_rate,repeat_rate"
        )
        # no weighted rate left: no score, not ranked on it, and the row says why
        assert row["score"] is None and row["rank"] is None and row["unranked_reason"] == "not_available"
        assert row["sample_flag"] is None and not row["is_red"] and not row["is_black"]
        assert row["on_time_rate"] is not None
    by_time = _ranking(db, by="on_time")
    assert (by_time["水务局"]["rank"], by_time["城管局"]["rank"]) == (1, 2)  # 03-07 on time, 03-20 late
    assert by_time["城管局"]["on_time_rate"] == 0.0 and by_time["城管局"]["unranked_reason"] is None


def test_a_column_that_is_empty_in_every_row_counts_as_absent(tmp_path: Path, db: Path) -> None:
    rows = _dept("E", "水务局", 12, 首次联系时间="", 签收时间="")
    load_files([write_csv(tmp_path / "empty.csv", rows)], db=db)
    row = _ranking(db)["水务局"]
    assert row["response_rate"] is None and "response_rate" in row["missing_rates"]
    assert row["satisfaction_rate"] == 1.0 and row["score"] == pytest.approx(100.0)  # the other rates carry it


def test_a_unit_that_never_responded_has_a_true_zero(tmp_path: Path, db: Path) -> None:
    """The field is in the file (another unit has values): a unit without any is 0 %, not 'not available'."""
    rows = _dept("N", "水务局", 12, 首次联系时间="", 签收时间="") + _dept("Y", "城管局", 12)
    load_files([write_csv(tmp_path / "mixed.csv", rows)], db=db)
    got = _ranking(db)
    assert got["水务局"]["response_rate"] == 0.0 and got["水务局"]["missing_rates"] is None
    assert got["城管局"]["response_rate"] == 1.0


def test_a_period_mixing_files_rates_over_the_orders_whose_file_carries_the_field(tmp_path: Path, db: Path) -> None:
    with_field = write_csv(
        tmp_path / "a.csv", [*_dept("A", "水务局", 6), order_row("A9", 承办单位="水务局", 首次联系时间="", 签收时间="")]
    )
    without = write_csv(tmp_path / "b.csv", _dept("B", "水务局", 5), header=BARE)
    load_files([with_field, without], db=db)
    row = _ranking(db)["水务局"]
    assert row["assessed_count"] == 12 and row["response_measurable_count"] == 7
    assert row["response_rate"] == pytest.approx(6 / 7)  # not 6/12: the 5 orders of b.csv cannot be judged
    assert row["response_rate_coverage"] == pytest.approx(7 / 12) and row["missing_rates"] is None
    assert row["resolution_rate_coverage"] == pytest.approx(7 / 12)
    # an order of b.csv loaded again from a file that has the field becomes measurable
    load_files([write_csv(tmp_path / "c.csv", [order_row("B0", 承办单位="水务局")])], db=db)
    assert _ranking(db)["水务局"]["response_measurable_count"] == 8


def test_a_warehouse_loaded_before_load_fields_falls_back_to_the_column_map(tmp_path: Path, db: Path) -> None:
    load_files([write_csv(tmp_path / "bare.csv", _dept("A", "水务局", 12), header=BARE)], db=db)
    con = duckdb.connect(str(db))
    try:
        con.execute("DELETE FROM load_fields")
        rebuild(con, Settings())
        row = fetch_totals(con, MARCH, Settings())
    finally:
        con.close()
    assert row["response_rate"] is None and "response_rate" in row["missing_rates"]


def test_the_cli_says_null_and_names_the_missing_rates(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture) -> None:
    from warehouse.__main__ import main

    load_files([write_csv(tmp_path / "bare.csv", _dept("A", "水务局", 12), header=BARE)], db=db)
    assert main(["rankings", "--level", "department", "--month", "2024-03", "--db", str(db), "--format", "json"]) == 0
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["response_rate"] is None and rec["score"] is None and rec["rank"] is None
    assert "response_rate" in rec["missing_rates"].split(",") and rec["unranked_reason"] == "not_available"
    assert main(["rankings", "--level", "department", "--month", "2024-03", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert not re.search(r"(?<![\d.])0\.0%", table) and "来源数据不含首次联系时间" in table
    assert "联系电话或二级分类" in table  # the file has 问题分类: only the phone is missing
    frame = pl.DataFrame(json.loads(json.dumps([rec])))
    assert frame["response_rate"].null_count() == 1


def _city(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return fetch_totals(con, MARCH, Settings(), live=True)
    finally:
        con.close()


def test_without_a_dispatch_time_no_order_looks_answered_directly(tmp_path: Path, db: Path) -> None:
    """A source whose export has no dispatch time cannot tell a direct answer from a dispatched order: every
    order would have counted as answered directly (直接答复率 100 %). Not available; mixed with a source that
    has it, the rate is over that source's orders."""
    no_dispatch = [h for h in HEADER if h not in ("派单时间", "转办时间")]
    load_files([write_csv(tmp_path / "a.csv", _dept("A", "水务局", 4), header=no_dispatch)], db=db)
    city = _city(db)
    assert city["received_count"] == 4 and city["dispatch_measurable_count"] == 0
    assert city["direct_answer_count"] is None and city["direct_answer_rate"] is None
    direct = [order_row("D0", 派单时间="", 承办单位=""), order_row("D1", 派单时间="", 承办单位="")]
    load_files([write_csv(tmp_path / "b.csv", _dept("B", "水务局", 2) + direct)], db=db)
    city = _city(db)
    assert city["received_count"] == 8 and city["dispatch_measurable_count"] == 4
    assert city["direct_answer_count"] == 2 and city["direct_answer_rate"] == pytest.approx(2 / 4)  # not 2/8, not 6/8


def test_a_dispatch_time_read_from_the_receipt_column_tells_no_direct_answer(tmp_path: Path, db: Path) -> None:
    """Baltimore 311's profile reads CreatedDate as both the receipt and the dispatch time: every order
    looked dispatched, and 直接答复率 showed 0.0 % — a figure the export cannot supply. Not available; the
    assessment built on the stand-in dispatch time (assessed orders, on-time closure) stays."""
    profile = tmp_path / "created.toml"
    profile.write_text('name = "created"\n[fields]\ndispatched_at = ["受理时间"]\n', encoding="utf-8")
    header = [h for h in HEADER if h not in ("派单时间", "转办时间")]
    load_files([write_csv(tmp_path / "a.csv", _dept("A", "水务局", 4), header=header)], db=db, profile=profile)
    city = _city(db)
    assert city["received_count"] == 4 and city["dispatched_count"] == 4 and city["assessed_count"] == 4
    assert city["dispatch_measurable_count"] == 0
    assert city["direct_answer_count"] is None and city["direct_answer_rate"] is None  # was 0 and 0.0
    assert city["on_time_rate"] is not None
    direct = [order_row("D0", 派单时间="", 承办单位=""), order_row("D1", 派单时间="", 承办单位="")]
    load_files([write_csv(tmp_path / "b.csv", _dept("B", "水务局", 2) + direct)], db=db)  # the default profile
    city = _city(db)
    assert city["dispatch_measurable_count"] == 4
    assert city["direct_answer_rate"] == pytest.approx(2 / 4)  # over the file with a dispatch time of its own


def test_category_tables_say_not_available_not_zero(tmp_path: Path, db: Path) -> None:
    """The unit profile's category table and the category issues had their own sums: a source without a
    return count showed 退单 0 and 退单率 0 % per category. They now go through the one rate function."""
    from warehouse.hot_topics import fetch_category_issues
    from warehouse.unit_profile import fetch_unit_categories

    no_returns = [h for h in HEADER if h != "退单次数"]
    load_files([write_csv(tmp_path / "a.csv", _dept("A", "水务局", 5), header=no_returns)], db=db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        (issue,) = fetch_category_issues(con, MARCH, settings=Settings()).iter_rows(named=True)
        (cat,) = fetch_unit_categories(con, "department", "水务局", MARCH, settings=Settings()).iter_rows(named=True)
        ranked = fetch_ranking(con, "department", MARCH, Settings()).row(0, named=True)
    finally:
        con.close()
    assert issue["repeat_count"] == 4 and issue["repeat_rate"] == pytest.approx(4 / 5)  # one caller, five calls
    assert issue["returned_count"] is None and issue["return_rate"] is None
    assert cat["returned_count"] is None and cat["repeat_count"] == 4 and cat["assessed_count"] == 5
    assert cat["satisfaction_rate"] == ranked["satisfaction_rate"] and cat["satisfaction_shortfall"] == 0
