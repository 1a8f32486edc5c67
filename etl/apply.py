"""Writing one file into the load's open transaction: each checked slice as it comes, then the file's
settlement (its repeats, and which of its orders the warehouse held before).

Per slice each good row's fact row is written (warehouse.snapshots: the typed snapshot, the phone as a
keyed hash, a content hash, every flag the row itself decides) and its personal data goes to
``raw_work_orders``. When the file is read,
rows whose order turned out to occur again later in the file are taken back (etl.checking), and the
file's orders are matched once against what the warehouse holds: a later snapshot replaces the
earlier one, an identical one changes nothing (its new copies are removed again).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb
import polars as pl
import pyarrow as pa

from etl.checking import Slice, withdraw
from etl.fields_carried import FileFields
from etl.mapping import ROW
from etl.progress import Tracker, timed, timed_items
from etl.summary import FileResult, Stopwatch
from etl.validate import Checked, merge_checked
from warehouse import parts
from warehouse.fields import FIELDS, PII, TEXT
from warehouse.metrics import snapshot_writer
from warehouse.snapshots import SnapshotWriter

if TYPE_CHECKING:
    from etl.load import Prepared

SQL_DIR = Path(__file__).parent / "sql"
T = TypeVar("T")


def apply_file(
    con: duckdb.DuckDBPyConnection,
    prep: Prepared,
    load_id: int,
    key: str,
    tracker: Tracker | None = None,
    clock: Stopwatch | None = None,
    first_load_id: int | None = None,
    facts: SnapshotWriter | None = None,
    spent: dict[str, float] | None = None,
) -> FileResult:
    """Write one file into the open transaction, a checked slice at a time; return its counts. A file
    that turns out unreadable half-way raises ReadError after removing what was written of it.
    ``first_load_id``: the load id of the load's first file; ``facts``: what writes the fact rows;
    ``spent`` gets the seconds of its check and write stages added (etl.progress.TIMED_STAGES)."""
    clock = clock or Stopwatch()
    spent = {} if spent is None else spent
    facts = facts or snapshot_writer(con)
    params = {"key": key, "load_id": load_id, "source_file": prep.source.path.name,
              "first_load_id": first_load_id or load_id}  # fmt: skip
    res = FileResult(
        file=params["source_file"],
        status="loaded",
        encoding=prep.source.encoding,
        sheet=prep.source.sheet,
        column_map=prep.cmap.as_dict(),
        warnings=list(prep.warnings),
    )
    tracker = tracker or Tracker(0, None)
    run = prep.run(clock)
    kept: list[Checked] = []  # each slice's outcome without its good rows (those are in the warehouse)
    staged = 0
    fields = FileFields(con, prep, params)
    try:
        for piece, incoming in timed_items(_ahead(_with_arrow(run.slices(), clock)), spent, "check"):
            res.rows_read += piece.checked.rows_read
            fields.count(piece.checked.good)
            kept.append(replace(piece.checked, good=piece.checked.good.clear()))
            if incoming is not None:
                with clock.time("write: fact rows, personal data (DuckDB)"), timed(spent, "write"):
                    staged += _stage(con, incoming, params, facts)
            tracker.wrote(piece.checked.rows_read, piece.done)
        with clock.time("settle repeats (Polars)"), timed(spent, "check"):
            settled = run.settle()
        with clock.time("settle: repeats, known orders (DuckDB)"), timed(spent, "write"):
            staged -= _take_back(con, settled.withdrawn, params)
            if settled.checked.good.height:
                staged += _stage(con, _arrow(settled.checked.good), params, facts)
            known, same = _match_known(con, params)
            fields.settle(settled, merge_checked(kept).quarantine, facts)
    except BaseException:
        _forget_file(con, params)
        raise
    finally:
        prep.raw.close()
    whole = merge_checked([withdraw(merge_checked(kept), settled.withdrawn), settled.checked])
    res.duplicates = whole.duplicates
    res.loaded, res.updated, res.unchanged = staged - known, known - same, same
    res.warnings.extend(whole.notes)
    with clock.time("write: quarantine, cell warnings (DuckDB)"), timed(spent, "write"):
        res.quarantined = _append(con, "raw_quarantine", whole.quarantine, params)
        res.cell_warnings = _append(con, "raw_cell_warnings", whole.warnings, params)
    con.execute("DROP TABLE IF EXISTS load_params")
    return res


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _run_script(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> list:
    """The statements of ``sql/<name>.sql`` in order (comment lines dropped first, so a comment may hold
    a ';'); the rows of the last one. ``{target}`` names the database the order rows are written into
    (warehouse.parts.target: the load's own part)."""
    text = "\n".join(line for line in _sql(name).splitlines() if not line.strip().startswith("--"))
    text = text.replace("{target}", parts.target(con))
    rows: list = []
    for body in text.split(";"):
        if body.strip():
            used = {k: v for k, v in params.items() if f"${k}" in body}
            rows = con.execute(body, used).fetchall()
    return rows


def incoming_columns() -> list[str]:
    """Typed values, plus the text of free-text fields and PII: what the SQL needs, nothing more."""
    cols = [ROW]
    for spec in FIELDS:
        cols.append(spec.name if spec.kind in (TEXT, PII) else f"{spec.name}__v")
    return cols


def _arrow(good: pl.DataFrame) -> pa.Table:
    return good.select(incoming_columns()).to_arrow(compat_level=pl.CompatLevel.newest())


def _with_arrow(slices: Iterator[Slice], clock: Stopwatch) -> Iterator[tuple[Slice, pa.Table | None]]:
    """Each checked slice with its good rows as the Arrow table DuckDB reads."""
    for piece in slices:
        good = piece.checked.good
        with clock.time("check: to Arrow (Polars)"):
            arrow = _arrow(good) if good.height else None
        yield piece, arrow


def _stage(con: duckdb.DuckDBPyConnection, incoming: pa.Table, params: dict, facts: SnapshotWriter) -> int:
    """Write a slice's good rows: each one's fact row (typed, the phone as a keyed hash) and its personal
    data; how many."""
    con.register("incoming", incoming)
    try:
        _run_script(con, "incoming_params", params)
        facts.write()
        _run_script(con, "stage_incoming", {})
        con.execute("DROP VIEW incoming_stg")
    finally:
        con.unregister("incoming")
    return incoming.num_rows


def _take_back(con: duckdb.DuckDBPyConnection, rows: pl.Series, params: dict) -> int:
    """Remove the staged snapshots and personal data of ``rows`` of this file; how many were staged."""
    if rows.is_empty():
        return 0
    found = _run_script(con, "take_back_rows", {**params, "rows": rows.cast(pl.Int64).to_list()})
    return int(found[0][0]) if found else 0


def _match_known(con: duckdb.DuckDBPyConnection, params: dict) -> tuple[int, int]:
    """Match the file's staged orders against the earlier snapshots (of earlier loads, or of earlier
    files of this load): an identical snapshot's new copy goes, a changed one replaces the earlier.
    Returns (orders held before, of which unchanged)."""
    known, same = _run_script(con, "file_known", params)[0]
    if same:
        _run_script(con, "drop_unchanged", params)
    if known > same:  # a changed snapshot replaces the earlier personal data, and the earlier fact row when an
        # earlier file of this load wrote it; the fact row of an earlier load stays until the metric refresh
        # rewrites the order, so that it still sees which days the order counted on (warehouse.snapshots)
        changed = "order_id IN (SELECT order_id FROM file_known WHERE NOT same)"
        parts.retire(con, "fct_work_orders", f"load_id >= $first_load_id AND load_id < $load_id AND {changed}", params)
        parts.retire(con, "raw_work_orders", f"load_id < $load_id AND {changed}", params)
    con.execute("DROP TABLE file_known")
    return int(known), int(same)


def _forget_file(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """Remove everything written of this file (it is rejected, or the load fails)."""
    _run_script(con, "forget_file", params)


def _append(con: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame, params: dict) -> int:
    """Insert one file's quarantined rows or cell warnings, stamped with the load and the file."""
    if rows.height:
        rows = rows.with_columns(
            pl.lit(params["load_id"], pl.Int64).alias("load_id"), pl.lit(params["source_file"]).alias("source_file")
        )
        con.register("incoming_rows", rows.to_arrow())
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")  # table: one of two names above
        con.unregister("incoming_rows")
    return rows.height


# Check the next slice in a worker thread while this one is written (False: one after the other, for
# ``bench stages --sequential``, whose CPU seconds per step are then each step's own).
OVERLAP = True


def _ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of ``items``, the next one computed in a worker thread while the caller works on this
    one: Polars (reading, checking) and DuckDB (writing) both release the GIL, so a slice's checks
    overlap the previous slice's writes. At most one item waits; an error in the worker is raised here."""
    if not OVERLAP:
        yield from items
        return
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
