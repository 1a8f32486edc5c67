"""The loader end to end on real temporary DuckDB files: readers, quarantine, idempotence,
snapshots, rollback, PII. Each test builds its exports the way hotline platforms write them."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl import load as load_module
from etl.load import load_files
from tests.conftest import HEADER, counts, csv_text, order_row, query, write_csv
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.periods import default_period, fetch_intake_months, fetch_months, latest_complete_month
from warehouse.quality import fetch_cell_warnings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path: Path, db: Path, encoding: str) -> None:
    rows = [order_row("E1", 来电人="鑫淼"), order_row("E2", 诉求内容="反映噪声扰民问题")]
    if encoding == "gb18030":
        rows.append(order_row("E3", 诉求内容="㐀 字库外的字 𠀀"))  # only GB18030 encodes these
    path = write_csv(tmp_path / f"x-{encoding}.csv", rows, encoding)
    summary = load_files([path], db=db)
    assert summary.loaded == len(rows) and summary.quarantined == 0
    assert query(db, "SELECT citizen_name FROM raw_work_orders WHERE order_id = 'E1'") == [("鑫淼",)]
    if encoding == "gb18030":
        assert query(db, "SELECT content FROM raw_work_orders WHERE order_id = 'E3'") == [("㐀 字库外的字 𠀀",)]


def _write_xlsx(path: Path, title: str | None = None, sheet: str = "Sheet1", extra_sheet: bool = False) -> Path:
    book = xlsxwriter.Workbook(str(path))
    if extra_sheet:
        book.add_worksheet("说明").write(0, 0, "本表为导出说明")
    ws = book.add_worksheet(sheet)
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    top = 0
    if title:
        ws.write(0, 0, title)
        top = 1
    header = ["工单号", "来电时间", "来电类别", "承办单位", "转办时间", "办结时间", "满意度评价"]
    ws.write_row(top, 0, header)
    ws.write_row(top + 1, 0, ["X1", None, "投诉", "市水务局", "2024/3/5 10:00", "2024年3月6日 9时0分0秒", "非常满意"])
    ws.write_datetime(top + 1, 1, datetime(2024, 3, 5, 8, 30), stamp)  # a real Excel date cell
    ws.write_row(top + 2, 0, ["X2", 45356.5, "咨询", "", "", "", "未评价"])  # an Excel serial as a number
    ws.write_row(top + 3, 0, [1003, "2024-03-05 14:02:11", "求助", "市水务局", 45356.75, "", ""])  # numeric id
    book.close()
    return path


def test_xlsx_with_title_row_date_cells_and_serials(tmp_path: Path, db: Path) -> None:
    path = _write_xlsx(tmp_path / "b.xlsx", title="云溪市12345热线工单导出（2024年3月）")
    summary = load_files([path], db=db)
    assert counts(summary) | {} == {
        "files": 1, "rows_read": 3, "loaded": 3, "updated": 0, "unchanged": 0,
        "quarantined": 0, "duplicates": 0, "rejected_files": 0,
    }  # fmt: skip
    got = dict(query(db, "SELECT order_id, received_at FROM stg_work_orders"))
    assert got == {
        "X1": datetime(2024, 3, 5, 8, 30),
        "X2": datetime(2024, 3, 5, 12, 0),
        "1003": datetime(2024, 3, 5, 14, 2, 11),
    }
    rows = query(
        db, "SELECT dispatched_at, satisfaction FROM stg_work_orders WHERE order_id IN ('X1', '1003') ORDER BY 1"
    )
    assert rows == [(datetime(2024, 3, 5, 10, 0), "满意"), (datetime(2024, 3, 5, 18, 0), None)]


def test_xlsx_chosen_sheet_through_a_profile(tmp_path: Path, db: Path) -> None:
    path = _write_xlsx(tmp_path / "c.xlsx", sheet="工单", extra_sheet=True)
    profile = tmp_path / "p.toml"
    profile.write_text('name = "sheet"\n[read]\nsheet = "工单"\n', encoding="utf-8")
    assert load_files([path], db=db, profile=profile).loaded == 3
    missing = tmp_path / "q.toml"
    missing.write_text('name = "sheet"\n[read]\nsheet = "不存在"\n', encoding="utf-8")
    res = load_files([path], db=tmp_path / "other.duckdb", profile=missing)
    assert res.rejected_files == 1 and "不存在" in res.details[0].message and "工单" in res.details[0].message


def test_xlsx_without_a_chosen_sheet_is_read_from_the_first_sheet_that_maps(tmp_path: Path, db: Path) -> None:
    path = _write_xlsx(tmp_path / "d.xlsx", sheet="工单", extra_sheet=True)  # a notes sheet comes first
    summary = load_files([path], db=db)
    assert (summary.loaded, summary.details[0].sheet) == (3, "工单")
    book = xlsxwriter.Workbook(str(tmp_path / "e.xlsx"))
    book.add_worksheet("说明").write_row(0, 0, ["说明", "本表为导出说明"])
    book.add_worksheet("统计").write_row(0, 0, ["区县", "件数"])
    book.close()
    [res] = load_files([tmp_path / "e.xlsx"], db=db).details
    assert res.status == "rejected" and "文件中的表头为：说明、本表为导出说明" in res.message
    assert "已查看全部 2 个工作表（说明、统计）" in res.message


def test_xlsx_rows_are_numbered_like_csv_rows_blank_rows_included(tmp_path: Path, db: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "blank.xlsx"))
    ws = book.add_worksheet("工单")
    ws.write_row(0, 0, ["工单编号", "受理时间", "满意度"])
    ws.write_row(1, 0, ["B1", "2024-03-05 09:00:00", "满意"])
    ws.write_row(3, 0, ["B2", "2024-03-05 09:00:00", "还行"])  # after a blank row 3 of the sheet
    book.close()
    summary = load_files([tmp_path / "blank.xlsx"], db=db)
    assert (summary.rows_read, summary.loaded, summary.quarantined) == (2, 1, 1)
    assert query(db, "SELECT source_row, order_id FROM raw_quarantine") == [(3, "B2")]


def messy_rows() -> list[dict[str, str]]:
    return [
        order_row("M1"),
        order_row(""),  # missing order id
        order_row("M2", received=""),  # missing received_at
        order_row("M3", received="待补录"),  # unparseable received_at
        order_row("M4", 办结时间="2024-03-32 10:00"),  # unparseable other timestamp
        order_row("M5", 满意度="还行"),  # vocabulary
        order_row("M6", 紧急程度="很急"),  # vocabulary
        order_row("M7", 办结时间="2024-03-04 10:00:00"),  # closed before received
        order_row("M8", 派单时间="2024-03-05 08:00:00"),  # dispatched before received
        order_row("M9", 满意度="不满意"),  # superseded by the next M9
        order_row("M9", 满意度="满意"),
        order_row("M10"),
        order_row("M10"),  # identical repeat
        order_row("M10"),  # identical repeat
        order_row("M11", 紧急程度="特急", 满意度="非常不满意", 是否解决="解决"),  # synonyms, valid
    ]


def test_unreadable_yes_no_and_count_cells_load_empty_with_a_warning(tmp_path: Path, db: Path) -> None:
    """SPEC §2.1 quarantines bad timestamps and vocabulary values, not yes/no or count cells: such a row
    is loaded with that value empty, and the cell is kept as a warning an analyst can act on."""
    rows = [
        order_row("W1", 是否有效="待定"),
        order_row("W2", 退单次数="两次"),
        order_row("W3", 考核豁免="Y", 退单次数="2.0"),  # both readable
        order_row("W4", 退单次数="-1", 满意度="还行"),  # quarantined for the vocabulary; both problems named
        order_row("W5", 紧急程度="加急"),  # not a synonym SPEC §2 lists: outside the vocabulary
        order_row("W6", 是否解决="差不多"),
    ]
    summary = load_files([write_csv(tmp_path / "cells.csv", rows)], db=db)
    assert (summary.loaded, summary.quarantined, summary.cell_warnings) == (3, 3, 2)
    assert summary.details[0].cell_warnings == 2
    stg = {r[0]: r[1:] for r in query(db, "SELECT order_id, is_valid, is_exempt, return_count FROM stg_work_orders")}
    assert stg == {"W1": (None, False, 0), "W2": (True, False, None), "W3": (True, True, 2)}
    warnings = query(db, "SELECT source_file, source_row, order_id, message FROM raw_cell_warnings ORDER BY 2")
    assert [(f, r, o) for f, r, o, _ in warnings] == [("cells.csv", 1, "W1"), ("cells.csv", 2, "W2")]
    assert "「是否有效」的值「待定」无法识别" in warnings[0][3] and "按空值处理" in warnings[0][3]
    reasons = dict(query(db, "SELECT order_id, reason FROM raw_quarantine"))
    assert "「满意度」的值「还行」不在取值范围内" in reasons["W4"] and "「退单次数」的值「-1」" in reasons["W4"]
    assert "「紧急程度」的值「加急」不在取值范围内（可用：紧急、一般、特急、普通）" in reasons["W5"]
    assert "（可用：已解决、部分解决、未解决、解决）" in reasons["W6"]  # each accepted word once
    con = duckdb.connect(str(db), read_only=True)
    try:  # what the data page lists: the newest first, with the total however few are shown
        shown = fetch_cell_warnings(con, Viewer("analyst"), limit=1)
    finally:
        con.close()
    assert shown.select("source_row", "total").rows() == [(1, 2)]


def test_cells_past_the_header_are_a_warning_not_lost(tmp_path: Path, db: Path) -> None:
    """A CSV row longer than its header (an unquoted comma in the content, say) loads as parsed; the
    cells past the header are reported with the row's number, however the rows before it look."""
    lines = csv_text([order_row("E1", 诉求内容="第一行\n第二行"), order_row("E2"), order_row("E3")]).splitlines()
    lines[3] += ",多出的内容, 还有"  # E2, after a cell with a line break (lines 1-2 are E1)
    lines.insert(4, "")  # a blank line: not a data row, but it has a number
    path = tmp_path / "extra.csv"
    path.write_text("12345热线工单导出\n" + "\n".join(lines) + "\n,,,\n", encoding="utf-8-sig")  # a title row
    summary = load_files([path], db=db)
    assert (summary.rows_read, summary.loaded, summary.quarantined, summary.cell_warnings) == (3, 3, 0, 1)
    [(row, order, message, extra)] = query(
        db, "SELECT source_row, order_id, message, extra_cells FROM raw_cell_warnings"
    )
    assert (row, order) == (2, "E2") and "表头以外的单元格" in message and "本行已导入" in message
    assert extra == "多出的内容, 还有" and extra not in message  # verbatim in the raw layer only
    assert query(db, "SELECT order_id, source_row, county FROM stg_work_orders ORDER BY 1") == [
        ("E1", 1, "青岚区"), ("E2", 2, "青岚区"), ("E3", 4, "青岚区")]  # fmt: skip
    empty_cells_only = write_csv(tmp_path / "trailing.csv", [order_row("E4")]).read_text(encoding="utf-8")
    (tmp_path / "trailing.csv").write_text(empty_cells_only.replace("\n", ",,\n").replace(",,\n", "\n", 1))
    assert load_files([tmp_path / "trailing.csv"], db=db).cell_warnings == 0  # nothing past the header to lose
    bad = write_csv(tmp_path / "bad.csv", [order_row("E5", 办结时间="昨天")]).read_text(encoding="utf-8")
    (tmp_path / "bad.csv").write_text(bad.rstrip("\n") + ",多出\n", encoding="utf-8")
    assert load_files([tmp_path / "bad.csv"], db=db).quarantined == 1  # and its raw record keeps the extra cell
    [(record,)] = query(db, "SELECT raw_record FROM raw_quarantine WHERE order_id = 'E5'")
    assert json.loads(record)["（表头以外的单元格）"] == "多出"


