"""The 通报 page in the real server and headless Chromium: the report is built, the preview shows the
bulletin (its title and 文号 inside the iframe), the four downloads are offered and the PDF, rendered
when its button is pressed, downloads; a screenshot is saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import wait_for_page

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.e2e


def test_report_page_shows_the_bulletin(browser, demo_server: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1400}, locale="zh-CN")
    page.goto(f"{demo_server}/report")
    wait_for_page(page, "通报")
    # building the report (charts, PDF) takes seconds: wait for its outputs, not for the status widget
    for label in ("下载 PDF", "下载 Word", "下载 HTML", "下载 Excel"):
        expect(page.get_by_role("button", name=label)).to_be_visible(timeout=120_000)
    frame = page.frame_locator("iframe").first
    expect(frame.get_by_text("2026年10月运行情况通报").first).to_be_visible(timeout=60_000)
    expect(frame.get_by_text("一、总体情况")).to_be_visible(timeout=60_000)
    expect(frame.get_by_text("云热线通〔2026〕10号")).to_be_visible(timeout=60_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    # the chart images inside the iframe have decoded (naturalWidth > 0) before the screenshot
    images = frame.locator("img")
    for i in range(images.count()):
        expect(images.nth(i)).to_have_js_property("complete", True, timeout=60_000)
    page.screenshot(path=str(SHOTS / "report_preview.png"), full_page=True)
    # the PDF is rendered when its button is pressed, not with the page
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="下载 PDF").click()
    assert download.value.suggested_filename == "hotline-report-2026-10.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
