"""Pure table shaping for people: a ranking frame in, a frame with catalogue labels out.

Rates arrive as fractions 0–1 from warehouse.rankings and are shown as percentages; nothing here
aggregates — numerators and denominators are the ranking's own counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from labels import LABELS, metric_label, missing_fields, t
from pages.components.targets_view import target_export_columns, targets_text
from warehouse.maturity import incomplete_months
from warehouse.registry import FIELD_INPUTS, METRIC_BY_KEY, METRICS, RANKING_RATES, get_metric
from warehouse.settings import load_settings

DRILL_COLUMNS = (
    "order_id", "received_at", "dispatched_at", "responded_at", "effective_due_at", "closed_at", "appeal_type",
    "category_l1", "category_l2", "county", "township", "department", "urgency_level", "status", "return_count",
    "resolution", "satisfaction", "exclusion_reason",
)  # fmt: skip


def change_arrow(change: int | None) -> str:
    """+2 -> '↑2', -1 -> '↓1', 0 -> '–' (held), None -> '' (not ranked in one of the two periods)."""
    if change is None:
        return ""
    return f"↑{change}" if change > 0 else (f"↓{-change}" if change < 0 else "–")


def flags_text(row: dict[str, Any], lang: str) -> str:
    flags = []
    if row.get("sample_flag"):
        flags.append(t("flag_insufficient", lang))
    if row.get("unranked_reason") == "not_available":
        flags.append(t("flag_not_available", lang))
    if row.get("is_red"):
        flags.append(t("flag_red", lang))
    if row.get("is_black"):
        flags.append(t("flag_black", lang))
    if row.get("indistinguishable"):
        flags.append(t("flag_indistinguishable", lang))
    if row.get("exclusion_flag"):  # far more invalid or exempt than its group (warehouse.integrity)
        flags.append(t("flag_over_exclusion", lang))
    if row.get("on_time_warning"):
        flags.append(f"{t('flag_due_derived', lang)}（{100 * row['derived_due_share']:.0f}%）")
    if row.get("score_missing_rates") and row.get("score") is not None:
        missing = "、".join(metric_label(k, lang) for k in row["score_missing_rates"].split(","))
        flags.append(f"{t('flag_score_partial', lang)}（{missing}）")
    return "、".join(flags)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


def _interval(low: float | None, high: float | None, scale: float = 100) -> str:
    return "" if low is None or high is None else f"{scale * low:.1f}–{scale * high:.1f}"


def rate_header(key: str, lang: str, incomplete: bool = False) -> str:
    """A rate's column name, marked 未完整 when it lags and the period is not mature yet."""
    mark = t("incomplete_suffix", lang) if incomplete and get_metric(key).lagging else ""
    return metric_label(key, lang) + mark


