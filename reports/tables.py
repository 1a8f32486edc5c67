"""The bulletin's tables as typed cells, shared by the HTML/PDF and the XLSX renderers.

A cell keeps its raw value and a kind (count, pct, score, text), so the PDF prints "93.1%" while the
workbook stores 0.931… with a per-cent format — one source for both, formatted at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reports.compare import below_text, compare_note, rate_marks, target_text
from reports.formatting import fmt_count, fmt_pct, fmt_score, rank_change_mark
from warehouse.registry import get_metric
from warehouse.scoring import growth

if TYPE_CHECKING:
    from reports.assemble import ReportData

KINDS = ("text", "label", "count", "pct", "score")  # label: short text that never wraps


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str = "text"
    mark: str = ""  # a footnote mark printed after the value ('*': not distinguishable from a neighbour)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    note: str | None = None
    classes: tuple[str, ...] = field(default_factory=tuple)  # per-row CSS class ('' = none)
    widths: tuple[int, ...] | None = None  # relative column widths (HTML)


def change_text(r: ReportData, key: str, kind: str, comparison: dict[str, Any] | None = None) -> str:
    """A table's 变化 cell from the warehouse's change (exact, rounded once): '+1.2 个百分点', '−3.4%',
    '+0.11 分', '持平'; '—' without a comparison. ``comparison``: 环比 (default) or 同比."""
    cmp = r.comparison if comparison is None else comparison
    if kind == "count":
        diff, unit = cmp.get("growth", {}).get(key), "%"
    else:
        diff, unit = cmp.get("changes", {}).get(key), " 个百分点" if kind == "pct" else " 分"
    if diff is None:
        return "—"
    return "持平" if diff == 0 else f"{'+' if diff > 0 else '−'}{abs(diff)}{unit}"


def _compare_rows(r: ReportData, items: tuple[tuple[str, str, str], ...], targets: bool) -> list[tuple[Cell, ...]]:
    """(key, label, kind) -> rows 指标 | 本月 | 上月 | 环比 | 去年同月 | 同比 (| 目标); a lagging figure of an
    incomplete month is marked 未完整 (and the months compared with are then as they stood at the same age)."""
    t, p, y = r.totals, r.prev_totals or {}, r.yoy_totals or {}
    rows = []
    for key, label, kind in items:
        lagging = r.comparison.get("incomplete") and get_metric(key).lagging and t.get(key) is not None
        mark = "（未完整）" if lagging else ""
        prev = p.get(key) if r.prev_totals else None
        year = y.get(key) if r.yoy_totals else None
        row = (Cell(label + mark), Cell(t.get(key), kind), Cell(prev, kind), Cell(change_text(r, key, kind)),
               Cell(year, kind), Cell(change_text(r, key, kind, r.yoy_comparison)))  # fmt: skip
        rows.append((*row, Cell(target_text(t, key) if kind == "pct" else "—")) if targets else row)
    return rows


OVERVIEW_ITEMS = (
    ("received_count", "受理量（件）", "count"),
    ("direct_answer_count", "直接答复量（件）", "count"),
    ("direct_answer_rate", "直接答复率", "pct"),
    ("dispatched_count", "派单量（件）", "count"),
    ("assessed_count", "考核工单量（件）", "count"),
    ("response_rate", "响应率", "pct"),
    ("on_time_rate", "按时办结率", "pct"),
    ("resolution_rate", "解决率", "pct"),
    ("satisfaction_rate", "满意率", "pct"),
    ("score", "全市综合得分（分）", "score"),
)
HANDLING_ITEMS = (
    ("assessed_count", "考核工单量（件）", "count"),
    ("closed_count", "已办结（件）", "count"),
    ("closed_on_time_count", "按时办结（件）", "count"),
    ("on_time_due_count", "应办结（件）", "count"),
    ("on_time_rate", "按时办结率", "pct"),
    ("overdue_open_count", "超期未办结（件）", "count"),
    ("returned_count", "退单量（件）", "count"),
    ("return_rate", "退单率", "pct"),
    ("callback_count", "回访量（件）", "count"),
    ("callback_rate", "回访率", "pct"),
    ("satisfied_count", "满意（件）", "count"),
    ("basically_satisfied_count", "基本满意（件）", "count"),
    ("dissatisfied_count", "不满意（件）", "count"),
    ("satisfaction_rate", "满意率", "pct"),
    ("resolved_count", "已解决（件）", "count"),
    ("partially_resolved_count", "部分解决（件）", "count"),
    ("unresolved_count", "未解决（件）", "count"),
    ("resolution_rate", "解决率", "pct"),
    ("repeat_count", "重复诉求（件）", "count"),
    ("repeat_rate", "重复诉求率", "pct"),
)
COMPARE = (24, 13, 13, 16, 13, 16)  # 指标 | 本月 | 上月 | 环比 | 去年同月 | 同比
COMPARE_TARGET = (20, 11, 11, 14, 11, 14, 19)  # ... | 目标
COMPARE_HEADER = ("指标", "本月", "上月", "环比", "去年同月", "同比")
RANK_HEADER = (
    "名次", "单位", "派单量", "考核量", "响应率", "按时办结率", "推算时限占比", "解决率", "满意率", "综合得分", "名次变化",
)  # fmt: skip
RANK_WIDTHS = (8, 23, 7, 7, 7, 10, 8, 7, 7, 8, 8)
UNRANKED = {"small_sample": "样本不足", "not_available": "不可得", "no_data": "未排名"}
_RATES = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")


def ranking_table(key: str, title: str, rows: list[dict[str, Any]], unit_label: str, by: str = "score") -> Table:
    """A league table: rates (and 推算时限, the share of derived deadlines, beside 按时办结率), score, rank
    change. A lagging column of an incomplete month is marked †; an on-time rate built mostly on derived
    deadlines is marked ‡; a missing figure reads "—"."""
    out, classes = [], []
    incomplete = any(x.get("incomplete") for x in rows)
    for x in rows:
        rank = (
            Cell(x["rank"], "count")
            if x["rank"] is not None
            else Cell(UNRANKED.get(x["unranked_reason"] or "", "未排名"), "label")
        )
        rates = [Cell(x[k], "pct", rate_marks(x, k)) for k in _RATES]
        rates.insert(2, Cell(x.get("derived_due_share"), "pct"))
        out.append(
            (
                rank,
                Cell(x["unit"]),
                Cell(x["dispatched_count"], "count"),
                Cell(x["assessed_count"], "count"),
                *rates,
                Cell(x["score"], "score", "*" if x["indistinguishable"] and by == "score" else ""),
                Cell(rank_change_mark(x["rank_change"]) if x["rank"] is not None else "—"),
            )
        )
        classes.append(
            "red" if x["is_red"] else ("black" if x["is_black"] else ("unranked" if x["rank"] is None else ""))
        )
    # a lagging column of an incomplete month is marked †, unless the source cannot supply it at all
    lagging = {
        get_metric(k).label_zh
        for k in (*_RATES, "score")
        if get_metric(k).lagging and any(x[k] is not None for x in rows)
    }
    header = tuple(
        h + ("†" if incomplete and h in lagging else "") for h in (RANK_HEADER[0], unit_label, *RANK_HEADER[2:])
    )
    order = "综合得分" if by == "score" else get_metric(by).label_zh
    note = (
        f"按{order}排名；红色底纹为红榜、灰色底纹为黑榜；名次变化：↑ 上升、↓ 下降、— 上月未排名；"
        f"{'得分' if by == 'score' else ''}后标 * 的单位与相邻名次单位在 95% 置信水平下差异不显著，名次仅供参考；"
        "推算时限占比：应办结工单中办理时限由本系统推算（导出中没有）的比例，按时办结率后标 ‡ 的超过设置的警示线；"
        "率后标 ▼ 的低于目标（目标见表 1，可按分组设置），差距见下表；"
        "“—”表示来源数据无法提供或没有可计算的工单，不是 0；不可得：来源数据不含排名所需字段。"
    ) + ("标 † 的指标本月尚未完整，名次变化按上月同一时点比较。" if incomplete else "")
    return Table(key, title, header, out, note, tuple(classes), RANK_WIDTHS)


def build_tables(r: ReportData) -> dict[str, Table]:
    """Every table of the bulletin keyed by name; the numbering (表1…) is the template's job."""
    share = ("名称", "受理量（件）", "占比")
    tables = {
        "overview": Table(
            "overview",
            "主要指标",
            (*COMPARE_HEADER, "目标"),
            _compare_rows(r, OVERVIEW_ITEMS, True),
            note=compare_note(r),
            widths=COMPARE_TARGET,
        ),
        "channels": Table("channels", "受理渠道", ("受理渠道", *share[1:]), _shares(r.channels)),
        "appeal_types": Table("appeal_types", "诉求类型", ("诉求类型", *share[1:]), _shares(r.appeal_types)),
        "categories": Table(
            "categories",
            f"诉求量前 {len(r.categories)} 位的问题",
            ("序号", "一级分类", "二级分类", "受理量（件）", "占比", "上月（件）", "环比"),
            [
                (
                    Cell(i, "count"),
                    Cell(c["category_l1"]),
                    Cell(c["category_l2"]),
                    Cell(c["received_count"], "count"),
                    Cell(c["share"], "pct"),
                    Cell(c["prev_received_count"], "count"),
                    Cell(_growth_text(c["received_count"], c["prev_received_count"]) if r.prev_totals else "—"),
                )
                for i, c in enumerate(r.categories, 1)
            ],
            widths=(6, 18, 20, 14, 10, 14, 12),
        ),
        "risers": Table(
            "risers",
            "环比增加最多的问题",
            ("一级分类", "二级分类", "本月（件）", "上月（件）", "增加（件）", "增长率"),
            [
                (
                    Cell(c["category_l1"]),
                    Cell(c["category_l2"]),
                    Cell(c["received_count"], "count"),
                    Cell(c["prev_received_count"], "count"),
                    Cell(c["increase"], "count"),
                    Cell(c["growth"], "pct") if c["growth"] is not None else Cell("上月无"),
                )
                for c in r.risers
            ],
            widths=(20, 24, 14, 14, 14, 14),
        ),
        "handling": Table(
            "handling",
            "办理情况指标",
            COMPARE_HEADER,
            _compare_rows(r, HANDLING_ITEMS, False),
            widths=COMPARE,
        ),
        "overdue_units": Table(
            "overdue_units",
            "超期未办结较多的承办单位",
            ("承办单位", "分组", "超期未办结（件）", "考核工单（件）"),
            [
                (
                    Cell(u["unit"]),
                    Cell(u["group_name"]),
                    Cell(u["overdue_open_count"], "count"),
                    Cell(u["assessed_count"], "count"),
                )
                for u in r.overdue_units
            ],
            widths=(40, 20, 20, 20),
        ),
        "returned_units": Table(
            "returned_units",
            "退单较多的承办单位",
            ("承办单位", "分组", "退单量（件）", "派单量（件）", "退单率"),
            [
                (
                    Cell(u["unit"]),
                    Cell(u["group_name"]),
                    Cell(u["returned_count"], "count"),
                    Cell(u["dispatched_count"], "count"),
                    Cell(u["return_rate"], "pct"),
                )
                for u in r.returned_units
            ],
            widths=(34, 18, 16, 16, 16),
        ),
        "counties": ranking_table("counties", f"区县{_order(r)}排名", r.counties, "区县", r.ranked_by),
        "counties_below": below_table("counties_below", "低于目标的区县", r.counties, "区县"),
    }
    for i, (group, rows) in enumerate(r.departments):
        title = f"承办单位{_order(r)}排名" + (f"（{group}）" if len(r.departments) > 1 else "")
        tables[f"departments_{i}"] = ranking_table(f"departments_{i}", title, rows, "承办单位", r.ranked_by)
        below = "低于目标的承办单位" + (f"（{group}）" if len(r.departments) > 1 else "")
        tables[f"departments_{i}_below"] = below_table(f"departments_{i}_below", below, rows, "承办单位")
    for i, entry in enumerate(r.red_black):
        if entry["reason"] is None:
            tables[f"red_black_{i}"] = red_black_table(f"red_black_{i}", entry, r.ranked_by)
    return tables


