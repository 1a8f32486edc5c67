"""Readers: a file in, frames of text cells out, and nothing else.

One way for every file and size (``RawFile``): a CSV is read in pieces of about 64 MB that end at a
record boundary (a small file is one piece), an Excel sheet or a JSON file whole. By what each module
holds:

- ``source``: what the file is (kind, encoding, limits) before anything is read from it;
- ``excel``: the XLSX container check, the sheets, a sheet's cells;
- ``utf8``: any CSV as a UTF-8 file with LF line ends (transcoding GBK in two halves at once);
- ``pieces``: where a CSV is cut (counting quotes, or between the records Python's csv module reads);
- ``cells``: CSV text to cells (Polars, and Python's csv module for what Polars refuses);
- ``frames``: the pieces as frames, read once in order and again by number; the header preview.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from etl.readers import utf8 as _utf8
from etl.readers.cells import EXTRA_CELLS, UNNAMED, fold_unnamed, read_csv_cells
from etl.readers.excel import check_excel_container, sheet_names
from etl.readers.frames import RawFile, RawPiece, preview_rows
from etl.readers.pieces import PIECE_BYTES
from etl.readers.problems import ReadError
from etl.readers.source import EXCEL_SUFFIXES, MAX_FILE_MB, SourceFile, detect_encoding, open_source, sniff_encoding

# The size above which a GBK/GB18030 file is transcoded in two halves at once (etl.readers.utf8).
PARALLEL_TRANSCODE_BYTES = _utf8.PARALLEL_TRANSCODE_BYTES


@contextlib.contextmanager
def utf8_csv(src: SourceFile) -> Iterator[Path]:
    """``etl.readers.utf8.utf8_csv`` with this package's :data:`PARALLEL_TRANSCODE_BYTES`."""
    with _utf8.utf8_csv(src, PARALLEL_TRANSCODE_BYTES) as path:
        yield path


def read_frames(src: SourceFile, header_row: int = 0) -> Iterator:
    """The file's raw frames under its header, one piece at a time (a preview's value counts): the one
    reader of every load (``RawFile``), closed when the last piece is read."""
    raw = RawFile(src, header_row)
    try:
        for piece in raw:
            yield piece.frame
    finally:
        raw.close()


__all__ = [
    "EXCEL_SUFFIXES",
    "EXTRA_CELLS",
    "MAX_FILE_MB",
    "PARALLEL_TRANSCODE_BYTES",
    "PIECE_BYTES",
    "UNNAMED",
    "RawFile",
    "RawPiece",
    "ReadError",
    "SourceFile",
    "check_excel_container",
    "detect_encoding",
    "fold_unnamed",
    "open_source",
    "preview_rows",
    "read_csv_cells",
    "read_frames",
    "sheet_names",
    "sniff_encoding",
    "utf8_csv",
]
