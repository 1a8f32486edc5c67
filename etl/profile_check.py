"""Strict reading of an import profile: every section, key and value checked, every mistake named.

A profile is written by an analyst in a text editor, and a typo must not load quietly: ``[field]``
for ``[fields]`` used to be ignored (the file was then rejected with "write a profile"), a format
``%Q-%m`` parsed nothing, and a synonym to a word outside the vocabulary quarantined rows whose
message listed that very word as accepted. Each message names the file, the key and the fix; all
mistakes of a file are reported at once, so one round of editing fixes them.
"""

from __future__ import annotations

import codecs
import difflib
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

import polars as pl

from warehouse.fields import BOOLEAN, FIELD_BY_NAME, INTEGER, TIMESTAMP, VOCAB

CATEGORY_PATH = "category_path"
MAPPABLE = (*FIELD_BY_NAME, CATEGORY_PATH)
SECTIONS = ("name", "description", "read", "fields", "synonyms", "normalize", "timestamps", "constants")
READ_KEYS = ("sheet", "header_row", "encoding", "format", "records")
FORMATS = ("auto", "csv", "excel", "json")
TIMESTAMP_KEYS = ("formats", "time_zone")
NORMALIZE_KEYS = ("case", "trim_prefix", "rewrite")
CASES = ("lower", "upper")
BOOLEAN_TARGETS = {"true": "true", "false": "false", "": "", "是": "true", "否": "false"}
# chrono's strptime directives (what Polars understands), optionally with a padding flag (-, _, 0)
DIRECTIVES = set("YCymbBhdeaAwuUWGgVjDxFvHkIlPpMSfRTXrZzcst+n%")
DIRECTIVE = re.compile(r"%([-_0]?)(\.?[369]?f|:{1,3}z|#z|.)", re.S)
DATE_DIRECTIVES = set("YyGgCDFxvcs+")


class ProfileError(ValueError):
    """The profile file itself is wrong (not the data)."""


@dataclass(frozen=True)
class Rules:
    """Value normalisation of one field, applied in this order before its synonyms: case folding,
    prefix trimming, regular-expression rewrites (pattern, Polars replacement)."""

    case: str | None = None
    trim_prefix: tuple[str, ...] = ()
    rewrite: tuple[tuple[str, str], ...] = ()

    def expr(self, text: pl.Expr) -> pl.Expr:
        if self.case == "lower":
            text = text.str.to_lowercase()
        elif self.case == "upper":
            text = text.str.to_uppercase()
        for prefix in self.trim_prefix:
            text = text.str.strip_prefix(prefix)
        for pattern, replacement in self.rewrite:
            text = text.str.replace_all(pattern, replacement)
        text = text.str.strip_chars()
        return pl.when(text != "").then(text)


def _hint(word: str, known: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.5)
    return f"你是不是想写「{close[0]}」？" if close else ""


