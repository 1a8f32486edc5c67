"""Who sees what: login for real data, the demo exception, roles, county scope, the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_files
from tests.conftest import order_row, write_csv
from warehouse import audit
from warehouse.users import User

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse NOT marked as demo data, with two counties."""
    root = tmp_path_factory.mktemp("real")
    rows = [order_row(f"R{i}", 所属区县="青岚区" if i % 2 else "松屿县", 乡镇街道=f"街道{i % 3}") for i in range(60)]
    db = root / "wh" / "hotline.duckdb"
    load_files([write_csv(root / "real.csv", rows)], db=db)
    return db


@pytest.fixture
def env(real_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOTLINE_DB", str(real_db))
    monkeypatch.setenv("HOTLINE_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("HOTLINE_AUDIT", str(tmp_path / "audit.log"))
    return tmp_path


def run_as(user: User | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if user:
        at.session_state["auth_user"] = user
    return at.run()


def test_real_data_without_accounts_shows_only_how_to_create_one(env: Path) -> None:
    at = run_as()
    assert not at.exception
    assert at.title[0].value == "登录" and "users add" in at.info[0].value
    assert not at.metric  # no figure leaks


@pytest.mark.parametrize(
    ("role", "page", "allowed"),
    [("public", "pages/unit_profile.py", False), ("public", "pages/report.py", True),
     ("leader", "pages/data.py", False), ("analyst", "pages/data.py", True),
     ("oversight", "pages/admin.py", False), ("admin", "pages/admin.py", True)],
)  # fmt: skip
def test_role_page_matrix(env: Path, role: str, page: str, allowed: bool) -> None:
    at = run_as(User("x", role))
    if allowed:
        at.switch_page(page).run()
        assert not at.exception
        assert at.title[0].value != "总览"
    else:  # not registered for this role: it is not in the navigation at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_admin_lookup_is_audited_and_others_see_no_personal_data(env: Path) -> None:
    at = run_as(User("wang", "admin"))
    at.switch_page("pages/admin.py").run()
    at.text_input(key="admin_order_id").input("R1").run()
    assert not at.exception
    shown = str(at.dataframe[-2].value) if len(at.dataframe) > 1 else str(at.dataframe[0].value)
    assert "王五" in shown or "13912345678" in shown
    assert audit.read_events()[0]["event"] == "view_unmasked"


def test_county_scoped_leader_sees_only_that_countys_townships(env: Path) -> None:
    at = run_as(User("zhao", "leader", "青岚区"))
    at.switch_page("pages/rankings.py").run()
    at.sidebar.radio(key="f_level").set_value("township").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="f_county").options == ["青岚区"]
    scoped = run_as(User("qian", "leader"))
    scoped.switch_page("pages/rankings.py").run()
    scoped.sidebar.radio(key="f_level").set_value("township").run()
    assert scoped.sidebar.selectbox(key="f_county").options == ["松屿县", "青岚区"]


def test_downloads_are_audited(env: Path) -> None:
    import streamlit as st

    from pages.components.auth import audited

    st.session_state["access"] = None
    from warehouse.access import Access

    st.session_state["access"] = Access(User("zhou", "oversight"))
    assert audited("证据包.xlsx", lambda: b"bytes")() == b"bytes"
    event = audit.read_events()[0]
    assert (event["event"], event["user"], event["details"]["file"]) == ("export", "zhou", "证据包.xlsx")
