"""CSV text to cells: Polars' native reader, and Python's csv module for what Polars refuses.

Every cell is read as text (typing is the mapping step's job, where a bad cell becomes a quarantine
reason instead of a crash). Cells that belong to no header are gathered in one column,
:data:`EXTRA_CELLS`, so that they are reported, never dropped unseen.
"""

from __future__ import annotations

import csv
import io
import re

import polars as pl

from etl.readers.source import ReadError

# The column a frame gets when some row has more cells than the header: the text of the cells past the
# header (joined by commas), null in every other row. Not a header of the file, so never mapped to a
# field; the row is loaded and its extra cells reported (etl.mapping), so nothing is dropped unseen.
EXTRA_CELLS = "（表头以外的单元格）"
# Columns without a header: an empty header cell ("" and Polars' "_duplicated_<n>" for a second one),
# or a spreadsheet column past the header that holds a value (fastexcel's "__UNNAMED__<n>").
UNNAMED = re.compile(r"^(?:|_duplicated_\d+|__UNNAMED__\d+)$")

csv.field_size_limit(64 * 2**20)  # a cell of a real export can be long (the module's default: 128 KiB)


def read_csv_cells(data: bytes, fallback: bool = True) -> pl.DataFrame:
    """Every cell of a UTF-8 CSV text (its header line first) as text; with :data:`EXTRA_CELLS` when a
    row has non-empty cells past the header.

    Polars reads the text. It refuses two things real exports have: a row longer than the header, and
    a quote inside an unquoted cell (``12"显示器``, which Excel and Python read as a literal quote).
    Such a text is read again by Python's csv module, slower but the same cells otherwise (without
    ``fallback``, Polars' refusal is raised)."""
    try:
        frame = pl.read_csv(data, infer_schema=False, encoding="utf8")
    except pl.exceptions.ComputeError as exc:
        if not fallback:
            raise
        try:
            text = data.decode("utf-8-sig")  # line ends inside cells kept as they are
        except UnicodeDecodeError:  # not the encoding it looked like: Polars' own error says where
            raise exc from None
        frame = _read_csv_python(text)
    return fold_unnamed(frame)


def _read_csv_python(text: str) -> pl.DataFrame:
    """``read_csv_cells`` by Python's csv module: the same header names as Polars gives (a repeated name
    gets ``_duplicated_<n>``), empty cells and blank lines as nulls, cells past the header in
    :data:`EXTRA_CELLS`."""
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next((cells for cells in records if cells), None)  # Polars passes over leading blank lines
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
