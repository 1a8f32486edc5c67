"""From a figure in a league table to the orders behind it (warehouse.drilldown), with a download.

Who may see which orders is decided in the warehouse (``warehouse.access``): this panel passes the
viewer along and turns a refusal into a sentence.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from labels import metric_label, t
from pages.components import data
from pages.components.auth import audit_export, page_access
from pages.components.export import to_csv_bytes
from pages.components.grid import show_frame
from pages.components.markup import md
from pages.components.tables import orders_table
from warehouse.access import OrderAccessError, Viewer
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


def drill_units(ranking: pl.DataFrame, level: str, viewer: Viewer) -> dict[str, str | None]:
    """unit -> its county (a ranking table names each unit once: townships are ranked within one
    county). A county-scoped viewer's orders are its county's only, so at county level only that
    county can have any (the warehouse filters either way)."""
    units = dict(ranking.select("unit", "county").rows())
    if viewer.county_scope and level == "county":
        units = {u: c for u, c in units.items() if u == viewer.county_scope}
    return units


def drilldown_panel(ranking: pl.DataFrame, level: str, period: Period, lang: str, key: str = "drill") -> None:
    """Three choices (unit, figure, numerator/denominator/excluded) and the order list behind them."""
    viewer = page_access().viewer
    if not viewer.sees_order_lists:
        st.info(t("order_access_denied", lang), icon=":material/lock:")
        return
    units = drill_units(ranking, level, viewer)
    if not units:
        return
    c1, c2, c3 = st.columns(3)
    unit = c1.selectbox(t("drill_unit", lang), list(units), key=f"{key}_unit")
    metric = c2.selectbox(
        t("drill_metric", lang), DRILL_METRICS, format_func=lambda k: metric_label(k, lang), key=f"{key}_metric"
    )
    part = c3.selectbox(
        t("drill_part", lang), PARTS, format_func=lambda p: part_label(metric, p, lang), key=f"{key}_part"
    )
    county_arg = units[unit] if level == "township" else None
    try:
        orders = data.orders(data.warehouse_stamp(), viewer, level, unit, county_arg, period.start, period.end,
                             period.kind, metric, part)  # fmt: skip
    except OrderAccessError:
        st.info(t("order_access_denied", lang), icon=":material/lock:")
        return
    if viewer.county_scope:
        st.caption(t("scope_orders_note", lang).format(county=md(viewer.county_scope)))
    if orders.is_empty():
        st.info(t("drill_empty", lang), icon=":material/inbox:")
        return
    st.caption(t("drill_count", lang).format(n=f"{orders.height:,}"))
    table = orders_table(orders, lang)
    show_frame(table, height=min(400, 35 * (table.height + 1) + 3))
    name = f"orders_{unit}_{metric}_{part}_{period.label}.csv"
    st.download_button(
        t("drill_download", lang),
        to_csv_bytes(table),
        file_name=name,
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_download",
        on_click=audit_export,
        args=(name,),
    )
