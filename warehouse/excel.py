"""Spreadsheet safety shared by every export (evidence pack, reports, page downloads).

A text cell that starts with = + - @ (or a tab / carriage return, which some spreadsheet programs
strip before evaluating) is run as a formula when the file is opened or the cell is edited: a
category typed as ``=HYPERLINK(...)`` in a hotline platform would become a live link in a hearing's
evidence. Prefixing an apostrophe makes it plain text in Excel, WPS and LibreOffice (OWASP CSV
injection guidance).
"""

from __future__ import annotations

from typing import Any

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """The value itself, or for text starting with a formula character the text behind an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` with :func:`neutralise_cell` applied (numbers are left alone)."""
    text = pl.col(pl.String)
    risky = text.str.contains(r"^[=+\-@\t\r]")
    return frame.with_columns(pl.when(risky).then(pl.lit("'") + text).otherwise(text).name.keep())
