"""Password rules and password hashing.

Hashing is scrypt at today's recommended cost (N = 2^17, r = 8, p = 1: about 128 MB and half a
second here, OWASP's 2024 guidance). Each stored hash keeps its own parameters, so hashes made
at an older cost still verify and are redone at the current cost on the next successful login.

The rules keep out what a guessing attack tries first: short passwords, one character or chunk
repeated (``aaaaaaaaaaaa``, ``abcabcabcabc``), runs on the keyboard or the alphabet
(``123456789012``, ``abcdefghijkl``), and anything containing the user name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

SCRYPT = {"n": 2**17, "r": 8, "p": 1}
LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # what records without parameters were hashed with
DKLEN = 32
MAX_PASSWORD = 1024  # longer input is refused before hashing (scrypt's cost does not depend on it, but memory does)
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm")


class PasswordError(ValueError):
    """A password that breaks a rule (the message names the rule, in Chinese and English)."""


def check_password(name: str, password: str, min_length: int) -> None:
    """Raise PasswordError naming the first rule the password breaks."""
    if len(password) < min_length:
        raise PasswordError(f"密码至少 {min_length} 个字符 / at least {min_length} characters")
    if len(password) > MAX_PASSWORD:
        raise PasswordError(f"密码不能超过 {MAX_PASSWORD} 个字符 / at most {MAX_PASSWORD} characters")
    lowered = password.lower()
    if len(set(lowered)) < 5 or _is_repeated(lowered):
        raise PasswordError("密码不能是同一字符或同一片段的重复 / not one character or chunk repeated")
    if _is_run(lowered):
        raise PasswordError("密码不能是连续的字母、数字或键盘序列 / not a run of letters, digits or keys")
    if len(name.strip()) >= 3 and name.strip().lower() in lowered:
        raise PasswordError("密码不能包含用户名 / must not contain the user name")


def _is_repeated(text: str) -> bool:
    """``text`` is one chunk of at most half its length repeated (the tail may be cut)."""
    for size in range(1, len(text) // 2 + 1):
        chunk = text[:size]
        if (chunk * (len(text) // size + 1))[: len(text)] == text:
            return True
    return False


def _is_run(text: str) -> bool:
    """``text`` is a stretch of one of the well-known sequences, forwards or backwards, wrapping round."""
    for run in _RUNS:
        for seq in (run, run[::-1]):
            cycle = seq * (len(text) // len(seq) + 2)
            if text in cycle:
                return True
    return False


def hash_password(password: str, params: dict[str, int] | None = None) -> dict[str, Any]:
    """A fresh salt and the scrypt hash, with the parameters it was made with."""
    params = dict(params or SCRYPT)
    salt = secrets.token_bytes(16)
    return {
        "kdf": "scrypt",
        **params,
        "salt": base64.b64encode(salt).decode("ascii"),
        "hash": _scrypt(password, salt, params),
    }


def _scrypt(password: str, salt: bytes, params: dict[str, int]) -> str:
    n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=DKLEN,
        maxmem=256 * n * r + (1 << 20),  # 2x the 128 * N * r bytes scrypt needs (OpenSSL's default cap is 32 MB)
    )  # fmt: skip
    return base64.b64encode(digest).decode("ascii")


def params_of(record: dict[str, Any]) -> dict[str, int]:
    return {k: int(record[k]) for k in SCRYPT} if "n" in record else dict(LEGACY_SCRYPT)


def password_matches(record: dict[str, Any] | None, password: str) -> bool:
    """Constant work whether or not the account exists (no timing hint of which names are real)."""
    if record is None or len(password) > MAX_PASSWORD:
        _scrypt(password[:MAX_PASSWORD], secrets.token_bytes(16), SCRYPT)
        return False
    computed = _scrypt(password, base64.b64decode(record["salt"]), params_of(record))
    return hmac.compare_digest(computed, record["hash"])


def outdated(record: dict[str, Any]) -> bool:
    """The hash was made at a lower cost than today's: redo it at the next successful login."""
    return params_of(record) != SCRYPT
