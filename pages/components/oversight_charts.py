"""Pure chart builders of the hot-topics, unit-profile and data pages (frame in, figure out), in the
shared look of ``pages.components.charts``."""

from __future__ import annotations

import pandas  # noqa: F401  (see below)
import plotly.graph_objects as go
import polars as pl

from labels import t
from pages.components.charts import BAD, CITY, FONT, GOOD, PRIMARY, QUALITATIVE, apply_theme
from pages.components.markup import plot_text, plot_texts
from warehouse.hotwords import HotWords
from warehouse.problem_settings import load_problem_settings

# Plotly looks pandas up in sys.modules without importing it; when a rerun starts while the previous
# run's thread is still importing pandas, Plotly sees a half-initialised module (AttributeError
# 'pandas' has no attribute 'Series'). Importing it here, under the import lock, rules that out.
HEAT_SCALE = [[0.0, "#f8fafc"], [0.35, "#93c5fd"], [1.0, "#1e3a8a"]]


def build_category_heatmap(frame: pl.DataFrame, lang: str, top: int = 12) -> go.Figure:
    """Orders received per category (rows, most first) and county (columns, most first); empty
    county or category shown as such, every cell labelled with its count."""
    none_county, none_cat = t("ht_no_county", lang), t("ht_no_category", lang)
    frame = frame.with_columns(pl.col("county").fill_null(none_county), pl.col("category").fill_null(none_cat))
    cats = frame.group_by("category").agg(pl.sum("received_count"))
    cats = cats.sort(["received_count", "category"], descending=[True, False])
    cats = cats.head(top)["category"].to_list()
    counties = frame.group_by("county").agg(pl.sum("received_count"))
    counties = counties.sort(["received_count", "county"], descending=[True, False])
    cols = [c for c in counties["county"].to_list() if c != none_county] + (
        [none_county] if none_county in counties["county"].to_list() else []
    )
    lookup = {(r["category"], r["county"]): r["received_count"] for r in frame.iter_rows(named=True)}
    z = [[lookup.get((cat, c), 0) for c in cols] for cat in cats]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=plot_texts(cols),
            y=plot_texts(cats),
            colorscale=HEAT_SCALE,
            text=[[f"{v:,}" for v in row] for row in z],
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}<br>%{z:,} " + t("orders_unit", lang) + "<extra></extra>",
            colorbar={"title": {"text": t("orders_unit", lang)}, "thickness": 12},
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="top")
    return apply_theme(fig, height=max(300, 34 * len(cats) + 110))


