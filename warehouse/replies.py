"""Closed is not fixed: each reply (办理结果 / 回复内容 / 答复意见) read as one of four kinds.

A unit assessed on "% closed" can close with an explanation, a referral or a refusal (Edmonton's 2023
audit found tickets closed before the work was done). Shanghai's town scoring and Lianyungang's reply
sampling separate 实际解决 from 解释说明; so does this classifier, with rules anyone can read: keyword and
pattern lists in a data file (``config/reply_rules.toml``, named by the setting ``reply_rules_file``),
tried class by class in the file's order, the first class with a match winning; a reply none matches is
``unclassified`` (未能归类). The classes are a fixed list (their names live in the label catalogue).

The classification runs in SQL when the fact table is built (``sql_case``: the patterns are bound
parameters), and :func:`classify` runs that same expression on any texts, so the precision and recall
measured on the labelled sample (``python -m etl.reply_eval``) are those of the product itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse.settings import SettingsError, read_toml

CLASSES = ("solved", "explained", "referred", "unable")
UNCLASSIFIED = "unclassified"
ALL_CLASSES = (*CLASSES, UNCLASSIFIED)


@dataclass(frozen=True)
class ReplyRule:
    """One class: its keywords (plain text) and patterns (regular expressions), as one alternation."""

    key: str
    keywords: tuple[str, ...]
    patterns: tuple[str, ...]

    @property
    def regex(self) -> str:
        return "|".join([*(re.escape(k) for k in self.keywords), *(f"(?:{p})" for p in self.patterns)])


def read_rules(path: Path) -> tuple[ReplyRule, ...]:
    """The rules in their file's order; a mistake names the file, the class and the fix."""
    data = read_toml(path, None, path, "答复分类规则文件 reply_rules_file")[1]
    entries = data.get("class")
    if set(data) - {"class"} or not isinstance(entries, list) or not entries:
        raise SettingsError(f"{path}: 应为若干 [[class]] 表 (expected [[class]] tables only)")
    rules = []
    for entry in entries:
        key = entry.get("key")
        if key not in CLASSES or set(entry) - {"key", "keywords", "patterns"}:
            raise SettingsError(
                f"{path}: [[class]] key 应为 {', '.join(CLASSES)} 之一，且只有 keywords、patterns：{entry!r}"
            )
        keywords, patterns = tuple(entry.get("keywords", ())), tuple(entry.get("patterns", ()))
        if not all(isinstance(x, str) and x for x in (*keywords, *patterns)) or not (keywords or patterns):
            raise SettingsError(f"{path}: 类 {key} 的 keywords / patterns 应为非空字符串列表")
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SettingsError(f"{path}: 类 {key} 的正则 {pattern!r} 有误：{exc}") from None
        rules.append(ReplyRule(key, keywords, patterns))
    if len({r.key for r in rules}) != len(rules):
        raise SettingsError(f"{path}: 每个类只能出现一次 (each class once)")
    return tuple(rules)


def sql_case(rules: tuple[ReplyRule, ...], column: str = "reply") -> tuple[str, dict[str, Any]]:
    """``CASE WHEN regexp_matches(<column>, $reply_re_0) THEN $reply_key_0 … ELSE 'unclassified' END`` and its
    parameters. ``column`` is one of the fixed names the callers pass; the patterns are bound values."""
    if column not in ("reply", "rw.reply", "text"):
        raise ValueError(f"unexpected column {column!r}")
    whens = [f"WHEN regexp_matches({column}, $reply_re_{i}) THEN $reply_key_{i}" for i in range(len(rules))]
    params: dict[str, Any] = {}
    for i, rule in enumerate(rules):
        params[f"reply_re_{i}"], params[f"reply_key_{i}"] = rule.regex, rule.key
    sql = f"CASE WHEN nullif(trim({column}), '') IS NULL THEN NULL {' '.join(whens)} ELSE '{UNCLASSIFIED}' END"
    return sql, params


def classify(texts: list[str | None], rules: tuple[ReplyRule, ...]) -> list[str | None]:
    """The class of each text, by the same SQL expression the fact table uses (None for an empty text)."""
    con = duckdb.connect()
    try:
        case, params = sql_case(rules, "text")
        con.execute("CREATE TEMP TABLE texts (i INTEGER, text VARCHAR)")
        con.executemany("INSERT INTO texts VALUES (?, ?)", list(enumerate(texts)))
        rows = con.execute(f"SELECT {case} FROM texts ORDER BY i", params).fetchall()
        return [r[0] for r in rows]
    finally:
        con.close()


def scores(truth: list[str], predicted: list[str | None]) -> dict[str, dict[str, float | int | None]]:
    """Per class: precision, recall and support of ``predicted`` against hand labels ``truth``."""
    out: dict[str, dict[str, float | int | None]] = {}
    for key in CLASSES:
        tp = sum(t == key and p == key for t, p in zip(truth, predicted, strict=True))
        said = sum(p == key for p in predicted)
        real = sum(t == key for t in truth)
        out[key] = {
            "precision": tp / said if said else None,
            "recall": tp / real if real else None,
            "support": real,
            "predicted": said,
        }
    out["all"] = {
        "accuracy": sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth) if truth else None
    }
    return out
