"""地图: the counties or townships coloured by any rate, the score or the backlog, from the city's own
boundary files (no tile server); a click opens the region's unit profile."""

from __future__ import annotations

import streamlit as st

from labels import level_label, t
from pages.components import data
from pages.components import desk_data as dd
from pages.components.auth import page_access
from pages.components.desk_map import build_map_figure, clicked_region, metric_name
from pages.components.desk_view import open_profile
from pages.components.filters import period_label, sidebar_filters
from pages.components.layout import page_header
from pages.components.markup import md
from pages.components.responsive import wide_and_narrow
from warehouse.desk import BACKLOG, MAP_LEVELS, MAP_METRICS
from warehouse.geo import MapFileError

lang = page_header("page_map")
f = sidebar_filters(lang, levels=False)
stamp, p, access = data.warehouse_stamp(), f.period, page_access()
scope = access.county_scope
left, right = st.columns(2)
level = left.segmented_control(t("map_level", lang), MAP_LEVELS, key="map_level", default="county",
                               format_func=lambda k: level_label(k, lang)) or "county"  # fmt: skip
st.session_state.setdefault(f"map_metric_{lang}", st.session_state.get("map_metric", "score"))
metric = right.selectbox(t("map_metric", lang), MAP_METRICS, key=f"map_metric_{lang}",
                         format_func=lambda k: metric_name(k, lang))  # fmt: skip
st.session_state["map_metric"] = metric
try:
    maps = dd.level_maps()
except MapFileError as exc:
    st.error(str(exc), icon=":material/map:")
    st.stop()
if maps is None:
    st.info(t("map_not_configured", lang), icon=":material/map:")
    st.stop()
shapes = maps.get(level)
if shapes is None:
    st.info(t("map_no_level", lang), icon=":material/map:")
    st.stop()
county = scope if level == "township" else None  # a county-scoped leader: that county's townships
shapes = dd.only_county(shapes, county)
values = dd.map_values(stamp, level, metric, p.start, p.end, p.kind, county)
may_profile = access.may_open("unit_profile")
when = t("map_when_backlog", lang) if metric == BACKLOG else period_label(p, lang)
st.caption(t("map_caption", lang).format(figure=metric_name(metric, lang), when=when,
                                          reverse=t("map_reverse", lang) if metric == BACKLOG else "",
                                          click=t("map_click", lang) if may_profile else ""))  # fmt: skip
outlines = maps.get("county") if level == "township" else None
events = []
for where, narrow in zip(wide_and_narrow("map"), (False, True), strict=True):  # a phone: a shorter map
    figure = build_map_figure(shapes, values, metric, lang, outlines, height=420 if narrow else 640, narrow=narrow)
    events.append(where.plotly_chart(figure, width="stretch", key=f"map_{level}_{narrow}", selection_mode="points",
                                     on_select="rerun" if may_profile else "ignore",
                                     config={"displayModeBar": False, "scrollZoom": False}))  # fmt: skip
if may_profile and (key := next((k for e in events if (k := clicked_region(e))), None)):
    open_profile(shapes, key, scope, lang)
unmatched = sorted(set(values["key"]) - {r.key for r in shapes.regions})
if unmatched:
    st.caption(t("map_unmatched", lang).format(names="、".join(md(u) for u in unmatched)))
