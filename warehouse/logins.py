"""Back-off and lockout for failed logins, per user name and per source address.

Counted in a small file beside the users file (``login_attempts.json``, mode 0600), so a restart of
the dashboard forgets nothing and every server process sees the same counts. While a key waits or is
locked, a login is refused *before* the password is checked: the right password does not help a
guesser who has just tried thirty wrong ones. A success clears the user name's count; the address
count is left to expire, so one valid account cannot be used to reset guessing at others.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.security import Security, Throttle
from warehouse.users import MAX_NAME, users_path

MAX_KEYS = 10_000  # a spray of invented names cannot grow the file without bound


@dataclass(frozen=True)
class Decision:
    allowed: bool
    wait_seconds: float = 0.0  # how long until the next attempt is accepted
    locked: bool = False  # refused because of a lockout (not just a back-off)
    by: str = ""  # "user" or "address": which count refused


def attempts_path() -> Path:
    return users_path().with_name("login_attempts.json")


def _keys(name: str, address: str | None, security: Security) -> list[tuple[str, str, Throttle]]:
    keys = [("user", "u:" + name[:MAX_NAME], security.per_user)]
    if address:
        keys.append(("address", "a:" + address[:64], security.per_address))
    return keys


@contextlib.contextmanager
def _counts(write: bool) -> Iterator[dict[str, dict[str, Any]]]:
    path = attempts_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
        try:
            counts = json.loads(fh.read() or "{}")
        except ValueError:  # a damaged count file must not lock everyone out, nor let everyone in for long
            counts = {}
        yield counts
        if write:
            fh.seek(0)
            fh.truncate()
            json.dump(counts, fh)


def _live(entry: dict[str, Any] | None, rule: Throttle, now: float) -> dict[str, Any] | None:
    """The entry, or None once it is forgotten (window passed since the last failure and not locked)."""
    if not entry:
        return None
    if entry.get("locked_until", 0) > now or now - entry["last"] < rule.window_minutes * 60:
        return entry
    return None


def check(name: str, address: str | None, security: Security, now: float | None = None) -> Decision:
    """May this attempt be checked at all?"""
    now = time.time() if now is None else now
    with _counts(write=False) as counts:
        for by, key, rule in _keys(name, address, security):
            entry = _live(counts.get(key), rule, now)
            if entry is None:
                continue
            if entry.get("locked_until", 0) > now:
                return Decision(False, entry["locked_until"] - now, locked=True, by=by)
            ready = entry["last"] + rule.wait_after(entry["failures"])
            if ready > now:
                return Decision(False, ready - now, by=by)
    return Decision(True)


def failed(name: str, address: str | None, security: Security, now: float | None = None) -> list[str]:
    """Count a failed attempt; the kinds of key ("user", "address") that it has just locked."""
    now = time.time() if now is None else now
    locked = []
    with _counts(write=True) as counts:
        for by, key, rule in _keys(name, address, security):
            entry = _live(counts.get(key), rule, now) or {"failures": 0}
            entry = {"failures": entry["failures"] + 1, "last": now}
            if entry["failures"] >= rule.lockout_after:
                entry["locked_until"] = now + rule.lockout_minutes * 60
                locked.append(by)
            counts[key] = entry
        _prune(counts, now)
    return locked


def succeeded(name: str) -> None:
    with _counts(write=True) as counts:
        counts.pop("u:" + name[:MAX_NAME], None)


def _prune(counts: dict[str, dict[str, Any]], now: float) -> None:
    stale = [k for k, v in counts.items() if v.get("locked_until", 0) <= now and now - v["last"] > 86_400]
    for key in stale:
        del counts[key]
    if len(counts) > MAX_KEYS:
        for key in sorted(counts, key=lambda k: counts[k]["last"])[: len(counts) - MAX_KEYS]:
            del counts[key]
