"""AppTest of 单位画像: rank and rates against the city, trend, dragging categories, order lists, pack."""

from __future__ import annotations

from pathlib import Path

from tests.app.pages import open_page, plotly_specs

PAGE = "pages/unit_profile.py"


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_unit_profile_renders_with_its_labels(app_env: Path) -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "单位画像"
    assert any("演示数据" in w.value for w in at.warning)
    assert [s.value for s in at.subheader][:4] == [
        "考核完整性",
        "各月表现与全市对比",
        "拖累本单位的问题分类",
        "工单清单",
    ]
    cards = _metrics(at)
    assert {"名次", "综合得分（未完整）", "满意率（未完整）", "退单率"} <= set(cards)
    assert cards["满意率（未完整）"].endswith("%")
    trend, gap = plotly_specs(at)
    assert trend["data"][-1]["name"] == "全市"
    assert gap["layout"]["xaxis"]["tickformat"] == ".0%"
    labels = [tab.label.split(" · ")[0] for tab in at.tabs]
    assert labels == ["不满意", "超期未办结", "退单", "重复诉求"]
    button = at.get("download_button")[0]
    assert "证据材料" in button.proto.label
    table = at.dataframe[0].value
    assert {"二级分类", "本单位满意率", "全市同类满意率"} <= set(table.columns)


def test_order_lists_show_no_personal_data(app_env: Path) -> None:
    at = open_page(PAGE)
    frames = [df.value for df in at.dataframe[1:]]
    assert [f for f in frames if "工单编号" in f.columns]  # the order lists (then case mix and problems)
    for frame in frames:
        assert not {"来电人", "联系电话", "诉求内容"} & set(frame.columns)


def test_another_unit_changes_the_figures(app_env: Path) -> None:
    at = open_page(PAGE)
    before, before_specs = _metrics(at), plotly_specs(at)
    box = at.selectbox(key="up_unit_county_None")
    box.set_value(box.options[-1]).run()
    assert not at.exception
    assert _metrics(at) != before
    assert plotly_specs(at)[0]["data"][0]["name"] == box.options[-1]
    assert plotly_specs(at) != before_specs


def test_the_trend_metric_can_change(app_env: Path) -> None:
    at = open_page(PAGE)
    at.selectbox(key="up_metric_zh").set_value("satisfaction_rate").run()
    assert not at.exception
    assert plotly_specs(at)[0]["layout"]["yaxis"]["title"]["text"] == "满意率（%）"
    at.sidebar.radio(key="lang").set_value("en").run()  # the choice survives the language switch
    assert at.selectbox(key="up_metric_en").value == "satisfaction_rate"


def test_townships_are_chosen_within_their_county(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="f_level").set_value("township").run()
    assert not at.exception
    county = at.sidebar.selectbox(key="f_county").value
    assert at.selectbox(key=f"up_unit_township_{county}").options


def test_unit_profile_in_english(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Unit profile"
    assert "Rank" in _metrics(at)
