"""The orders live in part files beside the warehouse file (warehouse.parts): a kept version finds every
part it lists after later loads and restores, and `check` / `restore` name a missing or broken part."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.load import load_files
from tests.conftest import order_row, write_csv
from warehouse import parts
from warehouse.backups import WarehouseCorruptError, list_backups, restore, verify
from warehouse.connection import open_read_only

ROOT = Path(__file__).resolve().parents[2]


def figures(db: Path) -> tuple:
    """What the dashboard reads of a version: its orders, their personal data and a month's city figures."""
    con = open_read_only(db)
    try:
        return (
            con.execute("SELECT order_id, load_id FROM fct_work_orders ORDER BY order_id").fetchall(),
            con.execute("SELECT order_id, citizen_name FROM raw_work_orders ORDER BY order_id").fetchall(),
            con.execute("SELECT * FROM met_city_month ORDER BY ALL").fetchall(),
        )
    finally:
        con.close()


def listed(db: Path) -> set[str]:
    return parts.referenced_parts(db)


def monthly(tmp_path: Path, month: int, n: int, name: str = "月报") -> Path:
    """A month's export; from the second month on it also answers one order of the first month again."""
    rows = [order_row(f"M{month}-{i}", f"2024-0{month}-05 09:00:00", 派单时间=f"2024-0{month}-05 10:00:00",
                      签收时间=f"2024-0{month}-05 11:00:00", 首次联系时间=f"2024-0{month}-05 12:00:00",
                      办结时间=f"2024-0{month}-07 16:00:00", 回访时间=f"2024-0{month}-08 10:00:00",
                      来电人=f"{name}{month}") for i in range(n)]  # fmt: skip
    if month > 1:  # a later snapshot of an order of March: its row in the first part is retired
        rows.append(order_row("M1-0", "2024-01-05 09:00:00", 满意度="不满意", 来电人=f"{name}{month}"))
    return write_csv(tmp_path / f"m{month}.csv", rows)


def test_a_restored_version_reads_its_own_orders_and_figures(tmp_path: Path, db: Path) -> None:
    """Parts are never written again and are deleted only when no kept version lists them: restoring the
    version before a load gives the figures before it, after later loads and their clean-ups too."""
    seen = []
    for month in (1, 2, 3):
        load_files([monthly(tmp_path, month, 4)], db=db)
        seen.append(figures(db))
    assert seen[0] != seen[1] != seen[2]
    after_2, after_1 = (b.path for b in list_backups(db))  # kept just before the loads of months 3 and 2
    restore(db, 1)
    assert figures(db) == seen[0]
    verify(db)
    (replaced,) = db.parent.glob("hotline.duckdb.replaced-*")  # the version the restore put aside
    load_files([monthly(tmp_path, 2, 4, name="重导")], db=db)  # a load after the restore cleans up parts
    assert figures(db) not in seen
    for kept in (replaced, after_2, after_1):
        verify(kept, db)  # each still reads in full, with every part it lists
    restore(db, [b.path for b in list_backups(db)].index(after_2))
    assert figures(db) == seen[1]
    on_disk = {p.name for p in parts.parts_dir(db).glob("part-*.duckdb")}
    put_aside = list(db.parent.glob("hotline.duckdb.replaced-*"))  # by both restores
    kept_lists = set().union(*(listed(h) for h in [db, *put_aside, *(b.path for b in list_backups(db))]))
    assert on_disk == kept_lists  # nothing listed is missing, nothing unlisted is left behind


