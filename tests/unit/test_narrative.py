"""The bulletin's sentences and number formats: rounding, direction words, missing comparisons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.narrative import (
    count_change,
    describe_settings,
    fmt_count,
    fmt_pct,
    fmt_score,
    pp_change,
    rank_change_mark,
    ranking_summary,
    rate_change,
    score_change,
    score_formula,
)
from warehouse.settings import Settings


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (0.931, "93.1%"),
        (0.0125, "1.3%"),
        (0.00049, "0.0%"),
        (1.0, "100.0%"),
        (0.0, "0.0%"),
        (None, "—"),
        (2 / 3, "66.7%"),
    ],
)
def test_fmt_pct_rounds_half_up(rate: float | None, text: str) -> None:
    assert fmt_pct(rate) == text


def test_fmt_count_and_score() -> None:
    assert fmt_count(1234567) == "1,234,567"
    assert fmt_count(0) == "0"
    assert fmt_count(None) == "—"
    assert fmt_score(83.69348740605525) == "83.69"
    assert fmt_score(91.505) == "91.51"
    assert fmt_score(100) == "100.00"


def test_rate_change_uses_the_printed_rates() -> None:
    # 93.149% prints as 93.1%, 91.951% as 92.0%: the sentence must say 1.1, what a reader can check
    assert pp_change(0.93149, 0.91951) == Decimal("1.1")
    assert rate_change(0.93149, 0.91951) == "比上月提高 1.1 个百分点"
    assert rate_change(0.9, 0.912) == "比上月下降 1.2 个百分点"
    assert rate_change(0.85504, 0.85496) == "与上月持平"
    assert rate_change(0.9, None) == ""
    assert rate_change(None, 0.9) == ""


def test_count_and_score_change() -> None:
    assert count_change(4684, 5043) == "环比下降 7.1%"
    assert count_change(110, 100) == "环比增长 10.0%"
    assert count_change(100, 100) == "与上月持平"
    assert count_change(5, 0) == ""
    assert count_change(5, None) == ""
    assert score_change(83.69, 83.58) == "比上月提高 0.11 分"
    assert score_change(80.0, 80.004) == "与上月持平"
    assert score_change(80.0, None) == ""


def test_rank_change_mark() -> None:
    assert [rank_change_mark(c) for c in (2, -1, 0, None)] == ["↑2", "↓1", "持平", "—"]


def _row(unit: str, rank: int | None, score: float, change: int | None = None) -> dict:
    return {"unit": unit, "rank": rank, "score": score, "rank_change": change}


def test_ranking_summary_names_top_last_and_movers() -> None:
    rows = [
        _row("甲区", 1, 91.5, 0),
        _row("乙区", 2, 88.384, 3),
        _row("丙区", 3, 87.0, -1),
        _row("丁区", 4, 60.0, -2),
        _row("戊区", None, 70.0),
    ]
    text = ranking_summary(rows, "区县")
    assert text.startswith("区县综合得分第 1 名甲区（91.50 分）、第 2 名乙区（88.38 分）、第 3 名丙区（87.00 分）")
    assert "末位为丁区（第 4 名，60.00 分）" in text
    assert "名次上升最多的是乙区（上升 3 位）" in text
    assert "下降最多的是丁区（下降 2 位）" in text
    assert "另有 1 个单位考核工单不足" in text


def test_ranking_summary_without_ranked_units() -> None:
    assert "无单位达到排名所需的考核工单量" in ranking_summary([_row("甲区", None, 70.0)], "区县")


def test_ranking_summary_ties_keep_their_shared_rank() -> None:
    text = ranking_summary([_row("甲", 1, 90.0), _row("乙", 1, 90.0), _row("丙", 3, 80.0)], "部门")
    assert "第 1 名甲（90.00 分）、第 1 名乙（90.00 分）、第 3 名丙（80.00 分）" in text


def test_settings_are_described_from_the_values_used() -> None:
    settings = Settings().to_dict()
    lines = dict(describe_settings(settings))
    assert lines["响应时限"] == "紧急 2 小时，其他 24 小时（自然时间）"
    assert lines["综合得分权重"] == "响应率 20%，解决率 40%，满意率 40%"
    assert "少于 10 件" in lines["排名规则"] and "前、后 5 名" in lines["排名规则"]
    assert "30 天" in lines["重复诉求"]
    assert score_formula(settings) == (
        "100 ×（响应率 × 20% + 解决率 × 40% + 满意率 × 40%），满分 100 分；某项指标当月无有效评价时，按其余指标的权重重新折算。"
    )
