"""The city's boundaries for the map (issue 15, item 5): GeoJSON files named in the settings' ``[map]``.

A real city uses its public administrative boundary files; the demo city ships generated, fictional
ones (``python -m etl demo-map``). The files are read as they are, checked (an analyst gets a sentence
naming the file and the feature that is wrong, not a traceback), and prepared for drawing:

- each feature gets an ``id`` — the county, or the county and township joined by ``KEY_SEP`` — so the
  map's regions are matched to the warehouse's units by name, exactly as the units are named;
- every ring is rewound to the order the browser's map library (d3-geo, inside Plotly) expects:
  exterior rings clockwise. GeoJSON (RFC 7946) says counter-clockwise, and d3 draws such a ring as
  the whole globe minus the region — the map turns into one colour.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.settings import MapFiles

KEY_SEP = " · "
LEVELS = ("county", "township")


class MapFileError(ValueError):
    """A boundary file is missing or not usable; the message names the file and what to fix."""


@dataclass(frozen=True)
class Region:
    """One drawn region: its level, names, the key that matches the warehouse unit, and a label point."""

    level: str
    county: str
    township: str | None
    key: str
    lon: float
    lat: float
    area: float  # in square degrees, for deciding which labels fit (not a measurement)

    @property
    def name(self) -> str:
        return self.township or self.county


@dataclass(frozen=True)
class LevelMap:
    """One level's regions and the FeatureCollection to draw them (ids set, rings rewound)."""

    level: str
    regions: tuple[Region, ...]
    geojson: dict[str, Any]
    source: str


def unit_key(county: str | None, township: str | None = None) -> str:
    """The region key of a county, or of a township within its county."""
    return f"{county or ''}{KEY_SEP}{township}" if township is not None else (county or "")


def load_level(files: MapFiles, level: str) -> LevelMap | None:
    """The level's boundaries, or None when the settings name no file for it."""
    if level not in LEVELS:
        raise ValueError(f"地图层级应为 {LEVELS} 之一：{level!r}")
    path = files.counties if level == "county" else files.townships
    if path is None:
        return None
    shown = files.to_dict()["counties" if level == "county" else "townships"]
    data = _read(path, shown)
    regions, features = [], []
    seen: set[str] = set()
    for i, feature in enumerate(data["features"], start=1):
        region, prepared = _prepare(feature, level, files, f"{shown} 第 {i} 个要素 (feature {i})")
        if region.key in seen:
            raise MapFileError(f"{shown}：{region.name} 出现了两次，每个单位只能有一个要素 (duplicate feature)")
        seen.add(region.key)
        regions.append(region)
        features.append(prepared)
    return LevelMap(level, tuple(regions), {"type": "FeatureCollection", "features": features}, shown)


def _read(path: Path, shown: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MapFileError(f"地图文件不存在：{shown}（见设置 [map]；演示城市可运行 python -m etl demo-map）") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MapFileError(f"{shown} 不是 UTF-8 编码的 GeoJSON (not GeoJSON): {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise MapFileError(f"{shown} 应为 GeoJSON FeatureCollection (a FeatureCollection is expected)")
    return data


def _prepare(feature: Any, level: str, files: MapFiles, where: str) -> tuple[Region, dict[str, Any]]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(props, dict) or not isinstance(geometry, dict):
        raise MapFileError(f"{where} 缺少 properties 或 geometry")
    county = _name(props, files.county_property, where)
    township = _name(props, files.township_property, where) if level == "township" else None
    polygons = _polygons(geometry, where)
    lon, lat = _label_point(polygons)
    area = sum(abs(_signed_area(p[0])) for p in polygons)
    region = Region(level, county, township, unit_key(county, township), lon, lat, area)
    prepared = {
        "type": "Feature",
        "id": region.key,
        "properties": {"name": region.name, "county": county},
        "geometry": {"type": "MultiPolygon", "coordinates": [_rewound(p) for p in polygons]},
    }
    return region, prepared


def _name(props: dict[str, Any], key: str, where: str) -> str:
    value = props.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MapFileError(
            f"{where} 没有名称属性 {key!r}（设置 [map] 的 *_property 指定用哪个属性，现有：{', '.join(props)}）"
        )
    return value.strip()


def _polygons(geometry: dict[str, Any], where: str) -> list[list[list[list[float]]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        raise MapFileError(f"{where} 的几何类型是 {kind}，应为 Polygon 或 MultiPolygon")
    polygons = [coords] if kind == "Polygon" else coords
    try:
        out = [[[[float(x), float(y)] for x, y, *_ in ring] for ring in poly] for poly in polygons]
    except (TypeError, ValueError):
        raise MapFileError(f"{where} 的坐标无法读取（应为经度、纬度数字）") from None
    if not out or any(len(ring) < 4 for poly in out for ring in poly):
        raise MapFileError(f"{where} 的多边形少于 3 个顶点")
    return out


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace on longitude/latitude: > 0 counter-clockwise (enough for a county's orientation)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def _rewound(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
    """Exterior ring clockwise, holes counter-clockwise (d3-geo's spherical convention)."""
    out = []
    for i, ring in enumerate(polygon):
        clockwise = _signed_area(ring) < 0
        out.append(ring if clockwise == (i == 0) else ring[::-1])
    return out


def _label_point(polygons: list[list[list[list[float]]]]) -> tuple[float, float]:
    """The area centroid of the largest polygon's exterior ring (inside for the compact shapes of
    counties and townships; a label, not a measurement)."""
    ring = max((p[0] for p in polygons), key=lambda r: abs(_signed_area(r)))
    area = _signed_area(ring)
    if not area:
        return ring[0][0], ring[0][1]
    cx = sum((a[0] + b[0]) * (a[0] * b[1] - b[0] * a[1]) for a, b in itertools.pairwise(ring))
    cy = sum((a[1] + b[1]) * (a[0] * b[1] - b[0] * a[1]) for a, b in itertools.pairwise(ring))
    return cx / (6 * area), cy / (6 * area)
