"""The assistant: question (+ chat history) -> filters, mode, retrieval -> cited answer or refusal."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import replace
from itertools import zip_longest
from collections.abc import Callable, Sequence

from ingest.records import Chunk, PaperSummary

from .answers import kind_of
from .compose import Composer
from .confidence import Confidence
from .facets import PaperTable
from .figures import FigurePoint, figure_points, on_topic
from .filters import NAMING, Catalogue, council_word, parse_filters
from .prompts import CONTENT_DATE_NOTE, EMPTY_INDEX, ERROR, REFUSAL, SPELLING_NOTE, NAMING_NOTE, UNDATED_NOTE
from .plan import end_round, plan
from .question import OWN_QUESTION, detect_mode, read
from .records import MODES, Answer, Filters, Hit
from .retrieve import Retrieval, Retriever, keyword_folder
from .scope import SET_ASIDE, Scope
from .settings import Settings
from .spelling import Known, Speller, is_english
from .text import tokens
from .trace import Tracer

log = logging.getLogger(__name__)

TRACE_SEEDS = 30
"""Hits a trace starts from, before it follows the matter's identifiers to other meetings."""


CONTEXT_REACH = 3
"""Best hits whose context (a report's cover block, a meeting's attendance) joins a who-question's evidence."""


def with_context(hits: list[Hit], context: Callable[[Chunk], Chunk | None]) -> list[Hit]:
    """Hits with the context chunk of each of the best hits after it, once: who wrote a report, who chaired a meeting."""
    out: list[Hit] = []
    seen = {h.chunk.chunk_id for h in hits}
    for rank, hit in enumerate(hits):
        out.append(hit)
        extra = context(hit.chunk) if rank < CONTEXT_REACH else None
        if extra is not None and extra.chunk_id not in seen:
            seen.add(extra.chunk_id)
            out.append(replace(hit, chunk=extra))
    return out


def _total(started: float) -> dict[str, float]:
    """The timings of an answer that searched nothing: its total alone."""
    return {"total_ms": (time.perf_counter() - started) * 1000}


