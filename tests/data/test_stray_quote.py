"""Issue 12 item 10: one stray quote in a 20,001-line CSV makes one row of 19,999 swallowed lines;
the load says so (reason, cell warning, summary) and names the row where the quote opened."""

from __future__ import annotations

import json
from pathlib import Path

from etl.__main__ import main
from etl.load import load_files
from tests.conftest import HEADER, csv_text, order_row, query


def stray_quote_csv(path: Path, row: int, column: str) -> Path:
    """20,000 orders; the cell ``column`` of data row ``row`` starts with a quote that never closes."""
    lines = csv_text([order_row(f"S{i}") for i in range(20000)]).split("\n")
    cells = lines[row].split(",")
    cells[HEADER.index(column)] = '"' + cells[HEADER.index(column)]
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_quote_opening_the_order_id_names_the_swallowed_lines(tmp_path: Path, db: Path) -> None:
    path = stray_quote_csv(tmp_path / "stray.csv", row=1, column="工单编号")
    summary = load_files([path], db=db)
    res = summary.details[0]
    assert (res.rows_read, res.quarantined) == (1, 1)
    [(code, reason)] = query(db, "SELECT reason_code, reason FROM raw_quarantine")
    assert code == "missing_received_at" and reason.startswith("受理时间为空；「工单编号」这一格以一个未配对的引号开始")
    assert "其后 19,999 行被并入了这一格" in reason
    assert res.warnings == [f"第 1 行：{reason.removeprefix('受理时间为空；')}"]
    assert summary.warnings == 1
    assert "19,999" in query(db, "SELECT message FROM load_log")[0][0]


def test_a_quote_opening_the_last_cell_is_a_warning_on_the_loaded_row(tmp_path: Path, db: Path, capsys) -> None:
    path = stray_quote_csv(tmp_path / "stray.csv", row=300, column="考核豁免")
    assert main(["load", str(path), "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["rows_read"], out["loaded"], out["quarantined"], out["warnings"]) == (300, 300, 0, 1)
    assert out["details"][0]["warnings"][0].startswith(
        "第 300 行：「考核豁免」这一格以一个未配对的引号开始，其后 19,700 行"
    )
    [(row, message)] = query(db, "SELECT source_row, message FROM raw_cell_warnings")
    assert row == 300 and "19,700" in message and message.endswith("本行已导入")
    again = stray_quote_csv(tmp_path / "again.csv", row=5, column="考核豁免")
    assert main(["load", str(again), "--db", str(db), "--strict"]) == 1
    assert "提示：第 5 行：「考核豁免」" in capsys.readouterr().out


def test_long_multiline_content_is_not_a_swallow(tmp_path: Path, db: Path) -> None:
    """A long complaint in many paragraphs (commas and all) is a cell, not swallowed records."""
    text = "\n".join(f"第{i}段，小区物业, 又收费, 不合理" for i in range(40))
    path = tmp_path / "long.csv"
    path.write_text(csv_text([order_row("L1", 诉求内容=text), order_row("L2")]), encoding="utf-8")
    summary = load_files([path], db=db)
    assert (summary.loaded, summary.warnings, summary.cell_warnings) == (2, 0, 0)