@pytest.mark.parametrize("above", [["", ""], ["标题", ""], ["", "标题", "", "导出时间：2024-03-31"], ['"两行\n标题"']])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_header_is_found_under_blank_and_title_rows(tmp_path: Path, db: Path, above: list[str], kind: str) -> None:
    """Whatever stands above the header (blank rows, title rows, both), every data row is read, numbered
    from the row under the header (blank rows counted), and a row past the header is still caught."""
    header = ["工单编号", "受理时间", "满意度"]
    rows = [
        ["A1", "2024-03-05 10:00:00", "满意"],
        [],
        ["A2", "2024-03-05 10:00:00", "还行"],
        ["A3", "2024-03-05 10:00:00"],
    ]
    if kind == "csv":
        lines = [*above, ",".join(header), *(",".join(r) for r in rows)]
        lines[-1] += ",,多出"
        path = tmp_path / "layout.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        path = tmp_path / "layout.xlsx"
        book = xlsxwriter.Workbook(str(path))
        ws = book.add_worksheet("工单")
        for i, line in enumerate([*above, header, *rows]):
            ws.write_row(i, 0, line.strip('"').split(",") if isinstance(line, str) and line else line or [])
        book.close()
    summary = load_files([path], db=db)
    assert (summary.rows_read, summary.loaded, summary.quarantined) == (3, 2, 1), summary.details[0].message
    got = query(
        db, "SELECT order_id, source_row FROM stg_work_orders UNION ALL SELECT order_id, source_row FROM raw_quarantine"
    )
    assert sorted(got) == [("A1", 1), ("A2", 3), ("A3", 4)]
    assert summary.cell_warnings == (1 if kind == "csv" else 0)


