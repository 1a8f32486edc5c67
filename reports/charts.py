"""The bulletin's charts: pure plotly builders (plain rows in, figure out) and one batched PNG export.

Every ``kaleido.write_image`` would start its own Chromium (~2 s each); :func:`render_pngs` starts one
sync server for the whole batch. The server is a process-wide singleton, so a lock keeps two report
builds (two Streamlit sessions) from stopping each other's server.
"""

from __future__ import annotations

import threading
from typing import Any

import plotly.graph_objects as go

FONT = "Noto Sans CJK SC, sans-serif"
BLUE, LIGHT_BLUE, RED, GREY, DARK = "#1f5fa8", "#9fbfe3", "#c0392b", "#8c96a3", "#333333"
RATE_COLOURS = {
    "response_rate": "#1f5fa8",
    "on_time_rate": "#2e9e6b",
    "resolution_rate": "#e08a1e",
    "satisfaction_rate": "#c0392b",
}
RATE_LABELS = {
    "response_rate": "响应率",
    "on_time_rate": "按时办结率",
    "resolution_rate": "解决率",
    "satisfaction_rate": "满意率",
}
WIDE, HALF = (1000, 340), (620, 380)
_LOCK = threading.Lock()


def _layout(fig: go.Figure, size: tuple[int, int], **kw: Any) -> go.Figure:
    fig.update_layout(
        template="simple_white",
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={"family": FONT, "size": 15, "color": DARK},
        width=size[0],
        height=size[1],
        margin={"l": 10, "r": 20, "t": 20, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        **kw,
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _room(values: list[float], factor: float) -> list[float]:
    """An axis range with space right of the longest bar for its printed value (never clipped)."""
    return [0, max([v for v in values if v is not None] or [1]) * factor]


def _month_tick(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(mon)}月" if mon != "01" else f"{year}年<br>1月"


def build_volume_trend(trend: list[dict[str, Any]], month: str) -> go.Figure:
    """Received per month (bars, the report month dark) and dispatched (line), 12 months."""
    x = [_month_tick(r["month"]) for r in trend]
    colours = [BLUE if r["month"] == month else LIGHT_BLUE for r in trend]
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=[r["received_count"] for r in trend],
        name="受理量",
        marker_color=colours,
        text=[f"{r['received_count']:,}" for r in trend],
        textposition="outside",
        cliponaxis=False,
    )
    fig.add_scatter(
        x=x,
        y=[r["dispatched_count"] for r in trend],
        name="派单量",
        mode="lines+markers",
        line={"color": RED, "width": 2},
    )
    fig.update_yaxes(title_text="工单量（件）", tickformat=",", rangemode="tozero")
    fig.update_xaxes(type="category")
    return _layout(fig, WIDE)


def build_share_donut(rows: list[dict[str, Any]], title: str) -> go.Figure:
    """Shares of the month's orders (channels): a donut with name and per cent on each slice."""
    palette = [BLUE, "#4f86c6", LIGHT_BLUE, "#c9d9ee", GREY, "#d5dbe2"]
    fig = go.Figure(
        go.Pie(
            labels=[r["name"] for r in rows],
            values=[r["received_count"] for r in rows],
            hole=0.5,
            sort=False,
            marker={"colors": palette[: len(rows)] or None},
            textinfo="label+percent",
            texttemplate="%{label}<br>%{percent:.1%}",
            direction="clockwise",
            showlegend=False,
        )
    )
    fig.add_annotation(text=title, showarrow=False, font={"size": 17})
    return _layout(fig, HALF)


def build_share_bar(rows: list[dict[str, Any]], axis_title: str) -> go.Figure:
    """Counts per class (appeal types), largest on top, count and share printed at the bar."""
    rows = list(reversed(rows))
    fig = go.Figure(
        go.Bar(
            x=[r["received_count"] for r in rows],
            y=[r["name"] for r in rows],
            orientation="h",
            marker_color=BLUE,
            text=[
                f"{r['received_count']:,}（{100 * r['share']:.1f}%）" if r["share"] is not None else "" for r in rows
            ],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_xaxes(title_text=axis_title, tickformat=",", range=_room([r["received_count"] for r in rows], 1.35))
    return _layout(fig, HALF)


def build_category_bar(categories: list[dict[str, Any]]) -> go.Figure:
    """Top categories of the month (category_l2, with l1 for context), largest on top."""
    rows = list(reversed(categories))
    fig = go.Figure(
        go.Bar(
            x=[r["received_count"] for r in rows],
            y=[f"{r['category_l2']}（{r['category_l1']}）" for r in rows],
            orientation="h",
            marker_color=BLUE,
            text=[f"{r['received_count']:,}" for r in rows],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_xaxes(title_text="受理量（件）", tickformat=",", range=_room([r["received_count"] for r in rows], 1.12))
    return _layout(fig, (WIDE[0], 60 + 34 * max(len(rows), 3)))


def build_rate_trend(trend: list[dict[str, Any]]) -> go.Figure:
    """The four assessment rates over the months, in per cent."""
    x = [_month_tick(r["month"]) for r in trend]
    fig = go.Figure()
    for key, label in RATE_LABELS.items():
        y = [None if r[key] is None else 100 * r[key] for r in trend]
        fig.add_scatter(x=x, y=y, name=label, mode="lines+markers", line={"color": RATE_COLOURS[key], "width": 2})
    fig.update_yaxes(title_text="比率（%）", ticksuffix="%")
    fig.update_xaxes(type="category")
    return _layout(fig, WIDE)


def build_score_bar(rows: list[dict[str, Any]]) -> go.Figure:
    """Composite score of each ranked unit, best on top; red list red, black list dark grey."""
    ranked = [r for r in rows if r["rank"] is not None][::-1]
    colours = [RED if r["is_red"] else (DARK if r["is_black"] else LIGHT_BLUE) for r in ranked]
    fig = go.Figure(
        go.Bar(
            x=[r["score"] for r in ranked],
            y=[r["unit"] for r in ranked],
            orientation="h",
            marker_color=colours,
            text=[f"{r['score']:.2f}" for r in ranked],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_xaxes(title_text="综合得分（分）", range=[0, 110], tickvals=[0, 20, 40, 60, 80, 100])
    return _layout(fig, (WIDE[0], 60 + 34 * max(len(ranked), 3)))


def build_figures(report: Any) -> dict[str, go.Figure]:
    """Every chart of the bulletin, keyed by the name the template uses."""
    figs = {}
    if len(report.trend) > 1:  # one month is no trend
        figs["volume_trend"] = build_volume_trend(report.trend, report.month)
        figs["rate_trend"] = build_rate_trend(report.trend)
    if report.channels:
        figs["channels"] = build_share_donut(report.channels, "受理渠道")
    if report.appeal_types:
        figs["appeal_types"] = build_share_bar(report.appeal_types, "受理量（件）")
    if report.categories:
        figs["categories"] = build_category_bar(report.categories)
    if any(r["rank"] is not None for r in report.counties):
        figs["county_scores"] = build_score_bar(report.counties)
    return figs


def render_pngs(figs: dict[str, go.Figure], scale: float = 2.0) -> dict[str, bytes]:
    """All figures to PNG through one Chromium (kaleido's sync server), started and stopped here."""
    import kaleido

    out: dict[str, bytes] = {}
    with _LOCK:
        kaleido.start_sync_server(silence_warnings=True)
        try:
            for name, fig in figs.items():
                opts = {"format": "png", "width": fig.layout.width, "height": fig.layout.height, "scale": scale}
                out[name] = kaleido.calc_fig_sync(fig, opts=opts)
        finally:
            kaleido.stop_sync_server(silence_warnings=True)
    return out
