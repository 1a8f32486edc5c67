"""The orders behind the integrity figures, as a viewer may see them (``warehouse.access``).

Two lists the hotline centre and the oversight committee need beyond the counts: the excluded orders of
a unit with their 处置方式, reason, approver and approval time (what the evidence pack lists), and the
quality-review sample — N closed orders per unit and month, drawn at random but reproducibly (the same
data and seed give the same orders on any machine: the order is ranked by an MD5 of the seed and its id)
— with the reply text, exportable as a checklist. Reasons and replies are free text kept in
``raw_work_orders``: masked for every role but admin (phones, ID numbers, the caller's own name); the
approver, a person's name, is replaced by a stable pseudonym (审核人甲, 乙 … by how many orders each signed),
so the pattern "one reviewer signs them all" stays visible without the name.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from labels import t
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.drilldown import FREE_TEXT_COLUMNS, scope_clauses, unit_clauses
from warehouse.masking import mask_text, mask_text_columns
from warehouse.registry import METRIC_BY_KEY, get_level
from warehouse.settings import Settings, load_settings

EXCLUSION_COLUMNS = (
    "order_id", "dispatched_at", "category_l1", "category_l2", "county", "township", "department",
    "exclusion_reason", "disposal", "termination_reason", "appeal_reason", "reviewer", "reviewed_at",
)  # fmt: skip
SAMPLE_COLUMNS = (
    "month", "unit", "order_id", "dispatched_at", "closed_at", "category_l1", "category_l2", "resolution",
    "satisfaction", "reply_class", "reply",
)  # fmt: skip
_PSEUDONYMS = "甲乙丙丁戊己庚辛壬癸"


def _unit_clause(level: str, unit: str | None, county: str | None, params: dict[str, Any]) -> str:
    if unit is None:
        return ""
    return "".join(f" AND f.{c}" for c in unit_clauses(get_level(level), unit, county, params))


def _scope(viewer: Viewer, params: dict[str, Any]) -> str:
    return "".join(f" AND f.{c}" for c in scope_clauses(viewer, params))


def fetch_exclusions(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    level: str,
    unit: str | None,
    period: Period,
    county: str | None = None,
    limit: int | None = 20_000,
) -> pl.DataFrame:
    """The unit's invalid and exempt orders dispatched in the period, newest first, with their 处置方式,
    reason, approver and approval time where the export carries them (refused without order lists)."""
    viewer.require_order_lists()
    params: dict[str, Any] = {"start": period.start, "end": period.end, "limit": limit or 1 << 62}
    where = METRIC_BY_KEY["excluded_count"].where
    sql = f"""
        SELECT f.order_id, f.dispatched_at, f.category_l1, f.category_l2, f.county, f.township, f.department,
               f.exclusion_reason, f.disposal, r.termination_reason, r.appeal_reason, r.reviewer, f.reviewed_at,
               r.citizen_name
        FROM fct_work_orders AS f LEFT JOIN raw_work_orders AS r USING (order_id)
        WHERE f.dispatched_date BETWEEN $start AND $end AND ({where})
              {_unit_clause(level, unit, county, params)}{_scope(viewer, params)}
        ORDER BY f.dispatched_at DESC, f.order_id LIMIT $limit"""
    rows = con.sql(sql, params=params).pl()
    if not viewer.sees_unmasked:
        rows = _masked(rows, ("termination_reason", "appeal_reason", "disposal"))
        rows = rows.with_columns(_pseudonyms(rows["reviewer"]))
        rows = mask_text_columns(rows, FREE_TEXT_COLUMNS)
    return rows.select(EXCLUSION_COLUMNS)


def _masked(rows: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """Free text through ``mask_text`` with the row's caller name (a reply may name the caller)."""
    out = []
    for col in columns:
        values = [mask_text(v, [n] if n else ()) for v, n in zip(rows[col], rows["citizen_name"], strict=True)]
        out.append(pl.Series(col, values, dtype=pl.String))
    return rows.with_columns(out)