def _order(r: ReportData) -> str:
    return "综合" if r.ranked_by == "score" else get_metric(r.ranked_by).label_zh


def red_black_table(key: str, entry: dict[str, Any], by: str = "score") -> Table:
    """Red and black list of one ranking group side by side: 名次 单位 得分 | 名次 单位 得分 (the rate ranked
    by instead of the score when the ranking is by one rate); an empty side reads "无"."""
    red, black = entry["red"], entry["black"]
    rows = []
    for i in range(max(len(red), len(black))):
        cells: list[Cell] = []
        for side in (red, black):
            x = side[i] if i < len(side) else None
            value = Cell(x["score"], "score") if x and by == "score" else Cell(x[by] if x else None, "pct")
            cells += (
                [Cell(x["rank"], "count"), Cell(x["unit"]), value]
                if x
                else [Cell("无" if i == 0 else "")] + [Cell("")] * 2
            )
        rows.append(tuple(cells))
    group = f"（{entry['group']}）" if entry["group"] else ""
    title = f"{entry['level_label']}红黑榜{group}"
    figure = "得分" if by == "score" else get_metric(by).label_zh
    header = ("红榜名次", "单位", figure, "黑榜名次", "单位", figure)
    return Table(key, title, header, rows, widths=(9, 27, 12, 9, 27, 12))


