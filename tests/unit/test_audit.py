"""The audit log: events appended beside the warehouse, newest first, CLI loads included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import order_row, write_csv
from warehouse import audit

ROOT = Path(__file__).resolve().parents[2]


def test_events_are_appended_and_read_newest_first(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("HOTLINE_AUDIT", raising=False)
    db = tmp_path / "hotline.duckdb"
    audit.record("login", "li", "leader", db=db)
    audit.record("view_unmasked", "wang", "admin", db=db, order_id="A1")
    events = audit.read_events(db=db)
    assert [e["event"] for e in events] == ["view_unmasked", "login"]
    assert events[0]["details"] == {"order_id": "A1"} and (tmp_path / "audit.log").exists()
    with pytest.raises(ValueError):
        audit.record("nonsense", None, None, db=db)


def test_cli_load_is_audited(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "wh" / "hotline.duckdb"
    csv = write_csv(tmp_path / "a.csv", [order_row("A1")])
    env = {k: v for k, v in os.environ.items() if k != "HOTLINE_AUDIT"}
    subprocess.run([sys.executable, "-m", "etl", "load", str(csv), "--db", str(db)], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    events = audit.read_events(db=db)
    assert events[0]["event"] == "load" and events[0]["details"]["files"] == ["a.csv"]
    assert events[0]["details"]["loaded"] == 1
