"""A first visit straight to a page on a cold server (a fresh process each time) runs nothing of that
page before the access check: an anonymous visitor gets only the login form.

Streamlit's old pages/ mode once ran pages/data.py alone on such a visit, skipping app.py's login:
on a server with accounts but no warehouse yet, 120 rows were loaded anonymously.

Every page obeys one rule, "its first call is page_header (the access check)", which
tests/unit/test_routing.py checks in each page file; here a cold server per address shows in a real
browser that the rule holds the visitor at the login form on four of them (a cold server and its
first page cost 5–8 s in the suite): the default page, the data page (it loads files; the bug was found there), the bulletin
(it hands out files) and the accounts page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from etl.load import load_files
from pages.components.routing import PAGES
from tests.conftest import order_row, write_csv
from tests.e2e.browser import settled, streamlit_server
from warehouse import audit
from warehouse.users import add_user

pytestmark = pytest.mark.e2e
URLS = ["overview", "data", "report", "admin"]
WORK = ('[data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stDataFrame"], '
        '[data-testid="stFileUploader"], [data-testid="stTabs"], [data-testid="stDownloadButton"]')  # fmt: skip


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cold")
    db = root / "wh" / "hotline.duckdb"
    load_files([write_csv(root / "real.csv", [order_row(f"R{i}") for i in range(30)])], db=db)
    return db


def _accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"HOTLINE_USERS": str(tmp_path / "users.json"), "HOTLINE_AUDIT": str(tmp_path / "audit.log")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    add_user("wang", "admin", "a long enough password")
    return env


def _only_the_login_form(browser, url: str) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="zh-CN")
    try:
        page.goto(url)
        expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
        expect(page.get_by_label("用户名")).to_be_editable()  # no "Page not found" dialog over it
        settled(page)  # the run is over: what is on the page now is all it drew
        expect(page.locator(WORK)).to_have_count(0)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    finally:
        page.close()


def test_the_cold_addresses_are_pages() -> None:
    assert set(URLS) <= {url for _path, url, *_ in PAGES}


@pytest.mark.parametrize("url", URLS)
def test_a_deep_link_on_a_cold_server_shows_only_the_login_form(browser, real_db, tmp_path, monkeypatch, url) -> None:
    env = _accounts(tmp_path, monkeypatch)
    with streamlit_server(real_db, env=env) as base:
        _only_the_login_form(browser, f"{base}/{url}")
    assert not [e for e in audit.read_events() if e["event"] in ("export", "load", "view_unmasked")]


def test_the_data_page_on_a_cold_server_without_a_warehouse_loads_nothing(browser, tmp_path, monkeypatch) -> None:
    """The reported case: accounts, no warehouse yet, first visit straight to /data."""
    env = _accounts(tmp_path, monkeypatch)
    db = tmp_path / "wh" / "hotline.duckdb"
    with streamlit_server(db, env=env) as base:
        _only_the_login_form(browser, f"{base}/data")
    assert not db.exists()
