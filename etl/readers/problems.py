"""The one error a reader raises: the file cannot be read at all (not a data problem of single rows)."""

from __future__ import annotations


class ReadError(ValueError):
    """The file cannot be read at all (not a data problem of single rows)."""
