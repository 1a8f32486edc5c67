"""AppTest of 热点: categories by county, risers, hot words, repeat complaints and bounced orders."""

from __future__ import annotations

from pathlib import Path

from tests.app.pages import open_page, plotly_specs

PAGE = "pages/hot_topics.py"


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_hot_topics_render_with_their_labels(app_env: Path) -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "热点"
    assert any("演示数据" in w.value for w in at.warning)
    assert [s.value for s in at.subheader][:4] == [
        "各区县的热点问题（一级分类 × 区县，受理量）", "环比上升最快的问题", "热词", "重复诉求与退单（推诿）",
    ]  # fmt: skip
    heatmap, *bars = plotly_specs(at)
    assert heatmap["data"][0]["type"] == "heatmap" and len(heatmap["data"][0]["x"]) >= 7  # the demo's counties
    assert [b["layout"]["xaxis"]["title"]["text"] for b in bars] == ["较上期增加（件）", "提到该词的来电人（人）"]
    assert any("不展示任何诉求原文" in c for c in _captions(at))
    assert [tab.label for tab in at.tabs] == ["按问题分类", "按单位（区县）"]
    by_category, by_unit = (df.value for df in at.dataframe[:2])
    assert {"二级分类", "退单率", "重复诉求量"} <= set(by_category.columns)
    assert by_category["退单率"].between(0, 100).all()  # shown in %, not as fractions
    assert "单位" in by_unit.columns


def test_hot_words_show_no_digits_or_names(app_env: Path) -> None:
    at = open_page(PAGE)
    words = plotly_specs(at)[2]["data"][0]["y"]
    assert words and not any(ch.isdigit() for w in words for ch in w)
    assert not any(w.endswith(("先生", "女士")) for w in words)


def test_a_county_narrows_risers_words_and_issues(app_env: Path) -> None:
    at = open_page(PAGE)
    before_specs, before_table = plotly_specs(at), at.dataframe[0].value
    before_note = next(c for c in _captions(at) if "抽取" in c)
    county = at.selectbox(key="ht_county").options[1]
    at.selectbox(key="ht_county").set_value(county).run()
    assert not at.exception
    after_specs = plotly_specs(at)
    assert after_specs[0] == before_specs[0]  # the county × category map stays citywide
    assert after_specs[1:] != before_specs[1:]
    assert next(c for c in _captions(at) if "抽取" in c) != before_note
    assert not at.dataframe[0].value.equals(before_table)


def test_level_switch_lists_departments(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="f_level").set_value("department").run()
    assert not at.exception
    assert at.tabs[1].label == "按单位（承办单位）"
    assert all(name.startswith(("市", "云溪")) for name in at.dataframe[1].value["单位"])


def test_hot_topics_in_english(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Hot topics"
    assert "Hot words" in [s.value for s in at.subheader]


def test_without_a_warehouse_the_pages_explain_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOTLINE_DB", str(tmp_path / "none.duckdb"))
    for page in (PAGE, "pages/unit_profile.py"):
        at = open_page(page)
        assert not at.exception
        assert any("make run" in i.value for i in at.info)