def test_check_names_a_missing_or_broken_part_and_the_restore(tmp_path: Path, db: Path) -> None:
    load_files([monthly(tmp_path, 1, 3)], db=db)
    load_files([monthly(tmp_path, 2, 3)], db=db)
    verify(db)
    newest = sorted(listed(db))[-1]
    part = parts.parts_dir(db) / newest
    saved = part.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    part.unlink()
    with pytest.raises(WarehouseCorruptError, match=newest) as missing:
        verify(db)
    assert "缺失" in str(missing.value) and "is missing" in str(missing.value)
    out = subprocess.run([sys.executable, "-m", "warehouse", "check", "--db", str(db)], cwd=ROOT, env=env,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode != 0 and newest in out.stderr and "python -m warehouse restore" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    part.write_bytes(saved[:4096] + os.urandom(len(saved) - 4096))  # a disk fault inside the part
    with pytest.raises(WarehouseCorruptError, match="无法读取") as broken:
        verify(db)
    assert newest in str(broken.value) and "cannot be read" in str(broken.value)
    part.write_bytes(saved)
    verify(db)
    assert "完好" in subprocess.run([sys.executable, "-m", "warehouse", "check", "--db", str(db)], cwd=ROOT, env=env,
                                    capture_output=True, text=True).stdout  # fmt: skip


def test_restore_refuses_a_version_whose_part_is_gone(tmp_path: Path, db: Path) -> None:
    load_files([monthly(tmp_path, 1, 3)], db=db)
    load_files([monthly(tmp_path, 2, 3)], db=db)
    (older,) = listed(list_backups(db)[0].path)
    (parts.parts_dir(db) / older).unlink()  # by hand: no load deletes a part a kept version lists
    live = db.read_bytes()
    with pytest.raises(WarehouseCorruptError, match=older):
        restore(db, 0)
    assert db.read_bytes() == live and not list(db.parent.glob("hotline.duckdb.replaced-*"))  # untouched


def test_the_dashboard_reads_the_parts_natively_also_after_the_folder_moved(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages read through cursors of one connection, and temp views belong to one connection: a bare
    cursor read the head's own views over absolute part paths, so a warehouse folder moved (a backup put
    back elsewhere, a new disk) showed "cannot be read" until the next load. Reader.cursor reads the parts
    through the connection's native views."""
    import shutil

    from pages.components import data

    for month in (1, 2):
        load_files([monthly(tmp_path, month, 3)], db=db)
    seen = figures(db)
    moved = tmp_path / "moved" / db.name
    shutil.copytree(db.parent, moved.parent)
    shutil.rmtree(db.parent)
    monkeypatch.setenv("HOTLINE_DB", str(moved))
    cur = data._con()  # what every page's data call reads through
    try:
        assert cur.execute("SELECT order_id, load_id FROM fct_work_orders ORDER BY order_id").fetchall() == seen[0]
        assert cur.execute("SELECT order_id, citizen_name FROM raw_work_orders ORDER BY order_id").fetchall() == seen[1]
        assert cur.execute("SELECT count(*) FROM stg_work_orders").fetchall()[0][0] == len(seen[0])
        plan = "".join(str(r) for r in cur.execute("EXPLAIN SELECT count(*) FROM stg_work_orders").fetchall())
        assert "read_duckdb" not in plan.lower()
    finally:
        cur.close()


def test_what_a_version_lists_is_read_again_when_its_file_changes(tmp_path: Path, db: Path) -> None:
    """referenced_parts remembers a kept version's list by the file's identity (a load looks at every
    backup); the live file a load replaces, and a file changed in place, are read again."""
    load_files([monthly(tmp_path, 1, 2)], db=db)
    first = listed(db)
    assert len(first) == 1 and listed(db) == first  # the second answer is the remembered one
    load_files([monthly(tmp_path, 2, 2)], db=db)
    assert len(listed(db)) == 2 and first < listed(db)  # the new live file, read again
    with duckdb.connect(str(db)) as con:  # changed in place (no load does this; a hand edit might)
        con.execute("DELETE FROM warehouse_parts WHERE part = ?", [next(iter(first))])
    assert not listed(db) & first and len(listed(db)) == 1


def _many_loads(tmp_path: Path, db: Path) -> list[tuple]:
    """Eleven loads, each re-answering orders of earlier ones (rows retired in earlier parts); the figures
    after each."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    seen = []
    for month in range(1, 10):
        load_files([monthly(tmp_path, month, 3)], db=db)
        seen.append(figures(db))
    for k, again in enumerate((2, 5)):  # later snapshots of orders in the parts of months 2 and 5
        rows = [order_row(f"M{again}-{i}", f"2024-0{again}-05 09:00:00", 满意度="不满意", 来电人=f"再次{k}")
                for i in range(2)]  # fmt: skip
        load_files([write_csv(tmp_path / f"again{k}.csv", rows)], db=db)
        seen.append(figures(db))
    return seen


def _every_row(db: Path, table: str) -> list[tuple]:
    con = open_read_only(db)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_the_smallest_parts_are_merged_and_every_figure_stays(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every load adds a part and every reader scans each one, so a load that would leave more than
    MAX_PARTS merges the smallest into its own. The same loads without merging give the same orders,
    personal data and figures after every load; kept versions still read theirs, and no file is lost."""
    monkeypatch.setenv("HOTLINE_KEY_FILE", str(tmp_path / "key"))  # one phone-hash key: rows equal to the byte
    merged_seen = _many_loads(tmp_path / "merged", db)
    assert len(listed(db)) <= parts.MAX_PARTS
    at_most = parts.MAX_PARTS
    monkeypatch.setattr(parts, "MAX_PARTS", 10**6)
    plain = tmp_path / "plain" / "hotline.duckdb"
    plain_seen = _many_loads(tmp_path / "plain_files", plain)
    assert len(listed(plain)) > at_most  # a part a load (one whose every row a later load replaced is gone)
    assert merged_seen == plain_seen
    for table in ("fct_work_orders", "raw_work_orders", "met_county_month", "met_department_day"):  # every column
        assert _every_row(db, table) == _every_row(plain, table), table
    for kept in [b.path for b in list_backups(db)]:
        verify(kept, db)  # each kept version still reads every part it lists
    on_disk = {p.name for p in parts.parts_dir(db).glob("part-*.duckdb")}
    assert on_disk == set().union(*(listed(h) for h in [db, *(b.path for b in list_backups(db))]))
    restore(db, 0)  # the version before the last load, with its own parts
    assert figures(db) == merged_seen[-2]
