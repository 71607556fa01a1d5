"""How a question, once read, is searched: the words searched, how many chunks, and what its kind of
answer makes of the filters.

The filters (filters.py, scope.py) say which papers a question names; the reading (question.py) says
what kind of answer it wants. Some kinds change what the filters mean: a trace follows a matter over
every year, so a date that only names a thing does not bound it; a draft is written for a later date
than the papers it draws on. This module is where those meet, so that the service only runs the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .compose import ROUND_DAYS
from .filters import OUTPUT_DATE, draft_span, trace_span
from .question import LATEST, ORIGINAL, Reading
from .records import Filters, Hit
from .text import long_date

CHUNKS = {"timeline": 80, "draft": 16, "commitments": 12}
"""Chunks searched for a mode (others: the settings' top_k): a timeline wants every meeting on the topic."""
# Asking for commitments: the words resolutions and recommendations use find them.
COMMITMENT_WORDS = "recommendations resolved priorities agreed"
# Asking how a vote went: the words minutes record one in ("put to the vote ... CARRIED (8 voting for, 1 against)").
VOTE_RECORD_WORDS = "vote voting carried against"
VOTE_CHUNKS = 24
"""Chunks searched for a vote's record: a long minute's record sits among its decisions, which the question's
subject finds first; only a sentence that records a vote answers, so more chunks cost no precision."""


@dataclass(frozen=True, slots=True)
class Plan:
    """One question's search."""

    question: str
    """The words the answer is composed against (a draft's, without what it is written for)."""
    query: str
    """The words searched."""
    k: int
    filters: Filters
    end: str = ""
    """"first" or "last": the search is narrowed to the earliest or latest round of the closest papers (end_round)."""


def plan(reading: Reading, question: str, filters: Filters, top_k: int) -> Plan:
    """The search for a question read as reading, under the filters its words and the user set."""
    mode = reading.mode
    if mode == "timeline":
        filters = trace_span(question, filters)
    elif mode == "draft":
        # What is being written ("for the January 2026 newsletter") is neither a date nor a subject of the papers drawn on.
        filters = draft_span(question, filters)
        question = " ".join(OUTPUT_DATE.sub(" ", question).split()) or question
    query = f"{question} {COMMITMENT_WORDS}" if mode == "commitments" else f"{question} {VOTE_RECORD_WORDS}" if reading.vote else question
    # "When it first adopted the policy", "the latest total": the earliest or latest round of the closest
    # papers. Not in a timeline, nor when the question names years ("what the 2024 policy kept from the
    # original 2019 one" compares the two) or reads "since" a start, nor under a date filter.
    end = "first" if ORIGINAL.search(question) else "last" if LATEST.search(question) else ""
    if mode == "timeline" or re.search(r"\bsince\b|\b(?:19|20)\d\d\b", question) or filters.date_from or filters.date_to:
        end = ""
    k = max(top_k, VOTE_CHUNKS) if reading.vote and mode == "answer" else CHUNKS.get(mode, top_k)
    return Plan(question=question, query=query, k=k, filters=filters, end=end)


def end_round(hits: list[Hit], filters: Filters, end: str, near: float = 0.1) -> Filters | None:
    """The filters narrowed to the first or last ("first", "last") round of meetings among the hits closest to the question."""
    top = max((h.dense for h in hits), default=0.0)
    dates = [h.chunk.meeting_date for h in hits if h.chunk.meeting_date and h.dense >= top - near]
    if not dates:
        return None
    when = date.fromisoformat(min(dates) if end == "first" else max(dates))
    around = timedelta(days=ROUND_DAYS)
    return replace(
        filters,
        date_from=(when - around).isoformat(),
        date_to=(when + around).isoformat(),
        labels=filters.labels + ((end, f"papers, around {long_date(when.isoformat())}"),),
    )
