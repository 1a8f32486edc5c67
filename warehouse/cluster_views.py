"""What each viewer may see of the recurring problems (the rule of ``warehouse.access``, applied here once).

- Roles with order lists (leader, oversight, analyst, admin) see each problem with its place (the estate,
  road or village named in the content: never a number, see ``warehouse.places``) and may list the
  orders behind it; a county-scoped leader sees the problems of that county only, and its orders.
- Everyone else — the public pages and the published bulletin — sees the same problems anonymised: the
  title is generated from the township, the kind of place and the category (岫山街道某小区：电梯故障),
  never a word of the callers, so no estate or road name and no order id.
- Free text is masked for every role but admin (the place goes through ``mask_text`` like the rest).

An estate or road name is not personal data on its own, but it is the callers' words and, joined to a
date and a topic, can point at a household in a small estate or village; the people who act on it (the
units, the centre, oversight) need it, the public does not. docs/metrics.md says the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from labels import t
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.clusters import ClusterSet, find_clusters
from warehouse.drilldown import mask_for, scope_clauses, unit_clauses
from warehouse.masking import mask_text
from warehouse.order_lists import LIST_COLUMNS
from warehouse.problem_settings import ClusterSettings
from warehouse.registry import get_level

PUBLIC_DROP = ("place",)


@dataclass(frozen=True)
class Clusters:
    """The problems a viewer may see (``frame``: one row each, biggest first, with a ``title``)."""

    frame: pl.DataFrame
    scanned: int  # orders received in the window read
    placed: int  # of them, orders naming a place
    window: Period
    anonymised: bool


def cluster_title(row: dict[str, Any], lang: str = "zh", anonymised: bool = True) -> str:
    """The generated title: township (else county), place or kind of place, and category."""
    where = row.get("township") or row.get("county") or t("cl_unknown_place", lang)
    topic = row.get("category_l3") or row.get("category_l2") or t("cl_no_category", lang)
    kind = t(f"cl_kind_{row['place_kind']}", lang)
    if anonymised or not row.get("place"):
        return t("cl_title_public", lang).format(where=where, kind=kind, topic=topic)
    return t("cl_title_internal", lang).format(where=where, place=row["place"], kind=kind, topic=topic)


def fetch_clusters(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    *,
    county: str | None = None,
    level: str | None = None,
    unit: str | None = None,
    unit_county: str | None = None,
    lang: str = "zh",
    settings: ClusterSettings | None = None,
) -> Clusters:
    """The period's recurring problems as ``viewer`` may see them; optionally of one county, or those
    touching one unit of ``level`` (a township with its ``unit_county``)."""
    found = find_clusters(con, period, settings)
    frame = found.clusters
    if viewer.county_scope is not None:
        frame = frame.filter(pl.col("county") == viewer.county_scope)
    if county is not None:
        frame = frame.filter(pl.col("county") == county)
    if unit is not None and level is not None:
        frame = frame.filter(pl.col("cluster_id").is_in(_touching(con, found, level, unit, unit_county)))
    anonymised = not viewer.sees_order_lists
    if anonymised:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("place"))
    elif not viewer.sees_unmasked:
        frame = frame.with_columns(pl.col("place").map_elements(mask_text, return_dtype=pl.String))
    titles = [cluster_title(r, lang, anonymised) for r in frame.iter_rows(named=True)]
    frame = frame.with_columns(pl.Series("title", titles, dtype=pl.String))
    return Clusters(frame, found.scanned, found.placed, found.window, anonymised)


def _touching(
    con: duckdb.DuckDBPyConnection, found: ClusterSet, level: str, unit: str, unit_county: str | None
) -> list[str]:
    """Clusters with at least one order of the unit (a department's, a county's, a township's)."""
    lvl = get_level(level)
    params: dict[str, Any] = {"ids": found.members["order_id"].to_list()}
    where = " AND ".join(unit_clauses(lvl, unit, unit_county, params))
    ids = con.sql(
        f"SELECT order_id FROM fct_work_orders WHERE {where} AND list_contains($ids, order_id)", params=params
    ).pl()["order_id"]
    return found.members.filter(pl.col("order_id").is_in(ids.implode()))["cluster_id"].unique().to_list()


def fetch_cluster_orders(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    cluster_id: str,
    settings: ClusterSettings | None = None,
) -> pl.DataFrame:
    """The orders behind one problem, oldest first, as ``viewer`` may see them: refused without order
    lists, a county-scoped leader's county only, free text masked for all but admin."""
    viewer.require_order_lists()
    found = find_clusters(con, period, settings)
    ids = found.members.filter(pl.col("cluster_id") == cluster_id)["order_id"].to_list()
    params: dict[str, Any] = {"ids": ids}
    scope = "".join(f" AND {c}" for c in scope_clauses(viewer, params))
    sql = (
        f"SELECT {', '.join(LIST_COLUMNS)} FROM fct_work_orders WHERE list_contains($ids, order_id){scope} "
        "ORDER BY received_at, order_id"
    )
    return mask_for(viewer, con.sql(sql, params=params).pl())


SHEET_COLUMNS = (
    "title", "county", "township", "place", "category_l1", "category_l2", "category_l3", "order_count",
    "period_order_count", "first_date", "last_date", "departments", "dispatched_count", "closed_count",
    "resolved_count", "resolution_answered_count", "satisfied_count", "satisfaction_answered_count",
    "caller_count", "repeat_caller_count",
)  # fmt: skip


def problems_sheet(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    level: str,
    unit: str,
    period: Period,
    county: str | None = None,
    lang: str = "zh",
) -> pl.DataFrame:
    """The recurring problems touching one unit, as a table for people (the evidence pack's sheet):
    headers from the label catalogue, the viewer's rule applied (places for roles with order lists)."""
    found = fetch_clusters(con, viewer, period, level=level, unit=unit, unit_county=county, lang=lang).frame
    columns = [c for c in SHEET_COLUMNS if not (c == "place" and not viewer.sees_order_lists)]
    found = found.with_columns(pl.col("first_date", "last_date").cast(pl.String))  # whole days, not a month format
    return found.select(columns).rename({c: t(SHEET_LABELS.get(c, f"col_{c}"), lang) for c in columns})


SHEET_LABELS = {
    "county": "field_county", "township": "field_township", "place": "col_place",
    "category_l1": "field_category_l1", "category_l2": "field_category_l2", "category_l3": "field_category_l3",
    "dispatched_count": "pb_dispatched_count", "resolution_answered_count": "pb_resolution_answered_count",
    "closed_count": "pb_closed_count", "resolved_count": "pb_resolved_count", "satisfied_count": "pb_satisfied_count",
    "satisfaction_answered_count": "pb_satisfaction_answered_count",
}  # fmt: skip
