"""Readers: a file in, a Polars frame of text cells out, and nothing else.

Every cell is read as text (typing is the mapping step's job, where a bad cell becomes a
quarantine reason instead of a crash). CSV is parsed by Polars' native reader (columnar, never
Python objects row by row); GBK/GB18030 files are first transcoded to a temporary UTF-8 file in
chunks, because Polars' fast path reads only UTF-8 and DuckDB here cannot read GBK at all.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 8 * 1024 * 1024
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
# Clear limits against oversized input (each overridable by an environment variable of that name).
MAX_FILE_MB = 8192  # HOTLINE_MAX_FILE_MB: one export file
MAX_XLSX_EXPANDED_MB = 2048  # HOTLINE_MAX_XLSX_EXPANDED_MB: an XLSX's unzipped contents
MAX_XLSX_RATIO = 200  # real exports compress 5-20x; a bomb, thousands


class ReadError(ValueError):
    """The file cannot be read at all (not a data problem of single rows)."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str  # csv | excel
    encoding: str | None  # utf-8 | utf-8-sig | gb18030 (CSV only)
    sheet: str | None = None


def detect_encoding(path: Path) -> str:
    """BOM -> utf-8-sig; the first 64 KiB decode as UTF-8 (a cut character allowed) -> utf-8; else gb18030."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _limit(name: str, default_mb: int) -> int:
    return int(float(os.environ.get(name, default_mb)) * 2**20)


def check_excel_container(path: Path) -> None:
    """Refuse what is not an XLSX, or would expand into far more than it looks (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as zf:
            expanded = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ReadError(f"{path.name} 不是有效的 XLSX 文件（可能已损坏，或是改了扩展名的其他文件）") from None
    size = max(path.stat().st_size, 1)
    limit = _limit("HOTLINE_MAX_XLSX_EXPANDED_MB", MAX_XLSX_EXPANDED_MB)
    if expanded > limit or expanded / size > MAX_XLSX_RATIO:
        raise ReadError(
            f"{path.name} 解压后有 {expanded / 2**20:.0f} MB（压缩比 {expanded / size:.0f} 倍），超过上限 "
            f"{limit / 2**20:.0f} MB / {MAX_XLSX_RATIO} 倍：请拆分文件，或改为导出 CSV。"
        )


def open_source(path: Path, encoding: str = "auto", sheet: str | int | None = None) -> SourceFile:
    if not path.exists():
        raise ReadError(f"文件不存在：{path}")
    size, limit = path.stat().st_size, _limit("HOTLINE_MAX_FILE_MB", MAX_FILE_MB)
    if size > limit:
        raise ReadError(
            f"{path.name} 有 {size / 2**20:.0f} MB，超过单个文件上限 {limit / 2**20:.0f} MB：请按月拆分后导入。"
        )
    if path.suffix.lower() in EXCEL_SUFFIXES:
        if path.suffix.lower() != ".xls":  # legacy .xls is not a zip; calamine bounds it itself
            check_excel_container(path)
        return SourceFile(path, "excel", None, _pick_sheet(path, sheet))
    enc = detect_encoding(path) if encoding in ("auto", "", None) else encoding
    return SourceFile(path, "csv", enc)


def _pick_sheet(path: Path, sheet: str | int | None) -> str:
    import fastexcel

    try:
        names = fastexcel.read_excel(str(path)).sheet_names
    except Exception as exc:  # calamine raises its own error types
        raise ReadError(f"无法打开 Excel 文件 {path.name}：{exc}") from None
    if not names:
        raise ReadError(f"Excel 文件 {path.name} 没有工作表")
    if sheet is None or sheet == "":
        return names[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif sheet in names:
        return sheet
    raise ReadError(f"Excel 文件 {path.name} 中没有工作表「{sheet}」；现有工作表：{'、'.join(names)}")


@contextlib.contextmanager
def utf8_csv(src: SourceFile) -> Iterator[Path]:
    """Yield a UTF-8 path for the CSV: the file itself, or a chunked transcode of it."""
    if src.encoding in ("utf-8", "utf-8-sig", "utf8"):
        yield src.path
        return
    decoder = codecs.getincrementaldecoder(src.encoding or "gb18030")(errors="strict")
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as out, open(src.path, "rb") as fh:
        tmp = Path(out.name)
        try:
            while chunk := fh.read(CHUNK_BYTES):
                out.write(decoder.decode(chunk).encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError as exc:
            tmp.unlink(missing_ok=True)
            raise ReadError(
                f"文件 {src.path.name} 既不是 UTF-8 也不是 GBK/GB18030 编码（第 {exc.start} 字节附近无法解码），"
                "请用 Excel 或记事本另存为 UTF-8 CSV 后重新导入。"
            ) from None
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def preview_rows(src: SourceFile, n_rows: int = 8) -> list[list[str]]:
    """The first rows as text, header or not: enough to find the header under a title row."""
    if src.kind == "excel":
        try:
            frame = pl.read_excel(
                src.path,
                sheet_name=src.sheet,
                has_header=False,
                infer_schema_length=0,
                read_options={"n_rows": n_rows},
            )
        except Exception as exc:  # calamine's own error types
            raise ReadError(f"无法读取 Excel 文件 {src.path.name}：{str(exc).splitlines()[0]}") from None
        return [["" if v is None else str(v) for v in row] for row in frame.rows()]
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
        try:
            return pl.read_excel(
                src.path,
                sheet_name=src.sheet,
                infer_schema_length=0,
                read_options={"header_row": header_row},
            )
        except Exception as exc:
            raise ReadError(f"无法读取 Excel 文件 {src.path.name}：{exc}") from None
    with utf8_csv(src) as path:
        try:
            return pl.read_csv(
                path,
                infer_schema=False,
                skip_rows=header_row,
                truncate_ragged_lines=True,
                encoding="utf8",
            )
        except pl.exceptions.NoDataError:
            raise ReadError(f"文件 {src.path.name} 是空的") from None
        except pl.exceptions.PolarsError as exc:
            raise ReadError(f"无法解析 CSV 文件 {src.path.name}：{str(exc).splitlines()[0]}") from None
