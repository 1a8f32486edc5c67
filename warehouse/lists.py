"""红黑榜 (SPEC §3.1): fair red and black lists of one ranking group.

A list is read out in public, so it never names a unit that is only at an end by chance or that does
its job: red takes only units whose 95% interval lies wholly above the group median, black only units
wholly below it; where targets are set, red also needs every target met and black at least one missed
(a rate the source cannot supply neither meets nor misses). At most ``red_black_size`` each, from the top
(bottom) of the ranking; when units tied at the edge would take a list past that size, none of them is
listed — never an arbitrary pick among equals. Groups with fewer than ``red_black_min_units`` ranked
units get no lists: their "middle" is one or two units.
"""

from __future__ import annotations

import statistics
from fractions import Fraction
from itertools import groupby
from typing import Any

from warehouse.registry import RANKING_RATES
from warehouse.settings import Settings


def mark_lists(ranked: list[dict[str, Any]], by: str, settings: Settings, group: str) -> None:
    """Set ``is_red`` / ``is_black`` on the ranked rows of one group (sorted by rank). Each row carries
    ``_value`` (the exact value ranked on), ``_exact`` (exact rates) and the ranked figure's bounds."""
    for row in ranked:
        row["is_red"] = row["is_black"] = False
    if len(ranked) < settings.red_black_min_units or settings.red_black_size <= 0:
        return
    median = statistics.median(row["_value"] for row in ranked)
    targets = _targets(settings, by, group)
    red = [r for r in ranked if r[f"{by}_low"] > median and (not targets or _meets_all(r, targets))]
    black = [r for r in ranked if r[f"{by}_high"] < median and (not targets or _misses_any(r, targets))]
    for row in _from_the_end(red, settings.red_black_size):
        row["is_red"] = True
    for row in _from_the_end(list(reversed(black)), settings.red_black_size):
        row["is_black"] = True


def _targets(settings: Settings, by: str, group: str) -> dict[str, Fraction]:
    """The targets that judge a unit: all of them for the composite, the ranked rate's alone otherwise."""
    keys = RANKING_RATES if by == "score" else (by,)
    return {k: Fraction(repr(v)) for k, v in settings.targets.for_group(group).items() if k in keys}


def _meets_all(row: dict[str, Any], targets: dict[str, Fraction]) -> bool:
    return all(row["_exact"][k] >= t for k, t in targets.items() if row["_exact"][k] is not None)


def _misses_any(row: dict[str, Any], targets: dict[str, Fraction]) -> bool:
    return any(row["_exact"][k] < t for k, t in targets.items() if row["_exact"][k] is not None)


def _from_the_end(candidates: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """Whole tie groups (same rank) from the first candidate on, while the list stays within ``size``."""
    out: list[dict[str, Any]] = []
    for _, tied in groupby(candidates, key=lambda r: r["rank"]):
        members = list(tied)
        if len(out) + len(members) > size:
            break
        out += members
    return out
