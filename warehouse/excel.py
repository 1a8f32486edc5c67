"""Spreadsheet safety shared by every export (evidence pack, the bulletin's workbook, page downloads).

A text cell that starts with = + - @ (or a tab / carriage return, which some spreadsheet programs
strip before evaluating) is run as a formula when the file is opened or the cell is edited: a
category typed as ``=HYPERLINK(...)`` in a hotline platform would become a live link in a hearing's
evidence. Prefixing an apostrophe makes it plain text in Excel, WPS and LibreOffice (OWASP CSV
injection guidance). The bulletin's workbook marks such cells with Excel's quote prefix instead (the
text stays as typed); it asks :func:`is_formula_like`, so the rule is the same one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_RISKY = "^[" + re.escape("".join(FORMULA_PREFIXES)) + "]"


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would run as a formula (it starts with one of ``FORMULA_PREFIXES``)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralise_cell(value: Any) -> Any:
    """The value itself, or for text starting with a formula character the text behind an apostrophe."""
    return "'" + value if is_formula_like(value) else value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` and every column name with :func:`neutralise_cell` applied (numbers are
    left alone): a header is a cell too once the frame is written out."""
    text = pl.col(pl.String)
    risky = text.str.contains(_RISKY)
    out = frame.with_columns(pl.when(risky).then(pl.lit("'") + text).otherwise(text).name.keep())
    return out.rename({c: neutralise_cell(c) for c in out.columns if is_formula_like(c)})


def csv_cell(value: Any) -> str:
    """One value as the command line's CSV writes it: empty for none, true/false, floats at full precision,
    ISO dates and times, text through :func:`neutralise_cell` (a unit named ``=HYPERLINK(...)`` stays text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise_cell(value) if isinstance(value, str) else str(value)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The command line's CSV (``--format csv`` of every command): a header, then one line per row."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow([csv_cell(c) for c in columns])
    out.writerows([[csv_cell(v) for v in row] for row in rows])
    return buf.getvalue()
