"""Hot words (热词) from the content of work orders (SPEC §4): word counts, never text.

Content exists only in ``raw_work_orders`` (the PII layer). This module reads a sample of it and
returns only (word, orders) aggregates, after removing what could identify a caller: digits (phone,
ID and house numbers), single characters, name-like forms (王先生, 李女士), the callers' own names
from the sampled orders, and words used by fewer than ``min_orders`` orders. Parts of county and
township names are dropped too: the page filters by place already, and place words would crowd out
the topics.

Segmentation (jieba, dictionary only: ``HMM=False``, so no new words — often names — are invented)
runs in Python at about 700,000 characters a second here. To answer within a page's time budget at
10 million orders it reads a deterministic sample spread over the period (``hash(order_id)``), each
content cut to ``max_chars`` characters: the hot words of a month are its most common words, and a
few thousand orders show them as well as a million do.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.drilldown import scope_clauses

STOPWORDS_FILE = Path(__file__).with_name("stopwords_zh.txt")
SAMPLE = 2000
MAX_CHARS = 80
MIN_ORDERS = 3
_HONORIFIC = re.compile(r"^[\u4e00-\u9fff]{1,2}(先生|女士|小姐|老师|师傅|阿姨|大爷|大妈|大姐|大哥|同志|老板)$")
_HONORIFIC_SUFFIX = re.compile(r"(先生|女士|小姐|老师|师傅)$")
_CLAUSE = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_HAS_DIGIT = re.compile(r"[0-9０-９]")
_WORDLIKE = re.compile(r"^[\u4e00-\u9fffA-Za-z]+$")


@dataclass(frozen=True)
class HotWords:
    """The top words (``word``, ``order_count`` = sampled orders using it) and the sample behind them."""

    words: pl.DataFrame
    sampled: int  # contents segmented
    total: int  # orders matching the filters


@functools.cache
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@functools.cache
def _tokenizer() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def keep_word(word: str, name_parts: frozenset[str] = frozenset()) -> bool:
    """Is ``word`` a publishable hot word? Two or more letters/characters, no digit, not a stop word,
    not name-like, not (part of) a caller's name (``name_parts``: see :func:`name_parts`)."""
    if len(word) < 2 or _HAS_DIGIT.search(word) or not _WORDLIKE.match(word):
        return False
    return word not in stopwords() and word not in name_parts and not _HONORIFIC.match(word)


def name_parts(names: list[str]) -> frozenset[str]:
    """Every piece of two or more characters of each name, with and without an honorific
    ('张三丰' -> 张三丰, 张三, 三丰), so no part of a caller's name can surface as a word."""
    parts: set[str] = set()
    for raw in names:
        for name in {raw.strip(), _HONORIFIC_SUFFIX.sub("", raw.strip())}:
            parts.update(name[i:j] for i in range(len(name)) for j in range(i + 2, min(len(name), 12) + 1))
    return frozenset(parts)


def place_pattern(places: list[str]) -> re.Pattern[str] | None:
    """One alternation of the place names, longest first (so 长堤街道 wins over 长堤)."""
    names = sorted({p.strip() for p in places if p and len(p.strip()) >= 2}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))) if names else None


def count_words(
    contents: list[str], name_parts: frozenset[str] = frozenset(), places: re.Pattern[str] | None = None
) -> Counter[str]:
    """Number of contents each kept word occurs in (document frequency, so one long text cannot dominate).

    Texts are split into clauses at punctuation and each distinct clause is segmented once: hotline
    texts repeat their clauses (请相关部门尽快处理) far more often than whole texts. ``places`` (place
    names) are cut out before segmenting, so 溪澜区长堤街道 cannot yield 区长."""
    jieba = _tokenizer()
    seen: dict[str, list[str]] = {}
    counts: Counter[str] = Counter()
    for text, n in Counter(contents).items():
        if not text:
            continue
        words: set[str] = set()
        for clause in _CLAUSE.split(places.sub(" ", text) if places else text):
            if clause not in seen:
                seen[clause] = [w for w in jieba.lcut(clause, HMM=False) if keep_word(w, name_parts)]
            words.update(seen[clause])
        for word in words:
            counts[word] += n
    return counts


def fetch_hot_words(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    county: str | None = None,
    category_l1: str | None = None,
    top: int = 40,
    sample: int = SAMPLE,
    max_chars: int = MAX_CHARS,
    min_orders: int = MIN_ORDERS,
) -> HotWords:
    """The ``top`` words of the contents of orders received in the period (optionally one county or
    first-level category), counted over a sample of at most ``sample`` orders. They come from the
    callers' own words, so they follow the order lists' rule (``warehouse.access``): refused for the
    public, a county-scoped leader's county only."""
    viewer.require_order_lists()
    clauses, params = ["received_date BETWEEN $start AND $end"], {"start": period.start, "end": period.end}
    clauses += scope_clauses(viewer, params)
    if county is not None:
        clauses.append("county = $county")
        params["county"] = county
    if category_l1 is not None:
        clauses.append("category_l1 = $category")
        params["category"] = category_l1
    where = " AND ".join(clauses)
    (total,) = con.sql(f"SELECT count(*) FROM fct_work_orders WHERE {where}", params=params).fetchall()[0]
    picked = con.sql(
        f"SELECT order_id FROM fct_work_orders WHERE {where} ORDER BY hash(order_id), order_id LIMIT $sample",
        params={**params, "sample": sample},
    ).fetchall()
    rows = _contents(con, [oid for (oid,) in picked], max_chars)
    places = [
        p for (p,) in con.sql("SELECT DISTINCT unit FROM dim_units WHERE level IN ('county', 'township')").fetchall()
    ]
    hidden = name_parts([name for _c, name in rows if name]) | name_parts(places)
    counts = count_words([content for content, _n in rows], hidden, place_pattern(places))
    ranked = [(w, c) for w, c in counts.most_common() if c >= min_orders][:top]
    words = pl.DataFrame(ranked, schema={"word": pl.String, "order_count": pl.Int64}, orient="row")
    return HotWords(words, len(rows), int(total))


def _contents(con: duckdb.DuckDBPyConnection, ids: list[str], max_chars: int) -> list[tuple[str | None, str | None]]:
    """(content cut to ``max_chars``, caller name) of the given orders. A constant IN list plus the id
    range lets DuckDB skip row groups and read content only for matching rows: a join here reads the
    content column of every order in the warehouse (over a second at 10 million)."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return con.execute(
        f"SELECT left(content, ?), citizen_name FROM raw_work_orders WHERE order_id BETWEEN ? AND ? AND order_id IN ({marks})",
        [max_chars, min(ids), max(ids), *ids],
    ).fetchall()
