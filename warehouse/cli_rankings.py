"""``python -m warehouse rankings`` (SPEC §7), ``trend`` and ``maturity``: league tables for machines and people.

CSV and JSON are for machines: rates are fractions 0–1 printed with full precision, the score is
0–100, an unranked unit has an empty rank (JSON null), a figure the source cannot supply is empty
(null) and named in ``missing_rates``. The table is for people: Chinese labels, percentages, arrows
for rank changes, and a sentence under it for anything the columns cannot say (a score that cannot be
computed, figures that are not complete yet). ``trend`` prints one unit's row of every monthly ranking:
the same columns as ``rankings``, so its figures can be checked against the pages from outside.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import polars as pl

from labels import metric_label, missing_fields
from warehouse import published
from warehouse.calendar import COMPARE_BASES, Period
from warehouse.casemix import CASEMIX_COLUMNS, fetch_casemix
from warehouse.connection import connect_read
from warehouse.excel import csv_text
from warehouse.maturity import fetch_event_lags
from warehouse.metrics import fetch_build_info, fetch_monthly
from warehouse.rankings import fetch_ranking
from warehouse.record_diff import changed_order_counts, published_vs_live
from warehouse.registry import FIELD_INPUTS, LEVELS, RANK_BY
from warehouse.settings import load_settings
from warehouse.textwidth import column_widths, pad

RATE_COLUMNS = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")
OTHER_RATES = ("return_rate", "callback_rate", "repeat_rate")
# output column -> ranking column
CSV_COLUMNS = {
    "rank": "rank",
    "county": "county",
    "unit": "unit",
    "dispatched": "dispatched_count",
    "assessed": "assessed_count",
    "excluded": "excluded_count",
    **{c: c for c in RATE_COLUMNS},
    "score": "score",
    "rank_change": "rank_change",
    "previous_rank": "previous_rank",
    "ranked_by": "ranked_by",
    "group": "group_name",
    "insufficient_sample": "sample_flag",
    "unranked_reason": "unranked_reason",
    "missing_rates": "missing_rates",
    "score_missing_rates": "score_missing_rates",
    **{c: c for c in OTHER_RATES},
    **{f"{c}_coverage": f"{c}_coverage" for c in RATE_COLUMNS},
    "derived_due_share": "derived_due_share",
    "on_time_warning": "on_time_warning",
    "incomplete": "incomplete",
    "red_list": "is_red",
    "black_list": "is_black",
    "indistinguishable": "indistinguishable",
    "compared_with": "compared_with",
    # targets (warehouse.targets): the target, met or not (empty: cannot be judged), the gap as a fraction
    **{f"{c}{s}": f"{c}{s}" for c in RATE_COLUMNS for s in ("_target", "_meets_target", "_target_gap")},
    "below_target": "below_target",
    "figures": "figures",  # published | live (issue 14): a published month shows its record by default
    "published_on": "published_on",
    "record_version": "record_version",
}
_MARKS = (
    ("样本不足", "insufficient_sample"),
    ("红榜", "red_list"),
    ("黑榜", "black_list"),
    ("难区分", "indistinguishable"),
)


def ranking_records(df: pl.DataFrame, level: str) -> list[dict[str, Any]]:
    """Rows as SPEC §7 names them; the county column only at the township level."""
    records = []
    for row in df.iter_rows(named=True):
        rec = {out: row[col] for out, col in CSV_COLUMNS.items() if out != "county" or level == "township"}
        rec["insufficient_sample"] = row["sample_flag"] is not None
        records.append(rec)
    return records


def format_csv(records: list[dict[str, Any]], columns: list[str]) -> str:
    return csv_text(columns, ([r[c] for c in columns] for r in records))


def format_table(records: list[dict[str, Any]], level: str, title: str, month: bool = False) -> str:
    """An aligned terminal table (CJK characters count double width), with notes under it; ``month``
    puts each row's month in front (the trend)."""
    heads = (["月份"] if month else []) + ["排名"] + (["区县"] if level == "township" else []) + ["单位"]
    heads += ["分组"] if level == "department" else []
    heads += ["派单", "考核", "响应率", "按时办结率", "解决率", "满意率", "综合得分", "变化", "标记", "未达标"]
    heads += ["定榜"] if month else []
    rows = []
    for r in records:
        pct = [f"{r[c] * 100:.1f}%" if r[c] is not None else "—" for c in RATE_COLUMNS]
        change = r["rank_change"]
        arrow = "—" if change is None else ("↑" if change > 0 else "↓" if change < 0 else "→") + str(abs(change))
        cells = ([r["month"]] if month else []) + [str(r["rank"]) if r["rank"] is not None else "—"]
        cells += [r["county"] or ""] if level == "township" else []
        cells += [r["unit"]] + ([r["group"]] if level == "department" else [])
        cells += [str(r["dispatched"]), str(r["assessed"]), *pct]
        cells += [f"{r['score']:.2f}" if r["score"] is not None else "—", arrow]
        cells.append(" ".join(m for m, key in _MARKS if r[key]))
        cells.append(_below(r))
        if month:  # a trend mixes published and live months: each row says which it is
            cells.append(f"已定榜 v{r['record_version']}" if r["figures"] == "published" else "未定榜")
        rows.append(cells)
    numeric = ("排名", "派单", "考核", "响应率", "按时办结率", "解决率", "满意率", "综合得分")
    lines = [title, *aligned(heads, rows, numeric)]
    if not rows:
        lines.append("（该期间没有派单数据 / no dispatched orders in this period）")
    return "\n".join(lines + table_notes(records)) + "\n"


