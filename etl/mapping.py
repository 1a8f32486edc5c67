"""Mapping: find the header, match it to the profile, and turn source columns into canonical ones.

Small pure functions, frame in, frame out. The canonical frame keeps, per field, the raw text
(``<field>``) and the typed value (``<field>__v``), plus flags for cells that are present but unusable.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from etl.parsing import (
    DEFAULT_ZONE,
    TIMESTAMP_HINT,
    apply_synonyms,
    finish_timestamp,
    parse_boolean,
    parse_integer,
    parse_iso_timestamp,
    parse_timestamp,
    split_category_path,
)
from etl.profiles import CATEGORY_PATH, Profile, Rules
from etl.readers import EXTRA_CELLS
from warehouse.fields import BOOLEAN, FIELD_BY_NAME, FIELDS, INTEGER, PII, TEXT, TIMESTAMP, VOCAB
from warehouse.masking import header_row_text, row_is_data

REQUIRED = ("order_id", "received_at")
ROW = "__row"
HEADER_SEARCH_ROWS = 12  # rows that are not blank; blank ones do not count


class UnmappableError(ValueError):
    """The file's headers do not give the required fields; the whole file is rejected."""


@dataclass(frozen=True)
class ColumnMap:
    """canonical field -> the source headers that feed it, in priority order."""

    header_row: int
    sources: dict[str, tuple[str, ...]]
    headers: tuple[str, ...]

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.sources.items()}


def match_headers(headers: list[str], profile: Profile) -> dict[str, tuple[str, ...]]:
    present = {h.strip() for h in headers if h is not None}
    found = {}
    for field, names in profile.fields.items():
        hits = tuple(n for n in names if n in present)
        if hits:
            found[field] = hits
    return found


def find_header(preview: list[list[str]], profile: Profile) -> ColumnMap:
    """The header is the first row (of the first few that are not blank) that names order_id and
    received_at; its index counts the blank rows above it (``readers.preview_rows``)."""
    rows = range(len(preview)) if profile.header_row is None else [profile.header_row]
    searched = 0
    for i in rows:
        if i >= len(preview) or (profile.header_row is None and searched >= HEADER_SEARCH_ROWS):
            break
        searched += any(c.strip() for c in preview[i] if c)
        sources = match_headers(preview[i], profile)
        if all(f in sources for f in REQUIRED):
            return ColumnMap(i, sources, tuple(h.strip() for h in preview[i]))
    pinned = profile.header_row is not None and profile.header_row < len(preview)
    first = preview[profile.header_row] if pinned else next((r for r in preview if any(c.strip() for c in r)), [])
    expected = "；".join(f"{FIELD_BY_NAME[f].label_zh}：{'、'.join(profile.fields.get(f, ()))}" for f in REQUIRED)
    where = f"第 {profile.header_row + 1} 行（导入配置指定）" if pinned else "文件中"
    # A headerless export puts its first order (a caller's name and phone) where the header should be:
    # the message (kept in load_log, shown on the data page) then quotes only known header names.
    known = {name for names in profile.fields.values() for name in names}
    found = f"{where}的表头为：{header_row_text(first, known)}"
    if row_is_data(first):
        found = (
            f"{where}的第一行含日期或号码，看起来是数据而不是表头（文件可能缺少表头行）；"
            f"该行已打码：{header_row_text(first, known)}"
        )
    raise UnmappableError(
        f"无法识别表头：找不到必需的列。{found}。必需的列（任选其一）为：{expected}。"
        "请检查是否选错了文件或工作表，或为这种导出格式编写导入配置（--profile）。"
    )


def tidy_cells(frame: pl.DataFrame, offset: int = 1) -> pl.DataFrame:
    """Trim every cell (exports pad with spaces, tabs and newlines); empty -> null; number the rows
    (1 = first row under the header; ``offset`` is the number of the frame's first row when it is a
    slice of a bigger one) and drop rows with no cell at all (blank lines, formatted but empty
    spreadsheet rows): they are not data, so they are neither read nor quarantined."""
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})
    frame = frame.select(pl.col(c).cast(pl.String) for c in frame.columns)
    frame = frame.with_columns(pl.col(pl.String).str.strip_chars())  # two steps: one strip per cell, not two
    frame = frame.with_columns(pl.when(pl.col(pl.String) != "").then(pl.col(pl.String)).name.keep())
    frame = frame.with_row_index(ROW, offset=offset)
    has_data = frame.select(pl.any_horizontal(pl.exclude(ROW).is_not_null())).to_series()
    return frame if has_data.all() else frame.filter(has_data)  # filtering copies every cell: only if needed


