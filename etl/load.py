"""Loading: read -> map -> check -> one atomic write into the warehouse (SPEC §2.1, §7).

A load is idempotent per file content (a file whose bytes were loaded before changes nothing and
all its rows count as unchanged), a later snapshot of an order replaces the earlier one, and the
whole call is atomic: it writes a private copy of the warehouse that replaces the live file only when
everything succeeded (see warehouse.connection); a failure anywhere discards the copy.

Every file is read one way, whatever its size: in pieces (etl.readers.RawFile), checked a slice at a
time as it is read (etl.checking; the next slice is checked while this one is written: etl.apply),
its repeats settled when it has been read, so memory stays bounded at any size.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import polars as pl

from etl import admission, validate
from etl.apply import apply_file
from etl.checking import FilePass, check_file, whole_file
from etl.load_record import already_loaded, journal_entry, live_state, write_log_row
from etl.mapping import ColumnMap, UnmappableError, find_header, rules_by_source
from etl.profiles import DEFAULT_PROFILE, Profile, alias_warnings, load_profile
from etl.progress import TIMED_STAGES, ProgressCallback, Tracker, timed
from etl.readers import RawFile, ReadError, SourceFile, open_source, preview_rows, read_frames, sheet_names
from etl.summary import COUNTS, FileResult, LoadSummary, Stopwatch
from etl.validate import Checked
from warehouse.backups import append_journal
from warehouse.connection import resolve_db_path, writer
from warehouse.settings import load_settings
from warehouse.state import fetch_state

__all__ = ["COUNTS", "FileResult", "LoadSummary", "Prepared", "apply_file", "load_files", "prepare_file"]


@dataclass(frozen=True)
class Prepared:
    """A file opened and mapped (its first piece read); its rows are checked when asked for, a slice at
    a time for a load (``run``) or all at once for a preview (``checked``)."""

    source: SourceFile
    cmap: ColumnMap
    raw: RawFile  # the raw cells under the header, read once (etl.readers.frames)
    profile: Profile
    slice_rows: int | None = None  # None: etl.validate.SLICE_ROWS
    warnings: tuple[str, ...] = ()  # for the load summary: an unsure encoding, aliases matching no header

    def run(self, clock: Stopwatch | None = None) -> FilePass:
        """The one pass over the file: its checked slices, then its settled repeats (etl.checking)."""
        return FilePass(self.raw, self.cmap, self.profile, self.slice_rows or validate.SLICE_ROWS, clock)

    @property
    def frames(self) -> Iterator[pl.DataFrame]:
        """The raw frames under the header, read again piece by piece (a preview's value counts)."""
        return read_frames(self.source, self.cmap.header_row)

    @functools.cached_property
    def checked(self) -> Checked:
        """The whole file checked (a preview: nothing is written)."""
        try:
            return whole_file(*check_file(self.run()))
        finally:
            self.raw.close()


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
    raw = RawFile(src, cmap.header_row)
    warnings = ([src.warning] if src.warning else []) + alias_warnings(profile, list(cmap.headers))
    return Prepared(src, cmap, raw, profile, slice_rows, tuple(warnings))


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


def _rebuild_derived(con: duckdb.DuckDBPyConnection, first_load_id: int, clock: Stopwatch | None = None) -> str:
    """Metric tables follow the data in the same transaction, so readers never see them disagree.
    Only what the load changed is recomputed when the warehouse allows it (see warehouse.metrics)."""
    from warehouse import metrics

    return metrics.refresh(con, first_load_id, step=clock.add if clock else None)


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
    clock = Stopwatch()
    seen = {} if replace_demo else already_loaded(db_path)  # a fresh warehouse has loaded nothing
    results: list[FileResult | None] = []  # per path given; None until the write below decides it
    todo: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        with clock.time("SHA-256 of the files (the idempotency key)"):
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
    written = iter(_write(todo, db_path, prof, summary, intent, tracker, clock, spent) if todo else [])
    for res in results:  # in the order the files were given
        summary.add(res or next(written))
    tracker.finish()
    summary.add_steps(clock.rounded(), clock.rounded_cpu())
    summary.seconds = round(time.perf_counter() - started, 3)
    summary.stages = {stage: math.floor(seconds * 1000) / 1000 for stage, seconds in spent.items()}
    return summary


# DuckDB may keep a whole load's new blocks in memory (it defaults to 80% of RAM); bounded, it writes
# them out as it goes. Insertion order is nobody's contract (every reader orders explicitly), and
# without it bulk writes need not buffer to keep rows in order. No vacuum at checkpoint: a load deletes
# a few rows spread over many row groups (provisional rows it rewrites, earlier versions of orders it
# changes), and DuckDB would rewrite every such row group (measured at 1M: +3.7 CPU-s to delete 4 %);
# the deleted rows stay behind as marks, skipped by every scan.
LOAD_MEMORY_LIMIT = os.environ.get("HOTLINE_LOAD_MEMORY", "2GB")


def _tune(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET memory_limit = ?", [LOAD_MEMORY_LIMIT])
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET max_vacuum_tasks = 0")


def _write(
    todo: list[tuple[Path, str]],
    db_path: Path,
    prof: Profile,
    summary: LoadSummary,
    intent: tuple[bool, bool, bool],
    tracker: Tracker | None = None,
    clock: Stopwatch | None = None,
    spent: dict[str, float] | None = None,
) -> list[FileResult]:
    """Write the files of ``todo`` in one atomic load; their results in order (``summary`` gets the
    refresh and its time, ``clock`` the seconds of every step, ``spent`` those of each of TIMED_STAGES).
    A file whose bytes came earlier in ``todo`` changes nothing: its rows count as unchanged, or it is
    rejected like that earlier copy. ``intent``: (mark_demo, replace_demo, new_key)."""
    from warehouse.metrics import prepare_staging, snapshot_writer

    mark_demo, replace_demo, new_key = intent
    tracker = tracker or Tracker(0, None)
    clock = clock or Stopwatch()
    spent = {} if spent is None else spent
    results: list[FileResult] = []
    custom = None if Path(prof.source) == DEFAULT_PROFILE else str(Path(prof.source).resolve())
    journal = lambda: append_journal(db_path, journal_entry(todo, results, intent, custom))  # noqa: E731 - after the swap
    with writer(db_path, step=clock.add, fresh=replace_demo, on_swapped=journal) as con:
        entry = admission.admit(live_state(con, db_path, replace_demo), db_path, mark_demo, replace_demo, new_key)
        _tune(con)
        next_id = first_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchall()[0][0]
        facts = snapshot_writer(con)  # makes an empty fact table first, in a new warehouse
        prepare_staging(con, first_id)
        done: dict[str, FileResult] = {}
        for path, sha in todo:
            t0 = time.perf_counter()
            if sha in done:
                results.append(_same_as(path.name, done[sha]))
                continue
            tracker.start_file(path.name, path.stat().st_size if path.is_file() else 0)
            steps = Stopwatch()
            try:
                with steps.time("read: open, map the header, first piece"), timed(spent, "read"):
                    prep = prepare_file(path, prof)
                res = apply_file(con, prep, next_id, entry.key, tracker, steps, first_id, facts, spent)
            except (UnmappableError, ReadError) as exc:
                res = FileResult(path.name, "rejected", str(exc))
            tracker.end_file()
            res.seconds = round(time.perf_counter() - t0, 3)
            res.steps, res.steps_cpu = steps.rounded(), steps.rounded_cpu()
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
        summary.refresh = _rebuild_derived(con, first_id, clock)
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
