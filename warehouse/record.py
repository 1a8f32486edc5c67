"""The published assessment record (定榜): append-only, tamper-evident, beside the warehouse.

Where it lives, and why there: a folder ``record/`` beside the warehouse file (``HOTLINE_RECORD``
overrides), mode 0700, every file 0600, like ``audit.log``, ``users.json`` and ``profiles/``. Not inside
the warehouse: the warehouse file is replaced on every load (copy and swap), rebuilt from the orders,
and ``python -m warehouse restore`` may put an older version back — a record kept there would be lost
or silently rolled back with it, and the storage may move to other files (year partitions). The folder
is touched only by publishing, never by a load, a rebuild or a restore, and holds nothing personal.

Layout::

    chain.jsonl                 one line per version of a month's record, in order of publication
    chain.head                  {"lines": n, "last": hash of the last line}: cutting the end shows
    2024-03.v1.json             the frozen figures of that version (warehouse.publish)
    2024-03.v1.orders.parquet   the month's orders as published: ids, units, the fields and flags the
                                figures depend on, and a digest of each order (what changed since)

Each chain line carries the SHA-256 of every file of its version, the hash of the line before (the first
one: a fixed anchor) and its own hash over all of that, and is written in one canonical JSON form. So
editing one byte anywhere — a line, a figure, an order — or deleting, reordering or cutting versions makes
:func:`verify` fail, naming the month and version. Versions are only ever added (a correction is v2),
and a file is created exclusively: nothing is overwritten. As with the audit log, someone able to rewrite
every file and the head consistently could forge the record; an auditor who needs more notes the head hash
``python -m warehouse verify`` prints and compares it later.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse.audit import open_private, write_head
from warehouse.connection import private_dir, resolve_db_path

ANCHOR = hashlib.sha256(b"12345-hotline-assessment-record-v1").hexdigest()
CHAIN = "chain.jsonl"


class RecordError(RuntimeError):
    """The record cannot do what was asked (publish twice, re-open an unpublished month); says what to do."""


class RecordBrokenError(RecordError):
    """A stored version does not match its hash: the published figures cannot be trusted (run verify)."""


@dataclass(frozen=True)
class Entry:
    """One chain line: one version of one month's published record."""

    seq: int
    month: str  # 'YYYY-MM'
    version: int
    action: str  # 'publish' (v1) | 'correction' (v2, ...)
    at: str  # when it was published, 'YYYY-MM-DD HH:MM:SS'
    user: str | None
    role: str | None
    reason: str | None  # why a correction was made (None for v1)
    as_of: str | None
    rules: dict[str, Any]  # the rule set in force for the month (Settings.rule_values)
    rules_fingerprint: str
    orders: int
    orders_fingerprint: str
    incomplete: bool  # published before the month's lagging figures matured
    files: dict[str, str]  # file name -> SHA-256 of its bytes
    prev: str
    hash: str

    @property
    def published_on(self) -> dt.date:
        return dt.date.fromisoformat(self.at[:10])

    @property
    def data_file(self) -> str:
        return f"{self.month}.v{self.version}.json"

    @property
    def orders_file(self) -> str:
        return f"{self.month}.v{self.version}.orders.parquet"


def record_dir(db: str | os.PathLike[str] | None = None) -> Path:
    """Beside the warehouse it speaks of (``HOTLINE_RECORD`` overrides)."""
    env = os.environ.get("HOTLINE_RECORD")
    return Path(env) if env else resolve_db_path(db).parent / "record"


def record_dir_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The record beside the warehouse file ``con`` reads (its private copy during a load is in the same
    folder); None for a warehouse in memory."""
    env = os.environ.get("HOTLINE_RECORD")
    if env:
        return Path(env)
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return Path(rows[0][0]).parent / "record" if rows and rows[0][0] else None


def canonical(value: Any) -> bytes:
    """The one byte form every hashed document is written in (so a re-serialisation cannot hide an edit)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _line_hash(fields: dict[str, Any]) -> str:
    return sha256(canonical({k: v for k, v in fields.items() if k != "hash"}))


def read_chain(folder: Path | None) -> list[Entry]:
    """Every version in order; a line that is not a well-formed entry is left out (``verify`` names it)."""
    if folder is None:
        return []
    path = folder / CHAIN
    try:
        info = path.stat()
    except FileNotFoundError:
        return []
    return list(_chain(str(path), info.st_mtime_ns, info.st_size))


@functools.lru_cache(maxsize=8)
def _chain(path: str, _mtime: int, _size: int) -> tuple[Entry, ...]:
    out = []
    for raw in Path(path).read_bytes().splitlines():
        entry = _entry(raw)
        if entry is not None:
            out.append(entry)
    return tuple(out)


def _entry(raw: bytes) -> Entry | None:
    try:
        return Entry(**json.loads(raw))
    except (ValueError, TypeError):
        return None


def latest(entries: list[Entry]) -> dict[str, Entry]:
    """month -> its newest version."""
    out: dict[str, Entry] = {}
    for entry in entries:
        if entry.month not in out or entry.version > out[entry.month].version:
            out[entry.month] = entry
    return out


def versions(entries: list[Entry], month: str) -> list[Entry]:
    return sorted((e for e in entries if e.month == month), key=lambda e: e.version)


def load_data(folder: Path, entry: Entry) -> dict[str, Any]:
    """The frozen figures of a version, checked against the hash in its chain line (never shown if edited)."""
    path = folder / entry.data_file
    try:
        info = path.stat()
    except FileNotFoundError:
        raise RecordBrokenError(_broken(entry, "数据文件缺失 / the data file is missing")) from None
    return _data(str(path), info.st_mtime_ns, info.st_size, entry.files.get(entry.data_file, ""), entry.month)


