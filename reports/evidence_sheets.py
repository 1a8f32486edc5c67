"""The evidence pack's sheets (reports.evidence): one table per worksheet, headed in Chinese, each column
formatted by what it holds (rates as %, counts as integers, timestamps as Excel dates), text cells
neutralised so none runs as a formula, columns as wide as their text (a CJK character is two columns).

Apart from the pack's assembly so either can change alone: what goes on a sheet vs how a sheet looks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import xlsxwriter

from warehouse.excel import neutralise_cell, neutralise_frame
from warehouse.fields import FIELD_BY_NAME
from warehouse.registry import METRIC_BY_KEY
from warehouse.textwidth import display_width

_EXTRA_LABELS = {
    "month": "月份",
    "series": "对象",
    "effective_due_at": "办理时限（含推算）",
    "urgency_level": "紧急程度",
    "is_overdue_open": "超期未办结",
    "is_returned": "退单",
    "is_repeat": "重复诉求",
    "repeat_of_order_id": "前次工单编号",
    "category": "分类",
    "satisfaction_rate": "满意率",
    "city_satisfaction_rate": "全市同类满意率",
    "satisfaction_shortfall": "较全市少满意（件）",
    "figures": "数据",
    "version": "定榜版本",
    "published_on": "定榜日期",
    "group_name": "排名分组",
    "rank": "名次",
    "ranked_units": "已排名单位数",
    "rank_change": "名次变化",
    "is_red": "红榜",
    "is_black": "黑榜",
    "unranked_reason": "未排名原因",
}


def sheet_formats(wb: xlsxwriter.Workbook) -> dict[str, Any]:
    """The pack's cell formats, one set per workbook (xlsxwriter formats belong to their workbook)."""
    base = {"font_name": "Noto Sans CJK SC", "font_size": 10, "valign": "top"}
    return {
        "header": wb.add_format({**base, "bold": True, "bg_color": "#E8EEF5", "bottom": 1, "text_wrap": True}),
        "text": wb.add_format(base),
        "wrap": wb.add_format({**base, "text_wrap": True}),
        "int": wb.add_format({**base, "num_format": "#,##0"}),
        "num": wb.add_format({**base, "num_format": "0.00"}),
        "general": wb.add_format({**base, "num_format": "General"}),
        "pct": wb.add_format({**base, "num_format": "0.0%"}),
        "datetime": wb.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"}),
        "date": wb.add_format({**base, "num_format": "yyyy-mm"}),
    }


def _header(col: str) -> str:
    if col in _EXTRA_LABELS:
        return _EXTRA_LABELS[col]
    if col in METRIC_BY_KEY:
        return METRIC_BY_KEY[col].label_zh
    if col in FIELD_BY_NAME:
        return FIELD_BY_NAME[col].label_zh
    return col


def _column_format(col: str, dtype: pl.DataType, fmt: dict[str, Any]) -> tuple[Any, int]:
    """(cell format, width) per column: rates as %, counts as integers, timestamps as dates."""
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return fmt["datetime"], 17
    if dtype == pl.Date:
        return fmt["date"], 10
    if col in ("分子", "分母", "全市分子", "全市分母"):
        return fmt["general"], 10
    if dtype.is_float():
        is_rate = col.endswith(("_rate", "_low", "_high")) or col in (
            "本单位",
            "全市",
            "95%区间下限",
            "95%区间上限",
            "目标",
        )
        return (fmt["pct"], 12) if is_rate and col != "score" else (fmt["num"], 12)
    if dtype.is_integer():
        return fmt["int"], 11
    return fmt["text"], 0


def _excel_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Timestamps as Excel serial days (local time, as stored), booleans as 是/否, text neutralised."""
    epoch = dt.datetime(1899, 12, 30)
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime) or dtype == pl.Date:
            exprs.append(((col.cast(pl.Datetime("us")) - epoch).dt.total_microseconds() / 86_400_000_000).alias(name))
        elif dtype == pl.Boolean:
            exprs.append(pl.when(col).then(pl.lit("是")).when(~col).then(pl.lit("否")).alias(name))
        else:
            exprs.append(col)
    return neutralise_frame(frame.select(exprs))


def write_sheet(
    wb: xlsxwriter.Workbook, fmt: dict[str, Any], name: str, frame: pl.DataFrame, row_formats: dict[int, Any]
) -> None:
    """One sheet: a header row, then the frame; ``row_formats`` overrides the column formats of some rows."""
    ws = wb.add_worksheet(name)
    headers = [neutralise_cell(_header(c)) for c in frame.columns]
    ws.write_row(0, 0, headers, fmt["header"])
    values = _excel_values(frame)
    for i, col in enumerate(frame.columns):
        cell_fmt, width = _column_format(col, frame.schema[col], fmt)
        if not width:  # text: as wide as its longest value (a CJK character is two columns), capped
            sample = values.to_series(i).head(500).cast(pl.String).drop_nulls()
            longest = max((display_width(v) for v in sample), default=0)
            width = min(max(longest, display_width(headers[i])) + 2, 60)
            cell_fmt = fmt["wrap"] if longest > 60 else cell_fmt
        ws.set_column(i, i, max(width, display_width(headers[i]) + 2), cell_fmt)
    for r, row in enumerate(values.iter_rows(), start=1):
        if r - 1 in row_formats:
            ws.write_row(r, 0, row, row_formats[r - 1])
        else:
            ws.write_row(r, 0, row)
    ws.freeze_panes(1, 0)
    if frame.height:
        ws.autofilter(0, 0, frame.height, len(frame.columns) - 1)
