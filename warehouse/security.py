"""Login and session settings (``config/security.toml``; ``HOTLINE_SECURITY`` overrides).

Kept apart from the assessment settings: these change who may sign in, never a published figure,
so they are not part of the settings fingerprint that reports carry. Read at every use, like the
assessment settings, so an edit applies to the next login without a restart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from warehouse.settings import PROJECT_ROOT, SettingsError, read_toml

DEFAULT_SECURITY_PATH = PROJECT_ROOT / "config" / "security.toml"


@dataclass(frozen=True)
class Throttle:
    """Back-off and lockout for one kind of key (a user name, or a source address)."""

    backoff_after: int = 3
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 300.0
    lockout_after: int = 10
    lockout_minutes: float = 15.0
    window_minutes: float = 60.0

    def wait_after(self, failures: int) -> float:
        """Seconds the next attempt must wait after ``failures`` failures in a row (0 before back-off)."""
        if failures < self.backoff_after:
            return 0.0
        return min(self.backoff_seconds * 2 ** (failures - self.backoff_after), self.max_wait_seconds)


@dataclass(frozen=True)
class Security:
    session_hours: float = 12.0
    min_password_length: int = 12
    trust_proxy_headers: bool = False
    per_user: Throttle = field(default_factory=Throttle)
    per_address: Throttle = field(default_factory=lambda: Throttle(backoff_after=10, lockout_after=30))


def load_security(path: str | os.PathLike[str] | None = None) -> Security:
    """The file's values over the defaults; a missing default file gives the defaults, an unknown or
    mistyped key is an error naming it (a typo must not silently switch a protection off)."""
    p, data = read_toml(path, "HOTLINE_SECURITY", DEFAULT_SECURITY_PATH, "安全设置文件")
    if data is None:
        return Security()
    base = Security()
    top = _typed(data, base, p, skip=("per_user", "per_address"))
    throttles = {
        name: replace(getattr(base, name), **_typed(_table(data, name, p), getattr(base, name), p, prefix=f"{name}."))
        for name in ("per_user", "per_address")
    }
    result = Security(**top, **throttles)
    if result.min_password_length < 8 or result.session_hours <= 0:
        raise SettingsError(f"{p}: min_password_length 至少 8，session_hours 必须大于 0 (must be >= 8 / > 0)")
    return result


def _table(data: dict[str, Any], name: str, src: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise SettingsError(f"{src}: 设置项 {name} 必须是表 (must be a [table])")
    return value


def _typed(data: dict[str, Any], base: Any, src: Path, skip: tuple[str, ...] = (), prefix: str = "") -> dict[str, Any]:
    """The keys of ``data`` that ``base`` has, each of the default's type and not negative."""
    known = {f.name: getattr(base, f.name) for f in fields(base) if f.name not in skip}
    out = {}
    for key, value in data.items():
        if key in skip:
            continue
        if key not in known:
            raise SettingsError(f"{src}: 设置项 {prefix}{key} 未知 (unknown setting; allowed: {', '.join(known)})")
        default = known[key]
        ok = isinstance(value, bool) if isinstance(default, bool) else (
            isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
            and (isinstance(value, int) or not isinstance(default, int))
        )  # fmt: skip
        if not ok:
            raise SettingsError(f"{src}: 设置项 {prefix}{key} 类型或取值不对 (must be like {default!r}), got {value!r}")
        out[key] = type(default)(value)
    return out
