"""Where a UTF-8 CSV is cut into pieces that each parse on their own: byte offsets, never a copy.

Every CSV, small or big, is read as pieces of about :data:`PIECE_BYTES` (a small file is one piece),
each parsed with the header record in front of it. A piece ends at a line break outside quotes, found
one of two ways:

- by counting quotes (an even number before the line break: RFC 4180 doubles a quote inside a cell);
  fast, and exact for every file without a quote inside an unquoted cell;
- between the records Python's csv module reads, which takes a quote inside an unquoted cell
  (``12"显示器``) as a character, as Excel does. Slower (~2.4 s for the 245 MB 1M-row export, against
  0.7 s); only from the first piece Polars refuses on (etl.readers.frames).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from etl.readers.source import ReadError

PIECE_BYTES = 64 * 2**20
BOM = codecs.BOM_UTF8


def locate_header(path: Path, header_row: int) -> tuple[bytes, int]:
    """(the header record's bytes, the offset where the data after it starts). ``header_row`` counts the
    records above it as Python's csv module reads them, blank lines included (``preview_rows``). A UTF-8
    BOM is dropped, as Polars drops it."""
    with open(path, "rb") as fh:
        start = len(BOM) if fh.read(len(BOM)) == BOM else 0
        fh.seek(start)
        spans: list[int] = []

        def lines() -> Iterator[str]:
            for line in fh:
                spans.append(len(line))
                yield line.decode("utf-8", errors="replace")

        records = csv.reader(lines())
        try:
            for _ in range(header_row + 1):
                before = sum(spans)
                if next(records, None) is None:
                    return b"", start + sum(spans)
        except csv.Error as exc:
            raise ReadError(f"CSV 格式有误，无法逐行读取：{exc}") from None
        end = start + sum(spans)
        fh.seek(start + before)
        return fh.read(end - start - before), end


def parity_cuts(path: Path, start: int, piece_bytes: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each piece from ``start`` on, cut where an even number of quotes comes before a
    line break. A rest of blank space at the very end is no piece (it holds no row)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        pos, buf = start, b""
        while more := fh.read(piece_bytes):
            buf += more
            end = _split_point(buf)
            if end:
                yield pos, pos + end
                pos, buf = pos + end, buf[end:]
        if buf.strip():
            yield pos, pos + len(buf)


def record_cuts(path: Path, start: int, piece_bytes: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each piece from ``start`` on, cut only between the records Python's csv module
    reads (lines are split at LF: ``utf8_csv`` made lone CRs LFs)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        taken = [0]  # bytes of the lines read since the last cut

        def lines() -> Iterator[str]:
            for line in fh:
                taken[0] += len(line)
                yield line.decode("utf-8", errors="replace")

        pos = start
        try:
            for _ in csv.reader(lines()):
                if taken[0] >= piece_bytes:
                    yield pos, pos + taken[0]
                    pos, taken[0] = pos + taken[0], 0
        except csv.Error as exc:
            raise ReadError(f"CSV 格式有误，无法逐行读取：{exc}") from None
        if taken[0]:
            fh.seek(pos)
            if fh.read(taken[0]).strip():
                yield pos, pos + taken[0]


def _split_point(buf: bytes) -> int | None:
    """Just after the last line break outside quotes; None when there is none."""
    total = buf.count(b'"')
    tail, right = 0, len(buf)
    while (nl := buf.rfind(b"\n", 0, right)) != -1:
        tail += buf.count(b'"', nl, right)
        if (total - tail) % 2 == 0:
            return nl + 1
        right = nl
    return None
