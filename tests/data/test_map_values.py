"""The map's figures (issue 15, item 5) are the league table's and the backlog's, keyed like the map's
regions; every unit of the demo city has a region in the shipped demo map."""

from __future__ import annotations

import polars as pl
import pytest

from warehouse.backlog import fetch_backlog_counts
from warehouse.desk import MAP_METRICS, fetch_map_values
from warehouse.geo import KEY_SEP, load_level
from warehouse.rankings import fetch_ranking
from warehouse.settings import load_settings


@pytest.mark.parametrize("level", ["county", "township"])
def test_rates_and_score_are_the_rankings(demo_con, demo_month, level: str) -> None:
    ranking = fetch_ranking(demo_con, level, demo_month)
    for metric in MAP_METRICS[:-1]:
        values = fetch_map_values(demo_con, level, metric, demo_month)
        assert values.height == ranking.height
        expected = ranking[metric].to_list()
        assert (
            values["value"].to_list() == expected
            and values["sample_flag"].to_list() == ranking["sample_flag"].to_list()
        )
    keys = fetch_map_values(demo_con, level, "score", demo_month)["key"].to_list()
    regions = {r.key for r in load_level(load_settings().map, level).regions}
    assert set(keys) <= regions  # the demo map has a region for every unit of the demo city


def test_the_backlog_is_the_backlog_counts_per_township(demo_con, demo_month) -> None:
    values = fetch_map_values(demo_con, "township", "backlog_count", demo_month)
    counts = fetch_backlog_counts(demo_con, "township").filter(
        pl.col("township").is_not_null() & pl.col("county").is_not_null()
    )
    assert sorted(values["value"].to_list()) == sorted(float(n) for n in counts["backlog_count"])
    assert all(KEY_SEP in k for k in values["key"])
    one = fetch_map_values(demo_con, "township", "score", demo_month, county="枫渚县")
    assert set(one["county"]) == {"枫渚县"}


def test_anything_else_is_refused(demo_con, demo_month) -> None:
    with pytest.raises(ValueError, match="地图只画"):
        fetch_map_values(demo_con, "department", "score", demo_month)


def test_every_desk_bench_call_runs(demo_con) -> None:
    from bench.calls import DESK_CALLS

    names = [name for name, _ in DESK_CALLS]
    assert len(names) == len(set(names))
    for name, call in DESK_CALLS:
        assert call(demo_con) is not None, name
