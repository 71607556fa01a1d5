"""Characters for the glyphs of an embedded TrueType font, for PDFs that lost their map from one to the other.

A PDF shows text in a composite (Type0) font as glyph numbers; its /ToUnicode map says which character each
glyph is. Some real papers lose that map (the stream is missing, or the reference points at nothing). pypdf then
gives the glyph numbers themselves as characters, so "Trust funds" comes out as "7UXVW\\x03IXQGV", and no question
can match it. This module reads the characters back from the font program embedded in the PDF, with fontTools
(the only fontTools import), for pdf.py to give the font the map it lost.
"""

from __future__ import annotations

import io
import logging
from functools import cache

log = logging.getLogger(__name__)

NO_BREAK_SPACE_GLYPH = 172
"""Where the Microsoft core fonts (Arial, Times New Roman) leave the standard Macintosh glyph order: they have no
glyph of their own for the no-break space, so every later glyph sits one place earlier. Measured on Arial subsets
in real minutes: glyph 133 is "£", 177 "–", 181 and 182 "‘" and "’", 191 "ﬁ" (the standard order's 133, 178,
182, 183 and 192)."""

SPACE_GLYPH = 3
"""The space's glyph in the standard order."""
SPACE_SHARE = 0.04
"""Spaces are at least 4 % of the characters of running text (a table of figures has the fewest); a font whose
text shows glyph 3 less often than that is not trusted to keep the standard order (a subsetter that renumbered the
glyphs puts some letter there, or none)."""


def glyph_characters(program: bytes, shown: str = "") -> dict[int, str]:
    """Glyph number -> character for an embedded TrueType font program; {} when it cannot be told.

    The font's own 'cmap' table says it exactly, and so do its glyph names when its 'post' table keeps them.
    Subsets that keep neither (Word's) keep the original font's glyph numbers, which for the fonts councils
    write in follow the standard Macintosh order; that is trusted only when `shown`, the text pypdf gave for
    the font (one character per glyph number), has the space's glyph as often as running text has spaces.
    """
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(program), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
        exact = _from_cmap(font) or _from_names(font.getGlyphOrder())
    except Exception as exc:  # noqa: BLE001 (an embedded program is untrusted bytes; fontTools raises many kinds)
        log.debug("font program not read: %s", exc)
        return {}
    if exact:
        return exact
    return dict(_core_font_order()) if _keeps_standard_order(shown) else {}


def to_unicode_cmap(characters: dict[int, str]) -> bytes:
    """A /ToUnicode CMap stream's data mapping each two-byte glyph number to its character."""
    lines = [
        f"<{glyph:04X}> <{text.encode('utf-16-be').hex().upper()}>"
        for glyph, text in sorted(characters.items())
        if 0 <= glyph <= 0xFFFF and text
    ]
    blocks = [lines[start : start + 100] for start in range(0, len(lines), 100)]  # a bfchar block holds at most 100
    body = "".join(f"{len(block)} beginbfchar\n" + "\n".join(block) + "\nendbfchar\n" for block in blocks)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nend\nend\n"
    ).encode("ascii")


def _from_cmap(font) -> dict[int, str]:
    codes = font.getBestCmap() if "cmap" in font else None
    glyphs: dict[int, str] = {}
    for code, name in sorted((codes or {}).items()):
        glyph = font.getGlyphID(name)
        if glyph:
            glyphs.setdefault(glyph, chr(code))  # several codes may draw one glyph: the lowest stands for it
    return glyphs


def _from_names(order: list[str]) -> dict[int, str]:
    from fontTools.agl import toUnicode

    # fontTools names the glyphs of a font that keeps no names "glyph00012": those say nothing.
    return {glyph: text for glyph, name in enumerate(order) if glyph and (text := toUnicode(name))}


def _keeps_standard_order(shown: str) -> bool:
    return bool(shown) and shown.count(chr(SPACE_GLYPH)) / len(shown) >= SPACE_SHARE


@cache
def _core_font_order() -> dict[int, str]:
    """Glyph number -> character in the standard Macintosh order, as the Microsoft core fonts keep it."""
    from fontTools.agl import toUnicode
    from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder

    standard = [toUnicode(name) for name in standardGlyphOrder]
    glyphs = dict(enumerate(standard[:NO_BREAK_SPACE_GLYPH]))
    glyphs.update(enumerate(standard[NO_BREAK_SPACE_GLYPH + 1 :], start=NO_BREAK_SPACE_GLYPH))
    return {glyph: text for glyph, text in glyphs.items() if text}
