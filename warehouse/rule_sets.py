"""Assessment rules with effective dates (issue 14): ``[[rule_changes]]`` in the settings file.

A city changes its assessment method from a date (new weights, a new time limit); a change must not
rewrite the months assessed before it. The top-level rules of ``config/settings.toml`` hold from the
beginning; each ``[[rule_changes]]`` entry names the month it takes effect from (``from = "YYYY-MM"``), an
optional note (the document that decided it) and the rules it changes — the others carry over from the
rule set before. Each rule set is validated as a whole, exactly like the top-level rules.

Every period is assessed under the rules in force for it (``warehouse.scoring.rules_in_force``): a
month under its own rule set; the build-time rules (limits, derived deadlines, the repeat window, the
answer weights stamped on each order) under the rule set of the order's assessment month
(``warehouse.metrics``). A period spanning a change (a quarter, a year) sums each month's numerators
and denominators, each computed under that month's rules, and takes its score, minimum sample, lists,
targets and maturity from the rules in force at its end (``segments``).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warehouse.settings import Settings

_ENTRY_KEYS = ("from", "note")


def parse_rule_changes(
    changes: Any, base: dict[str, Any], src: str, parse_one: Callable[[dict[str, Any]], Settings]
) -> tuple[Settings, ...]:
    """The later rule sets, in order of their months; an error names the entry and the key."""
    from warehouse.settings import DEFAULT_TARGETS, RULE_KEYS, SettingsError

    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        raise SettingsError(
            f'{src}: rule_changes 必须写成 [[rule_changes]] 表 (use [[rule_changes]] tables with from = "YYYY-MM")'
        )
    raw = copy.deepcopy(base)
    raw.setdefault("targets", dict(DEFAULT_TARGETS))  # a change of one target keeps the default others
    out: list[Settings] = []
    for number, change in enumerate(changes, start=1):
        where = f"{src}: rule_changes 第 {number} 项"
        month = _month(change.get("from"), where)
        if out and month <= out[-1].effective_from:  # type: ignore[operator]
            raise SettingsError(
                f"{where}: from 必须晚于上一项的 {out[-1].effective_from:%Y-%m} (entries in order of from)"
            )
        unknown = [k for k in change if k not in (*_ENTRY_KEYS, *RULE_KEYS)]
        if unknown:
            raise SettingsError(
                f"{where}（from = {month:%Y-%m}）: 设置项 {unknown[0]} 不能按月份变更或未知 "
                f"(a rule change may set: {', '.join(RULE_KEYS)})"
            )
        note = change.get("note", "")
        if not isinstance(note, str):
            raise SettingsError(f"{where}: note 必须是字符串 (must be a string)")
        raw = _merged(raw, {k: v for k, v in change.items() if k not in _ENTRY_KEYS})
        try:
            rules = parse_one(raw)
        except SettingsError as exc:
            raise SettingsError(f"{where}（from = {month:%Y-%m}）: {str(exc).removeprefix('<settings>: ')}") from None
        out.append(replace(rules, effective_from=month, rule_note=note.strip()))
    return tuple(out)


def _month(value: Any, where: str) -> dt.date:
    from warehouse.settings import SettingsError

    try:
        return dt.datetime.strptime(str(value), "%Y-%m").date()
    except ValueError:
        raise SettingsError(
            f'{where}: from 应为 "YYYY-MM"（生效月份 / the month it takes effect）, got {value!r}'
        ) from None


def _merged(old: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``old`` with ``change`` written over it; tables key by key (a change names only what changes)."""
    out = copy.deepcopy(old)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def segments(settings: Settings, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, Settings]]:
    """The stretches of [start, end] under one rule set each: (first day, last day, rules), in order."""
    out: list[tuple[dt.date, dt.date, Settings]] = []
    bounds = [r.effective_from for r in settings.rule_sets if r.effective_from and start < r.effective_from <= end]
    first = start
    for boundary in (*bounds, end + dt.timedelta(days=1)):
        out.append((first, boundary - dt.timedelta(days=1), settings.rules_for(first)))
        first = boundary
    return out


def history(settings: Settings) -> list[dict[str, Any]]:
    """Every rule set, oldest first: when it took effect (None: from the beginning), its note, and the rules
    that differ from the set before it ({flattened key: (before, after)}); the About page and the docs show it."""
    out = [{"from": None, "note": settings.rule_note, "changes": {}}]
    before = _flat(settings.rule_values())
    for later in settings.rule_sets:
        after = _flat(later.rule_values())
        changed = {
            k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)
        }
        out.append({"from": f"{later.effective_from:%Y-%m}", "note": later.rule_note, "changes": changed})
        before = after
    return out


def _flat(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, name + "."))
        else:
            out[name] = value
    return out


def differences(published: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The rule keys (flattened) whose values differ between two ``rule_values`` dicts."""
    a, b = _flat(published), _flat(now)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
