"""What a profile would do to one file, for the data page's mapping editor, without loading anything:
the header (found even when the mapping is not yet good enough to load), the distinct values of each
mapped column, and the check a load would make, with the quarantine counted by reason and one sample
row of each (``etl.load.prepare_file``: the very read, map and check of a load).

Nothing here is masked: the page passes samples and values through ``warehouse.previews`` with the
viewer. Columns that feed a personal-data field (name, phone, content) get no value listing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from etl.load import prepare_file
from etl.mapping import ROW, ColumnMap, UnmappableError, match_headers, normalised, to_canonical
from etl.profiles import CATEGORY_PATH, Profile
from etl.readers import ReadError, open_source, preview_rows, read_frames
from etl.validate import REASON_CODES
from warehouse.fields import FIELD_BY_NAME, PII, TEXT
from warehouse.masking import row_is_data
from warehouse.settings import load_settings

TOP_VALUES = 20
OTHER = "__other__"


@dataclass(frozen=True)
class ColumnValues:
    """A source column's distinct values: the ``TOP_VALUES`` most frequent (value, rows) and totals."""

    header: str
    top: pl.DataFrame  # value, rows (most frequent first)
    distinct: int
    filled: int  # rows with a value
    empty: int  # rows without one


@dataclass(frozen=True)
class FileCheck:
    path: str
    error: str | None = None  # the file cannot be loaded with this profile (read or mapping)
    readable: bool = True  # False: nothing to edit (the file itself cannot be read)
    kind: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based
    headers: tuple[str, ...] = ()
    mapping: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> source headers
    rows_read: int = 0
    good: int = 0
    duplicates: int = 0
    cell_warnings: int = 0
    reasons: pl.DataFrame | None = None  # reason_code, rows, source_row, reason, raw_record (one sample each)
    warnings: tuple[str, ...] = ()
    values: dict[str, ColumnValues] = field(default_factory=dict)  # by source header

    @property
    def quarantined(self) -> int:
        return 0 if self.reasons is None else int(self.reasons["rows"].sum())


def private_headers(mapping: dict[str, tuple[str, ...]]) -> set[str]:
    """Headers feeding a personal-data field: their values are never listed."""
    return {h for name, hs in mapping.items() if name in FIELD_BY_NAME and FIELD_BY_NAME[name].kind == PII for h in hs}


def column_values(frames, headers: set[str], top: int = TOP_VALUES) -> dict[str, ColumnValues]:
    """Value counts of the named columns over a file's raw frames (cells trimmed, empty = no value);
    the columns of a frame are counted in parallel (one query each, collected together)."""
    counts: dict[str, list[pl.DataFrame]] = {h: [] for h in headers}
    rows = 0
    for frame in frames:
        rows += frame.height
        columns = [c for c in frame.columns if c.strip() in counts]
        queries = [
            frame.lazy()
            .select(pl.col(c).cast(pl.String).str.strip_chars().alias("value"))
            .filter(pl.col("value") != "")
            .group_by("value")
            .agg(pl.len().alias("rows"))
            for c in columns
        ]
        for col, found in zip(columns, pl.collect_all(queries), strict=True):
            counts[col.strip()].append(found)
    out = {}
    for name, parts in counts.items():
        if not parts:
            continue
        total = pl.concat(parts).group_by("value").agg(pl.sum("rows")).sort(["rows", "value"], descending=[True, False])
        filled = int(total["rows"].sum())
        out[name] = ColumnValues(name, total.head(top), total.height, filled, rows - filled)
    return out


def _headers_anyway(path, profile: Profile) -> tuple[object, int, tuple[str, ...]]:
    """When no row maps the required fields: the pinned header row, else the first row that is not
    blank, so the analyst can map the file's own headers (none when that row looks like data)."""
    src = open_source(path, profile.encoding, profile.sheet, profile.format, profile.records)
    rows = preview_rows(src)
    if profile.header_row is not None:
        index = profile.header_row
    else:
        index = next((i for i, r in enumerate(rows) if any(c.strip() for c in r if c)), 0)
    header = rows[index] if index < len(rows) else []
    return src, index, tuple(h.strip() for h in header)


def _reasons(quarantine: pl.DataFrame) -> pl.DataFrame:
    """One row per reason: how many rows, and the first such row as the sample."""
    order = {code: i for i, code in enumerate(REASON_CODES)}
    first = quarantine.sort("source_row").group_by("reason_code", maintain_order=True).first()
    n = quarantine.group_by("reason_code").len(name="rows")
    out = first.join(n, on="reason_code").select("reason_code", "rows", "source_row", "reason", "raw_record")
    return out.sort(pl.col("reason_code").replace_strict(order, default=len(order)), "reason_code")