def aligned(heads: list[str], rows: list[list[str]], right: tuple[str, ...]) -> list[str]:
    """Header, rule and rows in columns (warehouse.textwidth: a CJK character is two); ``right``: heads aligned
    right."""
    widths = column_widths(heads, rows)
    numeric = {i for i, h in enumerate(heads) if h in right}
    lines = ["  ".join(pad(h, w, i in numeric) for i, (h, w) in enumerate(zip(heads, widths, strict=True)))]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(pad(c, w, i in numeric) for i, (c, w) in enumerate(zip(row, widths, strict=True))) for row in rows
    ]
    return lines


def _below(r: dict[str, Any]) -> str:
    """'满意率 -4.5' for each rate below its target (percentage points), '' when none."""
    keys = [k for k in (r.get("below_target") or "").split(",") if k]
    return " ".join(f"{metric_label(k)} {100 * r[f'{k}_target_gap']:+.1f}" for k in keys)


def table_notes(records: list[dict[str, Any]]) -> list[str]:
    """What the columns cannot say, one sentence each: figures the source lacks, no score, incomplete."""
    notes = []
    missing = sorted(
        {k for r in records for k in (r["missing_rates"] or "").split(",") if k}, key=list(FIELD_INPUTS).index
    )
    if missing:
        names = "、".join(metric_label(k) for k in missing)
        fields = missing_fields(missing)
        notes.append(f"注：来源数据不含{fields}，{names}无法计算，以“—”表示（不是 0）。")
    if (
        records
        and all(r["unranked_reason"] == "not_available" for r in records if r["rank"] is None)
        and not any(r["rank"] is not None for r in records)
    ):
        notes.append("注：没有单位可按此指标排名：来源数据不含它所需的字段。可用 --by on_time 等按单项指标排名。")
    if any(r["on_time_warning"] for r in records):
        notes.append("注：部分单位的按时办结率中，办理时限多为本系统推算（导出中没有），见 derived_due_share。")
    if records and records[0]["incomplete"]:
        notes.append("注：本期距期末不足成熟期，办结、回访、满意度等滞后指标未完整；名次变化按基期同一时点比较。")
    if records:
        notes.append(f"注：名次变化与 {records[0]['compared_with']} 比较；未达标列为低于目标的率及差距（百分点）。")
    return notes


