"""An append-only audit log of logins, unmasked views, exports and loads.

The dashboard holds no read-write connection to the warehouse, so the log is a JSON-lines file
beside it (``audit.log``; ``HOTLINE_AUDIT`` overrides), appended under an exclusive lock so two
processes never interleave a line.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path
from typing import Any

from warehouse.connection import resolve_db_path

EVENTS = ("login", "login_failed", "logout", "view_unmasked", "export", "load", "settings", "users")


def audit_path(db: str | os.PathLike[str] | None = None) -> Path:
    """Beside the warehouse it speaks of (``HOTLINE_AUDIT`` overrides)."""
    env = os.environ.get("HOTLINE_AUDIT")
    return Path(env) if env else resolve_db_path(db).parent / "audit.log"


def record(
    event: str, user: str | None, role: str | None, db: str | os.PathLike[str] | None = None, **details: Any
) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event}")
    line = {
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "event": event,
        "user": user,
        "role": role,
        "details": details,
    }
    path = audit_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
        fcntl.flock(fh, fcntl.LOCK_UN)


def read_events(limit: int = 500, db: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Newest first."""
    path = audit_path(db)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-limit:]
    return [json.loads(x) for x in reversed(lines) if x.strip()]
