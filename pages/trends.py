"""趋势: one metric over the months for chosen units, against the city as a whole."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import metric_label, t
from pages.components import data
from pages.components.charts import build_trend_figure
from pages.components.desk_charts import add_last_year, add_target_line, year_before
from pages.components.filters import sidebar_filters, trend_window
from pages.components.grid import show_frame
from pages.components.layout import page_header
from pages.components.oversight_tables import file_stamp
from pages.components.tables import incomplete_caption, trend_gap, trend_table
from warehouse.registry import LEVELS, RANKING_RATES, RATES

TREND_METRICS = ("score", *RANKING_RATES, *(m.key for m in RATES if m.key not in RANKING_RATES))

lang = page_header("page_trends")
f = sidebar_filters(lang)
stamp = data.warehouse_stamp()
start, end = trend_window(f.period, data.months(stamp))
unit_col = LEVELS[f.level].unit_col
units = data.units(stamp).filter(pl.col("level") == f.level)
if f.group is not None:
    units = units.filter(pl.col("group_name") == f.group)
options = units.sort("order_count", descending=True)["unit"].to_list()

left, right = st.columns([1, 2])
metric = left.selectbox(
    t("trend_metric", lang), TREND_METRICS, format_func=lambda k: metric_label(k, lang), key="tr_metric"
)
chosen = right.multiselect(t("trend_units", lang), options, default=options[:3], key=f"tr_units_{f.level}_{f.group}")

monthly = data.monthly(stamp, f.level, start, end)
if f.level == "township":
    monthly = monthly.filter(pl.col("county") == f.group)
selected = monthly.filter(pl.col(unit_col).is_in(chosen))
city = data.monthly(stamp, "city", start, end)
st.caption(t("trend_caption", lang).format(start=start.strftime("%Y-%m"), end=end.strftime("%Y-%m")))
if shown := sorted(m.strftime("%Y-%m") for m in city.filter(pl.col("figures") == "published")["month"]):
    st.caption(t("trend_published_months", lang).format(months="、".join(shown)))
if not chosen:
    st.info(t("trend_pick_units", lang), icon=":material/touch_app:")
if gap := trend_gap([selected, city], metric, lang):
    st.info(gap, icon=":material/block:")
else:
    figure = build_trend_figure(selected, city, metric, unit_col, lang)
    if st.toggle(t("last_year_toggle", lang), key="tr_last_year"):  # 同比 at a glance: the same months a year back
        back = data.monthly(stamp, f.level, year_before(start), year_before(end))
        back = back.filter(
            pl.col(unit_col).is_in(chosen) & (pl.col("county") == f.group if f.level == "township" else True)
        )
        city_back = data.monthly(stamp, "city", year_before(start), year_before(end))
        if city_back.height < city.height:  # the data does not reach a year back from every month shown
            st.caption(t("last_year_partial", lang).format(n=city_back.height, total=city.height))
        add_last_year(figure, back, city_back, metric, unit_col, lang)
    add_target_line(figure, data.settings_in_force()[0]["targets"].get(metric.removesuffix("_rate")), lang)
    st.plotly_chart(figure, width="stretch")
if note := incomplete_caption(city, metric, data.build_info(stamp).get("as_of"), lang):
    st.caption(note)

with st.expander(t("trend_table", lang), icon=":material/table_rows:"):
    table = trend_table(selected, city, metric, unit_col, lang)
    config = {
        c: st.column_config.NumberColumn(c, format="%.1f") for c in table.columns[2:3] if table[c].dtype.is_numeric()
    }
    name = file_stamp(t("page_trends", lang), metric_label(metric, lang), start.strftime("%Y%m"), end.strftime("%Y%m"))
    show_frame(table, column_config=config, download=name, lang=lang, key="tr_download")
