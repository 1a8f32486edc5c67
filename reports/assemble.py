"""Collect every figure of the monthly public report (SPEC §6) into one plain data structure.

Rates, scores and ranks come from ``warehouse.rankings`` (the same exact computation as the league
tables and the CLI), trends from ``warehouse.metrics``, volume breakdowns from ``reports.queries`` over
``fct_work_orders``. Nothing here reads a raw_* table, and nothing personal is selected: the report is
public, so only unit names, category names and counts ever enter it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from reports import issued, queries
from reports.config import ReportConfig, ReportError, load_report_config
from reports.issued import IssueHeader
from warehouse import published
from warehouse.calendar import Period
from warehouse.intake import fetch_is_demo
from warehouse.metrics import fetch_build_info, fetch_monthly
from warehouse.periods import fetch_months
from warehouse.rankings import fetch_ranking, fetch_totals_with_previous
from warehouse.record_diff import record_summary
from warehouse.registry import RANK_BY
from warehouse.scoring import rules_in_force
from warehouse.settings import READ_TIME_KEYS, Settings, load_settings

TOP_CATEGORIES = 10
TOP_RISERS = 5
TOP_HANDLING = 5
TREND_MONTHS = 12
# Applied when a figure is read (warehouse.scoring, warehouse.rankings); the rest took effect at the last
# rebuild. The weights of 部分解决 / 基本满意 are read too: every rate is rebuilt from integer counts.
RANK_TIME_SETTINGS = (*READ_TIME_KEYS, "partial_resolution_weight", "basic_satisfaction_weight")
RANK_COLUMNS = (
    "unit", "group_name", "rank", "previous_rank", "rank_change", "ranked_by", "score", "is_ranked", "sample_flag",
    "unranked_reason", "is_red", "is_black", "indistinguishable", "score_missing_rates", "missing_rates",
    "received_count", "dispatched_count", "assessed_count", "closed_count", "overdue_open_count", "returned_count",
    "response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "return_rate", "derived_due_share",
    "on_time_warning", "incomplete", "below_target",
    # assessment integrity (issue 20): exclusions and their flag, the redo chain, closed ≠ fixed
    "invalid_count", "exempt_count", "exclusion_rate", "exclusion_flag", "exclusion_group_median",
    "exclusion_times_median", "redo_rate", "first_satisfaction_answered_count", "first_satisfaction_rate", "final_satisfaction_rate", "redo_basis",
    "actual_solve_rate",
    *(f"{k}{s}" for k in ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")
      for s in ("_target", "_meets_target", "_target_gap")),
)  # fmt: skip
TREND_COLUMNS = (
    "received_count", "dispatched_count", "response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate",
)  # fmt: skip


@dataclass(frozen=True)
class ReportData:
    """Everything the bulletin prints, as plain values (rates 0–1, counts int, scores 0–100)."""

    month: str  # "2026-10"
    year_num: int
    month_num: int
    city: str
    title_lines: tuple[str, ...]
    issuer: str
    is_demo: bool
    as_of: str | None
    as_of_source: str | None
    is_partial: bool  # the data stops before the month's last day
    generated_at: str
    settings: dict[str, Any]  # the settings the figures were computed with (build-time + rank-time)
    settings_fingerprint: str | None
    settings_changed: bool  # the settings file changed since the last rebuild
    totals: dict[str, Any]
    prev_totals: dict[str, Any] | None  # as compared: the previous month as it stood at the same age when incomplete
    comparison: dict[str, Any]  # incomplete, cutoff, changes and growth (warehouse.rankings.fetch_totals_with_previous)
    yoy_totals: dict[str, Any] | None  # the same month a year earlier, as compared (None: the data does not reach it)
    yoy_comparison: dict[str, Any]  # as ``comparison``, against the same month a year earlier (同比)
    ranked_by: str  # 'score' or a rate key
    trend: list[dict[str, Any]]
    channels: list[dict[str, Any]]
    appeal_types: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    risers: list[dict[str, Any]]
    counties: list[dict[str, Any]]
    departments: list[tuple[str, list[dict[str, Any]]]]  # (group, rows), largest group first
    red_black: list[dict[str, Any]]
    overdue_units: list[dict[str, Any]]
    returned_units: list[dict[str, Any]]
    # the bulletin as issued (reports.issued)
    header: IssueHeader | None = None
    townships: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    casemix: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cases: list[dict[str, Any]] = field(default_factory=list)
    issues_text: str = ""
    requirements_text: str = ""
    followup: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    # the month's place in the published record (warehouse.record_diff.record_summary): 'stamp' (已定榜 … /
    # 未定榜), 'published', 'corrected_on', 'reason', 'versions', 'changes'; ``volume_note``: why the breakdowns
    # by channel, type and category (live) count other orders than the published totals, or ''
    record: dict[str, Any] = field(default_factory=dict)
    volume_note: str = ""

    @property
    def title(self) -> str:
        return " ".join(self.title_lines)

    @property
    def month_label(self) -> str:
        return f"{self.year_num}年{self.month_num}月"


def assemble_report(
    con: duckdb.DuckDBPyConnection,
    month: str,
    settings: Settings | None = None,
    config: ReportConfig | None = None,
    city: str | None = None,
    title: str | None = None,
    by: str = "score",
) -> ReportData:
    """All figures for ``month`` ('YYYY-MM'); ``city``/``title`` override config/report.toml; ``by`` ranks
    the units by the composite score (default) or one rate ('on_time', ...)."""
    period = Period.month(month)
    settings = settings or load_settings()
    config = config or load_report_config()
    available = fetch_months(con)
    if period.start not in available:
        span = f"{available[0]:%Y-%m} 至 {available[-1]:%Y-%m}" if available else "无（请先导入数据）"
        raise ReportError(f"{period.label} 没有数据。可选月份：{span}")
    prev = period.previous()
    totals, compared, comparison = fetch_totals_with_previous(con, period, settings)  # as published, if it is
    prev_totals = compared if prev.start in available else None
    _, year_ago, yoy = fetch_totals_with_previous(con, period, settings, basis="year_ago")
    by = RANK_BY.get(by, by)
    info = fetch_build_info(con)
    state, doc = published.frozen(con, period)
    if doc is not None:  # a published month: its as-of time, rules and settings as frozen
        info = {**info, "as_of": doc["as_of"], "as_of_source": doc["as_of_source"],
                "settings_fingerprint": doc["settings_fingerprint"]}  # fmt: skip
    is_demo = fetch_is_demo(con)
    city_name = city if city is not None else (config.city_name or (config.demo_city_name if is_demo else ""))
    hotline = f"{city_name}12345政务服务便民热线"
    title_lines = (title,) if title else (hotline, f"{period.start.year}年{period.start.month}月运行情况通报")
    as_of = info.get("as_of")
    used, changed = _settings_used(info, rules_in_force(settings, period), period.label)
    if doc is not None:
        used, changed = {**used, **doc["rules"]}, False
    channels = queries.fetch_received_by_channel(con, period.start)
    received = sum(r["received_count"] for r in channels)  # the breakdowns count the orders held now
    counties = _trim(fetch_ranking(con, "county", period, settings, by=by).to_dicts())
    departments = _trim(fetch_ranking(con, "department", period, settings, by=by).to_dicts())
    issues, requirements = issued.office_text(period.label)
    return ReportData(
        month=period.label,
        year_num=period.start.year,
        month_num=period.start.month,
        city=city_name,
        title_lines=title_lines,
        issuer=config.issuer or hotline,
        is_demo=is_demo,
        as_of=as_of,
        as_of_source=info.get("as_of_source"),
        is_partial=bool(as_of) and dt.datetime.fromisoformat(as_of).date() < period.end,
        generated_at=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        settings=used,
        settings_fingerprint=info.get("settings_fingerprint"),
        settings_changed=changed,
        totals=totals,
        prev_totals=prev_totals,
        comparison=comparison if prev_totals is not None else {**comparison, "changes": {}, "growth": {}},
        yoy_totals=year_ago if yoy["has_previous"] else None,
        yoy_comparison=yoy if yoy["has_previous"] else {**yoy, "changes": {}, "growth": {}},
        ranked_by=by,
        trend=_trend(con, period),
        channels=_shares(channels, received),
        appeal_types=_shares(queries.fetch_received_by_appeal_type(con, period.start), received),
        **_hot_topics(con, period, prev, received, has_prev=prev_totals is not None),
        counties=counties,
        departments=_by_group(departments),
        red_black=_red_black(counties, departments, settings),
        overdue_units=_top(departments, "overdue_open_count"),
        returned_units=_top(departments, "returned_count"),
        header=issued.issue_header(config, city_name, period),
        townships=issued.township_rows(con, period, settings, by, [c["unit"] for c in counties]),
        problems=issued.public_problems(con, period),
        alerts=issued.month_alerts(con, period),
        casemix=issued.casemix_rows(con, period, settings),
        cases=issued.typical_cases(con, period.label),
        issues_text=issues,
        requirements_text=requirements,
        followup=issued.blacklist_followup(con, period, settings, by, {"county": counties, "department": departments}),
        targets=issued.target_rows(totals, counties, departments),
        record=record_summary(con, period),
        volume_note=_volume_note(state.published, totals["received_count"], received),
    )


def _volume_note(is_published: bool, published_received: int, received: int) -> str:
    """Said only when it is true: the volume breakdowns count today's orders, the published totals did not."""
    if not is_published or published_received == received:
        return ""
    return (
        f"受理渠道、诉求类型和热点分类按当前数据统计（本月受理 {received:,} 件；定榜时为 {published_received:,} 件，"
        "考核排名和各项率以定榜数据为准）。"
    )


