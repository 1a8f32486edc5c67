"""What turns the monthly figures into a bulletin a government office issues (issue 16, item 5).

The document header (发文机关, 文号, date and sign-off from config/report.toml), the township ranking, the
month's recurring problems (anonymised: township + kind of place + category, never a caller's words or an
estate's name), the early warnings, the case-mix comparison of satisfaction, the typical cases an
administrator marked (printed as summaries generated from the orders' fields), the office's 存在问题 and
工作要求 text (``warehouse.bulletin_notes``), the targets, and how last month's 黑榜 units did this month.
Everything here is an aggregate or generated from coded fields: no name, phone or content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse.access import Viewer
from warehouse.alerts import fetch_alerts
from warehouse.bulletin_notes import case_summaries, month_notes
from warehouse.calendar import Period, nth_workday_after
from warehouse.casemix import fetch_casemix
from warehouse.cluster_views import fetch_clusters
from warehouse.rankings import fetch_ranking
from warehouse.registry import RANKING_RATES
from warehouse.settings import Settings

PUBLIC = Viewer("public", "bulletin")
TOP_PROBLEMS = 10
RANK_KEEP = (
    "unit", "county", "group_name", "rank", "previous_rank", "rank_change", "score", "is_red", "is_black",
    "unranked_reason", "dispatched_count", "assessed_count", "response_rate", "on_time_rate", "resolution_rate",
    "satisfaction_rate", "derived_due_share", "on_time_warning", "indistinguishable", "incomplete",
)  # fmt: skip


@dataclass(frozen=True)
class IssueHeader:
    """The document's header and sign-off (config/report.toml)."""

    office: str  # 发文机关
    doc_number: str  # 文号
    issue_date: dt.date
    signoff: str  # 落款
    copy_to: tuple[str, ...]
    printed_by: str  # 印发机关 (the office, unless set)


def issue_header(config: Any, city: str, period: Period, today: dt.date | None = None) -> IssueHeader:
    """Header fields from the settings; the date is the ``issue_workday``-th working day after the month
    (statutory calendar), or the day it is generated when that is 0."""
    office = config.office or f"{city}12345政务服务便民热线管理办公室"
    number = config.doc_number.format(
        year=period.start.year, month=period.start.month, number=period.start.month, city=city,
        city_short=city[:1] if city else "",
    )  # fmt: skip
    day = nth_workday_after(period.end, config.issue_workday) if config.issue_workday else (today or dt.date.today())
    signoff = config.signoff or config.issuer or office
    return IssueHeader(office, number, day, signoff, tuple(config.copy_to), config.printed_by or office)


def township_rows(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, by: str, counties: list[str]
) -> list[tuple[str, list[dict[str, Any]]]]:
    """(county, its townships ranked within it), counties in the order of the county ranking."""
    frame = fetch_ranking(con, "township", period, settings, by=by)
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in frame.iter_rows(named=True):
        groups.setdefault(row["county"], []).append({k: row.get(k) for k in RANK_KEEP})
    order = {c: i for i, c in enumerate(counties)}
    return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def public_problems(con: duckdb.DuckDBPyConnection, period: Period) -> list[dict[str, Any]]:
    """The month's biggest recurring problems as the public may read them (``cluster_views``: anonymised)."""
    found = fetch_clusters(con, PUBLIC, period).frame
    keep = ("title", "county", "township", "category_l3", "order_count", "period_order_count", "first_date",
            "last_date", "departments", "closed_count", "resolved_count", "satisfied_count",
            "satisfaction_answered_count")  # fmt: skip
    return [{k: r[k] for k in keep} for r in found.head(TOP_PROBLEMS).iter_rows(named=True)]


def month_alerts(con: duckdb.DuckDBPyConnection, period: Period) -> list[dict[str, Any]]:
    """Spikes with an alert day in the month (counts per county, category and day only)."""
    return fetch_alerts(con, period.start, period.end).alerts.sort("start_date").to_dicts()


def casemix_rows(con: duckdb.DuckDBPyConnection, period: Period, settings: Settings) -> dict[str, list[dict]]:
    """Per level, the units whose satisfaction is clearly below or above what their mix of cases predicts."""
    out = {}
    for level in ("county", "department"):
        frame = fetch_casemix(con, level, period, settings)
        rows = [
            dict(r, unit=r[level]) for r in frame.iter_rows(named=True) if r["casemix_verdict"] in ("below", "above")
        ]
        out[level] = sorted(rows, key=lambda r: (r["satisfaction_oe"], r["unit"]))
    return out


def typical_cases(con: duckdb.DuckDBPyConnection, month: str) -> list[dict[str, Any]]:
    """The marked cases of the month, as the facts of each order (no caller, no content)."""
    return case_summaries(con, month_notes(month).cases)


def office_text(month: str) -> tuple[str, str]:
    """(存在问题, 工作要求) as the office wrote them for the month ('' when not written)."""
    notes = month_notes(month)
    return notes.issues, notes.requirements


def blacklist_followup(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, by: str, current: dict[str, list[dict]]
) -> list[dict[str, Any]]:
    """Last month's 黑榜 units (counties, departments) with their rank and figure then and now, and whether
    they left the list — the follow-up a bulletin owes the units it named."""
    out = []
    for level, label in (("county", "区县"), ("department", "承办单位")):
        before = fetch_ranking(con, level, period.previous(), settings, by=by)
        now = {(r["group_name"], r["unit"]): r for r in current[level]}
        for row in before.filter(before["is_black"]).iter_rows(named=True):
            this = now.get((row["group_name"], row["unit"]))
            out.append({
                "level": level, "level_label": label, "unit": row["unit"], "group_name": row["group_name"],
                "previous_rank": row["rank"], "previous_value": row[by],
                "rank": this["rank"] if this else None, "value": this[by] if this else None,
                "rank_change": this["rank_change"] if this else None,
                "still_black": bool(this and this["is_black"]), "present": this is not None,
                "incomplete": bool(this and this["incomplete"]),
            })  # fmt: skip
    return out


def target_rows(totals: dict[str, Any], counties: list[dict], departments: list[dict]) -> list[dict[str, Any]]:
    """Per rate with a city-wide target: the target, the city's rate and whether it meets it, and how many
    counties and departments (those with the rate) meet their group's target — the warehouse's own marks
    (``warehouse.targets``: exact comparisons), the ones behind the ▼ in the league tables."""
    rows = []
    for key in RANKING_RATES:
        if totals.get(f"{key}_target") is None:
            continue
        row = {"key": key, "target": totals[f"{key}_target"], "city": totals.get(key),
               "city_meets": totals.get(f"{key}_meets_target")}  # fmt: skip
        for level, units in (("county", counties), ("department", departments)):
            marks = [u.get(f"{key}_meets_target") for u in units if u.get(f"{key}_meets_target") is not None]
            row[f"{level}_meeting"], row[f"{level}_judged"] = sum(marks), len(marks)
        rows.append(row)
    return rows
