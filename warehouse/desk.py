"""Figures the leader's desk reads (issue 15): one figure per unit for the map and the wall screen.

Nothing is computed here that is computed elsewhere: rates and the score are the league table's
(``warehouse.rankings.fetch_ranking``, the one rate computation), the backlog is ``warehouse.backlog``'s.
This module only picks one figure per unit and keys it the way the map's regions are keyed.
"""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.backlog import fetch_backlog_counts
from warehouse.calendar import Period
from warehouse.geo import unit_key
from warehouse.rankings import fetch_ranking
from warehouse.registry import RANKING_RATES

BACKLOG = "backlog_count"
MAP_METRICS = ("score", *RANKING_RATES, BACKLOG)
MAP_LEVELS = ("county", "township")
VALUE_SCHEMA = {"key": pl.String, "county": pl.String, "unit": pl.String, "value": pl.Float64,
                "assessed_count": pl.Int64, "sample_flag": pl.String}  # fmt: skip


def fetch_map_values(
    con: duckdb.DuckDBPyConnection, level: str, metric: str, period: Period, county: str | None = None
) -> pl.DataFrame:
    """One row per unit of ``level`` (county, or township within its county) with a figure: the rate or
    score of the period's league table (NULL where the unit has no answer for it; ``sample_flag`` says
    when it is too small to be ranked), or the backlog now (as-of time, not the period). ``county``
    keeps one county's townships. Units with an empty name are not on a map."""
    if level not in MAP_LEVELS or metric not in MAP_METRICS:
        raise ValueError(f"地图只画 {MAP_LEVELS} 的 {MAP_METRICS}：{level!r}, {metric!r}")
    if metric == BACKLOG:
        counts = fetch_backlog_counts(con, level, county)
        unit = "township" if level == "township" else "county"
        rows = [
            {"key": unit_key(r["county"], r.get("township")) if level == "township" else unit_key(r["county"]),
             "county": r["county"], "unit": r[unit], "value": float(r[BACKLOG]), "assessed_count": None,
             "sample_flag": None}
            for r in counts.iter_rows(named=True) if r[unit] is not None and r["county"] is not None
        ]  # fmt: skip
        return pl.DataFrame(rows, schema=VALUE_SCHEMA)
    ranking = fetch_ranking(con, level, period)
    if county is not None:
        ranking = ranking.filter(pl.col("county") == county)
    rows = [
        {"key": unit_key(r["county"], r["unit"]) if level == "township" else unit_key(r["unit"]),
         "county": r["county"], "unit": r["unit"], "value": r[metric], "assessed_count": r["assessed_count"],
         "sample_flag": r["sample_flag"]}
        for r in ranking.iter_rows(named=True)
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=VALUE_SCHEMA)
