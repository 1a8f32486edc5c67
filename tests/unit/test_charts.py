"""Chart builders are pure: a frame in, a figure out, with the shared theme, unit-bearing axis titles
and colours that follow "higher is better"."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pages.components.charts import (
    BAD,
    FONT,
    GOOD,
    axis_title,
    build_score_figure,
    build_trend_figure,
    build_volume_figure,
)

MONTHS = [dt.date(2026, m, 1) for m in (7, 8, 9, 10)]


def _city() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": MONTHS,
            "received_count": [700, 720, 610, 560],
            "dispatched_count": [300, 310, 280, 250],
            "response_rate": [0.9, 0.92, 0.95, 0.93],
            "score": [80.0, 81.0, 82.5, 83.0],
        }
    )


def _units() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "county": ["青岚区"] * 4 + ["云岫区"] * 4,
            "month": MONTHS * 2,
            "response_rate": [0.8, 0.85, 0.9, 0.95, 0.99, 0.97, 0.98, 0.96],
            "score": [70.0, 72.0, 75.0, 78.0, 90.0, 91.0, 92.0, 93.0],
        }
    )


def _ranking() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit": ["甲", "乙", "丙", "丁"],
            "rank": [1, 2, 3, None],
            "score": [90.0, 80.0, 60.0, 95.0],
            "score_low": [85.0, 70.0, 50.0, 40.0],
            "score_high": [94.0, 88.0, 70.0, 100.0],
        }
    )


def test_axis_titles_carry_units() -> None:
    assert axis_title("response_rate", "zh") == "响应率（%）"
    assert axis_title("score", "zh") == "综合得分（分）"
    assert axis_title("received_count", "zh") == "受理量（件）"
    assert axis_title("score", "en") == "Composite score (points)"


def test_volume_figure_has_theme_units_and_highlight() -> None:
    fig = build_volume_figure(_city(), "zh", highlight=(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    assert fig.layout.font.family == FONT and "Noto Sans CJK SC" in FONT
    assert fig.layout.yaxis.title.text == "工单数（件）"
    assert [tr.name for tr in fig.data] == ["受理量", "派单量"]
    assert list(fig.data[0].x) == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert list(fig.data[0].marker.opacity) == [0.45, 0.45, 0.45, 1.0]


def test_trend_figure_plots_rates_as_percent_with_the_city_dashed() -> None:
    fig = build_trend_figure(_units(), _city(), "response_rate", "county", "zh")
    assert [tr.name for tr in fig.data] == ["青岚区", "云岫区", "全市"]
    assert fig.data[-1].line.dash == "dash"
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.yaxis.title.text == "响应率（%）"
    assert list(fig.data[0].y) == [0.8, 0.85, 0.9, 0.95]


def test_trend_figure_of_the_score_and_in_english() -> None:
    fig = build_trend_figure(_units().head(0), _city(), "score", "county", "en")
    assert [tr.name for tr in fig.data] == ["City"]
    assert fig.layout.yaxis.tickformat is None
    assert fig.layout.yaxis.title.text == "Composite score (points)"


def test_score_figure_orders_ranked_units_and_colours_best_good() -> None:
    fig = build_score_figure(_ranking(), "zh")
    (trace,) = fig.data
    assert list(trace.y) == ["1. 甲", "2. 乙", "3. 丙"]  # the unranked unit is left out
    assert fig.layout.yaxis.autorange == "reversed"  # rank 1 on top
    assert trace.marker.cmax == 90.0 and trace.marker.cmin == 60.0
    assert trace.marker.colorscale[-1][1] == GOOD and trace.marker.colorscale[0][1] == BAD
    assert list(trace.error_x.array) == [4.0, 8.0, 10.0]
    assert list(trace.error_x.arrayminus) == [5.0, 10.0, 10.0]
    assert fig.layout.xaxis.title.text == "综合得分（分）"


def test_builders_do_not_change_their_input() -> None:
    ranking, units, city = _ranking(), _units(), _city()
    build_score_figure(ranking, "zh")
    build_trend_figure(units, city, "score", "county", "zh")
    build_volume_figure(city, "zh")
    assert ranking.equals(_ranking()) and units.equals(_units()) and city.equals(_city())