def _pseudonyms(names: pl.Series) -> pl.Series:
    """Each approver's name replaced by 审核人甲, 乙 … in order of how many of the listed orders they signed."""
    counts = names.drop_nulls().value_counts(sort=True)
    ordered = sorted(zip(counts[names.name], counts["count"], strict=True), key=lambda x: (-x[1], x[0]))
    alias = {name: f"审核人{_PSEUDONYMS[i] if i < len(_PSEUDONYMS) else i + 1}" for i, (name, _) in enumerate(ordered)}
    return names.replace_strict(alias, default=None, return_dtype=pl.String).alias(names.name)


def fetch_review_sample(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    level: str,
    period: Period,
    unit: str | None = None,
    county: str | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """The quality-review sample: per unit of ``level`` (or just ``unit``) and per assessment month of the
    period, ``review_sample_size`` closed assessed orders, chosen by MD5(seed:order_id) — reproducible —
    with the reply (masked for every role but admin) and its class; sorted by unit, month, order."""
    viewer.require_order_lists()
    settings = settings or load_settings()
    lvl = get_level(level)
    params: dict[str, Any] = {
        "start": period.start,
        "end": period.end,
        "size": settings.review_sample_size,
        "seed": str(settings.review_sample_seed),
    }
    keys = ", ".join(f"f.{k}" for k in lvl.keys)
    not_null = " AND ".join(f"f.{k} IS NOT NULL" for k in lvl.keys)
    sql = f"""
        SELECT * EXCLUDE (pick) FROM (
            SELECT f.assess_month AS month, {keys}, f.order_id, f.dispatched_at, f.closed_at, f.category_l1,
                   f.category_l2, f.resolution, f.satisfaction, f.reply_class, r.reply, r.citizen_name,
                   row_number() OVER (PARTITION BY {keys}, f.assess_month
                                      ORDER BY md5($seed || ':' || f.order_id), f.order_id) AS pick
            FROM fct_work_orders AS f LEFT JOIN raw_work_orders AS r USING (order_id)
            WHERE f.dispatched_date BETWEEN $start AND $end AND f.is_assessed AND f.is_closed AND {not_null}
                  {_unit_clause(level, unit, county, params)}{_scope(viewer, params)}
        ) WHERE pick <= $size
        ORDER BY {", ".join(lvl.keys)}, month, order_id"""
    rows = con.sql(sql, params=params).pl().rename({lvl.unit_col: "unit"})
    if not viewer.sees_unmasked:
        rows = mask_text_columns(_masked(rows, ("reply",)), FREE_TEXT_COLUMNS)
    extra = ["county"] if lvl.name == "township" else []
    return rows.select(*extra, *SAMPLE_COLUMNS)


def integrity_sheets(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, level: str, unit: str, period: Period, county: str | None = None
) -> dict[str, pl.DataFrame]:
    """The evidence pack's integrity sheets, coded values in words and columns labelled: the unit's excluded
    orders with reason and approver, and its quality-review sample with the replies."""
    words = {"invalid": t("exclusion_invalid"), "exempt": t("exclusion_exempt")}
    words.update({k: t(f"reply_class_{k}") for k in ("solved", "explained", "referred", "unable", "unclassified")})
    heads = {"exclusion_reason": t("field_exclusion_reason"), "reply_class": t("field_reply_class"), "unit": t("unit")}
    exclusions = fetch_exclusions(con, viewer, level, unit, period, county)
    sample = fetch_review_sample(con, viewer, level, period, unit, county)
    out = {}
    for kind, frame in (("exclusions", exclusions), ("review", sample)):
        coded = [c for c in ("exclusion_reason", "reply_class") if c in frame.columns]
        frame = frame.with_columns(pl.col(c).replace_strict(words, default=None, return_dtype=pl.String) for c in coded)
        out[kind] = frame.rename({c: h for c, h in heads.items() if c in frame.columns})
    return out
