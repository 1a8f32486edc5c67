"""The demo city's boundaries: a generated, fictional outline map of 云溪市 (``python -m etl demo-map``).

Why generated: the map page draws any city's public boundary file (GeoJSON named in the settings); the
fictional demo city needs one that cannot be mistaken for a real place. It is placed in the open sea
east of the Chinese coast, where no county exists, and its shapes come from the seed alone.

How: county cells are a Voronoi partition of hand-placed county seeds inside a convex city outline
(three small urban districts in the middle, four large counties around them); each county is split the
same way among seeds spread inside it, one per township of ``etl.democity.city``. Every shared boundary is
then cut at every vertex of either side (no T-junction) and each segment bent by a small wave that
depends only on its two end points, so neighbours share exactly the same wavy border. A county is the
union of its townships (shared segments cancel), so county and township maps agree to the last digit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from etl.democity.city import CITY, COUNTIES

CENTRE = (124.6, 28.0)  # open sea: nothing real is here
RADIUS = (0.72, 0.46)  # degrees of longitude and latitude
# county -> seed offset from the centre (degrees); districts in the middle, counties around them
COUNTY_SEEDS = {
    "云岫区": (-0.01, 0.06), "溪澜区": (0.07, -0.03), "鹤汀区": (-0.07, -0.04), "青篁县": (-0.4, 0.24),
    "棠梨县": (0.42, 0.22), "枫渚县": (0.38, -0.28), "松屿县": (-0.38, -0.27),
}  # fmt: skip
COUNTY_WEIGHT = 0.06  # power-diagram weight of a 县 against a 区 (deg²): the urban districts stay small
DIGITS = 5  # about a metre
COUNTIES_FILE, TOWNSHIPS_FILE = "yunxi_counties.geojson", "yunxi_townships.geojson"
Point = tuple[float, float]


def _outline(rng: np.random.Generator, n: int = 28) -> list[Point]:
    """A convex, slightly irregular city outline, counter-clockwise."""
    angles = np.sort(rng.uniform(0, 2 * math.pi, n))
    radii = rng.uniform(0.82, 1.0, n)
    pts = [
        (CENTRE[0] + r * RADIUS[0] * math.cos(a), CENTRE[1] + r * RADIUS[1] * math.sin(a))
        for a, r in zip(angles, radii, strict=True)
    ]
    return _convex_hull(pts)


def _convex_hull(points: list[Point]) -> list[Point]:
    """Andrew's monotone chain, counter-clockwise."""
    pts = sorted(set(points))
    cross = lambda o, a, b: (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])  # noqa: E731
    lower: list[Point] = []
    upper: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _clip(poly: list[Point], a: Point, b: Point, wa: float = 0.0, wb: float = 0.0) -> list[Point]:
    """The part of ``poly`` nearer ``a`` than ``b`` in power distance (|x − s|² − w: a weight pushes the
    border away from its seed), by Sutherland–Hodgman against that straight border."""
    nx, ny = b[0] - a[0], b[1] - a[1]
    c = (b[0] ** 2 + b[1] ** 2 - a[0] ** 2 - a[1] ** 2 - wb + wa) / 2
    side = [nx * p[0] + ny * p[1] - c for p in poly]  # < 0: a's side
    out: list[Point] = []
    for i, p in enumerate(poly):
        q, sp, sq = poly[(i + 1) % len(poly)], side[i], side[(i + 1) % len(poly)]
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _voronoi(region: list[Point], seeds: list[Point], weights: list[float] | None = None) -> list[list[Point]]:
    """The (power-weighted) Voronoi cells of ``seeds`` inside the convex ``region``: they tile it."""
    w = weights or [0.0] * len(seeds)
    cells = []
    for i, s in enumerate(seeds):
        cell = region
        for j, other in enumerate(seeds):
            if i != j:
                cell = _clip(cell, s, other, w[i], w[j])
        cells.append(cell)
    return cells


