"""An append-only, verifiable audit log of logins, unmasked views, exports and loads.

The dashboard holds no read-write connection to the warehouse, so the log is a JSON-lines file
beside it (``audit.log``; ``HOTLINE_AUDIT`` overrides), mode 0600, appended under an exclusive lock
so two processes never interleave a line.

Each line carries ``seq`` (1, 2, ...) and ``prev``, the SHA-256 of the previous line's bytes (the
first line's ``prev`` is the hash of a fixed anchor), and ``audit.log.head`` names the last line's
hash and the line count. Editing, deleting or reordering any line, or cutting the end, then breaks
the chain, which ``python -m warehouse audit verify`` reports with the first broken line. Someone
who can rewrite the whole file *and* its head can still forge it: an auditor who wants more notes
the head hash that ``verify`` prints somewhere else (the monthly minutes) and compares later.

Every field is bounded before it is written (a 5 MB "user name" typed into the login form becomes
64 characters and a note of its real length), so no visitor can grow the log by more than a few
hundred bytes per event.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.connection import resolve_db_path

EVENTS = (
    "login", "login_failed", "login_locked", "login_refused", "logout", "session_ended", "view_unmasked",
    "export", "load", "settings", "users", "restore", "profile", "bulletin", "publish", "reopen",
)  # fmt: skip
ANCHOR = hashlib.sha256(b"12345-hotline-audit-log-v1").hexdigest()
MAX_USER = 64
MAX_TEXT = 256
MAX_ITEMS = 50
_TAIL_BYTES = 1 << 16  # every line is far shorter (fields are bounded), so the last one is in this tail


def audit_path(db: str | os.PathLike[str] | None = None) -> Path:
    """Beside the warehouse it speaks of (``HOTLINE_AUDIT`` overrides)."""
    env = os.environ.get("HOTLINE_AUDIT")
    return Path(env) if env else resolve_db_path(db).parent / "audit.log"


def head_path(path: Path) -> Path:
    return path.with_name(path.name + ".head")


def bound_text(value: str, limit: int = MAX_TEXT) -> str:
    """At most ``limit`` characters; a cut says how long the original was."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}…(共 {len(value)} 字符 / {len(value)} chars)"


def _bound(value: Any, depth: int = 0) -> Any:
    """Details made JSON-safe and small: texts cut, lists and mappings capped, nesting limited."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth > 3:
        return bound_text(str(value))
    if isinstance(value, dict):
        items = list(value.items())[:MAX_ITEMS]
        return {bound_text(str(k), 64): _bound(v, depth + 1) for k, v in items}
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        kept = [_bound(v, depth + 1) for v in items[:MAX_ITEMS]]
        return kept + ([f"…(+{len(items) - MAX_ITEMS})"] if len(items) > MAX_ITEMS else [])
    return bound_text(str(value))


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def _last_line(fh) -> bytes | None:
    """The file's last complete line (the handle is locked; lines are short)."""
    end = fh.seek(0, os.SEEK_END)
    if end == 0:
        return None
    fh.seek(max(0, end - _TAIL_BYTES))
    tail = fh.read().rstrip(b"\n")
    return tail.rsplit(b"\n", 1)[-1]


def open_private(path: Path, flags: int):
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, flags | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)  # a log created before this rule was 0644
    return os.fdopen(fd, "a+b")


