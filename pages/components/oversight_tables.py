"""Tables and KPI cards of the hot-topics, unit-profile and data pages, shaped for people.

Rates arrive as fractions 0–1 and are shown as percentages; column names come from the label
catalogue (or the metric registry); flags read 是/否. Nothing here aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from labels import LABELS, metric_label, t
from pages.components.grid import show_frame
from pages.components.kpi import delta_colour, explain, format_change, format_value, kpi_label, missing_fields
from pages.components.markup import md
from pages.components.tables import missing_note
from warehouse.order_lists import ORDER_LISTS
from warehouse.registry import METRIC_BY_KEY, RANKING_RATES
from warehouse.scoring import change as figure_change
from warehouse.settings import load_settings

# The columns each table shows, in order (the test binds every one to a distinct label in both languages).
UNIT_KPIS = (
    "score", "response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "return_rate", "repeat_rate",
)  # fmt: skip
ISSUE_COLUMNS = ("dispatched_count", "returned_count", "return_rate", "assessed_count", "repeat_count", "repeat_rate")
CATEGORY_COLUMNS = (
    "category_l1", "category_l2", "assessed_count", "dissatisfied_count", "overdue_open_count", "returned_count",
    "repeat_count", "satisfaction_rate", "city_satisfaction_rate", "satisfaction_shortfall",
)  # fmt: skip
HISTORY_COLUMNS = (
    "load_id", "file_name", "load_status", "rows_read", "loaded", "updated", "unchanged", "quarantined",
    "duplicates", "encoding", "sheet", "profile", "started_at", "seconds", "message",
)  # fmt: skip
QUALITY_COLUMNS = (
    "order_count", "missing_county_count", "missing_county_rate", "missing_department_count",
    "missing_department_rate", "unevaluated_count", "unevaluated_rate", "quick_close_count", "quick_close_rate",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "file_name", "load_status", "rows_read", "loaded", "updated", "unchanged", "quarantined", "duplicates", "message",
)  # fmt: skip
QUARANTINE_COLUMNS = ("source_file", "source_row", "order_id", "reason_code", "reason", "raw_record")
LIST_COLUMNS = (
    "order_id", "received_at", "dispatched_at", "effective_due_at", "closed_at", "appeal_type", "category_l1",
    "category_l2", "category_l3", "county", "township", "department", "status", "return_count", "resolution",
    "satisfaction", "repeat_of_order_id",
)  # fmt: skip


def col_label(key: str, lang: str) -> str:
    """A column's name for people: catalogue first (col_/field_ keys), then the metric registry."""
    for candidate in (f"col_{key}", f"field_{key}", key):
        if candidate in LABELS:
            return t(candidate, lang)
    return metric_label(key, lang) if key in METRIC_BY_KEY else key


def present(
    frame: pl.DataFrame, columns: tuple[str, ...] | list[str], lang: str, heads: dict[str, str] | None = None
) -> tuple[pl.DataFrame, dict]:
    """Select ``columns`` (those present), rates in %, booleans as 是/否, labelled; plus column config.
    ``heads`` maps a column to the label key a particular table prefers (e.g. 已解决 for a problem's
    resolved orders where the metric's own name would read 解决量)."""

    def label(key: str, lang: str) -> str:
        return t(heads[key], lang) if heads and key in heads else col_label(key, lang)

    cols = [c for c in columns if c in frame.columns]
    out = frame.select(cols)
    config: dict[str, Any] = {}
    exprs = []
    for c in cols:
        name, dtype = label(c, lang), out.schema[c]
        if c.endswith("_rate"):
            exprs.append((pl.col(c) * 100).round(1).alias(c))
            config[name] = st.column_config.NumberColumn(name, format="%.1f%%")
        elif dtype == pl.Boolean:
            exprs.append(pl.when(pl.col(c)).then(pl.lit(t("yes", lang))).otherwise(pl.lit(t("no", lang))).alias(c))
        elif dtype.is_float():
            exprs.append(pl.col(c).round(1))
            config[name] = st.column_config.NumberColumn(name, format="%.1f")
        elif dtype.is_integer():
            config[name] = st.column_config.NumberColumn(name, format="localized")
        elif isinstance(dtype, pl.Datetime):
            config[name] = st.column_config.DatetimeColumn(name, format="YYYY-MM-DD HH:mm")
        elif dtype == pl.Date:
            config[name] = st.column_config.DateColumn(name, format="YYYY-MM")
        elif dtype == pl.String:
            exprs.append(pl.col(c).fill_null("—"))
    out = out.with_columns(exprs) if exprs else out
    out = out.with_columns(_dashed(out[c], c.endswith("_rate")) for c in cols if _has_gaps(out[c]))
    for c in cols:
        if out.schema[c] == pl.String and label(c, lang) in config:  # a gap made it text: "—", never None
            config[label(c, lang)] = st.column_config.TextColumn(label(c, lang))
    return out.rename({c: label(c, lang) for c in cols}), config


def _has_gaps(series: pl.Series) -> bool:
    kind = series.dtype
    return series.null_count() > 0 and (kind.is_numeric() or kind.is_temporal() or kind == pl.Null)


def _dashed(series: pl.Series, percent: bool) -> pl.Series:
    """A column with missing values as text: the grid shows a grey "None" for a missing number or time."""
    if series.dtype.is_temporal():
        fmt = "%Y-%m" if series.dtype == pl.Date else "%Y-%m-%d %H:%M"
        return series.dt.strftime(fmt).fill_null("—")
    pattern = "{:.1f}%" if percent else ("{:.1f}" if series.dtype.is_float() else "{:,}")
    return pl.Series(series.name, ["—" if v is None else pattern.format(v) for v in series], dtype=pl.String)


