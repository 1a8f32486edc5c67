"""AppTest of 趋势: a metric over months for chosen units against the city."""

from __future__ import annotations

from pathlib import Path

from tests.app.pages import open_page, plotly_specs

PAGE = "pages/trends.py"


def _traces(at) -> list[dict]:
    (fig,) = plotly_specs(at)
    return fig["data"]


def test_trend_shows_units_and_the_city(app_env: Path) -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "趋势"
    assert any("演示数据" in w.value for w in at.warning)
    traces = _traces(at)
    assert traces[-1]["name"] == "全市" and traces[-1]["line"]["dash"] == "dash"
    assert len(traces) == 4  # three units by default + the city
    assert all(len(tr["x"]) == 4 for tr in traces)  # the four demo months
    (fig,) = plotly_specs(at)
    assert fig["layout"]["yaxis"]["title"]["text"] == "综合得分（分）"


def test_metric_and_units_change_the_chart(app_env: Path) -> None:
    at = open_page(PAGE)
    before = _traces(at)
    at.selectbox(key="tr_metric").set_value("response_rate").run()
    assert not at.exception
    (fig,) = plotly_specs(at)
    assert fig["layout"]["yaxis"]["title"]["text"] == "响应率（%）"
    assert fig["layout"]["yaxis"]["tickformat"] == ".0%"
    assert _traces(at)[-1]["y"] != before[-1]["y"]
    units = at.multiselect(key="tr_units_county_None")
    units.set_value(units.value[:1]).run()
    assert not at.exception
    assert len(_traces(at)) == 2


def test_level_switch_offers_that_levels_units(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="f_level").set_value("department").run()
    assert not at.exception
    group = at.selectbox(key="f_group").value
    options = at.multiselect(key=f"tr_units_department_{group}").options
    assert options and all(name.startswith(("市", "云溪")) for name in options)


def test_trends_in_english(app_env: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Trends"
    assert _traces(at)[-1]["name"] == "City"
