"""What a load reads and writes about loads: the files loaded before, the load log row of each file,
the live warehouse's state, and the journal line a restore reads (warehouse.backups.replay_advice)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.backups import WarehouseCorruptError, corrupt_message
from warehouse.connection import open_read_only
from warehouse.state import WarehouseState, fetch_state

if TYPE_CHECKING:
    from etl.load import FileResult


def write_log_row(
    con: duckdb.DuckDBPyConnection, load_id: int, sha: str, path: Path, res: FileResult, profile: str,
    is_demo: bool, key_fingerprint: str,
) -> None:  # fmt: skip
    con.execute(
        """INSERT INTO load_log (load_id, file_name, file_sha256, file_bytes, encoding, sheet, profile, status,
               message, rows_read, loaded, updated, unchanged, quarantined, duplicates, column_map, started_at, seconds,
               is_demo, key_fingerprint)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            load_id, res.file, sha, path.stat().st_size, res.encoding, res.sheet, profile, res.status,
            res.message or "；".join(res.warnings), res.rows_read, res.loaded, res.updated, res.unchanged, res.quarantined,
            res.duplicates, json.dumps(res.column_map, ensure_ascii=False), datetime.now(), res.seconds,
            is_demo, key_fingerprint,
        ],
    )  # fmt: skip


def already_loaded(db_path: Path) -> dict[str, int]:
    """sha256 -> rows_read of every file loaded before (read-only: no write when nothing is new)."""
    if not db_path.exists():
        return {}
    con = open_read_only(db_path)
    try:
        has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'load_log'").fetchall()
        if not has[0][0]:
            return {}
        rows = con.execute("SELECT file_sha256, max(rows_read) FROM load_log WHERE status = 'loaded' GROUP BY 1")
        return dict(rows.fetchall())
    except duckdb.Error as exc:  # opens, but a table cannot be read: as corrupt as a bad header
        raise WarehouseCorruptError(corrupt_message(db_path, exc)) from None
    finally:
        con.close()


def live_state(con: duckdb.DuckDBPyConnection, db_path: Path, fresh: bool) -> WarehouseState:
    """What the live warehouse holds: the private copy says so, except when the load starts from an
    empty file (``fresh``); then the live file is read (the load lock keeps it as it is meanwhile)."""
    if not fresh:
        return fetch_state(con)
    if not db_path.exists():
        return fetch_state(con)
    live = open_read_only(db_path)
    try:
        return fetch_state(live)
    except duckdb.Error as exc:
        raise WarehouseCorruptError(corrupt_message(db_path, exc)) from None
    finally:
        live.close()


def journal_entry(
    todo: list[tuple[Path, str]], results: list[FileResult], intent: tuple[bool, bool, bool], profile: str | None = None
) -> dict:
    """What a restore needs to say which loads an older version lacks and how to replay them; ``profile``:
    the file of the custom profile the load read its exports with (None for the default)."""
    mark_demo, replace_demo, new_key = intent
    files = [
        {"name": r.file, "path": str(p.resolve()), "sha256": sha, "status": r.status}
        for (p, sha), r in zip(todo, results, strict=True)
    ]
    flags = [
        f for f, on in (("--demo-data", mark_demo), ("--replace-demo", replace_demo), ("--new-key", new_key)) if on
    ]
    if profile:
        flags += ["--profile", profile]
    return {"at": datetime.now().isoformat(), "files": files, "flags": flags}