def show_table(
    frame: pl.DataFrame,
    columns: tuple[str, ...] | list[str],
    lang: str,
    where: Any = st,
    download: str | None = None,
    key: str | None = None,
    heads: dict[str, str] | None = None,
) -> None:
    """``present`` then the shared table (``grid.show_frame``: no toolbar export; with ``download``, a
    file name, an audited CSV of the table under it)."""
    table, config = present(frame, columns, lang, heads)
    show_frame(table, where=where, column_config=config, download=download, lang=lang, key=key)


def with_reason_labels(frame: pl.DataFrame, lang: str, column: str = "reason_code") -> pl.DataFrame:
    """Quarantine reason codes as sentences people know (unknown codes stay as they are)."""
    labels = {k[len("reason_") :]: t(k, lang) for k in LABELS if k.startswith("reason_") and k != "reason_code"}
    return frame.with_columns(pl.col(column).replace(labels))


def with_status_labels(frame: pl.DataFrame, lang: str, column: str = "status") -> pl.DataFrame:
    labels = {k[len("status_") :]: t(k, lang) for k in LABELS if k.startswith("status_")}
    return frame.with_columns(pl.col(column).replace(labels))


def unit_kpis(row: dict[str, Any], city: dict[str, Any], lang: str, per_row: int = 4) -> None:
    """Rank (with its change) and the unit's rates with their distance from the city as a whole."""
    cards: list[tuple[str, str, str | None, str, str, Any]] = []
    if row.get("rank"):
        rank, change = f"{row['rank']} / {row['ranked_units']}", row.get("rank_change")
        delta = None if change is None else (t("up_rank_same", lang) if change == 0 else f"{change:+d}")
    else:
        reason = {"small_sample": "flag_insufficient", "not_available": "flag_not_available"}.get(
            row.get("unranked_reason")
        )
        rank, change, delta = t(reason, lang) if reason else "—", None, None
    help_text = t("up_rank_help", lang).format(group=md(row.get("group_name") or ""), n=row.get("ranked_units", 0))
    cards.append(
        (t("rank", lang), rank, delta, "off" if change == 0 else "normal", help_text, "off" if change == 0 else "auto")
    )
    rules = load_settings()
    for key in UNIT_KPIS:
        delta = format_change(key, figure_change(key, row, city, rules), lang)  # against the city, rounded once
        value = format_value(key, row.get(key)) + (" ⚠" if key == "on_time_rate" and row.get("on_time_warning") else "")
        cards.append((kpi_label(key, lang, bool(row.get("incomplete")), row.get(key)), value, delta, delta_colour(key),
                      explain(key, row, lang), "auto"))  # fmt: skip
    for start in range(0, len(cards), per_row):
        for col, (label, value, delta, colour, help_text, arrow) in zip(
            st.columns(per_row), cards[start : start + per_row], strict=False
        ):
            col.metric(label, value, delta=delta, delta_color=colour, help=help_text, border=True, delta_arrow=arrow)


# the figure behind each order list: when the source cannot supply it, the list cannot be made
LIST_RATES = {
    "unsatisfied": "satisfaction_rate",
    "overdue": "on_time_rate",
    "bounced": "return_rate",
    "repeat": "repeat_rate",
}


def order_list_tabs(row: dict[str, Any], load: Callable[[], dict[str, pl.DataFrame]], limit: int, lang: str) -> None:
    """One tab per order list (ORDER_LISTS) titled with its count: the orders, "none" when there are
    none, or why they cannot be listed when the source lacks the field ("—", not 0)."""
    counts = {which: row.get(key) for which, key in ORDER_LISTS.items()}  # None: not available
    titles = [f"{t('up_list_' + w, lang)} · {'—' if counts[w] is None else f'{counts[w]:,}'}" for w in ORDER_LISTS]
    lists = load() if any(counts.values()) else {}
    for tab, which in zip(st.tabs(titles), ORDER_LISTS, strict=True):
        if counts[which] is None:
            fields = missing_fields(LIST_RATES[which], lang)
            tab.info(t("up_list_not_available", lang).format(fields=fields), icon=":material/block:")
        elif not counts[which]:
            tab.info(t("up_list_empty", lang), icon=":material/check_circle:")
        else:
            shown = t("up_list_shown", lang).format(k=limit) if counts[which] > limit else ""
            tab.caption(t("up_list_note", lang).format(n=counts[which], shown=shown))
            show_table(lists[which], LIST_COLUMNS, lang, where=tab)


def unit_notes(row: dict[str, Any], settings: dict[str, Any], lang: str) -> list[str]:
    """The sentences a unit's cards need: figures the source lacks, why it has no rank, how many of its
    deadlines were derived, partial coverage, and whether the period's lagging figures are complete."""
    notes = [note] if (note := missing_note(row, lang)) else []
    if row.get("unranked_reason") == "not_available":
        notes.append(t("up_no_score", lang))
    if row.get("on_time_warning"):
        notes.append(t("up_due_warning", lang).format(share=f"{100 * row['derived_due_share']:.0f}%"))
    for key in RANKING_RATES:
        cover = row.get(f"{key}_coverage")
        if cover is not None and 0 < cover < 1:
            notes.append(t("coverage_note", lang).format(rate=metric_label(key, lang), share=f"{100 * cover:.0f}%"))
    if row.get("incomplete"):
        notes.append(t("incomplete_note", lang).format(days=settings["maturity_days"], compare=""))
    return notes


def file_stamp(prefix: str, *parts: str) -> str:
    """A download file name: the parts joined, no path separators, with today's date."""
    name = "_".join(p.replace("/", "-").replace("\\", "-") for p in (prefix, *parts) if p)
    return f"{name}_{dt.date.today():%Y%m%d}"
