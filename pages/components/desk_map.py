"""The outline map: a choropleth drawn from the city's GeoJSON alone (no tile server, no internet).

Plotly's map (d3-geo) fetches a world topojson from a CDN when the *first* trace of the map has a
``locationmode`` — every choropleth has one. So the first trace here is always the region labels (a
Scattergeo placed by longitude/latitude, no locationmode): nothing is fetched, and the map draws
offline. The browser test blocks every outside request and checks the map is drawn. ``fitbounds``
fits the view to the shapes; the base map (land, coasts, frame) is hidden.

Colour follows "higher is better" as every chart does (orange worse, teal better); for the backlog
more is worse. Regions without a figure are grey and say why on hover. Names pass through plot_text.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from labels import metric_label, t
from pages.components.charts import BAD, FONT, GOOD, apply_theme
from pages.components.markup import plot_text
from warehouse.desk import BACKLOG
from warehouse.geo import LevelMap, Region

NO_DATA = "#d1d5db"
GOOD_FIRST = [[0.0, BAD], [0.5, "#fbbf24"], [1.0, GOOD]]
BAD_FIRST = [[0.0, GOOD], [0.5, "#fbbf24"], [1.0, BAD]]


def metric_name(metric: str, lang: str) -> str:
    return t("col_backlog_count", lang) if metric == BACKLOG else metric_label(metric, lang)


def format_figure(metric: str, value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    if metric == BACKLOG:
        return f"{int(value):,} {t('orders_unit', lang)}"
    return f"{value:.1f}" if metric == "score" else f"{100 * value:.1f}%"


def build_map_figure(
    level_map: LevelMap,
    values: pl.DataFrame,
    metric: str,
    lang: str,
    outlines: LevelMap | None = None,
    dark: bool = False,
    height: int = 640,
    label_size: int | None = None,
    narrow: bool = False,
) -> go.Figure:
    """One region per shape of ``level_map`` coloured by ``values`` (rows: key, value, sample_flag);
    ``outlines`` (the counties, on a township map) drawn over it as lines; ``narrow`` (a phone) puts the
    colour bar under the map so the map gets the width."""
    by_key = {r["key"]: r for r in values.iter_rows(named=True)}
    regions = level_map.regions
    shown = [r for r in regions if (by_key.get(r.key) or {}).get("value") is not None]
    empty = [r for r in regions if r not in shown]
    ink = "#f9fafb" if dark else "#111827"
    fig = go.Figure()
    labelled = list(regions) if level_map.level == "county" else _fits_label(regions)
    fig.add_scattergeo(  # first: see the module docstring
        lon=[r.lon for r in labelled], lat=[r.lat for r in labelled], mode="text", hoverinfo="skip", showlegend=False,
        text=[f"{plot_text(r.name)}<br>{format_figure(metric, (by_key.get(r.key) or {}).get('value'), lang)}"
              for r in labelled],
        textfont={"family": FONT, "size": label_size or (12 if level_map.level == "county" else 10), "color": ink},
    )  # fmt: skip
    line = "#111827" if dark else "#ffffff"
    if empty:
        fig.add_choropleth(
            geojson=level_map.geojson, locations=[r.key for r in empty], z=[0] * len(empty), featureidkey="id",
            colorscale=[[0, NO_DATA], [1, NO_DATA]], showscale=False, marker={"line": {"color": line, "width": 1}},
            customdata=[[plot_text(r.name), t("map_no_value", lang)] for r in empty],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        )  # fmt: skip
    if shown:
        z = [by_key[r.key]["value"] for r in shown]
        notes = [t("flag_insufficient", lang) if by_key[r.key].get("sample_flag") else "" for r in shown]
        fig.add_choropleth(
            geojson=level_map.geojson, locations=[r.key for r in shown], z=z, featureidkey="id",
            zmin=min(z), zmax=max(z) if max(z) > min(z) else min(z) + 1e-9,
            colorscale=BAD_FIRST if metric == BACKLOG else GOOD_FIRST, marker={"line": {"color": line, "width": 1}},
            colorbar={"title": {"text": metric_name(metric, lang)}, "thickness": 12, "len": 0.7,
                      "tickformat": ",d" if metric == BACKLOG else (".1f" if metric == "score" else ".0%"),
                      "tickfont": {"color": ink}, "title_font": {"color": ink},
                      **({"orientation": "h", "y": -0.02, "yanchor": "top", "len": 0.9} if narrow else {})},
            customdata=[[plot_text(r.name), format_figure(metric, v, lang), n] for r, v, n in zip(shown, z, notes, strict=True)],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]} %{customdata[2]}<extra></extra>",
        )  # fmt: skip
    if outlines is not None:
        lon, lat = _outline_lines(outlines)
        fig.add_scattergeo(lon=lon, lat=lat, mode="lines", line={"color": ink, "width": 2}, hoverinfo="skip",
                           showlegend=False)  # fmt: skip
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator", bgcolor="rgba(0,0,0,0)")
    fig = apply_theme(fig, height=height)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, dragmode=False, clickmode="event+select",
                      paper_bgcolor="rgba(0,0,0,0)")  # fmt: skip
    return fig


def _fits_label(regions: tuple[Region, ...]) -> list[Region]:
    """The regions big enough for a label (at least half the average size): small urban townships are
    named on hover only, so labels never pile up. Always at least one (the first trace must exist)."""
    average = sum(r.area for r in regions) / max(len(regions), 1)
    return [r for r in regions if r.area >= 0.5 * average] or list(regions[:1])


def _outline_lines(level_map: LevelMap) -> tuple[list[float | None], list[float | None]]:
    """Every ring of every region as one line trace (None between rings)."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for feature in level_map.geojson["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                lon += [p[0] for p in ring] + [None]
                lat += [p[1] for p in ring] + [None]
    return lon, lat


def clicked_region(event: object) -> str | None:
    """The region key of a click on the map (Streamlit's selection event), or None."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        key = point.get("location") if isinstance(point, dict) else None
        if key:
            return str(key)
    return None
