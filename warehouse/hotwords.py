"""Hot words (热词) from the content of work orders (SPEC §4): word counts, never text.

Content exists only in ``raw_work_orders`` (the PII layer). This module reads a sample of it and
returns only (word, orders) aggregates, after removing what could identify a caller: digits (phone,
ID and house numbers), single characters, name-like forms (王先生, 李女士), the callers' own names
from the sampled orders, and words used by fewer than ``min_orders`` orders.

Words worth reading, not the most frequent ones (the most frequent are 物业, 反映, 领导 every month):
- places are kept whole, then dropped: the warehouse's county, township and unit names and the estates,
  roads and villages found in the sampled texts (``warehouse.places``) become user words of the
  segmenter, are cut out of the texts, and no part of them can be a word (人民路 never leaves 人民);
- the stop-word list (``stopwords_zh.txt``) covers function words and the boilerplate of calls and
  letters (尊敬的领导, 关于, 严重, 作为, 条件);
- words are ranked by how unusual they are in the period against the ``reference_months`` before it:
  the z-score of the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
  "Fightin' Words"), on the number of orders using each word; only words used more than before are listed.
  With no earlier month in the warehouse they are ranked by frequency, and the result says so.

Segmentation (jieba, dictionary only, ``warehouse.segment``) runs at about 700,000 characters a second
here, so a deterministic sample (``hash(order_id)``) of each side is read, each content cut to
``max_chars`` characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from warehouse import places as pl_places
from warehouse import segment
from warehouse.access import Viewer
from warehouse.calendar import Period
from warehouse.drilldown import scope_clauses
from warehouse.problem_settings import load_problem_settings

MAX_CHARS = 80
PRIOR_SHARE = 0.1  # the prior is this share of the pooled counts of both sides
_HONORIFIC = re.compile(
    r"^[\u4e00-\u9fff]{1,2}(先生|女士|小姐|老师|师傅|阿姨|大爷|大妈|大姐|大哥|同志|老板|书记|市长|县长|区长|镇长|乡长|村长"
    r"|局长|主任|部长|处长|科长|所长|校长|院长|厅长|省长)$"
)
_HONORIFIC_SUFFIX = re.compile(r"(先生|女士|小姐|老师|师傅)$")
_CLAUSE = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_HAS_DIGIT = re.compile(r"[0-9０-９]")
_WORDLIKE = re.compile(r"^[\u4e00-\u9fffA-Za-z]+$")
_ADMIN_TAILS = frozenset({"省", "市", "县", "区", "镇", "乡", "街道"})
stopwords = segment.stopwords


@dataclass(frozen=True)
class HotWords:
    """The top words (``word``, ``order_count`` = callers of the sampled orders using it, a caller counted
    once; ``reference_count`` = the same in the reference sample; ``score`` = log-odds z) and the samples."""

    words: pl.DataFrame
    sampled: int  # contents segmented in the period
    total: int  # orders matching the filters in the period
    reference_sampled: int = 0  # contents segmented in the reference months
    reference: Period | None = None  # the months compared against (None: ranked by frequency)


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
    contents: list[str],
    name_parts: frozenset[str] = frozenset(),
    places: re.Pattern[str] | None = None,
    callers: list[object] | None = None,
) -> Counter[str]:
    """Number of callers whose contents use each kept word (each content its own caller when ``callers``
    is None): one persistent caller writing the same letter to five offices is one voice, not five — that
    is a repeat complaint, shown elsewhere.

    Texts are split into clauses at punctuation and each distinct clause is segmented once: hotline
    texts repeat their clauses (请相关部门尽快处理) far more often than whole texts. ``places`` (place
    names) are cut out before segmenting, so 溪澜区长堤街道 cannot yield 区长. A word that is at least
    half the time the first part of a place no list knows (金城|苑, 江源|大桥, X|县) is dropped too."""
    who: dict[str, set[object]] = {}
    uses: Counter[str] = Counter()
    before_place: Counter[str] = Counter()
    for k, text in enumerate(contents):
        if not text:
            continue
        caller = k if callers is None else callers[k]
        for clause in _CLAUSE.split(places.sub(" ", text) if places else text):
            tokens = segment.cut(clause) if clause else []
            for i, w in enumerate(tokens):
                if keep_word(w, name_parts):
                    who.setdefault(w, set()).add(caller)
                    uses[w] += 1
                    before_place[w] += i + 1 < len(tokens) and _place_tail(tokens[i + 1])
    return Counter({w: len(c) for w, c in who.items() if 2 * before_place[w] < uses[w]})


def _place_tail(token: str) -> bool:
    return token in pl_places.TAILS or token in _ADMIN_TAILS


def log_odds(current: Counter[str], reference: Counter[str]) -> dict[str, float]:
    """z-score of the log-odds ratio of each word, current against reference, with an informative
    Dirichlet prior proportional to the pooled counts (``PRIOR_SHARE`` of them)."""
    n, m = sum(current.values()), sum(reference.values())
    alpha0 = PRIOR_SHARE * (n + m)
    scores = {}
    for word, y in current.items():
        r = reference.get(word, 0)
        a = PRIOR_SHARE * (y + r)
        delta = math.log((y + a) / (n + alpha0 - y - a)) - math.log((r + a) / (m + alpha0 - r - a))
        scores[word] = delta / math.sqrt(1 / (y + a) + 1 / (r + a))
    return scores


def fetch_hot_words(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    county: str | None = None,
    category_l1: str | None = None,
    top: int = 40,
    sample: int | None = None,
    max_chars: int = MAX_CHARS,
    min_orders: int | None = None,
    reference_months: int | None = None,
) -> HotWords:
    """The ``top`` words of the contents of orders received in the period (optionally one county or
    first-level category) that are most unusual against the ``reference_months`` before it, counted over
    samples of at most ``sample`` orders each. They come from the callers' own words, so they follow the
    order lists' rule (``warehouse.access``): refused for the public, a county-scoped leader's county only."""
    viewer.require_order_lists()
    cfg = load_problem_settings().hot_words
    sample, min_orders = sample or cfg.sample, min_orders or cfg.min_orders
    reference = _reference(period, reference_months or cfg.reference_months)
    now, total = _sample(con, viewer, period, county, category_l1, sample, max_chars)
    before, _ = _sample(con, viewer, reference, county, category_l1, sample, max_chars)
    hidden, cut = _vocabulary(con, [c for c, _n, _k in now + before])
    hidden |= name_parts([name for _c, name, _k in now + before if name])
    counts = count_words([c for c, _n, _k in now], hidden, cut, [k for _c, _n, k in now])
    if before:
        earlier = count_words([c for c, _n, _k in before], hidden, cut, [k for _c, _n, k in before])
        scores = log_odds(counts, earlier)
        ranked = sorted(
            (w for w, c in counts.items() if c >= min_orders and scores[w] > 0), key=lambda w: (-scores[w], w)
        )
    else:
        earlier, scores = Counter(), {w: None for w in counts}
        ranked = sorted((w for w, c in counts.items() if c >= min_orders), key=lambda w: (-counts[w], w))
    rows = [(w, counts[w], earlier.get(w, 0), scores[w]) for w in ranked[:top]]
    schema = {"word": pl.String, "order_count": pl.Int64, "reference_count": pl.Int64, "score": pl.Float64}
    words = pl.DataFrame(rows, schema=schema, orient="row")
    return HotWords(words, len(now), total, len(before), reference if before else None)


def _reference(period: Period, months: int) -> Period:
    """The ``months`` whole months before the period's first month."""
    first = period.start.replace(day=1)
    index = first.year * 12 + first.month - 1 - months
    return Period(dt.date(index // 12, index % 12 + 1, 1), first - dt.timedelta(days=1), "range")


def _vocabulary(con: duckdb.DuckDBPyConnection, contents: list[str | None]) -> tuple[frozenset[str], Any]:
    """The places to keep whole and drop: county, township and unit names, and the places in the texts.
    Returns (every piece of two or more characters of a county, township or named place; the pattern
    cutting them all out of a text)."""
    units = con.sql("SELECT level, unit FROM dim_units").fetchall()
    admin = [u for level, u in units if level in ("county", "township")]
    pattern = pl_places.admin_pattern(admin)
    found = {p.name for text in contents for p in pl_places.extract_places(text, pattern)}
    segment.add_user_words({u for _l, u in units} | found)
    return name_parts([*admin, *found]), place_pattern([*admin, *found, *(u for _l, u in units)])


def _sample(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: Period,
    county: str | None,
    category_l1: str | None,
    sample: int,
    max_chars: int,
) -> tuple[list[tuple[Any, Any, int]], int]:
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
    return _contents(con, [oid for (oid,) in picked], max_chars), int(total)


def _contents(con: duckdb.DuckDBPyConnection, ids: list[str], max_chars: int) -> list[tuple[Any, Any, int]]:
    """(content cut to ``max_chars``, caller name, caller key) of the given orders; the key is a hash of
    the phone, else the name, else the order id (it never leaves this module). A constant IN list plus
    the id range lets DuckDB skip row groups and read content only for matching rows: a join here reads
    the content column of every order in the warehouse (over a second at 10 million)."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    key = "hash(coalesce(nullif(trim(citizen_phone), ''), nullif(trim(citizen_name), ''), order_id))"
    return con.execute(
        f"SELECT left(content, ?), citizen_name, {key} FROM raw_work_orders "
        f"WHERE order_id BETWEEN ? AND ? AND order_id IN ({marks})",
        [max_chars, min(ids), max(ids), *ids],
    ).fetchall()