@pytest.mark.parametrize(
    ("ends", "encoding"), [("\r", "utf-8"), ("\r", "gbk"), ("mixed", "utf-8"), ("mixed", "utf-8-sig")]
)
def test_old_mac_and_mixed_line_ends(tmp_path: Path, db: Path, ends: str, encoding: str) -> None:
    """Lines ending in a lone CR (old Mac exports), alone or mixed with LF and CRLF, are lines."""
    lines = csv_text(
        [order_row("L1", 诉求内容="第一行\r\n第二行"), order_row("L2"), order_row("L3", 满意度="还行")]
    ).split("\n")
    if ends == "\r":
        text = "\r".join(lines)
    else:
        text = lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3] + "\n" + lines[4] + "\r\n"
    path = tmp_path / "ends.csv"
    path.write_bytes(text.encode(encoding))
    summary = load_files([path], db=db)
    assert (summary.rows_read, summary.loaded, summary.quarantined, summary.rejected_files) == (3, 2, 1, 0)
    got = query(
        db, "SELECT order_id, source_row FROM stg_work_orders UNION ALL SELECT order_id, source_row FROM raw_quarantine"
    )
    assert sorted(got) == [("L1", 1), ("L2", 2), ("L3", 3)]


def test_a_quote_inside_an_unquoted_cell_is_a_character(tmp_path: Path, db: Path) -> None:
    """12"显示器 or 他说"好: Excel reads the quote as text; so does the loader (it used to reject the file)."""
    text = csv_text([order_row("Q1"), order_row("Q2"), order_row("Q3")])
    text = text.replace("小区物业乱收费", 'Q2 的 12"显示器坏了', 1)  # in Q1's content, unquoted, one quote
    path = tmp_path / "quote.csv"
    path.write_text(text, encoding="utf-8")
    summary = load_files([path], db=db)
    assert (summary.rows_read, summary.loaded, summary.rejected_files) == (3, 3, 0)
    assert query(db, "SELECT content FROM raw_work_orders WHERE order_id = 'Q1'")[0][0].startswith('Q2 的 12"显示器')


