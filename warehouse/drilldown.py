"""From any figure to the orders behind it (SPEC §1: oversight takes the evidence into the room).

The predicates come from the metric registry — the same ones the contract tests sum and compare
with the ``met_*`` tables — so the list of orders always has exactly as many rows as the figure
says. ``fct_work_orders`` has no personal data (phone only as a hash, which is not selected).

Order rows are not for every role (``warehouse.access``): the viewer is part of the query. A role
without order lists is refused, a county-scoped leader gets that county's orders only (at every
level: a department's orders in that county), and the free-text columns are masked for all but admin.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.masking import mask_text_columns
from warehouse.registry import CITY, METRIC_BY_KEY, Level, Metric, get_level, get_metric

PARTS = ("numerator", "denominator", "excluded")
EXCLUDED_WHERE = METRIC_BY_KEY["excluded_count"].where
ORDER_COLUMNS = (
    "order_id",
    "received_at",
    "dispatched_at",
    "responded_at",
    "response_deadline",
    "due_at",
    "effective_due_at",
    "due_source",
    "closed_at",
    "callback_at",
    "appeal_type",
    "category_l1",
    "category_l2",
    "category_l3",
    "county",
    "township",
    "department",
    "urgency_level",
    "status",
    "return_count",
    "resolution",
    "satisfaction",
    "exclusion_reason",
    "is_assessed",
    "is_responded_on_time",
    "is_closed_on_time",
    "is_on_time_due",
    "is_overdue_open",
    "is_returned",
    "is_repeat",
    "repeat_of_order_id",
)
_DATE_COLUMN = {"dispatched": "dispatched_date", "received": "received_date"}
# the export's own words in an order row (may hold a phone number or a name): masked for all but admin
FREE_TEXT_COLUMNS = ("status", "channel", "category_l1", "category_l2", "category_l3")


def part_metric(metric: str | Metric, part: str) -> tuple[str, str]:
    """(fct predicate, date basis) for one part of a figure; ValueError when it has no such part."""
    m = metric if isinstance(metric, Metric) else get_metric(metric)
    if part not in PARTS:
        raise ValueError(f"part 应为 {PARTS} 之一：{part!r}")
    if part == "excluded":
        return EXCLUDED_WHERE, "dispatched"
    if m.key == "score":
        if part == "numerator":
            raise ValueError("综合得分没有单一分子，请下钻到各项率 (drill into the rates instead)")
        return _where(METRIC_BY_KEY["assessed_count"])
    if m.is_rate:
        key = m.numerator if part == "numerator" else m.denominator
        return _where(METRIC_BY_KEY[key or ""])
    if part == "denominator":
        raise ValueError(f"{m.key} 是计数，没有分母 (a count has no denominator)")
    return _where(m)


def drilldown_query(
    viewer: Viewer,
    level: str,
    unit: str | None,
    period: Period,
    metric: str,
    part: str = "numerator",
    county: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The SQL (and its bound parameters) that lists the orders behind one figure, as ``viewer`` may see them."""
    viewer.require_order_lists()
    lvl = CITY if level == "city" else get_level(level)
    where, basis = part_metric(metric, part)
    clauses = [f"({where})", f"{_DATE_COLUMN[basis]} BETWEEN $start AND $end"]
    params: dict[str, Any] = {"start": period.start, "end": period.end}
    clauses += unit_clauses(lvl, unit, county, params)
    clauses += scope_clauses(viewer, params)
    sql = (
        f"SELECT {', '.join(ORDER_COLUMNS)} FROM fct_work_orders WHERE {' AND '.join(clauses)} "
        "ORDER BY received_at, order_id"
    )
    return sql, params


def fetch_orders(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    level: str,
    unit: str | None,
    period: Period,
    metric: str,
    part: str = "numerator",
    county: str | None = None,
) -> pl.DataFrame:
    """The orders behind the numerator, the denominator, or the excluded orders of a figure, as
    ``viewer`` may see them (``warehouse.access.OrderAccessError`` for a role without order lists).

    Township units are named within their county: pass ``county`` with the township name.
    """
    sql, params = drilldown_query(viewer, level, unit, period, metric, part, county)
    return mask_for(viewer, con.sql(sql, params=params).pl())


def scope_clauses(viewer: Viewer, params: dict[str, Any]) -> list[str]:
    """A county-scoped viewer's orders are that county's, whatever the level asked for."""
    if viewer.county_scope is None:
        return []
    params["scope_county"] = viewer.county_scope
    return ["county = $scope_county"]


def mask_for(viewer: Viewer, orders: pl.DataFrame) -> pl.DataFrame:
    """Order rows as ``viewer`` may read them: free text masked for every role but admin."""
    return orders if viewer.sees_unmasked else mask_text_columns(orders, FREE_TEXT_COLUMNS)


def _where(m: Metric) -> tuple[str, str]:
    if m.where is None:
        raise ValueError(f"{m.key} 没有订单级定义")
    return m.where, m.date_basis


def unit_clauses(lvl: Level, unit: str | None, county: str | None, params: dict[str, Any]) -> list[str]:
    """The WHERE clauses (bound parameters set in ``params``) that keep one unit's orders; none for the city."""
    if lvl is CITY:
        return []
    if unit is None:
        raise ValueError(f"{lvl.label_zh}层级需要指定单位 (unit is required)")
    params["unit"] = unit
    clauses = [f"{lvl.unit_col} = $unit"]
    if lvl.name == "township":
        if county is None:
            raise ValueError("乡镇街道按所属区县区分，请同时指定 county")
        params["county"] = county
        clauses.append("county = $county")
    return clauses
