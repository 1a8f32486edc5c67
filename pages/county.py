"""我的区县: one county on one page, for its leader (issue 15, item 4) — its rank and rates against the city,
how each city department handles the county's orders next to that department's city-wide figures, its
townships' ranking, its backlog and hot topics. A county-scoped account sees its own county only (the
warehouse refuses any other)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import t
from pages.components import data
from pages.components import desk_data as dd
from pages.components import oversight_data as od
from pages.components import record_view as rv
from pages.components.auth import page_access
from pages.components.desk_charts import build_gap_heatmap
from pages.components.filters import compare_caption, period_label, sidebar_filters
from pages.components.layout import page_header
from pages.components.markup import md
from pages.components.oversight_tables import file_stamp, show_table, unit_kpis
from pages.components.targets_view import target_line
from warehouse.county import FIGURES, MATRIX_COLUMNS

lang = page_header("page_county")
f = sidebar_filters(lang, levels=False, compare=True)
stamp, p, viewer = data.warehouse_stamp(), f.period, page_access().viewer
span = (p.start, p.end, p.kind)
counties = data.units(stamp).filter(pl.col("level") == "county").sort("order_count", descending=True)["unit"]
if viewer.county_scope:
    county = viewer.county_scope
    st.caption(t("cd_scoped", lang).format(county=md(county)))
else:
    county = st.selectbox(t("cd_pick", lang), counties.to_list(), key="cd_county")
if county is None:
    st.info(t("no_units_level", lang), icon=":material/event_busy:")
    st.stop()
st.caption(t("cd_caption", lang).format(county=md(county), period=period_label(p, lang)))
state = rv.badge(stamp, p, lang)  # the county's rank, rates and townships as published (定榜)
row = od.unit_row(stamp, "county", county, None, *span)
if row is None:
    st.info(t("up_no_orders", lang).format(unit=md(county), period=period_label(p, lang)), icon=":material/event_busy:")
    st.stop()
unit_kpis(row, data.totals_with_previous(stamp, *span)[0], lang)
if line := target_line(row, lang):
    st.markdown(line)

st.subheader(t("cd_departments_title", lang))
matrix = dd.county_matrix(stamp, viewer, county, *span)
if matrix.is_empty():
    st.info(t("cd_no_departments", lang), icon=":material/info:")
else:
    sample = data.settings_in_force()[0]["min_sample"]
    solid = matrix.filter(pl.col("sample_flag").is_null())
    if not solid.is_empty():
        st.plotly_chart(build_gap_heatmap(solid, FIGURES, lang), width="stretch")
    st.caption(t("cd_heatmap_note", lang).format(n=sample, k=matrix.height - solid.height))
    show_table(matrix, MATRIX_COLUMNS, lang, download=file_stamp(t("cd_departments_title", lang), county, p.label))
    if state["published"]:  # departments within a county are not a league table: never published
        st.caption(t("rec_live_part", lang))

st.subheader(t("cd_townships_title", lang))
towns = dd.county_townships(stamp, viewer, county, *span)
if towns.is_empty():
    st.info(t("cd_no_townships", lang), icon=":material/info:")
else:
    cols = ("rank", "rank_change", "unit", "assessed_count", *FIGURES, "sample_flag", "backlog_count")
    show_table(towns.sort(["rank", "unit"], nulls_last=True), cols, lang)

st.subheader(t("cd_backlog_title", lang))
summary = dd.backlog_summary(stamp, county)
if summary["as_of"] is not None:
    st.markdown(t("cd_backlog_line", lang).format(now=summary["backlog_count"], before=summary["last_week_count"],
                                                  cleared=summary["cleared_count"], new=summary["new_count"]))  # fmt: skip
    st.page_link("pages/backlog.py", label=t("cd_backlog_link", lang), icon=":material/assignment_late:")

st.subheader(t("cd_topics_title", lang))
topics = dd.county_topics(stamp, viewer, county, *span, f.basis)
if topics.is_empty():
    st.info(t("cd_no_topics", lang), icon=":material/info:")
else:
    if not data.ranking_reaches(stamp, *span, f.basis):  # no 同比 before the data begins: a 0 is not a count
        topics = topics.with_columns(
            pl.lit(None, pl.Int64).alias("base_count"), pl.lit(None, pl.Int64).alias("change_count")
        )
        st.caption(compare_caption(p, {"basis": f.basis, "base": p.base(f.basis).label, "reaches": False}, lang))
    st.caption(t("cd_topics_note", lang).format(previous=period_label(p.base(f.basis), lang)))
    show_table(topics, ("category_l1", "category_l2", "received_count", "base_count", "change_count"), lang)