def test_cells_without_a_header_are_a_warning_in_csv_and_xlsx(tmp_path: Path, db: Path) -> None:
    path = tmp_path / "unnamed.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("空白")  # an empty first sheet: the orders are on the next one
    ws = book.add_worksheet("工单")
    ws.write_row(0, 0, ["工单编号", "受理时间", "", "满意度"])
    ws.write_row(1, 0, ["U1", "2024-03-05 10:00:00", "", "满意"])
    ws.write_row(2, 0, ["U2", "2024-03-05 10:00:00", "无表头的值", "满意", "", "", "远处的值"])
    book.close()
    csv_path = tmp_path / "unnamed.csv"
    csv_path.write_text("工单编号,受理时间,,满意度\nU3,2024-03-05 10:00:00,,满意\nU4,2024-03-05 10:00:00,无表头,满意\n")
    summary = load_files([path, csv_path], db=db)
    assert (summary.loaded, summary.cell_warnings, summary.rejected_files) == (4, 2, 0)
    assert summary.details[0].sheet == "工单"
    warnings = dict(query(db, "SELECT order_id, extra_cells FROM raw_cell_warnings"))
    assert warnings["U2"] == "无表头的值,远处的值" and warnings["U4"] == "无表头"


def test_header_search_and_rejection_messages(tmp_path: Path, db: Path) -> None:
    titles = "\n".join(f"标题第{i}行" for i in range(8)) + "\n\n\n"  # eight title rows and blank lines
    (tmp_path / "titles.csv").write_text(titles + csv_text([order_row("H1")]), encoding="utf-8")
    (tmp_path / "utf16.csv").write_bytes(csv_text([order_row("H2")]).encode("utf-16"))
    broken = '"' + csv_text([order_row("H3", 诉求内容="x" * 500) for _ in range(50)])  # an unclosed quote
    (tmp_path / "broken.csv").write_text("说明\n" + broken, encoding="utf-8")
    results = load_files([tmp_path / n for n in ("titles.csv", "utf16.csv", "broken.csv")], db=db).details
    assert [r.status for r in results] == ["loaded", "rejected", "rejected"]
    assert "UTF-16" in results[1].message and "CSV UTF-8" in results[1].message
    assert len(results[2].message) < 1000 and "王五" not in results[2].message  # no caller's name from the rows