def ranking_table(ranking: pl.DataFrame, lang: str, detail: bool = False, for_export: bool = False) -> pl.DataFrame:
    """The league table as people read it: rank, change arrow, unit, counts, the four rates in % (with
    the share of derived deadlines beside 按时办结率), score, flags; ``detail`` adds numerators,
    denominators and the 95% intervals. On the page a missing figure reads "—" (never None or 0); an
    export keeps it empty and says why in its own columns."""
    rate_suffix = t("unit_percent", lang) if for_export else ""
    rows = []
    # a lagging column is marked 未完整 in an incomplete period, unless the source cannot supply it at all
    marked = {
        k: bool(ranking["incomplete"].any()) and ranking[k].is_not_null().any() for k in (*RANKING_RATES, "score")
    }
    for r in ranking.iter_rows(named=True):
        row: dict[str, Any] = {}
        if for_export:
            row[t("period_kind", lang)] = r["period"]
            row[t("group_name", lang)] = r["group_name"]
        row[t("rank", lang)] = r["rank"]
        row[t("rank_change", lang)] = change_arrow(r["rank_change"])
        row[t("unit", lang)] = r["unit"]
        row[metric_label("dispatched_count", lang)] = r["dispatched_count"]
        row[metric_label("assessed_count", lang)] = r["assessed_count"]
        for key in RANKING_RATES:
            m = get_metric(key)
            row[rate_header(key, lang, marked[key]) + rate_suffix] = _pct(r[key])
            if key == "on_time_rate":
                row[t("derived_due_share", lang) + rate_suffix] = _pct(r["derived_due_share"])
            if detail or for_export:
                for part in (m.numerator, m.denominator):
                    name = metric_label(part, lang)
                    if name not in row:
                        row[name] = r[part]
                row[f"{metric_label(key, lang)} {t('interval_suffix', lang)}"] = _interval(
                    r[f"{key}_low"], r[f"{key}_high"]
                )
        row[rate_header("score", lang, marked["score"])] = None if r["score"] is None else round(r["score"], 2)
        if detail or for_export:
            row[f"{metric_label('score', lang)} {t('interval_suffix', lang)}"] = _interval(
                r["score_low"], r["score_high"], 1
            )
        row[t("flags", lang)] = flags_text(r, lang)
        row[t("col_targets", lang)] = targets_text(r, lang)  # met or not, and by how much (warehouse.targets)
        if for_export:
            row[t("missing_rates", lang)] = "、".join(
                metric_label(k, lang) for k in (r["missing_rates"] or "").split(",") if k
            )
            row.update(target_export_columns(r, lang))
            row[t("col_record", lang)] = record_cell(r, lang)  # an exported file says whose figures it holds
        rows.append(row)
    if not rows:
        return pl.DataFrame()
    table = pl.DataFrame(rows, infer_schema_length=None)
    return table if for_export else dash_nulls(table, lang)


def record_cell(row: dict[str, Any], lang: str) -> str:
    """'已定榜 2024-04-20（第 2 版）' for a published row (warehouse.published), '未定榜' for a live one."""
    if row.get("figures") != "published" or row.get("published_on") is None:
        return t("rec_unpublished", lang)
    stamp = t("rec_published", lang).format(date=f"{row['published_on']:%Y-%m-%d}")
    return f"{stamp}（{t('rec_version_n', lang).format(version=row['record_version'])}）"


