"""The place a work order is about, as the caller names it: an estate (小区), a road, a village.

Why: a recurring problem (一类问题) is one trouble at one place, and exports name only the county and
township; the estate or road lives in the content. Found by segmenting each clause (jieba, dictionary
only) and looking for a place word at its end — a tail token such as 花园, 苑, 里, 小区, 路, 街, 大道, 村,
社区, 中学, 医院, 大桥 — with the name tokens just before it (锦绣/花园, 民主/巷, 泉/星/社区). Walking left stops at a
function word, a stop word, a digit or after eight characters, so 我家住在锦绣花园 gives 锦绣花园.
County and township names are cut out first (they are the units, and 长堤街道 is not a 长堤街).

What a place never holds: a number. Building, house and room numbers (3栋, 88号, 1单元) stop the name,
so a place names an estate or a road — hundreds of households — never a household. Callers' own names
are removed by the caller of :func:`extract_places` (``name_parts``); see docs/metrics.md for what is
shown to whom.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from warehouse import segment

RESIDENTIAL = "residential"
VILLAGE = "village"
SITE = "site"
ROAD = "road"
KINDS = (RESIDENTIAL, VILLAGE, SITE, ROAD)
# tail token -> kind (the token jieba gives, not any character: 公园 and 绕路 are words, not tails)
TAILS: dict[str, str] = {
    **dict.fromkeys(("小区", "花园", "家园", "新城", "新村", "公寓", "山庄", "大厦", "广场", "华庭", "华府", "名邸",
                     "雅苑", "苑", "园", "里", "湾", "庭", "府", "邸", "城", "坊", "院"), RESIDENTIAL),
    **dict.fromkeys(("社区", "村"), VILLAGE),
    **dict.fromkeys(("大桥", "中学", "小学", "幼儿园", "医院", "卫生院", "公园", "市场", "商城", "广场"), SITE),
    **dict.fromkeys(("路", "街", "巷", "大道", "大街", "胡同"), ROAD),
}  # fmt: skip
# a dictionary word that already ends in a tail and is a name (解放路, 碧水湾) — three characters or more
WORD_ENDINGS: dict[str, str] = {"路": ROAD, "街": ROAD, "大道": ROAD, "巷": ROAD, "湾": RESIDENTIAL,
                                "苑": RESIDENTIAL, "庭": RESIDENTIAL, "邸": RESIDENTIAL, "医院": SITE,
                                "中学": SITE, "小学": SITE, "大桥": SITE}  # fmt: skip
GENERIC = frozenset(
    {"人行道", "高速公路", "林荫路", "柏油路", "水泥路", "斑马线", "步行街", "商业街", "美食街", "小吃街"}
)
# single characters that never start or continue a name (pronouns, particles, verbs of living, quantity)
FUNCTION_CHARS = frozenset("我你他她它的地得了着过在住是于与及或到从向对把被让给也都就还又很不没这那哪此其各每某该家位处去来"
                           "省市区县镇乡个条座栋号楼层室单元期")  # fmt: skip
FUNCTION_WORDS = frozenset({"家住", "住在", "位于", "地处", "我们", "我家", "本人", "对面", "旁边", "门口", "楼下",
                            "后面", "前面", "周边", "附近", "一带", "东侧", "西侧", "南侧", "北侧", "所在", "这个",
                            "那个", "一个", "所属", "辖区", "片区", "街道", "小区", "社区", "这家", "那家", "孩子",
                            "当地", "本地", "我市", "我县", "我区", "城区", "县城", "乡下", "农村"})  # fmt: skip
VERB_CHARS = frozenset("跑走绕修让带问迷上下开铺堵拦占挖断封逛进出过")
MAX_NAME = 8
_CLAUSE = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_HAS_TAIL_CHAR = re.compile("[" + "".join(sorted({t[-1] for t in (*TAILS, *WORD_ENDINGS)})) + "]")
_DIGIT = re.compile(r"[0-9０-９]")
_NAMEY = re.compile(r"^[\u4e00-\u9fffA-Za-z]+$")
_STREET_OFFICE = re.compile(r"[\u4e00-\u9fff]{2,4}街道")


@dataclass(frozen=True)
class Place:
    """A named place: ``name`` without 小区 and without any number; ``kind`` one of ``KINDS``."""

    name: str
    kind: str


def admin_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """County and township names (longest first) and any ``XX街道``: cut out before looking for places."""
    listed = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
    parts = [*map(re.escape, listed), _STREET_OFFICE.pattern]
    return re.compile("|".join(parts))


_ENDINGS = sorted({**TAILS, **WORD_ENDINGS}.items(), key=lambda kv: -len(kv[0]))


def _tail(token: str) -> str | None:
    """The kind of place ``token`` ends, if it ends one: a tail token (花园, 路), or a whole name — a
    place the segmenter was taught (``segment.add_user_words``) or a dictionary name such as 解放路."""
    if token in TAILS:
        return TAILS[token]
    if len(token) < 3 or token in GENERIC:
        return None
    if segment.is_user_word(token):
        return next((kind for end, kind in _ENDINGS if token.endswith(end)), None)
    if token in segment.base_words():
        return next((kind for end, kind in WORD_ENDINGS.items() if token.endswith(end)), None)
    return None


def _verb_before(before: str, tail: str) -> bool:
    """A one-character tail right after a one-character verb is a verb phrase (跑|路, 绕|路, 走|街), not a place."""
    return len(tail) == 1 and before in VERB_CHARS


def _name_token(token: str) -> bool:
    if not _NAMEY.match(token) or token in FUNCTION_WORDS or token in segment.stopwords():
        return False
    return not (len(token) == 1 and token in FUNCTION_CHARS)


def _places_in_clause(tokens: list[str]) -> list[Place]:
    found: list[Place] = []
    used = 0  # tokens before this index belong to a place already found
    for i, token in enumerate(tokens):
        kind = _tail(token)
        if kind is None or i < used or (i > 0 and _verb_before(tokens[i - 1], token)):
            continue
        body, j = "", i
        while j > used and _name_token(tokens[j - 1]) and len(body) + len(tokens[j - 1]) <= MAX_NAME:
            j -= 1
            body = tokens[j] + body
        whole = token in TAILS
        confirmed = i + 1 < len(tokens) and tokens[i + 1] == "小区"
        if whole and (len(body) >= 2 or (len(body) == 1 and confirmed)):
            name = body if token == "小区" else body + token
        elif not whole and len(body) + len(token) >= 3:
            name = body + token
        else:
            continue
        found.append(Place(name, kind))
        used = i + 2 if confirmed else i + 1
    return found


def extract_places(text: str | None, admin: re.Pattern[str] | None = None) -> list[Place]:
    """Every place named in ``text``, in order; ``admin`` (see :func:`admin_pattern`) is cut out first."""
    if not text:
        return []
    if admin is not None:
        text = admin.sub(" ", text)
    found = []
    for clause in _CLAUSE.split(text):
        if clause and _HAS_TAIL_CHAR.search(clause):
            found.extend(_clause(clause, segment.version()))
    return found


@functools.lru_cache(maxsize=200_000)
def _clause(clause: str, _version: int) -> tuple[Place, ...]:
    """Hotline texts repeat their clauses far more often than whole texts: each is read once per dictionary."""
    return tuple(_places_in_clause(segment.cut(clause)))


def main_place(places: list[Place]) -> Place | None:
    """The place an order is about: its first estate, else village, else site (a school, a hospital, a
    bridge), else road (a road is often only where the caller stands: 锦绣花园 on 长堤路 is about the estate)."""
    for kind in KINDS:
        for place in places:
            if place.kind == kind:
                return place
    return None


def has_digit(text: str) -> bool:
    return bool(_DIGIT.search(text))