def test_every_quarantine_reason(tmp_path: Path, db: Path) -> None:
    path = write_csv(tmp_path / "messy.csv", messy_rows(), "gbk")
    summary = load_files([path], db=db)
    assert counts(summary) == {
        "files": 1, "rows_read": 15, "loaded": 4, "updated": 0, "unchanged": 0,
        "quarantined": 9, "duplicates": 2, "rejected_files": 0,
    }  # fmt: skip
    rows = query(db, "SELECT source_row, order_id, reason_code, reason, raw_record FROM raw_quarantine ORDER BY 1")
    by_row = {r[0]: r for r in rows}
    assert {r: by_row[r][2] for r in by_row} == {
        2: "missing_order_id", 3: "missing_received_at", 4: "bad_received_at", 5: "bad_timestamp",
        6: "bad_value", 7: "bad_value", 8: "chronology", 9: "chronology", 10: "superseded",
    }  # fmt: skip
    assert "「办结时间」的值「2024-03-32 10:00」无法识别为时间" in by_row[5][3]
    assert "「满意度」的值「还行」不在取值范围内" in by_row[6][3]
    assert "办结时间 2024-03-04 10:00:00 早于受理时间" in by_row[8][3]
    assert "派单时间 2024-03-05 08:00:00 早于受理时间" in by_row[9][3]
    assert "第 11 行" in by_row[10][3]
    assert json.loads(by_row[4][4])["受理时间"] == "待补录"  # the whole original row is kept
    assert set(json.loads(by_row[6][4])) == set(HEADER)
    loaded = dict(query(db, "SELECT order_id, satisfaction FROM stg_work_orders"))
    assert loaded == {"M1": "满意", "M9": "满意", "M10": "满意", "M11": "不满意"}
    assert query(db, "SELECT urgency, resolution FROM stg_work_orders WHERE order_id = 'M11'") == [("紧急", "已解决")]
    log = query(db, "SELECT rows_read, loaded, quarantined, duplicates, status FROM load_log")
    assert log == [(15, 4, 9, 2, "loaded")]


