"""What a reader is handed and what it raises: the file, its kind and encoding, decided once by
``open_source``; a ``ReadError`` when the file cannot be read at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ReadError(ValueError):
    """The file cannot be read at all (not a data problem of single rows)."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str  # csv | excel | json
    encoding: str | None  # CSV and JSON: a Python codec name (utf-8, utf-8-sig, gb18030, cp1252, …)
    sheet: str | None = None
    warning: str | None = None  # the encoding was guessed without certainty (etl.readers.encoding)
    records: str | None = None  # JSON: the key of the list of records (a profile's [read] records)
