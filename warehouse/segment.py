"""Chinese word segmentation shared by hot words, place extraction and recurring problems.

jieba in dictionary-only mode (``HMM=False``: no invented words, which are often names) with one
process-wide dictionary. The warehouse's own place and unit names are added to it as user words
(:func:`add_user_words`) so that 长堤路 or 市住房和城乡建设局 is one token — kept whole, then dropped as
a place — instead of 长堤 / 路 leaving 长堤 behind as a "hot word". Adding is idempotent and only
grows the dictionary with names, so sharing it across warehouses is harmless.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from typing import Any

STOPWORDS_FILE = Path(__file__).with_name("stopwords_zh.txt")
USER_WORD_FREQ = 200_000  # high enough that a listed name beats the dictionary's split of it
_ADDED: set[str] = set()
_LOCK = threading.Lock()
_VERSION = [0]  # bumped when user words are added: cached segmentations are keyed on it


@functools.cache
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@functools.cache
def tokenizer() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@functools.cache
def base_words() -> frozenset[str]:
    """jieba's own dictionary, before any user word: tells a common word (公园) from a name we added."""
    return frozenset(w for w, f in tokenizer().dt.FREQ.items() if f and w not in _ADDED)


def add_user_words(words: set[str] | frozenset[str] | list[str]) -> None:
    """Make each name (two or more characters) one token from now on."""
    base_words()  # freeze the base dictionary first
    jieba = tokenizer()
    with _LOCK:
        for word in words:
            if len(word) >= 2 and word not in _ADDED:
                jieba.add_word(word, USER_WORD_FREQ)
                _ADDED.add(word)
                _VERSION[0] += 1


def is_user_word(word: str) -> bool:
    return word in _ADDED


def version() -> int:
    """Changes whenever the dictionary does: part of the key of any cached segmentation."""
    return _VERSION[0]


def cut(text: str) -> list[str]:
    """The words of ``text``. Hotline texts repeat their clauses far more often than whole texts, so
    each (clause, dictionary version) is segmented once."""
    return list(_cut(text, version()))


@functools.lru_cache(maxsize=200_000)
def _cut(text: str, _version: int) -> tuple[str, ...]:
    return tuple(tokenizer().lcut(text, HMM=False))
