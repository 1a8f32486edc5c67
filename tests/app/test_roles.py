"""Who sees what: login for real data, the demo exception, roles, county scope, the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_files
from tests.app.pages import PASSWORD, signed_in
from tests.conftest import order_row, write_csv
from warehouse import audit
from warehouse.users import User

APP = str(Path(__file__).resolve().parents[2] / "app.py")


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
    """The app as ``user`` (a real account, signed in), or as an anonymous visitor."""
    at = AppTest.from_file(APP, default_timeout=30)
    if user:
        signed_in(at, user)
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


def test_the_admin_audit_log_shows_logins_and_loads(env: Path) -> None:
    """It crashed (polars InvalidOperationError, traceback shown) once the log held a login and a load."""
    audit.record("login", "wang", "admin", via="password")
    audit.record("load", "ana", "analyst", db="x", files=["a.csv"], loaded=3, updated=0, quarantined=0)
    audit.record("login_failed", "x" * 5000, None, address="10.0.0.9")
    at = run_as(User("wang", "admin"))
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    log = at.dataframe[-1].value
    assert list(log.columns) == ["序号", "时间", "事件", "用户", "角色", "详情"]
    assert {"登录", "导入", "登录失败"} <= set(log["事件"])
    assert '"files": ["a.csv"]' in " ".join(log["详情"])
    assert max(len(u) for u in log["用户"] if u) < 100  # the 5,000-character name was cut


def _login_form(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[0].click().run()


@pytest.fixture
def strict(env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Lockout after 3 failures per user name, no back-off before it (so no test waits)."""
    settings = env / "security.toml"
    settings.write_text("[per_user]\nbackoff_after = 3\nlockout_after = 3\nlockout_minutes = 15\n")
    monkeypatch.setenv("HOTLINE_SECURITY", str(settings))
    from warehouse.users import add_user

    add_user("li", "oversight", PASSWORD)
    return env


def test_login_form_wrong_then_right(strict: Path) -> None:
    at = run_as()
    assert at.title[0].value == "登录"
    _login_form(at, "li", "not the password at all")
    assert any("用户名或密码不正确" in e.value for e in at.error)
    _login_form(at, "li", PASSWORD)
    assert not at.exception and at.title[0].value == "总览"
    assert [e["event"] for e in audit.read_events()][:2] == ["login", "login_failed"]


def test_repeated_failures_lock_the_name_even_for_the_right_password(strict: Path) -> None:
    """30 wrong passwords, then the right one, used to get in."""
    at = run_as()
    for _ in range(3):
        _login_form(at, "li", "wrong password guess")
    assert any("已被锁定 15 分钟" in e.value for e in at.error)
    _login_form(at, "li", PASSWORD)
    assert at.title[0].value == "登录"
    assert any("已被锁定" in e.value for e in at.error)
    events = [e["event"] for e in audit.read_events()]
    assert events[:2] == ["login_refused", "login_locked"] and events.count("login_failed") == 3
    from warehouse.logins import succeeded

    succeeded("li")  # what `python -m warehouse users unlock li` does
    _login_form(at, "li", PASSWORD)
    assert at.title[0].value == "总览", [e.value for e in at.error]


def test_a_removed_or_re_roled_account_loses_its_open_tab_at_once(env: Path) -> None:
    """After `warehouse users remove ana1` an open tab kept working."""
    from warehouse.users import add_user, remove_user

    at = run_as(User("ana1", "analyst"))
    at.switch_page("pages/data.py").run()
    assert at.title[0].value == "数据"
    remove_user("ana1")
    at.run()
    assert at.title[0].value == "登录" and any("登录已结束" in i.value for i in at.info)
    assert audit.read_events()[0]["event"] == "session_ended"
    at = run_as(User("zhao", "admin"))
    at.switch_page("pages/admin.py").run()
    add_user("zhao", "public", PASSWORD)  # role changed on the server
    at.run()
    assert at.title[0].value == "登录"


def test_a_corrupt_users_file_shows_a_clear_message_without_a_path(env: Path) -> None:
    (env / "users.json").write_text('{"li": {"name": "li", "role": "adm', encoding="utf-8")
    at = run_as()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "账号文件无法读取" in shown and str(env) not in shown and "users.json" not in shown
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "warehouse", "users", "list"], capture_output=True, text=True,
                         env={**os.environ}, cwd=Path(APP).parent)  # fmt: skip
    assert (
        out.returncode == 2 and "已损坏" in out.stderr and "users add" in out.stderr and "Traceback" not in out.stderr
    )
