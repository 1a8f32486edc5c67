"""A big CSV in pieces: cut at line breaks outside quotes (or between the records Python's csv
module reads), each piece parsed as its own frame, so no copy of the whole file is held twice."""

from __future__ import annotations

import codecs
import csv
import weakref
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from etl.readers.cells import read_csv_cells
from etl.readers.source import ReadError, SourceFile
from etl.readers.utf8 import utf8_csv

# A big CSV (over frames.CHUNKED_MIN_BYTES) is parsed in pieces of about this size (each piece a Polars
# frame), so that no copy of the whole file is mapped or held twice; smaller files are read whole.
PIECE_BYTES = 128 * 2**20
BOM = codecs.BOM_UTF8


class CsvPieces:
    """A big CSV as frames of about ``PIECE_BYTES`` each, parsed each time they are iterated (the
    file is read again, from the page cache): a whole file of string cells takes about twice its
    size in memory, a piece at a time takes a piece. The key columns (the order ids, which the
    duplicate rules need for the whole file before any row is checked) are read in full at once,
    which also proves the file parses before anything is written."""

    def __init__(self, src: SourceFile, key_columns: tuple[str, ...]) -> None:
        self.name = src.path.name
        self.path = src.path
        with utf8_csv(src) as path:
            if path != src.path:  # a transcoded or LF copy: kept until this object is gone
                self.path = path.with_name(path.name + ".pieces")
                path.rename(self.path)
                weakref.finalize(self, self.path.unlink, missing_ok=True)
        self.piece_bytes = PIECE_BYTES
        # Pieces are cut where an even number of quotes comes before a line break (fast, exact for RFC
        # 4180 files). A quote inside an unquoted cell (12"显示器) breaks that count, and Polars refuses
        # such a piece: then the file is cut between the records Python's csv module reads (slower).
        self.exact = False
        try:
            self.keys = [self._parse(piece, key_columns) for piece in self._pieces()]
        except _Irregular:
            self.exact = True
            self.keys = [self._parse(piece, key_columns) for piece in self._pieces()]

    def _pieces(self) -> Iterator[bytes]:
        return (csv_record_pieces if self.exact else csv_pieces)(self.path, self.piece_bytes)

    def _parse(self, piece: bytes, key_columns: tuple[str, ...] | None = None) -> pl.DataFrame:
        """A piece's cells (``read_csv_cells``), or with ``key_columns`` only those columns. Before the
        file is known to need exact cuts, a piece Polars refuses raises _Irregular."""
        strict = not self.exact and key_columns is not None  # the same rows the full read gives, or a refusal
        try:
            frame = read_csv_cells(piece, fallback=not strict)
        except pl.exceptions.ComputeError as exc:
            if strict:
                raise _Irregular from None
            raise ReadError(f"无法解析 CSV 文件 {self.name}：{str(exc).splitlines()[0]}") from None
        except pl.exceptions.NoDataError:
            raise ReadError(f"文件 {self.name} 是空的") from None
        except pl.exceptions.PolarsError as exc:
            raise ReadError(f"无法解析 CSV 文件 {self.name}：{str(exc).splitlines()[0]}") from None
        if key_columns is None:
            return frame
        return frame.select([c for c in frame.columns if c.strip() in key_columns] or frame.columns[:1])

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[pl.DataFrame]:
        """The pieces in full. Rows may already be written when a piece fails here, so the failure is
        not a ReadError (a rejected file must leave nothing behind) but fails the whole load."""
        for piece, keys in zip(self._pieces(), self.keys, strict=True):
            try:
                frame = self._parse(piece)
            except ReadError as exc:
                raise RuntimeError(str(exc)) from None
            if frame.height != keys.height:  # cannot happen: the same bytes, the same parser
                raise RuntimeError(f"CSV 文件 {self.name} 两次读取的行数不同，文件是否在导入时被改动？")
            yield frame


class _Irregular(Exception):
    """A piece that Polars refuses: the file's pieces must be cut by records (csv_record_pieces)."""


def csv_record_pieces(path: Path, piece_bytes: int | None = None) -> Iterator[bytes]:
    """``csv_pieces`` cut only between the records Python's csv module reads (which takes a quote inside
    an unquoted cell as a character, as Excel does). ~2.4 s for the 245 MB 1M-row export (``csv_pieces``:
    0.7 s); only for files that need it.
    Lines are split at LF (``utf8_csv`` made lone CRs LFs)."""
    piece_bytes = piece_bytes or PIECE_BYTES
    with open(path, "rb") as fh:
        taken: list[bytes] = []
        size = [0]  # bytes in taken

        def lines() -> Iterator[str]:
            for line in fh:
                taken.append(line)
                size[0] += len(line)
                yield line.decode("utf-8", errors="replace")

        records = csv.reader(lines())
        try:
            next(records)  # the header
            header = b"".join(taken).removeprefix(BOM)
            taken.clear()
            size[0] = 0
            for _ in records:
                if size[0] >= piece_bytes:
                    yield header + b"".join(taken)
                    taken.clear()
                    size[0] = 0
        except csv.Error as exc:
            raise ReadError(f"CSV 格式有误，无法逐行读取：{exc}") from None
        if b"".join(taken).strip():
            yield header + b"".join(taken)


def csv_pieces(path: Path, piece_bytes: int | None = None) -> Iterator[bytes]:
    """The file as CSV texts that each start with the header line and end at a line break that is
    not inside a quoted cell (an even number of quote characters before it: RFC 4180 doubles a
    quote inside a cell). A UTF-8 BOM is dropped, as Polars drops it when it reads the file."""
    piece_bytes = piece_bytes or PIECE_BYTES
    with open(path, "rb") as fh:
        buf = fh.read(piece_bytes)
        if buf.startswith(BOM):
            buf = buf[len(BOM) :]
        end = _split_point(buf, first=True)
        while end is None and (more := fh.read(piece_bytes)):  # a header longer than a piece
            buf += more
            end = _split_point(buf, first=True)
        if end is None:
            yield buf
            return
        header, buf = buf[:end], buf[end:]
        while more := fh.read(piece_bytes):
            buf += more
            end = _split_point(buf)
            if end:
                yield header + buf[:end]
                buf = buf[end:]
        if buf.strip():
            yield header + buf


def _split_point(buf: bytes, first: bool = False) -> int | None:
    """Just after the first (``first``) or last line break outside quotes; None when there is none."""
    if first:
        pos = 0
        while (nl := buf.find(b"\n", pos)) != -1:
            if buf.count(b'"', 0, nl) % 2 == 0:
                return nl + 1
            pos = nl + 1
        return None
    total = buf.count(b'"')
    tail, right = 0, len(buf)
    while (nl := buf.rfind(b"\n", 0, right)) != -1:
        tail += buf.count(b'"', nl, right)
        if (total - tail) % 2 == 0:
            return nl + 1
        right = nl
    return None
