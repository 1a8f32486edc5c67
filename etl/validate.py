"""Validation (SPEC §2.1): every data row ends as loaded, a counted duplicate, or quarantined with
a reason a person can act on. Nothing is dropped silently.

Repeats are settled first, on the whole original row: identical repeats of an order are counted
as duplicates; among different versions of one order the last occurrence is the one that goes
on, the earlier ones are quarantined as superseded. The survivors are then checked cell by cell.

Real exports are mostly clean, so every step finds its few problem rows with cheap whole-column
flags and writes sentences only for those rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from etl.mapping import ROW, ColumnMap, describe_bad_cells
from etl.profiles import Profile
from etl.readers import EXTRA_CELLS
from etl.swallowed import swallow_message, swallow_notes, swallowed_cells

# A file is checked in slices of at most this many rows (etl.checking), so its typed copy never
# exists whole in memory (a CSV piece of 64 MB holds ~250,000 rows: one slice).
SLICE_ROWS = 1_000_000

# reason_code, in the order a row's first problem is named.
REASON_CODES = (
    "missing_order_id",
    "missing_received_at",
    "bad_received_at",
    "bad_timestamp",
    "bad_value",
    "chronology",
    "superseded",
)
QUARANTINE_COLUMNS = ("source_row", "order_id", "reason_code", "reason", "raw_record")
FLAGS = ("__bad_ts", "__bad_value", "__bad_soft")
SWALLOWED_SCHEMA = {ROW: pl.UInt32, "column": pl.String, "lines": pl.Int64}


@dataclass(frozen=True)
class Checked:
    good: pl.DataFrame  # canonical frame of the rows that go on to the warehouse
    quarantine: pl.DataFrame  # QUARANTINE_COLUMNS
    rows_read: int
    duplicates: int
    # source_row, order_id, message, extra_cells: loaded rows with a yes/no or count cell that could not be
    # read (loaded empty) or with cells past the header (extra_cells, verbatim: the raw layer only)
    warnings: pl.DataFrame
    # ROW, column, lines: cells that swallowed whole records (etl.swallowed), named in the load summary
    swallowed: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SWALLOWED_SCHEMA))

    @property
    def notes(self) -> tuple[str, ...]:
        """File-level findings for the load summary, in row order (etl.swallowed)."""
        return tuple(swallow_notes(self.swallowed.sort(ROW, maintain_order=True)))


def _fmt(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%Y-%m-%d %H:%M:%S")


def _chronology_bad() -> pl.Expr:
    recv = pl.col("received_at__v")
    return (pl.col("dispatched_at__v") < recv).fill_null(False) | (pl.col("closed_at__v") < recv).fill_null(False)


def _problem_flag() -> pl.Expr:
    return (
        pl.col("order_id").is_null()
        | pl.col("received_at__v").is_null()
        | pl.col("__bad_ts")
        | pl.col("__bad_value")
        | _chronology_bad()
    )


def find_repeats(canonical: pl.DataFrame, source: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """Rows of repeated orders: (ROW numbers of identical extra copies, superseded rows with messages)."""
    repeated = canonical.filter(pl.col("order_id").is_not_null() & pl.col("order_id").is_duplicated())
    empty = pl.DataFrame(schema={ROW: pl.UInt32, "order_id": pl.String, "reason": pl.String})
    if repeated.is_empty():
        return pl.Series(ROW, [], pl.UInt32), empty
    cols = [c for c in source.columns if c != ROW]
    rows = source.filter(pl.col(ROW).is_in(repeated[ROW].implode()))
    keyed = rows.select(ROW, pl.struct(cols).hash().alias("key")).join(repeated.select(ROW, "order_id"), on=ROW)
    keyed = keyed.rechunk().with_columns((pl.col(ROW) != pl.col(ROW).max().over(["order_id", "key"])).alias("dup"))
    dups = keyed.filter("dup")[ROW]
    last = keyed.filter(~pl.col("dup")).with_columns(pl.col(ROW).max().over("order_id").alias("last"))
    superseded = last.filter(pl.col(ROW) != pl.col("last")).select(
        ROW,
        "order_id",
        pl.format(
            "工单编号 {} 在本文件第 {} 行再次出现且内容不同：以最后一次出现为准，本行作废", "order_id", "last"
        ).alias("reason"),
    )
    return dups, superseded


def _reasons(bad: pl.DataFrame, messages: pl.DataFrame) -> pl.DataFrame:
    """reason_code (the first problem) and reason (all problems) for the flagged rows."""
    bad = bad.join(messages, on=ROW, how="left").rechunk()  # see describe_bad_cells
    recv = pl.col("received_at__v")
    checks = [
        ("missing_order_id", pl.col("order_id").is_null(), pl.lit("工单编号为空，无法识别是哪张工单")),
        ("missing_received_at", pl.col("received_at").is_null(), pl.lit("受理时间为空")),
        ("bad_received_at", pl.col("received_at").is_not_null() & recv.is_null(), pl.lit(None, pl.String)),
        ("bad_timestamp", pl.col("__msg_ts").is_not_null(), pl.col("__msg_ts")),
        ("bad_value", pl.col("__msg_value").is_not_null(), pl.col("__msg_value")),
        ("chronology", (pl.col("dispatched_at__v") < recv).fill_null(False), pl.format(
            "派单时间 {} 早于受理时间 {}（时间顺序错误）", _fmt("dispatched_at__v"), _fmt("received_at__v"))),
        ("chronology", (pl.col("closed_at__v") < recv).fill_null(False), pl.format(
            "办结时间 {} 早于受理时间 {}（时间顺序错误）", _fmt("closed_at__v"), _fmt("received_at__v"))),
        # never a row's first problem (it does not quarantine), but named with the others
        ("cell_warning", pl.col("__msg_soft").is_not_null(), pl.col("__msg_soft")),
    ]  # fmt: skip
    return bad.select(
        ROW,
        "order_id",
        pl.coalesce([pl.when(cond).then(pl.lit(code)) for code, cond, _ in checks]).alias("reason_code"),
        pl.concat_str([pl.when(cond).then(msg) for _, cond, msg in checks], separator="；", ignore_nulls=True).alias(
            "reason"
        ),
    )


def _raw_record(columns: list[str]) -> pl.Expr:
    """The original row as JSON: its cells under their headers, and the cells past the header only
    where there are any (so a row's record does not depend on the other rows read with it)."""
    cells = [c for c in columns if c not in (ROW, EXTRA_CELLS)]
    record = pl.struct(cells).struct.json_encode()
    if EXTRA_CELLS in columns:
        longer = pl.struct([*cells, EXTRA_CELLS]).struct.json_encode()
        record = pl.when(pl.col(EXTRA_CELLS).is_not_null()).then(longer).otherwise(record)
    return record.alias("raw_record")


def _extra_cells(source: pl.DataFrame) -> pl.DataFrame:
    """ROW and the row's cells past its header, verbatim (null when none): they go to
    raw_cell_warnings.extra_cells, the raw layer, never into the message (personal data)."""
    if EXTRA_CELLS in source.columns:
        return source.select(ROW, pl.col(EXTRA_CELLS).alias("extra_cells"))
    return source.select(ROW, pl.lit(None, pl.String).alias("extra_cells"))


def check_rows(canonical: pl.DataFrame, source: pl.DataFrame, cmap: ColumnMap, profile: Profile) -> Checked:
    """Split one file's rows into good rows, counted duplicates and quarantined rows with reasons."""
    dups, superseded = find_repeats(canonical, source)
    out_rows = pl.concat([dups, superseded[ROW]])
    live = canonical.filter(~pl.col(ROW).is_in(out_rows.implode())) if out_rows.len() else canonical
    flagged = live.select(_problem_flag().alias("bad"))["bad"]
    good = live.filter(~flagged)
    soft = good.filter("__bad_soft")
    good = good.drop(FLAGS)
    bad = live.filter(flagged)
    described = pl.concat([bad[ROW], soft[ROW]]).implode()
    messages = describe_bad_cells(source.filter(pl.col(ROW).is_in(described)), cmap, profile)
    warnings = soft.select(ROW, "order_id").join(messages, on=ROW, how="left").join(_extra_cells(source), on=ROW)
    note = pl.lit("。本行已导入")
    warnings = warnings.select(
        pl.col(ROW).alias("source_row"), "order_id", (pl.col("__msg_soft") + note).alias("message"), "extra_cells"
    )
    problems = pl.concat(
        [_reasons(bad, messages), superseded.with_columns(pl.lit("superseded").alias("reason_code"))],
        how="diagonal",
    )
    raw = source.filter(pl.col(ROW).is_in(problems[ROW].implode())).select(ROW, _raw_record(source.columns))
    quarantine = (
        problems.join(raw, on=ROW, how="left").rename({ROW: "source_row"}).select(QUARANTINE_COLUMNS).sort("source_row")
    )
    checked = Checked(good, quarantine, source.height, dups.len(), warnings.sort("source_row"))
    return _name_swallowed(checked, swallowed_cells(source, skip=(EXTRA_CELLS,)))


def _name_swallowed(checked: Checked, found: pl.DataFrame) -> Checked:
    """Say so where a cell swallowed whole records (etl.swallowed): in the row's quarantine reason, as a
    cell warning when the row was loaded, and in the file's notes for the summary."""
    if found.is_empty():
        return checked
    by_row: dict[int, list[str]] = {}
    for row, column, lines in found.iter_rows():
        by_row.setdefault(row, []).append(swallow_message(column, lines))
    said = pl.DataFrame(
        {"source_row": list(by_row), "swallowed": ["；".join(m) for m in by_row.values()]},
        schema={"source_row": pl.UInt32, "swallowed": pl.String},
    )
    quarantine = checked.quarantine.join(said, on="source_row", how="left").with_columns(
        pl.concat_str("reason", "swallowed", separator="；", ignore_nulls=True).alias("reason")
    )
    loaded = checked.good.select(pl.col(ROW).alias("source_row"), "order_id").join(said, on="source_row")
    warnings = pl.concat(
        [
            checked.warnings,
            loaded.select(
                "source_row",
                "order_id",
                (pl.col("swallowed") + "。本行已导入").alias("message"),
                pl.lit(None, pl.String).alias("extra_cells"),
            ),
        ]
    )
    return replace(
        checked,
        quarantine=quarantine.select(QUARANTINE_COLUMNS),
        warnings=warnings.group_by("source_row", "order_id", maintain_order=True)
        .agg(pl.col("message").str.join("；"), pl.col("extra_cells").drop_nulls().first())
        .sort("source_row"),
        swallowed=found,
    )


def empty_checked() -> Checked:
    """The Checked of no rows."""
    quarantine = pl.DataFrame(
        schema={"source_row": pl.UInt32, "order_id": pl.String, "reason_code": pl.String, "reason": pl.String,
                "raw_record": pl.String}
    )  # fmt: skip
    warnings = pl.DataFrame(
        schema={"source_row": pl.UInt32, "order_id": pl.String, "message": pl.String, "extra_cells": pl.String}
    )
    return Checked(pl.DataFrame(schema={ROW: pl.UInt32}), quarantine, 0, 0, warnings)


def merge_checked(parts: list[Checked]) -> Checked:
    """One Checked from several (slices of one file, and its settled repeats)."""
    if len(parts) == 1:
        return parts[0]
    goods = [p.good for p in parts if p.good.height] or [parts[0].good]
    return Checked(
        good=pl.concat(goods, how="diagonal_relaxed"),
        quarantine=pl.concat([p.quarantine for p in parts], how="vertical_relaxed").sort("source_row"),
        rows_read=sum(p.rows_read for p in parts),
        duplicates=sum(p.duplicates for p in parts),
        warnings=pl.concat([p.warnings for p in parts], how="vertical_relaxed").sort("source_row"),
        swallowed=pl.concat([p.swallowed for p in parts]).sort(ROW, maintain_order=True),
    )