class Checker:
    """Collects the mistakes of one profile file (``src`` names it in every message)."""

    def __init__(self, src: str) -> None:
        self.src, self.errors = src, []

    def fail(self, key: str, msg: str) -> None:
        self.errors.append(f"{key}：{msg}")

    def raise_if_any(self) -> None:
        if self.errors:
            lines = "\n".join(f"  - {e}" for e in self.errors)
            raise ProfileError(f"导入配置 {self.src} 有 {len(self.errors)} 处错误（profile errors）：\n{lines}")

    def keys(self, table: dict, where: str, allowed: tuple[str, ...], what: str = "键") -> None:
        for key in table:
            if key not in allowed:
                self.fail(
                    f"{where}{key}" if where else key,
                    f"未知的{what}（unknown {'section' if what == '节' else 'key'}）。{_hint(key, allowed)}"
                    f"可用的{what}：{', '.join(allowed)}",
                )

    def table(self, data: dict, key: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, f"必须是一个表 [{key}]（must be a table）")
            return {}
        return value

    def string(self, value: Any, key: str) -> str | None:
        if isinstance(value, str):
            return value
        self.fail(key, f"必须是字符串（must be a string），现在是 {value!r}")
        return None

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        """A string or a list of strings (each non-empty after trimming)."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(n, str) and n.strip() for n in items) or not items:
            self.fail(
                key,
                f'必须是非空字符串或字符串列表，例如 ["表头1", "表头2"]（must be a list of names），现在是 {value!r}',
            )
            return ()
        return tuple(n.strip() for n in items)


def check_sections(data: dict, c: Checker) -> None:
    c.keys(data, "", SECTIONS, "节")
    for key in ("name", "description"):
        if key in data:
            c.string(data[key], key)


def check_read(data: dict, c: Checker) -> dict[str, Any]:
    read = c.table(data, "read")
    c.keys(read, "read.", READ_KEYS)
    out: dict[str, Any] = {"sheet": read.get("sheet"), "header_row": read.get("header_row")}
    if out["sheet"] is not None and (isinstance(out["sheet"], bool) or not isinstance(out["sheet"], str | int)):
        c.fail("read.sheet", f"必须是工作表名称或从 0 起的序号（sheet name or 0-based index），现在是 {out['sheet']!r}")
    row = out["header_row"]
    if row is not None and (isinstance(row, bool) or not isinstance(row, int) or row < 0):
        c.fail("read.header_row", f"必须是从 0 起的行号（a 0-based row number ≥ 0），现在是 {row!r}")
    out["encoding"] = check_encoding(read.get("encoding", "auto"), c)
    fmt = read.get("format", "auto")
    if fmt not in FORMATS:
        c.fail("read.format", f"「{fmt}」不是可用的格式（unknown format）。可用：{', '.join(FORMATS)}")
    out["format"] = fmt if fmt in FORMATS else "auto"
    records = read.get("records")
    out["records"] = c.string(records, "read.records") if records is not None else None
    return out


def check_encoding(value: Any, c: Checker) -> str:
    """ "auto", or any codec Python knows (``latin1``, ``cp1252``, ``big5`` …), by its canonical name."""
    name = c.string(value, "read.encoding")
    if name is None or name.strip().lower() in ("auto", ""):
        return "auto"
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        c.fail(
            "read.encoding",
            f'「{name}」不是已知的编码（unknown encoding）。写 "auto" 自动识别，或写 Python 认识的编码名，'
            "如 utf-8、gb18030、cp1252、latin-1、big5",
        )
        return "auto"


def check_fields(data: dict, c: Checker) -> dict[str, tuple[str, ...]]:
    fields = c.table(data, "fields")
    c.keys(fields, "fields.", MAPPABLE, "字段名")
    return {k: c.strings(v, f"fields.{k}") for k, v in fields.items() if k in MAPPABLE}


def check_formats(data: dict, c: Checker) -> tuple[tuple[str, ...], str | None]:
    stamps = c.table(data, "timestamps")
    c.keys(stamps, "timestamps.", TIMESTAMP_KEYS)
    formats = stamps.get("formats", [])
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        c.fail("timestamps.formats", f'必须是 strptime 格式的列表，如 ["%m/%d/%Y %I:%M:%S %p"]，现在是 {formats!r}')
        formats = []
    for i, fmt in enumerate(formats):
        bad = [m.group(0) for m in DIRECTIVE.finditer(fmt) if m.group(2)[-1] not in DIRECTIVES]
        if bad:
            c.fail(
                f"timestamps.formats[{i}]",
                f"「{fmt}」中的 {'、'.join(bad)} 不是有效的时间格式符（invalid strptime directive）。"
                "常用：%Y 年 %m 月 %d 日 %H 时 %M 分 %S 秒 %I 12 小时制 %p AM/PM %z 时区偏移",
            )
        elif not {m.group(2)[-1] for m in DIRECTIVE.finditer(fmt)} & DATE_DIRECTIVES:
            c.fail(f"timestamps.formats[{i}]", f"「{fmt}」没有年份（%Y 或 %y），无法得到日期（a format needs a year）")
    zone = stamps.get("time_zone")
    if zone is not None:
        zone = check_zone(zone, "timestamps.time_zone", c)
    return tuple(formats), zone


def check_zone(value: Any, key: str, c: Checker) -> str | None:
    name = c.string(value, key)
    if name is None:
        return None
    try:
        zoneinfo.ZoneInfo(name)
        return name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        c.fail(key, f"「{name}」不是 IANA 时区名（unknown time zone），如 Asia/Shanghai、America/Chicago")
        return None


def check_synonyms(data: dict, c: Checker) -> dict[str, dict[str, str]]:
    synonyms = c.table(data, "synonyms")
    c.keys(synonyms, "synonyms.", tuple(FIELD_BY_NAME), "字段名")
    out = {}
    for name, table in synonyms.items():
        spec = FIELD_BY_NAME.get(name)
        if spec is None:
            continue
        if not isinstance(table, dict):
            c.fail(f"synonyms.{name}", '必须是一个表 [synonyms.字段名]，每行 "源值" = "标准值"')
            continue
        if spec.kind in (TIMESTAMP, INTEGER):
            c.fail(
                f"synonyms.{name}", "时间和整数字段不使用同义词（synonyms do not apply）：时间请写 [timestamps] formats"
            )
            continue
        out[name] = {}
        for source, target in table.items():
            key = f'synonyms.{name}."{source}"'
            if isinstance(target, bool):
                target = "true" if target else "false"
            if (target := c.string(target, key)) is None:
                continue
            out[name][source.strip()] = _synonym_target(spec, target, key, c)
    return out


def _synonym_target(spec, target: str, key: str, c: Checker) -> str:
    if spec.kind == VOCAB and target not in (*spec.vocabulary, ""):
        c.fail(
            key,
            f"目标值「{target}」不在 {spec.name} 的取值范围内（target outside the vocabulary）。"
            f'{_hint(target, spec.vocabulary)}可用：{"、".join(spec.vocabulary)}，或 "" 表示空值',
        )
    if spec.kind == BOOLEAN:
        if target.strip().lower() not in BOOLEAN_TARGETS:
            c.fail(key, f'目标值「{target}」不是是/否（must be "true", "false" or ""）')
            return target
        return BOOLEAN_TARGETS[target.strip().lower()]
    return target


def check_constants(data: dict, synonyms: dict[str, dict[str, str]], c: Checker) -> dict[str, str]:
    """A constant is profile data, not a cell: a bad one is the profile's error, said once."""
    constants = c.table(data, "constants")
    out = {}
    for key, value in constants.items():
        spec = FIELD_BY_NAME.get(key)
        if spec is None:
            c.fail(f"constants.{key}", f"constants 中的未知字段（unknown field）。{_hint(key, tuple(FIELD_BY_NAME))}")
            continue
        if spec.kind in (TIMESTAMP, BOOLEAN, INTEGER):
            c.fail(f"constants.{key}", f"constants 只能用于文本和取值字段，不能用于 {key}")
            continue
        if (text := c.string(value, f"constants.{key}")) is None:
            continue
        word = synonyms.get(key, {}).get(text, text)
        if spec.vocabulary and word not in spec.vocabulary:
            c.fail(f"constants.{key}", f"「{text}」不在取值范围内（可用：{'、'.join(spec.vocabulary)}）")
        out[key] = text
    return out