def normalised(frame: pl.DataFrame, cmap: ColumnMap, profile: Profile) -> pl.DataFrame:
    """The source columns of fields with normalisation rules (profile ``[normalize.<field>]``) rewritten
    by them, before synonyms and parsing see the cells. The caller keeps the original frame for the raw
    record and the comparison of repeats: a rule changes what is read, never what is kept."""
    if not profile.normalize:
        return frame
    rules_of = rules_by_source(cmap, profile)
    present = [s for s in rules_of if s in frame.columns]
    return frame.with_columns(rules_of[s].expr(pl.col(s)).alias(s) for s in present)


def rules_by_source(cmap: ColumnMap, profile: Profile) -> dict[str, Rules]:
    """source header -> the normalisation rules its cells get; one column feeding two fields with
    different rules is the profile's mistake for this file (raised when the file is prepared)."""
    rules_of: dict[str, tuple[str, Rules]] = {}
    for field, rules in profile.normalize.items():
        for source in cmap.sources.get(field, ()):
            other = rules_of.setdefault(source, (field, rules))
            if other[1] != rules:
                raise UnmappableError(
                    f"表头「{source}」同时用于 {other[0]} 和 {field}，但导入配置为两者写了不同的 normalize 规则："
                    "请为两者写相同的规则，或让这一列只用于其中一个字段。"
                )
    return {source: rules for source, (_field, rules) in rules_of.items()}


def _text(sources: tuple[str, ...]) -> pl.Expr:
    return pl.coalesce([pl.col(s) for s in sources]) if len(sources) > 1 else pl.col(sources[0])


def _typed(field: str, text: pl.Expr, profile: Profile) -> pl.Expr:
    kind = FIELD_BY_NAME[field].kind
    synonyms = profile.synonyms.get(field, {})
    if kind == TIMESTAMP:
        return parse_timestamp(text, profile.timestamp_formats, profile.time_zone or DEFAULT_ZONE)
    if kind == INTEGER:
        return parse_integer(text)
    if kind == BOOLEAN:
        return parse_boolean(text, synonyms)
    if kind == VOCAB:
        return apply_synonyms(text, synonyms)
    return text


def _bad_cell(field: str, source: str, profile: Profile, parsed: str | None = None) -> pl.Expr | None:
    """A message when the source cell is present but unusable; None when every value is usable.

    ``parsed`` names a column already holding the parsed timestamp of ``source`` (parsed once).
    """
    spec = FIELD_BY_NAME[field]
    col = pl.col(source)
    if spec.kind in (TIMESTAMP, INTEGER, BOOLEAN):
        typed = pl.col(parsed) if parsed else _typed(field, col, profile)
        if spec.kind == BOOLEAN:  # a word the profile maps to "" means "not stated", not an error
            blanks = [k.lower() for k, v in profile.synonyms.get(field, {}).items() if v == ""]
            typed = pl.when(col.str.to_lowercase().is_in(blanks)).then(pl.lit(False)).otherwise(typed)
        hint = {TIMESTAMP: TIMESTAMP_HINT, INTEGER: "应为非负整数", BOOLEAN: "应为 是 或 否"}[spec.kind]
        what = "无法识别为时间" if spec.kind == TIMESTAMP else "无法识别"
        then = "" if spec.kind == TIMESTAMP else "，该项按空值处理"  # it does not quarantine the row
        return pl.when(col.is_not_null() & typed.is_null()).then(
            pl.format(f"「{source}」的值「{{}}」{what}（{hint}）{then}", col)
        )
    if spec.kind == VOCAB:
        typed = _typed(field, col, profile)
        usable = [k for k, v in profile.synonyms.get(field, {}).items() if v in (*spec.vocabulary, "")]
        allowed = "、".join(dict.fromkeys((*spec.vocabulary, *usable)))  # each once; never a source whose target fails
        return pl.when(typed.is_not_null() & ~typed.is_in(list(spec.vocabulary))).then(
            pl.format(f"「{source}」的值「{{}}」不在取值范围内（可用：{allowed}）", col)
        )
    return None


def _field_text(spec_name: str, cmap: ColumnMap, profile: Profile) -> pl.Expr:
    sources = cmap.sources.get(spec_name)
    if sources:
        text = _text(sources)
        if FIELD_BY_NAME[spec_name].kind in (TEXT, PII):  # e.g. channel "Phone" -> "电话"
            text = apply_synonyms(text, profile.synonyms.get(spec_name, {}))
        return text
    if spec_name.startswith("category_l") and CATEGORY_PATH in cmap.sources:
        return split_category_path(_text(cmap.sources[CATEGORY_PATH]), int(spec_name[-1]) - 1)
    if spec_name in profile.constants:
        return pl.lit(profile.constants[spec_name])
    return pl.lit(None, dtype=pl.String)