def test_unmappable_file_is_rejected_whole(tmp_path: Path, db: Path) -> None:
    good = write_csv(tmp_path / "good.csv", [order_row("G1")])
    bad = write_csv(tmp_path / "bad.csv", [{"编码": "1", "时间": "2024-03-05"}], header=["编码", "时间"])
    summary = load_files([good, bad], db=db)
    assert summary.rejected_files == 1 and summary.loaded == 1 and summary.files == 2
    message = summary.details[1].message
    assert "编码、时间" in message and "工单编号、工单号、编号" in message and "受理时间、来电时间、登记时间" in message
    assert query(db, "SELECT count(*) FROM stg_work_orders") == [(1,)]
    assert query(db, "SELECT status FROM load_log WHERE file_name = 'bad.csv'") == [("rejected",)]


def test_reloading_the_same_file_changes_nothing(tmp_path: Path, db: Path) -> None:
    path = write_csv(tmp_path / "m.csv", messy_rows())
    first = load_files([path], db=db)
    before = (db.stat().st_ino, db.stat().st_mtime_ns)
    again = load_files([path], db=db)
    assert counts(again) == {
        "files": 1, "rows_read": first.rows_read, "loaded": 0, "updated": 0, "unchanged": first.rows_read,
        "quarantined": 0, "duplicates": 0, "rejected_files": 0,
    }  # fmt: skip
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == before
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())  # same bytes under another name: still the same export
    assert load_files([copy], db=db).unchanged == first.rows_read


def test_the_same_bytes_twice_in_one_call_count_once_as_loaded_then_as_unchanged(tmp_path: Path, db: Path) -> None:
    old = write_csv(tmp_path / "old.csv", [order_row("O1")])
    load_files([old], db=db)
    path = write_csv(tmp_path / "m.csv", [order_row("T1"), order_row("T2"), order_row("T2"), order_row("T3")])
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    bad = write_csv(tmp_path / "bad.csv", [{"编码": "1"}], header=["编码"])
    bad_copy = tmp_path / "bad-copy.csv"
    bad_copy.write_bytes(bad.read_bytes())
    summary = load_files([path, old, bad, copy, path, bad_copy], db=db)
    assert counts(summary) == {
        "files": 6, "rows_read": 4 + 1 + 0 + 4 + 4 + 0, "loaded": 3, "updated": 0, "unchanged": 1 + 4 + 4,
        "quarantined": 0, "duplicates": 1, "rejected_files": 2,
    }  # fmt: skip
    assert [(r.file, r.status) for r in summary.details] == [
        ("m.csv", "loaded"),
        ("old.csv", "already_loaded"),
        ("bad.csv", "rejected"),
        ("copy.csv", "already_loaded"),
        ("m.csv", "already_loaded"),
        ("bad-copy.csv", "rejected"),
    ]  # fmt: skip: in the order given
    assert summary.details[5].message == summary.details[2].message
    assert query(db, "SELECT count(*) FROM stg_work_orders") == [(4,)]
    assert query(db, "SELECT count(*) FROM load_log WHERE status = 'loaded'") == [(2,)]


def test_later_snapshot_replaces_the_order(tmp_path: Path, db: Path) -> None:
    march = write_csv(tmp_path / "03.csv", [order_row("S1", 办结时间="", 满意度="", 回访时间=""), order_row("S2")])
    april = write_csv(
        tmp_path / "04.csv",
        [order_row("S1", 办结时间="2024-04-02 10:00:00", 满意度="基本满意"), order_row("S2"), order_row("S3")],
    )
    load_files([march], db=db)
    summary = load_files([april], db=db)
    assert (summary.loaded, summary.updated, summary.unchanged) == (1, 1, 1)
    assert query(db, "SELECT closed_at, satisfaction, source_file FROM stg_work_orders WHERE order_id = 'S1'") == [
        (datetime(2024, 4, 2, 10, 0), "基本满意", "04.csv")
    ]
    assert query(db, "SELECT count(*), count(DISTINCT order_id) FROM stg_work_orders") == [(3, 3)]
    assert query(db, "SELECT count(*), count(DISTINCT order_id) FROM raw_work_orders") == [(3, 3)]


