"""The published record on the pages (issue 14): the 已定榜 / 未定榜 stamp, the live recomputation's
differences, the versions of a month, a unit's published rank history.

Cached data functions take the warehouse stamp (which includes the record's, so a publication refreshes
every cache) and plain values; the list of changed orders takes the viewer, and the warehouse decides what
it may see (``warehouse.record_diff.changed_orders``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from labels import LABELS, level_label, metric_label, t
from pages.components.data import _con
from pages.components.grid import show_frame
from warehouse import published, record_diff, rule_sets
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.published_rules import rule_conflicts as rule_conflicts_of
from warehouse.record import RecordError, record_dir_of
from warehouse.settings import load_settings

ORDER_LIMIT = 2000


@st.cache_data(ttl=600, max_entries=64)
def status(stamp: tuple | None, start: dt.date, end: dt.date, kind: str) -> dict[str, Any]:
    return published.status(_con(), Period(start, end, kind)).as_dict()


@st.cache_data(ttl=600, max_entries=16)
def published_months(stamp: tuple | None) -> list[str]:
    """The published months, newest first."""
    return sorted(published.published_months(_con()), reverse=True)


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def live_differences(stamp: tuple | None, start: dt.date, end: dt.date, kind: str) -> tuple[pl.DataFrame, dict]:
    """(figures that moved since publication, counts of changed orders) of a published month."""
    period, con = Period(start, end, kind), _con()
    moved = record_diff.published_vs_live(con, period, load_settings())
    counts = record_diff.changed_order_counts(con, period) or {}
    return (moved if moved is not None else pl.DataFrame(schema=record_diff.MOVED_SCHEMA)), counts


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def changed_orders(stamp: tuple | None, viewer: Viewer, start: dt.date, end: dt.date, kind: str) -> pl.DataFrame:
    """The changed orders ``viewer`` may see (the viewer is part of the cache key)."""
    frame = record_diff.changed_orders(_con(), viewer, Period(start, end, kind), ORDER_LIMIT)
    return frame if frame is not None else pl.DataFrame()


@st.cache_data(ttl=600, max_entries=16)
def versions(stamp: tuple | None, month: str) -> list[dict[str, Any]]:
    con = _con()
    out = []
    for e in record_diff.history_of(con, month):
        changes = record_diff.version_changes(con, month, e.version)
        out.append({"version": e.version, "at": e.at, "user": e.user, "reason": e.reason, "as_of": e.as_of,
                    "orders": e.orders, "changes": changes})  # fmt: skip
    return out


@st.cache_data(ttl=600, max_entries=32)
def rank_history(stamp: tuple | None, level: str, unit: str, county: str | None) -> pl.DataFrame:
    return record_diff.rank_history(_con(), level, unit, county)


@st.cache_data(ttl=600, max_entries=8)
def rule_history(stamp: tuple | None, lang: str) -> pl.DataFrame:
    """The history of rules (warehouse.rule_sets.history) as a table: from when, why, what changed."""
    rows = []
    for step in rule_sets.history(load_settings()):
        changes = "；".join(f"{k}: {a} → {b}" for k, (a, b) in step["changes"].items())
        rows.append({t("rule_from", lang): step["from"] or t("rule_from_start", lang),
                     t("rule_note", lang): step["note"] or "—", t("rule_changes", lang): changes or "—"})  # fmt: skip
    return pl.DataFrame(rows)


@st.cache_data(ttl=600, max_entries=8)
def rule_conflicts(stamp: tuple | None) -> list[tuple[str, int, list[str]]]:
    """Published months whose rules the settings file now changes (loads will be refused)."""
    return rule_conflicts_of(record_dir_of(_con()), load_settings())


def stamp_text(state: dict[str, Any], lang: str) -> str:
    if not state["published"]:
        return t("rec_unpublished", lang)
    text = t("rec_published", lang).format(date=f"{state['published_on']:%Y-%m-%d}")
    if state["corrected_on"]:
        corrected = t("rec_corrected", lang).format(date=f"{state['corrected_on']:%Y-%m-%d}", version=state["version"])
        text += f"（{corrected}）"
    return text


def badge(stamp: tuple | None, period: Period, lang: str) -> dict[str, Any]:
    """The period's place in the record, under the page's caption: a green 已定榜 or an orange 未定榜 badge
    with one sentence on what that means for the figures shown. Returns the status."""
    try:
        state = status(stamp, period.start, period.end, period.kind)
    except RecordError as exc:
        st.error(t("rec_broken", lang).format(error=exc), icon=":material/gpp_bad:")
        st.stop()
    if state["published"]:
        st.markdown(f":green-badge[:material/verified: {stamp_text(state, lang)}] "
                    f":small[{t('rec_published_note', lang)}]")  # fmt: skip
    elif state["month"] is None:
        st.markdown(f":orange-badge[{t('rec_unpublished', lang)}] :small[{t('rec_range_note', lang)}]")
    else:
        st.markdown(f":orange-badge[{t('rec_unpublished', lang)}] :small[{t('rec_unpublished_note', lang)}]")
    return state


LEVEL_NAMES = ("county", "department", "township")


def headers(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Catalogue headers: field names (工单编号, 乡镇街道, …), metric names, then the catalogue's own keys; an
    empty text cell reads "—"."""

    def name(col: str) -> str:
        if f"field_{col}" in LABELS:
            return t(f"field_{col}", lang)
        if col == "score":
            return metric_label(col, lang)
        return t(col, lang) if col in LABELS else col

    shown = frame.with_columns(pl.col(pl.String).fill_null("—"))  # a city row has no group or county: "—", not None
    return shown.rename({c: name(c) for c in frame.columns})