class Assistant:
    """Answers questions over one index. One instance per process; safe for concurrent callers."""

    def __init__(self, settings: Settings, *, store=None, embeddings=None) -> None:
        from ingest.embedding import embeddings_for
        from ingest.store import Store

        self.settings = settings
        self.store = store or Store.from_settings(settings)
        self.embeddings = embeddings or embeddings_for(settings, threads=settings.embed_threads)
        self.retriever = Retriever(
            self.store, self.embeddings, fusion=settings.fusion, fetch_k=settings.fetch_k, saved=keyword_folder(settings),
            check_every=settings.refresh_seconds,
        )
        self.retriever.on_change = self._forget_papers
        self._pages: OrderedDict[str, list[str]] = OrderedDict()
        self._pages_lock = threading.Lock()
        self._papers: list[PaperSummary] | None = None
        self._table: PaperTable | None = None
        self._catalogue: tuple[PaperTable, object, Catalogue] | None = None
        self._llm = None
        self._speller: Speller | None = None
        self.scope = Scope(self.catalogue, self.paper_table, lambda: self.retriever.keyword, self.spelling)
        """What papers a question is answered from (scope.py)."""
        # The model and the English word list load in a thread while the first question loads the index:
        # onnxruntime builds its session, and the index's arrays are read, outside the GIL.
        threading.Thread(target=self._preload, daemon=True, name="preload").start()

    def _preload(self) -> None:
        try:
            self.embeddings.embed_query("social value")
            is_english("council")
        except Exception:  # noqa: BLE001 (the first question loads them again and reports what fails)
            log.debug("preloading the model failed", exc_info=True)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Assistant":
        """An assistant over the index the environment points at."""
        return cls(settings or Settings())

    # -- index state ---------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Pick up papers ingested since start-up (keyword index and catalogue); True if anything changed."""
        return self.retriever.refresh()

    def _forget_papers(self) -> None:
        """The index changed: the catalogue and cached page texts are read again when next needed."""
        self._papers = None
        self._table = None
        self._catalogue = None
        with self._pages_lock:
            self._pages.clear()

    def warm_up(self) -> None:
        """Load the embedding model, the keyword index, the catalogue and the word lists now rather than on the first question."""
        self.embeddings.embed_query("social value")
        self.catalogue()
        self.spelling("social value")
        is_english("council")

    def papers(self) -> list[PaperSummary]:
        """Every paper in the index, in meeting date order."""
        if self._papers is None:
            # The registry the keyword index was brought in step with: read once, not again for the catalogue.
            self.retriever.keyword
            self._papers = self.store.summaries(self.retriever.registry)
        return self._papers

    def paper_table(self) -> PaperTable:
        """The papers with their facets, made once per paper list (a registry change drops it)."""
        papers = self.papers()
        table = self._table
        if table is None or table.papers is not papers:
            table = self._table = PaperTable(papers)
        return table

    def catalogue(self) -> Catalogue:
        """Councils and committees the index holds, for resolving names in questions (made once per registry and keyword index)."""
        # The keyword index first: loading it may report a change, which drops the paper table.
        keyword = self.retriever.keyword
        table = self.paper_table()
        kept = self._catalogue
        if kept is None or kept[0] is not table or kept[1] is not keyword:
            catalogue = Catalogue(
                councils=table.councils,
                committees=table.committees,
                vocabulary=frozenset(w.lower() for w in keyword.vocabulary),
                home=table.home,
            )
            kept = self._catalogue = (table, keyword, catalogue)
        return kept[2]

    def page_texts(self, paper_id: str) -> list[str]:
        """Cleaned page texts of a paper (cached), for quote checks."""
        with self._pages_lock:
            if paper_id in self._pages:
                self._pages.move_to_end(paper_id)
                return self._pages[paper_id]
        texts = self.store.page_texts(paper_id)
        with self._pages_lock:
            self._pages[paper_id] = texts
            while len(self._pages) > 256:
                self._pages.popitem(last=False)
        return texts

    # -- questions -----------------------------------------------------------------------------

    def speller(self) -> Speller:
        """The speller of the current keyword index (made anew when the index changed)."""
        keyword = self.retriever.keyword
        if self._speller is None or self._speller.keyword is not keyword:
            self._speller = Speller(keyword)
        return self._speller

    def spelling(self, question: str) -> tuple[str, list[tuple[str, str]]]:
        """The question with misspelt words read as the indexed words they were meant to be, and the changes."""
        return self.speller().correct(question)

    def known(self) -> Known:
        """The index's terms as the refusal counts them (spelling.Known)."""
        return Known(self.speller())

    def resolve(self, question: str, history: Sequence[str] = (), filters: Filters | None = None) -> tuple[str, Filters]:
        """The standalone question and its filters, using the chat history for follow-ups."""
        return self.scope.resolve(self.spelling(question)[0], history, filters)

    def search(self, query: str, *, filters: Filters | None = None, k: int | None = None, method: str | None = None) -> list[Hit]:
        """Ranked chunks for a query (filters parsed from it unless given)."""
        filters = filters if filters is not None else parse_filters(query, self.catalogue())
        return self.retriever.search(query, filters, k=k or self.settings.top_k, method=method or self.settings.retriever).hits

    def ask(
        self,
        question: str,
        *,
        mode: str | None = None,
        filters: Filters | None = None,
        history: Sequence[str] = (),
        method: str | None = None,
    ) -> Answer:
        """Answer one question: a cited answer, a fail-closed notice, the refusal, or the error sentence.

        A question never raises: a fault in one rule for one text is logged with the question, and the
        user is told plainly that the answer failed (the app and the CLI never show a traceback).
        """
        started = time.perf_counter()
        try:
            return self._ask(question, mode=mode, filters=filters, history=history, method=method)
        except Exception:  # noqa: BLE001 - the one place every fault of answering ends up
            log.exception("answering %r failed", question)
            return Answer(question=question, answered=False, answer=ERROR, mode=mode if mode in MODES else "answer", timings_ms=_total(started))

    def _ask(self, question: str, *, mode: str | None, filters: Filters | None, history: Sequence[str], method: str | None) -> Answer:
        """ask() without its safety net."""
        started = time.perf_counter()
        question = " ".join(question.split())
        if not self.papers():
            return Answer(question=question, answered=False, answer=EMPTY_INDEX, mode=mode or "answer", timings_ms=_total(started))
        spelt, corrected = self.spelling(question)
        standalone, applied = self.scope.resolve(spelt, history, filters)
        # What kind of answer is wanted is read from the words typed when a follow-up asks its own question ("and who wrote it?").
        reading = read(standalone, spelt if history and OWN_QUESTION.match(spelt) else "", mode if mode in MODES else detect_mode(standalone, question))
        mode = reading.mode
        search = plan(reading, standalone, applied, self.settings.top_k)
        standalone, applied = search.question, search.filters
        notice = self.scope.unmatched(applied)
        set_aside = " and ".join(said for facet, said in applied.labels if facet == SET_ASIDE)
        # The answer says how it read the question: a date set aside, a misspelt word (refused or not).
        spelling = SPELLING_NOTE.format(changes=", ".join(f"“{typed}” as “{meant}”" for typed, meant in corrected)) if corrected else ""
        if notice:
            return Answer(question=question, answered=False, answer=notice, mode=mode, filters=applied, timings_ms=_total(started))
        query, k, method = search.query, search.k, method or self.settings.retriever
        retrieval = self._retrieve(query, applied, k, method)
        tried = [retrieval]  # each search's stage times (compose adds its own), summed at the end
        if search.end and (narrowed := end_round(retrieval.hits, applied, search.end)):
            applied = narrowed
            retrieval = self._retrieve(query, applied, k, method)
            tried.append(retrieval)
        typed = spelt if history else ""  # a follow-up's own words, before the conversation's subject was added
        answer = self._compose(standalone, reading, retrieval, applied, typed=typed)
        if answer is None and (applied.date_from or applied.date_to) and not applied.undated and self.scope.unsearched(applied):
            # Nothing in the papers of those dates; the papers whose meeting ingest could not tell may
            # hold it (a comparator's annual report, a consultation filed beside the agendas).
            wider = replace(applied, undated=True)
            retrieval = self._retrieve(query, wider, k, method)
            tried.append(retrieval)
            if (answer := self._compose(standalone, reading, retrieval, wider, typed=typed)) is not None:
                applied = wider
        note = " ".join(
            filter(None, [
                CONTENT_DATE_NOTE.format(what=set_aside) if set_aside else "", spelling,
                *(NAMING_NOTE.format(year=said) for facet, said in applied.labels if facet == NAMING),
                UNDATED_NOTE if applied.undated else "", self.scope.unsearched(applied),
            ])
        )
        if answer is None:
            answer = Answer(question=question, answered=False, answer=REFUSAL, mode=mode, filters=applied)
        timings = dict(sum((Counter(r.timings_ms) for r in tried), Counter()), total_ms=(time.perf_counter() - started) * 1000)
        return Answer(
            question=question,
            answered=answer.answered,
            answer=f"*{shown}*\n\n{answer.answer}" if (shown := note if answer.answered else spelling) else answer.answer,
            citations=answer.citations,
            mode=mode,
            filters=applied,
            events=answer.events,
            timings_ms=timings,
        )

    def _compose(self, question: str, reading, retrieval: Retrieval, filters: Filters, typed: str = "") -> Answer | None:
        """The answer the retrieved papers give, or None when they are not about the question or say nothing good enough
        (typed: the words of a follow-up as the user typed them, before the conversation's subject was added)."""
        keyword = self.retriever.keyword
        hits = self.scope.on_subject(retrieval.hits, filters)
        if reading.author:  # a report's cover block names who wrote it
            hits = with_context(hits, lambda c: keyword.item_start(c) if c.doc_type in ("report", "appendix") else None)
        elif reading.chair:  # the minutes open with who was present and in the chair
            hits = with_context(hits, keyword.minutes_opening)
        if not hits or not Confidence(self.settings, keyword.idf, self.known()).confident(question, hits, filters, reading.mode, typed):
            return None
        started = time.perf_counter()
        composer = self._composer()
        answer = None
        # A timeline is structured (one event per meeting, each with its keys): the model writes prose only.
        if self.settings.uses_llm and reading.mode != "timeline":
            answer = self._ask_llm(question, hits, reading.mode, filters, composer)
        if answer is None:
            answer = kind_of(reading, self._tracer(composer)).answer(composer, reading, hits, filters)
        retrieval.timings_ms["compose_ms"] = (time.perf_counter() - started) * 1000
        return answer

    def _composer(self) -> Composer:
        keyword = self.retriever.keyword
        return Composer(self.page_texts, keyword.idf, keyword.next_chunk, keyword.vocabulary, keyword.adjacent)

    def _tracer(self, composer: Composer) -> Tracer:
        return Tracer(composer, self.retriever.keyword, lambda query, where, k: self.retriever.search(query, where, k=k).hits)

    def default_topic(self) -> str:
        """The matter the index's papers take up most often (facets.PaperTable.default_topic): the Timeline tab's topic."""
        return self.paper_table().default_topic()

    def timeline(self, topic: str, *, filters: Filters | None = None) -> Answer:
        """Meetings in date order on a topic (the Timeline tab): ask() in timeline mode."""
        topic = " ".join(topic.split()) or self.default_topic()
        return self.ask(f"How has {topic} developed over the years?", mode="timeline", filters=filters)

    def figures(self, topic: str, *, filters: Filters | None = None, k: int = 60) -> list[FigurePoint]:
        """Recurring money figures in the papers on a topic: a programme's series, else the topic's own figure."""
        topic = " ".join(topic.split()) or self.default_topic()
        applied = filters or Filters()
        if self.scope.unmatched(applied):
            return []
        query = f"{topic} commitments secured value delivered local spend £ million"
        hits = self.retriever.search(query, applied, k=k, method="hybrid").hits
        # The series a programme reports year by year, where its papers use their words about the topic;
        # else the one figure that recurs with the topic itself (a precept, a budget, a count), as a trace reads it.
        about = on_topic(tokens(topic), self.retriever.keyword.idf)
        return figure_points((h.chunk for h in hits), self.page_texts, about) or self._tracer(self._composer()).figures(
            topic, self.retriever.search(topic, applied, k=TRACE_SEEDS, method="hybrid").hits, applied
        )

    def _retrieve(self, query: str, filters: Filters, k: int, method: str) -> Retrieval:
        """Hybrid search; a question about several councils draws on each of them in turn.

        "How does Manchester's weighting compare with Rotherham's?" needs both councils' papers, and
        one council's many papers would otherwise fill every place.
        """
        if len(filters.councils) < 2:
            return self.retriever.search(query, filters, k=k, method=method)
        parts = []
        for council in filters.councils:
            # Each council's search is about the topic, not about the other councils' names.
            others = [re.escape(council_word(c) or c) for c in filters.councils if c != council]
            own_query = re.sub(rf"\b(?:{'|'.join(others)})(?:'s|’s)?\b", " ", query, flags=re.I)
            parts.append(self.retriever.search(own_query, replace(filters, councils=(council,)), k=k, method=method))
        hits = [hit for rank in zip_longest(*(p.hits for p in parts)) for hit in rank if hit is not None][:k]
        timings = dict(sum((Counter(p.timings_ms) for p in parts), Counter()))
        return Retrieval(hits=hits, timings_ms=timings)

    def _ask_llm(self, question: str, hits: list[Hit], mode: str, filters: Filters, composer: Composer) -> Answer | None:
        """The generative answer, or None (falls back to extractive) when the model cannot be reached."""
        from .llm import LlmAnswerer

        if self._llm is None:
            self._llm = LlmAnswerer.from_settings(self.settings)
        return self._llm.answer(question, hits, mode=mode, filters=filters, composer=composer)
