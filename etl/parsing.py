"""Vectorised cell parsers: text expressions in, typed expressions out, null where a cell fails.

A failed cell is recognised by the caller as "text not null, parsed null"; the parsers never
raise on data, so one bad cell costs one quarantined row, not the file.
"""

from __future__ import annotations

import polars as pl

# Excel's day zero for serial numbers (1900 date system, including Lotus' leap-year bug).
EXCEL_EPOCH = pl.datetime(1899, 12, 30)
# Serials outside this window are far more likely ids or amounts than dates (1954..2119).
SERIAL_MIN, SERIAL_MAX = 20000.0, 80000.0
YEAR_MIN, YEAR_MAX = 1950, 2100

_TS = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?$"
TIMESTAMP_HINT = "支持的写法：2024-03-05 14:02:11、2024/3/5 14:02、2024年3月5日 14时02分11秒、Excel 日期或序列号"


def _normalise(text: pl.Expr) -> pl.Expr:
    """2024年3月5日 14时02分11秒 / 2024/3/5T14:02 / 2024.3.5 14:02 -> 2024-3-5 14:02:11 (one space, no units)."""
    return (
        text.str.replace(r"^\s*(\d{4})\.(\d{1,2})\.(\d{1,2})", "$1-$2-$3")  # 2024.03.05 (not a fraction of a second)
        .str.replace_all(r"[年月/]", "-")
        .str.replace_all("日", " ")
        .str.replace_all(r"[时分]", ":")
        .str.replace_all("秒", "")
        .str.replace_all(r"(\d)T(\d)", "$1 $2")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars(" :")
        .str.replace_all(r" ?- ?", "-")
        .str.replace_all(r" ?: ?", ":")
    )


# Chinese-locale spreadsheets write a 12-hour clock as 2024/3/5 下午2:02:11.
_AFTERNOON, _MORNING = r"下午|晚上|中午", r"上午|凌晨|早上"


def _from_parts(text: pl.Expr) -> pl.Expr:
    norm = _normalise(text.str.replace_all(f"{_AFTERNOON}|{_MORNING}", " "))

    def part(i: int, default: str = "0") -> pl.Expr:
        return norm.str.extract(_TS, i).fill_null(default).str.zfill(2)

    iso = pl.concat_str(
        [
            part(1),
            pl.lit("-"),
            part(2),
            pl.lit("-"),
            part(3),
            pl.lit(" "),
            part(4),
            pl.lit(":"),
            part(5),
            pl.lit(":"),
            part(6),
        ]
    )
    parsed = iso.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
    hour, half_day = parsed.dt.hour(), pl.duration(hours=12)
    parsed = (
        pl.when(text.str.contains(_AFTERNOON) & (hour < 12))
        .then(parsed + half_day)  # 下午2:02 -> 14:02 (下午/中午 12:30 stays 12:30)
        .when(text.str.contains(_MORNING) & (hour == 12))
        .then(parsed - half_day)  # 上午12:30 -> 00:30
        .otherwise(parsed)
    )
    return pl.when(norm.str.contains(_TS)).then(parsed)


def _from_serial(text: pl.Expr) -> pl.Expr:
    days = text.str.strip_chars().cast(pl.Float64, strict=False)
    ok = days.is_between(SERIAL_MIN, SERIAL_MAX) & text.str.contains(r"^\s*\d+(\.\d+)?\s*$")
    seconds = (days * 86400.0).round(0).cast(pl.Int64, strict=False)
    return pl.when(ok).then(EXCEL_EPOCH + pl.duration(seconds=seconds)).cast(pl.Datetime("us"))


DEFAULT_ZONE = "Asia/Shanghai"
# An ISO-like time with a UTC offset: 2024-03-05T14:18:52-06:00, …52.000Z, 2024-03-05 14:18 +0800. A time of
# day must come before the offset, so that the "-05" of a bare date 2024-03-05 is never taken for one.
_OFFSET = r"^(.*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?:(Z|UTC|GMT)|([+-])(\d{2}):?(\d{2})?)$"
# strptime directives whose result is a moment, not a wall-clock time: an offset, or seconds since 1970 (UTC)
_ZONED_DIRECTIVES = ("%z", "%:z", "%::z", "%:::z", "%#z", "%+")


def to_zone_wall_clock(utc: pl.Expr, zone: str) -> pl.Expr:
    """A naive UTC moment as the naive wall-clock time of ``zone``."""
    return utc.dt.replace_time_zone("UTC").dt.convert_time_zone(zone).dt.replace_time_zone(None)


def _from_offset(text: pl.Expr, zone: str) -> pl.Expr:
    """A time with a UTC offset, as the wall-clock time of ``zone`` at that moment."""
    parts = text.str.strip_chars().str.extract_groups(_OFFSET)
    local = _from_parts(parts.struct.field("1"))
    sign = pl.when(parts.struct.field("3") == "-").then(-1).otherwise(1)
    hours = parts.struct.field("4").cast(pl.Int64, strict=False).fill_null(0)
    minutes = parts.struct.field("5").cast(pl.Int64, strict=False).fill_null(0)
    utc = local - pl.duration(minutes=sign * (hours * 60 + minutes))
    return to_zone_wall_clock(utc, zone)


