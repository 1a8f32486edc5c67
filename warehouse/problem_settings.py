"""Settings of the analyses beside the assessment: recurring problems, early warning, hot words and the
case-mix comparison of satisfaction (config/problems.toml).

Kept apart from the assessment rules (config/settings.toml) on purpose: these tune analyses that
point at problems, never an assessed figure, so changing one neither needs a rebuild nor changes the
settings fingerprint the rankings and the bulletin print. Read when used, validated strictly (an
unknown key is a typo), every error naming the key and the file.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from warehouse.settings import PROJECT_ROOT, SettingsError, read_toml

DEFAULT_PATH = PROJECT_ROOT / "config" / "problems.toml"


@dataclass(frozen=True)
class ClusterSettings:
    window_days: int = 90
    min_size: int = 4
    similarity: float = 0.6
    similarity_same_category: float = 0.3


@dataclass(frozen=True)
class AlertSettings:
    baseline_days: int = 28
    guard_days: int = 7
    alpha: float = 0.0001
    min_count: int = 5
    min_ratio: float = 2.0


@dataclass(frozen=True)
class HotWordSettings:
    reference_months: int = 3
    min_orders: int = 3
    sample: int = 2000


@dataclass(frozen=True)
class CasemixSettings:
    reference_months: int = 12


@dataclass(frozen=True)
class ProblemSettings:
    clusters: ClusterSettings = field(default_factory=ClusterSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    hot_words: HotWordSettings = field(default_factory=HotWordSettings)
    casemix: CasemixSettings = field(default_factory=CasemixSettings)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# key -> (type, lowest allowed, highest allowed)
_RULES: dict[str, dict[str, tuple[type, float, float]]] = {
    "clusters": {
        "window_days": (int, 1, 3660),
        "min_size": (int, 2, 10_000),
        "similarity": (float, 0.0, 1.0),
        "similarity_same_category": (float, 0.0, 1.0),
    },
    "alerts": {
        "baseline_days": (int, 7, 366),
        "guard_days": (int, 0, 60),
        "alpha": (float, 1e-12, 0.5),
        "min_count": (int, 1, 100_000),
        "min_ratio": (float, 1.0, 1000.0),
    },
    "hot_words": {"reference_months": (int, 1, 36), "min_orders": (int, 1, 10_000), "sample": (int, 100, 1_000_000)},
    "casemix": {"reference_months": (int, 1, 120)},
}
_CLASSES = {
    "clusters": ClusterSettings,
    "alerts": AlertSettings,
    "hot_words": HotWordSettings,
    "casemix": CasemixSettings,
}


def problem_settings_path() -> Path:
    env = os.environ.get("HOTLINE_PROBLEMS")
    return Path(env) if env else DEFAULT_PATH


def load_problem_settings(path: str | os.PathLike[str] | None = None) -> ProblemSettings:
    """The file named, or ``HOTLINE_PROBLEMS``, or config/problems.toml; defaults when the default file
    is missing (a file named explicitly must exist)."""
    p, data = read_toml(path, "HOTLINE_PROBLEMS", DEFAULT_PATH, "分析设置文件")
    return ProblemSettings() if data is None else parse_problem_settings(data, str(p))


def parse_problem_settings(data: dict[str, Any], src: str = "<problems>") -> ProblemSettings:
    unknown = set(data) - set(_RULES)
    if unknown:
        raise SettingsError(f"{src}: 未知的设置表 {sorted(unknown)} (unknown table; allowed: {', '.join(_RULES)})")
    parts = {}
    for table, rules in _RULES.items():
        values = data.get(table, {})
        if not isinstance(values, dict):
            raise SettingsError(f"{src}: 设置项 {table} 必须是表 (must be a [table])")
        for key in values:
            if key not in rules:
                raise SettingsError(f"{src}: 设置项 {table}.{key} 未知 (unknown setting; allowed: {', '.join(rules)})")
        defaults = asdict(_CLASSES[table]())
        parts[table] = _CLASSES[table](
            **{key: _value(values, table, key, rule, defaults[key], src) for key, rule in rules.items()}
        )
    return ProblemSettings(**parts)


def _value(values: dict[str, Any], table: str, key: str, rule: tuple[type, float, float], default: Any, src: str):
    kind, lo, hi = rule
    value = values.get(key, default)
    ok = not isinstance(value, bool) and (isinstance(value, int) if kind is int else isinstance(value, int | float))
    if not ok:
        what = "整数 (an integer)" if kind is int else "数字 (a number)"
        raise SettingsError(f"{src}: 设置项 {table}.{key} 必须是{what}, got {value!r}")
    if not lo <= value <= hi:
        raise SettingsError(
            f"{src}: 设置项 {table}.{key} 必须在 {lo}–{hi} 之间 (must be in [{lo}, {hi}]), got {value!r}"
        )
    return kind(value)
