"""Text from the data is text (issue 12, item 9): one escape for Markdown, one for Plotly, and the chart
builders use the Plotly one for every name from the data (the browser test checks what a browser does)."""

from __future__ import annotations

import datetime as dt
import json
import re
import string

import plotly.io as pio
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pages.components.charts import build_score_figure, build_trend_figure
from pages.components.markup import WORD_JOINER, md, plot_text
from pages.components.oversight_charts import build_category_gap_figure, build_category_heatmap, build_risers_figure

IMAGE = "![c](http://attacker.invalid/x.png)"
LINK = "[点我重新登录](http://attacker.invalid/login)"
ANCHOR = '<a href="http://attacker.invalid/a">点我</a>'
OTHERS = ["http://attacker.invalid/bare", "www.attacker.invalid", "<http://attacker.invalid/auto>", "**粗体** _斜_",
          ":red[红]", "$x^2$", "# 标题", "- 列表", "第一行\n\n## 第二行", "`code`", "a\\b", "&lt;b&gt;"]  # fmt: skip


@pytest.mark.parametrize("text", [IMAGE, LINK, ANCHOR, *OTHERS])
def test_md_makes_any_text_literal(text: str) -> None:
    _literal(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_md_makes_every_text_literal(text: str) -> None:
    _literal(text)


def _literal(text: str) -> None:
    """CommonMark lets a backslash escape any ASCII punctuation character and nothing else: every such
    character comes out escaped (so none can open a link, an image, emphasis, HTML, math or a
    Streamlit directive), line breaks (a new block) become spaces, and an invisible word joiner keeps
    GitHub's autolink literals (http://, www., name@host) from forming; nothing else changes."""
    out = md(text)
    shown = out.replace("\\", "")
    assert not re.search(r"(?i)(?<![a-z])(?:https?:|www\.)|[^\u2060]@|^@", shown), out
    assert "\n" not in out and "\r" not in out
    unescaped, i = [], 0
    while i < len(out):
        if out[i] == "\\":
            assert i + 1 < len(out) and out[i + 1] in string.punctuation, out
            unescaped.append(out[i + 1])
            i += 2
            continue
        assert out[i] not in string.punctuation, (out, i)
        unescaped.append(out[i])
        i += 1
    expected = re.sub(r"\s*[\r\n]+\s*", " ", text).replace(WORD_JOINER, "")
    assert "".join(unescaped).replace(WORD_JOINER, "") == expected


def test_md_of_nothing_is_empty() -> None:
    assert md(None) == "" and md("青岚区") == "青岚区"  # CJK text is untouched


def test_plot_text_escapes_what_plotly_reads_as_html() -> None:
    assert plot_text(ANCHOR) == '&lt;a href="http://attacker.invalid/a"&gt;点我&lt;/a&gt;'
    assert plot_text("A & B") == "A &amp; B" and plot_text(None) == ""


def _spec(fig) -> str:
    return json.dumps(json.loads(pio.to_json(fig)), ensure_ascii=False)


def test_charts_carry_names_from_the_data_as_text() -> None:
    months = [dt.date(2024, 3, 1), dt.date(2024, 4, 1)]
    ranking = pl.DataFrame(
        {"rank": [1, 2], "unit": [ANCHOR, IMAGE], "score": [90.0, 80.0], "score_low": [85.0, 70.0],
         "score_high": [95.0, 88.0]}
    )  # fmt: skip
    units = pl.DataFrame({"county": [ANCHOR] * 2, "month": months, "score": [80.0, 82.0]})
    city = pl.DataFrame({"month": months, "score": [81.0, 81.5]})
    heat = pl.DataFrame({"county": [ANCHOR], "category": [LINK], "received_count": [3]})
    risers = pl.DataFrame({"category_l1": [ANCHOR], "category_l2": ["<b>x</b>"], "change_count": [2],
                           "change_rate": [1.0], "previous_count": [2], "received_count": [4]})  # fmt: skip
    gap = pl.DataFrame({"category_l2": [ANCHOR], "satisfaction_answered_count": [5], "satisfaction_rate": [0.5],
                        "city_satisfaction_rate": [0.8], "satisfaction_shortfall": [1.5]})  # fmt: skip
    figures = [
        build_score_figure(ranking, "zh"),
        build_trend_figure(units, city, "score", "county", "zh"),
        build_category_heatmap(heat, "zh"),
        build_risers_figure(risers, "zh"),
        build_category_gap_figure(gap, ANCHOR, "zh"),
    ]
    for fig in figures:
        spec = _spec(fig)
        assert "<a " not in spec and "<b>x" not in spec, spec
        assert "&lt;a href" in spec or "&lt;b&gt;" in spec
        for trace in json.loads(pio.to_json(fig))["data"]:  # a name is never part of a hover template
            assert "attacker" not in (trace.get("hovertemplate") or "")