def _from_format(text: pl.Expr, fmt: str, zone: str) -> pl.Expr:
    """A profile's strptime format; one that reads a moment (an offset, %s) gives ``zone``'s wall clock."""
    parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
    if any(d in fmt for d in _ZONED_DIRECTIVES):
        return parsed.dt.convert_time_zone(zone).dt.replace_time_zone(None)
    if "%s" in fmt:
        return to_zone_wall_clock(parsed, zone)
    return parsed.cast(pl.Datetime("us"))


def parse_timestamp(text: pl.Expr, extra_formats: tuple[str, ...] = (), zone: str = DEFAULT_ZONE) -> pl.Expr:
    """Naive wall-clock datetimes of ``zone``; null when the text is empty or not a date we know.
    A time written without an offset is kept as written (it is local time already); one with an
    offset or in UTC is converted to ``zone`` (the site's zone, or the source's named by a profile)."""
    candidates = [_from_parts(text), _from_serial(text), _from_offset(text, zone)]
    candidates += [_from_format(text, fmt, zone) for fmt in extra_formats]
    ts = pl.coalesce(candidates)
    # A time-only Excel cell arrives as a day in 1899/1900: a date we must not invent.
    return pl.when(ts.dt.year().is_between(YEAR_MIN, YEAR_MAX)).then(ts)


def parse_timestamp_series(text: pl.Series, extra_formats: tuple[str, ...] = (), zone: str = DEFAULT_ZONE) -> pl.Series:
    """The same result as ``parse_timestamp``, fast: most exports use one ISO form, so that is parsed
    natively first and only the cells it cannot read go through the general (regex) parser."""
    fast = pl.select(parse_iso_timestamp(pl.lit(text))).to_series()
    return finish_timestamp(text, fast, extra_formats, zone)


def parse_iso_timestamp(text: pl.Expr) -> pl.Expr:
    """The native first pass of ``parse_timestamp_series``: 'YYYY-MM-DD HH:MM:SS' cells, null otherwise
    (several columns in one select are parsed in parallel)."""
    return text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False, exact=True)


def finish_timestamp(
    text: pl.Series, fast: pl.Series, extra_formats: tuple[str, ...] = (), zone: str = DEFAULT_ZONE
) -> pl.Series:
    """``parse_timestamp`` of ``text`` given ``fast`` (``parse_iso_timestamp`` of it): the general parser
    only for the cells the first pass could not read, then the year window."""
    fast = fast.dt.replace_time_zone(None) if fast.dtype.time_zone else fast  # type: ignore[union-attr]
    todo = text.is_not_null() & fast.is_null()
    if todo.any():
        idx = todo.arg_true()
        slow = pl.DataFrame({"t": text.gather(idx)}).select(parse_timestamp(pl.col("t"), extra_formats, zone))
        fast = fast.scatter(idx, slow.to_series())
    in_range = fast.dt.year().is_between(YEAR_MIN, YEAR_MAX)
    if in_range.all():  # every parsed value in the window (an empty cell stays empty either way)
        return fast.alias(text.name)
    return fast.zip_with(in_range.fill_null(False), pl.Series([None], dtype=pl.Datetime("us"))).alias(text.name)


def parse_integer(text: pl.Expr) -> pl.Expr:
    """Counts such as 退单次数; Excel may hand them over as "2.0"."""
    num = text.str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when((num == num.round(0)) & (num >= 0) & (num < 1e6)).then(num.cast(pl.Int32))


BOOLEAN_WORDS = {
    "是": "true", "否": "false", "y": "true", "n": "false", "yes": "true", "no": "false",
    "true": "true", "false": "false", "1": "true", "0": "false", "有效": "true", "无效": "false",
}  # fmt: skip


def apply_synonyms(text: pl.Expr, synonyms: dict[str, str]) -> pl.Expr:
    """Map source words to canonical ones; a synonym to "" means not evaluated (null)."""
    if not synonyms:
        return text
    mapped = text.replace(synonyms)
    return pl.when(mapped == "").then(None).otherwise(mapped)


def parse_boolean(text: pl.Expr, synonyms: dict[str, str]) -> pl.Expr:
    words = {**BOOLEAN_WORDS, **{k.lower(): v for k, v in synonyms.items()}}
    mapped = apply_synonyms(text.str.to_lowercase(), words)
    return pl.when(mapped == "true").then(True).when(mapped == "false").then(False)


def split_category_path(text: pl.Expr, level: int) -> pl.Expr:
    """ "A->B->C", "A/B/C", "A>B>C" or "A－B－C" -> the level-th part (0-based)."""
    parts = text.str.replace_all(r"\s*(?:->|—>|→|>|＞|/|／)\s*", "\x1f").str.split("\x1f")
    return parts.list.get(level, null_on_oob=True).str.strip_chars()
