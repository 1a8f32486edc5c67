"""数据概况: which months are loaded, the load history and the quarantine at a glance."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from pages.components import data
from pages.components.labels import relabel, t

lang = st.session_state.get("lang", "zh")
st.title(t("page_home", lang))
stamp = data.warehouse_stamp()
if stamp is None:
    st.info(t("no_warehouse", lang))
    st.stop()
if data.is_demo(stamp):
    st.warning(t("demo_banner", lang), icon=":material/science:")

volume = data.monthly_volume(stamp)
history = data.load_history(stamp)
quarantine = data.quarantine_summary(stamp)
cols = st.columns(4)
cols[0].metric(t("kpi_orders", lang), f"{int(volume['received_count'].sum()):,}")
cols[1].metric(t("kpi_months", lang), volume.height)
cols[2].metric(t("kpi_files", lang), int((history["status"] == "loaded").sum()))
cols[3].metric(t("kpi_quarantined", lang), f"{int(quarantine['row_count'].sum()):,}")

st.subheader(t("months_loaded", lang))
long = volume.unpivot(index="month", on=["received_count", "dispatched_count", "closed_count"])
long = long.with_columns(
    long["variable"].replace({k: t(k, lang) for k in ("received_count", "dispatched_count", "closed_count")})
)
fig = px.bar(long, x="month", y="value", color="variable", barmode="group",
             labels={"month": t("month", lang), "value": t("orders_axis", lang), "variable": ""})  # fmt: skip
fig.update_layout(font_family="Noto Sans CJK SC, sans-serif", legend_orientation="h", margin={"t": 10})
fig.update_xaxes(type="category")
st.plotly_chart(fig, width="stretch")

st.subheader(t("load_history", lang))
st.dataframe(history.rename(relabel(history.columns, lang)), hide_index=True, width="stretch")
st.subheader(t("quarantine_summary", lang))
st.dataframe(quarantine.rename(relabel(quarantine.columns, lang)), hide_index=True, width="stretch")
