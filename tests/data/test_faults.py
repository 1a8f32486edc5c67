"""Faults: a load killed with SIGKILL at a stage it reports (a handshake, no timing), two loads at once, a
corrupt warehouse and its restore."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.load import load_files
from tests.conftest import order_row, write_csv
from warehouse import parts
from warehouse.backups import WarehouseCorruptError, list_backups, restore, verify
from warehouse.connection import WarehouseBusyError, connect_read, load_lock

ROOT = Path(__file__).resolve().parents[2]


def count(db: Path) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT (SELECT count(*) FROM stg_work_orders), (SELECT count(*) FROM load_log)").fetchall()[
            0
        ]
    finally:
        con.close()


def _load_cmd(path: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "etl", "load", str(path), "--db", str(db), "--json"]


# A load in a child process that stops where the test asks and says so: at "read" (a file about to be
# read), at "write" (the first of several slices written into the private copy) or at "refresh" (every
# row written, the metrics about to be rebuilt). It then waits on stdin, which never answers, for the
# SIGKILL: the test kills it at that point, every time, however fast or busy the machine.
HELD_LOAD = """
import sys
from pathlib import Path

from etl import validate
from etl.load import load_files

validate.SLICE_ROWS = int(sys.argv[4])
stop = sys.argv[3]


def progress(event):
    if event.stage == stop and (stop != "write" or 0 < event.rows):
        print(stop, flush=True)
        sys.stdin.read()


