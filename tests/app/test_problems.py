"""AppTest of the recurring problems and early warnings on 热点, 单位画像 and 总览 (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.pages import open_page
from warehouse.access import Viewer
from warehouse.cluster_views import fetch_clusters
from warehouse.users import User

HOT = "pages/hot_topics.py"


def _table_with(at, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_hot_topics_list_problems_and_alerts_with_the_orders_behind(app_env: Path) -> None:
    at = open_page(HOT)
    assert not at.exception
    heads = [s.value for s in at.subheader]
    assert "一类问题（同一地点反复出现的问题）" in heads and "预警：受理量异常升高" in heads
    problems = _table_with(at, "问题")
    assert {"工单数", "本期工单", "首次受理", "最近受理", "承办单位", "已解决", "多次来电人"} <= set(problems.columns)
    assert problems["工单数"].min() >= 4 and problems["最近受理"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    alerts = _table_with(at, "超出预期")
    assert {"区县", "二级分类", "开始", "受理", "预期"} <= set(alerts.columns)
    before = len(at.dataframe)
    at.selectbox(key="cl_pick_all").set_value(0).run()
    assert not at.exception and len(at.dataframe) == before + 1
    shown = [df.value for df in at.dataframe]
    orders = shown[next(i for i, f in enumerate(shown) if "问题" in f.columns) + 1]  # right under the problems
    assert orders.shape[0] == problems["工单数"][0] and "工单编号" in orders.columns
    assert not {"来电人", "联系电话", "诉求内容"} & set(orders.columns)
    at.selectbox(key="al_pick").set_value(0).run()
    assert not at.exception and len(at.dataframe) == before + 2
    assert at.dataframe[-1].value.shape[0] == alerts["受理"][0]


def test_hot_words_say_what_they_are_compared_with(app_env: Path) -> None:
    at = open_page(HOT)
    note = next(c.value for c in at.caption if "对数几率" in c.value)
    assert "同一来电人只计一次" in note and "不展示任何诉求原文" in note


def test_a_county_narrows_the_problems(app_env: Path) -> None:
    at = open_page(HOT)
    everyone = _table_with(at, "问题")
    county = at.selectbox(key="ht_county").options[1]
    at.selectbox(key="ht_county").set_value(county).run()
    assert not at.exception
    mine = next((df.value for df in at.dataframe if "问题" in df.value.columns), None)
    assert mine is None or mine.shape[0] < everyone.shape[0]


def test_the_unit_profile_lists_the_units_problems(app_env: Path, demo_con, demo_month) -> None:
    problems = fetch_clusters(demo_con, Viewer("analyst"), demo_month).frame
    county = problems["county"][0]
    at = open_page("pages/unit_profile.py")
    at.sidebar.radio(key="f_level").set_value("county").run()
    pick = next(w for w in at.selectbox if w.key.startswith("up_unit_"))
    at.selectbox(key=pick.key).set_value(county).run()
    assert not at.exception
    assert "涉及本单位的一类问题" in [s.value for s in at.subheader]
    table = _table_with(at, "问题")
    assert table.shape[0] == (problems["county"] == county).sum()


@pytest.fixture
def own_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))


def test_the_public_overview_shows_alerts_without_orders(app_env: Path, own_users) -> None:
    at = open_page("pages/overview.py", User("gong", "public"))
    assert not at.exception
    assert "预警：受理量异常升高" in [s.value for s in at.subheader]
    assert not [w for w in at.selectbox if w.key == "al_pick"]
    assert any("需登录" in c.value for c in at.caption)


def test_an_admin_marks_a_typical_case_and_the_office_writes_its_text(
    app_env: Path, demo_con, demo_month, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo opens as admin: the unit profile offers the marker, the report page the two texts."""
    from warehouse.bulletin_notes import month_notes

    monkeypatch.setenv("HOTLINE_BULLETIN_NOTES", str(tmp_path / "notes.json"))
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    month = f"{demo_month.start:%Y-%m}"
    at = open_page("pages/unit_profile.py")
    pick = next(w for w in at.selectbox if w.key.startswith("up_unit_"))
    unit = pick.value
    (order_id,) = demo_con.sql(
        "SELECT order_id FROM fct_work_orders WHERE county = ? AND dispatched_date BETWEEN ? AND ? LIMIT 1",
        params=[unit, demo_month.start, demo_month.end],
    ).fetchall()[0]
    at.text_input(key=f"bn_case_{unit}_{month}").input(order_id).run()
    at.button(key=f"bn_mark_{unit}_{month}").click().run()
    assert not at.exception and any(order_id in s.value for s in at.success)
    assert [c.order_id for c in month_notes(month).cases] == [order_id]
    at = open_page("pages/report.py")
    at.text_area(key=f"bn_issues_{month}").input("部分单位退单偏多。").run()
    at.button(key=f"bn_save_issues_{month}").click().run()
    assert not at.exception and month_notes(month).issues == "部分单位退单偏多。"
    at.text_area(key=f"bn_requirements_{month}").input("请回电13912345678").run()
    at.button(key=f"bn_save_requirements_{month}").click().run()
    assert any("电话" in e.value for e in at.error) and month_notes(month).requirements == ""


def test_the_case_mix_is_an_optional_column_beside_the_official_rate(app_env: Path) -> None:
    at = open_page("pages/rankings.py")
    before = at.dataframe[0].value
    assert "实际/预期" not in before.columns
    at.toggle(key="rk_casemix").set_value(True).run()
    assert not at.exception
    after = at.dataframe[0].value
    assert {"按案件结构预期满意率", "实际/预期", "实际/预期 95%区间", "案件结构对比"} <= set(after.columns)
    assert after.select(before.columns).equals(before)  # the official columns untouched
    assert set(after["案件结构对比"]) <= {"低于预期", "高于预期", "与预期相当", "样本不足", "—"}


def test_the_unit_profile_compares_observed_with_expected_satisfaction(app_env: Path) -> None:
    at = open_page("pages/unit_profile.py")
    assert "满意率与案件结构" in [s.value for s in at.subheader]
    assert any("按其案件结构预期" in m.value for m in at.markdown)
    assert any({"诉求类型", "按全市同类预期满意（件）"} <= set(df.value.columns) for df in at.dataframe)
