"""How a search box query is understood: which kind of key it is and how to match it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class QueryKind(StrEnum):
    EMPTY = "empty"
    NAME = "name"  # Chinese characters: name prefix
    PINYIN = "pinyin"  # latin letters: initials or full pinyin prefix
    DIGITS = "digits"  # digits (and X): ID number, phone, record number
    MIXED = "mixed"  # anything else: record number / name prefix


@dataclass(frozen=True)
class SearchQuery:
    kind: QueryKind
    text: str


_HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f·]+$")
_LATIN = re.compile(r"^[a-zA-Z]+$")
_DIGITS = re.compile(r"^[0-9]+[xX]?$")


def classify(raw: str) -> SearchQuery:
    text = raw.strip()
    if not text:
        return SearchQuery(QueryKind.EMPTY, "")
    if _HAN.match(text):
        return SearchQuery(QueryKind.NAME, text)
    if _LATIN.match(text):
        return SearchQuery(QueryKind.PINYIN, text.lower())
    if _DIGITS.match(text):
        return SearchQuery(QueryKind.DIGITS, text.upper())
    return SearchQuery(QueryKind.MIXED, text)


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``.

    ``col >= prefix AND col < bound`` uses a B-tree index where ``LIKE 'x%'`` does not.
    """
    return prefix + "\U0010ffff"
