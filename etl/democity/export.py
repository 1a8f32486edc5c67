"""Turn the demo truth into monthly exports the way real hotline platforms produce them.

Three fictional vendors rotate month by month, each with its own header aliases (only names the
default import profile recognises, SPEC §2), value spellings, timestamp style and file format:

- A: GBK CSV (CRLF), one 问题分类 column "A->B->C", ``2026-03-05 14:02:11``, carries 办理时限;
- B: XLSX with a title row, three category columns, Excel datetime cells mixed with text
  ``2026年3月5日 14时02分11秒`` and a few bare serial numbers, 特急/普通, 非常满意, carries
  办理截止时间 and, in every other file, 延期后截止时间;
- C: UTF-8 CSV with BOM, 事项分类 "A/B/C", ``2026/3/5 14:02``, no deadline column (the engine
  derives due_at).

Each export is a snapshot at the end of its month: it holds that month's orders as they stood
then, plus earlier orders whose state changed during the month (closed or called back later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import polars as pl

from etl.democity import integrity

TIMESTAMP_FIELDS = (
    "received_at", "dispatched_at", "signed_at", "responded_at", "closed_at", "callback_at", "reviewed_at",
)  # fmt: skip
DEADLINE_FIELDS = ("due_at", "due_ext_at", "due_effective")
EVENT_FIELDS = ("dispatched_at", "signed_at", "responded_at", "closed_at", "callback_at")
STATES = ("回访", "办结", "办理", "待签", "直办")


@dataclass(frozen=True)
class Vendor:
    """One platform's export dialect: (header, canonical source) pairs and value spellings."""

    key: str
    columns: tuple[tuple[str, str], ...]
    ts_format: str
    urgency: tuple[str, str]
    resolution: tuple[str, str, str]
    not_evaluated: str | None
    status: tuple[str, ...]
    category_separator: str | None = None
    very_satisfied: bool = False

    def header(self, field: str) -> str:
        """The header this vendor uses for a canonical field."""
        return next(h for h, f in self.columns if f == field or (field == "due_at" and f == "due_effective"))

    def bad_format(self) -> str:
        """The timestamp format with an impossible month and day (13月45日), for messy cells."""
        fmt = self.ts_format.replace("%-m", "13").replace("%m", "13")
        return fmt.replace("%-d", "45").replace("%d", "45")


VENDOR_A = Vendor(
    key="A",
    columns=(
        ("工单编号", "order_id"), ("受理时间", "received_at"), ("受理渠道", "channel"),
        ("诉求类型", "appeal_type"), ("问题分类", "category"), ("诉求内容", "content"),
        ("来电人", "citizen_name"), ("联系电话", "citizen_phone"), ("所属区县", "county"),
        ("乡镇街道", "township"), ("承办单位", "department"), ("紧急程度", "urgency"),
        ("派单时间", "dispatched_at"), ("签收时间", "signed_at"), ("首次联系时间", "responded_at"),
        ("办理时限", "due_effective"), ("办结时间", "closed_at"), ("办理状态", "status"),
        ("退单次数", "return_count"), ("回访时间", "callback_at"), ("是否解决", "resolution"),
        ("满意度", "satisfaction"), ("是否有效", "is_valid"), ("考核豁免", "is_exempt"),
        *integrity.COLUMNS["A"],
    ),
    ts_format="%Y-%m-%d %H:%M:%S",
    urgency=("紧急", "一般"),
    resolution=("已解决", "部分解决", "未解决"),
    not_evaluated="未评价",
    status=("已回访", "已办结", "办理中", "待签收", "直接办结"),
    category_separator="->",
)  # fmt: skip
VENDOR_B = Vendor(
    key="B",
    columns=(
        ("工单号", "order_id"), ("来电时间", "received_at"), ("来源渠道", "channel"),
        ("来电类别", "appeal_type"), ("一级分类", "category_l1"), ("二级分类", "category_l2"),
        ("三级分类", "category_l3"), ("主要内容", "content"), ("诉求人", "citizen_name"),
        ("来电号码", "citizen_phone"), ("区县", "county"), ("街道", "township"),
        ("承办单位", "department"), ("紧急程度", "urgency"), ("转办时间", "dispatched_at"),
        ("响应时间", "responded_at"), ("办理截止时间", "due_at"), ("延期后截止时间", "due_ext_at"),
        ("办结时间", "closed_at"), ("工单状态", "status"), ("退回次数", "return_count"),
        ("回访时间", "callback_at"), ("解决情况", "resolution"), ("满意度评价", "satisfaction"),
        ("有效工单", "is_valid"), ("申诉通过", "is_exempt"), *integrity.COLUMNS["B"],
    ),
    ts_format="%Y年%-m月%-d日 %H时%M分%S秒",
    urgency=("特急", "普通"),
    resolution=("解决", "部分解决", "未解决"),
    not_evaluated=None,
    status=("已归档", "待回访", "处理中", "已转办", "直接答复"),
    very_satisfied=True,
)  # fmt: skip
VENDOR_C = Vendor(
    key="C",
    columns=(
        ("编号", "order_id"), ("登记时间", "received_at"), ("受理渠道", "channel"),
        ("工单类型", "appeal_type"), ("事项分类", "category"), ("来电内容", "content"),
        ("来电人", "citizen_name"), ("联系电话", "citizen_phone"), ("被反映区", "county"),
        ("被反映街乡镇", "township"), ("主办单位", "department"), ("紧急程度", "urgency"),
        ("派单时间", "dispatched_at"), ("首次联系时间", "responded_at"), ("办结时间", "closed_at"),
        ("办理状态", "status"), ("退单次数", "return_count"), ("回访时间", "callback_at"),
        ("是否解决", "resolution"), ("是否满意", "satisfaction"), ("是否有效", "is_valid"),
        ("考核豁免", "is_exempt"), *integrity.COLUMNS["C"],
    ),
    ts_format="%Y/%-m/%-d %H:%M",
    urgency=("紧急", "一般"),
    resolution=("已解决", "部分解决", "未解决"),
    not_evaluated="未评价",
    status=("已办结", "已办结", "办理中", "待处理", "已办结"),
    category_separator="/",
)  # fmt: skip
VENDORS = (VENDOR_A, VENDOR_B, VENDOR_C)


