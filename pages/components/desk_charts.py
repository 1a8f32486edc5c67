"""Pure chart builders of the leader's desk (frame in, figure out), in the shared look of ``charts``."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from labels import t
from pages.components.charts import BAD, PRIMARY, SECONDARY, apply_theme


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
