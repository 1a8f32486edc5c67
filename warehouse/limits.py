"""The time-limits catalogue (办理时限目录): how long a unit has for an order of a given category.

A pothole is not a demolition dispute: cities publish limits per category (NYC Local Law 27's service
level per complaint type, Shanghai's and Shandong's 事项目录), and a deadline derived from the appeal type
alone makes a unit with hard cases look late. The catalogue is a CSV named by the setting
``time_limits_file`` (a plain key, so a dated rule set can carry it); it is applied when the tables are
built, to the orders whose export gives no deadline (SPEC §3 derives those).

Columns: ``category`` (a path of 一级/二级/三级分类 written ``A/B/C``, ``A->B->C`` or a prefix ``A/B`` or
``A``), optional ``appeal_type`` and ``urgency`` (an override for one appeal type or urgency), and exactly
one of ``working_days`` (the end of the N-th statutory working day after the dispatch date) or ``hours``
(calendar hours after dispatch); ``basis`` is free text for people (where the limit comes from).

Matching: the most specific row wins — the longest category path, then a row naming the appeal type over
one that does not. A row without ``urgency`` is for 一般 orders: an urgent order keeps the urgent rule
(``due_derivation.urgent_hours``) unless a row names 紧急. An order no row matches keeps the SPEC rule.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.settings import APPEAL_TYPES, URGENCIES, SettingsError

COLUMNS = ("category", "appeal_type", "urgency", "working_days", "hours", "basis")
_SEPARATOR = re.compile(r"\s*(?:->|>|/|＞|／)\s*")


@dataclass(frozen=True)
class Limit:
    """One row of the catalogue, its category split into up to three levels."""

    path: tuple[str, ...]
    appeal_type: str | None
    urgency: str  # 一般 when the row leaves it blank
    working_days: int | None
    hours: float | None
    basis: str = ""

    @property
    def rank(self) -> int:
        """Specificity: a deeper category first, then a named appeal type."""
        return 2 * len(self.path) + (self.appeal_type is not None)

    def describe(self) -> str:
        """'5 个工作日' / '24 小时' (the limit as the pages print it)."""
        return f"{self.working_days} 个工作日" if self.working_days is not None else f"{self.hours:g} 小时"


def read_limits(path: Path | None) -> tuple[Limit, ...]:
    """The catalogue's rows (none without a file). Every mistake names the file, the row and the fix."""
    if path is None:
        return ()
    if not path.exists():
        raise SettingsError(f"办理时限目录不存在 (time_limits_file not found): {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        unknown = set(reader.fieldnames or ()) - set(COLUMNS)
        if "category" not in (reader.fieldnames or ()) or unknown:
            raise SettingsError(
                f"{path}: 列应为 {', '.join(COLUMNS)}（category 必需），实际为 {reader.fieldnames} "
                f"(columns must be {', '.join(COLUMNS)})"
            )
        rows = [_row(path, i, row) for i, row in enumerate(reader, start=2)]
    seen: dict[tuple[Any, ...], int] = {}
    for i, limit in enumerate(rows, start=2):
        key = (limit.path, limit.appeal_type, limit.urgency)
        if key in seen:
            raise SettingsError(f"{path} 第 {i} 行：与第 {seen[key]} 行的分类、诉求类型和紧急程度相同 (duplicate row)")
        seen[key] = i
    return tuple(rows)


def _row(path: Path, line: int, row: dict[str, str | None]) -> Limit:
    where = f"{path} 第 {line} 行"
    cell = {k: (row.get(k) or "").strip() for k in COLUMNS}
    parts = tuple(p for p in _SEPARATOR.split(cell["category"]) if p)
    if not parts or len(parts) > 3:
        raise SettingsError(f"{where}：category 应为 1–3 级分类，如 城乡建设/物业管理 (category needs 1–3 levels)")
    if cell["appeal_type"] and cell["appeal_type"] not in APPEAL_TYPES:
        raise SettingsError(
            f"{where}：appeal_type 应为 {'、'.join(APPEAL_TYPES)} 之一或留空，实际为 {cell['appeal_type']!r}"
        )
    if cell["urgency"] and cell["urgency"] not in URGENCIES:
        raise SettingsError(f"{where}：urgency 应为 紧急、一般 或留空，实际为 {cell['urgency']!r}")
    if bool(cell["working_days"]) == bool(cell["hours"]):
        raise SettingsError(f"{where}：working_days 与 hours 须且只须填一项 (exactly one of working_days, hours)")
    days = hours = None
    try:
        if cell["working_days"]:
            days = int(cell["working_days"])
            if days < 1:
                raise ValueError
        else:
            hours = float(cell["hours"])
            if not hours > 0:
                raise ValueError
    except ValueError:
        value = cell["working_days"] or cell["hours"]
        raise SettingsError(f"{where}：时限 {value!r} 应为正整数工作日或正数小时 (a positive number)") from None
    return Limit(parts, cell["appeal_type"] or None, cell["urgency"] or "一般", days, hours, cell["basis"])


def limit_params(limits: tuple[Limit, ...]) -> dict[str, list[Any]]:
    """The catalogue as the bound list parameters fct_work_orders.sql unnests (one list per column)."""
    return {
        "lim_l1": [lim.path[0] for lim in limits],
        "lim_l2": [lim.path[1] if len(lim.path) > 1 else None for lim in limits],
        "lim_l3": [lim.path[2] if len(lim.path) > 2 else None for lim in limits],
        "lim_type": [lim.appeal_type for lim in limits],
        "lim_urgency": [lim.urgency for lim in limits],
        "lim_workdays": [lim.working_days for lim in limits],
        "lim_hours": [lim.hours for lim in limits],
        "lim_rank": [lim.rank for lim in limits],
    }


def match_limit(
    limits: tuple[Limit, ...], categories: tuple[str | None, ...], appeal_type: str | None, urgency: str | None
) -> Limit | None:
    """The row an order gets (Python twin of the SQL join, for callers and checks); None: the SPEC rule."""
    level = "紧急" if urgency == "紧急" else "一般"
    hits = [
        lim
        for lim in limits
        if lim.urgency == level
        and lim.appeal_type in (None, appeal_type)
        and all(i < len(categories) and categories[i] == part for i, part in enumerate(lim.path))
    ]
    return max(hits, key=lambda lim: lim.rank, default=None)
