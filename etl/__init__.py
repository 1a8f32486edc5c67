"""ETL: hotline exports (CSV/XLSX/JSON, UTF-8, GBK or a Western code page, any vendor's headers) into the warehouse."""

from __future__ import annotations

from pathlib import Path


def version() -> str:
    """The installed package's version, or the one pyproject.toml states when run from a checkout."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("hotline12345")
    except PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"
