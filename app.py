"""Router only: page config, the shared sidebar (language), navigation."""

from __future__ import annotations

import streamlit as st

from pages.components.labels import t

st.set_page_config(page_title="12345 热线绩效分析", page_icon=":material/call:", layout="wide")

lang = st.sidebar.radio(t("language"), ["zh", "en"], format_func=lambda v: "简体中文" if v == "zh" else "English",
                        horizontal=True, key="lang")  # fmt: skip
st.session_state.setdefault("lang", "zh")

pages = [st.Page("pages/home.py", title=t("page_home", lang), icon=":material/dataset:", default=True)]
st.navigation(pages).run()
