"""The cells of a UTF-8 CSV as text, by Polars or, where Polars refuses a real export, by Python's csv
module; cells without a header folded into one column so that none is dropped unseen."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from etl.readers.source import ReadError

# The column a CSV frame gets when some row has more cells than the header: the text of the cells past
# the header (joined by commas), null in every other row. Not a header of the file, so never mapped to
# a field; the row is loaded and its extra cells reported (etl.mapping), so nothing is dropped unseen.
EXTRA_CELLS = "（表头以外的单元格）"


def _polars_skip_rows(above: list[list[str]]) -> int:
    """Polars' ``skip_rows`` for a header under the rows ``above`` it (``preview_rows``): Polars passes
    over the blank lines at the very start of a file by itself, and counts every row after them."""
    leading = next((i for i, row in enumerate(above) if row), len(above))
    return len(above) - leading


def read_csv_cells(data: Path | bytes, skip_rows: int = 0, fallback: bool = True) -> pl.DataFrame:
    """Every cell of a UTF-8 CSV (a path, or the text of one as bytes) as text, the header after
    ``skip_rows`` rows (as Polars counts them: see ``_polars_skip_rows``); with :data:`EXTRA_CELLS` when a
    row has non-empty cells past the header.

    Polars reads the file. It refuses two things real exports have: a row longer than the header, and
    a quote inside an unquoted cell (``12"显示器``, which Excel and Python read as a literal quote).
    Such a file is read again by Python's csv module, slower but the same cells otherwise (without
    ``fallback``, Polars' refusal is raised)."""
    try:
        frame = pl.read_csv(data, infer_schema=False, skip_rows=skip_rows, encoding="utf8")
    except pl.exceptions.ComputeError as exc:
        if not fallback:
            raise
        raw = data if isinstance(data, bytes) else Path(data).read_bytes()  # line ends inside cells kept as they are
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:  # not the encoding it looked like: Polars' own error says where
            raise exc from None
        frame = _read_csv_python(text, skip_rows)
    return fold_unnamed(frame)


csv.field_size_limit(64 * 2**20)  # a cell of a real export can be long (the module's default: 128 KiB)


def _read_csv_python(text: str, skip_rows: int) -> pl.DataFrame:
    """``read_csv_cells`` by Python's csv module: the same header names as Polars gives (a repeated name
    gets ``_duplicated_<n>``), empty cells and blank lines as nulls, cells past the header in
    :data:`EXTRA_CELLS`."""
    records = csv.reader(io.StringIO(text, newline=""))
    index, header = -1, None  # rows after the leading blank lines: the header is row skip_rows
    try:
        for cells in records:
            if (cells or index >= 0) and (index := index + 1) == skip_rows:
                header = cells
                break
        if not header:
            raise pl.exceptions.NoDataError("empty CSV")
        width, columns, extra = len(header), [[] for _ in header], []
        for cells in records:
            for i, column in enumerate(columns):
                column.append(cells[i] or None if i < len(cells) else None)
            extra.append(",".join(cells[width:]) if any(c.strip() for c in cells[width:]) else None)
    except csv.Error as exc:
        raise ReadError(f"CSV 格式有误，无法逐行读取：{exc}") from None
    seen: dict[str, int] = {}
    names = []
    for name in header:
        names.append(name if name not in seen else f"{name}_duplicated_{seen[name]}")
        seen[name] = seen.get(name, -1) + 1
    frame = pl.DataFrame({n: pl.Series(n, c, dtype=pl.String) for n, c in zip(names, columns, strict=True)})
    if any(extra):  # only empty cells past the header: nothing lost, no column
        frame = frame.with_columns(pl.Series(EXTRA_CELLS, extra, dtype=pl.String))
    return frame


# Columns without a header: an empty header cell ("" and Polars' "_duplicated_<n>" for a second one),
# or a spreadsheet column past the header that holds a value (fastexcel's "__UNNAMED__<n>").
UNNAMED = re.compile(r"^(?:|_duplicated_\d+|__UNNAMED__\d+)$")


def fold_unnamed(frame: pl.DataFrame) -> pl.DataFrame:
    """The cells of columns without a header, moved into :data:`EXTRA_CELLS` (with any cells past the
    header already there): no field can be mapped to them, so they are reported, never dropped unseen."""
    unnamed = [c for c in frame.columns if UNNAMED.match(c.strip())]
    if not unnamed:
        return frame
    present = [c for c in (*unnamed, EXTRA_CELLS) if c in frame.columns]
    cells = [pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)) for c in present]
    folded = pl.concat_str(cells, separator=",", ignore_nulls=True)
    frame = frame.with_columns(pl.when(folded != "").then(folded).alias(EXTRA_CELLS)).drop(unnamed)
    return frame if frame[EXTRA_CELLS].null_count() < frame.height else frame.drop(EXTRA_CELLS)
