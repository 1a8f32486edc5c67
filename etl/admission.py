"""Before a load writes anything: may these files go into this warehouse, with this phone-hash key?

Two refusals, each with the way out in its message (the CLI exits 2, the data page shows it):

- **Demo and real data never mix.** The fictional demo city in a real warehouse would enter real
  rankings, and a real export in a demo warehouse would sit behind the demo's open door (no login).
  A real export into a demo warehouse is refused unless the load says ``replace_demo``: then every
  demo order is discarded and the warehouse turns real in the same swap (warehouse.connection.writer
  starts from an empty file). Demo files into a real warehouse are always refused.
- **The phone-hash key must be the one the stored hashes were made with.** A missing or different
  key file would silently break repeat detection (826 repeats fell to 473 once); ``new_key`` accepts
  the break, and the load log records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.keys import create_key, fingerprint, key_path, read_key
from warehouse.state import KEY_META, WarehouseState


class LoadRefused(ValueError):
    """A load that must not happen as asked; ``code`` names the case for the data page."""

    code = "refused"


class DemoWarehouseError(LoadRefused):
    code = "demo_warehouse"


class RealWarehouseError(LoadRefused):
    code = "real_warehouse"


class KeyMismatchError(LoadRefused):
    code = "key_mismatch"


@dataclass(frozen=True)
class Admission:
    key: str
    fingerprint: str
    demo_discarded: int = 0  # demo orders the load discards (replace_demo)
    key_note: str = ""  # set when --new-key accepted a break; written into the load log


def admit(live: WarehouseState, db_path: Path, mark_demo: bool, replace_demo: bool, new_key: bool) -> Admission:
    """Raise LoadRefused, or say how the load goes (which key; what it discards)."""
    if mark_demo and replace_demo:
        raise LoadRefused(
            "--demo-data 与 --replace-demo 不能同时使用 / --demo-data and --replace-demo exclude each other"
        )
    if mark_demo and live.is_real:
        raise RealWarehouseError(
            f"数据仓库 {db_path} 含正式数据，演示数据（虚构城市）不能导入其中，否则会混入真实排名。未做任何改动。"
            f" / This warehouse holds real data: demo data is never mixed into it. Nothing was changed."
        )
    if replace_demo and live.is_real:
        raise RealWarehouseError(
            f"--replace-demo 只用于丢弃演示数据，而数据仓库 {db_path} 含正式数据，未做任何改动。"
            f" / --replace-demo only discards demo data; this warehouse holds real data. Nothing was changed."
        )
    if not mark_demo and not replace_demo and live.is_demo:
        raise DemoWarehouseError(
            f"数据仓库 {db_path} 中是演示数据（虚构城市，{live.orders:,} 张工单），正式导出不能与之混在一起。"
            "要丢弃全部演示数据、把数据仓库转为正式数据，请加 --replace-demo 重新运行"
            "（此后仪表盘需要登录：请先用 `python -m warehouse users add 用户名 --role admin` 创建账号）。未做任何改动。"
            " / This warehouse holds the demo city; a real export is not mixed into it. Re-run with --replace-demo to"
            " discard every demo order and make the warehouse real (the dashboard then asks for a login). Nothing was"
            " changed."
        )
    discarded = live.orders if replace_demo and live.is_demo else 0
    return _key(live if not discarded else WarehouseState(), db_path, new_key, discarded)


def _key(live: WarehouseState, db_path: Path, new_key: bool, discarded: int) -> Admission:
    """The key to hash with. A warehouse without orders (or whose orders are being discarded) takes
    whatever key there is, or a new one; one with orders needs the key its hashes were made with."""
    key = read_key(db_path)
    recorded = live.key_fingerprint
    if live.orders == 0 or (recorded is None and key is not None):  # nothing to break, or nothing to compare
        key = key or create_key(db_path)
        return Admission(key, fingerprint(key), discarded)
    if key is not None and fingerprint(key) == recorded:
        return Admission(key, recorded, discarded)
    if not new_key:
        state = "不存在" if key is None else f"指纹为 {fingerprint(key)}，与仓库记录的不同"
        raise KeyMismatchError(
            f"电话哈希密钥文件 {key_path(db_path)} {state}（仓库中 {live.orders:,} 张工单的电话哈希用的是指纹"
            f" {recorded or '（未记录）'} 的密钥）。请从备份恢复原密钥文件后重试；如确认原密钥已无法找回，加 --new-key"
            " 接受新密钥（新旧工单之间将无法识别重复诉求，此事记入导入记录）。未做任何改动。"
            f" / The phone-hash key file is {'missing' if key is None else 'a different key'}: restore the key the"
            " stored hashes were made with, or pass --new-key to accept that repeats across old and new orders are"
            " no longer found. Nothing was changed."
        )
    key = key or create_key(db_path)
    note = f"已按 --new-key 更换电话哈希密钥（{recorded or '未记录'} → {fingerprint(key)}），此前工单的重复诉求不再与新工单关联"
    return Admission(key, fingerprint(key), discarded, key_note=note)


def record(con: duckdb.DuckDBPyConnection, admission: Admission) -> None:
    """The key fingerprint the warehouse's hashes are now made with."""
    con.execute("DELETE FROM meta WHERE key = ?", [KEY_META])
    con.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [KEY_META, admission.fingerprint])
