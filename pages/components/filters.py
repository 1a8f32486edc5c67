"""The sidebar filters every page shares: period (month, quarter, year, date range), level and group.

Values live in ``st.session_state`` under ``f_*`` keys, so a choice made on one page holds on the
next. The defaults follow the data: the latest *complete* month of intake (orders were received in it
and the as-of time reaches its last day), the latest complete quarter, the year of that month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from labels import t
from pages.components import data
from pages.components.auth import page_access
from warehouse.calendar import COMPARE_BASES, PERIOD_KINDS, Period
from warehouse.periods import latest_complete_month
from warehouse.registry import LEVELS

KEYS = ("f_kind", "f_month", "f_quarter", "f_year", "f_range", "f_level", "f_group", "f_county", "f_basis")


@dataclass(frozen=True)
class Filters:
    """What the sidebar says: the period, the ranked level, and the ranking group within it
    (a department group for departments, the county for townships, None for counties)."""

    period: Period
    level: str
    group: str | None
    basis: str = "previous"  # what a change is measured against: 环比 (previous) or 同比 (year_ago)


def keep_filter_state() -> None:
    """Streamlit forgets a widget's value on a run that does not draw it; re-assigning keeps it
    (called by the router on every run, so pages without filters do not reset them)."""
    for key in KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def period_options(
    months: list[dt.date], as_of: dt.datetime | None, intake: list[dt.date] | None = None
) -> dict[str, tuple[list[str], str]]:
    """Per period kind: the choices present in the data (newest first, as Period.parse labels) and the
    default, the latest complete month of ``intake`` (the months with received orders; all when None)."""
    done = latest_complete_month(intake or months, as_of)
    month_opts = [m.strftime("%Y-%m") for m in reversed(months)]
    quarters = sorted({(m.year, (m.month - 1) // 3 + 1) for m in months}, reverse=True)
    quarter_opts = [f"{y}-Q{q}" for y, q in quarters]
    complete_q = [f"{y}-Q{q}" for y, q in quarters if Period.quarter(y, q).end <= Period.month(done).end]
    year_opts = [str(y) for y in sorted({m.year for m in months}, reverse=True)]
    return {
        "month": (month_opts, done.strftime("%Y-%m")),
        "quarter": (quarter_opts, (complete_q or quarter_opts)[0]),
        "year": (year_opts, str(done.year)),
    }


def trend_window(period: Period, months: list[dt.date], span: int = 12) -> tuple[dt.date, dt.date]:
    """The months a trend shows: the ``span`` months up to the period's end, or the whole period when
    longer, never before the first month loaded."""
    end = period.end.replace(day=1)
    back = end.year * 12 + end.month - 1 - (span - 1)
    start = min(dt.date(back // 12, back % 12 + 1, 1), period.start.replace(day=1))
    return max(start, months[0]), period.end


def period_label(period: Period, lang: str) -> str:
    """A period as people say it: 2026年10月, 2026年第3季度, 2026年, a date range."""
    if period.kind == "month":
        return t("month_fmt", lang).format(year=period.start.year, month=period.start.month)
    if period.kind == "quarter":
        return t("quarter_fmt", lang).format(year=period.start.year, q=(period.start.month - 1) // 3 + 1)
    if period.kind == "year":
        return t("year_fmt", lang).format(year=period.start.year)
    return t("range_fmt", lang).format(start=period.start.isoformat(), end=period.end.isoformat())


def _seed(key: str, options: list, default) -> None:
    """Put a valid value in session state before the widget is drawn (no widget default, no warning)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def sidebar_filters(lang: str, *, levels: bool = True, compare: bool = False) -> Filters:
    """Draw the shared filters in the sidebar and return them. Call after ``page_header``; ``compare``
    adds the 环比 / 同比 choice (pages that compare periods)."""
    stamp = data.warehouse_stamp()
    months = data.months(stamp)
    as_of_text = data.build_info(stamp).get("as_of")
    as_of = dt.datetime.fromisoformat(as_of_text) if as_of_text else None
    options = period_options(months, as_of, data.intake_months(stamp))
    sb = st.sidebar
    sb.subheader(t("filters", lang))
    _seed("f_kind", list(PERIOD_KINDS), "month")
    kind = sb.selectbox(t("period_kind", lang), PERIOD_KINDS, key="f_kind", format_func=lambda k: t(f"kind_{k}", lang))
    if kind == "range":
        period = _range_input(lang, months, as_of, options["month"][1])
    else:
        opts, default = options[kind]
        _seed(f"f_{kind}", opts, default)
        incomplete = {m for m in options["month"][0] if m > options["month"][1]}
        choice = sb.selectbox(
            t(f"period_{kind}", lang),
            opts,
            key=f"f_{kind}",
            format_func=lambda v: (
                period_label(Period.parse(v), lang) + (t("incomplete_month", lang) if v in incomplete else "")
            ),
        )
        period = Period.parse(choice)
    basis = _basis_input(lang) if compare else "previous"
    if not levels:
        return Filters(period, st.session_state.get("f_level", "county"), None, basis)
    return Filters(period, *_level_inputs(lang, stamp), basis)


