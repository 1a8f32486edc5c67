"""Targets and 同比 on the pages (issue 15, items 2 and 3), on the hand-worked warehouse of
tests/year_city.py: the overview's value-vs-target panel and its 环比/同比 choice, the rankings read as
"units below target", the unit profile's marks — and all of them move when the settings' target does."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_page
from tests.year_city import JIA, YI, build_year_city
from warehouse.users import User


@pytest.fixture(scope="module")
def city_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_year_city(tmp_path_factory.mktemp("year_app"))


@pytest.fixture
def env(city_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOTLINE_DB", str(city_db))
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    return tmp_path


def _page(page: str) -> AppTest:
    return open_page(page, User("qian", "leader"))


def _lower_the_target(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = env / "settings.toml"
    settings.write_text("[targets]\nresponse = 0.95\non_time = 0.95\nsatisfaction = 0.5\n", encoding="utf-8")
    monkeypatch.setenv("HOTLINE_SETTINGS", str(settings))


def test_the_overview_panel_and_year_on_year(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page("pages/overview.py")
    assert not at.exception
    panel = {m.label: (m.value, m.delta) for m in at.metric if m.delta and "目标" in m.delta}
    assert panel["满意率"] == ("0.89", "80.0% ÷ 目标 90%") and panel["响应率"][0] == "1.05"
    assert any("与上期（2024年2月）比较" in c.value for c in at.caption)
    at.sidebar.radio(key="f_basis").set_value("year_ago").run()
    assert not at.exception and any("与去年同期（2023年3月）比较" in c.value for c in at.caption)
    cards = {m.label: m.delta for m in at.metric if not (m.delta or "").count("目标")}
    assert cards["满意率"] == "+10.0 个百分点"  # 16/20 against 14/20
    _lower_the_target(env, monkeypatch)
    at = _page("pages/overview.py")
    assert {m.label: m.value for m in at.metric if m.delta and "目标" in m.delta}["满意率"] == "1.60"


def test_the_rankings_read_as_units_below_target(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page("pages/rankings.py")
    table = at.dataframe[0].value
    marks = dict(zip(table["单位"], table["目标"], strict=True))
    assert marks == {YI: "均达标", JIA: "未达标：满意率 -30.0 个百分点"}
    at.toggle(key="rk_below").set_value(True).run()
    assert list(at.dataframe[0].value["单位"]) == [JIA]
    _lower_the_target(env, monkeypatch)
    at = _page("pages/rankings.py")
    assert set(at.dataframe[0].value["目标"]) == {"均达标"}
    at.toggle(key="rk_below").set_value(True).run()
    assert any("没有未达标的单位" in i.value for i in at.info)


def test_the_unit_profile_marks_its_targets(env: Path) -> None:
    at = _page("pages/unit_profile.py")
    at.selectbox(key="up_unit_county_None").set_value(JIA).run()
    assert not at.exception
    line = next(m.value for m in at.markdown if "目标" in m.value)
    assert "满意率 60.0% < 目标 90%（差 30.0 个百分点）" in line and "响应率 100.0% ≥ 目标 95%" in line
