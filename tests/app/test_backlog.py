"""The 督办 page (issue 15, item 1) as each role sees it, on the hand-worked warehouse of tests/desk_city.py:
the figures for everyone, the order list only for roles with order lists, a county leader's desk
scoped to the county."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_page
from tests.desk_city import NOW, OWN, build_desk_city
from warehouse.users import User


@pytest.fixture(scope="module")
def city_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_desk_city(tmp_path_factory.mktemp("desk_app"))


@pytest.fixture
def env(city_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_DB", str(city_db))
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))


def backlog_page(user: User) -> AppTest:
    return open_page("pages/backlog.py", user)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_public_sees_the_figures_but_no_order(env) -> None:
    at = backlog_page(User("gong", "public"))
    assert not at.exception and at.title[0].value == "督办"
    assert _metrics(at)["超期未办结"] == str(len(NOW)) and _metrics(at)["一周内办结"] == "1"
    assert "公众只看数量" in at.info[0].value
    assert len(at.dataframe) == 1 and "工单编号" not in at.dataframe[0].value.columns  # the per-unit counts only


def test_the_backlog_by_working_days_late(env) -> None:
    """Issue 20: the same backlog by statutory working days past due (worked by hand in tests/data/test_backlog.py)."""
    at = backlog_page(User("gong", "public"))
    assert not at.exception
    assert any(
        c.value.startswith("按超过办理时限的法定工作日数：1–3 个 1 件，4–7 个 1 件，8–15 个 4 件，15 个以上 0 件")
        for c in at.caption
    )
    counts = at.dataframe[0].value
    assert list(counts["超期8–15工作日"]) == [3, 1, 0] and counts["超期15工作日以上"].sum() == 0


def test_a_leader_gets_the_list_most_overdue_first(env) -> None:
    at = backlog_page(User("qian", "leader"))
    assert not at.exception
    orders = at.dataframe[-1].value
    assert list(orders["工单编号"]) == sorted(NOW, key=lambda k: (-NOW[k], k))
    at.selectbox(key="bl_unit_department").select_index(1).run()  # the unit with the most backlog: 住建
    assert list(at.dataframe[-1].value["工单编号"]) == ["A", "F", "H"]


def test_a_county_leaders_desk_is_that_county(env) -> None:
    at = backlog_page(User("zhao", "leader", OWN))
    assert not at.exception
    assert _metrics(at)["超期未办结"] == str(len(NOW) - 1)  # H is in the other county
    assert OWN in at.caption[1].value or any(OWN in c.value for c in at.caption)
    assert set(at.dataframe[-1].value["区县"]) == {OWN}


def test_the_overview_shows_each_listed_units_backlog_beside_it(app_env: Path) -> None:
    import duckdb

    from tests.app.pages import open_page
    from warehouse.backlog import fetch_backlog_counts

    at = open_page()
    assert not at.exception
    with duckdb.connect(str(app_env), read_only=True) as con:
        counts = dict(fetch_backlog_counts(con, "county").select("county", "backlog_count").iter_rows())
    red = at.dataframe[0].value  # the counties' red list
    assert list(red["超期未办结（现在）"]) == [counts.get(u, 0) for u in red["单位"]]
    assert any("超期未办结（现在）" in c.value and "督办" in c.value for c in at.caption)
