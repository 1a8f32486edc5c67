"""Loading: read -> map -> check -> one atomic write into the warehouse (SPEC §2.1, §7).

A load is idempotent per file content (a file whose bytes were loaded before changes nothing and
all its rows count as unchanged), a later snapshot of an order replaces the earlier one, and the
whole call is atomic: it writes a private copy of the warehouse that replaces the live file only when
everything succeeded (see warehouse.connection); a failure anywhere discards the copy.

Big files stream: a CSV over 256 MB is parsed in pieces (readers.CsvPieces), checked a slice at a
time (validate.check_in_slices; the next slice is checked while this one is written), and each
slice is committed inside the private copy, so memory stays bounded at any size.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl
import pyarrow as pa

from etl import admission, validate
from etl.load_record import already_loaded, journal_entry, live_state, write_log_row
from etl.mapping import ColumnMap, UnmappableError, find_header, rules_by_source
from etl.profiles import DEFAULT_PROFILE, Profile, alias_warnings, load_profile
from etl.progress import TIMED_STAGES, ProgressCallback, Tracker, timed, timed_items
from etl.readers import (
    CsvPieces,
    ReadError,
    SourceFile,
    open_source,
    preview_rows,
    read_frames,
    sheet_names,
)
from etl.readers.frames import CHUNKED_MIN_BYTES
from etl.validate import Checked, check_in_slices, merge_checked
from warehouse.backups import append_journal
from warehouse.connection import resolve_db_path, writer
from warehouse.fields import FIELDS, PII, TEXT
from warehouse.settings import load_settings
from warehouse.state import fetch_state

SQL_DIR = Path(__file__).parent / "sql"
T = TypeVar("T")
COUNTS = ("rows_read", "loaded", "updated", "unchanged", "quarantined", "duplicates", "cell_warnings")


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
    cell_warnings: int = 0  # loaded rows with a yes/no or count cell that could not be read (raw_cell_warnings)
    encoding: str | None = None
    sheet: str | None = None
    column_map: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    # what the analyst should look at although the file loaded: profile aliases that match no header,
    # an encoding guessed without certainty, a cell that swallowed whole records (--strict: exit 1)
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadSummary:
    files: int = 0
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    cell_warnings: int = 0
    rejected_files: int = 0
    warnings: int = 0  # of all files (FileResult.warnings)
    seconds: float = 0.0
    rebuild_seconds: float = 0.0  # of ``seconds``: recomputing the metric tables after the files
    # of ``seconds``, per stage (etl.progress.TIMED_STAGES): wall time of the load's own thread, floored to
    # the millisecond, so they never add up to more than ``seconds``; the rest: hashing, private copy, swap
    stages: dict[str, float] = field(default_factory=dict)
    refresh: str = ""  # how the metric tables were brought up to date: incremental | full
    db: str = ""
    is_demo: bool | None = None  # the warehouse after the load (None: nothing was written)
    demo_discarded: int = 0  # demo orders discarded by --replace-demo
    key_note: str = ""  # set when --new-key accepted a different phone-hash key
    details: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.details.append(result)
        if result.status == "rejected":
            self.rejected_files += 1
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(result, name))
        self.warnings += len(result.warnings)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Prepared:
    """A file read and mapped; its rows are checked when asked for, a slice at a time for a load
    (``slices``) or all at once for a preview (``checked``)."""

    source: SourceFile
    cmap: ColumnMap
    frames: list[pl.DataFrame] | CsvPieces  # the raw cells under the header (readers.read_frames)
    profile: Profile
    slice_rows: int | None = None  # None: etl.validate.SLICE_ROWS
    warnings: tuple[str, ...] = ()  # for the load summary: an unsure encoding, aliases matching no header

    def slices(self, release: bool = False) -> Iterator[Checked]:
        """Checked slices; ``release`` frees each raw frame once checked (then they can be asked once)."""
        slice_rows = self.slice_rows or validate.SLICE_ROWS
        return check_in_slices(self.frames, self.cmap, self.profile, slice_rows, release)

    @property
    def row_count(self) -> int:
        """Rows under the header (blank ones included): the measure of the load's progress."""
        frames = self.frames.keys if isinstance(self.frames, CsvPieces) else self.frames
        return sum(frame.height for frame in frames)

    @functools.cached_property
    def checked(self) -> Checked:
        return merge_checked(list(self.slices()))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_file(path: Path, profile: Profile, slice_rows: int | None = None) -> Prepared:
    """Everything that needs no warehouse: read, find the header, map (and check, when asked).
    Raises on a file that cannot be read or mapped."""
    if profile.time_zone is None:  # times with an offset become the site's wall-clock time
        profile = replace(profile, time_zone=load_settings().time_zone)
    src, cmap = locate_header(path, profile)
    rules_by_source(cmap, profile)  # a column with two sets of rules: rejected before reading
    frames = read_frames(src, cmap.header_row, cmap.sources.get("order_id", ()))
    warnings = ([src.warning] if src.warning else []) + alias_warnings(profile, list(cmap.headers))
    return Prepared(src, cmap, frames, profile, slice_rows, tuple(warnings))


