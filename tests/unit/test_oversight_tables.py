"""Table shaping and chart builders of the hot-topics, unit-profile and data pages (no server)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pages.components import oversight_tables as tables
from pages.components.oversight_charts import (
    build_category_gap_figure,
    build_category_heatmap,
    build_hot_words_figure,
    build_quality_figure,
    build_risers_figure,
)

SHOWN = {
    "issues_by_category": ("category_l1", "category_l2", *tables.ISSUE_COLUMNS),
    "issues_by_township": ("county", "unit", *tables.ISSUE_COLUMNS),
    "categories": tables.CATEGORY_COLUMNS,
    "lists": tables.LIST_COLUMNS,
    "history": tables.HISTORY_COLUMNS,
    "quality_month": ("month", *tables.QUALITY_COLUMNS),
    "quality_file": ("source_file", "rows_read", *tables.QUALITY_COLUMNS, "quarantined_count"),
    "summary": tables.SUMMARY_COLUMNS,
    "quarantine": tables.QUARANTINE_COLUMNS,
    "mapping": ("source", "field", "priority"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("table", list(SHOWN))
def test_every_column_has_a_distinct_human_label(table: str, lang: str) -> None:
    labels = [tables.col_label(c, lang) for c in SHOWN[table]]
    assert len(set(labels)) == len(labels), labels
    assert not [c for c, label in zip(SHOWN[table], labels, strict=True) if label == c], "unlabelled columns"
    if lang == "zh":
        assert not [label for label in labels if label.isascii()], labels


def test_present_shows_rates_in_percent_flags_in_words_and_no_none() -> None:
    frame = pl.DataFrame({"return_rate": [0.1234, None], "is_returned": [True, False], "county": ["青岚区", None]})
    out, config = tables.present(frame, ["county", "return_rate", "is_returned"], "zh")
    assert out.columns == ["区县", "退单率", "is_returned"]
    assert out["退单率"].to_list() == ["12.3%", "—"]  # a missing number reads "—": the grid shows a grey None
    full, full_config = tables.present(frame.head(1), ["return_rate"], "zh")
    assert full["退单率"].to_list() == [12.3] and full_config["退单率"]["type_config"]["format"] == "%.1f%%"
    assert out["区县"].to_list() == ["青岚区", "—"]
    assert out[out.columns[2]].to_list() == ["是", "否"]
    assert "退单率" in config


def test_reason_and_status_labels() -> None:
    frame = pl.DataFrame({"reason_code": ["chronology", "new_code"], "status": ["already_loaded", "loaded"]})
    assert tables.with_reason_labels(frame, "zh")["reason_code"].to_list() == ["时间先后矛盾", "new_code"]
    assert tables.with_status_labels(frame, "en")["status"].to_list() == ["loaded before (unchanged)", "loaded"]


def test_file_stamp_has_no_separators() -> None:
    assert "/" not in tables.file_stamp("证据材料", "a/b", "2026-10")


def test_heatmap_orders_categories_and_keeps_empty_county_last() -> None:
    frame = pl.DataFrame(
        {
            "county": ["甲区", "乙区", None, "甲区"],
            "category": ["城建", "城建", "城建", None],
            "received_count": [5, 9, 50, 2],
        }
    )
    trace = build_category_heatmap(frame, "zh").to_dict()["data"][0]
    assert trace["x"][-1] == "未填区县" and trace["x"][0] == "乙区"
    assert list(trace["y"]) == ["城建", "未分类"]


def test_risers_words_gap_and_quality_figures() -> None:
    risers = pl.DataFrame({"category_l1": ["城建"], "category_l2": ["物业"], "received_count": [30],
                           "previous_count": [10], "change_count": [20], "change_rate": [2.0]})  # fmt: skip
    bar = build_risers_figure(risers, "zh").to_dict()["data"][0]
    assert bar["text"][0] == "+20（+200%）" and bar["y"][0] == "物业（城建）"
    words = build_hot_words_figure(pl.DataFrame({"word": ["物业", "停水"], "order_count": [9, 4]}), "en").to_dict()
    assert list(words["data"][0]["y"]) == ["物业", "停水"] and words["layout"]["xaxis"]["title"]["text"]
    cats = pl.DataFrame({"category_l2": ["物业", "供水"], "satisfaction_answered_count": [10, 8],
                         "satisfaction_rate": [0.5, 0.9], "city_satisfaction_rate": [0.8, 0.85],
                         "satisfaction_shortfall": [3.0, -0.4]})  # fmt: skip
    gap = build_category_gap_figure(cats, "某局", "zh").to_dict()
    assert list(gap["data"][-1]["y"]) == ["物业 · 10"]  # only the category below the city
    quality = pl.DataFrame({"month": [dt.date(2026, 9, 1)], "missing_county_rate": [0.1],
                            "missing_department_rate": [0.0], "unevaluated_rate": [0.2], "quick_close_rate": [None]})  # fmt: skip
    fig = build_quality_figure(quality, "zh").to_dict()
    assert len(fig["data"]) == 4 and fig["layout"]["yaxis"]["tickformat"] == ".0%"
