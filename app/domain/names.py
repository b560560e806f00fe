"""Pinyin keys of a Chinese name, for search by initials (zs → 张三) or full pinyin."""

from __future__ import annotations

import re
from functools import lru_cache

_KEEP = re.compile(r"[^a-z]")


@lru_cache(maxsize=1)
def _pypinyin():  # type: ignore[no-untyped-def]
    # Imported on first use: loading pypinyin's dictionaries costs ~0.1 s at start-up.
    import pypinyin

    return pypinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    """Return (initials, full pinyin), lower-case latin only: "张三" → ("zs", "zhangsan").

    Latin letters in the name are kept; characters pypinyin cannot read are dropped.
    """
    p = _pypinyin()
    syllables = p.lazy_pinyin(name, style=p.Style.NORMAL, errors="ignore", v_to_u=False)
    parts = [_KEEP.sub("", s.lower()) for s in syllables]
    parts = [s for s in parts if s]
    return "".join(s[0] for s in parts), "".join(parts)
