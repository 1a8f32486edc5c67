"""The headless Chromium every browser test drives (Debian's; CI must have it, a laptop may skip)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.browser import ARGS, CHROMIUM


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
