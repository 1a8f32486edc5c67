"""The last N versions of the warehouse, kept for free, and one command to go back to one.

Every load swaps a new file in over the live one. Just before the swap, the live file gets a
second name (a hard link) under ``backups/``: no bytes are copied, the old version simply stays
on disk. A warehouse that turns out corrupt (a disk fault, a hand edit) is then one
``python -m warehouse restore`` away from the previous good version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from labels import t
from warehouse import parts

DEFAULT_KEEP = 5
UPLOAD_PREFIX = "hotline-upload-"  # the data page's private temp folders (pages/components/upload.py)


class WarehouseCorruptError(RuntimeError):
    """The warehouse file cannot be read; the message says how to restore it."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: dt.datetime
    size_bytes: int


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def keep_count() -> int:
    return max(0, int(os.environ.get("HOTLINE_KEEP_BACKUPS", DEFAULT_KEEP)))


def keep_version(db_path: Path) -> Path | None:
    """Give the live file a name under backups/ (hard link; a copy where links are impossible)."""
    if not db_path.exists() or keep_count() == 0:
        return None
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{db_path.stem}.{stamp}{db_path.suffix}"
    try:
        os.link(db_path, target)
    except OSError:
        shutil.copyfile(db_path, target)
    os.chmod(target, 0o600)  # a link shares the live file's mode; a warehouse from before this rule was 0644
    prune(db_path)
    return target


