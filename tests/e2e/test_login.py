"""Logins in the real server and headless Chromium: a real warehouse serves nothing before a correct
login; the login survives a reload, a new tab and a bookmark (a signed cookie) and ends on sign-out;
a removed account's cookie, a forged one and an expired one are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from etl.load import load_files
from tests.conftest import order_row, write_csv
from tests.e2e.browser import streamlit_server, wait_for_page
from warehouse import audit
from warehouse.sessions import COOKIE, issue
from warehouse.users import add_user, get_account, remove_user

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """A real (not demo) warehouse with accounts, served once for the module."""
    root = tmp_path_factory.mktemp("login")
    db = root / "wh" / "hotline.duckdb"
    load_files([write_csv(root / "real.csv", [order_row(f"R{i}") for i in range(30)])], db=db)
    env = {"HOTLINE_USERS": str(root / "users.json"), "HOTLINE_AUDIT": str(root / "audit.log")}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        add_user("li", "oversight", PASSWORD)
        with streamlit_server(db, env=env) as url:
            yield url, root
    # (the users file and audit log of this module live in its temp folder)


@pytest.fixture
def context(browser, site):
    ctx = browser.new_context(viewport={"width": 1200, "height": 800}, locale="zh-CN")
    yield ctx
    ctx.close()


def _login(page, url: str, name: str = "li", password: str = PASSWORD) -> None:
    page.goto(f"{url}/rankings")
    _sign_in(page, name, password)


def _sign_in(page, name: str, password: str = PASSWORD) -> None:
    """The login form already opened in ``page``, filled in and sent."""
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _cookie(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), None)


def test_login_wrong_then_right(context, site, monkeypatch) -> None:
    url, root = site
    monkeypatch.setenv("HOTLINE_AUDIT", str(root / "audit.log"))
    page = context.new_page()
    page.goto(f"{url}/rankings")
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("排名")).to_have_count(0)  # no navigation, no figures before login
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "login.png"), full_page=True)
    _sign_in(page, "li", password="not the password")
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible(timeout=60_000)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_page(page, "排名")  # the page that was asked for (a bookmark), not only the default one
    expect(page.get_by_text("li · 人大监督")).to_have_count(1)
    assert [e["event"] for e in audit.read_events()][:2] == ["login", "login_failed"]


def test_a_login_survives_reload_new_tab_and_bookmark_and_ends_on_sign_out(context, site) -> None:
    url, _root = site
    page = context.new_page()
    _login(page, url)
    wait_for_page(page, "排名")
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=60_000)
    token = _cookie(context)
    assert token and "." in token
    page.reload()
    wait_for_page(page, "排名")  # not the login page
    expect(page.get_by_text("li · 人大监督")).to_have_count(1)
    bookmark = context.new_page()  # a new tab straight to a bookmarked page
    bookmark.goto(f"{url}/trends")
    wait_for_page(bookmark, "趋势")
    bookmark.close()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
    page.wait_for_function(f"!document.cookie.includes('{COOKIE}=')", timeout=60_000)
    page.reload()
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
    # the old token, put back by hand, no longer works: sign-out ended it on the server too
    context.add_cookies([{"name": COOKIE, "value": token, "url": url}])
    page.goto(f"{url}/rankings")
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
    expect(page.get_by_label("用户名")).to_be_visible()


def test_a_removed_accounts_cookie_and_forged_or_expired_tokens_are_refused(context, site, monkeypatch) -> None:
    url, root = site
    monkeypatch.setenv("HOTLINE_USERS", str(root / "users.json"))
    add_user("tmp1", "analyst", PASSWORD)
    page = context.new_page()
    _login(page, url, "tmp1")
    wait_for_page(page, "排名")
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=60_000)
    remove_user("tmp1")
    page.reload()
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
    add_user("tmp2", "analyst", PASSWORD)
    expired = issue(get_account("tmp2"), hours=-1).token
    valid = issue(get_account("tmp2"), hours=1).token
    body, mac = valid.split(".")
    forged_body = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    for token in (expired, f"{forged_body}.{mac}", f"{body}.{mac[:-2]}xx"):
        fresh = page.context.browser.new_context(locale="zh-CN")
        fresh.add_cookies([{"name": COOKIE, "value": token, "url": url}])
        other = fresh.new_page()
        other.goto(f"{url}/rankings")
        expect(other.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
        expect(other.get_by_label("用户名")).to_be_visible()
        fresh.close()
    fresh = page.context.browser.new_context(locale="zh-CN")  # and the valid one does get in
    fresh.add_cookies([{"name": COOKIE, "value": valid, "url": url}])
    other = fresh.new_page()
    other.goto(f"{url}/rankings")
    wait_for_page(other, "排名")
    fresh.close()


def test_the_admin_reads_the_audit_log_of_logins_and_loads(context, site, monkeypatch) -> None:
    """管理's audit log crashed (polars InvalidOperationError, a traceback) once it held a login and a load."""
    url, root = site
    monkeypatch.setenv("HOTLINE_USERS", str(root / "users.json"))
    monkeypatch.setenv("HOTLINE_AUDIT", str(root / "audit.log"))
    add_user("wang", "admin", PASSWORD)
    audit.record("load", "ana", "analyst", db="hotline.duckdb", files=["2026-10.csv"], loaded=30, updated=0)
    page = context.new_page()
    page.set_viewport_size({"width": 1400, "height": 1400})
    _login(page, url, "wang")
    wait_for_page(page, "排名")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("管理", exact=True).click()
    wait_for_page(page, "管理")
    expect(page.get_by_text("审计日志（最近 200 条）")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(2)  # accounts, audit log
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin_audit.png"), full_page=True)
