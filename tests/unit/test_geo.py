"""The map's geometry (issue 15, item 5): the demo city's generated boundaries, and how any city's
GeoJSON named in the settings is read, checked and prepared for drawing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.democity.city import COUNTIES
from etl.democity.map import COUNTIES_FILE, TOWNSHIPS_FILE, generate_demo_map, write_demo_map
from warehouse.geo import KEY_SEP, MapFileError, _signed_area, load_level
from warehouse.settings import PROJECT_ROOT, MapFiles, SettingsError, load_settings, parse_settings

SHIPPED = PROJECT_ROOT / "config" / "map"


def _edges(ring: list[list[float]]) -> list[tuple[tuple, tuple]]:
    pts = [tuple(p) for p in ring[:-1]]
    return [(pts[i], pts[(i + 1) % len(pts)]) for i in range(len(pts))]


def test_the_demo_map_has_every_county_and_township_of_the_demo_city() -> None:
    maps = generate_demo_map()
    counties = [f["properties"]["county"] for f in maps["counties"]["features"]]
    towns = [(f["properties"]["county"], f["properties"]["township"]) for f in maps["townships"]["features"]]
    assert counties == [c.name for c in COUNTIES]
    assert towns == [(c.name, t) for c in COUNTIES for t in c.townships]
    assert "虚构" in maps["counties"]["name"]


def test_townships_tile_their_county_exactly() -> None:
    """Inside a county every township border is shared segment by segment with one neighbour (so the
    county map and the township map agree to the last digit): the segments used once are exactly the
    county's own outline."""
    maps = generate_demo_map()
    for county in maps["counties"]["features"]:
        name = county["properties"]["county"]
        used: dict[tuple, int] = {}
        for f in maps["townships"]["features"]:
            if f["properties"]["county"] == name:
                for a, b in _edges(f["geometry"]["coordinates"][0]):
                    if (b, a) in used:
                        del used[(b, a)]
                    else:
                        used[(a, b)] = 1
        assert set(used) == set(_edges(county["geometry"]["coordinates"][0])), name


def test_neighbouring_counties_share_their_border() -> None:
    edges = [e for f in generate_demo_map()["counties"]["features"] for e in _edges(f["geometry"]["coordinates"][0])]
    shared = {e for e in edges if (e[1], e[0]) in set(edges)}
    assert len(shared) > len(edges) / 3  # the inner borders, each once from either side


def test_the_shipped_files_are_the_generators_and_the_settings_name_them(tmp_path: Path) -> None:
    for path in write_demo_map(tmp_path):
        assert path.read_bytes() == (SHIPPED / path.name).read_bytes(), f"run python -m etl demo-map ({path.name})"
    files = load_settings().map
    assert (files.counties, files.townships) == (SHIPPED / COUNTIES_FILE, SHIPPED / TOWNSHIPS_FILE)


def test_load_level_keys_regions_like_the_units_and_winds_rings_for_d3() -> None:
    files = load_settings().map
    county, township = load_level(files, "county"), load_level(files, "township")
    assert [r.key for r in county.regions] == [c.name for c in COUNTIES]
    assert township.regions[0].key == f"云岫区{KEY_SEP}岫山街道" and township.regions[0].name == "岫山街道"
    for level_map in (county, township):
        for feature in level_map.geojson["features"]:
            for polygon in feature["geometry"]["coordinates"]:
                assert _signed_area(polygon[0]) < 0  # exterior clockwise: d3 fills the inside, not the globe
        for r in level_map.regions:
            assert 124 < r.lon < 125.5 and 27.3 < r.lat < 28.6 and r.area > 0


def _files(tmp_path: Path, features: list[dict], **kw: str) -> MapFiles:
    path = tmp_path / "c.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    return MapFiles(counties=path, **kw)


def _square(name: str, prop: str = "county", ccw: bool = True) -> dict:
    ring = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    return {"type": "Feature", "properties": {prop: name},
            "geometry": {"type": "Polygon", "coordinates": [ring if ccw else ring[::-1]]}}  # fmt: skip


def test_a_real_citys_file_is_read_as_it_is(tmp_path: Path) -> None:
    """Named by another property (DataV-style 'name'), counter-clockwise as RFC 7946 writes it, MultiPolygon."""
    multi = _square("乙县", "name")
    multi["geometry"] = {"type": "MultiPolygon", "coordinates": [multi["geometry"]["coordinates"]]}
    files = _files(tmp_path, [_square("甲区", "name"), multi], county_property="name")
    level_map = load_level(files, "county")
    assert [r.key for r in level_map.regions] == ["甲区", "乙县"]
    assert all(_signed_area(f["geometry"]["coordinates"][0][0]) < 0 for f in level_map.geojson["features"])
    assert load_level(MapFiles(), "county") is None


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ([_square("甲区", "name")], "没有名称属性 'county'"),
        ([_square("甲区"), _square("甲区", ccw=False)], "甲区 出现了两次"),
        ([{"type": "Feature", "properties": {"county": "甲区"}, "geometry": {"type": "Point", "coordinates": [0, 0]}}],
         "Point，应为 Polygon 或 MultiPolygon"),
    ],
)  # fmt: skip
def test_a_bad_file_says_what_to_fix(tmp_path: Path, features: list[dict], message: str) -> None:
    with pytest.raises(MapFileError, match=message):
        load_level(_files(tmp_path, features), "county")


def test_a_missing_or_broken_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(MapFileError, match=r"地图文件不存在.*demo-map"):
        load_level(MapFiles(counties=tmp_path / "none.geojson"), "county")
    (tmp_path / "bad.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(MapFileError, match="不是 UTF-8 编码的 GeoJSON"):
        load_level(MapFiles(counties=tmp_path / "bad.geojson"), "county")


def test_map_settings_are_checked_and_change_no_rule() -> None:
    base = parse_settings({})
    moved = parse_settings({"map": {"counties": "elsewhere/c.geojson", "county_property": "name"}})
    assert moved.map.counties == PROJECT_ROOT / "elsewhere" / "c.geojson" and moved.map.county_property == "name"
    assert moved.fingerprint() == base.fingerprint()  # display only: no rebuild
    with pytest.raises(SettingsError, match=r"map\.colour"):
        parse_settings({"map": {"colour": "red"}})
