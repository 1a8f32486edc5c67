"""Accounts and roles (who may see what), kept in a local users file managed by the CLI.

Passwords are stored only as salted scrypt hashes. The file lives beside the warehouse
(``data/users.json``, git-ignored; ``HOTLINE_USERS`` overrides) and is written atomically.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from warehouse.connection import resolve_db_path

ROLES = ("public", "leader", "oversight", "analyst", "admin")
ROLE_LABELS = {
    "public": ("公众", "Public"),
    "leader": ("领导", "Leader"),
    "oversight": ("人大监督", "Oversight"),
    "analyst": ("热线分析员", "Analyst"),
    "admin": ("管理员", "Administrator"),
}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
MIN_PASSWORD = 10


class UserError(ValueError):
    """A users-file operation that cannot be done (the message says why)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    county: str | None = None  # a leader account may be scoped to one county


def users_path() -> Path:
    env = os.environ.get("HOTLINE_USERS")
    return Path(env) if env else resolve_db_path().parent / "users.json"


def _hash(password: str, salt: bytes) -> str:
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return base64.b64encode(digest).decode("ascii")


def _read(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, users: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(users, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, path)


def add_user(name: str, role: str, password: str, county: str | None = None, path: Path | None = None) -> User:
    path = path or users_path()
    if role not in ROLES:
        raise UserError(f"未知角色 {role}；可用：{', '.join(ROLES)}")
    if county and role != "leader":
        raise UserError("只有 leader（领导）账号可以限定区县")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")
    if not name or not name.strip() or len(name) > 64:
        raise UserError("用户名不能为空，且不超过 64 个字符")
    users = _read(path)
    salt = secrets.token_bytes(16)
    user = User(name.strip(), role, county or None)
    users[user.name] = {**asdict(user), "salt": base64.b64encode(salt).decode("ascii"), "hash": _hash(password, salt)}
    _write(path, users)
    return user


def remove_user(name: str, path: Path | None = None) -> None:
    path = path or users_path()
    users = _read(path)
    if name not in users:
        raise UserError(f"没有用户 {name}")
    del users[name]
    _write(path, users)


def list_users(path: Path | None = None) -> list[User]:
    return [User(u["name"], u["role"], u.get("county")) for u in _read(path or users_path()).values()]


def verify(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when the password matches; None otherwise (same work either way)."""
    record = _read(path or users_path()).get(name)
    salt = base64.b64decode(record["salt"]) if record else secrets.token_bytes(16)
    computed = _hash(password, salt)
    if record and hmac.compare_digest(computed, record["hash"]):
        return User(record["name"], record["role"], record.get("county"))
    return None


def has_users(path: Path | None = None) -> bool:
    return bool(_read(path or users_path()))