def check_file(path, profile: Profile) -> FileCheck:
    """Read, map and check ``path`` with ``profile`` as a load would (nothing is written)."""
    base = FileCheck(str(path))
    try:
        prep = prepare_file(path, profile)
        checked = prep.checked  # the file is read as it is checked: a bad byte past the header shows here
    except ReadError as exc:
        return replace(base, error=str(exc), readable=False)
    except UnmappableError as exc:
        try:
            src, index, headers = _headers_anyway(path, profile)
            mapping = match_headers(list(headers), profile)
            frames = read_frames(src, index)
        except (ReadError, UnmappableError) as inner:
            return replace(base, error=f"{exc}\n{inner}", readable=False)
        if row_is_data(headers):  # a data row where the header should be: a caller's name and phone
            headers, mapping, frames = (), {}, []
        shown = {h for hs in mapping.values() for h in hs} - private_headers(mapping)
        return replace(
            base, error=str(exc), kind=src.kind, encoding=src.encoding, sheet=src.sheet, header_row=index + 1,
            headers=headers, mapping=mapping, values=column_values(frames, shown),
            warnings=(src.warning,) if src.warning else (),
        )  # fmt: skip
    mapping = prep.cmap.sources
    shown = {h for hs in mapping.values() for h in hs} - private_headers(mapping)
    return replace(
        base, kind=prep.source.kind, encoding=prep.source.encoding, sheet=prep.source.sheet,
        header_row=prep.cmap.header_row + 1, headers=prep.cmap.headers, mapping=dict(mapping),
        rows_read=checked.rows_read, good=checked.good.height, duplicates=checked.duplicates,
        cell_warnings=checked.warnings.height, reasons=_reasons(checked.quarantine),
        warnings=(*prep.warnings, *checked.notes), values=column_values(prep.frames, shown),
    )  # fmt: skip


VERDICTS = ("ok", "empty", "quarantine", "loaded_empty")


def _stored(canonical: pl.DataFrame, name: str) -> pl.Series:
    """The value a load stores for field ``name``, as text (a category path as its three levels)."""
    if name == CATEGORY_PATH:
        levels = canonical.select(pl.concat_str(["category_l1", "category_l2", "category_l3"], separator=" > ",
                                                ignore_nulls=True))  # fmt: skip
        return levels.to_series().replace("", None)
    spec = FIELD_BY_NAME[name]
    if spec.kind in (TEXT, PII):
        return canonical[name]
    typed = canonical[f"{name}__v"]
    return typed.dt.strftime("%Y-%m-%d %H:%M:%S") if typed.dtype == pl.Datetime else typed.cast(pl.String)


def value_outcomes(values: ColumnValues, name: str, profile: Profile) -> pl.DataFrame:
    """What the loader makes of each listed value of a column feeding field ``name``, by the very
    mapping code of a load: value, rows, after the rules (``[normalize]``), the stored value (after
    synonyms and typing) and a verdict: ok | empty (a rule or synonym empties it) | quarantine (the row
    would be quarantined) | loaded_empty (a yes/no or count the loader cannot read: loaded empty)."""
    if profile.time_zone is None:
        profile = replace(profile, time_zone=load_settings().time_zone)
    header = values.header
    frame = values.top.select(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias(ROW), pl.col("value").alias(header))
    cmap = ColumnMap(0, {name: (header,)}, (header,))
    ruled = normalised(frame, cmap, profile)[header]
    canonical = to_canonical(frame, cmap, profile)
    stored = _stored(canonical, name)
    verdict = (
        pl.when(pl.col("__bad_ts") | pl.col("__bad_value"))
        .then(pl.lit("quarantine"))
        .when(pl.col("__bad_soft"))
        .then(pl.lit("loaded_empty"))
        .when(pl.col("stored").is_null())
        .then(pl.lit("empty"))
        .otherwise(pl.lit("ok"))
    )
    flags = canonical.select("__bad_ts", "__bad_value", "__bad_soft")
    out = pl.DataFrame({"value": values.top["value"], "rows": values.top["rows"], "ruled": ruled, "stored": stored})
    return pl.concat([out, flags], how="horizontal").select(
        "value", "rows", "ruled", "stored", verdict.alias("verdict")
    )
