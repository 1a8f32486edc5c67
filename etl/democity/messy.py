"""Inject the broken rows of SPEC §2.1 into a formatted demo export and count them per kind.

Real exports always carry a few broken rows, and the demo must show the quarantine at work. The
counts are the contract with the loader's tests: every injected row has exactly one defect, so the
quarantine must report exactly these numbers per file. Kinds:

- ``empty_order_id``: 工单编号 blank; ``bad_received_at``: 受理时间 blank, 待补录 or 13月45日;
- ``bad_other_timestamp``: 办结时间 or 回访时间 unparseable; ``bad_vocabulary``: 还行 / 很急 / …;
- ``chronology``: 办结时间 before 受理时间 (on a directly answered order, never dispatched);
- ``superseded``: an earlier, still-open version of an order placed before its final row;
- ``duplicates``: an identical extra copy of a row (counted, not quarantined).

Targets are distinct rows of orders received in the file's own month, chosen among clean rows.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.democity.export import Vendor

KINDS = (
    "empty_order_id",
    "bad_received_at",
    "bad_other_timestamp",
    "bad_vocabulary",
    "chronology",
    "superseded",
    "duplicates",
)
RATE = 0.0004  # per kind and row: seven kinds give about 0.3% messy rows
BAD_VOCABULARY = (("satisfaction", "还行"), ("urgency", "很急"), ("resolution", "处理中"), ("appeal_type", "反映问题"))
RECEIVED_GARBAGE = (None, "待补录")
OTHER_GARBAGE = "见附件"
HOUR = 3_600


def _targets(rng: np.random.Generator, frame: pl.DataFrame) -> dict[str, np.ndarray]:
    """Distinct target rows per kind; chronology and superseded need closed orders."""
    base = frame["__base"].to_numpy()
    closed = frame["__closed"].to_numpy()
    dispatched = frame["__dispatched"].to_numpy()
    pools = {"chronology": base & closed & ~dispatched, "superseded": base & closed & dispatched}
    order = rng.permutation(frame.height)
    used = np.zeros(frame.height, dtype=bool)
    targets = {}
    for kind in KINDS:
        wanted = max(1, int(rng.binomial(frame.height, RATE)))
        pool = pools.get(kind, base)
        pick = order[pool[order] & ~used[order]][:wanted]
        used[pick] = True
        targets[kind] = np.sort(pick)
    return targets


def _set(frame: pl.DataFrame, header: str, rows: np.ndarray, values: list[str | None]) -> pl.DataFrame:
    if len(rows) == 0:
        return frame
    column = frame[header].clone().scatter(rows, pl.Series(values, dtype=pl.String))
    return frame.with_columns(column)


def _received_text(frame: pl.DataFrame, rows: np.ndarray, fmt: str, shift_hours: np.ndarray) -> list[str]:
    """The rows' 受理时间 moved back by ``shift_hours``, written with ``fmt``."""
    shift = pl.Series(np.round(shift_hours * HOUR * 1_000_000).astype(np.int64)).cast(pl.Duration("us"))
    return (frame["__received"].gather(rows) - shift).dt.strftime(fmt).to_list()


def _corrupt(rng: np.random.Generator, frame: pl.DataFrame, vendor: Vendor, t: dict) -> pl.DataFrame:
    """Apply the in-place defects (one per target row)."""
    frame = _set(frame, vendor.header("order_id"), t["empty_order_id"], [None] * len(t["empty_order_id"]))
    rows = t["bad_received_at"]
    impossible = _received_text(frame, rows, vendor.bad_format(), np.zeros(len(rows)))
    options = [[*RECEIVED_GARBAGE, text][rng.integers(0, 3)] for text in impossible]
    frame = _set(frame, vendor.header("received_at"), rows, options)
    for row in t["bad_other_timestamp"]:
        field = ("closed_at", "callback_at")[rng.integers(0, 2)]
        text = _received_text(frame, np.array([row]), vendor.bad_format(), np.zeros(1))[0]
        frame = _set(frame, vendor.header(field), np.array([row]), [(text, OTHER_GARBAGE)[rng.integers(0, 2)]])
    for k, row in enumerate(t["bad_vocabulary"]):
        field, value = BAD_VOCABULARY[(k + rng.integers(0, len(BAD_VOCABULARY))) % len(BAD_VOCABULARY)]
        frame = _set(frame, vendor.header(field), np.array([row]), [value])
    rows = t["chronology"]
    earlier = _received_text(frame, rows, vendor.ts_format, rng.uniform(1, 72, len(rows)))
    return _set(frame, vendor.header("closed_at"), rows, earlier)


def _extra_rows(rng: np.random.Generator, frame: pl.DataFrame, vendor: Vendor, t: dict) -> pl.DataFrame:
    """Earlier still-open versions (placed before their final row) and identical copies (after)."""
    n = frame.height
    older = frame[t["superseded"]]
    cleared = [vendor.header(f) for f in ("closed_at", "callback_at", "resolution", "satisfaction")]
    older = older.with_columns(
        *(pl.lit(None, dtype=pl.String).alias(h) for h in cleared),
        pl.lit(vendor.status[2]).alias(vendor.header("status")),
        pl.Series("__pos", rng.uniform(0, 1, len(older)) * older["__pos"] - 0.5),
    )
    copies = frame[t["duplicates"]]
    copies = copies.with_columns(pl.Series("__pos", rng.uniform(copies["__pos"] + 0.01, n)))
    return pl.concat([frame, older, copies])


def inject(rng: np.random.Generator, frame: pl.DataFrame, vendor: Vendor) -> tuple[pl.DataFrame, dict]:
    """The export with its messy rows (helpers dropped but ``__xlsx_mode``) and the count of each kind."""
    targets = _targets(rng, frame)
    frame = frame.with_columns(pl.Series("__pos", np.arange(frame.height, dtype=float)))
    frame = _extra_rows(rng, _corrupt(rng, frame, vendor, targets), vendor, targets)
    frame = frame.sort("__pos").drop("__base", "__received", "__dispatched", "__closed", "__pos")
    counts = {"rows": frame.height} | {kind: len(rows) for kind, rows in targets.items()}
    return frame, counts
