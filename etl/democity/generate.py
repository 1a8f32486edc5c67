"""Demo data: monthly 12345 exports of the fictional city 云溪市 (``python -m etl demo``).

Why: newcomers, the dashboard's demo mode and the tests need data that looks and misbehaves like
real hotline exports without touching any real citizen's record. Every place, unit and person is
invented (see ``etl.democity.city``); phone numbers are random.

What gets written, in load order (file names sort by month):

- ``yunxi_12345_YYYY-MM.csv`` / ``.xlsx``, one snapshot export per month, rotating between three
  vendor dialects (``etl.democity.export``): GBK CSV, XLSX with a title row, UTF-8-with-BOM CSV. An XLSX
  month with more than ``XLSX_MAX_ROWS`` rows is written as plain UTF-8 CSV instead (same vendor-B
  headers and text timestamps): xlsxwriter needs about 4 µs per cell, 11 s for 100 000 rows.
- ``.demo_manifest.json`` (hidden, so ``etl load DIR/*`` skips it): per file the number of data
  rows and of each injected messy kind (``etl.democity.messy``), also kept in ``MESSY_EXPECTATIONS``.

Generation is vectorised; the defaults (13 months × 5 000 orders) take a few seconds.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from etl.democity import integrity
from etl.democity.export import (
    DEADLINE_FIELDS,
    TIMESTAMP_FIELDS,
    VENDOR_B,
    VENDORS,
    Vendor,
    format_rows,
    snapshot,
    without_extension,
)
from etl.democity.messy import KINDS, inject
from etl.democity.orders import generate_orders, month_starts
from etl.democity.problems import with_planted, write_truth

DEFAULT_ORDERS_PER_MONTH = 5000
DEFAULT_END_MONTH = "2026-10"  # the last complete month of the demo period
XLSX_MAX_ROWS = 50_000
FILE_PREFIX = "yunxi_12345_"
MANIFEST = ".demo_manifest.json"
EXCEL_EPOCH_DAYS = 25_569  # Excel serial number of 1970-01-01
_FIXED_CREATED = datetime(2026, 11, 1, 8, 0, 0)  # constant workbook metadata keeps output deterministic
# File name -> {"rows": data rows, <kind>: injected rows of that kind} for the last write_demo call.
MESSY_EXPECTATIONS: dict[str, dict[str, int]] = {}
__all__ = ["DEFAULT_ORDERS_PER_MONTH", "KINDS", "MESSY_EXPECTATIONS", "messy_expectations", "write_demo"]


def write_demo(
    out_dir: Path,
    months: int = 13,
    orders_per_month: int = DEFAULT_ORDERS_PER_MONTH,
    seed: int = 12345,
    end_month: str | None = None,
) -> list[Path]:
    """Write the demo exports for a fictional city into out_dir; return the file paths in load order.

    Earlier demo exports (``yunxi_12345_*``) in out_dir are removed first so the directory always
    matches the manifest. The same arguments always produce the same files.
    """
    end = end_month or DEFAULT_END_MONTH
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", end):
        raise ValueError(f"end_month must look like 2026-10, got {end!r}")
    if months < 1 or orders_per_month < 1:
        raise ValueError("months and orders_per_month must be at least 1")
    rng = np.random.default_rng(seed)
    firsts, truth = demo_truth(rng, seed, end, months, orders_per_month)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(f"{FILE_PREFIX}*"):
        if old.suffix in (".csv", ".xlsx"):
            old.unlink()
    paths, expectations = [], {}
    for k in range(months):
        vendor = _vendor(k)
        frame, counts = inject(rng, format_rows(snapshot(truth, k, firsts), vendor, rng), vendor)
        path = _write(frame, vendor, out_dir / f"{FILE_PREFIX}{firsts[k]:%Y-%m}", firsts[k])
        paths.append(path)
        expectations[path.name] = counts
    manifest = json.dumps(expectations, ensure_ascii=False, indent=1)
    (out_dir / MANIFEST).write_text(manifest + "\n", encoding="utf-8")
    write_truth(out_dir, truth, orders_per_month, end, months, seed)
    MESSY_EXPECTATIONS.clear()
    MESSY_EXPECTATIONS.update(expectations)
    return paths


def demo_truth(
    rng: np.random.Generator, seed: int, end: str, months: int, orders_per_month: int
) -> tuple[list[date], pl.DataFrame]:
    """The city's orders as they really went (before any export snapshot): the background orders, the
    planted recurring problems, then the planted exclusions, redos and replies (each its own stream).
    Also the labelled sample of ``etl.reply_eval``."""
    firsts = month_starts(end, months)
    truth = with_planted(generate_orders(rng, end, months, orders_per_month), seed, firsts, orders_per_month)
    return firsts, integrity.enrich(truth, seed, firsts)


def messy_expectations(out_dir: Path) -> dict[str, dict[str, int]]:
    """The per-file row and messy-row counts written by ``write_demo`` into out_dir's manifest."""
    return json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))