@functools.lru_cache(maxsize=64)
def _data(path: str, _mtime: int, _size: int, expected: str, month: str) -> dict[str, Any]:
    raw = Path(path).read_bytes()
    if sha256(raw) != expected:
        raise RecordBrokenError(
            f"{month} 的定榜数据文件 {Path(path).name} 与记录中的哈希不符（被改动），请运行 python -m warehouse verify"
        )
    return json.loads(raw)


def orders_path(folder: Path, entry: Entry) -> Path:
    """The version's order snapshot, checked against its hash first."""
    path = folder / entry.orders_file
    if not path.exists() or sha256(path.read_bytes()) != entry.files.get(entry.orders_file):
        raise RecordBrokenError(_broken(entry, "工单快照文件缺失或被改动 / the order snapshot is missing or edited"))
    return path


def append(folder: Path, fields: dict[str, Any], files: dict[str, bytes]) -> Entry:
    """Add one version: its files first (created exclusively), then its chain line and the head, under an
    exclusive lock so two publishers never interleave. ``fields``: the Entry fields but seq, prev, hash and
    files. Refuses a version that exists already."""
    private_dir(folder)
    with open_private(folder / CHAIN, os.O_RDWR | os.O_APPEND) as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.seek(0)
            held = [e for e in (_entry(raw) for raw in fh.read().splitlines()) if e is not None]
            if any(e.month == fields["month"] and e.version == fields["version"] for e in held):
                raise RecordError(f"{fields['month']} 第 {fields['version']} 版已存在（另一次发布刚刚完成？）")
            for name, data in files.items():
                _write_new(folder / name, data)
            line = {**fields, "seq": len(held) + 1, "files": {n: sha256(d) for n, d in files.items()}}
            line["prev"] = held[-1].hash if held else ANCHOR
            line["hash"] = _line_hash(line)
            data = canonical(line)
            fh.write(data + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
            write_head(folder / CHAIN, {"lines": line["seq"], "last": line["hash"]})
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return Entry(**line)


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


@dataclass(frozen=True)
class Verdict:
    ok: bool
    versions: int
    months: int
    head: str | None = None
    problems: tuple[str, ...] = ()  # each names the month (and version) it concerns


def verify(folder: Path) -> Verdict:
    """Walk the chain from the anchor and check every version's files against their hashes."""
    path = folder / CHAIN
    if not path.exists():
        stray = sorted(p.name for p in folder.glob("*.v*.*")) if folder.exists() else []
        if stray or _read_head(folder):
            return Verdict(False, 0, 0, problems=(f"{_month_of_file(stray)}：chain.jsonl 缺失 / the chain is missing",))
        return Verdict(True, 0, 0)
    with open(path, "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH)  # a publication in progress finishes first (line and head together)
        try:
            raws = fh.read().splitlines()
            head = _read_head(folder)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    problems: list[str] = []
    prev, entries = ANCHOR, []
    for number, raw in enumerate(raws, start=1):
        problem, entry = _check_line(raw, number, prev)
        if problem:
            problems.append(problem)
        if entry is not None:
            entries.append(entry)
            prev = entry.hash
            problems += _check_files(folder, entry)
    last = entries[-1].hash if entries else None
    if (raws or head) and (head is None or head.get("lines") != len(raws) or head.get("last") != last):
        month = entries[-1].month if entries else _month_of_file(sorted(p.name for p in folder.glob("*.v*.*")))
        problems.append(
            f"{month}：记录末尾与 chain.head 不符，最后的版本被删除或改动 / the end of the record was cut or edited"
        )
    listed = {name for e in entries for name in e.files}
    for stray in sorted(p.name for p in folder.glob("*.v*.*") if p.name not in listed):
        problems.append(f"{_month_of_file([stray])}：文件 {stray} 不在记录中（其版本记录被删除？）/ not in the chain")
    return Verdict(not problems, len(raws), len({e.month for e in entries}), last, tuple(problems))


def _month_of_file(names: list[str]) -> str:
    """The month a version file is of ('2024-03.v1.json' -> '2024-03'), for messages about lost lines."""
    return names[0][:7] if names else "?"


def _read_head(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / (CHAIN + ".head")).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


_MONTH = re.compile(rb'"month":"(\d{4}-\d{2})"')


def _check_line(raw: bytes, number: int, prev: str) -> tuple[str, Entry | None]:
    """(what is wrong with line ``number``, naming its month; the entry when it can be read)."""
    found = _MONTH.search(raw)
    name = found.group(1).decode() if found else f"第 {number} 行 / line {number}"
    try:
        fields = json.loads(raw)
        entry = Entry(**fields)
    except (ValueError, TypeError):
        return f"{name}：定榜记录第 {number} 行无法读取（被改动）/ record line {number} is not readable (edited)", None
    label = f"{entry.month} 第 {entry.version} 版"
    if canonical(fields) != raw or _line_hash(fields) != entry.hash:
        return f"{label}：定榜记录被改动（哈希不符）/ the record of {entry.month} v{entry.version} was edited", entry
    if entry.prev != prev or entry.seq != number:
        return f"{label}：与上一版记录不衔接（有版本被删除、插入或调换）/ does not follow the version before", entry
    return "", entry


def _check_files(folder: Path, entry: Entry) -> list[str]:
    out = []
    for name, expected in sorted(entry.files.items()):
        path = folder / name
        if not path.exists():
            out.append(_broken(entry, f"文件 {name} 缺失 / {name} is missing"))
        elif sha256(path.read_bytes()) != expected:
            out.append(_broken(entry, f"文件 {name} 被改动（哈希不符）/ {name} was edited"))
    return out


def _broken(entry: Entry, what: str) -> str:
    return f"{entry.month} 第 {entry.version} 版：{what}"
