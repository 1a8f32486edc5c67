"""The demo warehouse and a real export, in the real server: the data page refuses to mix them and
says what to do; discarding the demo (page or CLI) turns the warehouse real, and from then on an
anonymous visitor gets the login page (no more anonymous admin of the demo)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import order_row, write_csv
from tests.e2e.browser import ROOT, settled, streamlit_server, wait_for_page

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "wh"
    folder.mkdir()
    for item in demo_db.parent.iterdir():
        if item.is_file() and not item.name.endswith(".lock"):
            shutil.copy(item, folder / item.name)
        elif item.name.endswith(".parts"):  # the order rows live in part files beside the file (warehouse.parts)
            shutil.copytree(item, folder / item.name)
    return folder / demo_db.name


def _real_csv(tmp_path: Path) -> Path:
    rows = [order_row(f"REAL{i}", received="2026-10-20 09:00:00", 派单时间="2026-10-20 10:00:00",
                      首次联系时间="2026-10-20 11:00:00", 办结时间="2026-10-22 10:00:00", 回访时间="2026-10-23 10:00:00")
            for i in range(25)]  # fmt: skip
    return write_csv(tmp_path / "真实导出.csv", rows)


def _env(tmp_path: Path) -> dict[str, str]:
    return {"HOTLINE_USERS": str(tmp_path / "users.json"), "HOTLINE_AUDIT": str(tmp_path / "audit.log")}


def test_the_data_page_refuses_a_real_export_then_discards_the_demo_when_asked(browser, demo_copy, tmp_path) -> None:
    SHOTS.mkdir(exist_ok=True)
    real = _real_csv(tmp_path)
    with streamlit_server(demo_copy, env=_env(tmp_path)) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 2200}, locale="zh-CN")
        page.goto(f"{url}/data")
        wait_for_page(page, "数据")  # the demo without accounts: anyone is admin
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(real))
        expect(page.get_by_text("正式导出不能与演示数据混在一起")).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="导入", exact=True).click()
        expect(page.get_by_text("未导入：此数据仓库中是演示数据")).to_be_visible(timeout=120_000)
        settled(page)
        page.screenshot(path=str(SHOTS / "data_refused.png"), full_page=True)
        page.locator('[data-testid="stCheckbox"]').get_by_text("丢弃全部演示数据").click()
        expect(page.get_by_role("checkbox", name="丢弃全部演示数据")).to_be_checked()
        page.get_by_role("button", name="导入", exact=True).click()
        # real now and no account exists: the page itself turns into the login page
        expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=120_000)
        # the login page says how to create the first account (the load's own notice may say it too)
        expect(page.get_by_text("python -m warehouse users add").first).to_be_visible()
        other = browser.new_page(locale="zh-CN")
        other.goto(url)
        expect(other.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
        expect(other.locator('[data-testid="stMetric"]')).to_have_count(0)


def test_after_a_cli_replace_demo_an_anonymous_visitor_gets_the_login_page(browser, demo_copy, tmp_path) -> None:
    with streamlit_server(demo_copy, env=_env(tmp_path)) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="zh-CN")
        page.goto(url)
        wait_for_page(page, "总览")
        expect(page.get_by_text("演示数据，无需登录")).to_be_visible()
        out = subprocess.run(
            [sys.executable, "-m", "etl", "load", str(_real_csv(tmp_path)), "--db", str(demo_copy), "--replace-demo"],
            cwd=ROOT, env={**os.environ, **_env(tmp_path), "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        page.goto(f"{url}/admin")
        expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
        expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)
