"""Who may see what, in the real server and headless Chromium (issue 12, items 2, 3 and 9).

One deployment (tests/access_city.py: a real warehouse, accounts, unit names that are markup) whose
config leaves Streamlit's table export on, as a careless deployment would: the dashboard must switch
it off itself. Each test signs in through the login form. Screenshots of every page a role opens are
saved in tests/e2e/screenshots/access_<role>_<page>.png.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from tests.access_city import DEPARTMENTS, HOSTILE, OWN, build_city
from tests.e2e.browser import settled, streamlit_server, wait_for_page
from warehouse.users import add_user

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "a long enough password"
ACCOUNTS = {"gong": ("public", None), "zhao": ("leader", OWN), "wang": ("admin", None)}
ANY_ORDER = re.compile(r"\b(?:QA|SB|HC|QE)\d{3}\b")
OTHER_ORDERS = re.compile(r"\b(?:SB|HC)\d{3}\b")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("deployment")
    city = build_city(root)
    users, log = root / "users.json", root / "audit.log"
    for name, (role, county) in ACCOUNTS.items():
        add_user(name, role, PASSWORD, county, path=users)
    env = {"HOTLINE_USERS": str(users), "HOTLINE_AUDIT": str(log), "STREAMLIT_CLIENT_DISABLE_DATA_EXPORT": "false"}
    with streamlit_server(city.db, env=env) as url:
        yield {"url": url, "db": city.db, "audit": log}


class Session:
    """One signed-in browser tab, with every request it made to the attacker's host."""

    def __init__(self, browser, url: str, name: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                           accept_downloads=True)  # fmt: skip
        self.attacker: list[str] = []
        self.context.route(re.compile(r".*attacker\.invalid.*"), self._refuse)
        self.page = self.context.new_page()
        self.name = name
        self.page.goto(url)
        expect(self.page.get_by_role("heading", name="登录")).to_be_visible(timeout=60_000)
        self.page.get_by_label("用户名").fill(name)
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        wait_for_page(self.page, "总览")

    def _refuse(self, route) -> None:
        self.attacker.append(route.request.url)
        route.abort()

    def go(self, title: str, shot: str | None = None) -> None:
        self.page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
        wait_for_page(self.page, title)
        if shot:
            self.shot(shot)

    def shot(self, what: str, scroll_to=None) -> None:
        """A screenshot of the window (Streamlit scrolls its main area itself: ``scroll_to`` brings the
        part of the page to look at into view first)."""
        SHOTS.mkdir(exist_ok=True)
        expect(self.page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=60_000)  # drawn
        idle = self.page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
        expect(idle).to_have_count(1, timeout=120_000)  # the script run is over (hot words take a while)
        settled(self.page)
        if scroll_to is not None:
            scroll_to.scroll_into_view_if_needed()
        self.page.screenshot(path=str(SHOTS / f"access_{self.name}_{what}.png"), full_page=True)

    def sidebar_choice(self, text: str) -> None:
        self.page.locator('[data-testid="stSidebar"]').get_by_text(text, exact=True).click()

    def open_select(self, box) -> None:
        """Open a select box's list once the script run is over (a run still drawing the page closes an open
        list: the options then vanish under the test); a click that lands while the page is redrawn is lost,
        so try again."""
        for _ in range(3):
            settled(self.page)
            box.click()
            try:
                expect(self.page.get_by_role("option").first).to_be_visible(timeout=5_000)
                return
            except AssertionError:
                continue
        raise AssertionError("the select box did not open")

    def select(self, label: str, option: str, where=None) -> None:
        self.open_select((where or self.page).get_by_label(label))
        self.page.get_by_role("option").filter(has_text=re.compile(f"^{re.escape(option)}$")).click()

    def anchors_to_attacker(self) -> int:
        """Links anywhere in the page (HTML or a chart's SVG, href or xlink:href) to the attacker's host."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll('a')].filter(a =>
                 [...a.attributes].some(at => at.value.includes('attacker'))).length"""
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser, deployment):
    opened: list[Session] = []

    def open_as(name: str) -> Session:
        opened.append(Session(browser, deployment["url"], name))
        return opened[-1]

    yield open_as
    for s in opened:
        s.close()


def _drill_open(s: Session) -> None:
    s.page.get_by_text("查看数字背后的工单").click()


def test_the_public_gets_no_order_on_any_page(session) -> None:
    s = session("gong")
    s.shot("overview")
    for title, what in (("排名", "rankings"), ("趋势", "trends"), ("通报", "report"), ("说明", "about")):
        s.go(title)
        if what == "rankings":
            _drill_open(s)
            expect(s.page.get_by_text("工单明细只对领导、人大监督、热线分析员和管理员账号开放")).to_be_visible()
            expect(s.page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]')).to_have_count(0)
        expect(s.page.get_by_text(ANY_ORDER)).to_have_count(0)
        assert s.anchors_to_attacker() == 0
        s.shot(what, s.page.locator('[data-testid="stExpander"]') if what == "rankings" else None)
    nav = s.page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_text("热点", exact=True)).to_have_count(0)  # not even offered
    assert not s.attacker


