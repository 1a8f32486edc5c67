"""AppTest of 地图 (issue 15, item 5): a choropleth drawn from the settings' GeoJSON alone, any figure,
counties or townships; without boundary files the page says how to set them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.pages import open_page, plotly_specs


def _map(at) -> dict:
    """The desktop map (the page also draws a shorter one for phones, its colour bar underneath)."""
    wide, narrow = plotly_specs(at)
    (bar,) = [trace["colorbar"] for trace in narrow["data"] if "colorbar" in trace]
    assert bar["orientation"] == "h" and narrow["layout"]["height"] < wide["layout"]["height"]
    return wide


def test_the_county_map_of_the_score(app_env: Path) -> None:
    at = open_page("pages/map.py")
    assert not at.exception and at.title[0].value == "地图"
    spec = _map(at)
    kinds = [trace["type"] for trace in spec["data"]]
    assert kinds[0] == "scattergeo"  # first: Plotly then fetches no world map from the internet
    (regions,) = [trace for trace in spec["data"] if trace["type"] == "choropleth"]
    assert len(regions["locations"]) == 7 and regions["colorbar"]["title"]["text"] == "综合得分"
    assert spec["layout"]["geo"]["fitbounds"] == "locations" and spec["layout"]["geo"]["visible"] is False
    assert any("点击区域打开其单位画像" in c.value for c in at.caption)


def test_townships_and_the_backlog(app_env: Path) -> None:
    at = open_page("pages/map.py")
    at.selectbox(key="map_metric_zh").set_value("backlog_count").run()
    at.button_group(key="map_level").set_value("township").run()
    assert not at.exception
    spec = _map(at)
    regions = [trace for trace in spec["data"] if trace["type"] == "choropleth"]
    assert sum(len(trace["locations"]) for trace in regions) == 40
    assert spec["data"][-1]["mode"] == "lines"  # the county borders over the townships
    assert any("截至数据截止时间" in c.value for c in at.caption)


def test_without_boundary_files_the_page_says_how(
    app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("[map]\n", encoding="utf-8")
    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings))
    at = open_page("pages/map.py")
    assert not at.exception and "python -m etl demo-map" in at.info[0].value
    settings.write_text('[map]\ncounties = "nowhere/c.geojson"\n', encoding="utf-8")
    at = open_page("pages/map.py")
    assert not at.exception and "地图文件不存在" in at.error[0].value
