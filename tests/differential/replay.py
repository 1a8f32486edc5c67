"""Replay recorded calls with whatever ``etl`` is on the path (an old revision's or this checkout's) and
write what they gave as JSON: ``python replay.py CORPUS CALLS.json WORK KEYFILE`` (into WORK/result.json).

Uses only what old and new loaders share: ``etl.load.load_files``, ``etl.load.prepare_file`` and the
``checked`` of what it returns. HOTLINE_DIFF_PIECE_BYTES / HOTLINE_DIFF_SLICE_ROWS make the new loader
read in pieces of that many bytes and check slices of that many rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import sys
from pathlib import Path

import duckdb

TABLES = ("raw_quarantine", "raw_cell_warnings", "raw_work_orders", "stg_work_orders", "fct_work_orders", "dim_units")
LOAD_LOG = ("load_id, file_name, file_sha256, file_bytes, encoding, sheet, profile, status, message, rows_read, "
            "loaded, updated, unchanged, quarantined, duplicates, column_map")  # fmt: skip


def _cell(value: object) -> object:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value if isinstance(value, str | int | bool) or value is None else str(value)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[list[object]]:
    return [[_cell(v) for v in row] for row in con.execute(sql).fetchall()]


def _tables(db: Path) -> dict[str, object]:
    if not db.exists():
        return {"warehouse": None}
    con = duckdb.connect(str(db), read_only=True)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        out: dict[str, object] = {"load_log": _rows(con, f"SELECT {LOAD_LOG} FROM load_log ORDER BY load_id")}
        for name in [*(t for t in TABLES if t in present), *sorted(n for n in present if n.startswith("met_"))]:
            out[name] = _rows(con, f"SELECT {_by_name(con, name)} FROM {name} ORDER BY ALL")
        return out
    finally:
        con.close()


def _by_name(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The table's columns in name order: a column added by ALTER in the old layout and declared in the
    new one compares as the same column, not as a shifted row."""
    names = sorted(r[0] for r in con.execute(f"DESCRIBE {table}").fetchall())
    return ", ".join('"' + n.replace('"', '""') + '"' for n in names)


def _frame(frame: object) -> list[list[object]]:
    return [[_cell(v) for v in row] for row in frame.rows()]  # type: ignore[attr-defined]


def _preview(call: dict, corpus: Path) -> dict[str, object]:
    from etl.load import prepare_file

    profile = pickle.loads((corpus / call["profile"]).read_bytes())
    path = corpus / call["file"]["copy"] if call["file"]["copy"] else Path("/nonexistent") / call["file"]["name"]
    try:
        checked = prepare_file(path, profile).checked
    except Exception as exc:  # the message is what is compared
        return {"error": type(exc).__name__, "message": str(exc)}
    good = checked.good.sort("__row")
    return {
        "rows_read": checked.rows_read, "duplicates": checked.duplicates, "notes": list(checked.notes),
        "good_columns": good.columns, "good": _frame(good), "quarantine": _frame(checked.quarantine),
        "warnings": _frame(checked.warnings),
    }  # fmt: skip


def _load(call: dict, corpus: Path, db: Path) -> dict[str, object]:
    from etl.load import load_files

    paths = []
    for f in call["files"]:
        paths.append(corpus / f["copy"] if f["copy"] else db.parent / "missing" / f["name"])
    profile = call["profile"]
    if profile and profile.startswith("file:"):
        profile = str(corpus / profile[5:])
    elif profile:
        profile = profile[5:]
    try:
        summary = load_files(paths, db=db, profile=profile, mark_demo=call["mark_demo"])
    except Exception as exc:
        return {"error": type(exc).__name__, "message": str(exc), "tables": _tables(db)}
    keys = ("file", "status", "message", "rows_read", "loaded", "updated", "unchanged", "quarantined", "duplicates",
            "cell_warnings", "encoding", "sheet", "column_map", "warnings")  # fmt: skip
    files = [{k: getattr(r, k, None) for k in keys} for r in summary.details]
    return {"files": files, "refresh": summary.refresh, "tables": _tables(db)}


def main(corpus: Path, calls_file: Path, work: Path, key: Path) -> None:
    os.environ["HOTLINE_KEY_FILE"] = str(key)
    if os.environ.get("HOTLINE_DIFF_PIECE_BYTES"):
        from etl.readers import pieces

        pieces.PIECE_BYTES = int(os.environ["HOTLINE_DIFF_PIECE_BYTES"])
    if os.environ.get("HOTLINE_DIFF_SLICE_ROWS"):
        from etl import validate

        validate.SLICE_ROWS = int(os.environ["HOTLINE_DIFF_SLICE_ROWS"])
    out: dict[str, object] = {}
    for index, call in json.loads(calls_file.read_text(encoding="utf-8")):
        env = call.get("env") or {}
        for name, value in env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = str(corpus / value) if name == "HOTLINE_SETTINGS" else value
        if call["kind"] == "preview":
            out[str(index)] = _preview(call, corpus)
        else:
            db = work / f"wh{call['group']}" / "hotline.duckdb"
            out[str(index)] = _load(call, corpus, db)
    (work / "result.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
