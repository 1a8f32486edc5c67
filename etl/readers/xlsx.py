"""Excel workbooks: the container checked against zip bombs (``zipguard``), the sheets listed and
picked, and a sheet read as text cells by calamine (fastexcel, through Polars)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.readers.cells import fold_unnamed
from etl.readers.source import ReadError, SourceFile
from etl.readers.zipguard import ContainerError, check_xlsx_container

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


def check_excel_container(path: Path) -> None:
    """Refuse what is not an XLSX, or what would expand into far more than it looks (a zip bomb)."""
    try:
        check_xlsx_container(path)
    except ContainerError as exc:
        raise ReadError(str(exc)) from None


def sheet_names(path: Path) -> list[str]:
    """The worksheets of an Excel file, in their order."""
    import fastexcel

    try:
        names = fastexcel.read_excel(str(path)).sheet_names
    except Exception as exc:  # calamine raises its own error types
        raise ReadError(f"无法打开 Excel 文件 {path.name}：{exc}") from None
    if not names:
        raise ReadError(f"Excel 文件 {path.name} 没有工作表")
    return names


def pick_sheet(path: Path, sheet: str | int | None) -> str:
    """The sheet a profile names (by name or index), the first when it names none."""
    names = sheet_names(path)
    if sheet is None or sheet == "":
        return names[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return names[sheet]
    elif sheet in names:
        return sheet
    raise ReadError(f"Excel 文件 {path.name} 中没有工作表「{sheet}」；现有工作表：{'、'.join(names)}")


def preview_excel(src: SourceFile, n_rows: int) -> list[list[str]]:
    """``preview_rows`` of a worksheet: the first ``n_rows`` rows from its first, blank or not."""
    try:
        frame = pl.read_excel(
            src.path,
            sheet_name=src.sheet,
            has_header=False,
            infer_schema_length=0,
            read_options={"n_rows": n_rows, "skip_rows": 0},  # from the sheet's first row, blank or not
            drop_empty_rows=False,
            raise_if_empty=False,  # an empty sheet has no header: the caller says so, or tries the next
        )
    except Exception as exc:  # calamine's own error types
        raise ReadError(f"无法读取 Excel 文件 {src.path.name}：{str(exc).splitlines()[0]}") from None
    return [["" if v is None else str(v) for v in row] for row in frame.rows()]


def read_excel_frame(src: SourceFile, header_row: int) -> pl.DataFrame:
    """``read_frame`` of a worksheet: every row under the header, every column as text."""
    try:
        return fold_unnamed(
            pl.read_excel(
                src.path,
                sheet_name=src.sheet,
                infer_schema_length=0,
                read_options={"header_row": header_row},
                drop_empty_rows=False,  # a blank row keeps its number, as in a CSV (tidy_cells drops it)
            )
        )
    except Exception as exc:
        raise ReadError(f"无法读取 Excel 文件 {src.path.name}：{exc}") from None
