"""The one label catalogue: every user-facing word, in Simplified Chinese (default) and English."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("12345 热线绩效分析", "12345 Hotline Performance"),
    "language": ("语言", "Language"),
    "demo_banner": (
        "演示数据：本页显示的是虚构城市「云溪市」的生成数据，不代表任何真实地区。",
        "Demo data: this page shows generated data for the fictional city of Yunxi, not a real place.",
    ),
    "page_home": ("数据概况", "Data at a glance"),
    "no_warehouse": (
        "还没有数据。请在命令行运行 `make run`（自动导入演示数据）或 `python -m etl load 文件...` 导入工单导出文件。",
        "No data yet. Run `make run` (loads the demo city) or `python -m etl load FILE...` to load exports.",
    ),
    "months_loaded": ("已导入月份（按受理时间）", "Months loaded (by received date)"),
    "load_history": ("导入记录", "Load history"),
    "quarantine_summary": ("隔离行（按文件和原因）", "Quarantined rows (by file and reason)"),
    "month": ("月份", "Month"),
    "received_count": ("受理量", "Received"),
    "dispatched_count": ("派单量", "Dispatched"),
    "closed_count": ("办结量", "Closed"),
    "orders_axis": ("工单数（件）", "Orders"),
    "kpi_orders": ("工单总数", "Orders"),
    "kpi_months": ("月份数", "Months"),
    "kpi_quarantined": ("隔离行数", "Quarantined rows"),
    "kpi_files": ("已导入文件", "Files loaded"),
    "load_id": ("批次", "Load"),
    "file_name": ("文件", "File"),
    "source_file": ("文件", "File"),
    "status": ("状态", "Status"),
    "rows_read": ("读取行数", "Rows read"),
    "loaded": ("新增", "New"),
    "updated": ("更新", "Updated"),
    "unchanged": ("未变", "Unchanged"),
    "quarantined": ("隔离", "Quarantined"),
    "duplicates": ("重复", "Duplicates"),
    "encoding": ("编码", "Encoding"),
    "sheet": ("工作表", "Sheet"),
    "profile": ("导入配置", "Profile"),
    "message": ("说明", "Message"),
    "started_at": ("导入时间", "Loaded at"),
    "seconds": ("耗时（秒）", "Seconds"),
    "reason_code": ("原因", "Reason"),
    "row_count": ("行数", "Rows"),
}


def relabel(columns: list[str], lang: str = "zh") -> dict[str, str]:
    """Column renames for a table shown to people (unknown columns keep their names)."""
    return {c: t(c, lang) for c in columns if c in LABELS}


def t(key: str, lang: str = "zh") -> str:
    zh, en = LABELS[key]
    return en if lang == "en" else zh
