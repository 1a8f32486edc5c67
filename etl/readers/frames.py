"""A file's rows under its header as raw frames of text cells, read once, in order: the one way every
file is read, whatever its size.

A CSV is read a piece at a time (``etl.readers.pieces``: about 64 MB each, the header in front of
each), so memory holds one piece whatever the file's size; a small file is simply one piece. An
Excel sheet or a JSON file is read whole (its reader has no other way) and is one piece. A piece can
be read again by its number: the load needs that only when an order of the file occurs in two
pieces (etl.checking).
"""

from __future__ import annotations

import contextlib
import csv
import io
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from etl.readers import pieces
from etl.readers.cells import read_csv_cells
from etl.readers.encoding import SNIFF_BYTES
from etl.readers.records import RecordsError, read_records
from etl.readers.source import ReadError, SourceFile
from etl.readers.utf8 import utf8_csv
from etl.readers.xlsx import preview_excel, read_excel_frame


@dataclass(frozen=True)
class RawPiece:
    index: int  # its number in the file (RawFile.reread)
    frame: pl.DataFrame  # the raw text cells of its rows, under the file's headers
    first_row: int  # the number of its first row (1 = the first row under the header)
    done: float  # the share of the file read once this piece is


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int
    exact: bool  # cut between records (and parsed with the csv-module fallback)


class RawFile:
    """Iterate for the pieces (once); ``reread(i)`` parses piece ``i`` again, giving the same frame.

    Opening reads the first piece, so that a file that cannot be read is refused before anything is
    written; a later piece that cannot be read raises ReadError when it is reached (the load then
    rejects the file and removes what it wrote of it)."""

    def __init__(self, src: SourceFile, header_row: int, piece_bytes: int | None = None) -> None:
        self.src, self.name, self.header_row = src, src.path.name, header_row
        self.piece_bytes = piece_bytes or pieces.PIECE_BYTES
        self._cuts: list[_Cut] = []
        self._iterated = False
        if src.kind != "csv":
            self._whole: pl.DataFrame | None = read_excel_frame(src, header_row) if src.kind == "excel" else _json(src)
            return
        self._whole = None
        stack = contextlib.ExitStack()
        self.path = stack.enter_context(utf8_csv(src))  # a transcoded or LF copy lives as long as this object
        self._close = weakref.finalize(self, stack.close)
        self.size = max(self.path.stat().st_size, 1)
        self.header, self.data_start = pieces.locate_header(self.path, header_row)
        self._cut_iter = pieces.parity_cuts(self.path, self.data_start, self.piece_bytes)
        self._first = self._next_piece(0)

    def close(self) -> None:
        if self._whole is None:
            self._close()

    @property
    def pieces_read(self) -> int:
        """How many pieces were read so far."""
        return len(self._cuts) if self._whole is None else 1

    @property
    def cut_between_records(self) -> bool:
        """Were pieces cut between the records Python's csv module reads (Polars refused one cut by quotes)?"""
        return any(cut.exact for cut in self._cuts)

    def __iter__(self) -> Iterator[RawPiece]:
        if self._iterated:
            raise RuntimeError("a RawFile is read once")
        self._iterated = True
        if self._whole is not None:
            yield RawPiece(0, self._whole, 1, 1.0)
            self._whole = self._whole.clear()  # the rows live on in the caller's frames only
            return
        row, first, self._first = 1, self._first, None
        piece: tuple[pl.DataFrame, float] | None = first
        index = 0
        while piece is not None:
            frame, done = piece
            yield RawPiece(index, frame, row, done)
            row += frame.height
            index += 1
            piece = self._next_piece(index)

    def reread(self, index: int) -> pl.DataFrame:
        """Piece ``index`` parsed again (for an Excel or JSON file, the whole sheet read again)."""
        if self.src.kind != "csv":
            return read_excel_frame(self.src, self.header_row) if self.src.kind == "excel" else _json(self.src)
        cut = self._cuts[index]
        return self._parse(self._bytes(cut), strict=not cut.exact)

    def _next_piece(self, index: int) -> tuple[pl.DataFrame, float] | None:
        """Piece ``index`` (the next after those cut so far), or None past the end. The first piece Polars
        refuses switches the rest of the file to cuts between records (its start is a record boundary:
        every piece before it parsed, so the quote count up to it was right)."""
        cut = next(self._cut_iter, None)
        if cut is None:
            return (self._parse(self.header, strict=False), 1.0) if index == 0 else None
        exact = bool(self._cuts) and self._cuts[-1].exact
        if not exact:
            try:
                frame = self._parse(self._bytes(_Cut(*cut, False)), strict=True)
                self._cuts.append(_Cut(*cut, False))
                return frame, cut[1] / self.size
            except _Refused:
                self._cut_iter = pieces.record_cuts(self.path, cut[0], self.piece_bytes)
                cut = next(self._cut_iter)
        self._cuts.append(_Cut(*cut, True))
        return self._parse(self._bytes(self._cuts[-1]), strict=False), cut[1] / self.size

    def _bytes(self, cut: _Cut) -> bytes:
        with open(self.path, "rb") as fh:
            fh.seek(cut.start)
            return self.header + fh.read(cut.end - cut.start)

    def _parse(self, text: bytes, strict: bool) -> pl.DataFrame:
        """A piece's cells (``read_csv_cells``); ``strict``: Polars' refusal raises _Refused."""
        try:
            return read_csv_cells(text, fallback=not strict)
        except pl.exceptions.ComputeError as exc:
            if strict:
                raise _Refused from None
            raise ReadError(f"无法解析 CSV 文件 {self.name}：{str(exc).splitlines()[0]}") from None
        except pl.exceptions.NoDataError:
            raise ReadError(f"文件 {self.name} 是空的") from None
        except ReadError as exc:
            raise ReadError(f"CSV 文件 {self.name}：{exc}") from None
        except pl.exceptions.PolarsError as exc:
            raise ReadError(f"无法解析 CSV 文件 {self.name}：{str(exc).splitlines()[0]}") from None


class _Refused(Exception):
    """Polars refused a piece cut by counting quotes: the rest of the file is cut between records."""


def _json(src: SourceFile) -> pl.DataFrame:
    try:
        return read_records(src.path, src.encoding or "utf-8", src.records)
    except RecordsError as exc:
        raise ReadError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"文件 {src.path.name} 无法按 {src.encoding} 解码（第 {exc.start} 字节附近）：JSON 应为 UTF-8"
        ) from None


def preview_rows(src: SourceFile, n_rows: int = 60) -> list[list[str]]:
    """The first rows as text, header or not: enough to find the header under a title row. Row i of
    the result is row i of the sheet or the file, blank rows included (a blank CSV line is [])."""
    if src.kind == "excel":
        return preview_excel(src, n_rows)
    if src.kind == "json":
        frame = _json(src)
        return [frame.columns, *([v or "" for v in row] for row in frame.head(n_rows - 1).rows())]
    with open(src.path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    text = head.decode(src.encoding or "utf-8", errors="ignore").lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\0", ""), newline="")))
    except csv.Error as exc:
        raise ReadError(f"无法解析 CSV 文件 {src.path.name} 的表头：{exc}") from None
    return rows[:n_rows]


def read_frames(src: SourceFile, header_row: int = 0) -> Iterator[pl.DataFrame]:
    """The file's raw frames under its header, one piece at a time (a preview's value counts): the one
    reader of every load (``RawFile``), closed when the last piece is read."""
    raw = RawFile(src, header_row)
    try:
        for piece in raw:
            yield piece.frame
    finally:
        raw.close()
