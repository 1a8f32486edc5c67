"""Router only: page config, the shared sidebar (language), navigation over the pages that exist."""

from __future__ import annotations

from pathlib import Path

import pandas  # noqa: F401 - imported once here: Streamlit/Plotly import it lazily per thread and can race
import streamlit as st

from labels import t
from pages.components.auth import current_access, login_page, logout_button
from pages.components.filters import keep_filter_state
from pages.components.layout import route_through_app

ROOT = Path(__file__).resolve().parent
# (file, url path, title key, icon); a page is registered only once its file exists.
PAGES = (
    ("pages/overview.py", "overview", "page_overview", ":material/dashboard:"),
    ("pages/rankings.py", "rankings", "page_rankings", ":material/leaderboard:"),
    ("pages/trends.py", "trends", "page_trends", ":material/trending_up:"),
    ("pages/hot_topics.py", "hot_topics", "page_hot_topics", ":material/local_fire_department:"),
    ("pages/unit_profile.py", "unit_profile", "page_unit_profile", ":material/account_balance:"),
    ("pages/data.py", "data", "page_data", ":material/database:"),
    ("pages/report.py", "report", "page_report", ":material/description:"),
    ("pages/about.py", "about", "page_about", ":material/info:"),
)

route_through_app()  # before any widget: see its docstring (a pages/ folder means "v1" until st.navigation)
st.set_page_config(page_title="12345 热线绩效分析", page_icon=":material/call:", layout="wide")
keep_filter_state()
# A fixed label: a label that followed the language would make a new widget and reset the choice.
lang = st.sidebar.radio("语言 · Language", ["zh", "en"], horizontal=True, key="lang",
                        format_func=lambda v: "简体中文" if v == "zh" else "English")  # fmt: skip

access = current_access()
if access is None:  # nothing real is served to an anonymous visitor: the login page is the only page
    st.navigation([st.Page(login_page, title=t("login_title", lang), icon=":material/login:", url_path="login")]).run()
    st.stop()
logout_button(access, lang)
pages = [
    st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=url == "overview")
    for path, url, title, icon in PAGES
    if (ROOT / path).exists() and access.may_open(url)
]
if access.may_open("admin"):
    pages.append(
        st.Page("pages/admin.py", title=t("page_admin", lang), icon=":material/shield_person:", url_path="admin")
    )
st.navigation(pages).run()
