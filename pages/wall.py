"""大屏: the hotline centre's wall screen (issue 15, item 6) — large type on a dark background, the
month's key figures, the county map, the red and black lists and the backlog, refreshing itself.

Aggregates only (every role may open it). The month is the latest complete one (``?month=YYYY-MM``
picks another); the page reruns its body every ``?refresh=`` seconds (default 300, at least 30), and
the data calls are cached on the warehouse file's stamp, so a load shows at the next refresh."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from labels import t
from pages.components import data
from pages.components import desk_data as dd
from pages.components import record_view as rv
from pages.components.desk_map import build_map_figure
from pages.components.filters import period_label
from pages.components.layout import page_header
from pages.components.targets_view import target_line
from pages.components.wall import WALL_CSS, backlog_bars, list_block, query_period, refresh_seconds, wall_tiles

lang = page_header("page_wall")
st.html(WALL_CSS)
stamp = data.warehouse_stamp()
period = query_period(stamp)
every = refresh_seconds()


@st.fragment(run_every=every)
def wall() -> None:
    """Everything on the screen; rerun on its own every ``every`` seconds."""
    stamp = data.warehouse_stamp()
    label = period_label(period, lang)
    st.markdown(f"## {t('wall_heading', lang).format(period=label)}")
    st.caption(t("wall_caption", lang).format(minutes=f"{every / 60:g}", now=f"{dt.datetime.now():%H:%M}"))
    rv.badge(stamp, period, lang)  # 已定榜: the figures below are the published ones
    current, _previous, comparison = data.totals_with_previous(stamp, period.start, period.end, period.kind)
    summary = dd.backlog_summary(stamp, None)
    wall_tiles(current, comparison, summary, lang)
    if line := target_line(current, lang):  # the city against its targets
        st.markdown(line)
    left, middle, right = st.columns([1.25, 1, 1], gap="large")
    with left:
        st.markdown(f"### {t('wall_map', lang)}")
        maps = dd.level_maps_or_none()
        if maps and "county" in maps:
            values = dd.map_values(stamp, "county", "score", period.start, period.end, period.kind, None)
            st.plotly_chart(build_map_figure(maps["county"], values, "score", lang, dark=True, height=470, label_size=17),
                            width="stretch", config={"displayModeBar": False, "staticPlot": True})  # fmt: skip
    with middle:
        st.markdown(f"### {t('wall_lists', lang)}")
        list_block(stamp, period, lang)
    with right:
        st.markdown(f"### {t('wall_backlog', lang)}")
        st.plotly_chart(backlog_bars(dd.backlog_counts(stamp, "county", None), lang), width="stretch",
                        config={"displayModeBar": False, "staticPlot": True})  # fmt: skip
        st.markdown(f"#### {t('wall_backlog_trend', lang)}")
        st.plotly_chart(backlog_bars(dd.backlog_trend(stamp, None), lang, trend=True), width="stretch",
                        config={"displayModeBar": False, "staticPlot": True})  # fmt: skip
    st.page_link("pages/overview.py", label=t("wall_exit", lang), icon=":material/close_fullscreen:")


wall()