def moved_table(moved: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The moved figures as people read them (level names, catalogue headers)."""
    shown = moved.with_columns(pl.col("level").replace({k: level_label(k, lang) for k in ("city", *LEVEL_NAMES)}))
    return headers(shown, lang)


def differences(stamp: tuple | None, period: Period, viewer: Viewer, lang: str, level: str | None = None) -> None:
    """What moved since publication (the figures; of ``level`` and the city when given) and which orders
    changed: counts for everyone, the list for roles that see order lists."""
    moved, counts = live_differences(stamp, period.start, period.end, period.kind)
    st.markdown(f"**{t('rec_moved_title', lang)}**")
    if level is not None:
        moved = moved.filter(pl.col("level").is_in([level, "city"]))
    if moved.is_empty():
        st.caption(t("rec_no_moved", lang))
    else:
        show_frame(moved_table(moved, lang), height=min(35 * (moved.height + 1) + 3, 420))
    st.markdown(f"**{t('rec_orders_title', lang)}**")
    st.caption(t("rec_order_counts", lang).format(**{k: counts.get(k, 0) for k in ("changed", "added", "removed")}))
    if not viewer.sees_order_lists:
        st.caption(t("rec_orders_hidden", lang))
        return
    orders = changed_orders(stamp, viewer, period.start, period.end, period.kind)
    if orders.is_empty():
        return
    orders = orders.with_columns(
        pl.col("change").replace({k: t(f"change_{k}", lang) for k in ("changed", "added", "removed")})
    )
    show_frame(headers(orders, lang), height=min(35 * (orders.height + 1) + 3, 420))
    if orders.height >= ORDER_LIMIT:
        st.caption(t("rec_orders_capped", lang).format(n=ORDER_LIMIT))


def history_section(stamp: tuple | None, level: str, unit: str, county: str | None, lang: str) -> None:
    """A unit's published rank month by month, and per year how often it was on each list."""
    frame = rank_history(stamp, level, unit, county)
    if frame.is_empty():
        st.info(t("up_history_none", lang), icon=":material/history:")
        return
    for year, s in sorted(record_diff.history_summary(frame).items()):
        st.caption(t("up_history_year", lang).format(
            year=year, months=s["months"], black=len(s["black"]), red=len(s["red"]),
            black_list=f"（{'、'.join(s['black'])}）" if s["black"] else "",
            red_list=f"（{'、'.join(s['red'])}）" if s["red"] else "",
        ))  # fmt: skip
    lists = pl.when(pl.col("is_red")).then(pl.lit(t("flag_red", lang))).when(pl.col("is_black"))
    table = frame.select(
        "month", pl.format("v{}", "version").alias("version"), "published_on", "group_name", "rank", "ranked_units",
        pl.col("score").round(2), "rank_change", lists.then(pl.lit(t("flag_black", lang))).otherwise(pl.lit("")).alias("on_list"),
    )  # fmt: skip
    show_frame(headers(table, lang))