def cmd_rankings(args: argparse.Namespace) -> int:
    """A published month prints its published table (byte for byte the same after any later load); ``--live``
    the recomputation now, and under it what moved since publication."""
    period = Period.month(args.month) if args.month else Period.parse(args.period)
    settings = load_settings()
    con = connect_read(args.db)
    try:
        df = fetch_ranking(con, args.level, period, settings, by=args.by, basis=args.compare, live=args.live)
        state, doc = published.frozen(con, period)
        as_of = doc["as_of"] if doc is not None and not args.live else fetch_build_info(con).get("as_of")
        notes = live_notes(con, period, settings, args.level) if args.live and doc is not None else []
        mix = fetch_casemix(con, args.level, period, settings) if args.case_mix else None
    finally:
        con.close()
    records = ranking_records(df, args.level)
    if mix is not None:
        records = with_casemix_records(records, df, mix, args.level)
    stamp = f"实时重算，{state.stamp()}" if args.live and state.published else state.stamp()
    _write(records, args, f"{LEVELS[args.level].label_zh}排名 {period.label}"
           f"（{stamp}；排名依据：{metric_label(RANK_BY[args.by])}；数据截止 {as_of or '—'}）",
           extra=list(CASEMIX_COLUMNS) if mix is not None else [])  # fmt: skip
    if notes and args.format == "table":
        sys.stdout.write("\n".join(notes) + "\n")
    return 0


def live_notes(con, period: Period, settings, level: str) -> list[str]:
    """Under a live table of a published month: how many of its orders changed since, and the figures of
    this level (and the city) that moved."""
    counts = changed_order_counts(con, period) or {}
    moved = published_vs_live(con, period, settings)
    lines = [f"与定榜相比：工单 变化 {counts.get('changed', 0)} 件，新增 {counts.get('added', 0)} 件，"
             f"移出 {counts.get('removed', 0)} 件（清单见「定榜记录」页面）"]  # fmt: skip
    if moved is None or moved.is_empty():
        return [*lines, "各项数字与定榜相同。"]
    shown = moved.filter(pl.col("level").is_in([level, "city"]))
    for r in shown.iter_rows(named=True):
        where = "全市" if r["level"] == "city" else (f"{r['county']} " if r["county"] else "") + r["unit"]
        lines.append(f"  {where} {r['figure']}：{r['before']} → {r['after']}")
    return lines


def with_casemix_records(
    records: list[dict[str, Any]], df: pl.DataFrame, mix: pl.DataFrame, level: str
) -> list[dict[str, Any]]:
    """The case-mix columns beside the official ones (``warehouse.casemix``), matched by unit."""
    keys = LEVELS[level].keys
    found = {tuple(r[k] for k in keys): r for r in mix.iter_rows(named=True)}
    unit_keys = [("county", "unit") if level == "township" else ("unit",) for _ in records]
    out = []
    for rec, row, names in zip(records, df.iter_rows(named=True), unit_keys, strict=True):
        hit = found.get(tuple(row[n] for n in names), {})
        out.append({**rec, **{c: hit.get(c) for c in CASEMIX_COLUMNS}})
    return out


def cmd_trend(args: argparse.Namespace) -> int:
    """One row per month in which the unit had orders: its row of that month's ranking."""
    settings = load_settings()
    con = connect_read(args.db)
    try:
        county = args.group if args.level == "township" else None
        months = fetch_monthly(con, args.level, unit=args.unit, county=county, settings=settings)["month"].to_list()
        records = []
        for month in months:
            df = fetch_ranking(con, args.level, Period.month(month), settings, by=args.by, live=args.live)
            df = df.filter(pl.col("unit") == args.unit)
            if args.group is not None:
                df = df.filter(pl.col("group_name") == args.group)
            records += [{"month": f"{month:%Y-%m}", **r} for r in ranking_records(df, args.level)]
    finally:
        con.close()
    if not records:
        raise ValueError(
            f"没有找到单位「{args.unit}」（层级 {args.level}{'，分组 ' + args.group if args.group else ''}）的派单工单"
        )
    title = f"{args.unit} 逐月（按{metric_label(RANK_BY[args.by])}排名；{'全部实时重算' if args.live else '已定榜月份为定榜数据'}）"
    _write(records, args, title, month=True)
    return 0


