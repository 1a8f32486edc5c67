"""Every page in the real server and headless Chromium: no Streamlit exception, a screenshot each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.browser import ARGS, CHROMIUM, streamlit_server, wait_for_page

SHOTS = Path(__file__).parent / "screenshots"
PAGES = [("", "数据概况")]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium (see .ci/run)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_every_page_renders(browser, demo_db: Path) -> None:
    SHOTS.mkdir(exist_ok=True)
    with streamlit_server(demo_db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        for path, heading in PAGES:
            page.goto(f"{url}/{path}")
            wait_for_page(page, heading)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            page.screenshot(path=str(SHOTS / f"{path or 'home'}.png"), full_page=True)
