"""Raw page text -> clean page text: running headers, footers and page numbers out, hyphens joined.

Pure functions; regexes are named constants so tests can point at them.
"""

from __future__ import annotations

import re
from collections import Counter

from .records import Page

# Lines that are only a page number: "3", "Page 3", "Page 3 of 12", "- 3 -", "3 | Page".
PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|\d{1,4}(?:\s+of\s+\d{1,4})?|-\s*\d{1,4}\s*-|\d{1,4}\s*\|\s*page)\s*$",
    re.IGNORECASE,
)
# "procure-\nment" -> "procurement": a hyphen at a line end between two lower-case letters.
HYPHENATED_LINE_END = re.compile(r"([a-z])-\n([a-z])")
# List bullets as PDFs encode them: reportlab's Helvetica bullet comes out of pypdf as U+007F, Word's
# Symbol-font bullets as private-use U+F0B7/U+F0A7. All become "•" so they read (and chunk) as bullets.
BULLET_GLYPH = re.compile(r"^[ \t]*[\x7f\uf0b7\uf0a7\uf076\uf0d8\u25aa\u25cf\u2022\u00b7][ \t]*", re.M)
EDGE_LINES = 3
"""How many lines at the top and bottom of a page may be running headers or footers."""


def _shape(line: str) -> str:
    """A line with its digits masked, so "Page 3 of 12" and "Page 4 of 12" look alike."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _edge_indexes(lines: list[str]) -> list[int]:
    """Indexes of the first and last few non-blank lines."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def clean_pages(raw_texts: list[str]) -> list[Page]:
    """Clean every page of one PDF; the page count and numbering are kept."""
    pages = [[line.rstrip() for line in (text or "").replace("\r", "\n").split("\n")] for text in raw_texts]
    shape_pages: Counter[str] = Counter()
    for lines in pages:
        shape_pages.update({_shape(lines[i]) for i in _edge_indexes(lines)})
    # A line shape at the edge of at least half the pages (and of two or more) is running matter.
    threshold = max(2, (len(pages) + 1) // 2)
    running = {shape for shape, n in shape_pages.items() if n >= threshold and shape}

    cleaned: list[Page] = []
    for number, lines in enumerate(pages, start=1):
        drop = {
            i
            for i in _edge_indexes(lines)
            if _shape(lines[i]) in running or PAGE_NUMBER_LINE.match(lines[i])
        }
        kept = [line for i, line in enumerate(lines) if i not in drop and line.strip()]
        text = BULLET_GLYPH.sub("• ", HYPHENATED_LINE_END.sub(r"\1\2", "\n".join(kept)))
        cleaned.append(Page(number=number, text=text))
    return cleaned


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces: the form quotes are compared in."""
    return " ".join(text.split())