def _orders_in_drill(s: Session) -> list[str]:
    grid = s.page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]')
    expect(grid).to_have_count(1)
    expect(grid.locator("td").first).to_be_attached()
    return [c for c in grid.locator("td").all_inner_texts() if ANY_ORDER.fullmatch(c)]


def test_a_county_leader_lists_only_that_countys_orders(session, deployment) -> None:
    s = session("zhao")
    s.shot("overview")
    s.go("排名")
    s.sidebar_choice("承办单位")
    expect(s.page.get_by_text(re.compile("承办单位 · .* · 2024年3月"))).to_be_visible()
    _drill_open(s)
    expect(s.page.get_by_text(f"您的账号限于{OWN}：这里只列出{OWN}的工单。")).to_be_visible()
    with duckdb.connect(str(deployment["db"]), read_only=True) as con:
        (own,) = con.sql(
            "SELECT count(*) FROM fct_work_orders WHERE department = ? AND county = ? AND is_assessed "
            "AND is_responded_on_time", params=[DEPARTMENTS[0], OWN]
        ).fetchall()[0]  # fmt: skip
    expect(s.page.get_by_text(f"共 {own} 件工单。")).to_be_visible()
    listed = _orders_in_drill(s)
    assert listed and not [o for o in listed if OTHER_ORDERS.fullmatch(o)]
    s.shot("rankings_department_drill", s.page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]'))
    s.sidebar_choice("区县")
    expect(s.page.get_by_text(re.compile("^区县 · 2024年3月"))).to_be_visible()
    s.open_select(s.page.locator('[data-testid="stExpander"]').get_by_label("单位"))
    expect(s.page.get_by_role("option")).to_have_text([OWN])  # its own county only
    s.page.keyboard.press("Escape")
    for title, what in (("趋势", "trends"), ("热点", "hot_topics"), ("单位画像", "unit_profile"), ("通报", "report"),
                        ("说明", "about")):  # fmt: skip
        s.go(title, what)
        expect(s.page.get_by_text(OTHER_ORDERS)).to_have_count(0)
    assert not s.attacker


def test_the_evidence_pack_is_audited_as_the_leader_who_downloads_it(session, deployment) -> None:
    s = session("zhao")
    s.go("单位画像")
    with s.page.expect_download(timeout=120_000) as download:
        s.page.get_by_role("button", name="下载证据材料（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    events = [json.loads(line) for line in deployment["audit"].read_text(encoding="utf-8").splitlines()]
    exports = [e for e in events if e["event"] == "export"]
    assert exports and (exports[-1]["user"], exports[-1]["role"]) == ("zhao", "leader")
    assert "证据材料" in exports[-1]["details"]["file"]


PAGES = ("总览", "排名", "趋势", "热点", "单位画像", "数据", "通报", "说明", "管理")


def test_no_table_offers_streamlits_own_download(session) -> None:
    """The deployment's config leaves the toolbar export on; the dashboard switches it off itself."""
    s = session("wang")
    seen = 0
    for title in PAGES:
        s.go(title)
        tabs = s.page.get_by_role("tab")
        for i in range(max(tabs.count(), 1)):
            if tabs.count():
                tabs.nth(i).click()
            grids = s.page.locator('[data-testid="stDataFrame"]:visible')
            for j in range(grids.count()):
                grids.nth(j).hover()
                toolbar = s.page.locator('[data-testid="stElementToolbar"]:visible')
                expect(toolbar.get_by_role("button", name="Search").first).to_be_visible()  # the toolbar is up
                expect(s.page.get_by_role("button", name="Download as CSV")).to_have_count(0)
                seen += 1
    assert seen >= 10


def test_names_from_the_data_stay_text(session) -> None:
    """A county named ![c](http://…/x.png), a township [点我重新登录](…) and a department <a href>: no
    request to that host, no link, the names shown as written."""
    s = session("gong")
    s.go("排名")
    chart = s.page.locator('[data-testid="stPlotlyChart"]')
    expect(chart.get_by_text(f"2. {HOSTILE['county']}")).to_be_visible()  # a tick label, literally
    assert s.anchors_to_attacker() == 0
    s.sidebar_choice("承办单位")
    s.select("分组", "未分组", where=s.page.locator('[data-testid="stSidebar"]'))  # units.csv does not list it
    expect(chart.get_by_text(HOSTILE["department"], exact=False)).to_be_visible()
    assert s.anchors_to_attacker() == 0
    s.sidebar_choice("乡镇街道")
    s.select("所属区县", HOSTILE["county"], where=s.page.locator('[data-testid="stSidebar"]'))
    # a Markdown caption, literally (with an invisible word joiner after "http": no autolink)
    county = HOSTILE["county"].replace("http", "http\u2060")
    expect(s.page.get_by_text(f"乡镇街道 · {county} · 2024年3月", exact=False)).to_be_visible()
    expect(chart.get_by_text(HOSTILE["township"], exact=False)).to_be_visible()
    assert s.anchors_to_attacker() == 0
    s.shot("rankings_markup_names")
    s.go("趋势", "trends_markup_names")
    expect(s.page.get_by_text(HOSTILE["township"], exact=False).first).to_be_visible()
    assert s.anchors_to_attacker() == 0
    assert not s.attacker, s.attacker
