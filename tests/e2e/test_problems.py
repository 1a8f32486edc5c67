"""The recurring problems and early warnings in the real server and headless Chromium (issue 16): the
table, the orders behind one problem, the warnings on the overview; a screenshot of each."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import settled, wait_for_page

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.e2e


def _to(page, heading: str):
    """Scroll a section heading to the top of the view (Streamlit scrolls its own container)."""
    h = page.get_by_role("heading", name=heading).first
    expect(h).to_be_visible()
    h.evaluate("el => el.scrollIntoView({block: 'start'})")
    return h


def test_the_orders_behind_a_recurring_problem(demo_server: str, page) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.goto(f"{demo_server}/hot_topics")
    wait_for_page(page, "热点")
    _to(page, "一类问题（同一地点反复出现的问题）")
    expect(page.get_by_text("写明了小区、道路、村或场所").first).to_be_visible()
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="查看某一类问题的工单")
    picker.click()
    page.get_by_role("option").first.click()
    settled(page)
    expect(page.get_by_text("该问题的").first).to_be_visible()
    _to(page, "一类问题（同一地点反复出现的问题）")
    page.screenshot(path=str(SHOTS / "hot_topics_problems.png"))
    _to(page, "预警：受理量异常升高")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    page.screenshot(path=str(SHOTS / "hot_topics_alerts.png"))


def test_the_overview_shows_the_warnings(demo_server: str, page) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.goto(demo_server)
    wait_for_page(page, "总览")
    _to(page, "预警：受理量异常升高")
    expect(page.get_by_text("检验自").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "overview_alerts.png"))
