"""The headless Chromium every browser test drives (Debian's; CI must have it, a laptop may skip)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.browser import ARGS, CHROMIUM


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
    its stopped server in the background, so every context still open after a test is closed."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
