"""What a user feels: from a filter change (the month, the level) to the page settled, in headless
Chromium against the real server on a big warehouse (``python -m bench browser --db PATH``).

Each page is opened, then its filters are changed ``changes`` times, alternating a new month and a new
level (pages without a level: a new month each time), so that most changes ask for figures not
cached yet. A change is timed from the click until Streamlit has finished the script run it started
(the app's ``data-test-script-state`` is ``notRunning`` again, seen by a MutationObserver installed
before the click, so a run too quick to show the status widget is not missed) and every chart on the
page is drawn (``tests/e2e/browser.settled``). The server and the waits are the e2e tests' own
(tests/e2e/browser.py).
"""

from __future__ import annotations

from pathlib import Path

from bench.load_bench import run_child

# (url path, heading, month selectbox label, has the level radio)
PAGES = (
    ("", "总览", "月份", False),
    ("rankings", "排名", "月份", True),
    ("trends", "趋势", "月份", True),
    ("hot_topics", "热点", "月份", True),
    ("unit_profile", "单位画像", "月份", True),
    ("report", "通报", "通报月份", False),
)
LEVEL_NAMES = ("承办单位", "乡镇街道", "区县")

BROWSER = """
import json, statistics, sys, tempfile, time
from pathlib import Path
from playwright.sync_api import sync_playwright
from bench.browser_bench import PAGES, log_in, time_page
from tests.e2e.browser import ARGS, CHROMIUM, streamlit_server
from warehouse.users import add_user

db, changes = Path(sys.argv[1]), int(sys.argv[2])
work = Path(tempfile.mkdtemp(prefix="bench-browser-"))
add_user("bench", "admin", "Timing-only-pw-9x!", path=work / "users.json")
env = {"HOTLINE_USERS": str(work / "users.json"), "HOTLINE_AUDIT": str(work / "audit.log")}
out = []
with streamlit_server(db, env=env) as url, sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    log_in(page, url, "bench", "Timing-only-pw-9x!")
    for path, heading, month_label, levels in PAGES:
        times, error = [], None
        try:
            times = time_page(page, heading, month_label, levels, changes)
        except Exception as exc:  # a page that cannot be timed is reported, not fatal
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        row = {"page": path or "overview", "heading": heading, "error": error, "changes": len(times)}
        if times:
            ordered = sorted(times)
            row.update(p50_s=round(statistics.median(ordered), 2),
                       p95_s=round(ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 2),
                       max_s=round(ordered[-1], 2), all_s=[round(x, 2) for x in times])
        out.append(row)
    browser.close()
print(json.dumps({"pages": out}, ensure_ascii=False))
"""

OBSERVE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__runs = 0;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'notRunning') window.__runs += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def log_in(page, url: str, user: str, password: str) -> None:
    """Open the app and log in (a warehouse of real data serves nothing before): the session then
    moves from page to page through the navigation, as a user's does."""
    from tests.e2e.browser import wait_for_page

    page.goto(url)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    wait_for_page(page, "总览")


def time_page(page, heading: str, month_label: str, levels: bool, changes: int) -> list[float]:
    """Seconds of ``changes`` filter changes on one page, each until the page has settled."""
    import time

    from tests.e2e.browser import settled, wait_for_page

    page.get_by_test_id("stSidebarNav").get_by_text(heading, exact=True).first.click()
    wait_for_page(page, heading)
    page.evaluate(OBSERVE)
    times = []
    for i in range(changes):
        runs = page.evaluate("window.__runs")
        started = time.perf_counter()
        if levels and i % 2:
            _pick_level(page, i // 2)
        else:
            _pick_month(page, month_label, i // (2 if levels else 1))
        page.wait_for_function(f"window.__runs > {runs}", timeout=120_000)
        settled(page, 120_000)
        times.append(time.perf_counter() - started)
    return times


def _pick_level(page, n: int) -> None:
    """Click the (n+1)-th level other than the one chosen (a click on the chosen one starts no run)."""
    sidebar = page.get_by_test_id("stSidebar")
    radios = sidebar.locator("input[type=radio]").evaluate_all(
        "els => els.map(e => [(e.closest('label') || e).innerText.trim(), e.checked])"
    )
    shown = [name for name, _checked in radios if name in LEVEL_NAMES]
    current = next((name for name, checked in radios if name in LEVEL_NAMES and checked), None)
    others = [name for name in shown if name != current] or list(LEVEL_NAMES)
    sidebar.get_by_text(others[n % len(others)], exact=True).click()


def _pick_month(page, label: str, n: int) -> None:
    """Open the month select box and pick the (n+1)-th option other than the one shown."""
    field = page.get_by_role("combobox", name=label, exact=True).first
    current = field.input_value().strip()
    page.get_by_test_id("stSelectbox").filter(has=field).get_by_role("button", name="Open").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    names = [options.nth(k).inner_text().strip() for k in range(options.count())]
    others = [k for k, name in enumerate(names) if name != current] or [0]
    options.nth(others[n % len(others)]).click()


def time_pages(db: Path, changes: int = 20) -> dict:
    """{'pages': [{page, p50_s, p95_s, max_s, all_s, error}]} on the warehouse ``db``."""
    return run_child(BROWSER, db, changes)
