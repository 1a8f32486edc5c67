"""The wall screen's pieces (pages/wall.py): its style, its period and refresh from the URL, the big
tiles, the red and black lists as large text, and dark bar charts. Names from the data go through
``markup.md`` / ``plot_text``; the style sheet is a constant (no data in it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from labels import level_label, t
from pages.components import data
from pages.components.charts import BAD, FONT
from pages.components.kpi import delta_colour, format_change, format_value, kpi_label
from pages.components.markup import md, plot_text
from warehouse.calendar import Period
from warehouse.periods import latest_complete_month

INK, PAPER = "#e5e7eb", "#0b1220"
DEFAULT_REFRESH_S, MIN_REFRESH_S = 300, 30
TILES = ("received_count", "dispatched_count", "response_rate", "on_time_rate", "resolution_rate",
         "satisfaction_rate", "score")  # fmt: skip
# Dark page, no sidebar or toolbar, large type. Scoped to this page: the element goes when the page does.
WALL_CSS = f"""<style>
.stApp, [data-testid="stHeader"] {{ background: {PAPER}; color: {INK}; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stToolbar"],
[data-testid="stHeader"], .stApp h1 {{ display: none; }}
.block-container, [data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 0.8rem 2rem; }}
.stApp h2, .stApp h3, .stApp h4 {{ color: {INK}; padding: 0.2rem 0 0.4rem; }}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {{ color: {INK}; font-size: 1.2rem;
  line-height: 1.5; }}
[data-testid="stCaptionContainer"] p {{ color: #9ca3af; font-size: 1rem; }}
[data-testid="stAlert"] [data-testid="stMarkdownContainer"] p {{ color: #713f12; font-size: 1rem; }}
[data-testid="stMetric"] {{ background: #111a2e; border-color: #1f2a44 !important; padding: 0.6rem 0.9rem; }}
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {{ font-size: 1.25rem; color: #cbd5e1; }}
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {{ font-size: 2.9rem; color: #f9fafb;
  line-height: 1.15; }}
[data-testid="stMetricDelta"] {{ background: transparent !important; }}
[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"] p {{ color: inherit; font-size: 1.1rem; }}
</style>"""


def query_period(stamp: Any) -> Period:
    """``?month=YYYY-MM`` when it is a month of the data, else the latest complete month of intake."""
    months = data.intake_months(stamp) or data.months(stamp)
    wanted = st.query_params.get("month")
    if wanted and wanted in {m.strftime("%Y-%m") for m in months}:
        return Period.month(wanted)
    as_of = data.build_info(stamp).get("as_of")
    return Period.month(latest_complete_month(months, dt.datetime.fromisoformat(as_of) if as_of else None))


def refresh_seconds() -> int:
    """``?refresh=N`` seconds (at least 30), default 300."""
    try:
        return max(MIN_REFRESH_S, int(st.query_params.get("refresh", DEFAULT_REFRESH_S)))
    except ValueError:
        return DEFAULT_REFRESH_S


def wall_tiles(current: dict[str, Any], comparison: dict[str, Any], backlog: dict[str, Any], lang: str) -> None:
    """The month's key figures with their change (the warehouse's, like for like; 未完整 marked as on the
    overview), and the backlog now with its change over the week."""
    cols = st.columns(len(TILES) + 1)
    for col, key in zip(cols, TILES, strict=False):
        diff = comparison["changes"].get(key)
        col.metric(kpi_label(key, lang, comparison["incomplete"], current.get(key)), format_value(key, current.get(key)),
                   delta=format_change(key, diff, lang), delta_color="off" if diff == 0 else delta_colour(key),
                   delta_arrow="off" if diff == 0 else "auto", border=True)  # fmt: skip
    now, before = backlog.get("backlog_count"), backlog.get("last_week_count")
    cols[-1].metric(t("bl_now", lang), "—" if now is None else f"{now:,}",
                    delta=None if now is None else f"{now - before:+,}", delta_color="inverse", border=True)  # fmt: skip


def list_block(stamp: Any, period: Period, lang: str) -> None:
    """Red and black lists of the counties and of each department group, as large text."""
    span = (period.start, period.end, period.kind)
    blocks = [(level_label("county", lang), data.ranking(stamp, "county", *span))]
    departments = data.ranking(stamp, "department", *span)
    for group in sorted(set(departments["group_name"].drop_nulls())):
        blocks.append(
            (f"{level_label('department', lang)} · {md(group)}", departments.filter(pl.col("group_name") == group))
        )
    shown = False
    for name, ranking in blocks:
        red, black = ranking.filter(pl.col("is_red")).sort("rank"), ranking.filter(pl.col("is_black")).sort("rank")
        if red.is_empty() and black.is_empty():
            continue
        shown = True
        st.markdown(f"**{name}**")
        left, right = st.columns(2)
        left.markdown(_lines(red, f":red[{t('red_list', lang)}]"))
        right.markdown(_lines(black, t("black_list", lang)))
    if not shown:
        st.markdown(t("wall_no_lists", lang))


def _lines(frame: pl.DataFrame, title: str) -> str:
    rows = [f"{r['rank']}\\. {md(r['unit'])} **{r['score']:.1f}**" for r in frame.iter_rows(named=True)]
    return "  \n".join([title, *rows]) if rows else title


def backlog_bars(frame: pl.DataFrame, lang: str, trend: bool = False) -> go.Figure:
    """Backlog per county (rows: county, backlog_count; most first) or the 12-week trend (rows: week,
    taken_at, backlog_count), dark."""
    fig = go.Figure()
    if trend:
        rows = frame.filter(pl.col("backlog_count").is_not_null())
        x = [f"{at:%m-%d}" for at in rows["taken_at"]]
        fig.add_bar(x=x, y=rows["backlog_count"].to_list(), marker={"color": ["#60a5fa"] * (rows.height - 1) + [BAD]},
                    text=rows["backlog_count"].to_list(), textposition="outside", cliponaxis=False)  # fmt: skip
        height = 230
    else:
        rows = frame.filter(pl.col("county").is_not_null()).sort("backlog_count")
        fig.add_bar(y=[plot_text(c) for c in rows["county"]], x=rows["backlog_count"].to_list(), orientation="h",
                    marker={"color": BAD}, text=rows["backlog_count"].to_list(), textposition="outside",
                    cliponaxis=False)  # fmt: skip
        height = max(240, 44 * rows.height + 40)
    fig.update_layout(
        template="plotly_dark", paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", height=height,
        font={"family": FONT, "size": 16 if trend else 18, "color": INK}, showlegend=False,
        margin={"l": 10, "r": 40, "t": 30 if trend else 10, "b": 10},
    )  # fmt: skip
    fig.update_xaxes(showgrid=False, type="category" if trend else None, visible=trend)
    fig.update_yaxes(showgrid=False, visible=not trend, type="category" if not trend else None, tickfont={"size": 18})
    return fig
