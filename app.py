"""Router only: page config, the shared sidebar (language), the access check, navigation over the pages this
visitor may open (pages/components/routing.py lists them; a missing page file is an error)."""

from __future__ import annotations

import pandas  # noqa: F401 - imported once here: Streamlit/Plotly import it lazily per thread and can race
import streamlit as st

from labels import t
from pages.components.auth import current_access, logout_button
from pages.components.filters import keep_filter_state
from pages.components.login import login_page
from pages.components.routing import (
    PageMissingError,
    check_page_files,
    login_navigation,
    navigation_pages,
    route_through_app,
)
from pages.components.upload import sweep_stale_uploads


@st.cache_resource
def _at_start() -> None:
    """Once per server process: uploads left in the temp folder by a process that died go."""
    sweep_stale_uploads()


route_through_app()  # before any widget: see its docstring (a pages/ folder means "v1" until st.navigation)
st.set_page_config(page_title="12345 热线绩效分析", page_icon=":material/call:", layout="wide")
keep_filter_state()
_at_start()
# A fixed label: a label that followed the language would make a new widget and reset the choice.
lang = st.sidebar.radio("语言 · Language", ["zh", "en"], horizontal=True, key="lang",
                        format_func=lambda v: "简体中文" if v == "zh" else "English")  # fmt: skip
try:
    check_page_files()
except PageMissingError as exc:  # an incomplete deployment says so, instead of quietly losing a page
    st.error(t("page_missing", lang).format(error=exc), icon=":material/error:")
    st.stop()

access = current_access()
if access is None:  # nothing real is served to an anonymous visitor: the login page is the only page
    st.navigation(login_navigation(login_page, lang), position="hidden").run()
    st.stop()
logout_button(access, lang)
st.navigation(navigation_pages(access, lang), expanded=True).run()  # every page listed (13 with the desk)
