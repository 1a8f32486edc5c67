"""GBK / GB18030 to UTF-8, a byte range at a time, so that two ranges can be decoded in two processes.

Kept free of heavy imports: it is what a spawned helper process imports. GB18030 (a superset of GBK)
has no shift states and a line feed byte (0x0A) is never part of a multi-byte character, so a file
cut just after a line feed decodes to exactly the text of the whole, part by part — whatever the
CSV quoting (a quoted cell may hold line feeds; decoding does not care).
"""

from __future__ import annotations

import codecs

CHUNK_BYTES = 8 * 1024 * 1024


def transcode_range(source: str, start: int, end: int, encoding: str, target: str) -> int | None:
    """Decode bytes [start, end) of ``source`` and write them as UTF-8 to ``target`` (truncated first).
    Returns None, or the file offset near which the bytes do not decode (nothing more is written)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    pos = start
    with open(source, "rb") as fh, open(target, "wb") as out:
        fh.seek(start)
        try:
            while pos < end:
                chunk = fh.read(min(CHUNK_BYTES, end - pos))
                if not chunk:
                    break
                out.write(decoder.decode(chunk).encode("utf-8"))
                pos += len(chunk)
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError as exc:
            return pos + exc.start
    return None


def split_after_line_feed(source: str, size: int) -> int:
    """An offset just after the first line feed at or after the middle of the file (``size`` if none)."""
    with open(source, "rb") as fh:
        fh.seek(size // 2)
        pos = size // 2
        while block := fh.read(1 << 16):
            found = block.find(b"\n")
            if found != -1:
                return pos + found + 1
            pos += len(block)
    return size


def main(argv: list[str]) -> None:
    """``python -c 'from etl.transcode import main; ...' SOURCE START END ENCODING TARGET``: prints the
    offset of undecodable bytes, or nothing."""
    source, start, end, encoding, target = argv
    bad = transcode_range(source, int(start), int(end), encoding, target)
    if bad is not None:
        print(bad)
