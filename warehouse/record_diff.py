"""What changed since publication, between versions, and a unit's published rank month by month.

* :func:`moved_figures` — the figures of one frozen document against another (a version against the one
  before it) or against the live recomputation: rank, score, the four rates, the counts and the lists, per
  unit and for the city. Aggregates: anyone may see them.
* :func:`changed_orders` — the orders of a published month that changed since (added, no longer in the
  month, or a field or flag the figures depend on changed), field by field. Order rows: only through the
  viewer (``warehouse.access``: refused without order lists, a scoped leader's county only);
  :func:`changed_order_counts` gives everyone the counts.
* :func:`rank_history` — a unit's published rank, score, group and list, month by month: what a hearing
  asks ("how many months on the 黑榜 this year?").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl

from labels import t
from warehouse import published, record
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.fields import FIELD_BY_NAME
from warehouse.publish import ORDER_FIELDS, ORDER_FLAGS, freeze, order_snapshot
from warehouse.record import Entry
from warehouse.registry import LEVELS, METRIC_BY_KEY, get_level
from warehouse.settings import Settings, load_settings

UNIT_FIGURES = (
    "rank", "score", "response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "dispatched_count",
    "assessed_count", "is_red", "is_black",
)  # fmt: skip
CITY_FIGURES = (
    "received_count", "dispatched_count", "assessed_count", "response_rate", "on_time_rate", "resolution_rate",
    "satisfaction_rate", "score",
)  # fmt: skip
# the flags and list figures a change names (labels/record.toml rd_<key>); metrics and fields are the registry's
FLAG_LABELS = ("is_assessed", "is_responded_on_time", "is_closed_on_time", "is_on_time_due", "is_overdue_open",
               "is_repeat", "is_returned", "rank", "is_red", "is_black")  # fmt: skip
MOVED_SCHEMA = {
    "level": pl.String, "group_name": pl.String, "county": pl.String, "unit": pl.String, "figure": pl.String,
    "before": pl.String, "after": pl.String,
}  # fmt: skip
CHANGED_COLUMNS = ("order_id", "change", "county", "township", "department", "what_changed")


def label(key: str) -> str:
    if key in FLAG_LABELS:
        return t(f"rd_{key}")
    if key in METRIC_BY_KEY:
        return METRIC_BY_KEY[key].label_zh
    return FIELD_BY_NAME[key].label_zh if key in FIELD_BY_NAME else key


def show(key: str, value: Any) -> str:
    """A figure as people read it: rates in %, the score to 2 places, yes/no, '—' for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("rd_yes") if value else t("rd_no")
    if key.endswith("_rate"):
        return f"{100 * value:.1f}%"
    if key == "score":
        return f"{value:.2f}"
    return str(value)


def moved_figures(before: dict[str, Any], after: dict[str, Any]) -> pl.DataFrame:
    """Every figure of ``UNIT_FIGURES`` (per unit, score ranking) and ``CITY_FIGURES`` that differs between
    two documents (``warehouse.publish.freeze``), one row each; a unit in only one of them is one row too."""
    rows: list[dict[str, Any]] = []
    a_city, b_city = before["totals"]["current"], after["totals"]["current"]
    for key in CITY_FIGURES:
        if a_city.get(key) != b_city.get(key):
            rows.append(_moved("city", None, None, t("rd_city"), key, a_city.get(key), b_city.get(key)))
    for level in LEVELS:
        old = {_key(r): r for r in before["rankings"][level]["score"]}
        new = {_key(r): r for r in after["rankings"][level]["score"]}
        for key in sorted(set(old) | set(new), key=lambda k: tuple(x or "" for x in k)):
            a, b = old.get(key), new.get(key)
            group, county, unit = (b or a)["group_name"], key[0], key[1]  # type: ignore[index]
            if a is None or b is None:
                there = (t("rd_present") if a else t("rd_absent"), t("rd_present") if b else t("rd_absent"))
                rows.append(_moved(level, group, county, unit, "unit", *there))
                continue
            rows += [_moved(level, group, county, unit, f, a.get(f), b.get(f)) for f in UNIT_FIGURES
                     if a.get(f) != b.get(f)]  # fmt: skip
    return pl.DataFrame(rows, schema=MOVED_SCHEMA) if rows else pl.DataFrame(schema=MOVED_SCHEMA)


def _key(row: dict[str, Any]) -> tuple[str | None, str]:
    return row.get("county"), row["unit"]


