"""KPI cards: a figure, its change against the previous period, and its definition on hover."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import streamlit as st

from labels import metric_label, t
from labels import missing_fields as missing_field_names
from warehouse.registry import FIELD_INPUTS, get_metric

OVERVIEW_KPIS = (
    "received_count",
    "dispatched_count",
    "direct_answer_rate",
    "response_rate",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "score",
)


def format_value(key: str, value: float | None) -> str:
    if value is None:
        return "—"
    unit = get_metric(key).unit
    if unit == "ratio":
        return f"{100 * value:.1f}%"
    if unit == "points":
        return f"{value:.2f}"
    return f"{int(value):,}"


def format_change(key: str, change: Decimal | None, lang: str) -> str | None:
    """A change computed by the warehouse from exact values and rounded once (warehouse.scoring.change):
    rates in percentage points, the score in points, counts in orders; None without a base."""
    if change is None:
        return None
    unit = get_metric(key).unit
    if unit == "ratio":
        return f"{change:+.1f} {t('pp', lang)}"
    if unit == "points":
        return f"{change:+.2f} {t('points_short', lang)}"
    return f"{int(change):+,}"


def delta_colour(key: str) -> str:
    """Green for better: up for higher-is-better figures, down for lower-is-better, grey for volumes."""
    better = get_metric(key).higher_is_better
    return "off" if better is None else ("normal" if better else "inverse")


def kpi_label(key: str, lang: str, incomplete: bool, value: Any = 0) -> str:
    """The figure's name, marked 未完整 when it lags, the period is not mature yet and there is a value
    (a figure the source cannot supply is not "incomplete", it is absent)."""
    mark = t("incomplete_suffix", lang) if incomplete and get_metric(key).lagging and value is not None else ""
    return metric_label(key, lang) + mark


def explain(key: str, totals: dict[str, Any], lang: str) -> str:
    """The definition, the figure's numerator ÷ denominator, or why it is not available."""
    m = get_metric(key)
    text = m.definition_en if lang == "en" else m.definition_zh
    if key in (totals.get("missing_rates") or "").split(","):
        return text + "\n\n" + t("missing_field_help", lang).format(fields=missing_fields(key, lang))
    if m.numerator and totals.get(m.denominator):
        num = totals.get(m.numerator) or 0
        text += f"\n\n{metric_label(m.numerator, lang)} {num:,.0f} ÷ {metric_label(m.denominator, lang)} {totals[m.denominator]:,}"
    if key == "on_time_rate" and totals.get("derived_due_share") is not None:
        text += f"\n\n{t('derived_due_share', lang)} {100 * totals['derived_due_share']:.1f}%"
    return text


def missing_fields(key: str, lang: str) -> str:
    """The source fields a rate lacks, named for people ('首次联系时间')."""
    return missing_field_names([key], lang) if key in FIELD_INPUTS else ""


def kpi_cards(current: dict[str, Any], comparison: dict[str, Any], lang: str, per_row: int = 4) -> None:
    """The overview's eight cards in rows of ``per_row``; the change is the warehouse's, like for like."""
    for start in range(0, len(OVERVIEW_KPIS), per_row):
        cols = st.columns(per_row)
        for col, key in zip(cols, OVERVIEW_KPIS[start : start + per_row], strict=False):
            diff = comparison["changes"].get(key)
            col.metric(
                kpi_label(key, lang, comparison["incomplete"], current.get(key)),
                format_value(key, current.get(key)),
                delta=format_change(key, diff, lang),
                delta_color="off" if diff == 0 else delta_colour(key),
                delta_arrow="off" if diff == 0 else "auto",  # no change is not a rise
                help=explain(key, current, lang),
                border=True,
            )
