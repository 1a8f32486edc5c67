"""Opening an export: the file checked (it exists, within the size limit) and its kind and encoding decided."""

from __future__ import annotations

import os
from pathlib import Path

from etl.readers.encoding import Guess, sniff_encoding
from etl.readers.records import JSON_SUFFIXES
from etl.readers.source import ReadError, SourceFile
from etl.readers.xlsx import EXCEL_SUFFIXES, check_excel_container, pick_sheet

# Clear limits against oversized input (each overridable by an environment variable of that name).
MAX_FILE_MB = 8192  # HOTLINE_MAX_FILE_MB: one export file


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
