"""The orders behind a unit's figures (SPEC §1): the unsatisfied, overdue-open, returned and repeat orders
the unit profile lists and the evidence pack carries, newest first — ids, dates, categories and flags,
never personal data.

Each list is the registry count's own predicate (``warehouse.drilldown.part_metric``), so a list always
has as many orders as its figure. The lists take the viewer and apply ``warehouse.access`` (refuse,
scope to a leader's county, mask free text), as ``warehouse.drilldown.fetch_orders`` does. Values are
bound parameters; the query reads ``fct_work_orders`` filtered on a date column first.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.drilldown import mask_for, part_metric, scope_clauses, unit_clauses
from warehouse.registry import get_level

# order list -> the registry count it lists (its numerator predicate and date basis)
ORDER_LISTS: dict[str, str] = {
    "unsatisfied": "dissatisfied_count",
    "overdue": "overdue_open_count",
    "bounced": "returned_count",
    "repeat": "repeat_count",
}
LIST_COLUMNS = (
    "order_id", "received_at", "dispatched_at", "effective_due_at", "closed_at", "appeal_type", "category_l1",
    "category_l2", "category_l3", "county", "township", "department", "urgency_level", "status", "return_count",
    "resolution", "satisfaction", "is_overdue_open", "is_returned", "is_repeat", "repeat_of_order_id",
)  # fmt: skip


def fetch_order_list(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    kind: str,
    level: str,
    unit: str | None,
    period: Period,
    county: str | None = None,
    limit: int | None = 500,
) -> pl.DataFrame:
    """The orders behind one of the unit's figures (``ORDER_LISTS``: unsatisfied, overdue open,
    bounced, repeat), newest first: ids, dates, categories and flags — never personal data."""
    if kind not in ORDER_LISTS:
        raise ValueError(f"清单类型应为 {tuple(ORDER_LISTS)} 之一：{kind!r}")
    return fetch_order_lists(con, viewer, level, unit, period, county, limit, kinds=(kind,))[kind]


def fetch_order_lists(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    level: str,
    unit: str | None,
    period: Period,
    county: str | None = None,
    limit: int | None = 500,
    kinds: tuple[str, ...] = tuple(ORDER_LISTS),
) -> dict[str, pl.DataFrame]:
    """``fetch_order_list`` for several kinds in one scan of the unit's orders (a scan of a month at
    10M orders costs ~60 ms; the lists are small): kind -> its orders, newest first, at most ``limit``.
    A county-scoped ``viewer`` gets its county's orders only; a role without order lists is refused."""
    viewer.require_order_lists()
    parts = {kind: part_metric(ORDER_LISTS[kind], "numerator") for kind in kinds}
    lists: dict[str, pl.DataFrame] = {}
    for basis in dict.fromkeys(b for _, b in parts.values()):  # one query per date basis (today: one)
        mine = [k for k, (_, b) in parts.items() if b == basis]
        params: dict[str, Any] = {"start": period.start, "end": period.end}
        date_col = "dispatched_date" if basis == "dispatched" else "received_date"
        flags = ", ".join(f"({parts[k][0]}) AS __{k}" for k in mine)
        any_flag = " OR ".join(f"__{k}" for k in mine)
        scope = "".join(f" AND {c}" for c in scope_clauses(viewer, params))
        own = "".join(f" AND {c}" for c in unit_clauses(get_level(level), unit, county, params))
        sql = (
            f"SELECT * FROM (SELECT {', '.join(LIST_COLUMNS)}, {flags} FROM fct_work_orders "
            f"WHERE {date_col} BETWEEN $start AND $end{own}{scope}) "
            f"WHERE {any_flag} ORDER BY received_at DESC, order_id"
        )
        found = con.sql(sql, params=params).pl()
        for kind in mine:
            rows = found.filter(pl.col(f"__{kind}")).select(LIST_COLUMNS)
            lists[kind] = mask_for(viewer, rows if limit is None else rows.head(limit))
    return {kind: lists[kind] for kind in kinds}