def _write(
    records: list[dict[str, Any]], args: argparse.Namespace, title: str, month: bool = False, extra: list[str] = ()
) -> None:
    columns = (["month"] if month else []) + [c for c in CSV_COLUMNS if c != "county" or args.level == "township"]
    if args.format == "csv":
        sys.stdout.write(format_csv(records, columns + list(extra)))
    elif args.format == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1, default=str) + "\n")
    else:
        sys.stdout.write(format_table(records, args.level, title, month=month))
        if extra:
            sys.stdout.write(casemix_table(records, args.level))


def casemix_table(records: list[dict[str, Any]], level: str) -> str:
    """The case-mix comparison under the league table: beside the official rate, never instead of it."""
    verdicts = {"below": "低于预期", "above": "高于预期", "as_expected": "与预期相当", None: "样本不足"}
    pct = lambda v: "—" if v is None else f"{v * 100:.1f}%"  # noqa: E731
    ratio = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    heads = ["单位", "满意率", "按案件结构预期", "实际/预期", "95%区间", "判断"]
    rows = [[(f"{r['county']} " if level == "township" else "") + r["unit"], pct(r["satisfaction_rate"]),
             pct(r["expected_satisfaction_rate"]), ratio(r["satisfaction_oe"]),
             f"{ratio(r['satisfaction_oe_low'])}–{ratio(r['satisfaction_oe_high'])}",
             verdicts[r["casemix_verdict"]] if r["satisfaction_oe"] is not None else "—"] for r in records]  # fmt: skip
    widths = column_widths(heads, rows)
    lines = ["", "满意率的案件结构对比（按全市同类诉求的满意率推算；辅助判断，不替代官方满意率）"]
    lines += ["  ".join(pad(c, w, i > 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
              for cells in [heads, *rows]]  # fmt: skip
    return "\n".join(lines) + "\n"


def cmd_maturity(args: argparse.Namespace) -> int:
    """The evidence for the maturity setting: how long after dispatch closures and callbacks come."""
    con = connect_read(args.db)
    try:
        lags = fetch_event_lags(con)
    finally:
        con.close()
    days = load_settings().maturity_days
    fmt = lambda v: "—" if v is None else f"{v:.1f} 天"  # noqa: E731
    print(f"派单 → 办结 第 95 百分位：{fmt(lags['close_p95_days'])}")
    print(f"派单 → 回访 第 95 百分位：{fmt(lags['callback_p95_days'])}")
    print(f"（{lags['dispatched_orders']:,} 件派单工单；当前设置 maturity_days = {days}）")
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--by", choices=tuple(RANK_BY), default="score", help="rank by the composite score or one rate")
    p.add_argument("--live", action="store_true", help="a published month recomputed now (default: as published)")


def add_rankings(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rankings", help="print the league table of one level for a month")
    p.add_argument("--level", required=True, choices=tuple(LEVELS))
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="YYYY-MM")
    when.add_argument("--period", help="YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD")
    p.add_argument("--case-mix", action="store_true",
                   help="add observed vs expected satisfaction given each unit's mix of cases (beside, not instead)")  # fmt: skip
    p.add_argument(
        "--compare",
        choices=COMPARE_BASES,
        default="previous",
        help="rank change against the previous period (环比) or the same period a year earlier (同比)",
    )
    _common(p)


def add_trend(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("trend", help="one unit's row of every monthly ranking (the same columns as rankings)")
    p.add_argument("--level", required=True, choices=tuple(LEVELS))
    p.add_argument("--unit", required=True, help="the unit's name")
    p.add_argument("--group", help="its ranking group (the county of a township)")
    _common(p)


def add_maturity(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("maturity", help="how long after dispatch closures and callbacks arrive (for maturity_days)")
    p.add_argument("--db", help="warehouse file (default: $HOTLINE_DB or data/hotline.duckdb)")
