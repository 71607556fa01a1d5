"""The lists a sentence ending ":" opens: "the priorities for 2022 are: (a) ... (f)", "That the Committee:
1. Noted ... 2. Approved ...", "Members raised the following points: • ... • ...".

An answer shows a list's entries under the sentence that opens it, each verified on its page. What
counts as an entry is read from the papers' own structure: letters, roman numerals and bullets, or
numbers counting from one; a note on the numbered parts among them; a bullet's further sentences.
A resolution's numbered parts ("(2) That ...") are one list too: quoting one part, an answer asking what
was requested brings the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ingest.chunking import sentence_spans
from ingest.records import Chunk

from .text import squash

if TYPE_CHECKING:
    from .compose import Evidence

# "(a) Launch the toolkit", "b. Embed ...", "(ii) ...", "- ...": entries of a list that a sentence ending ":" opens.
LIST_ENTRY = re.compile(r"^(?:\(?[a-h][.)]|\(?(?:i{1,3}|iv|v|vi{0,3})[.)]|[•●▪\-–*])\s")
NUMBERED_ENTRY = re.compile(r"^\(?(\d{1,2})[.)]\s+(?=[A-Z])")
LETTERED_ENTRY = re.compile(r"^\(?([a-h])[.)]\s")
BULLET = re.compile(r"^[•●▪\-–*]\s")
# One numbered part of a resolution: "(2) That a mid-year report be submitted to the Board."
RESOLUTION_PART = re.compile(r"^\(?\d{1,2}\)\s*That\b")
# A decision's note on its own numbered parts, among them: "Recommendations 3 was not approved (2 For, 7 Against)".
LIST_NOTE = re.compile(r"^\*?\s*Recommendations?\s+\d{1,2}[a-z]?\b", re.I)
MAX_LIST_ENTRIES = 10
LIST_READ = 40
"""Sentences after a list's opening read for its entries, at most."""


def list_entries(lead: Evidence, next_chunk: Callable[[Chunk], Chunk | None], verified: Callable[[Evidence], bool]) -> list[Evidence]:
    """The verified entries of the list the sentence lead opens, read on through its item's next chunks."""
    if not lead.text.rstrip().endswith(":"):
        return []
    following = _after(lead, next_chunk)
    entries: list[Evidence] = []
    counted, letter = 0, "a"
    for index, (text, chunk, start, end) in enumerate(following):
        # "That the Committee: 1. Noted ... 2. Approved ...": a list numbered from one, in order, is entries too.
        numbered = NUMBERED_ENTRY.match(text)
        lettered = LETTERED_ENTRY.match(text)
        if numbered and int(numbered.group(1)) == counted + 1:
            counted, letter = counted + 1, "a"
        elif counted and lettered:
            # Under numbered parts, "(a)", "(b)" are a part's own; a form's next field ("(e) Exempt Information?") ends the list.
            if lettered.group(1) != letter:
                return entries
            letter = chr(ord(letter) + 1)
        elif not (LIST_ENTRY.match(text) or (counted and LIST_NOTE.match(text))):
            # "• The reduced timeline was noted. Officers confirmed the revised schedule. • Due to ...": a bullet's
            # further sentences, before the next bullet, are its own (after the last one they may be the minute's).
            last = entries[-1] if entries else None
            if last is None or last.chunk is not chunk or not BULLET.match(last.text) or index + 1 == len(following) or not BULLET.match(following[index + 1][0]):
                return entries
            longer = lead.beside(squash(chunk.text[last.start : end]), chunk, last.start)
            if verified(longer):
                entries[-1] = longer
            continue
        entry = lead.beside(text, chunk, start)
        if verified(entry):
            entries.append(entry)
        if len(entries) >= MAX_LIST_ENTRIES:
            return entries
    return entries


def _after(lead: Evidence, next_chunk: Callable[[Chunk], Chunk | None]) -> list[tuple[str, Chunk, int, int]]:
    """The sentences after one, in its chunk and the item's next chunks (text, chunk, start, end), as far as a list may run."""
    out: list[tuple[str, Chunk, int, int]] = []
    seen = {lead.text}
    chunk, after = lead.chunk, lead.start + 1
    while chunk is not None and len(out) < LIST_READ:
        for start, end in sentence_spans(chunk.text):
            text = squash(chunk.text[start:end])
            if start < after or text in seen:  # before the lead, or the sentence the next chunk repeats from this one
                continue
            seen.add(text)
            out.append((text, chunk, start, end))
        chunk, after = next_chunk(chunk), 0
    return out[:LIST_READ]


def resolution_parts(
    chosen: list[Evidence], next_chunk: Callable[[Chunk], Chunk | None], verified: Callable[[Evidence], bool]
) -> list[Evidence]:
    """The other numbered parts of each resolution an answer quotes a part of, verified and not yet shown.

    "(2) That a mid-year report be submitted" answers "what did the board ask for?" only in part:
    (3) and (4) of the same resolution are the rest of what it asked.
    """
    shown = {(e.chunk.paper_id, e.text) for e in chosen}
    added: list[Evidence] = []
    for evidence in chosen:
        if not RESOLUTION_PART.match(evidence.text):
            continue
        chunk = evidence.chunk
        for _ in range(2):  # this chunk and the next of the same item
            for start, end in sentence_spans(chunk.text):
                text = squash(chunk.text[start:end])
                if RESOLUTION_PART.match(text) and (chunk.paper_id, text) not in shown:
                    part = evidence.beside(text, chunk, start)
                    if verified(part):
                        shown.add((chunk.paper_id, text))
                        added.append(part)
            chunk = next_chunk(chunk)
            if chunk is None:
                break
    return added
