"""Council, committee, meeting date and document type of many rows (chunks or papers) as integer codes.

A filter is then a few numpy gathers and comparisons over int32 columns, and each distinct filter's
mask is kept (read-only) until the rows change: an object of this class is made once per version
of what it describes (a keyword index, a registry read), so nothing here needs invalidating.
Comparing fixed-width string columns with np.isin sorted every chunk's value for every question
(the 1,000,000-chunk bench run, README). The table of papers also says which matter they take up most
(the Timeline tab's default topic).
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ingest.records import PaperSummary

from .records import Filters

# Procedural items every meeting has; their decisions are what a question is about only when it asks who chaired,
# attended or stood in, or what was declared.
PROCEDURAL = re.compile(
    r"minutes of the (?:previous )?meeting|declarations? of interest|apologies|questions from (?:members of )?the public|"
    r"exclusion of the press|urgent business|date and time of (?:the )?next meeting|attendance|front sheet",
    re.I,
)
# What a title says about the kind of paper, not its matter: "Social Value Annual Report" is about social value.
GENERIC_TITLE = re.compile(
    r"\b(?:(?:mid[- ]year|annual|quarterly|progress|monitoring|update|final|draft|interim)\s+)*(?:report|update|review|minutes|agenda|appendix [a-z0-9]+)\b|"
    r"\b(?:(?:19|20)\d\d(?:[/-]\d\d)?)\b",
    re.I,
)

MASKS_KEPT = 256
"""Distinct filters whose masks are kept (a mask is one byte a row: 1 MB at 1M chunks)."""


def _codes(values: Sequence[str]) -> tuple[dict[str, int], np.ndarray]:
    """Each value's code, numbered in sorted order (so codes compare as the strings do), and the rows' codes."""
    first: dict[str, int] = {}
    raw = np.fromiter((first.setdefault(v, len(first)) for v in values), dtype=np.int32, count=len(values))
    ordered = sorted(first)
    rank = np.empty(len(first), dtype=np.int32)
    rank[[first[v] for v in ordered]] = np.arange(len(ordered), dtype=np.int32)
    return {v: i for i, v in enumerate(ordered)}, rank[raw] if len(raw) else raw


class Facets:
    """The filterable columns of a fixed set of rows; safe for concurrent callers."""

    def __init__(self, council: Sequence[str], committee: Sequence[str], meeting_date: Sequence[str], doc_type: Sequence[str]) -> None:
        self.size = len(council)
        self._council_codes, self.council = _codes(council)
        self._committee_codes, self.committee = _codes(committee)
        self._doc_type_codes, self.doc_type = _codes(doc_type)
        date_codes, self.date = _codes(meeting_date)
        self._dates = sorted(date_codes)
        """Every distinct meeting date, sorted; a row's date code is its place here."""
        self._date_array = np.asarray(self._dates, dtype=str)
        """The same as an array: searchsorted made one from the list every time (0.8 ms a filter at 300k chunks)."""
        self.dated = self.date != date_codes[""] if "" in date_codes else np.ones(self.size, dtype=bool)
        self._masks: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.size

    def values(self, column: str) -> list[str]:
        """The distinct values of a column ("council", "committee", "doc_type" or "date"), sorted."""
        return self._dates if column == "date" else list(getattr(self, f"_{column}_codes"))

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Which rows pass the filters, as Filters.accepts judges one (None when nothing is filtered); read-only."""
        if filters.empty:
            return None
        key = (filters.councils, filters.committees, filters.date_from, filters.date_to, filters.doc_types, filters.undated)
        with self._lock:
            if (kept := self._masks.get(key)) is not None:
                self._masks.move_to_end(key)
                return kept
        keep = np.ones(self.size, dtype=bool)
        if filters.councils:
            keep &= self._member(self._council_codes, self.council, filters.councils)
        if filters.committees:
            keep &= self._member(self._committee_codes, self.committee, filters.committees)
        if filters.doc_types:
            keep &= self._member(self._doc_type_codes, self.doc_type, filters.doc_types)
        if filters.date_from or filters.date_to:
            # A row with no known date passes a date filter only when asked to; codes are in date order,
            # so ranges are code ranges.
            in_range = self.dated.copy()
            if filters.date_from:
                in_range &= self.date >= np.searchsorted(self._date_array, filters.date_from, side="left")
            if filters.date_to:
                in_range &= self.date < np.searchsorted(self._date_array, filters.date_to, side="right")
            keep &= in_range | ~self.dated if filters.undated else in_range
        keep.flags.writeable = False
        with self._lock:
            self._masks[key] = keep
            while len(self._masks) > MASKS_KEPT:
                self._masks.popitem(last=False)
        return keep

    @staticmethod
    def _member(codes: dict[str, int], column: np.ndarray, wanted: Sequence[str]) -> np.ndarray:
        allowed = np.zeros(len(codes) + 1, dtype=bool)
        for value in wanted:
            if value in codes:
                allowed[codes[value]] = True
        return allowed[column]


class PaperTable:
    """Every done paper of one registry read, with its facets: what a question checks against the catalogue.

    Made once per version of the paper list (Assistant._forget_papers drops it when the registry
    changes), so a question's checks cost the same at 40 papers and at 40,000.
    """

    def __init__(self, papers: list[PaperSummary]) -> None:
        self.papers = papers
        self.facets = Facets([p.council for p in papers], [p.committee for p in papers], [p.meeting_date for p in papers], [p.doc_type for p in papers])
        self.no_committee = np.fromiter((not p.committee for p in papers), dtype=bool, count=len(papers))
        counts = Counter(p.council for p in papers if p.council)
        self.councils = tuple(sorted(counts))
        self.committees = tuple(sorted({p.committee for p in papers if p.committee}))
        self.home = counts.most_common(1)[0][0] if counts else ""
        """The council with most papers (the first in meeting date order on a tie)."""
        self._topic: str | None = None

    def default_topic(self) -> str:
        """The matter the papers take up most often: the commonest title of an item that is not procedural.

        "Social Value Annual Report" on the demo corpus gives "social value"; what every paper has
        ("Minutes of the meeting", "Apologies") is no topic. Empty when no paper has such a title.
        """
        if self._topic is None:
            titles = Counter(
                GENERIC_TITLE.sub("", title).strip(" -–:,.").lower()
                for paper in self.papers
                for _, title in (paper.items or (("", paper.title),))
                if title and not PROCEDURAL.search(title)
            )
            titles.pop("", None)
            self._topic = titles.most_common(1)[0][0] if titles else ""
        return self._topic

    def any_match(self, filters: Filters) -> bool:
        """Whether a paper passes the filters (under a date filter, only a paper with a known meeting date can)."""
        mask = self.facets.mask(filters)
        return bool(len(self.facets)) if mask is None else bool(np.any(mask))

    def unjudged(self, filters: Filters) -> int:
        """Papers a filter cannot judge: no known date under a date filter, no known committee under a committee filter.

        Only papers the question's other filters keep count: a paper of another council is not one the
        date filter left unsearched.
        """
        unknown = np.zeros(len(self.facets), dtype=bool)
        if (filters.date_from or filters.date_to) and not filters.undated:
            unknown |= ~self.facets.dated
        if filters.committees:
            unknown |= self.no_committee
        rest = self.facets.mask(replace(filters, committees=(), date_from="", date_to=""))
        return int(np.count_nonzero(unknown if rest is None else unknown & rest))

    def latest(self, filters: Filters) -> str:
        """The latest meeting date of the papers that pass the filters ("" when none passes or none is dated)."""
        mask = self.facets.mask(filters)
        codes = self.facets.date if mask is None else self.facets.date[mask]
        return self.facets.values("date")[int(codes.max())] if codes.size else ""
