"""The headless Chromium every browser test drives (Debian's; CI must have it, a laptop may skip)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.browser import ARGS, CHROMIUM, streamlit_server


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test process (each test opens its own page, i.e. its own browser context)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium (see .ci/run)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _close_what_a_test_left_open(request: pytest.FixtureRequest):
    """The browser lives for the whole run: a page a test left open would keep trying to reconnect to
    its stopped server in the background, so every context the test opened and left open is closed
    (a module's own tab, opened before the test, stays: its fixture closes it)."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    before = set(browser.contexts)
    yield
    for context in list(browser.contexts):
        if context not in before:
            context.close()


@pytest.fixture(scope="session")
def demo_server(demo_db: Path):
    """One dashboard over the demo warehouse per test process, shared by every file that only reads it
    (each test still opens its own browser context, so no session state is shared)."""
    with streamlit_server(demo_db) as url:
        yield url


@pytest.fixture
def page(browser):
    """A desktop-sized Chinese page (a file that needs more, e.g. blocked outside requests, defines its own)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    yield page
    page.close()