def test_failure_midway_leaves_the_warehouse_as_it_was(tmp_path: Path, db: Path, monkeypatch) -> None:
    load_files([write_csv(tmp_path / "base.csv", [order_row("B1")])], db=db)
    before = query(db, "SELECT order_id, satisfaction FROM stg_work_orders"), query(db, "SELECT count(*) FROM load_log")
    real = load_module.apply_file
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full (injected)")
        return real(*args, **kwargs)

    monkeypatch.setattr(load_module, "apply_file", failing)
    one = write_csv(tmp_path / "one.csv", [order_row("B1", 满意度="不满意"), order_row("B2")])
    two = write_csv(tmp_path / "two.csv", [order_row("B3")])
    with pytest.raises(RuntimeError, match="injected"):
        load_files([one, two], db=db)
    after = query(db, "SELECT order_id, satisfaction FROM stg_work_orders"), query(db, "SELECT count(*) FROM load_log")
    assert after == before
    assert not list(db.parent.glob(".*loading*"))  # no half-written copy left behind
    monkeypatch.setattr(load_module, "apply_file", real)
    assert load_files([one, two], db=db).loaded == 2  # and the next load succeeds


READER = """
import os, sys, duckdb
from warehouse.connection import Reader
reader = Reader(sys.argv[1])
stop = sys.argv[2]
seen, errors = set(), 0
def look():
    global errors
    try:
        seen.add(reader.connection().execute("SELECT count(*) FROM stg_work_orders").fetchall()[0][0])
    except Exception as exc:
        errors += 1
        print("ERR", exc, file=sys.stderr)
look()
print("ready", flush=True)
while not os.path.exists(stop):
    look()
look()  # once more after the load has finished: the new file
print(sorted(seen), errors)
"""