def _settings_used(info: dict[str, str | None], rules: Settings, month: str) -> tuple[dict[str, Any], bool]:
    """Limits, due dates, repeat window and as-of took effect at the last rebuild (recorded in meta, the month's
    rule set of it); weights, minimum sample and list size are read now (``rules``: the month's rule set). The
    report states exactly that mix."""
    current = rules.to_dict()
    built = json.loads(info["settings_json"]) if info.get("settings_json") else dict(current)
    for later in built.get("rule_sets") or []:  # the rule set the build applied to this month's orders
        if later["from"] <= month:
            built = {**built, **later["rules"]}
    used = {**built, **{k: current[k] for k in RANK_TIME_SETTINGS}}
    # read now, or bookkeeping of the rule sets: only a build-time rule can differ from the tables
    drop = {"source", "rule_sets", "effective_from", "rule_note", *RANK_TIME_SETTINGS}
    changed = {k: v for k, v in built.items() if k not in drop} != {k: v for k, v in current.items() if k not in drop}
    return used, changed


def _trend(con: duckdb.DuckDBPyConnection, period: Period) -> list[dict[str, Any]]:
    first = period.start
    for _ in range(TREND_MONTHS - 1):
        first = Period.month(first - dt.timedelta(days=1)).start
    frame = fetch_monthly(con, "city", first, period.start)
    return [
        {"month": row["month"].strftime("%Y-%m"), **{k: row[k] for k in TREND_COLUMNS}}
        for row in frame.iter_rows(named=True)
    ]