def without_extension(vendor: Vendor) -> Vendor:
    """Vendor B before its platform upgrade: one deadline column holding the current deadline."""
    dropped = ("due_ext_at", "extension_approved")
    columns = tuple((h, "due_effective" if f == "due_at" else f) for h, f in vendor.columns if f not in dropped)
    return Vendor(**{**vendor.__dict__, "columns": columns})


def _visible(field: str, as_of: datetime) -> pl.Expr:
    return pl.when(pl.col(field) <= as_of).then(pl.col(field)).alias(field)


def snapshot(truth: pl.DataFrame, month: int, firsts: list[date]) -> pl.DataFrame:
    """The rows of month ``month``'s export as they stood at the end of that month."""
    start = datetime.combine(firsts[month], time())
    as_of = datetime.combine(firsts[month + 1], time()) - timedelta(seconds=1)
    changed = pl.any_horizontal([(pl.col(f) >= start) & (pl.col(f) <= as_of) for f in EVENT_FIELDS])
    rows = truth.filter((pl.col("month") == month) | ((pl.col("month") < month) & changed))
    called_back = pl.col("callback_at").is_not_null()
    state = (
        pl.when(called_back).then(0).when(pl.col("closed_at").is_not_null() & pl.col("dispatched_at").is_null())
        .then(4).when(pl.col("closed_at").is_not_null()).then(1)
        .when(pl.col("responded_at").is_not_null() | pl.col("dispatched_at").is_null()).then(2).otherwise(3)
    )  # fmt: skip
    dispatched = pl.col("dispatched_at").is_not_null()
    return (
        rows.with_columns(_visible(f, as_of) for f in EVENT_FIELDS)
        .with_columns(
            pl.when(dispatched).then("due_at").alias("due_at"),
            pl.when(dispatched & (pl.col("due_at") - pl.duration(days=2) <= as_of))
            .then("due_ext_at")
            .alias("due_ext_at"),
            pl.when(called_back).then("resolution").alias("resolution"),
            pl.when(called_back).then("satisfaction").alias("satisfaction"),
            (pl.col("month") == month).alias("__base"),
        )
        .with_columns(integrity.visible(as_of))
        .with_columns(
            # a refused extension leaves the deadline where it was
            pl.coalesce(pl.when(pl.col("extension_approved").fill_null(True)).then("due_ext_at"), "due_at").alias(
                "due_effective"
            ),
            state.alias("state"),
        )
    )


def _value(vendor: Vendor, field: str, very: pl.Expr) -> pl.Expr:
    """The expression producing one vendor column from the snapshot's canonical columns."""
    col = pl.col(field)
    if field in TIMESTAMP_FIELDS or field in DEADLINE_FIELDS:
        return col.dt.strftime(vendor.ts_format)
    if field == "category":
        return pl.concat_str("category_l1", "category_l2", "category_l3", separator=vendor.category_separator)
    if field == "urgency":
        return pl.when(col == "紧急").then(pl.lit(vendor.urgency[0])).otherwise(pl.lit(vendor.urgency[1]))
    if field == "resolution":
        return col.replace_strict(["已解决", "部分解决", "未解决"], list(vendor.resolution), default=None)
    if field == "satisfaction":
        text = pl.when(col == "未评价").then(pl.lit(vendor.not_evaluated, dtype=pl.String)).otherwise(col)
        if vendor.very_satisfied:
            text = (
                pl.when(very & (col == "满意")).then(pl.lit("非常满意"))
                .when(very & (col == "不满意")).then(pl.lit("非常不满意")).otherwise(text)
            )  # fmt: skip
        return text
    if field in ("is_valid", "is_exempt"):
        return pl.when(col).then(pl.lit("是")).otherwise(pl.lit("否"))
    if field == "extension_approved":
        return (
            pl.when(pl.col("due_ext_at").is_null())
            .then(None)
            .when(col)
            .then(pl.lit("同意"))
            .otherwise(pl.lit("不同意"))
        )
    if field == "return_count":
        return col.cast(pl.String)
    if field == "status":
        return pl.col("state").replace_strict(list(range(len(STATES))), list(vendor.status))
    return col


def format_rows(snap: pl.DataFrame, vendor: Vendor, rng: np.random.Generator) -> pl.DataFrame:
    """Vendor headers and spellings (all text, null = empty cell) plus ``__`` helper columns."""
    very = pl.Series(rng.random(snap.height) < 0.5)
    columns = [_value(vendor, field, pl.lit(very)).alias(header) for header, field in vendor.columns]
    helpers = [
        pl.col("__base"),
        pl.col("received_at").alias("__received"),
        pl.col("dispatched_at").is_not_null().alias("__dispatched"),
        pl.col("closed_at").is_not_null().alias("__closed"),
        # How an XLSX writes this row's timestamps (0 datetime cell, 1 text, 2 bare serial number);
        # decided here so that an identical repeated row is also written identically.
        pl.Series("__xlsx_mode", rng.choice(3, size=snap.height, p=[0.80, 0.18, 0.02]), dtype=pl.Int8),
    ]
    return snap.select(*columns, *helpers)
