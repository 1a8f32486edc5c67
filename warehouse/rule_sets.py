"""Assessment rules with effective dates (issue 14): ``[[rule_changes]]`` in the settings file.

A city changes its assessment method from a date (new weights, a new time limit); a change must not
rewrite the months assessed before it. The top-level rules of ``config/settings.toml`` hold from the
beginning; each ``[[rule_changes]]`` entry names the month it takes effect from (``from = "YYYY-MM"``), an
optional note (the document that decided it) and the rules it changes — the others carry over from the
rule set before. Each rule set is validated as a whole, exactly like the top-level rules.

The entries are read and checked with the rest of the file (``warehouse.settings.parse_settings``); this
module reads the rule sets a ``Settings`` holds. Every period is assessed under the rules in force for it
(``warehouse.scoring.rules_in_force``): a month under its own rule set; the build-time rules (limits,
derived deadlines, the repeat window, the answer weights stamped on each order) under the rule set of the
order's assessment month (``warehouse.metrics``). A period spanning a change (a quarter, a year) sums each
month's numerators and denominators, each computed under that month's rules, and takes its score, minimum
sample, lists, targets and maturity from the rules in force at its end (``segments``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warehouse.settings import Settings


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
