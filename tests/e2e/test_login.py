"""The login form in the real server: a real warehouse serves nothing before a correct login."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from etl.load import load_files
from tests.conftest import order_row, write_csv
from tests.e2e.browser import streamlit_server
from warehouse import audit
from warehouse.users import add_user

pytestmark = pytest.mark.e2e


def test_login_wrong_then_right(browser, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "wh" / "hotline.duckdb"
    load_files([write_csv(tmp_path / "real.csv", [order_row(f"R{i}") for i in range(30)])], db=db)  # not demo
    users, log = tmp_path / "users.json", tmp_path / "audit.log"
    add_user("li", "oversight", "a long enough password", path=users)
    env = {"HOTLINE_USERS": str(users), "HOTLINE_AUDIT": str(log)}
    monkeypatch.setenv("HOTLINE_AUDIT", str(log))
    with streamlit_server(db, env=env) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="zh-CN")
        page.goto(f"{url}/rankings")
        expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("排名")).to_have_count(0)  # no navigation, no figures before login
        page.get_by_label("用户名").fill("li")
        page.get_by_label("密码").fill("not the password")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_text("用户名或密码不正确")).to_be_visible(timeout=60_000)
        page.get_by_label("密码").fill("a long enough password")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="总览")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("li · 人大监督")).to_have_count(1)
    assert [e["event"] for e in audit.read_events()][:2] == ["login", "login_failed"]
