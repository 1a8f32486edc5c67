"""A demo warehouse never silently receives real data, and a load never silently changes the phone key.

The demo flag once was only ever set: a real export loaded into the demo warehouse left it "demo",
so there was no login and an anonymous visitor read real callers' names. Now a real load into a demo
warehouse is refused (exit 2) unless ``--replace-demo`` discards the demo orders, and ``is_demo`` is
derived from what was loaded. A deleted phone-hash key once made the next load hash with a new one
(repeat orders fell from 826 to 473); now that load stops unless ``--new-key`` accepts the break.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.admission import DemoWarehouseError, KeyMismatchError, RealWarehouseError
from etl.load import load_files
from tests.conftest import order_row, query, write_csv
from warehouse.keys import key_path
from warehouse.status import warehouse_status

ROOT = Path(__file__).resolve().parents[2]


def etl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=full, capture_output=True, text=True,
                          check=False)  # fmt: skip


def status_json(db: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "warehouse", "status", "--json", "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    return json.loads(out.stdout)


@pytest.fixture
def demo_wh(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse holding 40 demo orders only (loaded with --demo-data)."""
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    rows = [order_row(f"D{i}", 来电人="云溪演示", 所属区县="云溪区") for i in range(40)]
    load_files([write_csv(tmp_path / "demo.csv", rows)], db=db, mark_demo=True)
    return db


def real_csv(tmp_path: Path, n: int = 12, prefix: str = "R") -> Path:
    return write_csv(tmp_path / f"real-{prefix}.csv", [order_row(f"{prefix}{i}", 来电人="张真实") for i in range(n)])


def test_a_real_export_into_a_demo_warehouse_is_refused_and_changes_nothing(tmp_path: Path, demo_wh: Path) -> None:
    before = demo_wh.stat().st_mtime_ns
    with pytest.raises(DemoWarehouseError, match="--replace-demo"):
        load_files([real_csv(tmp_path)], db=demo_wh)
    assert demo_wh.stat().st_mtime_ns == before
    out = etl("load", str(real_csv(tmp_path)), "--db", str(demo_wh))
    assert out.returncode == 2 and "--replace-demo" in out.stderr and "Traceback" not in out.stderr
    assert query(demo_wh, "SELECT count(*) FROM stg_work_orders WHERE order_id LIKE 'R%'") == [(0,)]
    assert status_json(demo_wh)["is_demo"] is True


def test_replace_demo_discards_every_demo_order_and_turns_the_warehouse_real(tmp_path: Path, demo_wh: Path) -> None:
    out = etl("load", str(real_csv(tmp_path)), "--db", str(demo_wh), "--replace-demo", "--json",
              env={"HOTLINE_AUDIT": str(tmp_path / "audit.log")})  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "已丢弃全部演示数据（40 张" in out.stderr and "需要登录" in out.stderr  # said loudly
    summary = json.loads(out.stdout)
    assert summary["demo_discarded"] == 40 and summary["is_demo"] is False and summary["loaded"] == 12
    assert query(demo_wh, "SELECT count(*), count(*) FILTER (WHERE order_id LIKE 'D%') FROM stg_work_orders") == [
        (12, 0)
    ]
    assert query(demo_wh, "SELECT count(*) FROM raw_work_orders WHERE citizen_name = '云溪演示'") == [(0,)]
    assert query(demo_wh, "SELECT file_name, is_demo FROM load_log") == [("real-R.csv", False)]
    status = status_json(demo_wh)
    assert status["is_demo"] is False and status["orders"] == 12 and status["backups"] == 1  # the demo version is kept
    assert {"is_demo", "orders", "months", "as_of", "last_load", "key_fingerprint"} <= set(status)
    assert status["months"] == ["2024-03"] and status["last_load"]["files"] == ["real-R.csv"]
    table = subprocess.run([sys.executable, "-m", "warehouse", "status", "--db", str(demo_wh)], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "数据性质：正式数据" in table and "工单数：12" in table and "与密钥文件一致" in table
    more = load_files([real_csv(tmp_path, 3, "S")], db=demo_wh)  # from now on a real warehouse takes real loads
    assert more.loaded == 3 and more.is_demo is False


def test_demo_data_never_goes_into_a_real_warehouse(tmp_path: Path, db: Path) -> None:
    load_files([real_csv(tmp_path)], db=db)
    with pytest.raises(RealWarehouseError, match="演示数据"):
        load_files([real_csv(tmp_path, 5, "D")], db=db, mark_demo=True)
    with pytest.raises(RealWarehouseError, match="--replace-demo"):
        load_files([real_csv(tmp_path, 5, "E")], db=db, replace_demo=True)
    assert query(db, "SELECT count(*) FROM stg_work_orders") == [(12,)]


def test_is_demo_follows_the_loaded_files_in_an_older_warehouse(tmp_path: Path, db: Path) -> None:
    """A warehouse from before load_log.is_demo (the old meta flag only) reads as before and is
    migrated on its next load."""
    load_files([real_csv(tmp_path, 4, "O")], db=db, mark_demo=True)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE load_log DROP COLUMN is_demo")
    con.execute("INSERT INTO meta VALUES ('is_demo', 'true')")
    con.close()
    assert warehouse_status(db)["is_demo"] is True
    with pytest.raises(DemoWarehouseError):
        load_files([real_csv(tmp_path)], db=db)
    load_files([real_csv(tmp_path, 2, "P")], db=db, mark_demo=True)
    assert query(db, "SELECT is_demo FROM load_log") == [(True,), (True,)]
    assert query(db, "SELECT count(*) FROM meta WHERE key = 'is_demo'") == [(0,)]


def test_a_missing_or_different_phone_key_stops_the_load(tmp_path: Path, db: Path) -> None:
    load_files([real_csv(tmp_path)], db=db)
    key = key_path(db)
    original = key.read_text()
    key.unlink()
    with pytest.raises(KeyMismatchError, match="不存在"):
        load_files([real_csv(tmp_path, 3, "K")], db=db)
    assert not key.exists()  # refusing made no new key either
    out = etl("load", str(real_csv(tmp_path, 3, "K")), "--db", str(db))
    assert out.returncode == 2 and "--new-key" in out.stderr and "从备份恢复" in out.stderr
    key.write_text("f" * 64 + "\n")  # someone else's key
    with pytest.raises(KeyMismatchError, match="指纹为"):
        load_files([real_csv(tmp_path, 3, "K")], db=db)
    key.write_text(original)  # the restored key works again
    assert load_files([real_csv(tmp_path, 3, "K")], db=db).loaded == 3


def test_new_key_accepts_the_break_and_the_load_log_says_so(tmp_path: Path, db: Path) -> None:
    load_files([real_csv(tmp_path)], db=db)
    first = warehouse_status(db)["key_fingerprint"]
    key_path(db).unlink()
    out = etl("load", str(real_csv(tmp_path, 3, "N")), "--db", str(db), "--new-key")
    assert out.returncode == 0, out.stderr
    assert "--new-key" in out.stderr  # said loudly
    status = warehouse_status(db)
    assert status["key_fingerprint"] != first and status["key_matches"] is True
    log = query(db, "SELECT file_name, key_fingerprint, message FROM load_log ORDER BY load_id")
    assert log[0][1] == first and log[1][1] == status["key_fingerprint"]
    assert "--new-key" in log[1][2] and first in log[1][2]
