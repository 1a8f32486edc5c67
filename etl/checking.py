"""One pass over a file: every slice checked as it is read, the file's repeats settled at the end.

Repeats are a whole-file rule (etl.validate: identical copies of an order are counted, the last of
different versions goes on and the earlier ones are superseded), but a file is read once, a piece at
a time. So each slice is checked as if its orders were unique, except rows whose order occurs twice
in the slice itself, which are held back. Every row's order id is remembered as a 64-bit hash; at
the end, orders that occur in more than one slice are found from those hashes (rare: a monthly
export lists an order once). Their rows' earlier outcomes are withdrawn (``Settled.withdrawn``), the
rows are read again from their pieces, and all rows of repeated orders are checked together, so the
result is exactly ``check_rows`` of the whole file, whatever the slice and piece sizes.

A hash that two different orders share only sends both through the repeat check, which finds each
unique and gives them the outcome they had.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import polars as pl

from etl.mapping import ROW, ColumnMap, tidy_cells, to_canonical
from etl.profiles import Profile
from etl.readers import RawFile
from etl.summary import Stopwatch
from etl.validate import Checked, check_rows, empty_checked, merge_checked


@dataclass(frozen=True)
class Slice:
    checked: Checked  # the slice's rows, its repeated orders held back
    done: float  # the share of the file read so far


@dataclass(frozen=True)
class Settled:
    withdrawn: pl.Series  # ROW numbers whose earlier outcome no longer holds (their order occurs again)
    checked: Checked  # every row of a repeated order, checked together (rows_read 0: counted in their slices)
    again: pl.DataFrame | None = None  # the canonical rows of ``withdrawn``, read again (None: there are none)


@dataclass
class FilePass:
    """Iterate :meth:`slices` once, then call :meth:`settle`."""

    raw: RawFile
    cmap: ColumnMap
    profile: Profile
    slice_rows: int  # etl.validate.SLICE_ROWS, or smaller
    clock: Stopwatch | None = None
    _keys: list[pl.DataFrame] = field(default_factory=list)  # per slice: ROW, hash of the order id
    _held: list[tuple[pl.DataFrame, pl.DataFrame]] = field(default_factory=list)  # canonical, source
    _pieces: list[int] = field(default_factory=list)  # the first ROW of each piece, by piece number

    def slices(self) -> Iterator[Slice]:
        clock, before = self.clock or Stopwatch(), 0.0
        pieces = iter(self.raw)
        while True:
            with clock.time("read: parse pieces (Polars)"):
                piece = next(pieces, None)
            if piece is None:
                return
            self._pieces.append(piece.first_row)
            frame, step = piece.frame, self.slice_rows
            for offset in range(0, max(frame.height, 1), step):
                part = min(offset + step, frame.height) / frame.height if frame.height else 1.0
                checked = self._check(frame.slice(offset, step), piece.first_row + offset, clock)
                yield Slice(checked, before + (piece.done - before) * part)
            before = piece.done

    def _check(self, frame: pl.DataFrame, first_row: int, clock: Stopwatch) -> Checked:
        """``check_rows`` of the slice's rows but those whose order occurs twice in the slice (held)."""
        with clock.time("check: trim cells (Polars)"):
            source = tidy_cells(frame, offset=first_row)
        with clock.time("check: type fields (Polars)"):
            canonical = to_canonical(source, self.cmap, self.profile)
        with clock.time("check: rows, repeats (Polars)"):
            return self._sort_out(source, canonical)

    def _sort_out(self, source: pl.DataFrame, canonical: pl.DataFrame) -> Checked:
        ids = canonical.select(ROW, pl.col("order_id").hash().alias("h"), known=pl.col("order_id").is_not_null())
        self._keys.append(ids.filter("known").drop("known"))
        twice = (canonical["order_id"].is_duplicated() & canonical["order_id"].is_not_null()).fill_null(False)
        if twice.any():
            rows = canonical.filter(twice)[ROW].implode()
            self._held.append((canonical.filter(twice), source.filter(pl.col(ROW).is_in(rows))))
            canonical, source = canonical.filter(~twice), source.filter(~pl.col(ROW).is_in(rows))
        return replace(check_rows(canonical, source, self.cmap, self.profile), rows_read=source.height + twice.sum())

    def settle(self) -> Settled:
        """The rows of every order the file holds more than once, checked together; and the rows checked
        earlier as if unique whose outcome that replaces."""
        keys = pl.concat(self._keys) if self._keys else pl.DataFrame(schema={ROW: pl.UInt32, "h": pl.UInt64})
        self._keys = []
        hashes = keys["h"].sort()
        again = hashes.filter(hashes == hashes.shift(1)).unique().implode()
        repeated = keys.filter(pl.col("h").is_in(again))[ROW]
        held = {r for canonical, _ in self._held for r in canonical[ROW]}
        withdrawn = repeated.filter(~repeated.is_in(list(held))) if held else repeated
        again = self._read_again(withdrawn)
        parts = self._held + again
        self._held = []
        if not parts:
            return Settled(withdrawn, empty_checked())
        canonical = pl.concat([c for c, _ in parts])
        source = pl.concat([s for _, s in parts], how="diagonal")  # a piece may have readers.EXTRA_CELLS
        checked = replace(check_rows(canonical, source, self.cmap, self.profile), rows_read=0)
        return Settled(withdrawn, checked, pl.concat([c for c, _ in again]) if again else None)

    def _read_again(self, rows: pl.Series) -> list[tuple[pl.DataFrame, pl.DataFrame]]:
        """The canonical and source rows of ``rows`` (checked earlier in their slices), from their pieces."""
        if rows.is_empty():
            return []
        starts = pl.Series(self._pieces, dtype=pl.UInt32)
        which = (starts.search_sorted(rows, side="right") - 1).unique().sort()
        found = []
        for index in which:
            source = tidy_cells(self.raw.reread(index), offset=self._pieces[index])
            source = source.filter(pl.col(ROW).is_in(rows.implode()))
            found.append((to_canonical(source, self.cmap, self.profile), source))
        return found


def check_file(run: FilePass) -> tuple[list[Checked], Settled]:
    """Every slice's Checked and the settlement, for a preview (nothing is written)."""
    parts = [s.checked for s in run.slices()]
    return parts, run.settle()


def whole_file(parts: list[Checked], settled: Settled) -> Checked:
    """The file's Checked: the slices' outcomes, the withdrawn rows' taken out, the repeats' put in."""
    merged = merge_checked(parts) if parts else empty_checked()
    return merge_checked([withdraw(merged, settled.withdrawn), settled.checked])


def withdraw(checked: Checked, rows: pl.Series) -> Checked:
    """``checked`` without the rows ``rows`` (their outcome is decided again with their order's repeats)."""
    if rows.is_empty():
        return checked
    out = rows.implode()
    return replace(
        checked,
        good=checked.good.filter(~pl.col(ROW).is_in(out)),
        quarantine=checked.quarantine.filter(~pl.col("source_row").is_in(out)),
        warnings=checked.warnings.filter(~pl.col("source_row").is_in(out)),
        swallowed=checked.swallowed.filter(~pl.col(ROW).is_in(out)),
    )
