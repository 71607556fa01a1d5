"""Records that flow through the assistant: Filters -> Hit -> Citation -> Answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.records import Chunk

MODES = ("answer", "commitments", "timeline", "draft")


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """What the papers must match; empty fields match everything."""

    councils: tuple[str, ...] = ()
    committees: tuple[str, ...] = ()
    date_from: str = ""
    """ISO date, inclusive."""
    date_to: str = ""
    """ISO date, inclusive."""
    doc_types: tuple[str, ...] = ()
    undated: bool = False
    """Papers with no known meeting date pass the date filter too (a date filter cannot judge them)."""
    labels: tuple[tuple[str, str], ...] = ()
    """(facet, what the user said) for messages and JSON: ("year", "2022"), ("committee", "OSMB")."""

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.councils or self.committees or self.date_from or self.date_to or self.doc_types)

    def accepts(self, council: str, committee: str, meeting_date: str, doc_type: str) -> bool:
        """Whether a paper or chunk with this metadata passes."""
        if self.councils and council not in self.councils:
            return False
        if self.committees and committee not in self.committees:
            return False
        if not meeting_date and (self.date_from or self.date_to):
            return self.undated and self._accepts_type(doc_type)
        if self.date_from and meeting_date < self.date_from:
            return False
        if self.date_to and meeting_date > self.date_to:
            return False
        return self._accepts_type(doc_type)

    def _accepts_type(self, doc_type: str) -> bool:
        return not self.doc_types or doc_type in self.doc_types

    def where(self) -> dict | None:
        """The same filter as a Chroma where clause."""
        clauses: list[dict] = []
        if self.councils:
            clauses.append({"council": {"$in": list(self.councils)}})
        if self.committees:
            clauses.append({"committee": {"$in": list(self.committees)}})
        dates: list[dict] = []
        if self.date_from:
            dates.append({"date_int": {"$gte": int(self.date_from.replace("-", ""))}})
        if self.date_to:
            dates.append({"date_int": {"$lte": int(self.date_to.replace("-", ""))}})
        if dates and self.undated:
            # A paper with no known date is stored with date_int 0.
            dated = dates[0] if len(dates) == 1 else {"$and": dates}
            dates = [{"$or": [dated, {"date_int": {"$eq": 0}}]}]
        clauses.extend(dates)
        if self.doc_types:
            clauses.append({"doc_type": {"$in": list(self.doc_types)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def to_json(self) -> dict:
        """What was applied, for the JSON output."""
        out: dict = {}
        if self.councils:
            out["council"] = list(self.councils)
        if self.committees:
            out["committee"] = list(self.committees)
        if self.date_from:
            out["date_from"] = self.date_from
        if self.date_to:
            out["date_to"] = self.date_to
        if self.doc_types:
            out["doc_type"] = list(self.doc_types)
        if self.undated:
            out["undated"] = True
        for facet, said in self.labels:
            out.setdefault("asked", {})[facet] = said
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """A retrieved chunk with its scores (higher is better, converted once in retrieve.py)."""

    chunk: Chunk
    score: float
    """Fused score used for ranking."""
    dense: float = 0.0
    """Cosine similarity of the question and the chunk, 0 when the dense retriever did not return it."""
    keyword: float = 0.0
    """BM25 score, 0 when the keyword retriever did not return it."""

    def to_json(self) -> dict:
        """The shape printed by `assistant search --json`."""
        c = self.chunk
        return {
            "id": c.chunk_id,
            "score": round(self.score, 5),
            "dense": round(self.dense, 4),
            "keyword": round(self.keyword, 4),
            "council": c.council,
            "committee": c.committee,
            "meeting_date": c.meeting_date,
            "item": c.item,
            "title": c.title,
            "doc_type": c.doc_type,
            "pages": [c.page_start, c.page_end],
            "source": c.source,
            "text": c.text,
        }


def body_of(committee: str, council: str) -> str:
    """Who met: the committee, else the council (an annual report or a return filed with no meeting), else neither known."""
    return committee or council or "Unknown committee"


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    """One numbered source of an answer: a quote that appears verbatim on its page."""

    key: str
    council: str
    committee: str
    meeting_date: str
    item: str
    title: str
    doc_type: str
    page: int
    source: str
    quote: str
    page_end: int = 0
    """The page the quote ends on when it runs over a page break (0: it ends on `page`)."""
    chunk_id: str = ""
    source_url: str = ""
    """The document's public address ("" when the papers' manifest gave none)."""

    def to_json(self) -> dict:
        """The stable JSON shape."""
        return {
            "key": self.key,
            "council": self.council,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "item": self.item,
            "title": self.title,
            "doc_type": self.doc_type,
            "page": self.page,
            "page_end": max(self.page, self.page_end),
            "source": self.source,
            "quote": self.quote,
            "source_url": self.source_url,
        }

    def reference(self) -> str:
        """Council-style reference: "Cabinet, 28 March 2022, item 126, Social Value Annual Report, p. 3"."""
        from .text import long_date

        parts = [body_of(self.committee, self.council), long_date(self.meeting_date) or "undated"]
        if self.item:
            parts.append(f"item {self.item}")
        parts.append(self.title)
        parts.append(self.pages)
        return ", ".join(parts)

    @property
    def pages(self) -> str:
        """ "p. 7", or "pp. 7–8" for a quote that runs over a page break."""
        return f"pp. {self.page}–{self.page_end}" if self.page_end > self.page else f"p. {self.page}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One line of a timeline: what one meeting decided or heard."""

    meeting_date: str
    committee: str
    item: str
    title: str
    summary: str
    citation_keys: tuple[str, ...]

    def to_json(self) -> dict:
        """The JSON shape of a timeline event."""
        return {
            "meeting_date": self.meeting_date,
            "committee": self.committee,
            "item": self.item,
            "title": self.title,
            "summary": self.summary,
            "citation_keys": list(self.citation_keys),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """What the assistant says: cited text, or a refusal (answered=False, no citations)."""

    question: str
    answered: bool
    answer: str
    citations: tuple[Citation, ...] = ()
    mode: str = "answer"
    filters: Filters = field(default_factory=Filters)
    events: tuple[Event, ...] = ()
    timings_ms: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The stable JSON shape of `assistant ask --json`."""
        out = {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "mode": self.mode,
            "filters": self.filters.to_json(),
        }
        if self.mode == "timeline":
            out["events"] = [e.to_json() for e in self.events]
        return out

    def to_markdown(self) -> str:
        """The answer with its reference list, for copying into a report."""
        lines = [f"**Question:** {self.question}", "", self.answer]
        if self.citations:
            lines += ["", "**References**", ""]
            lines += [f"[{c.key}] {c.reference()} — “{c.quote}” ({c.source}#page={c.page})" for c in self.citations]
        return "\n".join(lines) + "\n"
