"""How many columns a text takes on a terminal or in a spreadsheet: a CJK character takes two.

One rule for the CLI tables and the column widths of every XLSX export (page downloads, the evidence
pack), so a unit name like 市住房和城乡建设局 lines up the same everywhere. Wide (W) and full-width (F)
characters in Unicode's East Asian Width count double; everything else, ambiguous ones like — too, once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any


def display_width(value: Any) -> int:
    """Columns ``value`` takes when printed (None takes none)."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns, on the left when ``right`` (numbers)."""
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def column_widths(heads: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """The widest of each column's heading and cells."""
    return [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(heads)]
