"""Assessment integrity beside the league table: the unit that excludes far more than its peers.

Invalid (无效) and exempt (豁免) orders leave the assessed figures, so a unit that marks a fifth of its
orders invalid or gets them exempted looks better (Heze's regulation and Beijing's 诉求分类处置规则 both
limit it). The rates themselves are registry metrics computed by ``warehouse.scoring.rate_row``; this
module only compares a unit with its ranking group: flagged when its exclusion rate is above
``exclusion_flag_ratio`` × the group's median and it excluded at least ``exclusion_flag_min_count`` orders.
The median is taken over the group's units with at least ``min_sample`` dispatched orders (a unit of three
orders at 0 % or 100 % says nothing about what is usual), exactly, on the rates' rational values.
"""

from __future__ import annotations

import statistics
from fractions import Fraction
from typing import Any

from warehouse.settings import Settings

# Final satisfaction this far above the first (exact rates), on at least min_sample first ratings: the
# redos hid a poor first verdict, and the unit profile and the bulletin say so in words.
REDO_GAP = Fraction(1, 10)


def redo_gap(row: dict[str, Any], min_sample: int) -> bool:
    """Does the row's final satisfaction hide a poor first one (see ``REDO_GAP``)?"""
    first, final = row.get("first_satisfaction_rate"), row.get("final_satisfaction_rate")
    if first is None or final is None or int(row.get("first_satisfaction_answered_count") or 0) < min_sample:
        return False
    return Fraction(final) - Fraction(first) >= REDO_GAP


def mark_exclusions(rows: list[dict[str, Any]], settings: Settings) -> None:
    """Set ``exclusion_flag``, ``exclusion_group_median`` and ``exclusion_times_median`` on the rows of one
    ranking group (each row carries ``_exact``, the exact rates of ``rate_row_exact``)."""
    peers = [
        r["_exact"]["exclusion_rate"]
        for r in rows
        if r["_exact"]["exclusion_rate"] is not None and int(r.get("dispatched_count") or 0) >= settings.min_sample
    ]
    median: Fraction | None = Fraction(statistics.median(peers)) if peers else None
    ratio = Fraction(repr(settings.exclusion_flag_ratio))
    for row in rows:
        rate = row["_exact"]["exclusion_rate"]
        row["exclusion_group_median"] = None if median is None else float(median)
        row["exclusion_times_median"] = float(rate / median) if rate is not None and median else None
        row["exclusion_flag"] = (
            rate is not None
            and median is not None
            and rate > ratio * median
            and int(row.get("excluded_count") or 0) >= settings.exclusion_flag_min_count
        )
