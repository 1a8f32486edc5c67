"""The local key for hashing phone numbers (SPEC §2: a keyed hash, for repeat detection).

Phone numbers have so few digits that a plain hash is reversible by trying them all; the key
makes the hashes useless without this machine's key file. It is created on the first load next to
the warehouse (or where HOTLINE_KEY_FILE says), readable by its owner only, and never committed.

The warehouse records the key's fingerprint (``meta.phone_key_fingerprint``, and each load's in
``load_log.key_fingerprint``): a load with a missing or different key is refused (etl.admission),
because hashes made with another key never match the stored ones and repeat complaints would
silently stop being found.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path


def key_path(db_path: Path) -> Path:
    env = os.environ.get("HOTLINE_KEY_FILE")
    return Path(env) if env else db_path.parent / "phone_hash.key"


def read_key(db_path: Path) -> str | None:
    path = key_path(db_path)
    try:
        return path.read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None


def create_key(db_path: Path) -> str:
    """A new random key, written 0600; refuses to overwrite an existing one."""
    path = key_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


def fingerprint(key: str) -> str:
    """Names a key without revealing it (a one-way hash of it, shortened)."""
    return hashlib.sha256(b"12345-phone-key-fingerprint:" + key.encode("ascii")).hexdigest()[:16]
