"""The example profiles on the real public exports in ../shared/data/external (never copied here).

Baltimore 311 (CSV, US 12-hour timestamps) and the TipDM 2020 message board 附件4 (XLSX, text and
native Excel datetime cells). The counts are the exact result of loading each file into an empty
warehouse; docs/profiles.md "The example profiles on real public exports" quotes them.

Both profiles let one source header feed two timestamp fields (CreatedDate -> received_at and
dispatched_at; 留言时间 -> received_at and dispatched_at, 答复时间 -> responded_at and closed_at).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from etl.load import load_files
from etl.profiles import load_profile
from tests.conftest import counts, query

ROOT = Path(__file__).resolve().parents[2]
BALTIMORE_PROFILE = ROOT / "etl" / "profiles" / "baltimore311.toml"
TAIDI_PROFILE = ROOT / "etl" / "profiles" / "taidi2020.toml"
BALTIMORE_CSV = Path("baltimore311_sample_2014_2019") / "311_sample.csv"
TAIDI_XLSX = Path("taidi2020_zhihuizhengwu") / "attachment4_messages_with_replies.xlsx"


def test_profiles_state_the_mapping_decisions() -> None:
    balt = load_profile(BALTIMORE_PROFILE)
    assert balt.fields["order_id"][0] == "ServiceRequestNum"
    assert balt.fields["received_at"][0] == balt.fields["dispatched_at"][0] == "CreatedDate"
    assert balt.fields["department"][0] == "Agency" and balt.fields["county"][0] == "CouncilDistrict"
    assert "StatusDate" not in balt.fields["responded_at"]  # no first-contact time in 311 exports
    assert balt.constants == {"appeal_type": "求助"}
    assert balt.synonyms["is_valid"]["Closed (Duplicate)"] == "false"
    assert balt.timestamp_formats[0] == "%m/%d/%Y %I:%M:%S %p"

    taidi = load_profile(TAIDI_PROFILE)
    assert taidi.fields["received_at"][0] == taidi.fields["dispatched_at"][0] == "留言时间"
    assert taidi.fields["responded_at"][0] == taidi.fields["closed_at"][0] == "答复时间"
    assert taidi.fields["content"][:2] == ("留言详情", "留言主题")
    assert "留言主题" not in taidi.fields.get("category_l1", ())
    assert taidi.constants == {"channel": "网络", "status": "已答复"}
    assert taidi.sheet == "Sheet1"


def test_baltimore311_sample(external: Path, db: Path) -> None:
    path = external / BALTIMORE_CSV
    summary = load_files([path], db=db, profile=BALTIMORE_PROFILE)
    assert counts(summary) == {
        "files": 1, "rows_read": 10000, "loaded": 10000, "updated": 0, "unchanged": 0,
        "quarantined": 0, "duplicates": 0, "rejected_files": 0,
    }  # fmt: skip
    assert query(db, "SELECT count(*) FROM raw_quarantine") == [(0,)]

    # the first row of the file: 12-hour clock read, CreatedDate also the dispatch time
    assert query(
        db,
        """SELECT received_at, dispatched_at, due_at, closed_at, department, county, township, category_l1,
                  channel, status, appeal_type, is_valid, responded_at, satisfaction
           FROM stg_work_orders WHERE order_id = '18-00269879'""",
    ) == [(
        datetime(2018, 4, 12, 11, 11, 26), datetime(2018, 4, 12, 11, 11, 26), datetime(2018, 4, 13, 11, 11, 26),
        datetime(2018, 4, 12, 12, 45, 47), "Transportation", "6", "Dorchester", "TRT-Traffic Signal Repairs",
        "Phone", "Closed", "求助", True, None, None,
    )]  # fmt: skip
    # PM hours: 01:06:56 PM -> 13:06:56
    assert query(db, "SELECT received_at FROM stg_work_orders WHERE order_id = '18-00838880'") == [
        (datetime(2018, 11, 13, 13, 6, 56),)
    ]
    # what the assessment sees
    assert query(
        db,
        """SELECT count(*) FILTER (WHERE dispatched_at IS DISTINCT FROM received_at),
                  count(*) FILTER (WHERE is_valid = FALSE), count(*) FILTER (WHERE due_at IS NULL),
                  count(*) FILTER (WHERE closed_at IS NULL), count(*) FILTER (WHERE county IS NULL),
                  count(DISTINCT department), min(received_at), max(received_at)
           FROM stg_work_orders""",
    ) == [(0, 217, 286, 208, 888, 16, datetime(2014, 1, 1, 3, 53, 10), datetime(2019, 2, 13, 15, 33, 54))]

    again = load_files([path], db=db, profile=BALTIMORE_PROFILE)
    assert (again.loaded, again.unchanged, again.quarantined) == (0, 10000, 0)


def test_taidi2020_attachment4(external: Path, db: Path) -> None:
    path = external / TAIDI_XLSX
    summary = load_files([path], db=db, profile=TAIDI_PROFILE)
    assert counts(summary) == {
        "files": 1, "rows_read": 2816, "loaded": 2816, "updated": 0, "unchanged": 0,
        "quarantined": 0, "duplicates": 0, "rejected_files": 0,
    }  # fmt: skip
    assert summary.details[0].sheet == "Sheet1"
    assert query(db, "SELECT count(*) FROM raw_quarantine") == [(0,)]

    cols = "received_at, dispatched_at, responded_at, closed_at, channel, status, appeal_type, department"
    assert query(db, f"SELECT {cols} FROM stg_work_orders WHERE order_id = '2549'") == [(
        datetime(2019, 4, 25, 9, 32, 9), datetime(2019, 4, 25, 9, 32, 9), datetime(2019, 5, 10, 14, 56, 53),
        datetime(2019, 5, 10, 14, 56, 53), "网络", "已答复", None, None,
    )]  # fmt: skip
    # 2759: 留言时间 is a native Excel datetime cell; 27610: 答复时间 "2018/4/24" has no time of day
    assert query(db, "SELECT received_at FROM stg_work_orders WHERE order_id = '2759'") == [
        (datetime(2019, 4, 8, 8, 37, 20),)
    ]
    assert query(db, "SELECT closed_at FROM stg_work_orders WHERE order_id = '27610'") == [(datetime(2018, 4, 24),)]
    # the tab/newline wrapping of 留言详情 is trimmed; the pseudonymous user id is the caller name
    content, name = query(db, "SELECT content, citizen_name FROM raw_work_orders WHERE order_id = '2549'")[0]
    assert content.startswith("2019年4月以来") and content.endswith("合法性在哪？") and name == "A00045581"
    assert query(
        db,
        """SELECT count(*) FILTER (WHERE closed_at < received_at), count(*) FILTER (WHERE responded_at <> closed_at),
                  min(received_at), max(closed_at)
           FROM stg_work_orders""",
    ) == [(0, 0, datetime(2011, 4, 2, 18, 0, 54), datetime(2020, 1, 9, 11, 0, 5))]


def test_baltimore311_figures_the_source_cannot_supply(external: Path, db: Path, capsys) -> None:
    """No first-contact time, callback, return count or caller: those rates are null and named, nobody is
    ranked on a score built from nothing, and 按时办结率 ranks the agencies with the rates it always had."""
    import json

    from reports.assemble import assemble_report
    from reports.narrative import build_narrative
    from warehouse.__main__ import main

    load_files([external / BALTIMORE_CSV], db=db, profile=BALTIMORE_PROFILE)
    args = ["rankings", "--level", "department", "--period", "2018", "--db", str(db), "--format", "json"]
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 12
    for r in rows:
        assert r["response_rate"] is None and "response_rate" in r["missing_rates"].split(",")
        assert r["score"] is None and r["rank"] is None and r["unranked_reason"] == "not_available"
    assert main([*args, "--by", "on_time"]) == 0
    by_time = {r["unit"]: r for r in json.loads(capsys.readouterr().out)}
    assert [u for u, r in sorted(by_time.items(), key=lambda x: x[1]["rank"] or 99)][:3] == [
        "Housing", "Health", "Solid Waste",
    ]  # fmt: skip
    assert by_time["Housing"]["on_time_rate"] == 223 / 243 and by_time["Housing"]["rank"] == 1
    assert sum(r["rank"] is not None for r in by_time.values()) == 10  # two agencies below the minimum sample
    con = duckdb.connect(str(db), read_only=True)
    try:
        text = "\n".join(p for ps in build_narrative(assemble_report(con, "2019-01")).values() for p in ps)
    finally:
        con.close()
    assert "末位" not in text and "0.00 分" not in text  # no worst unit named on a tie, no score from nothing
    assert "本期数据来源不含首次联系时间" in text and "响应率、解决率、满意率" in text
    assert "无法按综合得分排名" in text
    assert "无法区分直接答复与派单" in text and "直接答复率 0" not in text
    # CreatedDate is also the dispatch time: the export cannot tell a direct answer (was 0.0 %)
    from warehouse.calendar import Period
    from warehouse.rankings import fetch_totals

    con = duckdb.connect(str(db), read_only=True)
    try:
        city = fetch_totals(con, Period.month("2019-01"))
    finally:
        con.close()
    assert city["dispatched_count"] > 0 and city["direct_answer_rate"] is None and city["direct_answer_count"] is None


def test_taidi2020_has_no_units_and_no_false_nothing(external: Path, db: Path) -> None:
    from warehouse.calendar import Period
    from warehouse.rankings import fetch_ranking, fetch_totals

    load_files([external / TAIDI_XLSX], db=db, profile=TAIDI_PROFILE)
    con = duckdb.connect(str(db), read_only=True)
    try:
        december = Period.month("2019-12")
        totals = fetch_totals(con, december)
        assert totals["dispatched_count"] == 76 and fetch_ranking(con, "department", december).is_empty()
        assert totals["repeat_rate"] is None and totals["repeat_count"] is None  # no phones: not "no repeats"
        assert totals["return_rate"] is None and "repeat_rate" in totals["missing_rates"]
        assert totals["derived_due_share"] == 1.0 and totals["on_time_warning"]  # every deadline is ours
    finally:
        con.close()


OPEN311_JSON = Path("chicago_open311_georeport_2014") / "requests.json"
BOSTON_CSV = Path("boston311_sample_2022") / "boston311-100.csv"
NYC_EXPORT = Path("nyc311_export_2014_2019") / "311_Service_Requests.csv"
NYC_API = Path("nyc311_api_2023-12-08") / "311_Service_Requests.csv"


def _facts(db: Path) -> tuple:
    return query(
        db,
        """SELECT count(*) FILTER (WHERE is_valid = FALSE), count(*) FILTER (WHERE closed_at IS NULL),
                  count(*) FILTER (WHERE due_at IS NULL), count(DISTINCT department), count(DISTINCT county),
                  count(DISTINCT township), min(received_at), max(received_at)
           FROM stg_work_orders""",
    )[0]


def test_chicago_open311_json(external: Path, db: Path) -> None:
    summary = load_files([external / OPEN311_JSON], db=db, profile="open311")
    assert counts(summary) == {
        "files": 1, "rows_read": 50, "loaded": 50, "updated": 0, "unchanged": 0,
        "quarantined": 0, "duplicates": 0, "rejected_files": 0,
    }  # fmt: skip
    assert summary.warnings == 0 and summary.details[0].encoding == "utf-8"
    # 2014-05-09T19:02:21-05:00, closed by its notes[] "closed" event (updated_datetime is 2015-10-10T10:15:40)
    assert query(
        db, "SELECT received_at, closed_at, department, county, channel FROM stg_work_orders WHERE order_id = '14-00684314'"
    ) == [(datetime(2014, 5, 9, 19, 2, 21), datetime(2015, 10, 10, 10, 15, 40), "Division of In-House Construction CDOT", "21", "phone")]  # fmt: skip
    # one duplicate (无效), one open request, no due times, 5 agencies, 27 wards; times in Chicago wall clock
    assert _facts(db) == (1, 1, 50, 5, 27, 0, datetime(2014, 1, 3, 14, 18, 52), datetime(2014, 12, 17, 18, 39, 3))


def test_boston311_sample(external: Path, db: Path) -> None:
    summary = load_files([external / BOSTON_CSV], db=db, profile="boston311")
    assert counts(summary) == {
        "files": 1, "rows_read": 100, "loaded": 100, "updated": 0, "unchanged": 0,
        "quarantined": 0, "duplicates": 0, "rejected_files": 0,
    }  # fmt: skip
    assert (summary.cell_warnings, summary.warnings) == (0, 0)
    # the ward rule: "Ward 3", "03" and "3" are one township; 41 spellings of 22 wards
    assert query(db, "SELECT count(*) FROM stg_work_orders WHERE township = 'Ward 3'") == [(17,)]
    assert query(db, "SELECT count(*) FROM stg_work_orders WHERE township NOT LIKE 'Ward %'") == [(0,)]
    # 7 closed as "Case Invalid" / "Duplicate of Existing Case"; 15 open; 11 without target_dt
    assert _facts(db) == (7, 15, 11, 7, 9, 22, datetime(2022, 1, 1, 0, 16), datetime(2022, 1, 31, 11, 46))


def test_nyc311_both_formats(external: Path, db: Path) -> None:
    summary = load_files([external / NYC_EXPORT], db=db, profile="nyc311")
    assert counts(summary) == {
        "files": 1, "rows_read": 1000, "loaded": 990, "updated": 0, "unchanged": 0,
        "quarantined": 10, "duplicates": 0, "rejected_files": 0,
    }  # fmt: skip
    # the 10 rows whose Closed Date is before the Created Date (real data errors)
    assert query(db, "SELECT DISTINCT reason_code FROM raw_quarantine") == [("chronology",)]
    assert summary.warnings == 0
    assert _facts(db) == (0, 14, 504, 16, 5, 65, datetime(2014, 5, 10, 6, 15), datetime(2019, 9, 8, 15, 26))

    api_db = db.parent / "api.duckdb"
    api = load_files([external / NYC_API], db=api_db, profile="nyc311")
    assert counts(api) == {
        "files": 1, "rows_read": 1000, "loaded": 1000, "updated": 0, "unchanged": 0,
        "quarantined": 0, "duplicates": 0, "rejected_files": 0,
    }  # fmt: skip
    assert api.warnings == 0
    assert _facts(api_db) == (0, 654, 998, 11, 5, 64, datetime(2023, 12, 7, 21, 29), datetime(2023, 12, 8, 12, 0))
