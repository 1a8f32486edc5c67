"""Login tokens that survive a reload, a new tab or a bookmark, and die on sign-out.

A token names the account, the account's generation (warehouse.users) and an expiry, signed with
HMAC-SHA256 under a secret kept on the server (``session.key`` beside the users file, mode 0600,
made on first use). It is checked on every page run against the users file as it is *now*: a
forged or altered token fails the signature, an old one its expiry, and a signed-out, re-roled,
re-passworded or removed account its generation or existence.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from warehouse.users import Account, get_account, users_path

COOKIE = "hotline_session"


@dataclass(frozen=True)
class Session:
    """A signed-in visitor: whose account, which generation of it, until when (epoch seconds)."""

    name: str
    generation: int
    expires: float
    token: str


def key_path() -> Path:
    return users_path().with_name("session.key")


def _secret() -> bytes:
    path = key_path()
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(body: str) -> str:
    return _b64(hmac.new(_secret(), body.encode("ascii"), hashlib.sha256).digest())


def issue(account: Account, hours: float, now: float | None = None) -> Session:
    """A new session (and its token) for an account that has just proven its password."""
    expires = (now if now is not None else time.time()) + hours * 3600
    payload = {"u": account.user.name, "g": account.generation, "e": int(expires)}
    body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return Session(account.user.name, account.generation, int(expires), f"{body}.{_sign(body)}")


def read_token(token: str | None, now: float | None = None) -> Session | None:
    """The session a token stands for when its signature holds and it has not expired; else None."""
    if not token or len(token) > 1024 or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    if not hmac.compare_digest(_sign(body), mac):
        return None
    try:
        payload = json.loads(_unb64(body))
        name, generation, expires = str(payload["u"]), int(payload["g"]), float(payload["e"])
    except (ValueError, KeyError, TypeError):
        return None
    if expires <= (now if now is not None else time.time()):
        return None
    return Session(name, generation, expires, token)


def still_valid(session: Session, now: float | None = None) -> Account | None:
    """The account behind a session, only while it exists with the same generation and the session
    has not expired: removing, re-roling or signing out an account ends its open tabs at once."""
    if session.expires <= (now if now is not None else time.time()):
        return None
    account = get_account(session.name)
    if account is None or account.generation != session.generation:
        return None
    return account