def _parse_timestamp_sources(frame: pl.DataFrame, cmap: ColumnMap, profile: Profile) -> tuple[pl.DataFrame, dict]:
    """Parse every timestamp source column once (the native ISO pass of all of them in one parallel
    select, the general parser only for what it could not read); name the results."""
    parsed: dict[str, str] = {}
    for spec in FIELDS:
        if spec.kind == TIMESTAMP:
            for source in cmap.sources.get(spec.name, ()):
                # one column may feed two fields (e.g. created = received = dispatched)
                parsed.setdefault(source, f"__ts{len(parsed)}")
    if not parsed:
        return frame, parsed
    fast = frame.select(parse_iso_timestamp(pl.col(source)).alias(name) for source, name in parsed.items())
    columns = [
        finish_timestamp(frame[source], fast[name], profile.timestamp_formats, profile.time_zone or DEFAULT_ZONE).alias(
            name
        )
        for source, name in parsed.items()
    ]
    return frame.with_columns(columns), parsed


# A typed field of few distinct values (vocabularies, yes/no, counts) is typed once per distinct value
# and mapped back: the same values for a fraction of the work (a million cells, a handful of words).
FEW_DISTINCT = 1000


def _typed_by_value(series: pl.Series, field: str, profile: Profile) -> pl.Series:
    """``_typed(field)`` of a text column, computed on its distinct values when they are few."""
    values = series.drop_nulls().unique()
    if values.len() > FEW_DISTINCT:
        return series.to_frame().select(_typed(field, pl.col(series.name), profile)).to_series()
    typed = pl.DataFrame({"v": values}).select(_typed(field, pl.col("v"), profile)).to_series()
    if values.is_empty():
        return pl.Series(series.name, [None] * series.len(), dtype=typed.dtype)
    return series.replace_strict(values, typed, default=None, return_dtype=typed.dtype)


def _single_source_flag(field: str, profile: Profile) -> pl.Expr | None:
    """Is the (only) source cell present but unusable? Read off the typed column already computed."""
    spec = FIELD_BY_NAME[field]
    text, typed = pl.col(field), pl.col(f"{field}__v")
    if spec.kind == VOCAB:
        return typed.is_not_null() & ~typed.is_in(list(spec.vocabulary))
    if spec.kind not in (TIMESTAMP, INTEGER, BOOLEAN):
        return None
    flag = text.is_not_null() & typed.is_null()
    blanks = [k.lower() for k, v in profile.synonyms.get(field, {}).items() if v == ""]
    if spec.kind == BOOLEAN and blanks:
        flag = flag & ~text.str.to_lowercase().is_in(blanks)
    return flag


# Which flag a present-but-unusable cell raises: timestamps and vocabularies quarantine the row (SPEC
# §2.1); a yes/no or count cell that cannot be read does not (SPEC §2.1 does not list it): the row is
# loaded with that value empty and the cell is reported as a warning (raw_cell_warnings).
_FLAG_GROUP = {TIMESTAMP: "__bad_ts", VOCAB: "__bad_value", BOOLEAN: "__bad_soft", INTEGER: "__bad_soft"}


def to_canonical(frame: pl.DataFrame, cmap: ColumnMap, profile: Profile) -> pl.DataFrame:
    """One text column per canonical field and one typed column (``<field>__v``) per typed field,
    plus three flags: some timestamp cell / vocabulary cell / yes-no or count cell is present but
    unusable (``_FLAG_GROUP``). The messages are written later, only for the flagged rows
    (``describe_bad_cells``): formatting them for a million good rows costs seconds."""
    frame, parsed = _parse_timestamp_sources(normalised(frame, cmap, profile), cmap, profile)
    by_value = {
        spec.name: _typed_by_value(frame[sources[0]], spec.name, profile).alias(f"__typed_{spec.name}")
        for spec in FIELDS
        if spec.kind in (INTEGER, BOOLEAN, VOCAB) and len(sources := cmap.sources.get(spec.name, ())) == 1
    }
    frame = frame.with_columns(by_value.values())
    exprs: list[pl.Expr] = [pl.col(ROW)]
    flag_groups: dict[str, list[pl.Expr]] = {"__bad_ts": [], "__bad_value": [], "__bad_soft": []}
    for spec in FIELDS:
        sources = cmap.sources.get(spec.name, ())
        text = _field_text(spec.name, cmap, profile)
        exprs.append(text.alias(spec.name))
        if spec.kind in (TEXT, PII):
            continue
        if spec.kind == TIMESTAMP and sources:
            typed = pl.coalesce([pl.col(parsed[s]) for s in sources])
        elif spec.name in by_value:
            typed = pl.col(f"__typed_{spec.name}")
        elif _absent(spec.name, cmap, profile):
            typed = _absent_typed(spec.name, profile)
        else:
            typed = _typed(spec.name, text, profile)
        exprs.append(typed.alias(f"{spec.name}__v"))
        flags = flag_groups[_FLAG_GROUP[spec.kind]]
        if len(sources) == 1:
            flag = _single_source_flag(spec.name, profile)
            if flag is not None:
                flags.append(flag)
            continue
        for source in sources:
            bad = _bad_cell(spec.name, source, profile, parsed.get(source))
            if bad is not None:
                exprs.append(bad.is_not_null().alias(f"__bad{len(exprs)}"))
                flags.append(pl.col(f"__bad{len(exprs) - 1}"))
    if EXTRA_CELLS in frame.columns:  # a row longer than the header: loaded, its extra cells reported
        exprs.append(pl.col(EXTRA_CELLS).is_not_null().alias("__bad_extra"))
        flag_groups["__bad_soft"].append(pl.col("__bad_extra"))
    canonical = frame.select(exprs)
    return canonical.select(pl.exclude("^__bad.*$"), *(_any(f).alias(name) for name, f in flag_groups.items()))


