"""The leader's desk in the real server and headless Chromium (issue 15): the backlog page, the map
drawn offline (every outside request blocked) at both levels and a click opening a profile, the 大屏 at
1920×1080, and the overview and rankings at 390 px wide. Screenshots go to tests/e2e/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import settled, wait_for_page

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser, demo_server: str):
    """A page that may talk to the server only: anything else (a CDN's world map, a font) is refused
    and recorded, so a chart that needs the internet fails here."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.outside = []

    def guard(route) -> None:
        if route.request.url.startswith(demo_server):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    yield page
    page.close()


def _shot(page, name: str, height: int | None = None) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own container, so the viewport is
    made as tall as the page first."""
    SHOTS.mkdir(exist_ok=True)
    if height:
        page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
        settled(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_backlog_page(demo_server: str, page) -> None:
    page.goto(f"{demo_server}/backlog")
    wait_for_page(page, "督办")
    expect(page.get_by_text("超期未办结").first).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(2)  # the counts and the list
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    _shot(page, "desk_backlog", 2400)


def test_the_map_is_drawn_offline_and_a_click_opens_the_profile(demo_server: str, page) -> None:
    page.goto(f"{demo_server}/map")
    wait_for_page(page, "地图")
    wide = page.locator(".st-key-wide_only_map")
    expect(wide.locator(".choroplethlocation")).to_have_count(7, timeout=60_000)
    _shot(page, "desk_map_county")
    page.locator('[data-testid="stButtonGroup"]').get_by_text("乡镇街道").click()
    expect(wide.locator(".choroplethlocation")).to_have_count(40, timeout=60_000)
    settled(page)
    _shot(page, "desk_map_township")
    assert not [u for u in page.outside if "plot.ly" in u or "topojson" in u], page.outside
    box = wide.locator(".choroplethlocation").nth(20).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_page(page, "单位画像")
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("乡镇街道").first).to_be_visible()


def test_the_wall_screen(demo_server: str, page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{demo_server}/wall")
    expect(page.get_by_text("12345 热线 · ").first).to_be_visible(timeout=60_000)
    settled(page)
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(8)
    expect(page.locator(".choroplethlocation")).to_have_count(7, timeout=60_000)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    background = page.locator(".stApp").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(11, 18, 32)"
    _shot(page, "desk_wall")


@pytest.mark.parametrize(("path", "heading"), [("", "总览"), ("rankings", "排名")])
def test_a_phone_sees_the_main_figures_without_scrolling_sideways(
    demo_server: str, page, path: str, heading: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{demo_server}/{path}")
    wait_for_page(page, heading)
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth"), "the page itself scrolls sideways"
    if path == "rankings":  # the league table as lines a phone shows whole, the wide table hidden
        expect(page.locator(".st-key-wide_only_rankings")).to_be_hidden()
        lines = page.locator(".st-key-narrow_only_rankings")
        expect(lines.get_by_text("满意率").first).to_be_visible()
        assert lines.evaluate("e => e.scrollWidth <= e.clientWidth")
    else:  # KPI cards two to a row, each whole
        cards = page.locator('[data-testid="stMetric"]')
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert first["y"] == second["y"] and second["x"] + second["width"] <= 390
    _shot(page, f"desk_phone_{path or 'overview'}", 2600)
