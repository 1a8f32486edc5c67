"""The demo city's estates (小区) and roads, township by township.

Why: a recurring problem (一类问题) is the same trouble at the same place, and the product finds the
place in the callers' words. In a real district each township has dozens of estates and roads, so two
unrelated calls about the same topic at the same estate are rare; a demo that drew from 18 estates
city-wide would make chance coincidences look like recurring problems. Each township therefore gets its
own ``PER_TOWNSHIP`` estates and roads, drawn once from invented name parts with a fixed seed (like the
township quality effect: a property of the city, the same for every demo seed). Names may repeat across
townships, as 锦绣花园 does in real cities; none contains a county or township name.
"""

from __future__ import annotations

import functools

import numpy as np
import polars as pl

from etl.democity import city

PER_TOWNSHIP = 60
ESTATE_HEADS = (
    "锦绣", "阳光", "翠湖", "金色", "滨江", "书香", "和平", "幸福", "名都", "紫荆", "银杏", "枫林", "香樟", "御景",
    "世纪", "青荷", "桂香", "梧桐", "丽景", "盛世", "康乐", "安居", "怡和", "嘉禾", "瑞祥", "望江", "东方", "南湖",
    "北辰", "清风", "明月", "春晖", "秋实", "绿洲", "天骄", "碧水", "金桂", "玉兰", "龙湾", "凤栖",
)  # fmt: skip
ESTATE_TAILS = ("花园", "新城", "苑", "家园", "里", "华庭", "湾", "园", "山庄", "雅苑", "公寓", "名邸")
ROAD_HEADS = (
    "云岫", "文澜", "湖滨", "新港", "解放", "建设", "滨江", "青年", "望湖", "工业", "长堤", "朝阳", "胜利", "迎宾",
    "学府", "育才", "光明", "和平", "兴业", "富民", "振兴", "幸福", "前进", "民主", "东风", "桃园", "梨园", "荷塘",
    "柳林", "枫桥", "松涛", "竹园", "杏林", "石桥", "金沙", "银河", "白鹭", "南屏", "北山", "西湖",
)  # fmt: skip
ROAD_TAILS = ("路", "街", "大道", "巷")
_TOWNSHIPS = tuple(t for c in city.COUNTIES for t in c.townships)


def _names(heads: tuple[str, ...], tails: tuple[str, ...], seed: int) -> tuple[tuple[str, ...], ...]:
    """``PER_TOWNSHIP`` distinct names per township, none containing a county or township name."""
    admin = [c.name for c in city.COUNTIES] + list(_TOWNSHIPS)
    pool = [h + t for h in heads for t in tails]
    pool = [n for n in pool if not any(a in n or n in a for a in admin)]
    rng = np.random.default_rng(seed)
    return tuple(tuple(rng.choice(pool, PER_TOWNSHIP, replace=False)) for _ in _TOWNSHIPS)


@functools.cache
def estates() -> tuple[tuple[str, ...], ...]:
    """Per township (in ``city`` order) its estates."""
    return _names(ESTATE_HEADS, ESTATE_TAILS, 20_260_116)


@functools.cache
def roads() -> tuple[tuple[str, ...], ...]:
    """Per township (in ``city`` order) its roads."""
    return _names(ROAD_HEADS, ROAD_TAILS, 20_260_117)


def _lookup(table: tuple[tuple[str, ...], ...], township: np.ndarray, code: np.ndarray) -> pl.Series:
    flat = pl.Series([name for names in table for name in names], dtype=pl.String)
    return flat.gather(np.asarray(township, dtype=np.int64) * PER_TOWNSHIP + np.asarray(code, dtype=np.int64))


def estate_names(township: np.ndarray, code: np.ndarray) -> pl.Series:
    """The estate ``code`` (0 … PER_TOWNSHIP-1) of each order's township."""
    return _lookup(estates(), township, code)


def road_names(township: np.ndarray, code: np.ndarray) -> pl.Series:
    """The road ``code`` (0 … PER_TOWNSHIP-1) of each order's township."""
    return _lookup(roads(), township, code)


def all_place_names() -> frozenset[str]:
    """Every estate and road name of the city (tests: no hot word may be one, or part of one)."""
    return frozenset(n for table in (estates(), roads()) for names in table for n in names)