_ABSENT_TYPES: dict[tuple, pl.DataType] = {}


def _absent(field: str, cmap: ColumnMap, profile: Profile) -> bool:
    """No column of the export feeds the field and the profile gives it no constant: its text is null."""
    if cmap.sources.get(field) or field in profile.constants:
        return False
    return not (field.startswith("category_l") and CATEGORY_PATH in cmap.sources)


def _absent_typed(field: str, profile: Profile) -> pl.Expr:
    """The typed value of an absent field: null, of the type ``_typed`` gives. Written as a typed null
    rather than ``_typed`` of a null text: Polars compiles the timestamp parser's regular expressions
    for every frame it evaluates them on, about 80 ms each time, even when the text is a null literal
    (two absent timestamp fields made each slice of a load cost 0.2 s)."""
    key = (field, tuple(profile.timestamp_formats), profile.time_zone)
    if key not in _ABSENT_TYPES:  # resolving the schema costs milliseconds too: once per field and zone
        schema = pl.LazyFrame().select(_typed(field, pl.lit(None, dtype=pl.String), profile)).collect_schema()
        _ABSENT_TYPES[key] = schema.dtypes()[0]
    return pl.lit(None, dtype=_ABSENT_TYPES[key])


def _any(flags: list[pl.Expr]) -> pl.Expr:
    return pl.any_horizontal(flags) if flags else pl.lit(False)


# The cells themselves are not quoted: a shifted row puts a caller's name, phone and address there.
# They are kept in raw_cell_warnings.extra_cells (the raw layer), shown masked to every role but admin.
EXTRA_CELLS_MESSAGE = (
    "本行有表头以外的单元格（超出表头的列，或表头为空的列；内容见「表头以外的单元格」一栏），"
    "这些内容不属于任何字段（常见原因：内容里有未加引号的逗号，请核对本行各列是否错位）"
)


def describe_bad_cells(source: pl.DataFrame, cmap: ColumnMap, profile: Profile) -> pl.DataFrame:
    """For (a few) source rows: ROW and the messages of their unusable cells per flag group
    (``__msg_ts``, ``__msg_value``, ``__msg_soft``; see ``_FLAG_GROUP``)."""
    # rechunk: polars 2.1 panics ("i < self.len()") formatting strings of a filtered string-view frame
    frame, parsed = _parse_timestamp_sources(normalised(source.rechunk(), cmap, profile), cmap, profile)
    groups: dict[str, list[pl.Expr]] = {"__bad_ts": [], "__bad_value": [], "__bad_soft": []}
    for spec in FIELDS:
        for src in cmap.sources.get(spec.name, ()):
            bad = _bad_cell(spec.name, src, profile, parsed.get(src))
            if bad is not None:
                groups[_FLAG_GROUP[spec.kind]].append(bad)
    if EXTRA_CELLS in frame.columns:
        groups["__bad_soft"].append(pl.when(pl.col(EXTRA_CELLS).is_not_null()).then(pl.lit(EXTRA_CELLS_MESSAGE)))
    return frame.select(ROW, *(_join(m).alias(g.replace("__bad", "__msg")) for g, m in groups.items()))


def _join(messages: list[pl.Expr]) -> pl.Expr:
    if not messages:
        return pl.lit(None, dtype=pl.String)
    joined = pl.concat_str(messages, separator="；", ignore_nulls=True)
    return pl.when(joined != "").then(joined)