def _moved(level: str, group: str | None, county: str | None, unit: str, key: str, a: Any, b: Any) -> dict[str, Any]:
    figure = t("rd_unit_ranked") if key == "unit" else label(key)
    before, after = (a, b) if key == "unit" else (show(key, a), show(key, b))
    shown_county = county if level == "township" else None
    return {"level": level, "group_name": group, "county": shown_county, "unit": unit, "figure": figure,
            "before": before, "after": after}  # fmt: skip


def published_vs_live(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings | None = None
) -> pl.DataFrame | None:
    """The figures of a published month that differ now from its latest version; None when not published."""
    _state, doc = published.frozen(con, period)
    if doc is None:
        return None
    live = published.decode(freeze(con, period, settings or load_settings()))
    return moved_figures(doc, live)


def version_changes(con: duckdb.DuckDBPyConnection, month: str, version: int) -> pl.DataFrame:
    """What version ``version`` of ``month`` changed against the version before it (empty for v1)."""
    folder = record.record_dir_of(con)
    held = {e.version: e for e in record.versions(record.read_chain(folder), month)}
    if version <= 1 or version not in held or folder is None:
        return pl.DataFrame(schema=MOVED_SCHEMA)
    return moved_figures(published.load(folder, held[version - 1]), published.load(folder, held[version]))


def history_of(con: duckdb.DuckDBPyConnection, month: str) -> list[Entry]:
    """Every version of ``month``, oldest first: who, when and why (``Entry``)."""
    return record.versions(record.read_chain(record.record_dir_of(con)), month)


# -- orders ---------------------------------------------------------------------------------------------


