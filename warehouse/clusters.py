"""Recurring problems (一类问题, SPEC §4: 从"办好一件事"到"解决一类问题"), found in the orders.

A recurring problem is a group of orders about the same trouble at the same place:
- the same place: same county and township (the export's, or those named in the content when the
  export leaves them empty; an order whose county is known nowhere is in no group) and the same estate, road or village named in the content
  (``warehouse.places``; an order naming none is in no group);
- the same topic: similar words (Jaccard overlap of the segmented content, places and stop words left
  out, ≥ ``similarity``), or the same third-level category and words overlapping at least
  ``similarity_same_category`` — so a call the operator filed under a neighbouring category still joins,
  and two different complaints under one category (garbage vs the gate, both 物业服务) do not;
- close in time: linked orders at most ``window_days`` apart; groups are the connected sets (single
  linkage), kept when they hold ``min_size`` orders or more and at least one received in the period.

For a period the orders received from ``window_days`` before its end (or its start, if earlier) to its
end are read; a problem is therefore counted over at most that window. Measured against the demo city's
planted problems in docs/metrics.md (``python -m etl.democity.eval``).

This module finds them (from content: the PII layer) and keeps the result in a small memo keyed on the
warehouse's load state; what a viewer may see of them is decided in ``warehouse.cluster_views``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass

import duckdb
import polars as pl

from warehouse import places as pl_places
from warehouse import segment
from warehouse.calendar import Period
from warehouse.hotwords import keep_word, name_parts
from warehouse.problem_settings import ClusterSettings, load_problem_settings

_WINDOW_SQL = """
    SELECT f.order_id, f.received_at, f.county, f.township, f.department, f.category_l1, f.category_l2,
           f.category_l3, f.citizen_phone_hash AS caller, f.is_dispatched, f.is_closed, f.resolution,
           f.satisfaction, r.content, r.citizen_name
    FROM fct_work_orders AS f JOIN raw_work_orders AS r USING (order_id)
    WHERE f.received_date BETWEEN $start AND $end
    ORDER BY f.received_at, f.order_id"""
CLUSTER_SCHEMA = {
    "cluster_id": pl.String, "county": pl.String, "township": pl.String, "place": pl.String,
    "place_kind": pl.String, "category_l1": pl.String, "category_l2": pl.String, "category_l3": pl.String,
    "order_count": pl.Int64, "period_order_count": pl.Int64, "first_date": pl.Date, "last_date": pl.Date,
    "departments": pl.String, "dispatched_count": pl.Int64, "closed_count": pl.Int64,
    "resolved_count": pl.Int64, "resolution_answered_count": pl.Int64, "satisfied_count": pl.Int64,
    "satisfaction_answered_count": pl.Int64, "caller_count": pl.Int64, "repeat_caller_count": pl.Int64,
}  # fmt: skip
_CLAUSE = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_MEMO: OrderedDict[tuple, ClusterSet] = OrderedDict()
_MEMO_SIZE = 16
_MEMO_LOCK = threading.Lock()


@dataclass(frozen=True)
class ClusterSet:
    """Every recurring problem of a period (internal: with the place) and the orders in each."""

    clusters: pl.DataFrame  # CLUSTER_SCHEMA, biggest first
    members: pl.DataFrame  # cluster_id, order_id
    period: Period
    window: Period  # the receipt dates read
    scanned: int  # orders received in the window
    placed: int  # of them, orders whose content names a place


def scan_window(period: Period, window_days: int) -> Period:
    start = min(period.start, period.end - dt.timedelta(days=window_days - 1))
    return Period(start, period.end, "range")


def find_clusters(
    con: duckdb.DuckDBPyConnection, period: Period, settings: ClusterSettings | None = None
) -> ClusterSet:
    """The recurring problems of ``period`` (memoised per warehouse state). Internal: content-derived
    places and order ids for every county — callers outside the warehouse go through
    ``warehouse.cluster_views``, which applies the viewer's rule."""
    cfg = settings or load_problem_settings().clusters
    key = (*_state(con), period, cfg)
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    found = _find(con, period, cfg)
    with _MEMO_LOCK:
        _MEMO[key] = found
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return found


