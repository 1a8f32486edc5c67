"""Issue 14 on the pages: a published month shows its published table stamped 已定榜 (an unpublished one
未定榜); the live switch shows the recomputation, the figures that moved and the changed orders (the list
only for roles with order lists); the record page lists the versions; the admin publishes and corrects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.__main__ import main as etl_main
from pages.components.tables import ranking_table
from tests.app.pages import open_page, signed_in
from tests.record_city import first_export, later_export
from warehouse import record
from warehouse.__main__ import main as wh
from warehouse.calendar import Period
from warehouse.connection import connect_read
from warehouse.rankings import fetch_ranking
from warehouse.settings import DEFAULT_SETTINGS_PATH
from warehouse.users import User

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _build(root: Path) -> Path:
    """March and April loaded, March published, then the later export (4 of March's orders exempted)."""
    db = _db(root)
    assert etl_main(["load", str(first_export(root / "ex")), "--db", str(db)]) == 0
    assert wh(["publish", "--month", "2024-03", "--db", str(db), "--user", "zhang"]) == 0
    assert etl_main(["load", str(later_export(root / "ex")), "--db", str(db)]) == 0
    return db


def _db(root: Path) -> Path:
    return root / "wh" / "hotline.duckdb"


def _env(root: Path, audit: Path) -> dict[str, str]:
    """The city's warehouse, key and settings, and an audit log."""
    return {"HOTLINE_KEY_FILE": str(root / "key"), "HOTLINE_SETTINGS": str(DEFAULT_SETTINGS_PATH),
            "HOTLINE_DB": str(_db(root)), "HOTLINE_AUDIT": str(audit)}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One city for the tests that only read it (built once: two loads and a publication)."""
    root = tmp_path_factory.mktemp("record_city")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in _env(root, root / "audit.log").items():
            mp.setenv(name, value)
        mp.delenv("HOTLINE_RECORD", raising=False)
        return _build(root)


@pytest.fixture
def city(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The module's city, read only; each test's audit log is its own."""
    for name, value in _env(built.parents[1], tmp_path / "audit.log").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HOTLINE_RECORD", raising=False)
    return built


@pytest.fixture
def own_city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A city of the test's own, for a test that publishes, re-opens or corrects."""
    for name, value in _env(tmp_path, tmp_path / "audit.log").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HOTLINE_RECORD", raising=False)
    return _build(tmp_path)


def rankings_in_march(role: str, county: str | None = None) -> AppTest:
    at = open_page("pages/rankings.py", User(f"u_{role}", role, county))
    at.sidebar.radio(key="f_level").set_value("department").run()
    at.sidebar.selectbox(key="f_month").set_value("2024-03").run()
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_a_published_month_shows_its_published_table_and_the_live_one_on_request(city: Path) -> None:
    at = rankings_in_march("oversight")
    assert not at.exception
    assert "已定榜" in markdown(at)
    table = at.dataframe[0].value
    assert dict(zip(table["单位"], table["考核工单量"], strict=True))["市卫生健康委员会"] == 30  # as published
    at.toggle(key="rk_live").set_value(True).run()
    assert not at.exception
    assert "实时重算（当前数据）" in [s.value for s in at.subheader]
    frames = [d.value for d in at.dataframe]
    published, live = [f for f in frames if "单位" in f.columns and "考核工单量" in f.columns][:2]
    assert dict(zip(published["单位"], published["考核工单量"], strict=True))["市卫生健康委员会"] == 30
    assert dict(zip(live["单位"], live["考核工单量"], strict=True))["市卫生健康委员会"] == 26
    moved = next(f for f in frames if "指标" in f.columns and "原值" in f.columns)
    assert {"市卫生健康委员会", "全市"} <= set(moved["单位"])
    orders = next(f for f in frames if "变化内容" in f.columns)
    assert len(orders) == 7 and any("考核豁免：否→是" in w for w in orders["变化内容"])
    assert any("有变化 6 件，新出现 1 件" in c.value for c in at.caption)


def test_the_rankings_export_says_whose_figures_it_holds(city: Path) -> None:
    """The page's CSV/XLSX (ranking_table for export) of a published month carries the stamp on every row."""
    con = connect_read(city)
    try:
        march = ranking_table(fetch_ranking(con, "department", Period.month("2024-03")), "zh", for_export=True)
        april = ranking_table(fetch_ranking(con, "department", Period.month("2024-04")), "zh", for_export=True)
    finally:
        con.close()
    assert len(set(march["定榜"])) == 1 and re.fullmatch(r"已定榜 \d{4}-\d{2}-\d{2}（第 1 版）", march["定榜"][0])
    assert set(april["定榜"]) == {"未定榜"}


def test_the_public_gets_the_counts_but_no_order_list(city: Path) -> None:
    at = rankings_in_march("public")
    at.toggle(key="rk_live").set_value(True).run()
    assert not at.exception
    assert not any("变化内容" in d.value.columns for d in at.dataframe)
    assert any("有变化 6 件" in c.value for c in at.caption)
    assert any("工单清单仅对" in c.value for c in at.caption)
    at.sidebar.selectbox(key="f_month").set_value("2024-04").run()
    assert "未定榜" in markdown(at) and "rk_live" not in [w.key for w in at.toggle]  # nothing published to compare with


def test_a_county_leader_sees_the_changed_orders_of_that_county_only(city: Path) -> None:
    """The list is scoped below the page (warehouse.record_diff.changed_orders through the viewer): of the 7
    changed orders, the two of 青岚区; the counts stay the city's (an aggregate)."""
    at = rankings_in_march("leader", "青岚区")
    at.toggle(key="rk_live").set_value(True).run()
    assert not at.exception
    orders = next(d.value for d in at.dataframe if "变化内容" in d.value.columns)
    assert sorted(orders["工单编号"]) == ["M03-4-05", "M03-5-01"] and set(orders["区县"]) == {"青岚区"}
    assert any("有变化 6 件，新出现 1 件" in c.value for c in at.caption)


def test_the_county_page_and_the_wall_say_whether_the_month_is_published(city: Path) -> None:
    at = open_page("pages/county.py", User("zhao", "leader", "青岚区"))
    at.sidebar.selectbox(key="f_month").set_value("2024-03").run()
    assert not at.exception
    assert "已定榜" in markdown(at) and any("不属于定榜内容" in c.value for c in at.caption)  # the matrix is live
    wall = AppTest.from_file(APP, default_timeout=60)
    signed_in(wall, User("p", "public"))
    wall.run()
    wall.switch_page("pages/wall.py").run()
    assert not wall.exception and "未定榜" in markdown(wall)  # April, the latest complete month: not published
    wall.query_params["month"] = "2024-03"
    wall.switch_page("pages/wall.py").run()
    assert not wall.exception and "已定榜" in markdown(wall)


def test_the_record_page_lists_the_versions_for_oversight_only(own_city: Path) -> None:
    assert wh(["reopen", "--month", "2024-03", "--db", str(own_city), "--reason", "申诉通过：四件考核豁免"]) == 0
    at = AppTest.from_file(APP, default_timeout=60)
    signed_in(at, User("o", "oversight"))
    at.run()
    at.switch_page("pages/record.py").run()
    assert not at.exception
    versions = at.dataframe[0].value
    assert versions["版本"].to_list() == [1, 2] and versions["发布人"].to_list()[0] == "zhang"
    assert versions["原因"].to_list()[1] == "申诉通过：四件考核豁免"
    assert any("第 2 版改变了什么" in e.label for e in at.expander)
    public = AppTest.from_file(APP, default_timeout=60)
    signed_in(public, User("p", "public"))
    public.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        public.switch_page("pages/record.py")


def test_the_admin_publishes_and_corrects(own_city: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    signed_in(at, User("wang", "admin"))
    at.run()
    at.switch_page("pages/admin.py").run()
    assert at.selectbox(key="admin_publish_month").options == ["2024-04"]  # March is published, May not over
    at.button(key="admin_publish").click().run()
    assert not at.exception
    assert any("2024-04 已定榜（第 1 版）" in s.value for s in at.success)
    at.selectbox(key="admin_reopen_month").set_value("2024-03")
    at.text_area(key="admin_reopen_reason").input("申诉通过")
    next(b for b in at.button if b.label == "重新打开并发布新版本").click().run()  # the form's submit button
    assert not at.exception
    assert any("2024-03 已更正为第 2 版" in s.value for s in at.success)
    entries = record.read_chain(own_city.parent / "record")
    assert [(e.month, e.version, e.user, e.role) for e in entries][1:] == [
        ("2024-04", 1, "wang", "admin"), ("2024-03", 2, "wang", "admin"),
    ]  # fmt: skip
