"""Fonts for printed forms: the shipped CJK TrueType font, plus fallbacks for rare characters.

ReportLab embeds TrueType-outline fonts only. WenQuanYi Micro Hei (shipped in resources/fonts)
covers the common CJK range; names with Extension A/B characters (䶮, 𠀀) are drawn with the
first fallback font that has the glyph: Hanazono (Debian's fonts-hanazono, installed by
scripts/setup.sh) or SimSun-ExtB on Windows. A character no font has is printed as □ and
reported, never silently dropped.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from app.resources import resource_path

log = logging.getLogger(__name__)
MAIN = "CJK"
MAIN_FILE = "wqy-microhei.ttc"
FALLBACK_CANDIDATES: list[tuple[str, list[Path], int]] = [
    (
        "CJKExtA",
        [
            resource_path("fonts", "HanaMinA.ttf"),
            Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
            Path("C:/Windows/Fonts/simsun.ttc"),
        ],
        0,
    ),
    (
        "CJKExtB",
        [
            resource_path("fonts", "HanaMinB.ttf"),
            Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
            Path("C:/Windows/Fonts/simsunb.ttf"),
        ],
        0,
    ),
]


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


class CJKFont(TTFont):
    """TTFont whose ToUnicode map also covers characters beyond the BMP.

    ReportLab writes such a code point as ``<20000>``, which PDF readers ignore, so a name with
    an Extension B character would print but not be found by search or copy. The map must give
    its UTF-16 surrogate pair ``<D840DC00>``; we rewrite the few entries that need it.
    """

    def addObjects(self, doc) -> None:  # type: ignore[no-untyped-def]
        state = self.state.get(doc)
        subsets = [list(sub) for sub in state.subsets] if state is not None else []
        super().addObjects(doc)  # (forgets the document's state when done)
        for n, subset in enumerate(subsets):
            if all(code < 0x10000 for code in subset):
                continue
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            stream = doc.idToObject.get("toUnicodeCMap:" + base.decode("pdfdoc"))
            if stream is None:
                continue
            for i, code in enumerate(subset):
                if code >= 0x10000:
                    stream.content = stream.content.replace(
                        f"<{i:02X}> <{code:04X}>", f"<{i:02X}> <{_utf16_hex(code)}>"
                    )


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, ...]:
    """Register the main font and whichever fallbacks exist; returns their names, main first."""
    pdfmetrics.registerFont(CJKFont(MAIN, str(resource_path("fonts", MAIN_FILE)), subfontIndex=0))
    names = [MAIN]
    for name, paths, index in FALLBACK_CANDIDATES:
        for path in paths:
            if path.exists():
                try:
                    pdfmetrics.registerFont(CJKFont(name, str(path), subfontIndex=index))
                except Exception as exc:  # a broken system font must not stop printing
                    log.warning("fallback font %s unusable: %s", path, exc)
                    continue
                names.append(name)
                break
    return tuple(names)


@lru_cache(maxsize=8)
def _cmap(name: str) -> frozenset[int]:
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


@lru_cache(maxsize=4096)
def font_for(ch: str) -> str | None:
    for name in register_fonts():
        if ord(ch) in _cmap(name):
            return name
    return None


def markup(text: str) -> str:
    """Escape text for a Paragraph, switching font for characters the main font lacks."""
    names = register_fonts()
    main = _cmap(names[0])
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append("<br/>")
        elif ord(ch) in main or ch in " \t" or ord(ch) < 128:
            out.append(escape(ch))
        else:
            name = font_for(ch)
            if name is None:
                log.warning("no font has U+%04X; printed as □", ord(ch))
                out.append("□")
            else:
                out.append(f'<font name="{name}">{escape(ch)}</font>')
    return "".join(out)


def missing_glyphs(text: str) -> list[str]:
    return [ch for ch in dict.fromkeys(text) if ord(ch) >= 128 and font_for(ch) is None]
