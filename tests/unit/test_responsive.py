"""The phone version of the league table (issue 15, item 6): every ranked figure in short lines, names
from the data as text."""

from __future__ import annotations

import polars as pl

from pages.components.responsive import PHONE_CSS, compact_ranking


def _ranking() -> pl.DataFrame:
    return pl.DataFrame({
        "rank": [1, None], "unit": ["云岫区", "[点我](http://x.invalid)"], "score": [91.52, None], "rank_change": [2, None],
        "response_rate": [0.993, None], "on_time_rate": [0.967, 0.5], "resolution_rate": [0.867, None],
        "satisfaction_rate": [0.924, None], "sample_flag": [None, "样本不足"], "is_red": [True, False],
        "is_black": [False, False], "indistinguishable": [False, None], "score_missing_rates": [None, None],
    })  # fmt: skip


def test_each_unit_is_two_or_three_short_lines() -> None:
    text = compact_ranking(_ranking(), "zh")
    first, second = text.split("\n\n")
    assert first.startswith("**1** · 云岫区 · **91.5** ↑2")
    assert "响应率 99.3% · 按时办结率 96.7% · 解决率 86.7% · 满意率 92.4%" in first and "红榜" in first
    assert second.startswith("**—** · \\[点我\\]\\(http") and "响应率 —" in second and "样本不足" in second


def test_the_phone_rule_is_a_media_query() -> None:
    assert "@media (max-width: 640px)" in PHONE_CSS and "st-key-wide_only_" in PHONE_CSS
