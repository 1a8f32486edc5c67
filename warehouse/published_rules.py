"""A published month's rules are fixed by its record (定榜): a settings file whose rules for a published month
differ from those it was published under is refused by every load and rebuild (``warehouse.metrics`` calls
:func:`check_rules` before it builds anything) until the month is re-opened (``warehouse.publish``), which
publishes the next version under the new rules. The about page and ``python -m warehouse record`` list the
conflicts (:func:`rule_conflicts`).

Apart from ``warehouse.publish`` because publishing reads the tables the metric build makes: the build asks
this module, which reads only the record and the settings, so neither imports the other.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse import record
from warehouse.calendar import Period
from warehouse.rule_sets import differences
from warehouse.scoring import rules_in_force
from warehouse.settings import Settings, SettingsError


class RulesConflictError(SettingsError):
    """The settings change the rules of a published month; the message names the months, keys and the way out."""


def rule_conflicts(
    folder: Path | None, settings: Settings, reopening: tuple[str, ...] = ()
) -> list[tuple[str, int, list[str]]]:
    """(month, version, rule keys) for every published month whose rules in ``settings`` differ from those it
    was published under (the months being re-opened excepted)."""
    out = []
    for month, entry in sorted(record.latest(record.read_chain(folder)).items()):
        if month in reopening:
            continue
        now = rules_in_force(settings, Period.month(month)).rule_values()
        keys = differences(entry.rules, now)
        if keys:
            out.append((month, entry.version, keys))
    return out


def check_rules(con: duckdb.DuckDBPyConnection, settings: Settings, reopening: tuple[str, ...] = ()) -> None:
    """Raise :class:`RulesConflictError` when the settings change the rules of a published month."""
    conflicts = rule_conflicts(record.record_dir_of(con), settings, reopening)
    if not conflicts:
        return
    named = "；".join(f"{m}（第 {v} 版）：{'、'.join(keys[:6])}" for m, v, keys in conflicts)
    first = conflicts[0][0]
    raise RulesConflictError(
        f"设置文件改变了已定榜月份的考核规则，已拒绝（仓库保持原样）：{named}。已定榜月份的规则不能悄悄改变："
        f'要从以后的月份起改，请写成 [[rule_changes]] from = "YYYY-MM"（晚于这些月份）；要更正已定榜的月份，请运行 '
        f"python -m warehouse reopen --month {first} --reason …（生成新版本）。"
    )
