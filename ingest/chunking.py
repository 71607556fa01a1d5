"""Paper -> chunks: sentence-aligned pieces of one item each, with their page map."""

from __future__ import annotations

import re

from .records import Chunk, Item, Paper

# A new block starts a line: "1.1 ", "2. ", "(3) ", "a. ", "b) ", bullets, "Resolved". A paragraph
# number opens a sentence; "2.6 to 2.20;" on a wrapped line is a reference inside one.
BLOCK_START = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?\s+(?![a-z])|\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})[.)]\s|[•●▪\-–*]\s|Resolved\b)")
SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+(?=[A-Z0-9£(\"'])")
ABBREVIATIONS = {"a.m", "p.m", "e.g", "i.e", "no", "nos", "para", "paras", "cllr", "cllrs", "mr", "mrs", "ms", "dr", "st", "etc", "vs", "approx"}
SHORT_LINE = 60
"""Lines shorter than this end a paragraph, a heading or a table row (prose wraps at ~90)."""


def _abbreviation_before(text: str, dot: int) -> bool:
    start = dot
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    # "1. Summary" and "2.3. Background" are paragraph numbers, not sentence ends.
    numbered = bool(re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*", word)) and (start == 0 or text[start - 1] in " \n")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or numbered


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence or block in text; the spans cover the text in order."""
    cuts: set[int] = set()
    for match in SENTENCE_END.finditer(text):
        if not _abbreviation_before(text, match.start()):
            cuts.add(match.end())
    offset = 0
    lines = text.split("\n")
    for index, line in enumerate(lines[:-1]):
        offset += len(line) + 1
        following = lines[index + 1]
        stripped = line.rstrip()
        if BLOCK_START.match(following) or (
            len(stripped) < SHORT_LINE
            and not stripped.endswith((",", "-", "–", "&", " and", " of", " the"))
            and following[:1].isupper() | following[:1].isdigit() | following.startswith("£")
        ):
            cuts.add(offset)
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(cuts) + [len(text)]:
        piece = text[start:cut]
        if piece.strip():
            left = start + (len(piece) - len(piece.lstrip()))
            right = start + len(piece.rstrip())
            spans.append((left, right))
        start = cut
    return spans


def _item_text(item: Item) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for page, text in item.segments:
        offsets.append((position, page))
        parts.append(text)
        position += len(text) + 1
    return "\n".join(parts), offsets


def _windows(spans: list[tuple[int, int]], limit: int, overlap: int) -> list[tuple[int, int]]:
    """Group sentence spans into windows of at most limit characters, overlapping by sentences."""
    # Split sentences that alone exceed the limit (long table rows) at whitespace.
    pieces: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > limit:
            pieces.append((start, start + limit))
            start += limit
        pieces.append((start, end))
    windows: list[tuple[int, int]] = []
    first = 0
    while first < len(pieces):
        last = first
        while last + 1 < len(pieces) and pieces[last + 1][1] - pieces[first][0] <= limit:
            last += 1
        windows.append((pieces[first][0], pieces[last][1]))
        if last + 1 >= len(pieces):
            break
        first = max(first + 1, last + 1 - overlap)
    return windows


def chunk_paper(paper: Paper, *, chunk_chars: int = 900, overlap: int = 1) -> list[Chunk]:
    """Split every item of a paper into chunks; no chunk spans two items."""
    chunks: list[Chunk] = []
    for item in paper.items:
        text, offsets = _item_text(item)
        for start, end in _windows(sentence_spans(text), chunk_chars, overlap):
            page_offsets = [(max(0, at - start), page) for at, page in offsets if at < end]
            # Keep only the pages this window touches.
            page_offsets = [(o, p) for i, (o, p) in enumerate(page_offsets) if i + 1 == len(page_offsets) or page_offsets[i + 1][0] > 0]
            pages = [p for _, p in page_offsets]
            ordinal = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=f"{paper.paper_id}:{ordinal:05d}",
                    paper_id=paper.paper_id,
                    source=paper.source,
                    council=paper.meeting.council,
                    committee=paper.meeting.committee,
                    meeting_date=paper.meeting.meeting_date,
                    item=item.number,
                    title=item.title,
                    doc_type=item.doc_type,
                    page_start=pages[0],
                    page_end=pages[-1],
                    text=text[start:end],
                    page_offsets=tuple(page_offsets),
                    ordinal=ordinal,
                    source_url=paper.source_url,
                )
            )
    return chunks
