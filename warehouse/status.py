"""``python -m warehouse status [--json]``: the warehouse's state, readable from outside.

For operators (is it demo or real, how much, how fresh, when was the last load, is the phone-hash
key the one the hashes were made with) and for checks that watch a deployment without a browser.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

from warehouse.backups import WarehouseCorruptError, corrupt_message, list_backups
from warehouse.connection import open_read_only, resolve_db_path
from warehouse.keys import fingerprint, key_path, read_key
from warehouse.state import fetch_meta, fetch_state


def warehouse_status(db: str | Path | None = None) -> dict[str, Any]:
    """Every key is present whatever the state; a missing warehouse says ``exists: false``."""
    path = resolve_db_path(db)
    key = read_key(path)
    out: dict[str, Any] = {
        "db": str(path), "exists": path.exists(), "is_demo": False, "orders": 0, "months": [], "as_of": None,
        "last_load": None, "loaded_files": 0, "key_fingerprint": None,
        "key_file": str(key_path(path)), "key_file_fingerprint": fingerprint(key) if key else None,
        "key_matches": None, "backups": len(list_backups(path)),
    }  # fmt: skip
    if not out["exists"]:
        return out
    con = open_read_only(path)
    try:
        state = fetch_state(con)
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        months = []
        if "met_city_month" in tables:
            sql = "SELECT strftime(month, '%Y-%m') FROM met_city_month WHERE received_count > 0 ORDER BY month"
            months = [r[0] for r in con.execute(sql).fetchall()]
        out.update(
            is_demo=state.is_demo, orders=state.orders, months=months, as_of=fetch_meta(con, "as_of"),
            loaded_files=state.loaded_files, key_fingerprint=state.key_fingerprint, last_load=_last_load(con, tables),
        )  # fmt: skip
    except duckdb.Error as exc:
        raise WarehouseCorruptError(corrupt_message(path, exc)) from None
    finally:
        con.close()
    if out["key_fingerprint"]:
        out["key_matches"] = out["key_fingerprint"] == out["key_file_fingerprint"]
    return out


def _last_load(con: duckdb.DuckDBPyConnection, tables: set[str]) -> dict[str, Any] | None:
    if "load_log" not in tables:
        return None
    rows = con.execute(
        """SELECT load_id, strftime(min(started_at), '%Y-%m-%d %H:%M:%S'), list(file_name ORDER BY file_name),
                  list(DISTINCT status ORDER BY status), sum(loaded), sum(updated), sum(quarantined)
           FROM load_log GROUP BY load_id ORDER BY load_id DESC LIMIT 1"""
    ).fetchall()
    if not rows:
        return None
    load_id, at, files, statuses, loaded, updated, quarantined = rows[0]
    return {"load_id": load_id, "at": at, "files": files, "statuses": statuses,
            "loaded": int(loaded), "updated": int(updated), "quarantined": int(quarantined)}  # fmt: skip


def format_status(s: dict[str, Any]) -> str:
    """The same facts for a person."""
    if not s["exists"]:
        return f"数据仓库 {s['db']} 不存在（还没有导入任何数据）。\n"
    last = s["last_load"]
    months = s["months"]
    key = {None: "（仓库未记录）", True: "与密钥文件一致", False: "与密钥文件不一致！下一次导入会被拒绝"}[
        s["key_matches"]
    ]
    rows = [
        ("数据仓库", s["db"]),
        ("数据性质", "演示数据（虚构城市）" if s["is_demo"] else "正式数据（仪表盘需要登录）"),
        ("工单数", f"{s['orders']:,}"),
        ("月份", f"{len(months)} 个（{months[0]} … {months[-1]}）" if months else "—"),
        ("数据截止", s["as_of"] or "—"),
        ("最近导入", f"#{last['load_id']} {last['at']} {'、'.join(last['files'])}" if last else "—"),
        ("电话哈希密钥", f"{s['key_fingerprint'] or '—'} {key}"),
        ("备份版本", str(s["backups"])),
    ]
    return "".join(f"{k}：{v}\n" for k, v in rows)


def cmd_status(args: argparse.Namespace) -> int:
    status = warehouse_status(args.db)
    sys.stdout.write(json.dumps(status, ensure_ascii=False, indent=1) + "\n" if args.json else format_status(status))
    return 0


def add_status(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="demo or real, orders, months, as-of, last load, key fingerprint")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")
    p.add_argument("--json", action="store_true", help="machine-readable")
