"""The local key for hashing phone numbers (SPEC §2: a keyed hash, for repeat detection).

Phone numbers have so few digits that a plain hash is reversible by trying them all; the key
makes the hashes useless without this machine's key file. It is created on first use next to
the warehouse (or where HOTLINE_KEY_FILE says), readable by its owner only, and never committed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def key_path(db_path: Path) -> Path:
    env = os.environ.get("HOTLINE_KEY_FILE")
    return Path(env) if env else db_path.parent / "phone_hash.key"


def phone_hash_key(db_path: Path) -> str:
    path = key_path(db_path)
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key
