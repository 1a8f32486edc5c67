"""Targets on the pages (issue 15, item 2): met or not and the distance, as the warehouse marked them
(``warehouse.targets``: the league table and the city totals carry ``<rate>_target``, ``_meets_target``,
``_target_gap``, ``_target_ratio`` and ``below_target``). Nothing here compares a value with a target."""

from __future__ import annotations

from typing import Any

import streamlit as st

from labels import metric_label, t
from pages.components.kpi import explain, kpi_label
from warehouse.targets import TARGET_RATES


def _pp(gap: float) -> str:
    return f"{100 * gap:+.1f}"


def targets_text(row: dict[str, Any], lang: str) -> str:
    """'均达标', '未达标：满意率 -4.5 个百分点、…', or '' when no rate of the row has a target it can be judged on."""
    judged = [k for k in TARGET_RATES if row.get(f"{k}_meets_target") is not None]
    if not judged:
        return ""
    below = [k for k in (row.get("below_target") or "").split(",") if k]
    if not below:
        return t("targets_met", lang)
    gaps = "、".join(
        t("target_gap_pp", lang).format(rate=metric_label(k, lang), gap=_pp(row[f"{k}_target_gap"])) for k in below
    )
    return t("targets_missed", lang).format(rates=gaps)


def target_export_columns(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """Per rate with a target: the target (%), met (是/否, empty when it cannot be judged), the gap (pp)."""
    out: dict[str, Any] = {}
    for key in TARGET_RATES:
        target = row.get(f"{key}_target")
        if target is None:
            continue
        rate = metric_label(key, lang)
        met, gap = row.get(f"{key}_meets_target"), row.get(f"{key}_target_gap")
        out[t("target_col", lang).format(rate=rate)] = round(100 * target, 2)
        out[t("target_met_col", lang).format(rate=rate)] = None if met is None else t("yes" if met else "no", lang)
        out[t("target_gap_col", lang).format(rate=rate)] = None if gap is None else round(100 * gap, 2)
    return out


def targets_caption(settings: dict[str, Any], lang: str) -> str:
    """The city-wide targets in force, in words."""
    city = {k: v for k, v in (settings.get("targets") or {}).items() if not isinstance(v, dict)}
    shown = "、".join(f"{metric_label(f'{k}_rate', lang)} ≥ {100 * v:g}%" for k, v in city.items())
    return t("targets_caption", lang).format(targets=shown or t("targets_none", lang))


def target_panel(totals: dict[str, Any], lang: str, incomplete: bool = False) -> None:
    """CityScore-style: one tile per rate with a target, the ratio actual ÷ target, green when ≥ 1 (a
    lagging rate of a period not mature yet is marked 未完整, as on the KPI cards)."""
    keys = [k for k in TARGET_RATES if totals.get(f"{k}_target") is not None]
    if not keys:
        return
    st.subheader(t("target_panel_title", lang))
    for col, key in zip(st.columns(len(keys)), keys, strict=True):
        ratio, value, target = totals.get(f"{key}_target_ratio"), totals.get(key), totals[f"{key}_target"]
        detail = t("target_panel_value", lang).format(
            value="—" if value is None else f"{100 * value:.1f}%", target=f"{100 * target:g}%"
        )
        # the chip is green on target and red below it (a text delta without a minus sign is "up"); a rate the
        # source cannot supply has no ratio and says why on hover
        colour = "normal" if ratio is not None and ratio >= 1 else "inverse"
        col.metric(kpi_label(key, lang, incomplete, value), "—" if ratio is None else f"{ratio:.2f}",
                   delta=None if ratio is None else detail, delta_color=colour, delta_arrow="off",
                   help=explain(key, totals, lang), border=True)  # fmt: skip
    st.caption(t("target_panel_note", lang))


def target_line(row: dict[str, Any], lang: str) -> str | None:
    """One Markdown line of a unit's targets, met (green) or not (orange, with the gap); None without any."""
    parts = []
    for key in TARGET_RATES:
        met, target, value = row.get(f"{key}_meets_target"), row.get(f"{key}_target"), row.get(key)
        if met is None or target is None or value is None:
            continue
        fields = {"rate": metric_label(key, lang), "value": f"{100 * value:.1f}%", "target": f"{100 * target:g}%"}
        if met:
            parts.append(f":green[:material/check_circle: {t('target_line_met', lang).format(**fields)}]")
        else:
            gap = f"{-100 * row[f'{key}_target_gap']:.1f}"
            parts.append(f":orange[:material/error: {t('target_line_missed', lang).format(**fields, gap=gap)}]")
    return "　".join(parts) or None
