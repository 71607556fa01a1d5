"""Evidence -> a cited answer, without an LLM: sentences picked for relevance and novelty,
grouped by meeting in date order, each checked verbatim against its page before it is shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.chunking import sentence_spans
from ingest.records import Chunk

from .records import Answer, Citation, Event, Filters, Hit
from .text import long_date, squash, tokens

FIGURE = re.compile(r"£\s?\d|\d+(?:\.\d+)?\s?(?:%|per cent|million|m\b|bn\b)|\b\d{2,}\b")
DATE_WORDS = re.compile(r"\b(?:19|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
PEOPLE = re.compile(r"\b(?:Councillor|Cllr|Leader|Chief Executive|Chair|Director|Board|Cabinet|officer)\b")
DECISION = re.compile(
    r"\bResolved\b|^\(?\d{1,2}\)\s*That\b|^That\b|\b(?:approved?|agreed?|adopt(?:ed)?|endorsed?|noted|commit(?:ted|ments?)?|"
    r"priorit(?:y|ies)|will\b|recommend(?:ed|ations?)?|pledged?)",
    re.I | re.M,
)
ASKS_FIGURE = re.compile(r"\bhow (?:much|many)\b|\bfigures?\b|\bamount\b|\btotal\b|\bvalue of\b|£|\bper ?cent|\bpercentage\b|\bthreshold\b|\bweighting\b|\brate\b", re.I)
ASKS_WHEN = re.compile(r"\bwhen\b|\bwhat date\b|\bwhich (?:meeting|year|month)\b", re.I)
ASKS_WHO = re.compile(r"\bwho\b|\bwhich (?:committee|councillor|officer)\b", re.I)
# Words that say what kind of answer is wanted, not what it is about.
MODE_WORDS = set(
    tokens(
        "commit commitments committed promise promised pledge pledges draft paragraph background write report text "
        "timeline history developed develop development evolved changed change over time trace since adopted first "
        "what did we our say decide decided council councils social value"
    )
) - set(tokens("social value"))
# Lines of a cover block ("Meeting date: Monday 28 March 2022") are metadata, not evidence.
COVER_LINE = re.compile(r"^[A-Z][A-Za-z ()/]{1,40}:\s")
# Procedural items every meeting has; their decisions are never what a question is about.
PROCEDURAL = re.compile(
    r"minutes of the (?:previous )?meeting|declarations? of interest|apologies|questions from (?:members of )?the public|"
    r"exclusion of the press|urgent business|date and time of (?:the )?next meeting|attendance|front sheet",
    re.I,
)
MAX_SENTENCES = {"answer": 6, "commitments": 10, "timeline": 12, "draft": 7}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence of one chunk, scored for a question."""

    text: str
    chunk: Chunk
    page: int
    score: float
    rank: int
    terms: frozenset[str]


def meeting_key(chunk: Chunk) -> tuple[str, str, str]:
    """Papers of one meeting share this: (date, committee, council)."""
    return (chunk.meeting_date, chunk.committee, chunk.council)


def meeting_heading(chunk: Chunk) -> str:
    """"Cabinet, 28 March 2022 — item 126, Social Value Annual Report"."""
    when = long_date(chunk.meeting_date) or "undated"
    item = f"item {chunk.item}, " if chunk.item else ""
    return f"{chunk.committee or 'Unknown committee'}, {when} — {item}{chunk.title}"


