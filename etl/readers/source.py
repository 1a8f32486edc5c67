"""What a file is before anything is read from it: CSV, Excel or JSON, in which encoding, within the limits.

Opening a source reads only what deciding that needs (the first 64 KiB of a CSV or JSON file, the
sheet list and the container check of an XLSX), so a file that cannot be read is refused before any
row is.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from etl.encodings import Guess, guess_legacy
from etl.readers.excel import check_excel_container, pick_sheet
from etl.readers.problems import ReadError
from etl.records import JSON_SUFFIXES

SNIFF_BYTES = 64 * 1024
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
# Clear limits against oversized input (each overridable by an environment variable of that name).
MAX_FILE_MB = 8192  # HOTLINE_MAX_FILE_MB: one export file


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str  # csv | excel | json
    encoding: str | None  # CSV and JSON: a Python codec name (utf-8, utf-8-sig, gb18030, cp1252, …)
    sheet: str | None = None
    warning: str | None = None  # the encoding was guessed without certainty (etl.encodings)
    records: str | None = None  # JSON: the key of the list of records (a profile's [read] records)


def detect_encoding(path: Path) -> str:
    """The encoding ``sniff_encoding`` picks."""
    return sniff_encoding(path).encoding


def sniff_encoding(path: Path) -> Guess:
    """BOM -> utf-8-sig; the first 64 KiB decode as UTF-8 (a cut character allowed) -> utf-8; else
    GB18030 or a single-byte Western encoding, as etl.encodings judges (with a warning when unsure)."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return Guess("utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            f"文件 {path.name} 是 UTF-16 编码（Excel 的「Unicode 文本」），不是逗号分隔的 CSV："
            "请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后重新导入。"
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return Guess("utf-8")
    except UnicodeDecodeError:
        return guess_legacy(head, path.name)


def _limit(name: str, default_mb: int) -> int:
    return int(float(os.environ.get(name, default_mb)) * 2**20)


def open_source(
    path: Path, encoding: str = "auto", sheet: str | int | None = None, fmt: str = "auto", records: str | None = None
) -> SourceFile:
    """The file checked (exists, within the limits) and its kind and encoding decided: ``fmt`` (a
    profile's ``[read] format``) or the name's suffix, then the bytes."""
    if not path.is_file():
        raise ReadError(f"文件不存在：{path}" if not path.exists() else f"不是文件：{path}")
    size, limit = path.stat().st_size, _limit("HOTLINE_MAX_FILE_MB", MAX_FILE_MB)
    if size > limit:
        raise ReadError(
            f"{path.name} 有 {size / 2**20:.0f} MB，超过单个文件上限 {limit / 2**20:.0f} MB：请按月拆分后导入。"
        )
    suffix = path.suffix.lower()
    if fmt == "excel" or (fmt == "auto" and suffix in EXCEL_SUFFIXES):
        if suffix != ".xls":  # legacy .xls is not a zip; calamine bounds it itself
            check_excel_container(path)
        return SourceFile(path, "excel", None, pick_sheet(path, sheet))
    guess = sniff_encoding(path) if encoding in ("auto", "", None) else Guess(encoding)
    kind = "json" if fmt == "json" or (fmt == "auto" and suffix in JSON_SUFFIXES) else "csv"
    return SourceFile(path, kind, guess.encoding, warning=guess.warning, records=records)
