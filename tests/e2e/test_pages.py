"""Every page in the real server and headless Chromium: no Streamlit exception, a screenshot each.

The pages are opened from the sidebar in one tab, as a visitor goes from page to page: a fresh tab
costs ~3 s of Streamlit's start-up in the browser, a page change ~0.5 s. A first visit straight to a
page's address is test_a_deep_link_first_goes_through_the_router's (and tests/e2e/test_cold_start.py's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import ROOT, wait_for_page

SHOTS = Path(__file__).parent / "screenshots"
# (url path, Chinese heading, page file). The default page (总览) is served at the root URL.
PAGES = [
    ("", "总览", "pages/overview.py"),
    ("rankings", "排名", "pages/rankings.py"),
    ("trends", "趋势", "pages/trends.py"),
    ("backlog", "督办", "pages/backlog.py"),
    ("map", "地图", "pages/map.py"),
    ("county", "我的区县", "pages/county.py"),
    ("hot_topics", "热点", "pages/hot_topics.py"),
    ("unit_profile", "单位画像", "pages/unit_profile.py"),
    ("data", "数据", "pages/data.py"),
    ("report", "通报", "pages/report.py"),
    ("record", "定榜记录", "pages/record.py"),
    ("about", "说明", "pages/about.py"),
]

pytestmark = pytest.mark.e2e


def test_a_deep_link_first_goes_through_the_router(demo_server: str, page) -> None:
    """The first request after a start names a page: it must still get app.py's sidebar and navigation
    (a pages/ folder otherwise makes Streamlit run the page file alone)."""
    page.goto(f"{demo_server}/rankings")
    wait_for_page(page, "排名")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("简体中文")).to_have_count(1)
    expect(sidebar.get_by_text("总览").first).to_be_visible()  # page titles, not file names
    expect(page.get_by_text("Page not found")).to_have_count(0)


@pytest.fixture(scope="module")
def tab(browser, demo_server: str):
    """One desktop-sized Chinese tab for the module, opened on the overview."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(demo_server)
    wait_for_page(page, "总览")
    yield page
    context.close()


@pytest.mark.parametrize(("path", "heading", "source"), PAGES, ids=[p[2].split("/")[-1][:-3] for p in PAGES])
def test_page_renders(demo_server: str, tab, path: str, heading: str, source: str) -> None:
    if not (ROOT / source).exists():
        pytest.skip(f"{source} is not written yet")
    SHOTS.mkdir(exist_ok=True)
    tab.locator('[data-testid="stSidebarNav"]').get_by_text(heading, exact=True).click()
    expect(tab).to_have_url(re.compile(f"^{re.escape(demo_server)}/{path}(\\?.*)?$"))
    wait_for_page(tab, heading)
    expect(tab.locator('[data-testid="stException"]')).to_have_count(0)
    expect(tab.get_by_text("Page not found")).to_have_count(0)
    expect(tab.get_by_text("演示数据").first).to_be_visible()  # demo data is flagged on every page
    tab.screenshot(path=str(SHOTS / f"{Path(source).stem}.png"), full_page=True)