def _vendor(month_index: int) -> Vendor:
    """Vendors rotate A, B, C; vendor B's 延期后截止时间 column appears in every other B file."""
    vendor = VENDORS[month_index % len(VENDORS)]
    if vendor is VENDOR_B and (month_index // len(VENDORS)) % 2 == 0:
        return without_extension(vendor)
    return vendor


def _write(frame: pl.DataFrame, vendor: Vendor, stem: Path, first: date) -> Path:
    modes = frame["__xlsx_mode"].to_list()
    frame = frame.drop("__xlsx_mode")
    if vendor.key == "A":
        return _write_csv(frame, stem.with_suffix(".csv"), "gbk", "\r\n")
    if vendor.key == "C" or frame.height > XLSX_MAX_ROWS:
        encoding = "utf-8-sig" if vendor.key == "C" else "utf-8"
        return _write_csv(frame, stem.with_suffix(".csv"), encoding, "\n")
    title = f"云溪市12345热线工单导出（{first.year}年{first.month}月）"
    return _write_xlsx(frame, stem.with_suffix(".xlsx"), vendor, title, modes)


def _write_csv(frame: pl.DataFrame, path: Path, encoding: str, newline: str) -> Path:
    """Encode strictly: a character GBK cannot hold must fail here, not garble the demo."""
    path.write_bytes(frame.write_csv(line_terminator=newline).encode(encoding))
    return path


def _xlsx_columns(frame: pl.DataFrame, vendor: Vendor) -> list[tuple[str, list, list | None]]:
    """Per column: its kind (text, ts, int), its text cells and, for timestamps, Excel serials."""
    parse_format = vendor.ts_format.replace("%-", "%")
    timestamps = {h for h, f in vendor.columns if f in TIMESTAMP_FIELDS or f in DEADLINE_FIELDS}
    columns = []
    for header in frame.columns:
        texts = frame[header].to_list()
        if header in timestamps:
            parsed = frame[header].str.strptime(pl.Datetime("us"), parse_format, strict=False)
            columns.append(("ts", texts, (parsed.dt.epoch("s") / 86_400 + EXCEL_EPOCH_DAYS).to_list()))
        elif header == vendor.header("return_count"):
            columns.append(("int", texts, None))
        else:
            columns.append(("text", texts, None))
    return columns


def _write_xlsx(frame: pl.DataFrame, path: Path, vendor: Vendor, title: str, modes: list[int]) -> Path:
    """Timestamps per row ``modes``: 0 Excel datetime cell, 1 Chinese text, 2 bare serial number."""
    columns = _xlsx_columns(frame, vendor)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"title": title, "author": "云溪市12345热线（演示数据）", "created": _FIXED_CREATED})
    sheet = workbook.add_worksheet("工单明细")
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 14}))
    for c, header in enumerate(frame.columns):
        sheet.write_string(1, c, header)
    for r, mode in enumerate(modes):
        for c, (kind, texts, serials) in enumerate(columns):
            value = texts[r]
            if value is None:
                continue
            if kind == "ts" and mode != 1 and serials[r] is not None:
                sheet.write_number(r + 2, c, serials[r], stamp if mode == 0 else None)
            elif kind == "int":
                sheet.write_number(r + 2, c, int(value))
            else:
                sheet.write_string(r + 2, c, value)
    workbook.close()
    return path
