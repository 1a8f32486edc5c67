"""Targets (达标线, issue 15 item 2): for every figure that has one, is it met and by how much.

The targets are the settings' ``[targets]`` (per rate, optionally per ranking group: ``Settings.targets``,
the same ones the red and black lists use). A unit's rate is compared exactly (the rate's exact fraction
against the decimal the analyst typed), so a rate of exactly 90 % meets a 90 % target. A rate the source
cannot supply, or without a denominator, neither meets nor misses: its marks are empty, never "missed".

Per rate with a target: ``<rate>_target`` (0–1), ``<rate>_meets_target``, ``<rate>_target_gap`` (value −
target, a fraction: × 100 for percentage points) and ``<rate>_target_ratio`` (value ÷ target: Boston
CityScore's ratio, ≥ 1 is on target); per row, ``below_target`` names the rates below their target.
The league table (``warehouse.rankings``) and the city totals carry them, so every page, export and the
bulletin read the same marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import polars as pl

from warehouse.registry import RANKING_RATES

TARGET_RATES = RANKING_RATES
_SUFFIXES = {"_target": pl.Float64, "_meets_target": pl.Boolean, "_target_gap": pl.Float64,
             "_target_ratio": pl.Float64}  # fmt: skip


def target_schema() -> dict[str, Any]:
    """The dtypes of the columns :func:`target_marks` adds."""
    schema: dict[str, Any] = {f"{k}{s}": t for k in TARGET_RATES for s, t in _SUFFIXES.items()}
    schema["below_target"] = pl.String
    return schema


def target_marks(exact: Mapping[str, Fraction | None], targets: Mapping[str, float]) -> dict[str, Any]:
    """The marks of one row: ``exact`` maps a rate to its exact value (None: not available or no
    denominator), ``targets`` a rate to its target (``Targets.for_group``)."""
    out: dict[str, Any] = {}
    below = []
    for key in TARGET_RATES:
        target, value = targets.get(key), exact.get(key)
        out[f"{key}_target"] = target
        if target is None or value is None:
            out.update({f"{key}_meets_target": None, f"{key}_target_gap": None, f"{key}_target_ratio": None})
            continue
        goal = Fraction(repr(target))
        out[f"{key}_meets_target"] = value >= goal
        out[f"{key}_target_gap"] = float(value - goal)
        out[f"{key}_target_ratio"] = float(value / goal) if goal else None
        if value < goal:
            below.append(key)
    out["below_target"] = ",".join(below) or None
    return out