def below_table(key: str, title: str, rows: list[dict[str, Any]], unit_label: str) -> Table:
    """The units of a league table below a target, with the gaps: 单位 | 低于目标的率（差距）."""
    below = [(Cell(x["unit"]), Cell(below_text(x))) for x in rows if x.get("below_target")]
    note = "差距为实际值与目标之差（个百分点）；目标按单位所在排名组的设置。"
    return Table(key, title, (unit_label, "低于目标的率（差距，个百分点）"), below, note, widths=(35, 65))


def _growth_text(count: int | None, prev: int | None) -> str:
    diff = growth(count, prev)
    return "—" if diff is None else ("持平" if diff == 0 else f"{'+' if diff > 0 else '−'}{abs(diff)}%")


def _shares(rows: list[dict[str, Any]]) -> list[tuple[Cell, ...]]:
    return [(Cell(x["name"]), Cell(x["received_count"], "count"), Cell(x["share"], "pct")) for x in rows]


def trend_table(r: ReportData) -> Table:
    """The months behind the trend charts (workbook only): volume by received month, rates by assessment month."""
    keys = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate")
    rows = [
        (
            Cell(x["month"]),
            Cell(x["received_count"], "count"),
            Cell(x["dispatched_count"], "count"),
            *(Cell(x[k], "pct") for k in keys),
        )
        for x in r.trend
    ]
    header = ("月份", "受理量（件）", "派单量（件）", "响应率", "按时办结率", "解决率", "满意率")
    return Table("trend", f"近 {len(rows)} 个月走势", header, rows)


def settings_table(lines: list[tuple[str, str]]) -> Table:
    return Table(
        "settings", "本期采用的考核设置", ("设置", "取值"), [(Cell(a), Cell(b)) for a, b in lines], widths=(20, 80)
    )


def cell_text(cell: Cell) -> str:
    """How a cell reads in the bulletin (HTML/PDF)."""
    if cell.kind == "count":
        return fmt_count(cell.value)
    if cell.kind == "pct":
        return fmt_pct(cell.value)
    if cell.kind == "score":
        return fmt_score(cell.value)
    return "—" if cell.value is None else str(cell.value)
