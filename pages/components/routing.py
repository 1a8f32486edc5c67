"""Which pages exist, and the one workaround that keeps every visit going through app.py.

Everything this app knows about Streamlit's old ``pages/`` folder mode lives here; the test
``tests/unit/test_routing.py`` fails loudly when a Streamlit upgrade changes what it relies on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from labels import t
from warehouse.access import Access

ROOT = Path(__file__).resolve().parents[2]
# (file, url path, title key, icon), in the navigation's order; the role table (warehouse.access) says who sees which.
PAGES = (
    ("pages/overview.py", "overview", "page_overview", ":material/dashboard:"),
    ("pages/rankings.py", "rankings", "page_rankings", ":material/leaderboard:"),
    ("pages/trends.py", "trends", "page_trends", ":material/trending_up:"),
    ("pages/backlog.py", "backlog", "page_backlog", ":material/assignment_late:"),
    ("pages/county.py", "county", "page_county", ":material/location_city:"),
    ("pages/map.py", "map", "page_map", ":material/map:"),
    ("pages/hot_topics.py", "hot_topics", "page_hot_topics", ":material/local_fire_department:"),
    ("pages/unit_profile.py", "unit_profile", "page_unit_profile", ":material/account_balance:"),
    ("pages/data.py", "data", "page_data", ":material/database:"),
    ("pages/report.py", "report", "page_report", ":material/description:"),
    ("pages/record.py", "record", "page_record", ":material/verified:"),
    ("pages/wall.py", "wall", "page_wall", ":material/tv:"),
    ("pages/about.py", "about", "page_about", ":material/info:"),
    ("pages/admin.py", "admin", "page_admin", ":material/shield_person:"),
)


class PageMissingError(RuntimeError):
    """A page of the table has no file: the deployment is incomplete (never a silently missing page)."""


def check_page_files(root: Path = ROOT) -> None:
    missing = [path for path, *_ in PAGES if not (root / path).is_file()]
    if missing:
        raise PageMissingError(f"页面文件缺失 / page files missing: {', '.join(missing)}")


def navigation_pages(access: Access, lang: str) -> list[st.Page]:
    """The pages this visitor may open, overview first and default."""
    check_page_files()
    return [
        st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=url == "overview")
        for path, url, title, icon in PAGES
        if access.may_open(url)
    ]


def login_navigation(login_page: Callable[[], None], lang: str) -> list[st.Page]:
    """For a visitor who is not signed in: the login form under every page's address (hidden
    navigation), so a bookmark of /rankings shows the form — not Streamlit's "Page not found" over
    it — and after signing in the same address opens the bookmarked page."""
    title = t("login_title", lang)
    return [st.Page(login_page, title=title, icon=":material/login:", url_path="login", default=True)] + [
        st.Page(login_page, title=title, icon=":material/login:", url_path=url) for _path, url, *_ in PAGES
    ]


def route_through_app() -> None:
    """Streamlit treats a ``pages/`` folder beside the entry script as an old-style (v1) multipage app
    until app.py has called st.navigation once in this server process: the first visit straight to
    ``/data`` after a restart runs pages/data.py *alone* — without app.py's login — and its widgets get
    other ids than in later runs. Every page's first call (layout.page_header -> auth.require_access)
    lands here: flip the process-wide flag and rerun before anything is drawn or done, and the same
    URL then goes through app.py (page hashes come from the URL path in both modes)."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@contextlib.contextmanager
def folder_mode_off() -> Iterator[None]:
    """For AppTest, which detects the folder afresh before every run (so each run would go through
    route_through_app's rerun, running the app twice and dropping a button click): every PagesManager
    made inside this block starts in st.navigation mode, as a real server does after its first visit."""
    original = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    try:
        yield
    finally:
        PagesManager.__init__ = original
