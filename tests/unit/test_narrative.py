"""The bulletin's sentences and number formats: rounding, direction words, missing comparisons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.formatting import count_change, fmt_count, fmt_pct, fmt_score, rank_change_mark, rate_change, score_change
from reports.narrative import describe_settings, ranking_summary, score_formula
from warehouse.scoring import change, growth
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


def _counts(responded: int, assessed: int) -> dict:
    return {"responded_on_time_count": responded, "response_measurable_count": assessed, "assessed_count": assessed}


def test_changes_come_from_exact_values_rounded_once() -> None:
    """93.149 % (printed 93.1 %) against 91.951 % (printed 92.0 %) is +1.198 points: 1.2, rounded once, the
    figure the dashboard shows too — not 1.1, the difference of the printed rates (the bulletin said
    下降 0.2 where the dashboard said −0.1)."""
    s = Settings()
    assert change("response_rate", _counts(93149, 100000), _counts(91951, 100000), s) == Decimal("1.2")
    assert change("response_rate", _counts(9, 10), _counts(912, 1000), s) == Decimal("-1.2")
    assert change("response_rate", _counts(5, 10), _counts(4995, 10000), s) == Decimal("0.1")  # 0.05 rounds half up
    assert change("response_rate", _counts(1, 2), None, s) is None
    assert change("response_rate", _counts(1, 2), _counts(0, 0), s) is None  # no base rate: no change
    assert rate_change(Decimal("1.2")) == "比上月提高 1.2 个百分点"
    assert rate_change(Decimal("-0.3")) == "比上月下降 0.3 个百分点"
    assert rate_change(Decimal("0.0")) == "与上月持平"
    assert rate_change(Decimal("-1.9"), same_age=True) == "比上月同一时点下降 1.9 个百分点"
    assert rate_change(None) == ""


def test_count_and_score_change() -> None:
    assert count_change(growth(4684, 5043)) == "环比下降 7.1%"
    assert count_change(growth(110, 100)) == "环比增长 10.0%"
    assert count_change(growth(100, 100)) == "与上月持平"
    assert count_change(growth(5, 0)) == ""
    assert count_change(growth(5, None)) == ""
    assert score_change(Decimal("0.11")) == "比上月提高 0.11 分"
    assert score_change(Decimal("0.00")) == "与上月持平"
    assert score_change(None) == ""


def test_rank_change_mark() -> None:
    assert [rank_change_mark(c) for c in (2, -1, 0, None)] == ["↑2", "↓1", "持平", "—"]


def _row(unit: str, rank: int | None, score: float | None, change: int | None = None, n: int = 50, why=None) -> dict:
    reason = why if rank is None else None
    return {"unit": unit, "rank": rank, "score": score, "rank_change": change, "assessed_count": n,
            "unranked_reason": reason or ("small_sample" if rank is None else None)}  # fmt: skip


def test_ranking_summary_names_top_last_and_movers_with_their_sample() -> None:
    rows = [
        _row("甲区", 1, 91.5, 0),
        _row("乙区", 2, 88.384, 3, n=21),
        _row("丙区", 3, 87.0, -1),
        _row("丁区", 4, 60.0, -2),
        _row("戊区", None, 70.0),
    ]
    text = ranking_summary(rows, "区县")
    assert text.startswith(
        "区县综合得分第 1 名甲区（91.50 分，考核工单 50 件）、第 2 名乙区（88.38 分，考核工单 21 件）"
    )
    assert "末位为丁区（第 4 名，60.00 分，考核工单 50 件）" in text
    assert "名次上升最多的是乙区（考核工单 21 件），上升 3 位" in text
    assert "下降最多的是丁区（考核工单 50 件），下降 2 位" in text
    assert "另有 1 个单位考核工单不足" in text


def test_ranking_summary_without_ranked_units() -> None:
    assert "无单位达到排名所需的考核工单量" in ranking_summary([_row("甲区", None, 70.0)], "区县")
    lacking = ranking_summary([_row("甲区", None, None, why="not_available")], "承办单位")
    assert "无法按综合得分排名" in lacking and "末位" not in lacking


def test_ranking_summary_ties_keep_their_shared_rank_and_name_no_last_on_a_tie() -> None:
    text = ranking_summary([_row("甲", 1, 90.0), _row("乙", 1, 90.0), _row("丙", 3, 80.0)], "部门")
    assert "第 1 名甲（90.00 分，考核工单 50 件）、第 1 名乙（90.00 分，考核工单 50 件）、第 3 名丙" in text
    everyone = ranking_summary([_row(u, 1, 0.0) for u in "甲乙丙丁戊"], "部门")
    assert "末位为" not in everyone and "5 个单位综合得分相同，并列第 1 名" in everyone
    bottom = ranking_summary([_row("甲", 1, 9.0), *(_row(u, 2, 1.0) for u in "乙丙丁戊")], "部门")
    assert "末位为" not in bottom and "末位有 4 个单位并列第 2 名" in bottom


def test_settings_are_described_from_the_values_used() -> None:
    settings = Settings().to_dict()
    lines = dict(describe_settings(settings))
    assert lines["响应时限"] == "紧急 2 小时，其他 24 小时（自然时间）"
    assert lines["综合得分权重"] == "响应率 20%，解决率 40%，满意率 40%"
    assert "少于 10 件" in lines["排名规则"] and "至多 5 个单位" in lines["红黑榜"] and "中位数" in lines["红黑榜"]
    assert lines["目标"] == "响应率 ≥ 95%；按时办结率 ≥ 95%；满意率 ≥ 90%"
    assert "30 天" in lines["重复诉求"]
    assert score_formula(settings) == (
        "100 ×（响应率 × 20% + 解决率 × 40% + 满意率 × 40%），满分 100 分；某项指标当月无有效评价时，按其余指标的权重重新折算。"
    )