def check_normalize(data: dict, synonyms: dict[str, dict[str, str]], c: Checker) -> dict[str, Rules]:
    normalize = c.table(data, "normalize")
    c.keys(normalize, "normalize.", MAPPABLE, "字段名")
    out = {}
    for name, table in normalize.items():
        if name not in MAPPABLE:
            continue
        where = f"normalize.{name}"
        if not isinstance(table, dict):
            c.fail(where, "必须是一个表 [normalize.字段名]，可写 case、trim_prefix、rewrite")
            continue
        c.keys(table, f"{where}.", NORMALIZE_KEYS)
        case = table.get("case")
        if case is not None and case not in CASES:
            c.fail(f"{where}.case", f'「{case}」不可用（use "lower" or "upper"）')
            case = None
        prefixes = c.strings(table["trim_prefix"], f"{where}.trim_prefix") if "trim_prefix" in table else ()
        rules = Rules(case, prefixes, tuple(_rewrites(table.get("rewrite", []), f"{where}.rewrite", c)))
        _check_folded(rules, name, synonyms.get(name, {}), c)
        out[name] = rules
    return out


def _rewrites(value: Any, where: str, c: Checker) -> list[tuple[str, str]]:
    """[["pattern", "replacement"], …]: Python-style \\1 groups in the replacement, Rust regex syntax."""
    if not isinstance(value, list):
        c.fail(where, "必须是 [\"正则表达式\", \"替换为\"] 对的列表，如 [['^Ward 0*(\\d+)$', 'Ward \\1']]")
        return []
    out = []
    for i, pair in enumerate(value):
        key = f"{where}[{i}]"
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            c.fail(key, f'必须是 ["正则表达式", "替换为"] 两个字符串（a [pattern, replacement] pair），现在是 {pair!r}')
            continue
        pattern, replacement = pair
        try:
            pl.select(pl.lit("x").str.replace_all(pattern, "")).item()
        except pl.exceptions.PolarsError as exc:
            c.fail(key, f"「{pattern}」不是有效的正则表达式（invalid regex）：{regex_problem(exc)}")
            continue
        out.append((pattern, polars_replacement(replacement)))
    return out