def _shares(rows: list[dict[str, Any]], total: int) -> list[dict[str, Any]]:
    return [{**r, "share": r["received_count"] / total if total else None} for r in rows]


def _hot_topics(
    con: duckdb.DuckDBPyConnection, period: Period, prev: Period, total: int, has_prev: bool
) -> dict[str, Any]:
    """Top categories of the month, and the categories that grew most against the month before
    (none when the warehouse has no month before: a zero there is not a count, it is no data)."""
    rows = queries.fetch_received_by_category(con, period.start, prev.start)
    if not has_prev:
        top = [{**r, "prev_received_count": None, "share": r["received_count"] / total if total else None,
                "increase": None, "growth": None} for r in rows if r["received_count"] > 0]  # fmt: skip
        return {"categories": top[:TOP_CATEGORIES], "risers": []}
    for r in rows:
        r["share"] = r["received_count"] / total if total else None
        r["increase"] = r["received_count"] - r["prev_received_count"]
        r["growth"] = r["increase"] / r["prev_received_count"] if r["prev_received_count"] else None
    top = [r for r in rows if r["received_count"] > 0][:TOP_CATEGORIES]
    risers = sorted((r for r in rows if r["increase"] > 0), key=lambda r: (-r["increase"], r["category_l2"]))
    return {"categories": top, "risers": risers[:TOP_RISERS]}


def _trim(rows: list[dict]) -> list[dict]:
    return [{k: row[k] for k in RANK_COLUMNS} for row in rows]


def _by_group(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["group_name"], []).append(row)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _red_black(counties: list[dict], departments: list[dict], settings: Settings) -> list[dict[str, Any]]:
    """One entry per ranking group: its red (top) and black (bottom) list as flagged by the ranking, and
    when both are empty, why (``reason``: no_score, no_ranked, small_group, middle)."""
    out = []
    groups = _by_group(departments)
    for level, label, rows in (("county", "区县", counties), ("department", "承办单位", departments)):
        for group, members in groups if level == "department" else [(None, rows)]:
            if not members:
                continue
            group = group if len(groups) > 1 else None  # one group: no need to name it
            red = [r for r in members if r["is_red"]]
            black = [r for r in members if r["is_black"]]
            entry = {"level": level, "level_label": label, "group": group, "red": red, "black": black}
            entry["reason"] = None if red or black else _no_list_reason(members, settings)
            out.append(entry)
    return out


def _no_list_reason(members: list[dict], settings: Settings) -> str:
    ranked = sum(r["rank"] is not None for r in members)
    if not ranked:
        return "no_score" if any(r["unranked_reason"] == "not_available" for r in members) else "no_ranked"
    return "small_group" if ranked < settings.red_black_min_units else "middle"


def _top(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The units with the most overdue / returned orders (ties broken by name), zeros left out."""
    hits = sorted((r for r in rows if r[key]), key=lambda r: (-r[key], r["unit"]))
    return hits[:TOP_HANDLING]