def _inside(poly: list[Point], p: Point) -> bool:
    """Convex counter-clockwise polygon test."""
    n = len(poly)
    return all(
        (poly[(i + 1) % n][0] - poly[i][0]) * (p[1] - poly[i][1])
        - (poly[(i + 1) % n][1] - poly[i][1]) * (p[0] - poly[i][0])
        >= 0
        for i in range(n)
    )


def _spread(rng: np.random.Generator, poly: list[Point], k: int) -> list[Point]:
    """``k`` well-spaced seeds inside a convex polygon (best of 40 candidates, away from the edge)."""
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    chosen: list[Point] = []
    for _ in range(k):
        best, score = (cx, cy), -1.0
        for _ in range(40):
            p = (float(rng.uniform(min(xs), max(xs))), float(rng.uniform(min(ys), max(ys))))
            if not _inside(poly, p):
                continue
            near = min([math.dist(p, q) for q in chosen] + [2 * _edge_distance(poly, p)])
            if near > score:
                best, score = p, near
        chosen.append(best)
    return chosen


def _edge_distance(poly: list[Point], p: Point) -> float:
    best = math.inf
    for i, a in enumerate(poly):
        b = poly[(i + 1) % len(poly)]
        dx, dy = b[0] - a[0], b[1] - a[1]
        t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy or 1)))
        best = min(best, math.dist(p, (a[0] + t * dx, a[1] + t * dy)))
    return best


def _snap(polys: list[list[Point]]) -> list[list[Point]]:
    """Round every vertex and merge those that differ by float noise, so shared vertices are identical."""
    seen: dict[tuple[int, int], Point] = {}
    out = []
    for poly in polys:
        ring: list[Point] = []
        for x, y in poly:
            key = (round(x * 10**DIGITS), round(y * 10**DIGITS))
            near = next((seen[k] for k in _neighbours(key) if k in seen), None)
            p = near or seen.setdefault(key, (key[0] / 10**DIGITS, key[1] / 10**DIGITS))
            if not ring or ring[-1] != p:
                ring.append(p)
        out.append(ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring)
    return out


def _neighbours(key: tuple[int, int]) -> list[tuple[int, int]]:
    return [(key[0] + dx, key[1] + dy) for dx in (0, -1, 1) for dy in (0, -1, 1)]


def _split_t_junctions(polys: list[list[Point]]) -> list[list[Point]]:
    """Insert into each edge every other polygon's vertex lying on it, so shared borders match segment by segment."""
    vertices = sorted({p for poly in polys for p in poly})
    out = []
    for poly in polys:
        ring: list[Point] = []
        for i, a in enumerate(poly):
            b = poly[(i + 1) % len(poly)]
            ring.append(a)
            on = [v for v in vertices if v not in (a, b) and _on_segment(a, b, v)]
            ring.extend(sorted(on, key=lambda v: math.dist(a, v)))
        out.append(ring)
    return out


def _on_segment(a: Point, b: Point, v: Point, tol: float = 2 * 10**-DIGITS) -> bool:
    length = math.dist(a, b)
    if not length:
        return False
    cross = abs((b[0] - a[0]) * (v[1] - a[1]) - (b[1] - a[1]) * (v[0] - a[0])) / length
    dot = (v[0] - a[0]) * (b[0] - a[0]) + (v[1] - a[1]) * (b[1] - a[1])
    return cross < tol and 0 < dot < length * length


