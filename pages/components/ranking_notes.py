"""The sentences beside a league table: what the columns cannot say, each exactly true.

Why there is no table (nothing dispatched, or dispatched orders that name no unit of this level), why
nobody is ranked on the chosen figure (the source lacks its fields), header tooltips naming the missing
field, and the notes under the table (rates the source cannot supply, the list rule, an incomplete period).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from labels import level_label, lists_rule, metric_label, t
from labels import missing_fields as missing_field_names
from pages.components.kpi import missing_fields
from pages.components.tables import missing_keys, missing_note, rate_header, weighted_missing


def empty_message(dispatched: int, level: str, lang: str) -> str:
    """No row at all: either nothing was dispatched, or what was dispatched names no unit of the level."""
    if dispatched:
        return t("no_unit_column", lang).format(n=f"{dispatched:,}", level=level_label(level, lang))
    return t("no_units_level", lang)


def blocked(ranking: pl.DataFrame, by: str, lang: str) -> str | None:
    """Nobody ranked because the source cannot supply the figure ranked on; None otherwise."""
    if ranking["rank"].is_not_null().any() or not (ranking["unranked_reason"] == "not_available").all():
        return None
    keys = [by] if by != "score" else weighted_missing(ranking)
    return t("no_ranked_by_missing", lang).format(metric=metric_label(by, lang), fields=missing_field_names(keys, lang))


def header_tips(ranking: pl.DataFrame, settings: dict[str, Any], lang: str) -> dict[str, str]:
    """Column header -> tooltip: the field a "—" column lacks; what the derived-deadline share means."""
    tips = {
        rate_header(k, lang, marked): t("missing_field_help", lang).format(fields=missing_fields(k, lang))
        for k in missing_keys(ranking)
        for marked in (False, True)
    }
    share = f"{100 * settings['derived_due_warning_share']:g}"
    tips[t("derived_due_share", lang)] = t("derived_due_help", lang).format(share=share)
    return tips


def notes(ranking: pl.DataFrame, settings: dict[str, Any], by: str, lang: str) -> list[str]:
    """Under the table: the legend, rates the source cannot supply, the list rule, an incomplete period."""
    out = [t("rankings_legend", lang).format(n=settings["min_sample"])]
    if by != "score":
        out.append(t("rankings_by_caption", lang).format(metric=metric_label(by, lang), n=settings["min_sample"]))
    if note := missing_note(ranking, lang):
        out.append(note)
    out.append(lists_rule(settings, lang, by=by))
    if ranking["incomplete"][0]:
        cutoff = ranking["compared_at"][0]
        compare = t("incomplete_compare", lang).format(cutoff=f"{cutoff:%Y-%m-%d %H:%M}") if cutoff else ""
        out.append(t("incomplete_note", lang).format(days=settings["maturity_days"], compare=compare))
    return out