def _basis_input(lang: str) -> str:
    """环比 or 同比: the period every change on the page is measured against (shared by the pages)."""
    _seed("f_basis", list(COMPARE_BASES), "previous")
    return st.sidebar.radio(t("compare_basis", lang), COMPARE_BASES, key="f_basis", horizontal=True,
                            format_func=lambda b: t(f"basis_{b}", lang))  # fmt: skip


def base_caption(period: Period, basis: str, reaches: bool, lang: str) -> str:
    """What a table's rank changes are measured against — or why there are none (no 同比)."""
    base = period.base(basis)
    if not reaches:
        return t("compare_unreached", lang).format(period=period_label(period, lang), base=period_label(base, lang))
    return t("rank_change_basis", lang).format(base=period_label(base, lang))


def compare_caption(period: Period, comparison: dict, lang: str) -> str:
    """What the changes on the page are measured against — or why there is no 同比."""
    base = Period.parse(comparison["base"]) if comparison.get("base") else period.previous()
    if not comparison.get("reaches", True):
        return t("compare_unreached", lang).format(period=period_label(period, lang), base=period_label(base, lang))
    key = "compare_caption" if comparison.get("basis", "previous") == "previous" else "compare_caption_year"
    return t(key, lang).format(period=period_label(period, lang), previous=period_label(base, lang))


def _range_input(lang: str, months: list[dt.date], as_of: dt.datetime | None, default_month: str) -> Period:
    lo, hi = months[0], max(Period.month(months[-1]).end, as_of.date() if as_of else months[-1])
    default = Period.month(default_month)
    value = st.session_state.get("f_range")
    if not (isinstance(value, (tuple, list)) and value and all(lo <= d <= hi for d in value)):
        st.session_state["f_range"] = (default.start, default.end)
    picked = st.sidebar.date_input(
        t("period_range", lang), key="f_range", min_value=lo, max_value=hi, format="YYYY-MM-DD"
    )
    if len(picked) < 2:
        st.sidebar.caption(t("range_incomplete", lang))
        return Period.between(picked[0], picked[0])
    return Period.between(picked[0], picked[1])


def _level_inputs(lang: str, stamp: tuple[int, int] | None) -> tuple[str, str | None]:
    names = list(LEVELS)
    _seed("f_level", names, "county")
    label = (lambda k: LEVELS[k].label_en) if lang == "en" else (lambda k: LEVELS[k].label_zh)
    level = st.sidebar.radio(t("level", lang), names, key="f_level", format_func=label, horizontal=True)
    units = data.units(stamp)
    if level == "department":
        depts = units.filter(units["level"] == "department")
        by_size = depts.group_by("group_name").len().sort(["len", "group_name"], descending=[True, False])
        groups = by_size["group_name"].to_list()
        if not groups:
            return level, None
        _seed("f_group", groups, groups[0])
        return level, st.sidebar.selectbox(t("group", lang), groups, key="f_group")
    if level == "township":
        counties = sorted(units.filter(units["level"] == "county")["unit"].to_list())
        scope = page_access().county_scope  # a county-scoped leader sees only that county's townships
        if scope:
            counties = [c for c in counties if c == scope]
        if not counties:
            return level, None
        _seed("f_county", counties, counties[0])
        return level, st.sidebar.selectbox(t("county_filter", lang), counties, key="f_county")
    return level, None
