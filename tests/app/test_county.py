"""The 区县 page (issue 15, item 4) on the hand-worked warehouse of tests/desk_city.py: a county-scoped
leader sees the department × county matrix of that county only; anyone else picks a county."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import APP, open_page, signed_in
from tests.desk_city import HOUSING, OTHER, OWN, TRANSPORT, build_desk_city
from warehouse.users import User


@pytest.fixture(scope="module")
def city_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_desk_city(tmp_path_factory.mktemp("county_app"))


@pytest.fixture
def env(city_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_DB", str(city_db))
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))


def county_page(user: User) -> AppTest:
    return open_page("pages/county.py", user)


def _matrix(at: AppTest) -> dict[str, int]:
    frame = at.dataframe[0].value
    return dict(zip(frame["承办单位"], frame["派单量"], strict=True))


def test_a_county_scoped_leader_sees_that_countys_matrix_only(env) -> None:
    at = county_page(User("zhao", "leader", OWN))
    assert not at.exception and at.title[0].value == "我的区县"
    assert not [box for box in at.selectbox if box.key == "cd_county"]  # nothing to pick
    assert any(f"您的账号限于{OWN}" in c.value for c in at.caption)
    assert _matrix(at) == {HOUSING: 5, TRANSPORT: 4}  # this county's orders, not H of the other county
    assert OTHER not in str([d.value for d in at.dataframe])


def test_an_unscoped_leader_picks_any_county(env) -> None:
    at = county_page(User("qian", "leader"))
    assert at.selectbox(key="cd_county").options == [OWN, OTHER]
    at.selectbox(key="cd_county").set_value(OTHER).run()
    assert not at.exception and _matrix(at) == {HOUSING: 1}


def test_the_public_has_no_county_desk(env) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    signed_in(at, User("gong", "public")).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/county.py")
