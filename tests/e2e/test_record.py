"""Issue 14 in the real server and headless Chromium: a month published, then a later export that changes
some of its orders loaded while the dashboard is open. The rankings page keeps showing the published table
(stamped 已定榜) and, on request, the live recomputation with the figures that moved and the changed orders;
the 定榜记录 page lists the versions. Screenshots: tests/e2e/screenshots/record_*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from etl.load import load_files
from tests.e2e.browser import settled, streamlit_server, wait_for_page
from tests.record_city import EXEMPTED, first_export, later_export
from warehouse.publish import publish_month, reopen_months
from warehouse.settings import DEFAULT_SETTINGS_PATH
from warehouse.users import add_user

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("record")
    db = root / "wh" / "hotline.duckdb"
    env = {"HOTLINE_USERS": str(root / "users.json"), "HOTLINE_AUDIT": str(root / "audit.log"),
           "HOTLINE_KEY_FILE": str(root / "key"), "HOTLINE_SETTINGS": str(DEFAULT_SETTINGS_PATH)}  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        load_files([first_export(root / "exports")], db=db)
        publish_month(db, "2024-03", "zhang", "admin")
        add_user("lin", "oversight", PASSWORD, path=root / "users.json")
        with streamlit_server(db, env=env) as url:
            yield {"url": url, "db": db, "later": later_export(root / "exports"), "env": env}


def shot(page, name: str, scroll_to=None) -> None:
    SHOTS.mkdir(exist_ok=True)
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(1, timeout=120_000)
    settled(page)
    if scroll_to is not None:
        scroll_to.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"record_{name}.png"), full_page=True)


def pick_march_departments(page) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("承办单位", exact=True).click()
    # the rerun has drawn the new level (settled alone can pass before that run starts), then it is over
    expect(page.get_by_text(re.compile("承办单位 · 市直部门 · ")).first).to_be_visible(timeout=60_000)
    settled(page)
    sidebar.get_by_label("月份").click()
    page.get_by_role("option").filter(has_text=re.compile("^2024年3月$")).click()
    expect(page.get_by_text(re.compile("承办单位 · 市直部门 · 2024年3月"))).to_be_visible(timeout=60_000)


def test_the_published_month_survives_a_later_load_and_the_page_lists_what_changed(browser, deployment) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(deployment["url"])
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
    page.get_by_label("用户名").fill("lin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_page(page, "总览")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("排名", exact=True).click()
    wait_for_page(page, "排名")
    pick_march_departments(page)
    expect(page.get_by_text(re.compile(r"已定榜 \d{4}-\d{2}-\d{2}")).first).to_be_visible()
    shot(page, "rankings_published")  # the top of the page: the 已定榜 badge over the published table

    # the later export arrives while the dashboard is open (the CLI's own load, copy-and-swap)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in deployment["env"].items():
            mp.setenv(name, value)
        load_files([deployment["later"]], db=deployment["db"])
    page.get_by_text("显示实时重算与差异").click()
    expect(page.get_by_role("heading", name="实时重算（当前数据）")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("本月工单中，定榜后有变化 6 件，新出现 1 件，移出本月 0 件。")).to_be_visible()
    grids = page.locator('[data-testid="stDataFrame"]')
    # the published table, the drill-down's (in its closed expander), the live one, the moved figures, the orders
    expect(grids).to_have_count(5, timeout=60_000)
    moved, orders = grids.nth(3), grids.nth(4)
    moved.scroll_into_view_if_needed()
    expect(moved.get_by_text("市卫生健康委员会").first).to_be_attached()  # the grid's cells are canvas-drawn
    orders.scroll_into_view_if_needed()
    expect(orders.get_by_text(EXEMPTED[0])).to_be_attached()
    shot(page, "rankings_live_differences", scroll_to=page.get_by_text("与定榜相比变化的数字"))

    with pytest.MonkeyPatch.context() as mp:
        for name, value in deployment["env"].items():
            mp.setenv(name, value)
        reopen_months(deployment["db"], ["2024-03"], "申诉通过：市卫生健康委员会 4 件工单考核豁免", "zhang", "admin")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("定榜记录", exact=True).click()
    wait_for_page(page, "定榜记录")
    expect(page.get_by_text(re.compile(r"已定榜 .*更正，第 2 版）")).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("第 2 版改变了什么（与第 1 版相比）")).to_be_visible()
    expect(page.get_by_text("原因：申诉通过：市卫生健康委员会 4 件工单考核豁免")).to_be_visible()
    shot(page, "record_page")
    context.close()