def build_risers_figure(risers: pl.DataFrame, lang: str, top: int = 12, height: int = 460) -> go.Figure:
    """The categories that grew most against the previous period: the increase as bars, labelled
    with the increase and its rate."""
    rows = risers.head(top)
    labels = [
        f"{plot_text(b)}（{plot_text(a)}）" if lang != "en" else f"{plot_text(b)} ({plot_text(a)})"
        for a, b in zip(rows["category_l1"], rows["category_l2"], strict=True)
    ]
    text = [
        f"+{c:,}" + ("" if r is None else f"（+{100 * r:.0f}%）" if lang != "en" else f" (+{100 * r:.0f}%)")
        for c, r in zip(rows["change_count"], rows["change_rate"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=rows["change_count"].to_list(),
            orientation="h",
            marker={"color": BAD},
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=list(zip(rows["previous_count"], rows["received_count"], strict=True)),
            hovertemplate="%{y}<br>"
            + t("ht_previous", lang)
            + " %{customdata[0]:,} → "
            + t("ht_current", lang)
            + " %{customdata[1]:,}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=t("ht_increase_axis", lang), tickformat=",d", rangemode="tozero")
    fig = apply_theme(fig, height=height)
    fig.update_layout(margin={"r": 70}, bargap=0.3)
    return fig


def build_hot_words_figure(words: pl.DataFrame, lang: str, top: int = 20, height: int = 460) -> go.Figure:
    """The most unusual words, most unusual first, as horizontal bars (callers using the word); the
    hover adds how many used it in the months before."""
    rows = words.head(top)
    before = rows["reference_count"].to_list() if "reference_count" in rows.columns else [None] * rows.height
    fig = go.Figure(
        go.Bar(
            y=plot_texts(rows["word"]),
            x=rows["order_count"].to_list(),
            customdata=[[b if b is not None else "—"] for b in before],
            orientation="h",
            marker={"color": PRIMARY},
            hovertemplate="%{y}<br>" + t("ht_words_hover", lang) + "<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=t("ht_words_axis", lang), tickformat=",d")
    fig = apply_theme(fig, height=height)
    fig.update_layout(bargap=0.3)
    return fig


def hot_words_note(words: HotWords, lang: str) -> str:
    """How the words were chosen: the samples, and what they are compared with (or that nothing was)."""
    least = load_problem_settings().hot_words.min_orders
    if words.reference is None:
        return t("ht_words_note_frequency", lang).format(n=words.sampled, total=words.total, min=least)
    return t("ht_words_note", lang).format(n=words.sampled, total=words.total, m=words.reference_sampled,
                                           start=words.reference.start, end=words.reference.end, min=least)  # fmt: skip


def build_category_gap_figure(categories: pl.DataFrame, unit: str, lang: str, top: int = 10) -> go.Figure:
    """The categories where the unit's satisfaction is below the city's for the same category (a
    dumbbell each, biggest shortfall first); the label carries the unit's number of answers."""
    rows = categories.filter(pl.col("satisfaction_shortfall") > 0).head(top)
    names = rows["category_l2"].fill_null(t("ht_no_category", lang)).to_list()
    labels = [f"{plot_text(n)} · {k}" for n, k in zip(names, rows["satisfaction_answered_count"], strict=True)]
    fig = go.Figure()
    for label, own, city in zip(labels, rows["satisfaction_rate"], rows["city_satisfaction_rate"], strict=True):
        if city is not None:
            colour = BAD if own < city else GOOD
            fig.add_scatter(
                x=[own, city], y=[label, label], mode="lines", line={"color": colour, "width": 4},
                showlegend=False, hoverinfo="skip",
            )  # fmt: skip
    fig.add_scatter(
        x=rows["city_satisfaction_rate"].to_list(), y=labels, mode="markers", name=t("city_average", lang),
        marker={"color": CITY, "size": 11, "symbol": "line-ns-open", "line": {"width": 3}},
        hovertemplate="%{y}<br>" + t("city_average", lang) + " %{x:.1%}<extra></extra>",
    )  # fmt: skip
    fig.add_scatter(
        x=rows["satisfaction_rate"].to_list(), y=labels, mode="markers", name=plot_text(unit),
        marker={"color": [BAD if (c is not None and o < c) else GOOD for o, c in
                          zip(rows["satisfaction_rate"], rows["city_satisfaction_rate"], strict=True)], "size": 12},
        hovertemplate="%{y}<br>%{fullData.name} %{x:.1%}<extra></extra>",
    )  # fmt: skip
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=t("up_satisfaction_axis", lang), tickformat=".0%")
    return apply_theme(fig, height=max(260, 34 * rows.height + 100))


def build_quality_figure(quality: pl.DataFrame, lang: str) -> go.Figure:
    """The four data-quality shares per month, one line each (lower is better for all four)."""
    months = [m.strftime("%Y-%m") for m in quality["month"]]
    fig = go.Figure()
    for i, key in enumerate(("missing_county_rate", "missing_department_rate", "unevaluated_rate", "quick_close_rate")):
        fig.add_scatter(
            x=months,
            y=quality[key].to_list(),
            name=t(f"dq_{key}", lang),
            mode="lines+markers",
            line={"color": QUALITATIVE[i], "width": 2},
            hovertemplate="%{x}<br>%{y:.1%}<extra>%{fullData.name}</extra>",
        )
    fig.update_xaxes(type="category", title=t("month", lang))
    fig.update_yaxes(title=t("dq_share_axis", lang), tickformat=".0%", rangemode="tozero")
    fig.update_layout(font_family=FONT)
    return apply_theme(fig, height=340)