def record(
    event: str, user: str | None, role: str | None, db: str | os.PathLike[str] | None = None, **details: Any
) -> None:
    """Append one event, chained to the line before it."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event}")
    path = audit_path(db)
    with open_private(path, os.O_RDWR | os.O_APPEND) as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            last = _last_line(fh)
            seq = _seq_of(last) + 1 if last is not None else 1
            line = {
                "seq": seq,
                "at": dt.datetime.now().isoformat(timespec="seconds"),
                "event": event,
                "user": None if user is None else bound_text(str(user), MAX_USER),
                "role": None if role is None else bound_text(str(role), MAX_USER),
                "details": _bound(details),
                "prev": line_hash(last) if last is not None else ANCHOR,
            }
            data = json.dumps(line, ensure_ascii=False, default=str).encode("utf-8")
            fh.write(data + b"\n")
            fh.flush()
            legacy = _legacy_count(path, seq)
            write_head(path, {"lines": seq + legacy, "last": line_hash(data), "legacy": legacy})
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _seq_of(line: bytes) -> int:
    """The sequence number of a line; a line written before the chain existed counts as 0."""
    try:
        return int(json.loads(line).get("seq", 0))
    except (ValueError, AttributeError):
        return 0


def _legacy_count(path: Path, seq: int) -> int:
    """Lines written before the chain began (older versions kept no ``seq``): kept from the head."""
    if seq > 1:
        head = read_head(path)
        return int(head.get("legacy", 0)) if head else 0
    with open(path, "rb") as fh:
        return sum(1 for raw in fh if raw.strip()) - 1


def write_head(path: Path, head: dict[str, Any]) -> None:
    target = head_path(path)
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(head, out)
    os.replace(tmp, target)


def read_head(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(head_path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def read_events(limit: int = 500, db: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Newest first (a line that is not JSON is skipped here; ``verify`` reports it)."""
    path = audit_path(db)
    if not path.exists():
        return []
    events = []
    for raw in reversed(path.read_bytes().splitlines()[-limit:]):
        try:
            events.append(json.loads(raw))
        except ValueError:
            continue
    return events


@dataclass(frozen=True)
class Verdict:
    ok: bool
    lines: int
    head: str | None = None  # the last line's hash, for an auditor to note elsewhere
    broken_line: int | None = None  # 1-based line number of the first line that does not verify
    reason: str = ""
    legacy: int = 0  # lines written before the chain began (not protected)


def verify(path: Path) -> Verdict:
    """Walk the chain from the anchor; the first line that does not follow from the one before fails it."""
    if not path.exists():
        return Verdict(True, 0)
    with open(path, "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH)  # an append in progress finishes first (line and head together)
        try:
            raws = fh.read().splitlines()
            head = read_head(path)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    legacy = int(head.get("legacy", 0)) if head else 0
    prev = None
    for number, raw in enumerate(raws, start=1):
        broken = _check_line(raw, prev, number, legacy)
        if broken:
            return Verdict(False, len(raws), broken_line=number, reason=broken, legacy=legacy)
        prev = raw
    last = line_hash(prev) if prev is not None else None
    if raws and (head is None or head.get("lines") != len(raws) or head.get("last") != last):
        return Verdict(False, len(raws), head=last, broken_line=len(raws), reason=END_BROKEN, legacy=legacy)
    return Verdict(True, len(raws), head=last, legacy=legacy)


LINK_BROKEN = (
    "与上一行不衔接：这一行或上一行被改动，或两行之间的行被删除、调换 / "
    "does not follow from the line before: it or the line before was edited, or lines between were deleted or reordered"
)
END_BROKEN = (
    "日志末尾与 audit.log.head 不符：末尾的行被删除或改动（或写入被中断）/ "
    "the end of the log does not match audit.log.head: its last lines were cut or edited (or a write was interrupted)"
)


def _check_line(raw: bytes, prev: bytes | None, number: int, legacy: int) -> str:
    """Why line ``number`` breaks the chain, or '' when it follows from ``prev``."""
    try:
        line = json.loads(raw)
    except ValueError:
        return "不是有效的 JSON / not valid JSON"
    if not isinstance(line, dict):
        return "不是有效的 JSON 对象 / not a JSON object"
    if number <= legacy:  # written before the chain began: only checked not to pretend otherwise
        return LINK_BROKEN if "prev" in line else ""
    expected = line_hash(prev) if prev is not None else ANCHOR
    if line.get("prev") != expected or line.get("seq") != number - legacy:
        return LINK_BROKEN
    return ""


def flat_events(events: list[dict[str, Any]]) -> list[dict[str, str | int | None]]:
    """Events as flat rows of plain values (details as JSON text): events of different kinds carry
    different details, which a table cannot hold as one typed column."""
    return [
        {
            "seq": e.get("seq"),
            "at": e.get("at"),
            "event": e.get("event"),
            "user": e.get("user"),
            "role": e.get("role"),
            "details": json.dumps(e.get("details") or {}, ensure_ascii=False, sort_keys=True),
        }
        for e in events
    ]
