"""Accounts and roles (who may see what), kept in a local users file managed by the CLI.

Passwords are stored only as salted scrypt hashes (warehouse.passwords). The file lives beside the
warehouse (``data/users.json``, mode 0600, git-ignored; ``HOTLINE_USERS`` overrides) and is written
atomically. Each account has a ``generation``: every sign-out, password change or role change adds
one, which ends every session and login cookie issued before (warehouse.sessions).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from warehouse.connection import resolve_db_path
from warehouse.passwords import PasswordError, check_password, hash_password, outdated, password_matches
from warehouse.security import load_security

ROLES = ("public", "leader", "oversight", "analyst", "admin")
ROLE_LABELS = {
    "public": ("公众", "Public"),
    "leader": ("领导", "Leader"),
    "oversight": ("人大监督", "Oversight"),
    "analyst": ("热线分析员", "Analyst"),
    "admin": ("管理员", "Administrator"),
}
MAX_NAME = 64


class UserError(ValueError):
    """A users-file operation that cannot be done (the message says why)."""


class UsersFileError(UserError):
    """The users file exists but cannot be read; the message says how to repair it."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    county: str | None = None  # a leader account may be scoped to one county


@dataclass(frozen=True)
class Account:
    """An account as the file holds it now: the user and the generation of its sessions."""

    user: User
    generation: int


def users_path() -> Path:
    env = os.environ.get("HOTLINE_USERS")
    return Path(env) if env else resolve_db_path().parent / "users.json"


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        users = json.loads(text)
        if not isinstance(users, dict) or not all(isinstance(u, dict) and "role" in u for u in users.values()):
            raise ValueError("not an object of accounts")
    except ValueError as exc:
        raise UsersFileError(
            f"账号文件 {path} 已损坏，无法读取（{str(exc).splitlines()[0][:120]}）。请从备份恢复该文件，或删除后用 "
            f"`python -m warehouse users add 用户名 --role admin` 重新创建账号。/ The users file is damaged: restore it "
            "from a backup, or delete it and create the accounts again with `python -m warehouse users add`."
        ) from None
    return users


def _write(path: Path, users: dict[str, dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(users, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, path)


@contextlib.contextmanager
def _changing(path: Path) -> Iterator[dict[str, dict[str, Any]]]:
    """Read, change and write the file under a lock, so a login's hash upgrade and a CLI change never
    overwrite each other."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        users = _read(path)
        yield users
        _write(path, users)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(ch.isspace() or ord(ch) < 32 for ch in name):
        raise UserError(f"用户名不能为空、不能含空白字符，且不超过 {MAX_NAME} 个字符")
    return name


def add_user(name: str, role: str, password: str, county: str | None = None, path: Path | None = None) -> User:
    """Create an account, or replace one of the same name (which ends its sessions)."""
    path = path or users_path()
    if role not in ROLES:
        raise UserError(f"未知角色 {role}；可用：{', '.join(ROLES)}")
    if county and role != "leader":
        raise UserError("只有 leader（领导）账号可以限定区县")
    name = _checked_name(name)
    _check_policy(name, password)
    user = User(name, role, county or None)
    with _changing(path) as users:
        generation = int(users.get(name, {}).get("generation", -1)) + 1
        users[name] = {**asdict(user), **hash_password(password), "generation": generation}
    return user


def _check_policy(name: str, password: str) -> None:
    try:
        check_password(name, password, load_security().min_password_length)
    except PasswordError as exc:
        raise UserError(str(exc)) from None


def set_password(name: str, password: str, path: Path | None = None) -> None:
    """A new password for an existing account; its sessions end."""
    path = path or users_path()
    _check_policy(name, password)
    with _changing(path) as users:
        if name not in users:
            raise UserError(f"没有用户 {name}")
        record = users[name]
        record.update(hash_password(password), generation=int(record.get("generation", 0)) + 1)


def end_sessions(name: str, path: Path | None = None) -> None:
    """Sign-out everywhere: every session token and cookie of this account stops working."""
    with _changing(path or users_path()) as users:
        if name in users:
            users[name]["generation"] = int(users[name].get("generation", 0)) + 1


def remove_user(name: str, path: Path | None = None) -> None:
    with _changing(path or users_path()) as users:
        if name not in users:
            raise UserError(f"没有用户 {name}")
        del users[name]


def _user(record: dict[str, Any]) -> User:
    return User(record["name"], record["role"], record.get("county"))


def list_users(path: Path | None = None) -> list[User]:
    return [_user(u) for u in _read(path or users_path()).values()]


def get_account(name: str, path: Path | None = None) -> Account | None:
    """The account as it is now (the dashboard re-checks it on every page run)."""
    record = _read(path or users_path()).get(name)
    return Account(_user(record), int(record.get("generation", 0))) if record else None


def verify(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when the password matches; None otherwise (same work either way). A hash made at
    an older cost is redone at today's on the way."""
    path = path or users_path()
    record = _read(path).get(name)
    if not password_matches(record, password):
        return None
    if outdated(record):
        with _changing(path) as users:
            if name in users and users[name].get("hash") == record["hash"]:  # unchanged meanwhile
                users[name].update(hash_password(password))
    return _user(record)


def has_users(path: Path | None = None) -> bool:
    return bool(_read(path or users_path()))
