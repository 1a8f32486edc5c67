"""The case-mix comparison of satisfaction on the pages: beside the official rate, never instead of it.

Aggregates only (the same for every viewer): cached per warehouse stamp, level and period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from labels import t
from pages.components.data import _con
from pages.components.oversight_tables import show_table
from warehouse import casemix
from warehouse.calendar import Period
from warehouse.problem_settings import load_problem_settings

Stamp = tuple[int, int] | None
CELL_COLUMNS = (
    "category_l2", "appeal_type", "satisfaction_answered_count", "satisfaction_rate", "city_satisfaction_rate",
    "expected_satisfied", "satisfied_answers", "satisfaction_gap",
)  # fmt: skip


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def casemix_frame(stamp: Stamp, level: str, start: dt.date, end: dt.date, kind: str) -> pl.DataFrame:
    return casemix.fetch_casemix(_con(), level, Period(start, end, kind))


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def unit_cells(
    stamp: Stamp, level: str, unit: str, county: str | None, start: dt.date, end: dt.date, kind: str
) -> pl.DataFrame:
    return casemix.fetch_unit_casemix_cells(_con(), level, unit, Period(start, end, kind), county)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def verdict_text(row: dict[str, Any], lang: str) -> str:
    return t(f"cm_verdict_{row.get('casemix_verdict') or 'none'}", lang)


def _unit_row(frame: pl.DataFrame, level: str, unit: str, county: str | None) -> dict[str, Any] | None:
    keys = {"county": unit} if level == "county" else {"department": unit}
    if level == "township":
        keys = {"county": county, "township": unit}
    for row in frame.iter_rows(named=True):
        if all(row.get(k) == v for k, v in keys.items()):
            return row
    return None


def unit_section(stamp: Stamp, period: Period, level: str, unit: str, county: str | None, lang: str) -> None:
    """The unit's observed vs expected satisfaction, with its interval and the kinds of case behind it."""
    st.subheader(t("cm_title", lang))
    months = load_problem_settings().casemix.reference_months
    row = _unit_row(casemix_frame(stamp, level, period.start, period.end, period.kind), level, unit, county)
    if row is None or row["satisfaction_oe"] is None:
        st.info(t("cm_not_available", lang), icon=":material/block:")
        return
    st.markdown(t("cm_sentence", lang).format(
        observed=_pct(row["satisfaction_rate"]), expected=_pct(row["expected_satisfaction_rate"]),
        oe=_ratio(row["satisfaction_oe"]), low=_ratio(row["satisfaction_oe_low"]),
        high=_ratio(row["satisfaction_oe_high"]), verdict=verdict_text(row, lang)))  # fmt: skip
    st.caption(t("cm_note", lang).format(months=months))
    cells = unit_cells(stamp, level, unit, county, period.start, period.end, period.kind)
    if not cells.is_empty():
        st.markdown(f"**{t('cm_cells_title', lang)}**")
        show_table(cells.head(15), CELL_COLUMNS, lang)


def with_casemix(
    table: pl.DataFrame, ranking: pl.DataFrame, level: str, frame: pl.DataFrame, lang: str
) -> pl.DataFrame:
    """The league table with the case-mix columns appended (its rows in the ranking's order)."""
    rows = [_unit_row(frame, level, r["unit"], r.get("county")) or {} for r in ranking.iter_rows(named=True)]
    return table.with_columns(
        pl.Series(t("col_expected_satisfaction_rate", lang), [_pct(r.get("expected_satisfaction_rate")) for r in rows]),
        pl.Series(t("col_satisfaction_oe", lang), [_ratio(r.get("satisfaction_oe")) for r in rows]),
        pl.Series(t("col_satisfaction_oe_interval", lang),
                  [f"{_ratio(r.get('satisfaction_oe_low'))}–{_ratio(r.get('satisfaction_oe_high'))}"
                   if r.get("satisfaction_oe") is not None else "—" for r in rows]),
        pl.Series(t("col_casemix_verdict", lang), [verdict_text(r, lang) if r else "—" for r in rows]),
    )  # fmt: skip


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"  # three places: an interval ending at 0.996 is below 1
