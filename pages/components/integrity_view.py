"""Assessment integrity beside the assessed figures (issue 20): exclusions and the over-exclusion flag,
the redo chain's first and final satisfaction, extensions and the actually-solved share.

Pure shaping of the ranking frame (``warehouse.rankings``: every registry figure, computed by
``warehouse.scoring.rate_row``) for the rankings table, its exports and the unit profile. A figure the
source cannot supply is None there and reads "—" on a page (an empty cell in an export), never 0.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from labels import metric_label, t

COUNTS = ("invalid_count", "exempt_count", "extended_count")
RATES = (
    "exclusion_rate", "redo_rate", "first_satisfaction_rate", "final_satisfaction_rate", "redo_satisfied_rate",
    "second_unsatisfied_rate", "actual_solve_rate",
)  # fmt: skip


def pct_text(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def over_exclusion_text(row: dict[str, Any], lang: str) -> str:
    """'排除偏多（不计入考核率 25.0%，本组中位数 2.5%，为中位数的 10.0 倍）', or '' when not flagged."""
    if not row.get("exclusion_flag"):
        return ""
    times = row.get("exclusion_times_median")
    detail = t("over_exclusion_detail", lang).format(
        rate=pct_text(row.get("exclusion_rate")),
        median=pct_text(row.get("exclusion_group_median")),
        times="—" if times is None else f"{times:.1f}",
    )
    return (
        f"{t('flag_over_exclusion', lang)}（{detail}）"
        if lang == "zh"
        else f"{t('flag_over_exclusion', lang)} ({detail})"
    )


def over_exclusion_note(settings: dict[str, Any], lang: str) -> str:
    """How the flag is decided, with the settings in force (shown under any table that carries it)."""
    return t("over_exclusion_note", lang).format(
        ratio=f"{settings['exclusion_flag_ratio']:g}",
        count=settings["exclusion_flag_min_count"],
        min_sample=settings["min_sample"],
    )


def redo_basis_text(basis: str | None, lang: str) -> str | None:
    return None if basis is None else t(f"redo_basis_{basis}", lang)


def integrity_columns(ranking: pl.DataFrame, lang: str, for_export: bool = False) -> pl.DataFrame:
    """One row per ranking row (same order): the integrity counts and rates, the redo basis and the
    over-exclusion flag. On a page rates read "12.3%" and a missing figure "—"; an export keeps numbers
    (rates in %, rounded to 0.01) and leaves a missing figure empty."""
    suffix = t("unit_percent", lang) if for_export else ""
    rows = []
    for r in ranking.iter_rows(named=True):
        row: dict[str, Any] = {}
        for key in COUNTS:
            value = r.get(key)
            row[metric_label(key, lang)] = value if for_export else ("—" if value is None else f"{value:,}")
        for key in RATES:
            value = r.get(key)
            if for_export:
                row[metric_label(key, lang) + suffix] = None if value is None else round(100 * value, 2)
            else:
                row[metric_label(key, lang)] = pct_text(value)
        basis = redo_basis_text(r.get("redo_basis"), lang)
        row[t("field_redo_basis", lang)] = basis if for_export else (basis or "—")
        row[t("flag_over_exclusion", lang)] = over_exclusion_text(r, lang)
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()


def with_integrity(table: pl.DataFrame, ranking: pl.DataFrame, lang: str, for_export: bool = False) -> pl.DataFrame:
    """``table`` (a ranking table of the same rows) with the integrity columns after it."""
    extra = integrity_columns(ranking, lang, for_export)
    if table.is_empty() or extra.is_empty():
        return table
    return table.hstack(extra.select([c for c in extra.columns if c not in table.columns]))
