"""A source file's rows as frames of text cells, whatever its kind: the first rows to find the header
(``preview_rows``), then every row under it (``read_frame``, or ``read_frames`` in pieces for a big CSV)."""

from __future__ import annotations

import csv
import io

import polars as pl

from etl.readers.cells import _polars_skip_rows, read_csv_cells
from etl.readers.encoding import SNIFF_BYTES
from etl.readers.pieces import CsvPieces
from etl.readers.records import RecordsError, read_records
from etl.readers.source import ReadError, SourceFile
from etl.readers.utf8 import utf8_csv
from etl.readers.xlsx import preview_excel, read_excel_frame

# A CSV bigger than this is read in pieces (etl.readers.pieces); smaller files are read whole.
CHUNKED_MIN_BYTES = 256 * 2**20


def preview_rows(src: SourceFile, n_rows: int = 60) -> list[list[str]]:
    """The first rows as text, header or not: enough to find the header under a title row. Row i of
    the result is row i of the sheet or the file, blank rows included (a blank CSV line is [])."""
    if src.kind == "excel":
        return preview_excel(src, n_rows)
    if src.kind == "json":
        frame = _json_frame(src)
        return [frame.columns, *([v or "" for v in row] for row in frame.head(n_rows - 1).rows())]
    with open(src.path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    text = head.decode(src.encoding or "utf-8", errors="ignore").lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\0", ""), newline="")))
    except csv.Error as exc:
        raise ReadError(f"无法解析 CSV 文件 {src.path.name} 的表头：{exc}") from None
    return rows[:n_rows]


def read_frame(src: SourceFile, header_row: int = 0) -> pl.DataFrame:
    """All data rows under the header, every column as text (empty cells -> null)."""
    if src.kind == "excel":
        return read_excel_frame(src, header_row)
    if src.kind == "json":
        return _json_frame(src)
    skip = _polars_skip_rows(preview_rows(src, header_row)[:header_row]) if header_row else 0
    with utf8_csv(src) as path:
        try:
            return read_csv_cells(path, skip_rows=skip)
        except ReadError as exc:
            raise ReadError(f"CSV 文件 {src.path.name}：{exc}") from None
        except pl.exceptions.NoDataError:
            raise ReadError(f"文件 {src.path.name} 是空的") from None
        except pl.exceptions.PolarsError as exc:
            raise ReadError(f"无法解析 CSV 文件 {src.path.name}：{str(exc).splitlines()[0]}") from None


def _json_frame(src: SourceFile) -> pl.DataFrame:
    try:
        return read_records(src.path, src.encoding or "utf-8", src.records)
    except RecordsError as exc:
        raise ReadError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"文件 {src.path.name} 无法按 {src.encoding} 解码（第 {exc.start} 字节附近）：JSON 应为 UTF-8"
        ) from None


def read_frames(
    src: SourceFile, header_row: int = 0, key_columns: tuple[str, ...] = ()
) -> list[pl.DataFrame] | CsvPieces:
    """``read_frame``'s rows as a sequence of frames: a list of one frame, or, for a big CSV with the
    header on its first line, a :class:`CsvPieces` (the columns named in ``key_columns``, compared
    after trimming, are read for the whole file at once; the rest piece by piece)."""
    if src.kind != "csv" or header_row != 0 or src.path.stat().st_size <= CHUNKED_MIN_BYTES:
        return [read_frame(src, header_row)]
    return CsvPieces(src, key_columns)
