"""From a figure in a league table to the orders behind it (warehouse.drilldown), with a download."""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import metric_label, t
from pages.components import data
from pages.components.auth import audit_export
from pages.components.export import to_csv_bytes
from pages.components.tables import orders_table
from warehouse.calendar import Period
from warehouse.drilldown import PARTS
from warehouse.registry import RANKING_RATES, get_metric

DRILL_METRICS = (*RANKING_RATES, "return_rate", "repeat_rate")


def part_label(metric: str, part: str, lang: str) -> str:
    m = get_metric(metric)
    if part == "excluded":
        return t("part_excluded", lang)
    key = m.numerator if part == "numerator" else m.denominator
    return t(f"part_{part}", lang).format(label=metric_label(key or "", lang))


def drilldown_panel(ranking: pl.DataFrame, level: str, period: Period, lang: str, key: str = "drill") -> None:
    """Three choices (unit, figure, numerator/denominator/excluded) and the order list behind them."""
    units = ranking.select("unit", "county").rows()
    if not units:
        return
    c1, c2, c3 = st.columns(3)
    unit, county = c1.selectbox(t("drill_unit", lang), units, format_func=lambda u: u[0], key=f"{key}_unit")
    metric = c2.selectbox(
        t("drill_metric", lang), DRILL_METRICS, format_func=lambda k: metric_label(k, lang), key=f"{key}_metric"
    )
    part = c3.selectbox(
        t("drill_part", lang), PARTS, format_func=lambda p: part_label(metric, p, lang), key=f"{key}_part"
    )
    stamp = data.warehouse_stamp()
    county_arg = county if level == "township" else None
    orders = data.orders(stamp, level, unit, county_arg, period.start, period.end, period.kind, metric, part)
    if orders.is_empty():
        st.info(t("drill_empty", lang), icon=":material/inbox:")
        return
    st.caption(t("drill_count", lang).format(n=f"{orders.height:,}"))
    table = orders_table(orders, lang)
    st.dataframe(table, hide_index=True, width="stretch", height=min(400, 35 * (table.height + 1) + 3))
    st.download_button(
        t("drill_download", lang),
        to_csv_bytes(table),
        file_name=f"orders_{unit}_{metric}_{part}_{period.label}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_download",
        on_click=audit_export,
        args=(f"orders_{unit}_{metric}_{part}_{period.label}.csv",),
    )
