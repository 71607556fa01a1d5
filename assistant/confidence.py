"""Calibrated refusal: whether the best hits are evidence enough to answer at all.

A question on the papers' subject whose answer is not in them must get the refusal sentence, not
six sentences that share its topic. The hits' closeness in meaning decides above `sure_dense` and
below `floor_dense`; between them the evidence must also hold the question's own words, weighted
by how rare they are in the index. The thresholds live in settings.py; the README gives the figures
they were set on.
"""

from __future__ import annotations

from collections.abc import Callable, Container

from .filters import AFTERWARDS, strip_dates
from .question import TRACE_WORDS, topic_terms
from .records import Filters, Hit
from .text import tokens

KEYWORD_ONLY_COVERAGE = 0.5
"""With no dense similarity, the share of the question's weighted terms the best chunks must hold."""
TRACE_SEEN = 0.5
"""Share of a trace's matter words that must be words the index holds (counted: a word no paper uses
weighs as much as the rarest, so by weight one of them would outweigh the matter itself)."""


class Confidence:
    """Judges one index's hits for a question (idf: the index's term weights; vocabulary: its terms)."""

    def __init__(self, settings, idf: Callable[[str], float], vocabulary: Container[str]) -> None:
        self.settings = settings
        self.idf = idf
        self.vocabulary = vocabulary

    def confident(self, question: str, hits: list[Hit], filters: Filters, mode: str = "answer", typed: str = "") -> bool:
        """Close in meaning, or fairly close and about words the papers use; a trace, about a matter the papers take up.

        A follow-up ("did it come with any prize money?", typed) asks what its own words ask: when the papers
        never use most of them, the earlier question's subject it carries makes it no closer to an answer.

        Below `sure_dense` the evidence must also cover the question's terms, and the question must
        not lean on words the index has never seen ("potholes", "bins"): those mark other topics.
        Below `min_dense` a question put in other words than the papers' can still be answered, when
        one chunk holds nearly all its words together (not the best chunks between them: "town hall"
        in one, "opening hours" in another is no answer).
        """
        settings = self.settings
        if typed and self.unheard(typed, hits, filters):
            return False
        top_dense = max((h.dense for h in hits), default=0.0)
        if mode == "timeline" and top_dense and self.traceable(question, hits, filters):
            return True
        if top_dense == 0.0:
            # Keyword-only retrieval (the bm25 baseline) has no similarity to go on: words must carry it.
            return self.coverage(question, hits, filters) >= KEYWORD_ONLY_COVERAGE and self.unseen_share(question, filters) < settings.max_unseen
        if top_dense >= settings.sure_dense:
            return True
        if top_dense < min(settings.floor_dense, settings.min_dense):
            return False
        if self.unseen_share(question, filters) >= settings.max_unseen:
            return False
        # What answers a question put in other words (nearly all its words in one passage) answers a closer one too.
        together = self.coverage_in_one(question, hits, filters) >= settings.min_one_chunk_coverage
        if top_dense < settings.min_dense:
            return together
        return together or self.coverage(question, hits, filters) >= settings.min_coverage

    def unheard(self, typed: str, hits: list[Hit], filters: Filters) -> bool:
        """Whether a follow-up's own words are mostly words no paper uses, and the best hits hold too few of them."""
        typed = AFTERWARDS.sub(" ", strip_dates(typed))  # "two years later", "afterwards": the filters' business
        return self.unseen_share(typed, filters) >= self.settings.max_unseen and self.coverage(typed, hits, filters) < self.settings.min_coverage

    def traceable(self, question: str, hits: list[Hit], filters: Filters) -> bool:
        """Whether the papers take up the matter a trace question names.

        "Trace Milburn's precept year by year from 2016 to 2021" is mostly words asking for a trace:
        its closeness in meaning to any one passage is low, however many meetings set a precept. The
        matter is the question's other words; most of them must be words the papers use ("frozen"
        in "from the years it was frozen" need not be), and one of the best passages must hold
        nearly all of those together, as for any question put in other words than the papers'.
        """
        weights = {t: w for t, w in self._weights(question, filters).items() if t not in TRACE_WORDS}
        if not weights:
            return False
        seen = {t: w for t, w in weights.items() if t in self.vocabulary}
        if len(seen) < TRACE_SEEN * len(weights):
            return False
        held = (set(tokens(f"{h.chunk.title} {h.chunk.text}")) for h in hits[:5])
        best = max((sum(w for t, w in seen.items() if t in terms) for terms in held), default=0.0)
        return best / sum(seen.values()) >= self.settings.min_one_chunk_coverage

    def _weights(self, question: str, filters: Filters | None) -> dict[str, float]:
        return {t: self.idf(t) for t in topic_terms(question, filters)}

    def coverage(self, question: str, hits: list[Hit], filters: Filters | None = None, top: int = 3) -> float:
        """Share of the question's idf-weighted terms that the best hits contain."""
        weights = self._weights(question, filters)
        found: set[str] = set()
        for hit in hits[:top]:
            found |= set(tokens(f"{hit.chunk.title} {hit.chunk.text}"))
        # A stem the stemmer left apart ("scrutinis" of scrutinised, "scrutini" of scrutiny) matches on its root.
        roots = {t[:7] for t in found if len(t) >= 7}
        total = sum(weights.values())
        matched = sum(w for t, w in weights.items() if t in found or (len(t) >= 8 and t[:7] in roots))
        return matched / total if total else 0.0

    def coverage_in_one(self, question: str, hits: list[Hit], filters: Filters | None = None, top: int = 5) -> float:
        """The largest share of the question's idf-weighted terms that any one of the best hits contains."""
        weights = self._weights(question, filters)
        total = sum(weights.values())
        if not total:
            return 0.0
        held = (set(tokens(f"{h.chunk.title} {h.chunk.text}")) for h in hits[:top])
        return max((sum(w for t, w in weights.items() if t in terms) / total for terms in held), default=0.0)

    def unseen_share(self, question: str, filters: Filters | None = None) -> float:
        """Share of the question's idf-weighted terms that no indexed chunk contains."""
        weights = self._weights(question, filters)
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t not in self.vocabulary) / total if total else 0.0
