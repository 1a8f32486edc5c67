"""Readers: a file in, frames of text cells out, and nothing else.

Every cell is read as text (typing is the mapping step's job, where a bad cell becomes a quarantine
reason instead of a crash). One way for every file and size (``RawFile``): a CSV is read in pieces of
about 64 MB that end at a record boundary (a small file is one piece), an Excel sheet or a JSON file
whole. GBK/GB18030 files are first transcoded to a temporary UTF-8 file, because Polars' fast path
reads only UTF-8 and DuckDB here cannot read GBK at all.

The modules, by what they hold: ``source`` (SourceFile, ReadError), ``opening`` (open_source: limits,
kind), ``encoding`` (which encoding a file is in), ``utf8`` (the UTF-8, LF copy Polars reads),
``pieces`` (where a CSV is cut: counting quotes, or between the records Python's csv module reads),
``cells`` (CSV text to cells), ``xlsx`` and ``zipguard`` (workbooks), ``records`` (JSON), ``frames``
(a file's pieces as frames, read once in order and again by number; the header preview). The names
callers use are imported here: ``from etl.readers import open_source, read_frames``. The size
thresholds are not (``pieces.PIECE_BYTES``, ``utf8.PARALLEL_TRANSCODE_BYTES``): a copy here would not
change what the module reads, so a test changes them where they live.
"""

from etl.readers.cells import EXTRA_CELLS, UNNAMED, fold_unnamed, read_csv_cells
from etl.readers.encoding import SNIFF_BYTES, Guess, detect_encoding, sniff_encoding
from etl.readers.frames import RawFile, RawPiece, preview_rows, read_frames
from etl.readers.opening import MAX_FILE_MB, open_source
from etl.readers.source import ReadError, SourceFile
from etl.readers.utf8 import LONE_CR, utf8_csv
from etl.readers.xlsx import EXCEL_SUFFIXES, check_excel_container, preview_excel, read_excel_frame, sheet_names

__all__ = [
    "EXCEL_SUFFIXES",
    "EXTRA_CELLS",
    "LONE_CR",
    "MAX_FILE_MB",
    "SNIFF_BYTES",
    "UNNAMED",
    "Guess",
    "RawFile",
    "RawPiece",
    "ReadError",
    "SourceFile",
    "check_excel_container",
    "detect_encoding",
    "fold_unnamed",
    "open_source",
    "preview_excel",
    "preview_rows",
    "read_csv_cells",
    "read_excel_frame",
    "read_frames",
    "sheet_names",
    "sniff_encoding",
    "utf8_csv",
]