def list_backups(db_path: Path) -> list[Backup]:
    """Newest first."""
    folder = backup_dir(db_path)
    if not folder.exists():
        return []
    found = []
    for p in folder.glob(f"{db_path.stem}.*{db_path.suffix}"):
        stamp = p.name[len(db_path.stem) + 1 : -len(db_path.suffix) or None]
        try:
            taken = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%f")
        except ValueError:
            continue
        found.append(Backup(p, taken, p.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


REPLACED = ".replaced-"  # the live file a restore put aside (it stays readable: its parts are kept too)


def kept_heads(db_path: Path) -> list[Path]:
    """Every kept version of the warehouse besides the live file: the backups and the files restores put
    aside. A part file any of them lists is never deleted (warehouse.parts.collect_garbage)."""
    return [b.path for b in list_backups(db_path)] + sorted(db_path.parent.glob(f"{db_path.name}{REPLACED}*"))


def prune(db_path: Path) -> None:
    for old in list_backups(db_path)[keep_count() :]:
        old.path.unlink(missing_ok=True)


def verify(db_path: Path, live: Path | None = None) -> None:
    """Open read-only and read every table in full, so DuckDB checks every block's checksum; then every
    part file the version lists (warehouse.parts: the orders), which sit beside ``live``, the live
    warehouse file (default ``db_path``; a kept version under backups/ reads the live file's parts)."""
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseCorruptError(corrupt_message(db_path, exc)) from None
    try:
        _read_every_table(con)
        listed = [name for name, _fct in parts.listed(con)]
    except duckdb.Error as exc:
        raise WarehouseCorruptError(corrupt_message(db_path, exc)) from None
    finally:
        con.close()
    live = live or db_path
    for name in listed:
        verify_part(parts.parts_dir(live) / name, live)


def _read_every_table(con: duckdb.DuckDBPyConnection) -> None:
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    for table in tables:
        con.sql(f'SELECT * FROM "{table}"').to_arrow_table()  # names come from the catalogue


def verify_part(path: Path, live: Path) -> None:
    """The part file exists, opens and reads in full; else WarehouseCorruptError naming it and what to
    do (in Chinese and English: the command line speaks both)."""
    if not path.is_file():
        raise WarehouseCorruptError(part_message(live, path, "part_missing"))
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseCorruptError(part_message(live, path, "part_broken", exc)) from None
    try:
        _read_every_table(con)
    except duckdb.Error as exc:
        raise WarehouseCorruptError(part_message(live, path, "part_broken", exc)) from None
    finally:
        con.close()


def part_message(live: Path, path: Path, problem: str, exc: Exception | None = None) -> str:
    error = str(exc).splitlines()[0] if exc is not None else ""
    return " / ".join(
        t("part_unreadable", lang).format(db=live, part=path, problem=t(problem, lang).format(error=error))
        for lang in ("zh", "en")
    )


def corrupt_message(db_path: Path, exc: Exception) -> str:
    versions = list_backups(db_path)
    hint = (
        f"可用 `python -m warehouse restore --db {db_path}` 恢复到最近的备份（共 {len(versions)} 个，"
        f"最新 {versions[0].taken_at:%Y-%m-%d %H:%M:%S}）。"
        if versions
        else "没有可用的备份：请重新导入原始导出文件。"
    )
    return f"数据仓库文件 {db_path} 无法读取，可能已损坏（{str(exc).splitlines()[0]}）。{hint}"


def restore(db_path: Path, which: int = 0) -> Backup:
    """Put backup number ``which`` (0 = newest) back as the live file; the current one is kept too."""
    versions = list_backups(db_path)
    if not versions:
        raise FileNotFoundError(f"{backup_dir(db_path)} 中没有备份")
    if not 0 <= which < len(versions):
        raise ValueError(f"只有 {len(versions)} 个备份（0 = 最新）")
    chosen = versions[which]
    verify(chosen.path, db_path)  # and every part it lists is there: a restored version finds its orders
    if db_path.exists():
        broken = db_path.with_name(f"{db_path.name}{REPLACED}{dt.datetime.now():%Y%m%dT%H%M%S}")
        os.replace(db_path, broken)
    tmp = db_path.with_name(f".{db_path.name}.restoring")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    shutil.copyfile(chosen.path, tmp)
    os.replace(tmp, db_path)
    return chosen


# -- the load journal: which loads a kept version lacks ---------------------------------------------
# One JSON line per load that swapped a new version in, written under the load lock right after the
# swap (warehouse.connection.writer). A version kept at time T lacks exactly the loads journalled
# after T: the version a load replaces is kept just before that load's swap.


def journal_path(db_path: Path) -> Path:
    return backup_dir(db_path) / f"{db_path.stem}.loads.jsonl"


def append_journal(db_path: Path, entry: dict[str, Any]) -> None:
    path = journal_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def loads_after(db_path: Path, taken_at: dt.datetime) -> list[dict[str, Any]] | None:
    """The journalled loads after ``taken_at`` (oldest first); None when there is no journal."""
    path = journal_path(db_path)
    if not path.exists():
        return None
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            if dt.datetime.fromisoformat(entry["at"]) > taken_at:
                entries.append(entry)
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def replay_advice(db_path: Path, taken_at: dt.datetime) -> str:
    """Which loads the version kept at ``taken_at`` lacks, and the commands that replay them."""
    lost = loads_after(db_path, taken_at)
    if lost is None:
        return "没有导入日志（backups/*.loads.jsonl），无法列出此版本之后的导入：请对照审计日志中的 load 事件重新导入。"
    if not lost:
        return "此版本之后没有其他导入，没有丢失任何导入。"
    lines = [f"此版本缺少它之后的 {len(lost)} 次导入，请按顺序重新导入（如源文件已不在原处，请换成其副本的路径）："]
    for entry in lost:
        files = [f for f in entry["files"] if f.get("status") == "loaded"]
        if not files:
            continue
        lines.append(f"  {entry['at'][:19]}  {'、'.join(f['name'] for f in files)}")
        uploaded = [f for f in files if UPLOAD_PREFIX in f["path"]]
        given = [f["path"] for f in files if f not in uploaded]
        if given:
            cmd = ["python", "-m", "etl", "load", *given, "--db", str(db_path), *entry.get("flags", [])]
            lines.append(f"    {shlex.join(cmd)}")
        if uploaded:
            lines.append(f"    从「数据」页面上传的文件，请在该页面重新上传：{'、'.join(f['name'] for f in uploaded)}")
    return "\n".join(lines)