load_files([Path(sys.argv[1])], db=Path(sys.argv[2]), progress=progress)
print("finished", flush=True)
"""


@pytest.mark.slow  # five child loads of a 20,000-row file: make test runs it, make test-fast leaves it out
def test_sigkill_while_reading_writing_refreshing_and_just_before_the_swap_loses_nothing(
    tmp_path: Path, db: Path
) -> None:
    load_files([write_csv(tmp_path / "base.csv", [order_row(f"K{i}") for i in range(50)])], db=db)
    before, listed = count(db), parts.referenced_parts(db)
    big = write_csv(tmp_path / "big.csv", [order_row(f"B{i}") for i in range(20000)])
    other = write_csv(tmp_path / "other.csv", [order_row(f"C{i}") for i in range(1000)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for stage in ("read", "write", "refresh"):
        proc = subprocess.Popen(
            [sys.executable, "-c", HELD_LOAD, str(big), str(db), stage, "2000"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        reached = proc.stdout.readline().strip()  # blocks until the child is held at the stage
        proc.kill()
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
        assert reached == stage, f"the load never stopped at {stage!r} (it said {reached!r})"
        assert proc.returncode == -signal.SIGKILL
        assert count(db) == before, stage
        assert parts.referenced_parts(db) == listed, stage  # the killed load's part is listed nowhere
        verify(db)  # and every listed part is whole
    env_crash = {**env, "HOTLINE_CRASH_BEFORE_SWAP": "1"}  # everything written, killed at the last moment
    proc = subprocess.run(_load_cmd(other, db), cwd=ROOT, env=env_crash, capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert count(db) == before and parts.referenced_parts(db) == listed
    summary = load_files([big, other], db=db)  # and the next load succeeds, cleaning the half-written copy
    assert summary.loaded + summary.unchanged == 21000
    assert not list(db.parent.glob(".*loading*"))
    # and the part files the killed loads began are gone: every part file is one a kept version lists
    kept = set().union(*(parts.referenced_parts(h) for h in [db, *(b.path for b in list_backups(db))]))
    assert {p.name for p in parts.parts_dir(db).glob("part-*")} == kept


def test_a_second_load_waits_and_is_refused_clearly(tmp_path: Path, db: Path, monkeypatch) -> None:
    load_files([write_csv(tmp_path / "a.csv", [order_row("A1")])], db=db)
    monkeypatch.setenv("HOTLINE_LOCK_WAIT", "0.5")
    with load_lock(db), pytest.raises(WarehouseBusyError, match="另一个导入任务"):
        load_files([write_csv(tmp_path / "b.csv", [order_row("B1")])], db=db)
    assert load_files([tmp_path / "b.csv"], db=db).loaded == 1


def test_corrupt_warehouse_gives_a_clear_error_and_restores(tmp_path: Path, db: Path) -> None:
    load_files([write_csv(tmp_path / "a.csv", [order_row("A1")])], db=db)
    load_files([write_csv(tmp_path / "b.csv", [order_row("B1")])], db=db)
    assert len(list_backups(db)) == 1  # the version before the second load
    db.write_bytes(os.urandom(4096) + db.read_bytes()[4096:])  # a disk fault in the header
    with pytest.raises(WarehouseCorruptError, match="restore"):
        connect_read(db)
    with pytest.raises(WarehouseCorruptError):
        verify(db)
    out = subprocess.run(
        [sys.executable, "-m", "warehouse", "restore", "--db", str(db)], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    verify(db)
    assert count(db) == (1, 1)  # the previous version: only a.csv
    assert list(db.parent.glob("hotline.duckdb.replaced-*"))  # the broken file is kept, not deleted
    assert load_files([tmp_path / "b.csv"], db=db).loaded == 1


def test_backups_are_pruned_to_the_configured_number(tmp_path: Path, db: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOTLINE_KEEP_BACKUPS", "2")
    for i in range(4):
        load_files([write_csv(tmp_path / f"{i}.csv", [order_row(f"P{i}")])], db=db)
    assert len(list_backups(db)) == 2
    with pytest.raises(ValueError):
        restore(db, 5)


def _corrupt(db: Path) -> None:
    db.write_bytes(os.urandom(4096) + db.read_bytes()[4096:])  # a disk fault in the header


def test_etl_load_on_a_corrupt_warehouse_names_the_restore_command(tmp_path: Path, db: Path) -> None:
    load_files([write_csv(tmp_path / "a.csv", [order_row("A1")])], db=db)
    load_files([write_csv(tmp_path / "b.csv", [order_row("B1")])], db=db)
    _corrupt(db)
    out = subprocess.run(_load_cmd(write_csv(tmp_path / "c.csv", [order_row("C1")]), db), cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert "python -m warehouse restore" in out.stderr and "Traceback" not in out.stderr


def test_restore_says_which_loads_the_restored_version_lacks(tmp_path: Path, db: Path) -> None:
    for name in ("a", "b"):
        load_files([write_csv(tmp_path / f"{name}.csv", [order_row(name.upper() + "1")])], db=db)
    # the last export needed a profile: replaying it without one would reject the file
    profile = tmp_path / "vendor.toml"
    profile.write_text('name = "vendor"\n[fields]\norder_id = ["Case"]\n', encoding="utf-8")
    row = order_row("C1")
    row["Case"] = row.pop("工单编号")
    load_files([write_csv(tmp_path / "c.csv", [row], header=list(row))], db=db, profile=profile)
    assert count(db) == (3, 3)
    _corrupt(db)
    out = subprocess.run(
        [sys.executable, "-m", "warehouse", "restore", "--db", str(db), "--version", "1"], cwd=ROOT,
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "HOTLINE_AUDIT": str(tmp_path / "audit.log")},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert count(db) == (1, 1)  # the version before b.csv
    assert "缺少它之后的 2 次导入" in out.stdout
    assert out.stdout.index("b.csv") < out.stdout.index("c.csv")  # in the order to replay them
    assert f"python -m etl load {tmp_path / 'b.csv'} --db {db}\n" in out.stdout
    assert f"python -m etl load {tmp_path / 'c.csv'} --db {db} --profile {profile}\n" in out.stdout


def test_warehouse_backups_copies_and_logs_are_private(tmp_path: Path, db: Path, monkeypatch) -> None:
    """They were 0644 (personal data readable by every local user); now 0600 in a 0700 folder."""
    import stat

    from warehouse import audit

    monkeypatch.delenv("HOTLINE_AUDIT", raising=False)
    db.parent.mkdir(mode=0o755)
    os.chmod(db.parent, 0o755)
    load_files([write_csv(tmp_path / "a.csv", [order_row("A1")])], db=db)
    load_files([write_csv(tmp_path / "b.csv", [order_row("B1")])], db=db)
    audit.record("login", "li", "admin", db=db)
    made = [db, *list_backups(db)[0:1], db.parent / "audit.log", db.parent / "phone_hash.key"]
    made = [p.path if hasattr(p, "path") else p for p in made]
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in made} == {p.name: "0o600" for p in made}
    for folder in (db.parent, db.parent / "backups"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    restore(db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_load_in_a_process_that_reads_the_warehouse_keeps_its_new_part(tmp_path: Path, db: Path) -> None:
    """The data page loads in the dashboard's process, whose reader holds the old warehouse file open: the
    load's new part file (warehouse.parts) must survive the clean-up after the swap, and every order read."""
    load_files([write_csv(tmp_path / "a.csv", [order_row(f"A{i}") for i in range(3)])], db=db)
    reader = connect_read(db)  # as the dashboard's Reader holds it
    try:
        load_files([write_csv(tmp_path / "b.csv", [order_row(f"B{i}") for i in range(2)])], db=db)
    finally:
        reader.close()
    con = connect_read(db)
    try:
        assert con.execute("SELECT count(*) FROM fct_work_orders").fetchall()[0][0] == 5
        assert con.execute("SELECT count(*) FROM raw_work_orders").fetchall()[0][0] == 5
    finally:
        con.close()
