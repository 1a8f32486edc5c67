"""Scale without new answers: a file checked in slices gives exactly what the whole-file check gives,
and the incremental refresh after each monthly load leaves exactly the tables a full rebuild builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import validate
from etl.democity.generate import write_demo
from etl.load import load_files, prepare_file
from etl.mapping import ROW
from etl.profiles import load_profile
from etl.readers import pieces
from tests.conftest import csv_text, order_row, query, write_csv
from tests.data.test_load import messy_rows
from warehouse.metrics import DERIVED_TABLES, rebuild
from warehouse.settings import load_settings

PROFILE = load_profile()


def _split_file(tmp_path: Path) -> Path:
    """Messy rows, with repeats of one order far apart (so that slices separate them)."""
    rows = messy_rows()
    rows += [order_row(f"F{i}", 满意度="不满意" if i % 5 else "满意") for i in range(40)]
    rows += [order_row("M9", 满意度="基本满意"), order_row("F3", 满意度="满意"), order_row("F7", 满意度="满意")]
    rows += [order_row("F11", 满意度="满意"), order_row("", 满意度="满意"), order_row("M1")]
    return write_csv(tmp_path / "split.csv", rows, "gbk")


@pytest.mark.parametrize("slice_rows", [1, 4, 7, 1000])
def test_checking_in_slices_equals_checking_the_whole_file(tmp_path: Path, slice_rows: int) -> None:
    path = _split_file(tmp_path)
    whole = prepare_file(path, PROFILE, slice_rows=10**9).checked
    sliced = prepare_file(path, PROFILE, slice_rows=slice_rows).checked
    assert (sliced.rows_read, sliced.duplicates) == (whole.rows_read, whole.duplicates)
    assert sliced.good.sort(ROW).equals(whole.good.sort(ROW))
    assert sliced.quarantine.equals(whole.quarantine)
    assert {"superseded", "missing_order_id", "chronology"} <= set(whole.quarantine["reason_code"])


def test_the_fields_a_file_carries_are_counted_once_whatever_the_slices(tmp_path: Path, monkeypatch) -> None:
    """load_fields counts the file's loaded rows carrying each field. Rows written in a slice and taken
    back when their order occurs again later in the file (F3, F7, F11, M1, M9) count once, as loaded."""
    path = _split_file(tmp_path)
    counts = {}
    for slice_rows in (10**9, 4):
        monkeypatch.setattr(validate, "SLICE_ROWS", slice_rows)
        db = tmp_path / str(slice_rows) / "hotline.duckdb"
        summary = load_files([path], db=db)
        counts[slice_rows] = query(db, "SELECT field, source, rows_with_value FROM load_fields ORDER BY field")
        carried = dict((field, n) for field, _source, n in counts[slice_rows])
        assert carried["order_id"] == summary.loaded + summary.unchanged + summary.updated, slice_rows
    assert counts[4] == counts[10**9]


@pytest.mark.slow  # hundreds of tiny pieces each checked alone: make test runs it, make test-fast leaves it out
@pytest.mark.parametrize(
    ("encoding", "ragged", "raw_quote"),
    [
        ("utf-8", False, False),
        ("utf-8-sig", True, False),
        ("gbk", True, False),
        ("utf-8", False, True),
        ("gbk", True, True),
    ],
)
def test_a_csv_read_in_pieces_of_any_size_gives_what_it_gives_whole(
    tmp_path: Path, monkeypatch, encoding: str, ragged: bool, raw_quote: bool
) -> None:
    """Quoted line breaks, quotes and commas in cells, CRLF, blank and short lines at piece borders;
    ``ragged``: a row longer than the header; ``raw_quote``: a quote inside an unquoted cell, which
    throws a count of quotes off. Either makes Polars refuse a piece, and the rest of the file is cut by
    records. Repeats of one order far apart land in different pieces and slices."""
    rows = [
        order_row(f"Q{i}", 诉求内容=f'第{i}行"引号"，逗号,\r\n换行\n"再引"' if i % 3 else "普通", 所属区县=" 青岚区 ")
        for i in range(130)  # ~300 lines: line 200 below is a record's end, as it was with more rows
    ]
    rows += [order_row("Q7", 满意度="不满意"), order_row("Q110"), *[order_row("Q11", 诉求内容="普通")] * 2]
    lines = csv_text(rows).splitlines()
    if ragged:  # loaded, its extra cells a warning
        lines[200] += ",多出的,单元格"
    if raw_quote:  # 12"显示器 written as it is, in an unquoted cell near the top
        at = next(i for i, line in enumerate(lines) if i > 5 and ",普通," in line)
        lines[at] = lines[at].replace(",普通,", ',12"显示器,', 1)
    text = "\r\n".join(lines) + "\r\n\r\n工单编号短行\r\nLAST,2024-03-05"
    path = tmp_path / "big.csv"
    path.write_bytes(text.encode("gbk" if encoding == "gbk" else encoding))
    once = prepare_file(path, PROFILE).checked
    assert once.quarantine.height and once.good.height and once.duplicates == 1
    assert once.warnings.height == ragged and (not ragged or once.warnings["extra_cells"][0] == "多出的,单元格")
    for piece in (97, 1000, 4096):
        monkeypatch.setattr(pieces, "PIECE_BYTES", piece)
        prep = prepare_file(path, PROFILE, slice_rows=50)
        sliced = prep.checked
        assert prep.raw.pieces_read > 1 and prep.raw.cut_between_records == (ragged or raw_quote), piece
        assert (sliced.rows_read, sliced.duplicates) == (once.rows_read, once.duplicates)
        assert sliced.good.sort(ROW).equals(once.good.sort(ROW))
        assert sliced.quarantine.equals(once.quarantine)
        assert sliced.warnings.equals(once.warnings)
    summary = load_files([path], db=tmp_path / "pieces" / "hotline.duckdb")  # the load path, in pieces
    assert (summary.loaded, summary.quarantined, summary.duplicates, summary.cell_warnings) == (
        once.good.height, once.quarantine.height, once.duplicates, int(ragged))  # fmt: skip


def _tables(db: Path) -> dict[str, pl.DataFrame]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for name in DERIVED_TABLES:
            df = con.sql(f"SELECT * FROM {name}").pl()
            out[name] = df.sort(df.columns, nulls_last=True)
        return out
    finally:
        con.close()


def _rebuilt_in_full_equals(incremental: dict[str, pl.DataFrame], db: Path, tmp_path: Path) -> dict[str, pl.DataFrame]:
    """Rebuild a copy of ``db`` in full and assert its derived tables equal ``incremental``; the full tables."""
    copy = tmp_path / "full.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    rebuild(con, load_settings())
    con.close()
    full = _tables(copy)
    for name in DERIVED_TABLES:
        assert incremental[name].columns == full[name].columns, name
        assert incremental[name].equals(full[name]), (name, incremental[name].height, full[name].height)
    return full


def _meta(db: Path, key: str) -> str | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None
    finally:
        con.close()


@pytest.mark.slow  # four monthly loads and a full rebuild: make test runs it, make test-fast leaves it out
def test_incremental_refresh_equals_a_full_rebuild(tmp_path: Path, db: Path, monkeypatch) -> None:
    """Monthly loads (snapshot updates of earlier orders, repeat callers, a moving as-of time), each
    followed by an incremental refresh, in small slices; then the same warehouse rebuilt in full.
    The CSV months are read in 64 KB pieces (five or six to a file), so the pieces reach the tables too.
    (A file read whole goes through the same refresh: the redo-chain test below reads whole files, and
    test_a_csv_read_in_pieces_of_any_size_gives_what_it_gives_whole shows pieces give what whole gives.)"""
    monkeypatch.setattr(validate, "SLICE_ROWS", 257)
    monkeypatch.setattr(pieces, "PIECE_BYTES", 64 * 1024)
    paths = write_demo(tmp_path / "demo", months=4, orders_per_month=700, seed=11)
    prep = prepare_file(paths[0], PROFILE)  # the first month's CSV is read in several pieces
    assert prep.checked.rows_read and prep.raw.pieces_read >= 4, prep.raw.pieces_read
    modes = []
    for path in paths:
        summary = load_files([path], db=db)
        modes.append(summary.refresh)
    assert modes == ["full", "incremental", "incremental", "incremental"]
    assert _meta(db, "metrics_refresh") == "incremental"
    con = duckdb.connect(str(db), read_only=True)
    try:  # the staging table never outlives a load; the snapshots are the fact table's
        assert con.sql("SELECT table_type FROM information_schema.tables WHERE table_name LIKE 'stg%'").fetchall() == [
            ("VIEW",)
        ]
    finally:
        con.close()
    incremental = _tables(db)
    assert incremental["fct_work_orders"]["is_repeat"].sum() > 0  # the data exercised repeat groups
    assert incremental["fct_work_orders"]["is_overdue_open"].sum() > 0  # and as-of dependent flags

    _rebuilt_in_full_equals(incremental, db, tmp_path)


def test_reloading_a_month_after_settings_change_rebuilds_in_full(tmp_path: Path, db: Path, monkeypatch) -> None:
    first = write_csv(tmp_path / "a.csv", [order_row("A1"), order_row("A2", 满意度="不满意")])
    second = write_csv(tmp_path / "b.csv", [order_row("A2", 满意度="满意"), order_row("A3")])
    assert load_files([first], db=db).refresh == "full"
    settings = tmp_path / "settings.toml"
    settings.write_text("partial_resolution_weight = 0.5\n", encoding="utf-8")
    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings))
    assert load_files([second], db=db).refresh == "full"  # other settings: nothing computed before holds
    third = write_csv(tmp_path / "c.csv", [order_row("A4")])
    assert load_files([third], db=db).refresh == "incremental"


def test_incremental_repeat_flags_when_orders_move_within_and_between_groups(tmp_path: Path, db: Path) -> None:
    """Later snapshots that move an order in time, to another caller or another category: the orders
    right after its old and new places change their repeat flags; a full rebuild agrees."""

    def call(order_id: str, day: int, phone: str = "13900000001", category: str = "城乡建设->物业管理->收费") -> dict:
        return order_row(order_id, received=f"2024-03-{day:02d} 09:00:00", 联系电话=phone, 问题分类=category,
                         派单时间=f"2024-03-{day:02d} 10:00:00", 签收时间="", 首次联系时间=f"2024-03-{day:02d} 12:00:00",
                         办结时间="", 回访时间="", 是否解决="", 满意度="")  # fmt: skip

    first = [call("R1", 1), call("R2", 10), call("R3", 20), call("R4", 28), call("S1", 5, phone="13900000002")]
    load_files([write_csv(tmp_path / "a.csv", first)], db=db)
    later = [
        call("R2", 25),  # moves after R3: R3 loses its predecessor R2, R4 gets R2 instead of R3
        call("R5", 2),  # a new order between R1 and R3's old predecessor
        call("S1", 6, phone="13900000001"),  # moves to the first caller's group
        call("R1", 1, category="城乡建设->环境卫生->垃圾"),  # leaves the group for another category
    ]
    assert load_files([write_csv(tmp_path / "b.csv", later)], db=db).refresh == "incremental"
    full = _rebuilt_in_full_equals(_tables(db), db, tmp_path)
    repeats = dict(full["fct_work_orders"].select("order_id", "repeat_of_order_id").iter_rows())
    assert repeats == {"R1": None, "R5": None, "S1": "R5", "R3": "S1", "R2": "R3", "R4": "R2"}


def test_incremental_redo_chains_and_overdue_ages_equal_a_full_rebuild(tmp_path: Path, db: Path) -> None:
    """A chain's figures sit on its first order: a redo arriving in a later load (linked from either side),
    a redo's later re-rating, a proxy redo (a repeat call in a file without link fields) and a moving as-of
    time that ages overdue orders must rewrite the first order's row as a full rebuild would."""
    from tests.conftest import HEADER

    head = [*HEADER, "原工单编号", "重办工单"]

    def call(oid: str, day: int, sat: str = "", phone: str = "13900000001", **cells: str) -> dict:
        closed = f"2024-03-{day:02d} 16:00:00" if sat else ""
        return order_row(oid, f"2024-03-{day:02d} 09:00:00", 派单时间=f"2024-03-{day:02d} 10:00:00", 签收时间="",
                         首次联系时间="", 办结时间=closed, 回访时间=closed, 是否解决="", 满意度=sat, 联系电话=phone,
                         **cells)  # fmt: skip

    loads = [
        [([call("A1", 1, "不满意"), call("B1", 1, phone="13900000002"),
           call("D1", 2, "不满意", phone="13900000004", 重办工单="D1R")], head)],  # D1 names a redo not loaded yet
        [([call("A1R", 5, "不满意", 原工单编号="A1"), call("B2", 8, phone="13900000003")], head)],
        [([call("D1R", 9, "满意", phone="13900000009")], head)],  # linked from D1's side only
        [([call("C1", 10, "不满意", phone="13900000007")], HEADER)],  # no link fields: the proxy
        [([call("C2", 12, "满意", phone="13900000007")], HEADER),  # C1's proxy redo, and A1R re-rated
         ([call("A1R", 5, "满意", 原工单编号="A1")], head)],
        [([call("E1", 28, phone="13900000008")], HEADER)],  # a late order moves the as-of time: B1, B2 age
    ]  # fmt: skip
    for i, files in enumerate(loads):
        paths = [write_csv(tmp_path / f"l{i}_{j}.csv", rows, header=h) for j, (rows, h) in enumerate(files)]
        assert load_files(paths, db=db).refresh == ("full" if i == 0 else "incremental"), i
    full = _rebuilt_in_full_equals(_tables(db), db, tmp_path)
    fct = {r["order_id"]: r for r in full["fct_work_orders"].iter_rows(named=True)}
    assert (fct["A1"]["is_redone"], fct["A1"]["final_satisfaction"], fct["A1"]["second_satisfaction"]) == (
        True,
        "满意",
        "满意",
    )
    assert fct["A1R"]["redo_of_order_id"] == "A1" and fct["D1R"]["redo_of_order_id"] == "D1"
    assert fct["D1"]["final_satisfaction"] == "满意"
    assert (fct["C2"]["redo_of_order_id"], fct["C1"]["final_satisfaction"]) == ("C1", "满意")
    # as of 3/28 10:00: B1 due 3/12 (Fri 3/1 + 7 working days), 3/13..3/28 = 12 working days; B2 due 3/19: 7
    assert (fct["B1"]["overdue_age_bucket"], fct["B2"]["overdue_age_bucket"]) == ("8_15", "4_7")