# The regex engine's words for the mistakes people make, said as an analyst would read them.
_REGEX_PROBLEMS = {
    "unclosed group": "左括号 ( 没有对应的右括号 ) / an opening ( is never closed",
    "unopened group": "右括号 ) 前面没有对应的左括号 ( / a closing ) has no opening (",
    "unclosed character class": "左方括号 [ 没有对应的 ] / an opening [ is never closed",
    "repetition operator missing expression": "* + ? 前面没有可重复的内容 / * + ? repeats nothing",
    "unclosed counted repetition": "花括号 { 没有对应的 } / an opening { is never closed",
    "invalid character class range": "方括号里的范围写反了，如 [z-a] / a range in [ ] runs backwards",
    "incomplete escape sequence": "末尾的反斜杠 \\ 后面没有字符 / a trailing backslash escapes nothing",
}


def regex_problem(exc: Exception) -> str:
    """What is wrong with a pattern, in words (the engine's own line when it is not a common mistake),
    without the engine's echo of the expression it was building."""
    lines = [line.strip() for line in str(exc).splitlines()]
    said = next((line.removeprefix("error:").strip() for line in lines if line.startswith("error:")), "")
    for words, plain in _REGEX_PROBLEMS.items():
        if words in said:
            return plain
    return said or lines[0]


def polars_replacement(text: str) -> str:
    r"""Python's ``\1`` / ``\g<name>`` groups as Polars' ``${1}`` / ``${name}``; a literal ``$`` doubled."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "$":
            out.append("$$")
        elif text[i] == "\\" and i + 1 < len(text) and text[i + 1].isdigit():
            j = i + 1
            while j < len(text) and text[j].isdigit():
                j += 1
            out.append("${" + text[i + 1 : j] + "}")
            i = j
            continue
        elif text.startswith("\\g<", i) and (end := text.find(">", i)) != -1:
            out.append("${" + text[i + 3 : end] + "}")
            i = end + 1
            continue
        elif text[i] == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        else:
            out.append(text[i])
        i += 1
    return "".join(out)


def _check_folded(rules: Rules, name: str, synonyms: dict[str, str], c: Checker) -> None:
    """After ``case = "lower"`` a synonym or prefix with capitals can never match: say so."""
    if rules.case is None:
        return
    fold = str.lower if rules.case == "lower" else str.upper
    for prefix in rules.trim_prefix:
        if fold(prefix) != prefix:
            c.fail(
                f"normalize.{name}.trim_prefix",
                f'「{prefix}」在 case = "{rules.case}" 之后永远匹配不到：请写成「{fold(prefix)}」',
            )
    for source in synonyms:
        if fold(source) != source:
            c.fail(
                f'synonyms.{name}."{source}"',
                f'normalize.{name}.case = "{rules.case}" 先于同义词执行，「{source}」永远匹配不到：请写成「{fold(source)}」',
            )
