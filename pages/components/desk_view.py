"""Tables and cards of the leader's desk, shaped for people (nothing here aggregates or decides access)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from labels import level_label, t
from pages.components.markup import md
from warehouse.backlog import BACKLOG_COLUMNS, COUNT_COLUMNS
from warehouse.geo import LevelMap
from warehouse.registry import LEVELS


def backlog_kpis(summary: dict[str, Any], lang: str) -> None:
    """Now (with its weekly change), a week ago, cleared, new, oldest: now = a week ago − cleared + new."""
    now, before = summary["backlog_count"], summary["last_week_count"]
    assessed = summary["assessed_backlog_count"]
    week_ago = summary["as_of"] - dt.timedelta(days=7)
    oldest = summary["oldest_overdue_days"]
    cards = (
        (t("bl_now", lang), f"{now:,}", f"{now - before:+,}", "inverse",
         t("bl_now_help", lang).format(assessed=f"{assessed:,}", excluded=f"{now - assessed:,}")),
        (t("bl_last_week", lang), f"{before:,}", None, "off",
         t("bl_last_week_help", lang).format(at=f"{week_ago:%Y-%m-%d %H:%M}")),
        (t("bl_cleared", lang), f"{summary['cleared_count']:,}", None, "off", t("bl_cleared_help", lang)),
        (t("bl_new", lang), f"{summary['new_count']:,}", None, "off", t("bl_new_help", lang)),
        (t("bl_oldest", lang), "—" if oldest is None else t("bl_oldest_value", lang).format(days=oldest), None,
         "off", t("bl_oldest_help", lang)),
    )  # fmt: skip
    for col, (label, value, delta, colour, help_text) in zip(st.columns(len(cards)), cards, strict=True):
        col.metric(label, value, delta=delta, delta_color=colour, help=help_text, border=True)


def _unit_columns(level: str) -> tuple[str, ...]:
    return ("county", "township") if level == "township" else (LEVELS[level].unit_col or "",)


def counts_for_people(counts: pl.DataFrame, level: str, lang: str) -> pl.DataFrame:
    """Per-unit backlog counts with the level's unit column(s) named for people; an empty unit reads
    (not filled in) — those orders are real backlog, only their unit is missing."""
    keys = _unit_columns(level)
    frame = counts.select(*keys, *COUNT_COLUMNS).with_columns(
        pl.col(k).fill_null(t("col_unit_empty", lang)) for k in keys
    )
    names = {k: level_label(k, lang) for k in keys}
    return frame.rename(names)


def orders_for_people(orders: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The backlog list with its coded values in words (deadline source, exclusion reason); column names
    stay canonical here (``oversight_tables.present`` labels them)."""
    sources = {"export": t("due_source_export", lang), "derived": t("due_source_derived", lang)}
    reasons = {"invalid": t("exclusion_invalid", lang), "exempt": t("exclusion_exempt", lang)}
    return orders.select(BACKLOG_COLUMNS).with_columns(
        pl.col("due_source").replace_strict(sources, default=None, return_dtype=pl.String),
        pl.col("exclusion_reason").replace_strict(reasons, default=None, return_dtype=pl.String),
    )


def open_profile(level_map: LevelMap, key: str, scope: str | None, lang: str) -> None:
    """Open the unit profile of a clicked region: the shared filters and the profile's unit picker are
    set to it (the profile page reads them), then the page switches. A county leader's click outside
    the county says why nothing opens (the profile page would not list that unit)."""
    region = next((r for r in level_map.regions if r.key == key), None)
    if region is None:
        return
    if scope and region.county != scope:
        st.info(t("map_profile_scope", lang).format(unit=md(region.name), county=md(scope)), icon=":material/lock:")
        return
    st.session_state["f_level"] = region.level
    group = region.county if region.level == "township" else None
    if group is not None:
        st.session_state["f_county"] = group
    st.session_state[f"up_unit_{region.level}_{group}"] = region.name
    st.switch_page("pages/unit_profile.py")


def with_backlog(table: pl.DataFrame, backlog: dict[str, int], lang: str) -> pl.DataFrame:
    """A ranking's table (its unit column labelled ``unit``) with each unit's backlog now beside it —
    0 for a unit with none, since the counts cover every unit with a backlog."""
    if table.is_empty():
        return table
    name = t("unit", lang)
    counts = [backlog.get(u, 0) for u in table[name]]
    return table.with_columns(pl.Series(t("col_backlog_now", lang), counts, dtype=pl.Int64))
