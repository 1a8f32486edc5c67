"""The audit log: events appended beside the warehouse, newest first, CLI loads included."""

from __future__ import annotations

import os
import stat
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


def _log_with(tmp_path: Path, n: int = 5) -> Path:
    path = tmp_path / "audit.log"
    for i in range(n):
        audit.record("export", f"user{i}", "oversight", db=tmp_path / "hotline.duckdb", file=f"f{i}.csv")
    return path


def _verify_cli(path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOTLINE_AUDIT": str(path)}
    return subprocess.run([sys.executable, "-m", "warehouse", "audit", "verify"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_an_untouched_log_verifies_and_is_private(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("HOTLINE_AUDIT", raising=False)
    path = _log_with(tmp_path)
    verdict = audit.verify(path)
    assert verdict.ok and verdict.lines == 5 and verdict.head
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [e["seq"] for e in audit.read_events(db=tmp_path / "hotline.duckdb")] == [5, 4, 3, 2, 1]
    out = _verify_cli(path)
    assert out.returncode == 0 and "5 行" in out.stdout, out.stderr


def _edit(lines: list[bytes], how: str) -> list[bytes]:
    if how == "edit":
        return [*lines[:2], lines[2].replace(b"user2", b"userX"), *lines[3:]]
    if how == "delete":
        return lines[:2] + lines[3:]
    if how == "reorder":
        return [*lines[:2], lines[3], lines[2], *lines[4:]]
    if how == "delete_first":
        return lines[1:]
    if how == "edit_last":
        return [*lines[:-1], lines[-1].replace(b"f4.csv", b"fX.csv")]
    return lines[:-1]  # cut the end


@pytest.mark.parametrize(
    ("how", "broken"),
    [("edit", 4), ("delete", 3), ("reorder", 3), ("delete_first", 1), ("edit_last", 5), ("cut_end", 4)],
)
def test_editing_deleting_or_reordering_a_line_is_caught(tmp_path: Path, monkeypatch, how: str, broken: int) -> None:
    monkeypatch.delenv("HOTLINE_AUDIT", raising=False)
    path = _log_with(tmp_path)
    path.write_bytes(b"\n".join(_edit(path.read_bytes().splitlines(), how)) + b"\n")
    verdict = audit.verify(path)
    assert not verdict.ok and verdict.broken_line == broken, verdict
    out = _verify_cli(path)
    assert out.returncode == 2 and f"第 {broken} 行" in out.stderr


def test_a_login_name_of_megabytes_adds_bytes_not_megabytes(tmp_path: Path, monkeypatch) -> None:
    """Three failed logins with 5 MB names once added 15 MB to the log."""
    monkeypatch.delenv("HOTLINE_AUDIT", raising=False)
    for _ in range(3):
        audit.record("login_failed", "x" * 5_000_000, None, db=tmp_path / "hotline.duckdb", note="y" * 1_000_000)
    path = tmp_path / "audit.log"
    assert path.stat().st_size < 3 * 2_000
    event = audit.read_events(db=tmp_path / "hotline.duckdb")[0]
    assert event["user"].startswith("x" * audit.MAX_USER) and "5000000" in event["user"]
    assert audit.verify(path).ok


def test_a_log_written_before_the_chain_keeps_working(tmp_path: Path, monkeypatch) -> None:
    """Lines from before this version have no hash: they stay readable, the chain starts after them."""
    monkeypatch.delenv("HOTLINE_AUDIT", raising=False)
    path = tmp_path / "audit.log"
    path.write_text('{"at": "2026-01-01T00:00:00", "event": "login", "user": "li", "role": "admin", "details": {}}\n')
    audit.record("logout", "li", "admin", db=tmp_path / "hotline.duckdb")
    verdict = audit.verify(path)
    assert verdict.ok and verdict.legacy == 1 and verdict.lines == 2
    assert [e["event"] for e in audit.read_events(db=tmp_path / "hotline.duckdb")] == ["logout", "login"]