def _state(con: duckdb.DuckDBPyConnection) -> tuple:
    """What the connection sees: file, last load and metric build (an open reader keeps its old file)."""
    (path,) = con.sql("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0]
    loads = con.sql("SELECT count(*), max(load_id) FROM load_log").fetchall()[0]
    built = con.sql("SELECT max(value) FROM meta WHERE key = 'metrics_built_at'").fetchall()[0]
    return (path or id(con), *loads, *built)


def _find(con: duckdb.DuckDBPyConnection, period: Period, cfg: ClusterSettings) -> ClusterSet:
    window = scan_window(period, cfg.window_days)
    rows = con.sql(_WINDOW_SQL, params={"start": window.start, "end": window.end}).pl()
    admin, towns = _admin(con)
    buckets: dict[tuple, list[int]] = {}
    for i, (content, name, county, township) in enumerate(
        rows.select("content", "citizen_name", "county", "township").iter_rows()
    ):
        place = _place(content, name, admin)
        if place is not None:
            county, township = _locate(content, county, township, admin, towns)
            if county is not None:
                buckets.setdefault((county, township, place.name, place.kind), []).append(i)
    groups = []
    for key, members in buckets.items():
        if len(members) >= cfg.min_size:
            groups += [(key, g) for g in _link(rows, members, cfg, admin) if len(g) >= cfg.min_size]
    clusters, members = _describe(rows, groups, period)
    return ClusterSet(clusters, members, period, window, rows.height, sum(len(m) for m in buckets.values()))


def _admin(con: duckdb.DuckDBPyConnection):
    """The pattern of county and township names, and township -> its counties (a name can repeat)."""
    units = con.sql("SELECT level, unit, county FROM dim_units WHERE level IN ('county', 'township')").fetchall()
    segment.add_user_words({u for _lvl, u, _c in units})
    towns: dict[str, set[str]] = {}
    for level, unit, county in units:
        towns.setdefault(unit, set()).add(county if level == "township" else unit)
    return pl_places.admin_pattern([u for _lvl, u, _c in units]), towns


def _locate(content: str | None, county: str | None, township: str | None, admin, towns) -> tuple:
    """(county, township) from the export, completed from the names in the content when it leaves them
    empty (direct answers often carry no county); a township name of another county is not used."""
    if county is not None and township is not None:
        return county, township
    for match in admin.finditer(content or ""):
        owners = towns.get(match.group(0), set())
        if match.group(0) in owners:  # a county name
            county = county or match.group(0)
        elif township is None and owners and (county in owners or (county is None and len(owners) == 1)):
            county, township = county or next(iter(owners)), match.group(0)
    return county, township


def _place(content: str | None, caller: str | None, admin) -> pl_places.Place | None:
    """The order's place, unless it holds a part of the caller's own name (我叫李家园 is no estate)."""
    place = pl_places.main_place(pl_places.extract_places(content, admin))
    if place is None or (caller and name_parts([caller]) & _substrings(place.name)):
        return None
    return place


def _substrings(text: str) -> set[str]:
    return {text[i:j] for i in range(len(text)) for j in range(i + 2, len(text) + 1)}


def _tokens(content: str | None, admin) -> frozenset[str]:
    """The content's words for the similarity: places and county/township names out, clause by clause."""
    if not content:
        return frozenset()
    text = admin.sub(" ", content)
    for place in pl_places.extract_places(text):
        text = text.replace(place.name, " ")
    return frozenset(w for clause in _CLAUSE.split(text) if clause for w in segment.cut(clause) if keep_word(w))


def _link(rows: pl.DataFrame, members: list[int], cfg: ClusterSettings, admin) -> list[list[int]]:
    """Connected groups of one place's orders: similar words (or the same category_l3 and somewhat
    similar words), at most the window apart."""
    times = [rows["received_at"][i] for i in members]
    cats = [rows["category_l3"][i] for i in members]
    words = [_tokens(rows["content"][i], admin) for i in members]
    parent = list(range(len(members)))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    limit = dt.timedelta(days=cfg.window_days)
    for a in range(len(members)):
        for b in range(a + 1, len(members)):
            if abs(times[b] - times[a]) > limit:
                continue
            same = cats[a] is not None and cats[a] == cats[b]
            overlap = _jaccard(words[a], words[b])
            if overlap >= cfg.similarity or (same and overlap >= cfg.similarity_same_category):
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for k, i in enumerate(members):
        groups.setdefault(root(k), []).append(i)
    return list(groups.values())


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _mode(values: list[str | None]) -> str | None:
    counts = Counter(v for v in values if v is not None)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


def _describe(rows: pl.DataFrame, groups: list[tuple[tuple, list[int]]], period: Period):
    records, members = [], []
    for (county, town, place, kind), idx in groups:
        g = rows[idx]
        dates = g["received_at"].dt.date()
        if not ((dates >= period.start) & (dates <= period.end)).any():
            continue
        cid = hashlib.sha256(f"{county}|{town}|{place}|{kind}|{g['order_id'][0]}".encode()).hexdigest()[:10]
        callers = Counter(c for c in g["caller"].to_list() if c is not None)
        records.append({
            "cluster_id": cid, "county": county, "township": town, "place": place, "place_kind": kind,
            **{c: _mode(g[c].to_list()) for c in ("category_l1", "category_l2", "category_l3")},
            "order_count": g.height, "period_order_count": int(dates.is_between(period.start, period.end).sum()),
            "first_date": dates.min(), "last_date": dates.max(),
            "departments": "、".join(sorted(set(g["department"].drop_nulls().to_list()))) or None,
            "dispatched_count": int(g["is_dispatched"].sum()), "closed_count": int(g["is_closed"].sum()),
            "resolved_count": int((g["resolution"] == "已解决").sum()),
            "resolution_answered_count": int(g["resolution"].is_in(["已解决", "部分解决", "未解决"]).sum()),
            "satisfied_count": int(g["satisfaction"].is_in(["满意", "基本满意"]).sum()),
            "satisfaction_answered_count": int(g["satisfaction"].is_in(["满意", "基本满意", "不满意"]).sum()),
            "caller_count": len(callers), "repeat_caller_count": sum(1 for n in callers.values() if n > 1),
        })  # fmt: skip
        members += [(cid, oid) for oid in g["order_id"].to_list()]
    clusters = pl.DataFrame(records, schema=CLUSTER_SCHEMA).sort(
        ["order_count", "last_date", "cluster_id"], descending=[True, True, False]
    )
    return clusters, pl.DataFrame(members, schema={"cluster_id": pl.String, "order_id": pl.String}, orient="row")
