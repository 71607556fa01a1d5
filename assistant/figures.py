"""Figures that recur across years (commitments, value delivered, local spend), each with its page.

A researcher tracing a policy wants to see how the money moved. Papers state a figure in a
sentence ("commitments had more than doubled, to £27.8m"); this module finds such sentences in
the chunks of one topic, reads the amount that belongs to each series keyword, and keeps, per
meeting and series, the amount the papers of that meeting state most often (so a misprint that
was corrected in the same papers does not become the point). Every point keeps the sentence and
page it came from, checked verbatim like any other citation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ingest.chunking import sentence_spans
from ingest.records import Chunk

from .text import squash

SERIES: tuple[tuple[str, re.Pattern], ...] = (
    ("Value delivered", re.compile(r"\bdeliver(?:ed|y)\b|\bvalidated\b|\bachieved\b", re.I)),
    ("Local spend", re.compile(r"\blocal(?:ly)?[- ](?:spend|economy)\b|\bspend(?:ing)? (?:with|in) (?:local|rotherham|the borough|borough)", re.I)),
    ("Commitments secured", re.compile(r"\bcommit(?:ments?|ted)\b|\bsecured\b|\bpledged\b", re.I)),
)
AMOUNT = re.compile(r"£\s?(\d{1,4}(?:,\d{3})*(?:\.\d+)?)\s?(million|m\b|bn\b|billion|k\b)?", re.I)
# A clause ends at ";", at ", and"/" and", or at "while": each series keyword owns the amounts of its clause.
CLAUSE = re.compile(r";|,\s+(?:and|while|whereas)\s+|\s+while\s+|\s+and\s+(?=[a-z ]{0,40}(?:deliver|local|commit|secured|validated))", re.I)
# Amounts below this (in £m) are contract thresholds and rates, not programme totals.
MIN_MILLIONS = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class FigurePoint:
    """One figure stated at one meeting, with the sentence and page it came from."""

    series: str
    meeting_date: str
    committee: str
    item: str
    title: str
    value_m: float
    """The amount in £ million."""
    quote: str
    source: str
    page: int
    paper_id: str


def millions(number: str, unit: str | None) -> float:
    """£ amount as written -> £ million ("27.8", "m" -> 27.8; "105,000,000", None -> 105.0)."""
    value = float(number.replace(",", ""))
    unit = (unit or "").lower()
    if unit in ("bn", "billion"):
        return value * 1000
    if unit in ("m", "million"):
        return value
    if unit == "k":
        return value / 1000
    return value / 1_000_000


def _clause_points(sentence: str) -> list[tuple[str, float]]:
    """(series, £m) for each series keyword and the last amount in its clause ("from £4m to £8m" -> 8)."""
    found: list[tuple[str, float]] = []
    for clause in CLAUSE.split(sentence):
        amounts = [millions(m.group(1), m.group(2)) for m in AMOUNT.finditer(clause)]
        amounts = [a for a in amounts if a >= MIN_MILLIONS]
        if not amounts:
            continue
        for series, pattern in SERIES:
            if pattern.search(clause):
                found.append((series, amounts[-1]))
                break
    return found


def figure_points(chunks: Iterable[Chunk], page_texts: Callable[[str], list[str]]) -> list[FigurePoint]:
    """The recurring figures of these chunks: one point per (series, meeting), in date order."""
    candidates: dict[tuple[str, str, str], list[FigurePoint]] = {}
    for chunk in chunks:
        if not chunk.meeting_date:
            continue
        for start, end in sentence_spans(chunk.text):
            sentence = squash(chunk.text[start:end])
            for series, value in _clause_points(sentence):
                point = FigurePoint(
                    series=series, meeting_date=chunk.meeting_date, committee=chunk.committee, item=chunk.item,
                    title=chunk.title, value_m=round(value, 3), quote=sentence, source=chunk.source,
                    page=chunk.page_at(start), paper_id=chunk.paper_id,
                )
                candidates.setdefault((series, chunk.meeting_date, chunk.committee), []).append(point)
    points: list[FigurePoint] = []
    for key in sorted(candidates, key=lambda k: (k[1], k[0], k[2])):
        group = candidates[key]
        # The amount stated most often at the meeting; ties go to the larger (the headline total).
        counts = Counter(p.value_m for p in group)
        value = max(counts, key=lambda v: (counts[v], v))
        for point in group:
            if point.value_m == value and _on_page(point, page_texts):
                points.append(point)
                break
    return points


def _on_page(point: FigurePoint, page_texts: Callable[[str], list[str]]) -> bool:
    pages = page_texts(point.paper_id)
    return 1 <= point.page <= len(pages) and squash(point.quote) in squash(pages[point.page - 1])
