"""Issue 13 item 6: exit codes, progress, --version, and the installed console scripts."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl import validate, version
from etl.__main__ import main
from etl.load import load_files
from etl.progress import LoadProgress, TerminalBar
from tests.conftest import order_row, write_csv

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_input_file_exits_2_and_loads_nothing(tmp_path: Path, db: Path, capsys) -> None:
    good = write_csv(tmp_path / "good.csv", [order_row("A1")])
    assert main(["load", str(good), str(tmp_path / "nope.csv"), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "找不到要导入的文件" in err and "nope.csv" in err
    assert not db.exists()  # the existing file was not loaded either
    assert main(["load", str(tmp_path), "--db", str(db)]) == 2  # a directory is not an export


def test_progress_events_rise_to_one(tmp_path: Path, db: Path, monkeypatch) -> None:
    monkeypatch.setattr(validate, "SLICE_ROWS", 100)
    a = write_csv(tmp_path / "a.csv", [order_row(f"A{i}") for i in range(450)])
    b = write_csv(tmp_path / "b.csv", [order_row(f"B{i}") for i in range(50)])
    events: list[LoadProgress] = []
    summary = load_files([a, b], db=db, progress=events.append)
    assert summary.loaded == 500
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[0] == 0.0
    assert [e.stage for e in events if e.file == "a.csv"].count("write") >= 5  # slice by slice
    assert {e.stage for e in events} == {"read", "write", "refresh", "done"}
    assert [e.rows for e in events if e.file == "a.csv" and e.stage == "write"][-1] == 450


def test_the_terminal_bar_draws_only_when_enabled(tmp_path: Path) -> None:
    out = tmp_path / "bar.txt"
    with out.open("w") as stream:
        TerminalBar(stream, enabled=True)(LoadProgress(0.4, "write", "a.csv", 40))
        TerminalBar(stream, enabled=False)(LoadProgress(0.5, "write", "a.csv", 50))
        TerminalBar(stream)(LoadProgress(0.6, "write", "a.csv", 60))  # a file is not a terminal
    assert out.read_bytes().decode() == "\r导入 [###########.................]  40%  a.csv（写入）\x1b[K"


def _cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["HOTLINE_KEY_FILE"] = str(tmp_path / "key")
    return env


def test_a_terminal_gets_a_bar_and_a_pipe_does_not(tmp_path: Path) -> None:
    export = write_csv(tmp_path / "e.csv", [order_row(f"T{i}") for i in range(20)])
    args = [sys.executable, "-m", "etl", "load", str(export), "--db", str(tmp_path / "t.duckdb")]
    piped = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, env=_cli_env(tmp_path), check=True)
    assert "导入 [" not in piped.stderr and "合计" in piped.stdout

    leader, follower = pty.openpty()
    args[-1] = str(tmp_path / "tty.duckdb")
    proc = subprocess.Popen(args, stdout=follower, stderr=follower, cwd=tmp_path, env=_cli_env(tmp_path))
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait() == 0
    text = seen.decode("utf-8", errors="replace")
    assert "导入 [" in text and "100%" in text and "合计" in text


def test_version() -> None:
    assert version() == "0.1.0"
    result = subprocess.run(
        [sys.executable, "-m", "etl", "--version"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "hotline12345 0.1.0"


@pytest.mark.parametrize("script", ["hotline-etl", "hotline-warehouse", "hotline-report"])
def test_console_scripts_work_from_any_directory(tmp_path: Path, script: str) -> None:
    """`make install` installs the project (pip install -e .): its commands run outside the checkout."""
    found = Path(sys.executable).parent / script
    if not found.exists():
        found = Path(shutil.which(script) or found)
    if not found.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{script} is not installed: `make install` must run `pip install -e .`")
        pytest.skip(f"{script} is not installed here (make install installs it)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(found), "--help"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
