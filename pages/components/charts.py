"""Pure chart builders: a frame in, a Plotly figure out, one shared look.

Colour follows "higher is better": better values are teal, worse ones orange, whatever the metric's
direction (a low return rate is good). Axis titles carry units; rates are shown as percentages.
Names from the data (units, categories) pass through ``markup.plot_text`` and are never spliced
into a hover template: Plotly renders HTML in labels and fills ``%{...}`` in templates.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from labels import metric_label, t
from pages.components.markup import plot_text
from warehouse.registry import get_metric

FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
GOOD, NEUTRAL, BAD = "#0f766e", "#e5e7eb", "#c2410c"
PRIMARY, SECONDARY, CITY = "#1d4ed8", "#93c5fd", "#111827"
QUALITATIVE = ("#1d4ed8", "#c2410c", "#0f766e", "#7c3aed", "#b45309", "#be185d", "#0e7490", "#4d7c0f")
GOOD_SCALE = [[0.0, BAD], [0.5, "#fbbf24"], [1.0, GOOD]]


def apply_theme(fig: go.Figure, height: int = 380) -> go.Figure:
    """The one layout every chart shares (CJK font named so Chinese gets the SC glyph forms)."""
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "size": 13, "color": "#1f2937"},
        hoverlabel={"font": {"family": FONT}},
        colorway=list(QUALITATIVE),
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0, "title": None},
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True, gridcolor="#eef0f3")
    return fig


def axis_title(metric_key: str, lang: str) -> str:
    """'响应率（%）', '综合得分（分）', '受理量（件）'."""
    unit = {"ratio": "unit_percent", "points": "unit_points"}.get(get_metric(metric_key).unit, "unit_orders")
    return f"{metric_label(metric_key, lang)}{t(unit, lang)}"


def build_volume_figure(monthly_city: pl.DataFrame, lang: str, highlight: tuple | None = None) -> go.Figure:
    """Monthly 受理量 and 派单量 bars (one row per month); months outside ``highlight`` (start, end) fade."""
    months = [m.strftime("%Y-%m") for m in monthly_city["month"]]
    inside = [highlight is None or highlight[0] <= m <= highlight[1] for m in monthly_city["month"]]
    fig = go.Figure()
    for key, colour in (("received_count", PRIMARY), ("dispatched_count", SECONDARY)):
        fig.add_bar(
            x=months,
            y=monthly_city[key].to_list(),
            name=metric_label(key, lang),
            marker={"color": colour, "opacity": [1.0 if i else 0.45 for i in inside]},
            hovertemplate="%{x}<br>%{y:,} " + t("orders_unit", lang) + "<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(type="category", title=t("month", lang))
    fig.update_yaxes(title=t("orders_axis", lang), tickformat=",d")
    return apply_theme(fig, height=340)


def build_trend_figure(units: pl.DataFrame, city: pl.DataFrame, metric_key: str, unit_col: str, lang: str) -> go.Figure:
    """One line per unit (rows: unit, month, metric) and the city figure as a dashed black line."""
    metric = get_metric(metric_key)
    is_rate = metric.unit == "ratio"
    fmt = "%{y:.1%}" if is_rate else "%{y:.1f}"
    fig = go.Figure()
    for i, name in enumerate(units[unit_col].unique(maintain_order=True).to_list()):
        rows = units.filter(pl.col(unit_col) == name).sort("month")
        fig.add_scatter(
            x=[m.strftime("%Y-%m") for m in rows["month"]],
            y=rows[metric_key].to_list(),
            name=plot_text(name),
            mode="lines+markers",
            line={"color": QUALITATIVE[i % len(QUALITATIVE)], "width": 2},
            hovertemplate=f"%{{x}}<br>{fmt}<extra>%{{fullData.name}}</extra>",
        )
    city = city.sort("month")
    fig.add_scatter(
        x=[m.strftime("%Y-%m") for m in city["month"]],
        y=city[metric_key].to_list(),
        name=t("city_average", lang),
        mode="lines",
        line={"color": CITY, "width": 3, "dash": "dash"},
        hovertemplate=f"%{{x}}<br>{fmt}<extra>%{{fullData.name}}</extra>",
    )
    fig.update_xaxes(type="category", title=t("month", lang))
    fig.update_yaxes(title=axis_title(metric_key, lang), tickformat=".0%" if is_rate else None)
    return apply_theme(fig, height=420)


def build_score_figure(ranking: pl.DataFrame, lang: str, by: str = "score") -> go.Figure:
    """Ranked units' scores (or the rate ranked by, in %) best on top, as dots with their 95% interval:
    neighbours whose whiskers overlap are the "not distinguishable" ones. Colour runs from the worst
    value in this table (orange) to the best (teal). Dots, not bars, because the axis does not start at zero."""
    scale = 100 if by != "score" else 1
    ranked = ranking.filter(pl.col("rank").is_not_null()).sort(["rank", "unit"])
    ranked = ranked.with_columns(
        (pl.col(c) * scale).alias(s)
        for c, s in ((by, "score"), (f"{by}_low", "score_low"), (f"{by}_high", "score_high"))
    )
    scores = ranked["score"].to_list()
    lo, hi = (min(scores), max(scores)) if scores else (0.0, 1.0)
    fig = go.Figure()
    fig.add_scatter(
        y=[f"{r}. {plot_text(u)}" for r, u in zip(ranked["rank"], ranked["unit"], strict=True)],
        x=scores,
        mode="markers",
        marker={
            "size": 13,
            "color": scores,
            "colorscale": GOOD_SCALE,
            "cmin": lo,
            "cmax": hi if hi > lo else lo + 1,
            "line": {"color": "#ffffff", "width": 1},
        },
        error_x={
            "type": "data",
            "symmetric": False,
            "array": (ranked["score_high"] - ranked["score"]).to_list(),
            "arrayminus": (ranked["score"] - ranked["score_low"]).to_list(),
            "color": "#6b7280",
            "thickness": 2,
            "width": 4,
        },
        customdata=list(zip(ranked["score_low"], ranked["score_high"], strict=True)),
        hovertemplate="%{y}<br>%{x:.1f}（%{customdata[0]:.1f}–%{customdata[1]:.1f}）<extra></extra>",
        name=t("score_interval", lang),
        showlegend=False,
    )
    left = min(ranked["score_low"].min() or lo, lo) if scores else 0
    right = max(ranked["score_high"].max() or hi, hi) if scores else 100
    # a little room beyond the extremes so a dot at 100 is not cut in half
    fig.update_xaxes(title=axis_title(by, lang), range=[max(0, left - 3), min(101.5, right + 3)])
    fig.update_yaxes(autorange="reversed", type="category", showgrid=True)
    fig = apply_theme(fig, height=max(240, 28 * ranked.height + 80))
    fig.update_layout(margin={"t": 10})
    return fig