def test_reader_process_keeps_working_during_a_load(tmp_path: Path, db: Path) -> None:
    """A reader in another process queries without pause before, during and after a load (a handshake
    tells the load when the reader is running, a stop file when the load is done: no timing)."""
    load_files([write_csv(tmp_path / "a.csv", [order_row(f"R{i}") for i in range(5)])], db=db)
    big = write_csv(tmp_path / "b.csv", [order_row(f"N{i}") for i in range(20000)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    stop = tmp_path / "stop"
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"  # the reader is open and querying
    assert load_files([big], db=db).loaded == 20000
    stop.touch()
    out, err = proc.communicate(timeout=120)
    seen, errors = out.rsplit(" ", 1)
    assert int(errors) == 0, err
    assert json.loads(seen) == [5, 20005]  # the old data during the load, the new data after it


def test_personal_data_stops_at_the_raw_layer(tmp_path: Path, db: Path) -> None:
    rows = [order_row("P1", 联系电话="139-1234-5678"), order_row("P2", 联系电话="+86 13912345678")]
    load_files([write_csv(tmp_path / "p.csv", rows)], db=db)
    stg_cols = {
        r[0]
        for r in query(db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'stg_work_orders'")
    }
    assert not stg_cols & {"citizen_name", "citizen_phone", "content"}
    hashes = query(db, "SELECT DISTINCT citizen_phone_hash FROM stg_work_orders")
    assert len(hashes) == 1 and "13912345678" not in hashes[0][0]  # same caller, one hash
    key = db.parent / "phone_hash.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    other = tmp_path / "other" / "hotline.duckdb"
    load_files([write_csv(tmp_path / "p2.csv", rows)], db=other)
    assert query(other, "SELECT DISTINCT citizen_phone_hash FROM stg_work_orders") != hashes  # keyed, not plain


def test_cli_json_summary(tmp_path: Path, db: Path) -> None:
    path = write_csv(tmp_path / "messy.csv", messy_rows())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOTLINE_DB": str(tmp_path / "ignored.duckdb")}
    out = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(path), "--db", str(db), "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    got = json.loads(out.stdout)
    assert {k: got[k] for k in ("files", "rows_read", "loaded", "quarantined", "duplicates", "rejected_files")} == {
        "files": 1, "rows_read": 15, "loaded": 4, "quarantined": 9, "duplicates": 2, "rejected_files": 0,
    }  # fmt: skip
    assert db.exists() and not (tmp_path / "ignored.duckdb").exists()


def test_the_pages_open_on_the_latest_complete_month_of_intake(tmp_path: Path, db: Path) -> None:
    """An export of March's intake: one order is dispatched in April and closed in May, so the data
    reaches April's last day, yet April holds no intake and is not the month to open on."""
    rows = [order_row(f"D{i}") for i in range(12)]
    rows.append(order_row("LATE", received="2024-03-31 23:00:00", 派单时间="2024-04-01 08:00:00",
                          签收时间="", 首次联系时间="", 办结时间="2024-05-02 09:00:00", 回访时间=""))  # fmt: skip
    load_files([write_csv(tmp_path / "march.csv", rows)], db=db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert fetch_months(con) == [date(2024, 3, 1), date(2024, 4, 1)]
        assert fetch_intake_months(con) == [date(2024, 3, 1)]
        assert default_period(con) == Period.month("2024-03")
    finally:
        con.close()
    assert latest_complete_month([date(2024, 3, 1), date(2024, 4, 1)], datetime(2024, 4, 29)) == date(2024, 3, 1)


def test_a_big_gbk_file_transcoded_in_two_halves_is_the_whole(tmp_path: Path, monkeypatch) -> None:
    """The parallel transcode (a helper process takes the second half) gives the very bytes of the
    sequential one, with multi-byte characters and a quoted line break around the cut."""
    from etl import readers

    rows = [order_row(f"H{i}", 诉求内容=f"第{i}户：楼上漏水\n已多次反映，请尽快处理") for i in range(400)]
    path = write_csv(tmp_path / "gbk.csv", rows, "gb18030")
    src = readers.open_source(path)
    assert src.encoding == "gb18030"
    with readers.utf8_csv(src) as whole:
        expected = whole.read_bytes()
    monkeypatch.setattr(readers.utf8, "PARALLEL_TRANSCODE_BYTES", 0)
    with readers.utf8_csv(src) as halves:
        assert halves.read_bytes() == expected == csv_text(rows).encode("utf-8")
    summary = load_files([path], db=tmp_path / "h.duckdb")
    assert (summary.loaded, summary.quarantined) == (400, 0)


def test_bad_bytes_in_the_second_half_name_their_offset(tmp_path: Path, monkeypatch) -> None:
    from etl import readers

    good = csv_text([order_row(f"G{i}", 诉求内容="噪声扰民") for i in range(300)]).encode("gbk")
    path = tmp_path / "bad.csv"
    head = good + good.split(b"\n", 1)[1]  # the bad bytes come after the middle: the helper's half
    path.write_bytes(head + b"X1,\xff\xfe\n")
    monkeypatch.setattr(readers.utf8, "PARALLEL_TRANSCODE_BYTES", 0)
    with (
        pytest.raises(readers.ReadError, match="字节附近无法解码") as caught,
        readers.utf8_csv(readers.SourceFile(path, "csv", "gb18030")),
    ):
        pass
    offset = int(re.search(r"第 (\d+) 字节", str(caught.value)).group(1))
    assert abs(offset - (len(head) + 3)) <= 4


def test_a_load_reports_the_seconds_of_its_stages_within_its_total(tmp_path: Path, db: Path) -> None:
    """The load times its own stages (``python -m bench stages`` reads them, nothing is patched): each
    of read, check, write and refresh, none negative, together never more than the whole load; a load
    that reads and writes nothing spends nothing in any of them."""
    from etl.progress import TIMED_STAGES

    path = write_csv(tmp_path / "a.csv", [order_row(f"S{i}") for i in range(40)] + [order_row("S-bad", "昨天")])
    summary = load_files([path], db=db)
    assert (summary.loaded, summary.quarantined) == (40, 1)
    assert list(summary.stages) == list(TIMED_STAGES) == ["read", "check", "write", "refresh"]
    assert all(seconds >= 0 for seconds in summary.stages.values())
    # floored to the millisecond, so in whole milliseconds the stages fit inside the (rounded) total
    assert sum(round(s * 1000) for s in summary.stages.values()) <= round(summary.seconds * 1000)
    assert json.loads(summary.to_json())["stages"] == summary.stages
    again = load_files([path], db=db)  # already loaded: nothing read, checked, written or refreshed
    assert again.unchanged == 41 and again.stages == dict.fromkeys(TIMED_STAGES, 0.0)
