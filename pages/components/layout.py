"""The frame every page shares: title, demo banner, data as-of time, and the empty/error states in words."""

from __future__ import annotations

import duckdb
import streamlit as st

from labels import t
from pages.components import data
from pages.components.auth import require_access
from pages.components.responsive import phone_style
from warehouse.backups import WarehouseCorruptError


def current_lang() -> str:
    return st.session_state.get("lang", "zh")


def page_header(title_key: str, allow_empty: bool = False) -> str:
    """Every page's first call: the access check (nothing of a page runs before it), then the title,
    the demo banner and the as-of time; returns the language.

    Stops the page with an explanation (never a traceback) when there is no warehouse, when it cannot
    be read, or when it holds no month yet — so pages below this call may assume data exists, unless
    ``allow_empty`` (the data page, where the first load can come from).
    """
    require_access(title_key.removeprefix("page_"))
    lang = current_lang()
    phone_style()
    st.title(t(title_key, lang))
    stamp = data.warehouse_stamp()
    if stamp is None:
        if allow_empty:
            return lang
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
        if allow_empty:
            return lang
        st.info(t("warehouse_empty", lang), icon=":material/database:")
        st.stop()
    if info.get("as_of"):
        source = t("as_of_source_pinned" if info.get("as_of_source") == "pinned" else "as_of_source_data", lang)
        st.caption(t("as_of_caption", lang).format(as_of=info["as_of"][:16], source=source))
    return lang