def _order_diff(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame | None:
    """Every order of the published month that is new, gone or different now; None when not published."""
    state = published.status(con, period)
    folder = record.record_dir_of(con)
    if state.entry is None or folder is None:
        return None
    before = pl.read_parquet(record.orders_path(folder, state.entry))
    now = order_snapshot(con, period.start)
    both = before.join(now, on="order_id", how="full", suffix="_now", coalesce=True)
    cols = (*ORDER_FIELDS, *ORDER_FLAGS)
    differs = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_now")) for c in cols)
    change = (
        pl.when(pl.col("digest").is_null())
        .then(pl.lit("added"))
        .when(pl.col("digest_now").is_null())
        .then(pl.lit("removed"))
        .when(pl.col("digest").ne(pl.col("digest_now")) | differs)
        .then(pl.lit("changed"))
    )
    parts = [pl.when(pl.col(c).ne_missing(pl.col(f"{c}_now"))).then(pl.concat_str(
        [pl.lit(f"{label(c)}："), _text(pl.col(c), before.schema[c]), pl.lit("→"), _text(pl.col(f"{c}_now"), before.schema[c])]
    )) for c in cols]  # fmt: skip
    what = pl.concat_str(parts, separator="；", ignore_nulls=True)
    return (
        both.with_columns(change=change, what_changed=what)
        .filter(pl.col("change").is_not_null())
        .with_columns(
            pl.when(pl.col("change") == "changed")
            .then(pl.when(what.is_null() | (what == "")).then(pl.lit(t("rd_other_fields"))).otherwise(what))
            .when(pl.col("change") == "added")
            .then(pl.lit(t("rd_added")))
            .otherwise(pl.lit(t("rd_removed")))
            .alias("what_changed"),
            pl.coalesce("county_now", "county").alias("county_shown"),
            pl.coalesce("township_now", "township").alias("township"),
            pl.coalesce("department_now", "department").alias("department"),
        )
    )


def _text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Boolean:
        return (
            pl.when(expr)
            .then(pl.lit(t("rd_yes")))
            .when(~expr)
            .then(pl.lit(t("rd_no")))
            .otherwise(pl.lit(t("rd_empty")))
        )
    if isinstance(dtype, pl.Datetime):
        return expr.dt.strftime("%Y-%m-%d %H:%M").fill_null(t("rd_empty"))
    return expr.cast(pl.String).fill_null(t("rd_empty"))


def changed_order_counts(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, int] | None:
    """{'changed', 'added', 'removed'}: how many of a published month's orders changed since (any role)."""
    diff = _order_diff(con, period)
    if diff is None:
        return None
    counts = dict(diff.group_by("change").len().iter_rows())
    return {k: int(counts.get(k, 0)) for k in ("changed", "added", "removed")}


def changed_orders(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, period: Period, limit: int | None = 2000
) -> pl.DataFrame | None:
    """The orders of a published month that changed since publication, as ``viewer`` may see them: refused
    without order lists; a county-scoped leader gets the orders of that county (then or now) only."""
    viewer.require_order_lists()
    diff = _order_diff(con, period)
    if diff is None:
        return None
    if viewer.county_scope:
        scope = viewer.county_scope
        diff = diff.filter((pl.col("county") == scope) | (pl.col("county_now") == scope))
    out = diff.select(
        "order_id", "change", pl.col("county_shown").alias("county"), "township", "department", "what_changed"
    ).sort("change", "order_id")
    return out if limit is None else out.head(limit)


# -- rank history ---------------------------------------------------------------------------------------


HISTORY_SCHEMA = {
    "month": pl.String, "version": pl.Int64, "published_on": pl.Date, "group_name": pl.String, "rank": pl.Int64,
    "ranked_units": pl.Int64, "score": pl.Float64, "rank_change": pl.Int64, "is_red": pl.Boolean,
    "is_black": pl.Boolean, "unranked_reason": pl.String,
}  # fmt: skip


def rank_history(
    con: duckdb.DuckDBPyConnection,
    level: str,
    unit: str,
    county: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pl.DataFrame:
    """One row per published month (its latest version) from ``start`` to ``end`` in which ``unit`` of
    ``level`` (a township in ``county``) had a row: its published rank among the ranked units of its group,
    score, rank change and lists."""
    get_level(level)
    folder = record.record_dir_of(con)
    rows = []
    for month, entry in sorted(published.published_months(con).items()):
        day = dt.date.fromisoformat(f"{month}-01")
        if (start and day < start.replace(day=1)) or (end and day > end) or folder is None:
            continue
        table = published.load(folder, entry)["rankings"][level]["score"]
        mine = [r for r in table if r["unit"] == unit and (county is None or r.get("county") == county)]
        for row in mine:
            ranked = sum(1 for r in table if r["group_name"] == row["group_name"] and r["rank"] is not None)
            first = history_of(con, month)[0]
            rows.append({**{k: row[k] for k in HISTORY_SCHEMA if k in row}, "month": month, "version": entry.version,
                         "published_on": first.published_on, "ranked_units": ranked})  # fmt: skip
    return pl.DataFrame(rows, schema=HISTORY_SCHEMA) if rows else pl.DataFrame(schema=HISTORY_SCHEMA)


def history_summary(frame: pl.DataFrame) -> dict[str, Any]:
    """Per year: published months with a row, months on the red and on the black list, and which."""
    out: dict[str, Any] = {}
    for row in frame.iter_rows(named=True):
        year = out.setdefault(row["month"][:4], {"months": 0, "red": [], "black": []})
        year["months"] += 1
        if row["is_red"]:
            year["red"].append(row["month"])
        if row["is_black"]:
            year["black"].append(row["month"])
    return out


def record_summary(con: duckdb.DuckDBPyConnection, period: Period, limit: int = 12) -> dict[str, Any]:
    """A period's place in the record for a document (bulletin, evidence pack): the stamp, every version with
    who/when/why, and for a corrected month what the latest correction changed (at most ``limit`` lines)."""
    state = published.status(con, period)
    out = {**state.as_dict(), "versions": [], "changes": [], "more_changes": 0}
    if state.entry is None or state.month is None:
        return out
    out["as_of"] = state.entry.as_of  # the data's as-of time when the latest version was published
    out["versions"] = [{"version": e.version, "at": e.at, "user": e.user, "reason": e.reason}
                       for e in history_of(con, state.month)]  # fmt: skip
    moved = sorted(version_changes(con, state.month, state.entry.version).iter_rows(named=True), key=_weight)
    lines = [f"{_where(r)}{r['figure']}：{r['before']} → {r['after']}" for r in moved]
    out["changes"], out["more_changes"] = lines[:limit], max(0, len(lines) - limit)
    return out


_FIRST = [label(k) for k in ("rank", "is_black", "is_red", "score")]  # what a reader of a correction looks for first
_LEVEL_ORDER = ["city", *LEVELS]


def _weight(r: dict[str, Any]) -> tuple[int, int]:
    figure = _FIRST.index(r["figure"]) if r["figure"] in _FIRST else len(_FIRST)
    return figure, _LEVEL_ORDER.index(r["level"])


def _where(r: dict[str, Any]) -> str:
    if r["level"] == "city":
        return t("rd_city")
    return f"{LEVELS[r['level']].label_zh}{r['county'] or ''}{r['unit']} "
