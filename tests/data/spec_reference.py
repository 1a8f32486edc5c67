"""An independent, deliberately naive reading of SPEC §3, §3.1 and §4 in pure Python.

It shares no code with ``warehouse``: its own working-day walk over chinese_calendar, its own
as-of time, its own repeat search (every earlier order, not a window function), exact fractions
throughout. The engine must agree with it on every rate, score, rank and rank change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction
from typing import Any

import chinese_calendar

Row = dict[str, Any]
Key = tuple  # (level, group, county-or-None, unit)


def _blank(v: Any) -> Any:
    return None if v is None or (isinstance(v, str) and not v.strip()) else (v.strip() if isinstance(v, str) else v)


def _workday(d: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5


def due_of(r: Row, cfg: dict) -> dt.datetime | None:
    if r["due_at"] is not None:
        return r["due_at"]
    if r["dispatched_at"] is None:
        return None
    if r["urgency"] == "紧急":
        return r["dispatched_at"] + dt.timedelta(hours=cfg["urgent_due_hours"])
    n = cfg["workdays"].get(r["appeal_type"], cfg["workdays_default"])
    d, seen = r["dispatched_at"].date(), 0
    while seen < n:
        d += dt.timedelta(days=1)
        seen += _workday(d)
    return dt.datetime.combine(d, dt.time(23, 59, 59))


def repeats(rows: list[Row], window_days: int) -> set[str]:
    """Orders with an earlier order (received_at, then order_id) of the same phone and category_l2
    no more than the window before."""
    out = set()
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        if r["citizen_phone_hash"] is not None and _blank(r["category_l2"]) is not None:
            groups[(r["citizen_phone_hash"], _blank(r["category_l2"]))].append(r)
    for members in groups.values():
        for r in members:
            for p in members:
                earlier = (p["received_at"], p["order_id"]) < (r["received_at"], r["order_id"])
                if earlier and r["received_at"] - p["received_at"] <= dt.timedelta(days=window_days):
                    out.add(r["order_id"])
                    break
    return out


def unit_keys(r: Row, groups: dict[str, str], default_group: str) -> list[Key]:
    county, township, dept = _blank(r["county"]), _blank(r["township"]), _blank(r["department"])
    keys = []
    if county:
        keys.append(("county", "全市", None, county))
    if dept:
        keys.append(("department", groups.get(dept, default_group), None, dept))
    if county and township:
        keys.append(("township", county, county, township))
    return keys


def month_counts(rows: list[Row], cfg: dict) -> dict[tuple[dt.date, Key], dict[str, Fraction]]:
    """Every numerator and denominator per (assessment month, unit)."""
    events = ("received_at", "dispatched_at", "responded_at", "closed_at", "callback_at")
    as_of = cfg.get("as_of") or max(r[c] for r in rows for c in events if r[c] is not None)
    rep = repeats(rows, cfg["repeat_window_days"])
    out: dict[tuple[dt.date, Key], dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for r in rows:
        if r["dispatched_at"] is None:
            continue
        month = r["dispatched_at"].date().replace(day=1)
        assessed = r["is_valid"] is not False and r["is_exempt"] is not True
        due = due_of(r, cfg)
        limit = dt.timedelta(hours=cfg["limit_urgent"] if r["urgency"] == "紧急" else cfg["limit_normal"])
        closed = r["closed_at"] is not None
        c: dict[str, Fraction] = {"dispatched": Fraction(1), "returned": Fraction((r["return_count"] or 0) >= 1)}
        if assessed:
            c["assessed"] = Fraction(1)
            c["responded"] = Fraction(r["responded_at"] is not None and r["responded_at"] - r["dispatched_at"] <= limit)
            c["due_den"] = Fraction(closed or due < as_of)
            c["due_num"] = Fraction(closed and r["closed_at"] <= due)
            c["res_den"] = Fraction(r["resolution"] in ("已解决", "部分解决", "未解决"))
            c["res_num"] = {"已解决": Fraction(1), "部分解决": cfg["partial"]}.get(r["resolution"], Fraction(0))
            c["sat_den"] = Fraction(r["satisfaction"] in ("满意", "基本满意", "不满意"))
            c["sat_num"] = {"满意": Fraction(1), "基本满意": cfg["basic"]}.get(r["satisfaction"], Fraction(0))
            c["closed"] = Fraction(closed)
            answered = r["callback_at"] is not None or r["resolution"] is not None or r["satisfaction"] is not None
            c["callback"] = Fraction(closed and answered)
            c["repeat"] = Fraction(r["order_id"] in rep)
        for key in unit_keys(r, cfg["groups"], cfg["default_group"]):
            for name, value in c.items():
                out[(month, key)][name] += value
    return out


RATES = {
    "response_rate": ("responded", "assessed"),
    "on_time_rate": ("due_num", "due_den"),
    "resolution_rate": ("res_num", "res_den"),
    "satisfaction_rate": ("sat_num", "sat_den"),
    "return_rate": ("returned", "dispatched"),
    "callback_rate": ("callback", "closed"),
    "repeat_rate": ("repeat", "assessed"),
}


def score_rates(c: dict[str, Fraction], cfg: dict) -> dict[str, Any]:
    rates = {k: (c[n] / c[d] if c[d] else None) for k, (n, d) in RATES.items()}
    num = den = Fraction(0)
    for key, w in cfg["weights"].items():
        if w and rates[key] is not None:
            num += w * rates[key]
            den += w
    return {**rates, "score": 100 * num / den if den else None, "assessed": c["assessed"]}


def ranking(counts: dict, month: dt.date, cfg: dict) -> dict[Key, dict[str, Any]]:
    table = {key: score_rates(c, cfg) for (m, key), c in counts.items() if m == month}
    for key, row in table.items():
        ranked = row["assessed"] >= cfg["min_sample"] and row["score"] is not None
        peers = [
            o["score"]
            for k, o in table.items()
            if k[:2] == key[:2] and o["assessed"] >= cfg["min_sample"] and o["score"] is not None
        ]
        row["rank"] = 1 + sum(s > row["score"] for s in peers) if ranked else None
    return table


def full_ranking(rows: list[Row], month: dt.date, cfg: dict) -> dict[Key, dict[str, Any]]:
    counts = month_counts(rows, cfg)
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    now, before = ranking(counts, month, cfg), ranking(counts, prev_month, cfg)
    for key, row in now.items():
        prev = before.get(key, {}).get("rank")
        row["rank_change"] = prev - row["rank"] if prev is not None and row["rank"] is not None else None
    return now


def config(settings: Any) -> dict:
    """The reference's view of a Settings object: plain numbers, decimal weights as fractions."""
    w = settings.composite_weights
    return {
        "limit_urgent": dict(settings.response_limit_hours).get("紧急", settings.response_limit_default_hours),
        "limit_normal": dict(settings.response_limit_hours).get("一般", settings.response_limit_default_hours),
        "urgent_due_hours": settings.urgent_due_hours,
        "workdays": dict(settings.due_workdays_by_type),
        "workdays_default": settings.due_workdays_default,
        "partial": Fraction(str(settings.partial_resolution_weight)),
        "basic": Fraction(str(settings.basic_satisfaction_weight)),
        "weights": {
            f"{k}_rate": Fraction(str(getattr(w, k))) for k in ("response", "on_time", "resolution", "satisfaction")
        },
        "min_sample": settings.min_sample,
        "repeat_window_days": settings.repeat_window_days,
        "groups": settings.unit_groups(),
        "default_group": settings.default_group,
        "as_of": settings.as_of,
    }
