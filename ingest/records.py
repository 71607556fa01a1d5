"""Records that flow through ingest: Page -> Paper -> Chunk."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

DOC_TYPES = ("agenda", "report", "minutes", "appendix", "other")


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of a PDF after cleaning."""

    number: int
    """1-based page number in the PDF."""
    text: str
    """Cleaned text: running headers, footers and page numbers removed, hyphenated line ends joined."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One agenda item inside a paper, with the pages its text covers."""

    number: str
    """Agenda item number as printed ("126"), or "" for front matter."""
    title: str
    """Item title in display case."""
    doc_type: str
    """agenda, report, minutes, appendix or other."""
    segments: tuple[tuple[int, str], ...]
    """(page number, text) pieces of this item in reading order."""

    @property
    def page_start(self) -> int:
        """First page of the item."""
        return self.segments[0][0]

    @property
    def page_end(self) -> int:
        """Last page of the item."""
        return self.segments[-1][0]


@dataclass(frozen=True, slots=True, kw_only=True)
class Meeting:
    """Where a paper was considered."""

    council: str = ""
    committee: str = ""
    meeting_date: str = ""
    """ISO date, or "" when the paper does not say."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Paper:
    """A parsed PDF: its meeting, its pages and its items."""

    paper_id: str
    """First 16 hex digits of the sha256 of the PDF bytes."""
    sha256: str
    source: str
    """Path relative to the project root, e.g. corpus/pdfs/...pdf."""
    meeting: Meeting
    doc_type: str
    title: str
    pages: tuple[Page, ...]
    items: tuple[Item, ...]
    source_url: str = ""
    """The document's public address, from the meeting's manifest ("" when there is none)."""
    item_title: str = ""
    """Title of the agenda item the paper was matched to, when it was ("" otherwise)."""
    provenance: dict[str, str] = field(default_factory=dict)
    """Which source gave each field: council, committee, meeting_date, item, title -> manifest, filename,
    folder, sibling, agenda, minutes or paper (see ingest/context.py)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Chunk:
    """A retrievable piece of one item of one paper; knows everything a citation needs."""

    chunk_id: str
    paper_id: str
    source: str
    council: str
    committee: str
    meeting_date: str
    item: str
    title: str
    doc_type: str
    page_start: int
    page_end: int
    text: str
    page_offsets: tuple[tuple[int, int], ...] = field(default=())
    """(character offset in text, page number) where each page's text starts."""
    ordinal: int = 0
    source_url: str = ""
    """The document's public address ("" when the manifest gave none)."""

    # The saved keyword index pickles every chunk: dataclasses' own pickling of slotted classes calls
    # fields() for each one (0.56 of 0.67 s unpickling 50k chunks). The state is the same list of
    # values in field order, so indexes saved either way load either way.
    def __getstate__(self) -> list:
        return [getattr(self, name) for name in _CHUNK_FIELDS]

    def __setstate__(self, state: list) -> None:
        for set_slot, value in zip(_CHUNK_SLOTS, state):
            set_slot(self, value)

    def page_at(self, offset: int) -> int:
        """The page that holds the character at offset in text."""
        page = self.page_start
        for start, number in self.page_offsets:
            if start > offset:
                break
            page = number
        return page

    def to_metadata(self) -> dict[str, str | int]:
        """Flat scalar metadata for Chroma (never None)."""
        date = self.meeting_date
        return {
            "paper_id": self.paper_id,
            "source": self.source,
            "council": self.council,
            "committee": self.committee,
            "meeting_date": date,
            "date_int": int(date.replace("-", "")) if date else 0,
            "year": int(date[:4]) if date else 0,
            "item": self.item,
            "title": self.title,
            "doc_type": self.doc_type,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "page_offsets": json.dumps(self.page_offsets),
            "ordinal": self.ordinal,
            "source_url": self.source_url,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict) -> "Chunk":
        """Inverse of to_metadata."""
        return cls(
            chunk_id=chunk_id,
            paper_id=str(meta["paper_id"]),
            source=str(meta["source"]),
            council=str(meta["council"]),
            committee=str(meta["committee"]),
            meeting_date=str(meta["meeting_date"]),
            item=str(meta["item"]),
            title=str(meta["title"]),
            doc_type=str(meta["doc_type"]),
            page_start=int(meta["page_start"]),
            page_end=int(meta["page_end"]),
            text=text,
            page_offsets=tuple(tuple(p) for p in json.loads(meta.get("page_offsets") or "[]")),
            ordinal=int(meta.get("ordinal", 0)),
            source_url=str(meta.get("source_url") or ""),
        )


_CHUNK_FIELDS = tuple(f.name for f in fields(Chunk))
# A slot's own setter: the frozen class's __setattr__ refuses, and object.__setattr__ costs more per call.
_CHUNK_SLOTS = tuple(Chunk.__dict__[name].__set__ for name in _CHUNK_FIELDS)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaperSummary:
    """One paper as the index knows it (for `ingest list` and the Documents tab)."""

    paper_id: str
    sha256: str
    source: str
    council: str
    committee: str
    meeting_date: str
    doc_type: str
    title: str
    items: tuple[tuple[str, str], ...]
    pages: int
    chunks: int
    source_url: str = ""
    provenance: dict[str, str] = field(default_factory=dict)
    """Which source gave each field (see Paper.provenance)."""

    @property
    def has_meeting(self) -> bool:
        """True when the paper's committee and meeting date are known."""
        return bool(self.committee and self.meeting_date)

    def to_json(self) -> dict:
        """The shape printed by `ingest list --json`."""
        return {
            "source": self.source,
            "council": self.council,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "doc_type": self.doc_type,
            "title": self.title,
            "items": [{"item": n, "title": t} for n, t in self.items],
            "pages": self.pages,
            "chunks": self.chunks,
            "source_url": self.source_url,
            "has_meeting": self.has_meeting,
            "provenance": dict(self.provenance),
        }


@dataclass(slots=True, kw_only=True)
class IngestReport:
    """What one ingest run did."""

    papers: int = 0
    """Papers (re)ingested in this run."""
    chunks: int = 0
    skipped_unchanged: int = 0
    replaced: int = 0
    removed: int = 0
    failed: list[dict[str, str | bool]] = field(default_factory=list)
    """{"path", "error", "remembered"} for each file refused; remembered: the refusal of an earlier run, for
    the same bytes, which still holds (ingest/refusals.py), so the file was not read again."""
    seconds: float = 0.0
    no_meeting: int = 0
    """Papers (re)ingested in this run whose meeting (committee and date) is not known."""
    keyword_seconds: float = 0.0
    """Seconds spent bringing the saved keyword index in step afterwards (`ingest build`; 0 when not done)."""

    def to_json(self) -> dict:
        """The shape printed by `ingest build --json`."""
        return {
            "papers": self.papers,
            "chunks": self.chunks,
            "skipped_unchanged": self.skipped_unchanged,
            "replaced": self.replaced,
            "removed": self.removed,
            "failed": list(self.failed),
            "seconds": round(self.seconds, 3),
            "no_meeting": self.no_meeting,
            "keyword_seconds": round(self.keyword_seconds, 3),
        }