class Composer:
    """Builds answers from hits; page_texts(paper_id) gives the page texts that quotes are checked against."""

    def __init__(self, page_texts: Callable[[str], list[str]], idf: Callable[[str], float]) -> None:
        self.page_texts = page_texts
        self.idf = idf

    # -- evidence ------------------------------------------------------------------------------

    def topic_terms(self, question: str) -> set[str]:
        """The question's content terms, less the words that only name the mode."""
        terms = set(tokens(question))
        return (terms - MODE_WORDS) or terms

    def coverage(self, question: str, hits: list[Hit], top: int = 3) -> float:
        """Share of the question's idf-weighted terms that the best hits contain."""
        terms = self.topic_terms(question)
        if not terms:
            return 0.0
        found: set[str] = set()
        for hit in hits[:top]:
            found |= set(tokens(f"{hit.chunk.title} {hit.chunk.text}"))
        total = sum(self.idf(t) for t in terms)
        return sum(self.idf(t) for t in terms & found) / total if total else 0.0

    def evidence(self, question: str, hits: list[Hit], mode: str) -> list[Evidence]:
        """Every usable sentence of the hits, scored (best first)."""
        terms = self.topic_terms(question)
        weight = {t: self.idf(t) for t in terms}
        total = sum(weight.values()) or 1.0
        wants_figure, wants_when, wants_who = (bool(p.search(question)) for p in (ASKS_FIGURE, ASKS_WHEN, ASKS_WHO))
        out: list[Evidence] = []
        for rank, hit in enumerate(hits):
            chunk = hit.chunk
            title_terms = set(tokens(chunk.title))
            for start, end in sentence_spans(chunk.text):
                text = squash(chunk.text[start:end])
                words = len(text.split())
                if words < 5 or len(text) > 600 or (words < 12 and COVER_LINE.match(text)):
                    continue
                sentence_terms = frozenset(tokens(text))
                lexical = sum(w for t, w in weight.items() if t in sentence_terms) / total
                context = sum(w for t, w in weight.items() if t in title_terms and t not in sentence_terms) / total
                score = 0.55 * lexical + 0.1 * context + 0.35 / (1 + 0.25 * rank)
                if wants_figure and FIGURE.search(text):
                    score += 0.25
                if wants_when and DATE_WORDS.search(text):
                    score += 0.15
                if wants_who and PEOPLE.search(text):
                    score += 0.15
                if mode in ("commitments", "timeline") and DECISION.search(text):
                    score += 0.3
                if mode == "timeline" and FIGURE.search(text):
                    score += 0.1
                if mode == "draft" and chunk.doc_type in ("report", "appendix"):
                    score += 0.1
                if PROCEDURAL.search(chunk.title):
                    score -= 0.3
                out.append(Evidence(text, chunk, chunk.page_at(start), score, rank, sentence_terms))
        out.sort(key=lambda e: -e.score)
        return out

    def verified(self, evidence: Evidence) -> bool:
        """Whether the sentence appears verbatim (modulo whitespace) on the page it will cite."""
        pages = self.page_texts(evidence.chunk.paper_id)
        if not 1 <= evidence.page <= len(pages):
            return False
        return squash(evidence.text) in squash(pages[evidence.page - 1])

    def select(self, candidates: list[Evidence], limit: int, *, per_meeting: int = 99, floor: float = 0.45) -> list[Evidence]:
        """The best sentences that say something new, verified against their pages."""
        chosen: list[Evidence] = []
        per: dict[tuple, int] = {}
        if not candidates:
            return chosen
        best = candidates[0].score
        for candidate in candidates:
            if len(chosen) >= limit or candidate.score < floor * best:
                break
            key = meeting_key(candidate.chunk)
            if per.get(key, 0) >= per_meeting:
                continue
            if any(_similar(candidate.terms, c.terms) for c in chosen):
                continue
            if not self.verified(candidate):
                continue
            chosen.append(candidate)
            per[key] = per.get(key, 0) + 1
        return chosen

    # -- answers -------------------------------------------------------------------------------

    def compose(self, question: str, hits: list[Hit], *, mode: str, filters: Filters) -> Answer | None:
        """A cited answer in the given mode, or None when no verified sentence is good enough."""
        candidates = self.evidence(question, hits, mode)
        if mode == "timeline":
            return self._timeline(question, hits, candidates, filters)
        limit = MAX_SENTENCES[mode]
        chosen = self.select(candidates, limit, per_meeting=2 if mode == "draft" else 99)
        if not chosen:
            return None
        citations = Citations()
        if mode == "draft":
            ordered = sorted(chosen, key=lambda e: (e.chunk.meeting_date, e.chunk.source, e.chunk.ordinal))
            paragraph = " ".join(f"{e.text} [{citations.add(e)}]" for e in ordered)
            references = "\n".join(f"[{c.key}] {c.reference()}" for c in citations.items)
            text = f"{paragraph}\n\n**References**\n\n{references}"
        else:
            text = self._grouped(chosen, citations, bullets=mode == "commitments")
        return Answer(question=question, answered=True, answer=text, citations=tuple(citations.items), mode=mode, filters=filters)

    def _grouped(self, chosen: list[Evidence], citations: "Citations", *, bullets: bool) -> str:
        """Sentences grouped under their meeting, meetings in date order."""
        groups: dict[tuple, list[Evidence]] = {}
        for evidence in chosen:
            groups.setdefault(meeting_key(evidence.chunk) + (evidence.chunk.item, evidence.chunk.title), []).append(evidence)
        blocks = []
        for key in sorted(groups, key=lambda k: (k[0], k[1])):
            members = sorted(groups[key], key=lambda e: (e.chunk.source, e.chunk.ordinal))
            heading = f"**{meeting_heading(members[0].chunk)}**"
            if bullets:
                body = "\n".join(f"- {e.text} [{citations.add(e)}]" for e in members)
            else:
                body = " ".join(f"{e.text} [{citations.add(e)}]" for e in members)
            blocks.append(f"{heading}\n{body}")
        return "\n\n".join(blocks)

    def _timeline(self, question: str, hits: list[Hit], candidates: list[Evidence], filters: Filters) -> Answer | None:
        """One line per meeting in date order, with the most telling verified sentence of each."""
        if not hits:
            return None
        top_dense = max(h.dense for h in hits)
        relevant = {
            meeting_key(h.chunk)
            for rank, h in enumerate(hits)
            if h.chunk.meeting_date and (h.dense >= top_dense - 0.15 or rank < 3)
        }
        best: dict[tuple, Evidence] = {}
        for candidate in candidates:
            key = meeting_key(candidate.chunk)
            if key in relevant and key not in best and self.verified(candidate):
                best[key] = candidate
        if not best:
            return None
        citations = Citations()
        lines, events = [], []
        for key in sorted(best):
            e = best[key]
            c = e.chunk
            cite = citations.add(e)
            item = f", item {c.item}" if c.item else ""
            lines.append(f"- **{long_date(c.meeting_date)}** — {c.committee}{item} ({c.title}): {e.text} [{cite}]")
            events.append(Event(meeting_date=c.meeting_date, committee=c.committee, item=c.item, title=c.title, summary=e.text, citation_keys=(cite,)))
        return Answer(
            question=question,
            answered=True,
            answer="\n".join(lines),
            citations=tuple(citations.items),
            mode="timeline",
            filters=filters,
            events=tuple(events),
        )


def _similar(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    """Two sentences say the same thing when most of their terms are shared."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= threshold


class Citations:
    """Numbers sources in order of first use."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def add(self, evidence: Evidence) -> str:
        """The key of this sentence's citation (a new one for each sentence)."""
        c = evidence.chunk
        key = str(len(self.items) + 1)
        self.items.append(
            Citation(
                key=key,
                council=c.council,
                committee=c.committee,
                meeting_date=c.meeting_date,
                item=c.item,
                title=c.title,
                doc_type=c.doc_type,
                page=evidence.page,
                source=c.source,
                quote=evidence.text,
                chunk_id=c.chunk_id,
            )
        )
        return key
