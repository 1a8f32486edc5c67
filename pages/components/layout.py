"""The frame every page shares: title, demo banner, data as-of time, and the empty/error states in words."""

from __future__ import annotations

import duckdb
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from labels import t
from pages.components import data
from warehouse.backups import WarehouseCorruptError


def current_lang() -> str:
    return st.session_state.get("lang", "zh")


def route_through_app() -> None:
    """Streamlit treats a ``pages/`` folder beside the entry script as an old-style (v1) multipage app
    until app.py has called st.navigation once in this server process. Two symptoms: the first visit
    straight to ``/rankings`` after a restart runs the page alone (file names in the sidebar, no language
    switch, narrow layout), and widgets drawn in that first run get other ids than in every later run,
    so the user's first click is lost. Flip the process-wide flag and rerun before anything is drawn:
    the same URL then goes through app.py (page hashes come from the URL path in both modes)."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # (AppTest resets the flag before every run, so there every run reruns once and a button click,
        # a trigger that lives for one run, is lost: the login form is tested in the browser instead.)
        st.rerun()


def page_header(title_key: str) -> str:
    """Show the page title, the demo banner and the as-of time; return the language.

    Stops the page with an explanation (never a traceback) when there is no warehouse, when it cannot
    be read, or when it holds no month yet — so pages below this call may assume data exists.
    """
    route_through_app()
    lang = current_lang()
    st.title(t(title_key, lang))
    stamp = data.warehouse_stamp()
    if stamp is None:
        st.info(t("no_warehouse", lang), icon=":material/database:")
        st.stop()
    try:
        demo, info, months = data.is_demo(stamp), data.build_info(stamp), data.months(stamp)
    except WarehouseCorruptError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    except (duckdb.Error, OSError) as exc:
        st.error(t("warehouse_unreadable", lang).format(error=type(exc).__name__), icon=":material/error:")
        st.stop()
    if demo:
        st.warning(t("demo_banner", lang), icon=":material/science:")
    if not months:
        st.info(t("warehouse_empty", lang), icon=":material/database:")
        st.stop()
    if info.get("as_of"):
        source = t("as_of_source_pinned" if info.get("as_of_source") == "pinned" else "as_of_source_data", lang)
        st.caption(t("as_of_caption", lang).format(as_of=info["as_of"][:16], source=source))
    return lang