def locate_header(path: Path, profile: Profile) -> tuple[SourceFile, ColumnMap]:
    """The file opened and its header mapped. An Excel file whose profile names no sheet is read
    from its first sheet whose header maps (exports often put a cover or notes sheet first); when
    none does, the first sheet's headers are the ones the rejection names."""
    src = open_source(path, profile.encoding, profile.sheet, profile.format, profile.records)
    try:
        return src, find_header(preview_rows(src), profile)
    except UnmappableError as first:
        if src.kind != "excel" or profile.sheet not in (None, ""):
            raise
        names = sheet_names(path)
        if len(names) == 1:
            raise
        for name in names[1:]:
            other = replace(src, sheet=name)
            with contextlib.suppress(UnmappableError):
                return other, find_header(preview_rows(other), profile)
        raise UnmappableError(
            f"{first}已查看全部 {len(names)} 个工作表（{'、'.join(names)}），以上是第一个工作表「{names[0]}」的表头。"
        ) from None


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _run_script(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> None:
    """The statements of ``sql/<name>.sql`` in order (comment lines dropped first, so a comment may hold a ';')."""
    text = "\n".join(line for line in _sql(name).splitlines() if not line.strip().startswith("--"))
    for body in text.split(";"):
        if body.strip():
            used = {k: v for k, v in params.items() if f"${k}" in body}
            con.execute(body, used)


def _incoming_columns() -> list[str]:
    """Typed values, plus the text of free-text fields and PII: what the SQL needs, nothing more."""
    cols = ["__row"]
    for spec in FIELDS:
        cols.append(spec.name if spec.kind in (TEXT, PII) else f"{spec.name}__v")
    return cols


def apply_file(
    con: duckdb.DuckDBPyConnection,
    prep: Prepared,
    load_id: int,
    key: str,
    tracker: Tracker | None = None,
    spent: dict[str, float] | None = None,
) -> FileResult:
    """Write one file into the open transaction, a checked slice at a time; return its counts
    (``spent`` gets the seconds of its check and write stages added)."""
    name = prep.source.path.name
    params = {"key": key, "load_id": load_id, "source_file": name}
    res = FileResult(
        file=name,
        status="loaded",
        encoding=prep.source.encoding,
        sheet=prep.source.sheet,
        column_map=prep.cmap.as_dict(),
        warnings=list(prep.warnings),
    )
    quarantines, warnings = [], []
    carried = dict.fromkeys((spec.name for spec in FIELDS), 0)
    tracker = tracker or Tracker(0, None)
    spent = {} if spent is None else spent
    tracker.set_rows(prep.row_count)
    for checked, incoming in timed_items(_ahead(_with_arrow(prep.slices(release=True))), spent, "check"):
        res.rows_read += checked.rows_read
        res.duplicates += checked.duplicates
        quarantines.append(checked.quarantine)
        warnings.append(checked.warnings)
        res.warnings.extend(checked.notes)
        if checked.good.height:
            for field_name, n in _values_per_field(checked.good).items():
                carried[field_name] += n
            with timed(spent, "write"):
                known, same = _apply_good(con, incoming, params)
                _settle(con)
            res.loaded += checked.good.height - known
            res.updated += known - same
            res.unchanged += same
        tracker.wrote(checked.rows_read)
    with timed(spent, "write"):
        quarantine = pl.concat(quarantines).sort("source_row") if len(quarantines) > 1 else quarantines[0]
        res.quarantined = _append(con, "raw_quarantine", quarantine, load_id, name)
        res.cell_warnings = _append(con, "raw_cell_warnings", pl.concat(warnings), load_id, name)
        _record_fields(con, load_id, name, prep, carried)
    return res


def _values_per_field(good: pl.DataFrame) -> dict[str, int]:
    """How many rows of a checked slice carry a value, per canonical field (the typed value where there is one)."""
    cols = {spec.name: spec.name if spec.kind in (TEXT, PII) else f"{spec.name}__v" for spec in FIELDS}
    row = good.select(pl.col(c).count().alias(name) for name, c in cols.items()).row(0, named=True)
    return {name: int(n) for name, n in row.items()}


def _record_fields(con: duckdb.DuckDBPyConnection, load_id: int, name: str, prep: Prepared, carried: dict) -> None:
    """Which canonical fields this file gives and how many rows carry each: measurability is data (load_fields)."""
    sources = prep.cmap.as_dict()
    rows = []
    for field_name, n in carried.items():
        source = json.dumps(sources[field_name], ensure_ascii=False) if field_name in sources else None
        if source is None and field_name.startswith("category_l") and "category_path" in sources:
            source = json.dumps(sources["category_path"], ensure_ascii=False)
        if source is None and field_name in prep.profile.constants:
            source = "(constant)"
        rows.append((load_id, name, field_name, source, n))
    con.executemany("INSERT INTO load_fields VALUES (?, ?, ?, ?, ?)", rows)


def _append(con: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame, load_id: int, name: str) -> int:
    """Insert one file's quarantined rows or cell warnings, stamped with the load and the file."""
    if rows.height:
        rows = rows.with_columns(pl.lit(load_id, pl.Int64).alias("load_id"), pl.lit(name).alias("source_file"))
        con.register("incoming_rows", rows.to_arrow())
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")  # table: one of two names above
        con.unregister("incoming_rows")
    return rows.height


def _settle(con: duckdb.DuckDBPyConnection) -> None:
    """Commit what is written so far *inside the private copy* and go on in a new transaction.

    DuckDB holds a transaction's new rows in memory until it commits (several GB for a 10M-row
    file). The load stays atomic all the same: readers never see the copy, and any failure discards
    it whole (warehouse.connection.writer), so only the final swap publishes anything.
    """
    con.execute("COMMIT")
    con.execute("BEGIN TRANSACTION")


def _with_arrow(slices: Iterator[Checked]) -> Iterator[tuple[Checked, pa.Table | None]]:
    """Each checked slice with its good rows as the Arrow table DuckDB reads."""
    for checked in slices:
        good = checked.good
        arrow = good.select(_incoming_columns()).to_arrow(compat_level=pl.CompatLevel.newest()) if good.height else None
        yield checked, arrow


def _ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of ``items``, the next one computed in a worker thread while the caller works on this
    one: Polars (reading, checking) and DuckDB (writing) both release the GIL, so a slice's checks
    overlap the previous slice's writes. At most one item waits; an error in the worker is raised here."""
    box: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    end = object()

    def work() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        box.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(end)
        except BaseException as exc:  # handed to the consumer, raised there
            box.put(exc)

    worker = threading.Thread(target=work, name="load-checks", daemon=True)
    worker.start()
    try:
        while (item := box.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            box.get_nowait()
        worker.join()


def _apply_good(con: duckdb.DuckDBPyConnection, incoming: pa.Table, params: dict) -> tuple[int, int]:
    """Insert or replace the good rows of one slice; (orders already held, of which unchanged)."""
    con.register("incoming", incoming)
    _run_script(con, "incoming_stg", params)
    _run_script(con, "incoming_known", params)
    known, same = con.execute("SELECT count(*), count(*) FILTER (WHERE same) FROM incoming_known").fetchall()[0]
    if known > same:
        _run_script(con, "replace_changed", params)
    _run_script(con, "apply_incoming", params)
    con.execute("DROP VIEW incoming_stg; DROP TABLE incoming_known; DROP TABLE load_params")
    con.unregister("incoming")
    return known, same


def _rebuild_derived(con: duckdb.DuckDBPyConnection, first_load_id: int) -> str:
    """Metric tables follow the data in the same transaction, so readers never see them disagree.
    Only what the load changed is recomputed when the warehouse allows it (see warehouse.metrics)."""
    from warehouse import metrics

    return metrics.refresh(con, first_load_id)


def load_files(
    paths: list[Path] | list[str],
    db: str | Path | None = None,
    profile: str | Path | None = None,
    mark_demo: bool = False,
    replace_demo: bool = False,
    new_key: bool = False,
    progress: ProgressCallback | None = None,
) -> LoadSummary:
    """Load exports in the order given; atomic for the whole call. ``mark_demo``: the files are demo
    data; ``replace_demo``: discard a demo warehouse's orders and turn it real; ``new_key``: accept a
    different phone-hash key (see etl.admission, which refuses the load otherwise); ``progress`` gets
    LoadProgress events (etl.progress) as files are read and written, for a progress bar."""
    started = time.perf_counter()
    db_path = resolve_db_path(db)
    prof = load_profile(profile, db=db_path)  # a name: saved beside this warehouse, else shipped
    summary = LoadSummary(db=str(db_path))
    seen = {} if replace_demo else already_loaded(db_path)  # a fresh warehouse has loaded nothing
    results: list[FileResult | None] = []  # per path given; None until the write below decides it
    todo: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        sha = file_sha256(path) if path.exists() else ""
        if sha in seen:
            message = "此文件以前已导入，内容相同，未做改动"
            results.append(FileResult(path.name, "already_loaded", message, seen[sha], unchanged=seen[sha]))
        else:  # new, or the same bytes given twice in this call (_write counts the second copy)
            results.append(None)
            todo.append((path, sha))
    intent = (mark_demo, replace_demo, new_key)
    tracker = Tracker(sum(p.stat().st_size for p, _ in todo if p.is_file()), progress)
    spent = dict.fromkeys(TIMED_STAGES, 0.0)
    written = iter(_write(todo, db_path, prof, summary, intent, tracker, spent) if todo else [])
    for res in results:  # in the order the files were given
        summary.add(res or next(written))
    tracker.finish()
    summary.seconds = round(time.perf_counter() - started, 3)
    summary.stages = {stage: math.floor(seconds * 1000) / 1000 for stage, seconds in spent.items()}
    return summary


# DuckDB may keep a whole load's new blocks in memory (it defaults to 80% of RAM); bounded, it writes
# them out as it goes. Insertion order is nobody's contract (every reader orders explicitly), and
# without it bulk writes need not buffer to keep rows in order.
LOAD_MEMORY_LIMIT = os.environ.get("HOTLINE_LOAD_MEMORY", "2GB")
# Files of more bytes than this in one load stage their typed snapshots on disk (see _write).
STAGE_ON_DISK_BYTES = CHUNKED_MIN_BYTES


def _tune(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET memory_limit = ?", [LOAD_MEMORY_LIMIT])
    con.execute("SET preserve_insertion_order = false")


def _write(
    todo: list[tuple[Path, str]],
    db_path: Path,
    prof: Profile,
    summary: LoadSummary,
    intent: tuple[bool, bool, bool],
    tracker: Tracker | None = None,
    spent: dict[str, float] | None = None,
) -> list[FileResult]:
    """Write the files of ``todo`` in one atomic load; their results in order (``summary`` gets the
    refresh and its time, ``spent`` the seconds of each of TIMED_STAGES). A file whose bytes came earlier
    in ``todo`` changes nothing: its rows count as unchanged, or it is rejected like that earlier copy.
    ``intent``: (mark_demo, replace_demo, new_key)."""
    from warehouse.metrics import prepare_staging

    mark_demo, replace_demo, new_key = intent
    tracker = tracker or Tracker(0, None)
    spent = {} if spent is None else spent
    results: list[FileResult] = []
    custom = None if Path(prof.source) == DEFAULT_PROFILE else str(Path(prof.source).resolve())
    journal = lambda: append_journal(db_path, journal_entry(todo, results, intent, custom))  # noqa: E731 - after the swap
    with writer(db_path, fresh=replace_demo, on_swapped=journal) as con:
        entry = admission.admit(live_state(con, db_path, replace_demo), db_path, mark_demo, replace_demo, new_key)
        _tune(con)
        # a big load stages its snapshots on disk in the private copy: in memory they would exceed
        # LOAD_MEMORY_LIMIT and spill uncompressed (measured at 10M: slower than the compressed table)
        prepare_staging(con, on_disk=sum(p.stat().st_size for p, _ in todo if p.exists()) > STAGE_ON_DISK_BYTES)
        next_id = first_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchall()[0][0]
        done: dict[str, FileResult] = {}
        for path, sha in todo:
            t0 = time.perf_counter()
            if sha in done:
                results.append(_same_as(path.name, done[sha]))
                continue
            tracker.start_file(path.name, path.stat().st_size if path.is_file() else 0)
            try:
                with timed(spent, "read"):
                    prep = prepare_file(path, prof)
                res = apply_file(con, prep, next_id, entry.key, tracker, spent)
            except (UnmappableError, ReadError) as exc:
                res = FileResult(path.name, "rejected", str(exc))
            tracker.end_file()
            res.seconds = round(time.perf_counter() - t0, 3)
            if entry.key_note:
                res.message = f"{entry.key_note}；{res.message}" if res.message else entry.key_note
            if sha:
                write_log_row(con, next_id, sha, path, res, prof.name, mark_demo, entry.fingerprint)
                done[sha] = res
            next_id += 1
            results.append(res)
        admission.record(con, entry)
        t0 = time.perf_counter()
        tracker.refresh()
        summary.refresh = _rebuild_derived(con, first_id)
        took = time.perf_counter() - t0
        spent["refresh"] = spent.get("refresh", 0.0) + took
        summary.rebuild_seconds = round(took, 3)
        summary.is_demo = fetch_state(con).is_demo
        summary.demo_discarded, summary.key_note = entry.demo_discarded, entry.key_note
    return results


def _same_as(name: str, first: FileResult) -> FileResult:
    """The result of a file whose bytes were given earlier in the same call, as ``first``."""
    if first.status == "rejected":
        return FileResult(name, "rejected", first.message)
    message = "与本次导入中的另一文件内容相同，未做改动"
    return FileResult(name, "already_loaded", message, first.rows_read, unchanged=first.rows_read)
