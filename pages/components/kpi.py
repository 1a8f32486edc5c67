"""KPI cards: a figure, its change against the previous period, and its definition on hover."""

from __future__ import annotations

from typing import Any

import streamlit as st

from labels import metric_label, t
from warehouse.registry import get_metric

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
        return f"{value:.1f}"
    return f"{int(value):,}"


def format_delta(key: str, current: float | None, previous: float | None, lang: str) -> str | None:
    """Rates change in percentage points, the score in points, counts in orders; None without a base."""
    if current is None or previous is None:
        return None
    unit = get_metric(key).unit
    if unit == "ratio":
        return f"{100 * (current - previous):+.1f} {t('pp', lang)}"
    if unit == "points":
        return f"{current - previous:+.1f} {t('points_short', lang)}"
    return f"{int(current - previous):+,}"


def delta_colour(key: str) -> str:
    """Green for better: up for higher-is-better figures, down for lower-is-better, grey for volumes."""
    better = get_metric(key).higher_is_better
    return "off" if better is None else ("normal" if better else "inverse")


def explain(key: str, totals: dict[str, Any], lang: str) -> str:
    m = get_metric(key)
    text = m.definition_en if lang == "en" else m.definition_zh
    if m.numerator and totals.get(m.denominator):
        num = totals.get(m.numerator) or 0
        text += f"\n\n{metric_label(m.numerator, lang)} {num:,.0f} ÷ {metric_label(m.denominator, lang)} {totals[m.denominator]:,}"
    return text


def kpi_cards(current: dict[str, Any], previous: dict[str, Any], lang: str, per_row: int = 4) -> None:
    """The overview's eight cards in rows of ``per_row``."""
    for start in range(0, len(OVERVIEW_KPIS), per_row):
        cols = st.columns(per_row)
        for col, key in zip(cols, OVERVIEW_KPIS[start : start + per_row], strict=False):
            col.metric(
                metric_label(key, lang),
                format_value(key, current.get(key)),
                delta=format_delta(key, current.get(key), previous.get(key), lang),
                delta_color=delta_colour(key),
                help=explain(key, current, lang),
                border=True,
            )
