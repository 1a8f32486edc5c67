"""The unit profile's 考核完整性 section (issue 20): what the unit excluded, how its redos ended, its
extensions, what its replies say, and its overdue orders by working days late — beside the assessed
figures above it. Reads the unit's ranking row and cached counts; a figure the source cannot supply
reads "—", never 0."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from labels import metric_label, t
from pages.components.integrity_view import over_exclusion_note, over_exclusion_text, pct_text, redo_basis_text
from pages.components.oversight_tables import show_table
from warehouse.integrity import redo_gap
from warehouse.integrity_figures import AGE_BUCKETS

CARDS = (
    "invalid_count", "exempt_count", "exclusion_rate", "redo_rate", "first_satisfaction_rate",
    "final_satisfaction_rate", "extended_count", "actual_solve_rate",
)  # fmt: skip


def card_value(key: str, value: Any) -> str:
    if value is None:
        return "—"
    return pct_text(value) if key.endswith("_rate") else f"{value:,}"


def redo_gap_text(row: dict[str, Any], basis: str, min_sample: int, lang: str) -> str | None:
    """The first rating hidden by redos: final satisfaction well above the first, in words."""
    first, final = row.get("first_satisfaction_rate"), row.get("final_satisfaction_rate")
    if not redo_gap(row, min_sample) or first is None or final is None:
        return None
    return t("up_redo_gap", lang).format(
        first=pct_text(first), final=pct_text(final), gap=f"{100 * (final - first):.1f}",
        basis=t(f"satisfaction_basis_{basis}", lang),
    )  # fmt: skip


def integrity_section(row: dict[str, Any], ages: dict[str, Any] | None, settings: dict[str, Any], lang: str) -> None:
    st.subheader(t("up_integrity_title", lang))
    st.caption(t("up_integrity_caption", lang))
    for start in range(0, len(CARDS), 4):
        for col, key in zip(st.columns(4), CARDS[start : start + 4], strict=True):
            help_text = metric_label(key, lang)
            if key.startswith(("redo", "first", "final")) and (basis := redo_basis_text(row.get("redo_basis"), lang)):
                help_text += f"（{basis}）" if lang == "zh" else f" ({basis})"
            col.metric(metric_label(key, lang), card_value(key, row.get(key)), help=help_text, border=True)
    if row.get("redo_basis") in ("proxy", "mixed"):  # the redo figures are partly or wholly the proxy: say so
        st.caption(t("up_redo_basis", lang).format(basis=redo_basis_text(row["redo_basis"], lang)))
    if flag := over_exclusion_text(row, lang):
        st.warning(flag, icon=":material/flag:")
        st.caption(over_exclusion_note(settings, lang))
    if gap := redo_gap_text(row, settings.get("satisfaction_basis", "first"), settings["min_sample"], lang):
        st.warning(gap, icon=":material/replay:")
    st.markdown(f"**{t('up_ages_title', lang)}**")
    if ages is not None and ages.get("overdue_open_count") == 0:
        st.caption(t("up_ages_none", lang))
        return
    for col, key in zip(st.columns(len(AGE_BUCKETS)), AGE_BUCKETS, strict=True):
        col.metric(metric_label(key, lang), card_value(key, (ages or {}).get(key)), border=True)


LIMIT_COLUMNS = (
    "category_l1",
    "category_l2",
    "time_limit",
    "on_time_due_count",
    "closed_on_time_count",
    "on_time_rate",
)


def limit_text(workdays: int | None, hours: float | None, lang: str) -> str:
    """The limit the category's derived deadlines used, in words; 导出所带 when none was derived."""
    if workdays is not None:
        return t("limit_workdays", lang).format(n=workdays)
    if hours is not None:
        return t("limit_hours", lang).format(n=hours)
    return t("limit_export", lang)


def category_limits_section(frame: pl.DataFrame, lang: str, download: str) -> None:
    """按时办结率 per category against its own limit (warehouse.integrity_figures.fetch_category_on_time)."""
    if frame.is_empty():
        return
    st.markdown(f"**{t('up_limits_title', lang)}**")
    texts = [limit_text(w, h, lang) for w, h in zip(frame["limit_workdays"], frame["limit_hours"], strict=True)]
    show_table(frame.with_columns(pl.Series("time_limit", texts, dtype=pl.String)), LIMIT_COLUMNS, lang,
               download=download)  # fmt: skip
    st.caption(t("up_limits_caption", lang))
