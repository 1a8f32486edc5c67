"""Loading: read -> map -> check -> one transaction into the warehouse (SPEC §2.1, §7).

A load is idempotent per file content (a file whose bytes were loaded before changes nothing and
all its rows count as unchanged), a later snapshot of an order replaces the earlier one, and the
whole call is one transaction on a private copy of the warehouse (see warehouse.connection).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from etl.keys import phone_hash_key
from etl.mapping import ColumnMap, UnmappableError, find_header, tidy_cells, to_canonical
from etl.profiles import Profile, load_profile
from etl.readers import ReadError, SourceFile, open_source, preview_rows, read_frame
from etl.validate import Checked, check_rows
from warehouse.connection import resolve_db_path, writer
from warehouse.fields import FIELDS, PII, TEXT

SQL_DIR = Path(__file__).parent / "sql"
COUNTS = ("rows_read", "loaded", "updated", "unchanged", "quarantined", "duplicates")


@dataclass
class FileResult:
    file: str
    status: str  # loaded | already_loaded | rejected
    message: str = ""
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    encoding: str | None = None
    sheet: str | None = None
    column_map: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class LoadSummary:
    files: int = 0
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    rejected_files: int = 0
    seconds: float = 0.0
    rebuild_seconds: float = 0.0  # of ``seconds``: recomputing the metric tables after the files
    db: str = ""
    details: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.details.append(result)
        if result.status == "rejected":
            self.rejected_files += 1
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(result, name))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Prepared:
    source: SourceFile
    cmap: ColumnMap
    checked: Checked


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_file(path: Path, profile: Profile) -> Prepared:
    """Everything that needs no warehouse: read, find the header, map, check. Raises on a bad file."""
    src = open_source(path, profile.encoding, profile.sheet)
    cmap = find_header(preview_rows(src), profile)
    frame = tidy_cells(read_frame(src, cmap.header_row))
    canonical = to_canonical(frame, cmap, profile)
    return Prepared(src, cmap, check_rows(canonical, frame, cmap, profile))


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _run_script(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> None:
    for statement in _sql(name).split(";"):
        body = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--"))
        if body.strip():
            used = {k: v for k, v in params.items() if f"${k}" in body}
            con.execute(body, used)


def _incoming_columns() -> list[str]:
    """Typed values, plus the text of free-text fields and PII: what the SQL needs, nothing more."""
    cols = ["__row"]
    for spec in FIELDS:
        cols.append(spec.name if spec.kind in (TEXT, PII) else f"{spec.name}__v")
    return cols


def apply_file(con: duckdb.DuckDBPyConnection, prep: Prepared, load_id: int, key: str) -> FileResult:
    """Write one checked file into the open transaction; return its counts."""
    name = prep.source.path.name
    good = prep.checked.good
    con.register("incoming", good.select(_incoming_columns()).to_arrow(compat_level=pl.CompatLevel.newest()))
    params = {"key": key, "load_id": load_id, "source_file": name}
    _run_script(con, "incoming_stg", params)
    _run_script(con, "incoming_known", params)
    known, same = con.execute("SELECT count(*), count(*) FILTER (WHERE same) FROM incoming_known").fetchall()[0]
    _run_script(con, "apply_incoming", params)
    con.execute("DROP VIEW incoming_stg; DROP TABLE incoming_known; DROP TABLE load_params")
    con.unregister("incoming")
    quarantine = prep.checked.quarantine.with_columns(
        pl.lit(load_id, pl.Int64).alias("load_id"), pl.lit(name).alias("source_file")
    )
    con.register("incoming_quarantine", quarantine.to_arrow())
    con.execute("INSERT INTO raw_quarantine BY NAME SELECT * FROM incoming_quarantine")
    con.unregister("incoming_quarantine")
    return FileResult(
        file=name,
        status="loaded",
        rows_read=prep.checked.rows_read,
        loaded=good.height - known,
        updated=known - same,
        unchanged=same,
        quarantined=quarantine.height,
        duplicates=prep.checked.duplicates,
        encoding=prep.source.encoding,
        sheet=prep.source.sheet,
        column_map=prep.cmap.as_dict(),
    )


def _log(con: duckdb.DuckDBPyConnection, load_id: int, sha: str, path: Path, res: FileResult, profile: str) -> None:
    con.execute(
        """INSERT INTO load_log (load_id, file_name, file_sha256, file_bytes, encoding, sheet, profile, status,
               message, rows_read, loaded, updated, unchanged, quarantined, duplicates, column_map, started_at, seconds)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            load_id, res.file, sha, path.stat().st_size, res.encoding, res.sheet, profile, res.status,
            res.message, res.rows_read, res.loaded, res.updated, res.unchanged, res.quarantined,
            res.duplicates, json.dumps(res.column_map, ensure_ascii=False), datetime.now(), res.seconds,
        ],
    )  # fmt: skip


def _already_loaded(db_path: Path) -> dict[str, int]:
    """sha256 -> rows_read of every file loaded before (read-only: no write when nothing is new)."""
    if not db_path.exists():
        return {}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'load_log'").fetchall()
        if not has[0][0]:
            return {}
        rows = con.execute("SELECT file_sha256, max(rows_read) FROM load_log WHERE status = 'loaded' GROUP BY 1")
        return dict(rows.fetchall())
    finally:
        con.close()


def _rebuild_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Metric tables follow the data in the same transaction, so readers never see them disagree."""
    from warehouse import metrics

    metrics.rebuild(con)


def load_files(
    paths: list[Path] | list[str],
    db: str | Path | None = None,
    profile: str | Path | None = None,
    mark_demo: bool = False,
) -> LoadSummary:
    """Load exports in the order given; one transaction for the whole call."""
    started = time.perf_counter()
    db_path = resolve_db_path(db)
    prof = load_profile(profile)
    summary = LoadSummary(db=str(db_path))
    seen = _already_loaded(db_path)
    todo: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        sha = file_sha256(path) if path.exists() else ""
        if sha in seen:
            summary.add(
                FileResult(
                    path.name, "already_loaded", "此文件以前已导入，内容相同，未做改动", seen[sha], unchanged=seen[sha]
                )
            )
        else:
            todo.append((path, sha))
            seen[sha] = -1  # the same bytes twice in one call: the second copy changes nothing either
    if todo or mark_demo:
        _write(todo, db_path, prof, summary, mark_demo)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _write(todo: list[tuple[Path, str]], db_path: Path, prof: Profile, summary: LoadSummary, mark_demo: bool) -> None:
    key = phone_hash_key(db_path)
    with writer(db_path) as con:
        next_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchall()[0][0]
        done: dict[str, FileResult] = {}
        for path, sha in todo:
            t0 = time.perf_counter()
            if sha in done:
                res = FileResult(path.name, "already_loaded", "与本次导入中的另一文件内容相同", done[sha].rows_read)
                res.unchanged = res.rows_read
                summary.add(res)
                continue
            try:
                res = apply_file(con, prepare_file(path, prof), next_id, key)
            except (UnmappableError, ReadError) as exc:
                res = FileResult(path.name, "rejected", str(exc))
            res.seconds = round(time.perf_counter() - t0, 3)
            if sha:
                _log(con, next_id, sha, path, res, prof.name)
                done[sha] = res
            next_id += 1
            summary.add(res)
        if mark_demo:
            con.execute("DELETE FROM meta WHERE key = 'is_demo'")
            con.execute("INSERT INTO meta VALUES ('is_demo', 'true')")
        t0 = time.perf_counter()
        _rebuild_derived(con)
        summary.rebuild_seconds = round(time.perf_counter() - t0, 3)
