"""The evidence pack (证据材料) a people's-congress committee takes into a hearing on one unit (SPEC §1).

One XLSX: a cover (unit, period, as-of time, settings fingerprint, what each sheet holds), the
unit's rates with numerators, denominators and 95% Wilson intervals against the city and its rank
(exactly the league table's figures), the monthly trend, the categories that pull it down, and the
order lists behind the unsatisfied, overdue, returned and repeat figures. No personal data at all:
no names, phones or content. Every text cell that could run as a formula is neutralised (the sheets are
written by reports.evidence_sheets).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import duckdb
import polars as pl
import xlsxwriter

from labels import missing_fields, t
from reports.evidence_sheets import sheet_formats, write_sheet
from warehouse.access import Viewer
from warehouse.alerts import fetch_unit_alerts
from warehouse.calendar import Period
from warehouse.casemix import casemix_sentence, casemix_sheet, unit_casemix
from warehouse.cluster_views import problems_sheet
from warehouse.intake import fetch_is_demo
from warehouse.integrity_orders import integrity_sheets
from warehouse.metrics import fetch_build_info
from warehouse.order_lists import ORDER_LISTS, fetch_order_lists
from warehouse.problem_settings import load_problem_settings
from warehouse.rankings import fetch_totals
from warehouse.record_diff import history_summary, rank_history, record_summary
from warehouse.registry import FIELD_INPUTS, METRIC_BY_KEY, RATES, get_level
from warehouse.settings import load_settings
from warehouse.unit_profile import fetch_unit_categories, fetch_unit_ranking_row, fetch_unit_trend

MAX_LIST_ROWS = 20_000
TREND_MONTHS = 13
SHEETS = {
    "cover": ("封面", "本材料的对象、期间、数据截止时间、设置指纹和各工作表说明。"),
    "rates": ("指标", "本单位各项率（分子、分母、95% Wilson 区间）与全市对比；与排名页同一口径。"),
    "trend": ("月度趋势", "近 13 个月本单位与全市的各项率和综合得分（按派单月份）。"),
    "categories": ("拖累分类", "本单位各二级分类的不满意、超期未办结、退单、重复诉求数，满意率与全市同类对比。"),
    "unsatisfied": ("不满意工单", "期间内派单、满意度为不满意的考核工单。"),
    "overdue": ("超期未办结工单", "期间内派单、截至数据截止时间已过办理时限仍未办结的考核工单。"),
    "bounced": ("退单工单", "期间内派单、退单次数 ≥ 1 的工单（推诿）。"),
    "repeat": ("重复诉求工单", "期间内派单、同一来电号码同一二级分类在窗口期内再次来电的考核工单。"),
    "casemix": (
        t("cm_title"),
        "本单位各类诉求（二级分类 × 诉求类型）的满意情况与全市同类对比：按全市同类满意率预期的满意件数与实际之差，差距最大的在前。",
    ),
    "problems": (t("ev_problems_sheet"), ""),  # its note names the settings (see _cover)
    "alerts": (
        "预警",
        "期间内受理量异常升高（区县 × 二级分类，按历史推算的预期）且其中有本单位工单的预警；「本单位工单」为其中派给本单位的件数。",
    ),
    "exclusions": (t("ev_exclusions_sheet"), t("ev_exclusions_note")),
    "review": (t("ev_review_sheet"), ""),  # its note names the settings (see _cover)
    "history": ("定榜排名历史", "本单位在各已定榜月份（最新版本）的名次、得分和红黑榜，近 13 个月。"),
}
_RATE_KEYS = tuple(m.key for m in RATES if m.key != "direct_answer_rate")


def build_evidence_pack(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    level: str,
    unit: str,
    period: Period,
    county: str | None = None,
) -> bytes:
    """The XLSX bytes for one unit of ``level`` (a township with its ``county``) over ``period``, with
    the order lists ``viewer`` may see (refused without order lists; a county-scoped leader's county only)."""
    viewer.require_order_lists()
    row = fetch_unit_ranking_row(con, level, unit, period, county)
    if row is None:
        raise ValueError(f"{period.label} 期间没有派给「{unit}」的工单，无法生成证据材料")
    start = _months_back(period.end, TREND_MONTHS)
    lists = fetch_order_lists(con, viewer, level, unit, period, county, MAX_LIST_ROWS)
    history = rank_history(con, level, unit, county, start, period.end)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    fmt = sheet_formats(wb)
    cover = _cover(con, level, unit, period, row, lists, viewer.county_scope)
    write_sheet(wb, fmt, SHEETS["cover"][0], pl.concat([cover, _record_rows(con, period, history)]), {})
    rates = _rates(row, fetch_totals(con, period))
    write_sheet(wb, fmt, SHEETS["rates"][0], rates, {rates.height - 1: fmt["num"]})  # the score is 0–100
    trend = fetch_unit_trend(con, level, unit, start, period.end, county)
    trend = trend.with_columns(
        pl.col("series").replace({"unit": "本单位", "city": "全市"}),
        pl.col("figures").replace({"published": "定榜", "live": "实时（未定榜）"}),
    )
    write_sheet(wb, fmt, SHEETS["trend"][0], trend.select("month", "series", pl.exclude("month", "series")), {})
    write_sheet(wb, fmt, SHEETS["categories"][0], fetch_unit_categories(con, level, unit, period, county, 1000), {})
    for kind, frame in lists.items():
        write_sheet(wb, fmt, SHEETS[kind][0], frame, {})
    write_sheet(wb, fmt, SHEETS["casemix"][0], casemix_sheet(con, level, unit, period, county), {})
    write_sheet(wb, fmt, SHEETS["problems"][0], problems_sheet(con, viewer, level, unit, period, county), {})
    write_sheet(wb, fmt, SHEETS["alerts"][0], _alerts(con, level, unit, period, county), {})
    for kind, frame in integrity_sheets(con, viewer, level, unit, period, county).items():  # issue 20
        write_sheet(wb, fmt, SHEETS[kind][0], frame, {})
    write_sheet(wb, fmt, SHEETS["history"][0], history, {})
    wb.close()
    return buf.getvalue()


def _months_back(end: dt.date, months: int) -> dt.date:
    index = end.year * 12 + end.month - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _cover(
    con: duckdb.DuckDBPyConnection,
    level: str,
    unit: str,
    period: Period,
    row: dict[str, Any],
    lists: dict[str, pl.DataFrame],
    scope: str | None = None,
) -> pl.DataFrame:
    info = fetch_build_info(con)
    lvl = get_level(level)
    if row["rank"]:
        rank = f"第 {row['rank']} 名 / {row['ranked_units']} 个已排名单位"
        change = row["rank_change"]
        if change is not None:
            rank += f"，较上期{'上升' if change > 0 else '下降'} {abs(change)} 名" if change else "，与上期持平"
    else:
        why = {"small_sample": "样本不足", "not_available": "来源数据不含所需字段，无综合得分"}.get(
            row["unranked_reason"] or ""
        )
        rank = f"未排名（{why or '无综合得分'}）"
    items = [
        ("单位", unit),
        ("层级", lvl.label_zh),
        ("所属区县" if level == "township" else "排名分组", row["county"] if level == "township" else row["group_name"]),
        ("期间", f"{period.start.isoformat()} 至 {period.end.isoformat()}（{period.label}）"),
        ("排名", rank),
        ("得分区间与相邻单位重叠", {True: "是（名次差异在统计上不可区分）", False: "否"}.get(row["indistinguishable"], "—")),
        ("来源数据无法提供的指标", _missing(row) or "无"),
        ("办理时限推算占比", "—" if row["derived_due_share"] is None else f"{100 * row['derived_due_share']:.1f}%"
         + ("（超过警示线：按时办结率主要反映推算规则）" if row["on_time_warning"] else "")),
        ("期间是否完整", "否：期末后未满成熟期，办结、回访、满意度等滞后指标仍会增加" if row["incomplete"] else "是"),
        ("数据截止时间", info.get("as_of") or "—"),
        ("设置指纹", info.get("settings_fingerprint") or "—"),
        ("指标计算时间", info.get("metrics_built_at") or "—"),
        ("生成时间", dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")),
        ("数据性质", "演示数据（虚构城市，不代表任何真实地区）" if fetch_is_demo(con) else "正式导入数据"),
        ("个人信息", "本材料不含来电人姓名、联系电话和诉求内容。"),
        (t("cm_title"), casemix_sentence(unit_casemix(con, level, unit, period, row.get("county")))),
    ]  # fmt: skip
    for key, (sheet, what) in SHEETS.items():
        note = what or (_review_note() if key == "review" else _problems_note())
        if key in lists and scope:  # the unit's figure counts every county; the list holds one
            shown = lists[key].height
            note += f" 本材料的账号限于{scope}：列出其中{scope}的 {shown} 件" + (
                "（最近的）。" if shown == MAX_LIST_ROWS else "。"
            )
        elif key in lists:
            total = int(row.get(ORDER_LISTS[key]) or 0)
            note += f" 共 {total} 件" + (f"，列出最近 {MAX_LIST_ROWS} 件。" if total > lists[key].height else "。")
        items.append((f"工作表「{sheet}」", note))
    return pl.DataFrame(items, schema={"项目": pl.String, "内容": pl.String}, orient="row")


def _review_note() -> str:
    settings = load_settings()
    return t("ev_review_note").format(n=settings.review_sample_size, seed=settings.review_sample_seed)


def _record_rows(con: duckdb.DuckDBPyConnection, period: Period, history: pl.DataFrame) -> pl.DataFrame:
    """The cover's lines on the published record: is this period published (the rank and rates are then the
    published ones; the order lists are always today's), and how often the unit was on each list."""
    info = record_summary(con, period, limit=0)
    if info["published"]:
        state = (
            f"{info['stamp']}：本材料的名次、各率和全市对比为定榜数据（定榜时数据截止 {info['as_of'] or '—'}）；"
            "工单清单和封面的数据截止时间为当前数据（定榜后可能有变化）。"
        )
        if info["corrected_on"]:
            state += f" 更正原因：{info['reason']}"
    else:
        state = "未定榜：本材料的数字为实时计算，可能随后续导入的数据变化。"
    items = [("定榜状态", state)]
    for year, s in sorted(history_summary(history).items()):
        black = f"（{'、'.join(s['black'])}）" if s["black"] else ""
        red = f"（{'、'.join(s['red'])}）" if s["red"] else ""
        items.append((f"{year} 年定榜记录", f"定榜 {s['months']} 个月，上黑榜 {len(s['black'])} 个月{black}，"
                                           f"上红榜 {len(s['red'])} 个月{red}"))  # fmt: skip
    return pl.DataFrame(items, schema={"项目": pl.String, "内容": pl.String}, orient="row")


def _alerts(con: duckdb.DuckDBPyConnection, level: str, unit: str, period: Period, county: str | None) -> pl.DataFrame:
    frame = fetch_unit_alerts(con, level, unit, period, county)
    names = {"county": "区县", "category_l1": "一级分类", "category_l2": "二级分类", "start_date": "开始", "end_date": "结束",
             "alert_days": "天数", "observed_count": "受理（件）", "expected_count": "预期（件）",
             "excess_count": "超出预期（件）", "ratio": "倍数", "p_value": "偶然出现的概率", "unit_order_count": "本单位工单"}  # fmt: skip
    dates = [
        pl.col(c).cast(pl.String) for c in ("start_date", "end_date")
    ]  # whole days: the sheet shows a Date as a month
    return frame.with_columns(dates).rename(names)


def _problems_note() -> str:
    cfg = load_problem_settings().clusters
    return t("ev_problems_note").format(size=cfg.min_size, days=cfg.window_days)


def _rates(row: dict[str, Any], city: dict[str, Any]) -> pl.DataFrame:
    records = []
    for key in (*_RATE_KEYS, "score"):
        metric = METRIC_BY_KEY[key]
        num, den = metric.numerator, metric.denominator
        records.append(
            {
                "指标": metric.label_zh,
                "指标代码": key,
                "本单位": row.get(key),
                "分子": float(row[num]) if num and row.get(num) is not None else None,
                "分母": float(row[den]) if den and row.get(den) is not None else None,
                "95%区间下限": row.get(f"{key}_low"),
                "95%区间上限": row.get(f"{key}_high"),
                "目标": row.get(f"{key}_target"),
                "是否达标": _met(row.get(f"{key}_meets_target")),
                "与目标差（百分点）": None if row.get(f"{key}_target_gap") is None else 100 * row[f"{key}_target_gap"],
                "全市": city.get(key),
                "全市分子": float(city[num]) if num and city.get(num) is not None else None,
                "全市分母": float(city[den]) if den and city.get(den) is not None else None,
                "定义": metric.definition_zh,
                "说明": f"来源数据不含{_fields(key)}，无法计算（不是 0）"
                if key in (row["missing_rates"] or "")
                else "",
            }
        )
    return pl.DataFrame(records, infer_schema_length=None)


def _met(met: bool | None) -> str | None:
    """是 / 否 against the unit's target; empty without one, or when the rate cannot be judged."""
    return None if met is None else ("是" if met else "否")


def _fields(key: str) -> str:
    return missing_fields([key]) if key in FIELD_INPUTS else ""


def _missing(row: dict[str, Any]) -> str:
    keys = [k for k in (row["missing_rates"] or "").split(",") if k]
    return "；".join(f"{METRIC_BY_KEY[k].label_zh}（缺{_fields(k)}）" for k in keys)
