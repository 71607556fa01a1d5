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

from .amounts import read_amounts
from .text import squash, tokens

SERIES: tuple[tuple[str, re.Pattern], ...] = (
    ("Value delivered", re.compile(r"\bdeliver(?:ed|y)\b|\bvalidated\b|\bachieved\b", re.I)),
    ("Local spend", re.compile(r"\blocal(?:ly)?[- ](?:spend|economy)\b|\bspend(?:ing)? (?:with|in) (?:local|the (?:borough|city|county|district|area)|borough)", re.I)),
    ("Commitments secured", re.compile(r"\bcommit(?:ments?|ted)\b|\bsecured\b|\bpledged\b", re.I)),
)
# "not £113m", "rather than £113m": an amount the sentence says is wrong.
NEGATED = re.compile(r"\b(?:not|rather than|instead of)\s+(?:more than\s+|over\s+)?$", re.I)
# A clause ends at ";", at ", and"/" and", or at "while": each series keyword owns the amounts of its clause.
CLAUSE = re.compile(r";|,\s+(?:and|while|whereas)\s+|\s+while\s+|\s+and\s+(?=[a-z ]{0,40}(?:deliver|local|commit|secured|validated))", re.I)
# Amounts below this (in £m) are contract thresholds and rates, not programme totals.
MIN_MILLIONS = 1.0
TOPIC_SHARE = 0.5
"""Share of a topic's idf-weighted words a sentence (with its item's title) holds to be on the topic."""


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


def _clause_points(sentence: str) -> tuple[list[tuple[str, float]], set[float]]:
    """(series, £m) stated in a sentence, and the amounts it says are wrong ("£13m, not £113m").

    Each amount belongs to the nearest series keyword of its clause (one before it preferred), and
    each series takes the last amount of the clause ("from £4m to £8m" -> 8).
    """
    found: list[tuple[str, float]] = []
    rejected: set[float] = set()
    for clause in CLAUSE.split(sentence):
        keywords = [(m.start(), m.end(), series) for series, pattern in SERIES for m in pattern.finditer(clause)]
        last: dict[str, float] = {}
        for amount in read_amounts(clause):
            value = amount.millions
            if NEGATED.search(clause[: amount.start]):
                rejected.add(round(value, 3))
                continue
            if value < MIN_MILLIONS or not keywords:
                continue
            # Distance to each keyword; one that follows the amount counts half as close again.
            nearest = min(
                keywords,
                key=lambda k: amount.start - k[1] if k[1] <= amount.start else 1.5 * (k[0] - amount.end),
            )
            last[nearest[2]] = value
        found += list(last.items())
    return found, rejected


def figure_points(
    chunks: Iterable[Chunk], page_texts: Callable[[str], list[str]], about: Callable[[str, Chunk], bool] | None = None
) -> list[FigurePoint]:
    """The recurring figures of these chunks: one point per (series, meeting), in date order.

    about(sentence, chunk), when given, keeps only sentences on the topic asked for: a report on
    social value mentions the Living Wage, but its commitments are no figure of the Living Wage's.
    """
    candidates: dict[tuple[str, str, str], list[FigurePoint]] = {}
    corrected: dict[str, set[float]] = {}
    for chunk in chunks:
        if not chunk.meeting_date:
            continue
        for start, end in sentence_spans(chunk.text):
            sentence = squash(chunk.text[start:end])
            if about is not None and not about(sentence, chunk):
                continue
            points, rejected = _clause_points(sentence)
            corrected.setdefault(chunk.meeting_date, set()).update(rejected)
            for series, value in points:
                point = FigurePoint(
                    series=series, meeting_date=chunk.meeting_date, committee=chunk.committee, item=chunk.item,
                    title=chunk.title, value_m=round(value, 3), quote=sentence, source=chunk.source,
                    page=chunk.page_at(start), paper_id=chunk.paper_id,
                )
                candidates.setdefault((series, chunk.meeting_date, chunk.committee), []).append(point)
    points: list[FigurePoint] = []
    for key in sorted(candidates, key=lambda k: (k[1], k[0], k[2])):
        # A figure the meeting's own papers correct ("£13m, not £113m") is no point of the chart.
        group = [p for p in candidates[key] if p.value_m not in corrected.get(key[1], set())]
        if not group:
            continue
        # The amount stated most often at the meeting; ties go to the larger (the headline total).
        counts = Counter(p.value_m for p in group)
        value = max(counts, key=lambda v: (counts[v], v))
        for point in group:
            if point.value_m == value and _on_page(point, page_texts):
                points.append(point)
                break
    return points


def on_topic(topic: list[str], idf: Callable[[str], float]) -> Callable[[str, Chunk], bool]:
    """Whether a sentence of a chunk, with its item's title, holds TOPIC_SHARE of the topic's words by weight."""
    weights = {term: idf(term) for term in topic}
    total = sum(weights.values()) or 1.0

    def about(sentence: str, chunk: Chunk) -> bool:
        said = set(tokens(f"{chunk.title} {sentence}"))
        return sum(weight for term, weight in weights.items() if term in said) / total >= TOPIC_SHARE

    return about


def _on_page(point: FigurePoint, page_texts: Callable[[str], list[str]]) -> bool:
    pages = page_texts(point.paper_id)
    return 1 <= point.page <= len(pages) and squash(point.quote) in squash(pages[point.page - 1])
