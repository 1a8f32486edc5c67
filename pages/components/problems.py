"""Recurring problems and early warnings on the pages: cached data access and the two sections.

Who sees what is decided in the warehouse (``warehouse.cluster_views``, ``warehouse.alerts``): the
viewer travels with every call that can return places or orders. Alerts themselves are counts per
county, category and day — the same for everyone, shown on the public overview too; the orders behind
them, like the problems' places and orders, only for roles with order lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from labels import t
from pages.components.data import _con
from pages.components.filters import period_label
from pages.components.markup import md
from pages.components.oversight_tables import LIST_COLUMNS, file_stamp, show_table
from warehouse import alerts as wh_alerts
from warehouse import cluster_views
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.problem_settings import load_problem_settings, problem_settings_path
from warehouse.problems_doc import PROBLEM_RULES

Stamp = tuple[int, int] | None
CLUSTER_COLUMNS = (
    "title", "order_count", "period_order_count", "first_date", "last_date", "departments", "closed_count",
    "resolved_count", "satisfied_count", "satisfaction_answered_count", "caller_count", "repeat_caller_count",
)  # fmt: skip
ALERT_COLUMNS = (
    "county", "category_l1", "category_l2", "start_date", "end_date", "alert_days", "observed_count",
    "expected_count", "excess_count",
)  # fmt: skip


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def alerts(stamp: Stamp, start: dt.date, end: dt.date) -> wh_alerts.AlertScan:
    return wh_alerts.fetch_alerts(_con(), start, end)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def alert_orders(
    stamp: Stamp, viewer: Viewer, county: str | None, category: str | None, start: dt.date, end: dt.date
) -> pl.DataFrame:
    return wh_alerts.fetch_alert_orders(_con(), viewer, county, category, start, end)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def clusters(
    stamp: Stamp,
    viewer: Viewer,
    start: dt.date,
    end: dt.date,
    kind: str,
    lang: str,
    county: str | None = None,
    level: str | None = None,
    unit: str | None = None,
    unit_county: str | None = None,
) -> cluster_views.Clusters:
    period = Period(start, end, kind)
    return cluster_views.fetch_clusters(
        _con(), viewer, period, county=county, level=level, unit=unit, unit_county=unit_county, lang=lang
    )


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def cluster_orders(
    stamp: Stamp, viewer: Viewer, start: dt.date, end: dt.date, kind: str, cluster_id: str
) -> pl.DataFrame:
    return cluster_views.fetch_cluster_orders(_con(), viewer, Period(start, end, kind), cluster_id)


def _dates_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Whole days, not months: the shared table shows a Date column as YYYY-MM."""
    return frame.with_columns(pl.col(c).cast(pl.String) for c, d in frame.schema.items() if d == pl.Date)


def _orders_for_people(frame: pl.DataFrame) -> pl.DataFrame:
    """Times as text with "—" for an event that never happened (an order answered directly was never
    dispatched; the shared table would print None)."""
    times = [c for c, d in frame.schema.items() if isinstance(d, pl.Datetime)]
    return frame.with_columns(pl.col(c).dt.strftime("%Y-%m-%d %H:%M").fill_null("—") for c in times)


def alerts_section(stamp: Stamp, period: Period, viewer: Viewer, lang: str, county: str | None = None) -> None:
    """The spikes with an alert day in the period; the orders behind one for roles with order lists."""
    st.subheader(t("al_title", lang))
    scan = alerts(stamp, period.start, period.end)
    cfg = load_problem_settings().alerts
    if scan.tested_from is None:
        st.info(t("al_no_history", lang), icon=":material/hourglass_empty:")
        return
    st.caption(t("al_note", lang).format(min_count=cfg.min_count, ratio=cfg.min_ratio, alpha=cfg.alpha,
                                          since=scan.tested_from))  # fmt: skip
    found = scan.alerts if county is None else scan.alerts.filter(pl.col("county") == county)
    if found.is_empty():
        st.success(t("al_none", lang), icon=":material/check_circle:")
        return
    show_table(_dates_as_text(found), ALERT_COLUMNS, lang, download=file_stamp(t("al_title", lang), period.label))
    if not viewer.sees_order_lists:
        st.caption(t("al_public_note", lang))
        return
    rows = found.to_dicts()
    pick = st.selectbox(t("al_pick", lang), range(len(rows)), format_func=lambda i: _alert_label(rows[i], lang),
                        index=None, key="al_pick", placeholder=t("pick_placeholder", lang))  # fmt: skip
    if pick is not None:
        a = rows[pick]
        orders = alert_orders(stamp, viewer, a["county"], a["category_l2"], a["start_date"], a["end_date"])
        show_table(_orders_for_people(orders), LIST_COLUMNS, lang)