def dash_nulls(table: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Numeric columns with a missing value become text ("93.1%", "—"): the grid would show a grey None."""
    pct = {rate_header(k, lang, i) for k in RANKING_RATES for i in (False, True)} | {t("derived_due_share", lang)}
    score = {rate_header("score", lang, i) for i in (False, True)}
    out = []
    for name, dtype in table.schema.items():
        if not ((dtype.is_numeric() or dtype == pl.Null) and table[name].null_count()):
            continue
        fmt = "{:.1f}%" if name in pct else ("{:.2f}" if name in score else "{:,.0f}")
        out.append(pl.Series(name, ["—" if v is None else fmt.format(v) for v in table[name]], dtype=pl.String))
    return table.with_columns(out) if out else table


def ranking_column_config(table: pl.DataFrame, lang: str, help_for: dict[str, str] | None = None) -> dict[str, Any]:
    """Percent formatting for rate columns, counts with separators, widths that fit Chinese headers
    (about 14 px per character) so nothing but long unit names is cut; ``help_for`` puts a tooltip on a
    column header (why a rate is "—")."""
    rate_names = {rate_header(k, lang, i) for k in RANKING_RATES for i in (False, True)} | {
        t("derived_due_share", lang)
    }
    score = {rate_header("score", lang, i) for i in (False, True)}
    help_for = help_for or {}
    config: dict[str, Any] = {}
    suffix = t("incomplete_suffix", lang)
    for name in table.columns:
        # sized for the name without the 未完整 mark, so the flags column stays on screen (the header shows the rest)
        width = max(56, 14 * len(name.removesuffix(suffix)) + 20) if lang == "zh" else None
        tip = help_for.get(name)
        if table.schema[name] == pl.String and name in rate_names | score:
            config[name] = st.column_config.TextColumn(name, width=width, help=tip)
        elif name in rate_names:
            config[name] = st.column_config.NumberColumn(name, format="%.1f%%", width=width, help=tip)
        elif name in score:
            config[name] = st.column_config.NumberColumn(name, format="%.2f", width=width, help=tip)
        elif name in (t("rank", lang), t("rank_change", lang)):
            config[name] = st.column_config.Column(name, width=width)
        elif name == t("unit", lang):
            config[name] = st.column_config.TextColumn(name, width=150)
        elif table.schema[name].is_integer() or table.schema[name].is_float():
            config[name] = st.column_config.NumberColumn(name, format="localized", width=width)
    return config


def trend_gap(frames: list[pl.DataFrame], metric: str, lang: str) -> str | None:
    """Why a trend has nothing to draw: the source cannot supply the figure in any month shown."""
    if any(f[metric].is_not_null().any() for f in frames if not f.is_empty()):
        return None
    keys = [k for k in missing_keys(pl.concat([f.select("missing_rates") for f in frames])) if k == metric]
    if metric == "score":
        keys = weighted_missing(pl.concat([f.select("missing_rates", "score_missing_rates") for f in frames]))
    if not keys:
        return None
    return t("trend_not_available", lang).format(fields=missing_fields(keys, lang), metric=metric_label(metric, lang))


def incomplete_caption(frame: pl.DataFrame, metric: str, as_of: str | None, lang: str) -> str | None:
    """'2026-10 的按时办结率未完整…' for the months of a trend (rows: month, metric) whose lagging figure
    is still growing (``as_of``: the data's as-of time as the build recorded it)."""
    months = frame.filter(pl.col(metric).is_not_null())["month"].to_list() if not frame.is_empty() else []
    if not get_metric(metric).lagging or not months or not as_of:
        return None
    settings = load_settings()
    late = incomplete_months(sorted(set(months)), dt.datetime.fromisoformat(as_of), settings)
    if not late:
        return None
    shown = "、".join(f"{m:%Y-%m}" for m in late)
    return t("trend_incomplete", lang).format(
        months=shown, metric=metric_label(metric, lang), days=settings.maturity_days
    )


def missing_keys(frame: pl.DataFrame | dict[str, Any]) -> list[str]:
    """The rates the source cannot supply for any row, in registry order."""
    raw = [frame.get("missing_rates")] if isinstance(frame, dict) else frame["missing_rates"].to_list()
    found = {k for v in raw for k in (v or "").split(",") if k}
    return [k for k in FIELD_INPUTS if k in found]


def weighted_missing(frame: pl.DataFrame) -> list[str]:
    """The rates of the score that the source cannot supply (why a score could not be computed)."""
    weighted = {k for v in frame["score_missing_rates"].to_list() for k in (v or "").split(",") if k}
    return [k for k in missing_keys(frame) if k in weighted]


def missing_text(keys: list[str], lang: str) -> tuple[str, str]:
    """(the source fields that are missing, the rates they make unavailable), named for people."""
    sep = "、" if lang == "zh" else ", "
    return missing_fields(keys, lang), sep.join(metric_label(k, lang) for k in keys)


def missing_note(frame: pl.DataFrame | dict[str, Any], lang: str) -> str | None:
    """One sentence: which rates are "—" because the source lacks their fields; None when all are there."""
    keys = missing_keys(frame)
    if not keys:
        return None
    fields, rates = missing_text(keys, lang)
    return t("missing_rates_note", lang).format(fields=fields, rates=rates)


def lists_empty_reason(group: pl.DataFrame, settings: dict[str, Any], lang: str) -> str:
    """Why a ranking group has neither a red nor a black list, exactly: no score at all (the source),
    nobody ranked (samples), a group too small, or nobody distinguishable from the middle."""
    ranked = int(group["rank"].is_not_null().sum())
    if not ranked and (group["unranked_reason"] == "not_available").any():
        fields, rates = missing_text(weighted_missing(group), lang)
        return t("lists_none_no_score", lang).format(fields=fields, rates=rates)
    if not ranked:
        return t("no_ranked_units", lang)
    if ranked < settings["red_black_min_units"]:
        return t("lists_none_small_group", lang).format(n=settings["red_black_min_units"])
    return t("lists_none_middle", lang).format(n=ranked)


def red_black(ranking: pl.DataFrame, lang: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The red list (top) and black list (bottom) of one ranking group, as small tables."""

    def shape(frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.sort(["rank", "unit"])
        return pl.DataFrame(
            {
                t("rank", lang): frame["rank"],
                t("unit", lang): frame["unit"],
                metric_label("score", lang): frame["score"].round(2),
                t("rank_change", lang): [change_arrow(c) for c in frame["rank_change"]],
            }
        )

    return shape(ranking.filter(pl.col("is_red"))), shape(ranking.filter(pl.col("is_black")))


def orders_table(orders: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Drill-down orders with labelled columns (no personal data: fct_work_orders has none)."""
    cols = [c for c in DRILL_COLUMNS if c in orders.columns]
    reasons = {"invalid": t("exclusion_invalid", lang), "exempt": t("exclusion_exempt", lang)}
    if "exclusion_reason" in cols:
        orders = orders.with_columns(pl.col("exclusion_reason").replace_strict(reasons, default=None))
    return orders.select(cols).rename({c: t(f"field_{c}", lang) for c in cols})


def trend_table(units: pl.DataFrame, city: pl.DataFrame, metric: str, unit_col: str, lang: str) -> pl.DataFrame:
    """The figures behind a trend chart: month, unit, value (in % for rates), numerator, denominator."""
    m = get_metric(metric)
    city = city.with_columns(pl.lit(t("city_average", lang)).alias(unit_col))
    cols = [unit_col, "month", metric] + [c for c in (m.numerator, m.denominator) if c]
    frame = pl.concat([units.select(cols), city.select(cols)], how="vertical_relaxed")
    frame = frame.with_columns(pl.col("month").dt.strftime("%Y-%m"))
    frame = frame.with_columns((pl.col(metric) * (100 if m.is_rate else 1)).round(2))
    names = {unit_col: t("unit", lang), "month": t("month", lang), metric: metric_label(metric, lang)}
    if m.is_rate:
        names[metric] += t("unit_percent", lang)
    names.update({c: metric_label(c, lang) for c in (m.numerator, m.denominator) if c})
    gaps = [
        pl.Series(c, ["—" if v is None else (f"{v:.1f}" if c == metric else f"{v:,.0f}") for v in frame[c]])
        for c in cols[2:]
        if frame[c].null_count()
    ]  # a figure the source cannot supply reads "—", never a grey None
    return frame.with_columns(gaps).rename(names)


def metric_definitions(lang: str, rates: bool = True) -> pl.DataFrame:
    """The registry as a table: name, definition, unit, direction, numerator ÷ denominator, settings.
    ``rates`` picks the rates and the score; otherwise the counts they are built from."""
    rows = []
    for m in METRICS:
        if (m.is_rate or m.key == "score") != rates:
            continue
        direction = {True: t("higher_better", lang), False: t("lower_better", lang), None: ""}[m.higher_is_better]
        formula = f"{metric_label(m.numerator, lang)} ÷ {metric_label(m.denominator, lang)}" if m.numerator else ""
        unit_key = "unit_points_name" if m.unit == "points" else f"unit_{m.unit}"
        rows.append(
            {
                t("metric_name", lang): metric_label(m.key, lang),
                t("definition", lang): m.definition_en if lang == "en" else m.definition_zh,
                t("metric_unit", lang): t(unit_key, lang),
                t("direction", lang): direction,
                t("formula", lang): formula,
                t("related_settings", lang): "、".join(t(f"setting_{s}", lang) for s in m.settings),
            }
        )
    frame = pl.DataFrame(rows)
    return frame if rates else frame.drop(t("direction", lang), t("formula", lang))


def settings_table(settings: dict[str, Any], lang: str) -> pl.DataFrame:
    """Settings as (label, value) rows; nested values written out as 'key: value' pairs."""

    def show(value: Any) -> str:
        if isinstance(value, dict):
            name = {k: metric_label(f"{k}_rate", lang) if f"{k}_rate" in METRIC_BY_KEY else k for k in value}
            return "；".join(f"{name[k]} {v}" for k, v in value.items())
        return "—" if value is None else str(value)

    rows = [
        {
            t("setting", lang): t(f"setting_{k}", lang) if f"setting_{k}" in LABELS else k,
            t("setting_value", lang): show(v),
        }
        for k, v in settings.items()
        if k not in ("source", "effective_from", "rule_note", "rule_sets")  # the history of rules is its own table
    ]
    return pl.DataFrame(rows)
