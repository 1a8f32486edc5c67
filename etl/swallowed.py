"""Cells that swallowed whole CSV records: the trace of one stray quote.

A quote that opens a cell and is never closed makes every following line part of that one cell, up
to the next quote or the end of the file. The CSV is still "valid", so the reader gives one row where
the file had 20,001 lines, and that row is then loaded or quarantined for an unrelated reason
("受理时间为空") with no word about the 19,999 lines inside it. Such a cell is easy to tell from a
long free-text cell: several of its lines hold as many commas as a record of the file has.
"""

from __future__ import annotations

import polars as pl

ROW = "__row"  # etl.mapping.ROW (not imported: mapping imports the readers, this module stays a leaf)
# A cell is a swallow when at least this many of its lines (after the first) look like records.
MIN_RECORD_LINES = 3


def swallowed_cells(source: pl.DataFrame, skip: tuple[str, ...] = ()) -> pl.DataFrame:
    """ROW, column and line count of each cell holding whole records of the file (``source``: tidied
    cells with ROW; ``skip``: columns that are not cells of the header). Cheap for clean files: the
    longest cell of each column, a search for line breaks in the columns long enough, the record test
    only on the cells that have one."""
    empty = pl.DataFrame(schema={ROW: pl.UInt32, "column": pl.String, "lines": pl.Int64})
    columns = [c for c in source.columns if c != ROW and c not in skip and source.schema[c] == pl.String]
    if len(columns) < 2:
        return empty
    commas = len(columns) - 1
    # such a cell holds at least MIN_RECORD_LINES line breaks and as many lines of `commas` commas: only
    # columns with a cell that long are searched (a length is cheap to read, a search is not)
    shortest = MIN_RECORD_LINES * (commas + 1)
    longest = source.select(pl.col(columns).str.len_bytes().max()).row(0)
    suspects = [c for c, n in zip(columns, longest, strict=True) if n is not None and n >= shortest]
    if not suspects:
        return empty
    multi = source.select(
        pl.any_horizontal(pl.col(suspects).str.contains("\n", literal=True)).fill_null(False)
    ).to_series()
    if not multi.any():
        return empty
    found = []
    for row in source.filter(multi).select(ROW, *suspects).iter_rows(named=True):
        for column in suspects:
            lines = (row[column] or "").split("\n")
            if sum(line.count(",") >= commas for line in lines[1:]) >= MIN_RECORD_LINES:
                found.append({ROW: row[ROW], "column": column, "lines": len(lines) - 1})
    return pl.DataFrame(found, schema=empty.schema) if found else empty


def swallow_message(column: str, lines: int) -> str:
    """The sentence for one such cell (its row is named by the caller)."""
    return (
        f"「{column}」这一格以一个未配对的引号开始，其后 {lines:,} 行被并入了这一格"
        f"（格内有 {lines:,} 个换行，多行都像完整的记录，这些行没有作为工单读取）："
        "请在本行找到这个引号，删去它或写成两个引号，然后重新导入"
    )


def swallow_notes(found: pl.DataFrame) -> list[str]:
    """One line per swallowing cell for the load summary, naming its row (1 = first row under the header)."""
    return [f"第 {row:,} 行：{swallow_message(column, lines)}" for row, column, lines in found.iter_rows() if lines]
