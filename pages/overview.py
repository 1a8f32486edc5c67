"""总览: the month's KPIs with their change, the monthly volume, and the red and black lists."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import level_label, lists_rule, t
from pages.components import data
from pages.components import desk_data as dd
from pages.components import record_view as rv
from pages.components.auth import page_access
from pages.components.charts import build_volume_figure
from pages.components.desk_view import with_backlog
from pages.components.filters import compare_caption, sidebar_filters
from pages.components.grid import show_frame
from pages.components.kpi import kpi_cards
from pages.components.layout import page_header
from pages.components.markup import md
from pages.components.problems import alerts_section
from pages.components.tables import lists_empty_reason, missing_note, red_black
from pages.components.targets_view import target_panel

lang = page_header("page_overview")
f = sidebar_filters(lang, levels=False, compare=True)
stamp, p = data.warehouse_stamp(), f.period
current, previous, comparison = data.totals_with_previous(stamp, p.start, p.end, p.kind, f.basis)
st.caption(compare_caption(p, comparison, lang))
rv.badge(stamp, p, lang)
if not current.get("received_count") and not current.get("dispatched_count"):
    st.info(t("no_orders_period", lang), icon=":material/event_busy:")
    st.stop()
kpi_cards(current, comparison, lang)
target_panel(current, lang, comparison["incomplete"])  # the city against its targets: one ratio per rate
settings = data.settings_in_force()[0]
if comparison["incomplete"]:
    cutoff = comparison["cutoff"]
    key = "incomplete_compare" if f.basis == "previous" else "incomplete_compare_year"
    compare = t(key, lang).format(cutoff=f"{cutoff:%Y-%m-%d %H:%M}") if cutoff else ""
    st.caption(t("incomplete_note", lang).format(days=settings["maturity_days"], compare=compare))
if note := missing_note(current, lang):
    st.caption(note)

st.subheader(t("volume_title", lang))
city = data.monthly(stamp, "city", data.months(stamp)[0], p.end)
st.plotly_chart(build_volume_figure(city.tail(13), lang, highlight=(p.start, p.end)), width="stretch")
st.caption(t("volume_note", lang))

st.subheader(t("red_black_title", lang))
st.caption(lists_rule(settings, lang))
st.caption(t("ov_backlog_note", lang))
tables = [(level_label("county", lang), data.ranking(stamp, "county", p.start, p.end, p.kind, basis=f.basis))]
departments = data.ranking(stamp, "department", p.start, p.end, p.kind, basis=f.basis)
by_size = departments.group_by("group_name").len().sort(["len", "group_name"], descending=[True, False])
for group in by_size["group_name"].to_list():
    name = f"{level_label('department', lang)} · {md(group)}"
    tables.append((name, departments.filter(pl.col("group_name") == group)))
tables = [(name, ranking) for name, ranking in tables if not ranking.is_empty()]
if not tables:
    st.info(t("no_unit_columns", lang), icon=":material/info:")
backlog = {level: dd.backlog_by_unit(stamp, level) for level in ("county", "department")}  # beside each list
for tab, (_, ranking) in zip(st.tabs([name for name, _ in tables]) if tables else [], tables, strict=True):
    red, black = (with_backlog(x, backlog[ranking["level"][0]], lang) for x in red_black(ranking, lang))
    if red.is_empty() and black.is_empty():
        tab.info(lists_empty_reason(ranking, settings, lang), icon=":material/info:")
        continue
    left, right = tab.columns(2)
    left.markdown(f":red[**:material/military_tech: {t('red_list', lang)}**]")
    right.markdown(f"**:material/report: {t('black_list', lang)}**")
    for col, frame in ((left, red), (right, black)):
        if frame.is_empty():
            col.caption(t("lists_side_empty", lang))
        else:
            show_frame(frame, where=col)

alerts_section(stamp, p, page_access().viewer, lang)
