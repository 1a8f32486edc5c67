"""The demo city through the real ETL: every messy row it injects is quarantined or counted, exactly."""

from __future__ import annotations

from pathlib import Path

from etl.democity.generate import messy_expectations, write_demo
from etl.democity.messy import KINDS
from etl.load import load_files

QUARANTINE_KINDS = tuple(k for k in KINDS if k != "duplicates")  # every injected kind but counted duplicates


def test_demo_exports_load_with_the_injected_counts(tmp_path: Path, db: Path) -> None:
    paths = write_demo(tmp_path / "demo", months=4, orders_per_month=800, seed=3)
    summary = load_files(paths, db=db, mark_demo=True)
    expected = messy_expectations(tmp_path / "demo")
    assert summary.rejected_files == 0
    for res in summary.details:
        want = expected[res.file]
        assert res.rows_read == want["rows"], res.file
        assert res.duplicates == want["duplicates"], res.file
        assert res.quarantined == sum(want[k] for k in QUARANTINE_KINDS), res.file
        assert res.rows_read == res.loaded + res.updated + res.unchanged + res.quarantined + res.duplicates
    again = load_files(paths, db=db)
    assert again.unchanged == summary.rows_read and again.loaded == again.updated == 0