def _wave(a: Point, b: Point, seed: int, pieces: int = 6) -> list[Point]:
    """Points strictly between a and b on a gentle wave that depends only on {a, b} (same from both sides)."""
    lo, hi = sorted((a, b))
    h = hash_pair(lo, hi, seed)
    length = math.dist(lo, hi)
    nx, ny = (hi[1] - lo[1]) / (length or 1), -(hi[0] - lo[0]) / (length or 1)
    amp = 0.05 * length * (0.5 + (h % 1000) / 1000)
    phase = (h // 1000 % 628) / 100
    pts = []
    for k in range(1, pieces):
        t = k / pieces
        off = amp * math.sin(math.pi * t) * math.sin(2 * math.pi * t + phase)
        pts.append(
            (
                round(lo[0] + t * (hi[0] - lo[0]) + off * nx, DIGITS),
                round(lo[1] + t * (hi[1] - lo[1]) + off * ny, DIGITS),
            )
        )
    return pts if (lo, hi) == (a, b) else pts[::-1]


def hash_pair(p: Point, q: Point, seed: int) -> int:
    """A deterministic integer from two points (Python's hash() is salted per process: not used)."""
    text = f"{seed}:{p[0]:.{DIGITS}f},{p[1]:.{DIGITS}f}:{q[0]:.{DIGITS}f},{q[1]:.{DIGITS}f}"
    value = 0
    for ch in text.encode():
        value = (value * 131 + ch) % 1_000_000_007
    return value


def _bend(poly: list[Point], seed: int) -> list[Point]:
    out: list[Point] = []
    for i, a in enumerate(poly):
        out.append(a)
        out.extend(_wave(a, poly[(i + 1) % len(poly)], seed))
    return out


def _union(polys: list[list[Point]]) -> list[Point]:
    """The outer ring of polygons that share whole segments: the segments used once, chained."""
    edges: dict[tuple[Point, Point], int] = {}
    for poly in polys:
        for i, a in enumerate(poly):
            b = poly[(i + 1) % len(poly)]
            if (b, a) in edges:
                del edges[(b, a)]
            else:
                edges[(a, b)] = 1
    nxt = dict(edges)  # a -> b (each outer vertex starts one segment)
    following = {a: b for a, b in nxt}
    start = min(following)
    ring, p = [start], following[start]
    while p != start:
        ring.append(p)
        p = following[p]
    if len(ring) != len(following):
        raise ValueError("a county of the demo map is not one piece")
    return ring


def generate_demo_map(seed: int = 12345) -> dict[str, dict]:
    """{'counties': FeatureCollection, 'townships': FeatureCollection} for 云溪市 (lon/lat, WGS-84-like)."""
    rng = np.random.default_rng(seed)
    outline = _outline(rng)
    names = [c.name for c in COUNTIES]
    seeds = [(CENTRE[0] + COUNTY_SEEDS[n][0], CENTRE[1] + COUNTY_SEEDS[n][1]) for n in names]
    county_cells = _voronoi(outline, seeds, [0.0 if n.endswith("区") else COUNTY_WEIGHT for n in names])
    towns: list[tuple[str, str]] = []
    cells: list[list[Point]] = []
    for county, cell in zip(COUNTIES, county_cells, strict=True):
        inner = _voronoi(cell, _spread(rng, cell, len(county.townships)))
        towns += [(county.name, t) for t in county.townships]
        cells += inner
    shapes = [_bend(p, seed) for p in _split_t_junctions(_snap(cells))]
    township_features = [
        _feature(ring, county=c, township=t, name=t) for (c, t), ring in zip(towns, shapes, strict=True)
    ]
    county_features = [
        _feature(_union([s for (c, _), s in zip(towns, shapes, strict=True) if c == name]), county=name, name=name)
        for name in names
    ]
    note = f"{CITY}（虚构城市，演示用；位置在海上，不对应任何真实地区）"
    return {
        "counties": _collection(county_features, note),
        "townships": _collection(township_features, note),
    }


def _feature(ring: list[Point], **properties: str) -> dict:
    closed = [list(p) for p in ring] + [list(ring[0])]
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [closed]}}


def _collection(features: list[dict], note: str) -> dict:
    return {"type": "FeatureCollection", "name": note, "features": features}


def write_demo_map(out_dir: Path, seed: int = 12345) -> list[Path]:
    """Write the two GeoJSON files (the settings' ``[map]`` names them); the same seed, the same bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    maps = generate_demo_map(seed)
    paths = []
    for key, name in (("counties", COUNTIES_FILE), ("townships", TOWNSHIPS_FILE)):
        path = out_dir / name
        path.write_text(json.dumps(maps[key], ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
