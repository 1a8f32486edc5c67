"""单位画像: the oversight view of one unit — its rates against the city over time, the categories
that pull it down, the orders behind its weak figures, and the evidence pack for a hearing."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import metric_label, t
from pages.components import data
from pages.components import oversight_data as od
from pages.components import record_view as rv
from pages.components.auth import audited, page_access
from pages.components.bulletin_notes import case_marker
from pages.components.casemix_view import unit_section as casemix_section
from pages.components.charts import build_trend_figure
from pages.components.desk_charts import add_last_year, add_target_line, year_before
from pages.components.filters import period_label, sidebar_filters, trend_window
from pages.components.integrity_section import category_limits_section, integrity_section
from pages.components.layout import page_header
from pages.components.markup import md
from pages.components.oversight_charts import build_category_gap_figure
from pages.components.oversight_tables import (
    CATEGORY_COLUMNS,
    file_stamp,
    order_list_tabs,
    show_table,
    unit_kpis,
    unit_notes,
)
from pages.components.problems import clusters_section
from pages.components.tables import incomplete_caption, trend_gap
from pages.components.targets_view import target_line
from warehouse.registry import RANKING_RATES

TREND_METRICS = ("score", *RANKING_RATES, "return_rate", "repeat_rate")
LIST_RATES = {
    "unsatisfied": "satisfaction_rate",
    "overdue": "on_time_rate",
    "bounced": "return_rate",
    "repeat": "repeat_rate",
}
LIST_LIMIT = 500

lang = page_header("page_unit_profile")
f = sidebar_filters(lang)
stamp, p = data.warehouse_stamp(), f.period
units = data.units(stamp).filter(pl.col("level") == f.level)
if f.group is not None:
    units = units.filter(pl.col("group_name") == f.group)
options = units.sort(["order_count", "unit"], descending=[True, False])["unit"].to_list()
viewer = page_access().viewer  # the warehouse applies its role and county to every order list
scope = viewer.county_scope  # a county-scoped leader: profiles of that county and its townships only
if scope and f.level == "department":
    options = []
elif scope and f.level == "county":
    options = [u for u in options if u == scope]
if not options:  # no unit at all: the export names none (else: none at this level and group)
    none = data.units(stamp).is_empty()
    st.info(t("up_no_unit_columns" if none else "up_no_units", lang), icon=":material/domain_disabled:")
    st.stop()
unit = st.selectbox(t("unit", lang), options, key=f"up_unit_{f.level}_{f.group}")
county = f.group if f.level == "township" else None
key = (stamp, f.level, unit, county)

row = od.unit_row(*key, p.start, p.end, p.kind)
if row is None:
    st.info(t("up_no_orders", lang).format(unit=md(unit), period=period_label(p, lang)), icon=":material/event_busy:")
    st.stop()
st.caption(t("up_caption", lang).format(period=period_label(p, lang)))
rv.badge(stamp, p, lang)
unit_kpis(row, data.totals_with_previous(stamp, p.start, p.end, p.kind)[0], lang)
if line := target_line(row, lang):  # met or not against the unit group's targets, and by how much
    st.markdown(line)
for note in unit_notes(row, data.settings_in_force()[0], lang):
    st.caption(note)
evidence_name = file_stamp(t("up_evidence_file", lang), unit, p.label) + ".xlsx"
st.download_button(
    t("up_evidence", lang),
    data=audited(evidence_name, lambda: od.evidence_pack(stamp, viewer, *key[1:], p.start, p.end, p.kind)),
    file_name=evidence_name,
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    help=t("up_evidence_help", lang),
    icon=":material/folder_zip:",
    type="primary",
    on_click="ignore",
)

integrity_section(row, od.unit_overdue_ages(*key), data.settings_in_force()[0], lang)  # issue 20

st.subheader(t("up_trend_title", lang))
pick, overlay = st.columns([1, 2], vertical_alignment="bottom")
# one widget per language (the browser keeps showing the old language's label otherwise), one remembered choice
st.session_state.setdefault(f"up_metric_{lang}", st.session_state.get("up_metric", "score"))
metric = pick.selectbox(t("trend_metric", lang), TREND_METRICS, format_func=lambda k: metric_label(k, lang),
                        key=f"up_metric_{lang}")  # fmt: skip
st.session_state["up_metric"] = metric
window = trend_window(p, data.months(stamp))
trend = od.unit_trend(*key, *window)
own = trend.filter(pl.col("series") == "unit").with_columns(pl.lit(unit).alias("unit"))
city_trend = trend.filter(pl.col("series") == "city")
if gap := trend_gap([own, city_trend], metric, lang):
    st.info(gap, icon=":material/block:")
else:
    figure = build_trend_figure(own, city_trend, metric, "unit", lang)
    if overlay.toggle(t("last_year_toggle", lang), key="up_last_year"):  # the same months a year back, dotted
        back = od.unit_trend(*key, *(year_before(d) for d in window))
        add_last_year(figure, back.filter(pl.col("series") == "unit").with_columns(pl.lit(unit).alias("unit")),
                      back.filter(pl.col("series") == "city"), metric, "unit", lang)  # fmt: skip
    st.plotly_chart(add_target_line(figure, row.get(f"{metric}_target"), lang), width="stretch")
if note := incomplete_caption(own, metric, data.build_info(stamp).get("as_of"), lang):
    st.caption(note)

st.subheader(t("up_categories_title", lang))
categories = od.unit_categories(*key, p.start, p.end, p.kind)  # "not available" per category: the warehouse says
if categories.is_empty():
    st.info(t("up_no_categories", lang), icon=":material/info:")
else:
    if (categories["satisfaction_shortfall"] > 0).any():
        st.plotly_chart(build_category_gap_figure(categories, unit, lang), width="stretch")
    elif row.get("satisfaction_rate") is None:  # no answers, or none the source could give: nothing to compare
        st.info(t("up_no_gap_unknown", lang), icon=":material/info:")
    else:
        st.success(t("up_no_gap", lang), icon=":material/thumb_up:")
    st.caption(t("up_categories_note", lang))
    show_table(categories, CATEGORY_COLUMNS, lang, download=file_stamp(t("up_categories_title", lang), unit, p.label))

category_limits_section(od.unit_category_on_time(*key, p.start, p.end, p.kind), lang,
                        file_stamp(t("up_limits_title", lang), unit, p.label))  # fmt: skip

st.subheader(t("up_lists_title", lang))
order_list_tabs(
    row, lambda: od.order_lists(stamp, viewer, *key[1:], p.start, p.end, p.kind, LIST_LIMIT), LIST_LIMIT, lang
)

casemix_section(stamp, p, f.level, unit, county, lang)
clusters_section(stamp, p, viewer, lang, level=f.level, unit=unit, unit_county=county)
if p.kind == "month":
    case_marker(viewer, f.level, unit, county, f"{p.start:%Y-%m}", lang)

st.subheader(t("up_history_title", lang))  # what a hearing asks: the published rank, month by month
rv.history_section(stamp, f.level, unit, county, lang)