def _alert_label(a: dict[str, Any], lang: str) -> str:
    end = "" if a["end_date"] == a["start_date"] else f"–{a['end_date']:%m-%d}"
    return t("al_label", lang).format(start=a["start_date"], end=end, county=a["county"] or "—",
                                      category=a["category_l2"] or "—", observed=a["observed_count"],
                                      expected=a["expected_count"])  # fmt: skip


def clusters_section(
    stamp: Stamp,
    period: Period,
    viewer: Viewer,
    lang: str,
    *,
    county: str | None = None,
    level: str | None = None,
    unit: str | None = None,
    unit_county: str | None = None,
    top: int = 30,
) -> None:
    """The period's recurring problems (of a county, or touching one unit), and the orders behind one."""
    found = clusters(stamp, viewer, period.start, period.end, period.kind, lang, county, level, unit, unit_county)
    cfg = load_problem_settings().clusters
    st.subheader(t("cl_unit_title" if unit else "cl_title", lang))
    st.caption(t("cl_note", lang).format(period=period_label(period, lang), start=found.window.start, end=found.window.end,
                                         scanned=found.scanned, placed=found.placed, days=cfg.window_days,
                                         size=cfg.min_size))  # fmt: skip
    if found.anonymised:
        st.caption(t("cl_note_public", lang))
    if found.frame.is_empty() and found.scanned and not found.placed:  # "none" would be false: nothing to go on
        st.info(t("cl_not_available", lang), icon=":material/block:")
        return
    if found.frame.is_empty():
        st.info(t("cl_unit_none" if unit else "cl_none", lang), icon=":material/check_circle:")
        return
    frame = _dates_as_text(found.frame.head(top))
    show_table(frame, CLUSTER_COLUMNS, lang, download=file_stamp(t("cl_title", lang), unit or county or "", period.label),
               key=f"cl_dl_{unit or county or 'all'}", heads=cluster_views.SHEET_LABELS)  # fmt: skip
    if not viewer.sees_order_lists:
        return
    rows = frame.to_dicts()
    pick = st.selectbox(t("cl_pick", lang), range(len(rows)), format_func=lambda i: rows[i]["title"],
                        index=None, key=f"cl_pick_{unit or 'all'}", placeholder=t("pick_placeholder", lang))  # fmt: skip
    if pick is not None:
        orders = cluster_orders(stamp, viewer, period.start, period.end, period.kind, rows[pick]["cluster_id"])
        st.caption(t("cl_orders_note", lang).format(n=orders.height))
        show_table(_orders_for_people(orders), LIST_COLUMNS, lang)


def about_problems(lang: str) -> None:
    """The About page's account of the problem finders: the rules as decided, the settings in force."""
    st.subheader(t("about_problems", lang))
    st.markdown("\n".join(f"- {en if lang == 'en' else zh}" for zh, en in PROBLEM_RULES))
    rows = [(f"{table}.{key}", str(value)) for table, values in load_problem_settings().to_dict().items()
            for key, value in values.items()]  # fmt: skip
    st.caption(t("about_problems_settings", lang).format(path=md(problem_settings_path().name)))
    st.table(pl.DataFrame(rows, schema=[t("col_setting", lang), t("col_setting_value", lang)], orient="row"))
