"""Pure chart builders of the leader's desk (frame in, figure out), in the shared look of ``charts``."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from labels import metric_label, t
from pages.components.charts import BAD, CITY, GOOD, PRIMARY, QUALITATIVE, SECONDARY, apply_theme
from pages.components.markup import plot_text
from warehouse.registry import get_metric


def build_backlog_trend_figure(trend: pl.DataFrame, lang: str) -> go.Figure:
    """Weekly backlog bars (rows: week, taken_at, backlog_count), the latest one — now — in the warning
    colour. Points without data (before the first loaded order) are left out, never drawn as 0."""
    rows = trend.filter(pl.col("backlog_count").is_not_null()).sort("week")
    labels = [
        f"{at:%m-%d}" + (f"（{t('bl_trend_now', lang)}）" if week == 0 else "")
        for week, at in zip(rows["week"], rows["taken_at"], strict=True)
    ]
    colours = [BAD if week == 0 else SECONDARY for week in rows["week"]]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=rows["backlog_count"].to_list(),
        marker={"color": colours, "line": {"color": PRIMARY, "width": 0}},
        text=rows["backlog_count"].to_list(),
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}<br>%{y:,} " + t("orders_unit", lang) + "<extra></extra>",
        showlegend=False,
    )
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=t("bl_trend_axis", lang), tickformat=",d", rangemode="tozero")
    return apply_theme(fig, height=300)


def build_gap_heatmap(matrix: pl.DataFrame, figures: tuple[str, ...], lang: str) -> go.Figure:
    """Departments (rows, most orders on top) × figures: each cell shows the department's value on the
    county's orders; its colour is the gap to the department's city-wide value (rates in percentage
    points, the score in points), orange below, teal above, white level. Rows: department, the figures
    and ``citywide_<figure>``."""
    names = [plot_text(d) for d in matrix["department"]]
    z, text, hover = [], [], []
    for row in matrix.iter_rows(named=True):
        gaps, cells, tips = [], [], []
        for key in figures:
            own, wide, scale = row[key], row[f"citywide_{key}"], 1 if key == "score" else 100
            gap = None if own is None or wide is None else scale * (own - wide)
            gaps.append(gap)
            cells.append("—" if own is None else (f"{own:.1f}" if key == "score" else f"{100 * own:.1f}%"))
            tips.append("" if gap is None else f"{gap:+.1f}")
        z.append(gaps)
        text.append(cells)
        hover.append(tips)
    peak = max([abs(g) for r in z for g in r if g is not None] or [1.0])
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[metric_label(k, lang) for k in figures], y=names, text=text, texttemplate="%{text}",
            customdata=hover, colorscale=[[0, BAD], [0.5, "#ffffff"], [1, GOOD]], zmin=-peak, zmax=peak, zmid=0,
            hovertemplate="%{y} · %{x}<br>%{text}（%{customdata}）<extra></extra>", xgap=2, ygap=2,
            colorbar={"title": {"text": t("cd_heatmap_axis", lang), "side": "top"}, "thickness": 10,
                      "orientation": "h", "y": -0.04, "yanchor": "top", "len": 0.8},
        )
    )  # fmt: skip
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    fig = apply_theme(fig, height=max(300, 30 * matrix.height + 150))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def one_year_on(frame: pl.DataFrame) -> pl.DataFrame:
    """Monthly rows moved a year forward (the same month last year drawn over this year's)."""
    return frame.with_columns(pl.col("month").dt.offset_by("1y"))


def add_last_year(
    fig: go.Figure, units: pl.DataFrame, city: pl.DataFrame, metric: str, unit_col: str, lang: str
) -> go.Figure:
    """Dotted lines of the same units (and the city) a year earlier, over a trend figure: rows a year
    back, moved forward by :func:`one_year_on` so each point sits on this year's month."""
    is_rate = get_metric(metric).unit == "ratio"
    fmt = "%{y:.1%}" if is_rate else "%{y:.1f}"
    series = [(name, units.filter(pl.col(unit_col) == name)) for name in units[unit_col].unique(maintain_order=True)]
    series.append((t("city_average", lang), city))
    for i, (name, rows) in enumerate(series):
        rows = one_year_on(rows).sort("month")
        colour = CITY if i == len(series) - 1 else QUALITATIVE[i % len(QUALITATIVE)]
        fig.add_scatter(
            x=[m.strftime("%Y-%m") for m in rows["month"]], y=rows[metric].to_list(), mode="lines+markers",
            marker={"size": 5, "symbol": "circle-open"},
            name=t("last_year_of", lang).format(name=plot_text(name)), opacity=0.6,
            line={"color": colour, "width": 1.5, "dash": "dot"},
            hovertemplate=f"%{{x}}（{t('last_year_short', lang)}）<br>{fmt}<extra>%{{fullData.name}}</extra>",
        )  # fmt: skip
    return fig


def add_target_line(fig: go.Figure, target: float | None, lang: str) -> go.Figure:
    """A rate's target as a horizontal line (the city-wide one), labelled; nothing without a target."""
    if target is None:
        return fig
    fig.add_hline(y=target, line={"color": GOOD, "width": 1.5, "dash": "dashdot"},
                  annotation_text=t("target_line_label", lang).format(target=f"{100 * target:g}%"),
                  annotation_position="top left", annotation_font={"color": GOOD})  # fmt: skip
    return fig


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February: the 28th)."""
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)
