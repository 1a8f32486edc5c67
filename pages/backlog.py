"""督办: what to chase today — every order open past its deadline at the as-of time, across all months,
by unit, with the backlog's last 12 weeks and what changed since last week. Counts for everyone; the
order list for the roles that may see orders (the warehouse applies role, county and masking)."""

from __future__ import annotations

import streamlit as st

from labels import level_label, t
from pages.components import data
from pages.components import desk_data as dd
from pages.components.auth import audited, page_access
from pages.components.desk_charts import build_backlog_trend_figure
from pages.components.desk_view import backlog_kpis, counts_for_people, orders_for_people
from pages.components.export import to_csv_bytes
from pages.components.layout import page_header
from pages.components.markup import md
from pages.components.oversight_tables import file_stamp, present, show_table
from warehouse.backlog import AGE_COLUMNS, BACKLOG_COLUMNS
from warehouse.registry import LEVELS

LIST_LIMIT = 500

lang = page_header("page_backlog")
stamp, viewer = data.warehouse_stamp(), page_access().viewer
scope = viewer.county_scope  # a county-scoped leader: that county's backlog (the list is scoped below us too)
summary = dd.backlog_summary(stamp, scope)
if summary["as_of"] is None:
    st.info(t("warehouse_empty", lang), icon=":material/database:")
    st.stop()
where = t("bl_scope", lang).format(county=md(scope)) if scope else ""
st.caption(t("bl_caption", lang).format(scope=where))
backlog_kpis(summary, lang)
if summary["backlog_count"]:  # the same backlog by working days past due (issue 20)
    st.caption(t("bl_ages", lang).format(**{k: f"{summary[c]:,}" for k, c in zip("abcd", AGE_COLUMNS, strict=True)}))

st.subheader(t("bl_trend_title", lang))
trend = dd.backlog_trend(stamp, scope)
st.plotly_chart(build_backlog_trend_figure(trend, lang), width="stretch")
gaps = int(trend["backlog_count"].is_null().sum())
st.caption(t("bl_trend_note", lang) + (" " + t("bl_trend_gap", lang).format(n=gaps) if gaps else ""))

st.subheader(t("bl_units_title", lang))
label = (lambda k: LEVELS[k].label_en) if lang == "en" else (lambda k: LEVELS[k].label_zh)
level = st.segmented_control(t("level", lang), list(LEVELS), format_func=label, key="bl_level", default="department")
level = level or "department"
counts = dd.backlog_counts(stamp, level, scope)
if not summary["backlog_count"] and not summary["last_week_count"]:
    st.success(t("bl_none", lang), icon=":material/check_circle:")
    st.stop()
people = counts_for_people(counts, level, lang)
show_table(people, people.columns, lang, download=file_stamp(t("bl_file", lang), level_label(level, lang), scope or ""))
st.caption(t("bl_units_note", lang))

st.subheader(t("bl_orders_title", lang))
if not viewer.sees_order_lists:
    st.info(t("bl_orders_public", lang), icon=":material/lock:")
    st.stop()
units = counts.filter(counts["backlog_count"] > 0)
keys = [
    (r.get("county") if level == "township" else None, r[LEVELS[level].unit_col]) for r in units.iter_rows(named=True)
]
picks = [None, *[k for k in keys if k[1] is not None]]
show = lambda i: t("bl_unit_all", lang) if picks[i] is None else " · ".join(x for x in picks[i] if x)  # noqa: E731
pick = picks[st.selectbox(t("bl_unit_pick", lang), range(len(picks)), format_func=show, key=f"bl_unit_{level}")]
unit, county = (pick[1], pick[0]) if pick else (None, None)
orders = orders_for_people(dd.backlog_orders(stamp, viewer, level, unit, county), lang)
shown = t("bl_orders_shown", lang).format(k=LIST_LIMIT) if orders.height > LIST_LIMIT else ""
days = data.settings_in_force()[0]["repeat_window_days"]
st.caption(t("bl_orders_note", lang).format(n=f"{orders.height:,}", shown=shown, days=days))
show_table(orders.head(LIST_LIMIT), BACKLOG_COLUMNS, lang)
name = file_stamp(t("bl_file", lang), *(x for x in (county, unit) if x)) + ".csv"
full = lambda: to_csv_bytes(present(orders, BACKLOG_COLUMNS, lang)[0])  # noqa: E731
st.download_button(t("bl_download", lang), audited(name, full), file_name=name, mime="text/csv",
                   icon=":material/download:", on_click="ignore")  # fmt: skip
