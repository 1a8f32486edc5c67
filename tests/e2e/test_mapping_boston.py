"""Issue 13's first 'done when', in the real server and headless Chromium: an analyst loads the Boston 311
sample into a fresh, empty, real warehouse without touching a file on disk — upload, map the columns,
see why rows would be quarantined before loading, fix the mapping, set the ward rule, save the profile,
load — and the saved profile then loads the same file from the command line with the same counts.

Screenshots: tests/e2e/screenshots/mapping_{1_reasons,2_ward_rule,3_saved,4_loaded}.png.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import query
from tests.e2e.browser import ROOT, TIMEOUT_MS, settled, streamlit_server, wait_for_page
from warehouse.users import add_user

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "a long enough password"
# header -> what the analyst types into its field box (the options' text: "受理时间 (received_at) · 必填")
MAPPING = {
    "case_enquiry_id": ["order_id"], "open_dt": ["received_at", "dispatched_at"], "target_dt": ["due_at"],
    "closed_dt": ["closed_at"], "case_status": ["(status)"], "department": ["(department)"],
    "city_council_district": ["(county)"], "ward": ["(township)"], "reason": ["category_l1"],
    "type": ["category_l2"], "source": ["appeal_type"],  # a mistake: the channel is no appeal type
}  # fmt: skip


@pytest.fixture
def boston(external: Path) -> Path:
    path = external / "boston311_sample_2022" / "boston311-100.csv"
    if not path.exists():
        pytest.skip("the Boston 311 sample is not here")
    return path


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh, empty warehouse (no file yet: not the demo) with one analyst account."""
    env = {"HOTLINE_USERS": str(tmp_path / "users.json"), "HOTLINE_AUDIT": str(tmp_path / "audit.log")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("HOTLINE_PROFILES", raising=False)
    add_user("ana", "analyst", PASSWORD)
    db = tmp_path / "wh" / "hotline.duckdb"
    with streamlit_server(db, env=env) as url:
        yield url, db, env


def _row(page, header: str):
    """The editor's row of one source header (its name, its values, its field box)."""
    return page.locator('[data-testid="stHorizontalBlock"]').filter(has=page.get_by_text(header, exact=True))


def _pick(page, header: str, fields: list[str], remove: str | None = None) -> None:
    box = _row(page, header).get_by_role("combobox")
    if remove:
        _row(page, header).get_by_role("button", name=f"Remove {remove}").click()
    for text in fields:
        box.click()
        box.fill(text)
        # "(order_id)" exactly: original_order_id and redo_order_id contain the same letters
        option = page.get_by_role("option").filter(has_text=re.compile(rf"\({re.escape(text.strip('()'))}\)"))
        expect(option).to_have_count(1)
        option.click()
    page.keyboard.press("Escape")


def _shot(page, name: str, last) -> None:
    """The whole page once ``last`` (the run's last element) is drawn; Streamlit scrolls inside its own
    container, so the window is made tall enough instead of a full-page screenshot."""
    expect(last).to_be_visible()
    settled(page)
    page.set_viewport_size({"width": 1400, "height": 4200})
    settled(page)
    page.screenshot(path=str(SHOTS / f"mapping_{name}.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})


def _cell(page, text: str):
    """A table cell's text (the grid keeps an accessible copy of its cells)."""
    return page.locator('[data-testid="stDataFrame"]').get_by_text(text, exact=True).first


def test_an_analyst_maps_saves_and_loads_the_boston_sample_then_the_cli_repeats_it(browser, boston, site) -> None:
    url, db, env = site
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)  # a busy 2-core machine: expect() returns as soon as it holds
    page.goto(f"{url}/data")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill("ana")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_page(page, "数据")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(boston))
    # the default profile knows none of Boston's headers: the file cannot be loaded as it is, and says why
    expect(page.get_by_text("按当前对应关系，此文件无法导入")).to_be_visible()
    expect(page.get_by_text("还没有列对应必填字段")).to_be_visible()
    expect(page.get_by_role("button", name="导入", exact=True)).to_have_count(0)
    for header, fields in MAPPING.items():
        _pick(page, header, fields)
    page.get_by_role("button", name="应用对应关系").click()
    # the reasons before loading: counted, with a sample row
    expect(page.get_by_text("预检：读取 100 行，可导入 0 行，将隔离 100 行")).to_be_visible()
    expect(page.get_by_text("将被隔离的行：按原因计数，每种原因一个示例")).to_be_visible()
    expect(_cell(page, "取值不在范围内")).to_be_attached()
    expect(_row(page, "ward").get_by_text("常见取值")).to_contain_text("Ward 3 ×10")  # the column's values
    _shot(page, "1_reasons", page.get_by_text("请先保存为导入配置"))
    _pick(page, "source", ["(channel)"], remove="诉求类型 (appeal_type)")
    page.get_by_role("button", name="应用对应关系").click()
    expect(page.get_by_text("预检：读取 100 行，可导入 100 行，将隔离 0 行")).to_be_visible()
    # the ward rule: "Ward 3", "03" and "3" are one township
    page.get_by_text("取值与规则（同义词、大小写、去前缀、正则改写）").click()
    field = page.get_by_role("combobox", name="查看取值、设置规则的字段")
    field.click()
    field.fill("township")
    page.get_by_role("option").filter(has_text="township").click()
    expect(page.get_by_text("源列 ward 的常见取值及导入结果（共 41 个不同值，1 行为空）")).to_be_visible()
    settled(page)  # the run is over: the form below is the township's, not the previous field's
    page.get_by_role("textbox", name="正则改写（每行一条：正则 => 替换为）").fill(r"^(?:Ward )?0*(\d+)$ => Ward \1")
    page.get_by_role("button", name="应用规则").click()
    expect(page.get_by_role("textbox", name="正则改写（每行一条：正则 => 替换为）")).to_have_value(
        r"^(?:Ward )?0*(\d+)$ => Ward \1"
    )
    expect(_cell(page, "Ward 14")).to_be_attached()  # "14" is now stored as "Ward 14"
    _shot(page, "2_ward_rule", page.get_by_text("请先保存为导入配置"))
    expect(page.get_by_role("button", name="导入", exact=True)).to_have_count(0)  # changed: save first
    page.get_by_role("textbox", name="配置名").fill("boston-web")
    page.get_by_role("button", name="保存配置").click()
    expect(page.get_by_text("已保存导入配置 boston-web")).to_be_visible()
    saved = db.parent / "profiles" / "boston-web.toml"
    assert saved.exists() and "ana（analyst）" in saved.read_text(encoding="utf-8")
    _shot(page, "3_saved", page.get_by_role("button", name="导入", exact=True))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("导入完成：新增 100、更新 0、未变 0、隔离 0、重复 0")).to_be_visible()
    _shot(page, "4_loaded", page.get_by_text("选择文件后，这里先显示"))
    browser_counts = query(db, "SELECT profile, rows_read, loaded, quarantined, duplicates FROM load_log")
    assert browser_counts == [("boston-web", 100, 100, 0, 0)]
    assert query(db, "SELECT count(DISTINCT township) FROM stg_work_orders") == [(22,)]
    # the same file, the saved profile, the command line: the same counts
    other = db.with_name("cli.duckdb")
    out = subprocess.run([sys.executable, "-m", "etl", "load", str(boston), "--profile", "boston-web", "--db", str(other),
                          "--json"], cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, capture_output=True,
                         text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    assert (cli["rows_read"], cli["loaded"], cli["quarantined"], cli["duplicates"], cli["rejected_files"]) == (
        100, 100, 0, 0, 0,
    )  # fmt: skip
    assert query(other, "SELECT profile, rows_read, loaded, quarantined, duplicates FROM load_log") == browser_counts
