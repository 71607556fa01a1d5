"""No text crashes a question: every function that reads text is safe on any string, and on every real page.

Property-based tests (hypothesis) feed arbitrary text to the readers of questions and of papers; a
sweep runs them over every page of ../shared/realpdfs and ../shared/realcorpus, the papers users
actually bring ("0.0.10" in a county council's table once took every question down).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assistant.amounts import read_amounts
from assistant.answers import compose
from assistant.compose import Composer, cover_line
from assistant.filters import Catalogue, council_word, draft_span, parse_filters, strip_dates, trace_span
from assistant.prompts import ERROR
from assistant.records import Filters, Hit
from assistant.retrieve import KeywordIndex
from assistant.plan import plan
from assistant.question import detect_mode, read
from assistant.service import Assistant
from assistant.spelling import Known, Speller
from assistant.text import tokens
from fakes import make_chunk
from ingest.records import Chunk

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CATALOGUE = Catalogue(
    councils=("Kent County Council", "The", "Milburn Parish Council"),
    committees=("Cabinet", "County Council", "Transport and Connectivity Policy Committee"),
    vocabulary=frozenset(tokens("precept footpath budget")),
    home="Kent County Council",
)
# Text like committee papers' and questions' at their oddest: figures, dates, references, brackets, dashes.
PAPER_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:£%()/-–'’\"\n?!&")),
    max_size=300,
) | st.text(max_size=200)
DEADLINE_FREE = hypothesis_settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _chunk(text: str, ordinal: int = 0, date: str = "2025-01-30") -> Chunk:
    return make_chunk(text, paper="p1", ordinal=ordinal, meeting_date=date)


@given(PAPER_TEXT)
def test_tokens_and_amounts_never_raise(text):
    assert all(isinstance(t, str) and t for t in tokens(text))
    read_amounts(text)


@given(PAPER_TEXT)
def test_reading_a_question_never_raises(question):
    filters = parse_filters(question, CATALOGUE)
    assert isinstance(filters, Filters)
    assert detect_mode(question) in ("answer", "commitments", "timeline", "draft")
    strip_dates(question)
    draft_span(question, filters)
    searched = plan(read(question), question, filters, top_k=8)
    assert searched.k > 0 and isinstance(searched.query, str)


@pytest.mark.parametrize("question", ["What did the council borrow?", "What did we spend at the end of November 2024?", "What did KCC decide?"])
def test_the_council_and_we_are_never_a_council_called_the(question):
    assert "The" not in parse_filters(question, CATALOGUE).councils
    assert council_word("The") == "" and council_word("Kent County Council") == "Kent"


@given(PAPER_TEXT, PAPER_TEXT)
@DEADLINE_FREE
def test_composing_from_any_text_never_raises(question, text):
    chunk = _chunk(text)
    index = KeywordIndex([chunk, _chunk("The precept for 2025/26 was set at £12,500.", 1)])
    composer = Composer(lambda pid: [text], index.idf, index.next_chunk, index.vocabulary, index.adjacent)
    hits = [Hit(chunk=chunk, score=1.0, dense=0.7)]
    for mode in ("answer", "commitments", "timeline", "draft"):
        compose(composer, question or "?", hits, mode=mode, filters=Filters())
    # A vote question reads the record and the discussion before it, in this chunk and the one before.
    compose(composer, f"How did members vote on {question}?", hits, mode="answer", filters=Filters())


@given(PAPER_TEXT, PAPER_TEXT, PAPER_TEXT)
@DEADLINE_FREE
def test_tracing_any_text_never_raises(question, text, later):
    from assistant.acronyms import defined
    from assistant.trace import Matter, Tracer, _figure_of

    chunks = [_chunk(text), make_chunk(later, paper="p2", meeting_date="2026-03-19")]
    index = KeywordIndex(chunks)
    pages = {c.paper_id: [c.text] for c in chunks}
    composer = Composer(lambda pid: pages.get(pid, []), index.idf, index.next_chunk, index.vocabulary)
    tracer = Tracer(composer, index, lambda query, filters, k: [Hit(chunk=c, score=1.0) for c in chunks])
    answer = tracer.trace(question or "?", [Hit(chunk=c, score=1.0, dense=0.5) for c in chunks], Filters())
    assert answer is None or answer.mode == "timeline"
    matter = Matter(terms=frozenset(tokens(question)), weights={}, anchors=frozenset(), identifiers=frozenset({question[:20] or "x", "A & B"}))
    matter.names(text)
    _figure_of(text, matter)
    defined(f"{text} ({question[:4].upper()})")
    trace_span(question, parse_filters(question, CATALOGUE))
    cover_line(text)
    # A matter with a rare word and others: a text may name it by the others alone (Matter._named_without_anchor).
    weights = {t: 3.0 for t in tokens(question)} | {"fee": 4.2}
    Matter(terms=frozenset(weights), weights=weights, anchors=frozenset({"fee"}), identifiers=frozenset()).mentions(text, frozenset(tokens(text)))


@given(PAPER_TEXT, PAPER_TEXT)
@DEADLINE_FREE
def test_this_stops_sentence_readers_never_raise(question, text):
    from assistant.compose import Evidence, _other_years, about_period, cover_author, too_long

    chunk = _chunk(text)
    assert isinstance(cover_author(text, chunk), bool) and isinstance(too_long(text), bool)
    _other_years(text, chunk.meeting_date, (2018, 2020))
    _other_years(text, "", (2018, 2020))
    said = Evidence(text, chunk, 1, 1.0, 0, frozenset(), len(text) // 2)
    assert isinstance(about_period([said], Filters(labels=(("set_aside", f"{question} 2021"),))), bool)
    reading = read(question)
    assert isinstance(reading.procedure, bool)
    # A resolution's parts, a note on them and a form's next field, after any text.
    lead = f"That the Committee:\n1. Noted {text}\nRecommendations 3 was not approved.\n(e) {question}"
    composer = Composer(lambda pid: [lead], lambda term: 1.0)
    composer.list_entries(Evidence("That the Committee:", _chunk(lead), 1, 1.0, 0, frozenset(), 0))


@given(PAPER_TEXT)
@DEADLINE_FREE
def test_spelling_never_raises(question):
    index = KeywordIndex([_chunk("The parish council set the precept and discussed the footpath diversion order.", i) for i in range(3)])
    corrected, changes = Speller(index).correct(question)
    assert isinstance(corrected, str) and isinstance(changes, list)
    known = Known(Speller(index))
    assert all(isinstance(term in known, bool) for term in tokens(question) + [question])


def test_a_fault_inside_answering_is_an_error_answer_not_a_traceback(settings, fake_embeddings, monkeypatch):
    from paperfactory import make_report
    from ingest.pipeline import ingest_corpus

    make_report(Path(settings.corpus_dir) / "r.pdf", meeting_date="2025-01-30", item="5", title="Budget", paragraphs=["1.1 The budget is £10m."])
    ingest_corpus(Path(settings.corpus_dir), settings=settings, embeddings=fake_embeddings)
    assistant = Assistant(settings, embeddings=fake_embeddings)

    def broken(*args, **kwargs):
        raise ValueError("could not convert string to float: '0.0.10'")

    monkeypatch.setattr(assistant.retriever, "search", broken)
    answer = assistant.ask("What is the budget?")
    assert not answer.answered and answer.answer == ERROR and not answer.citations


def _real_pdfs() -> list[Path]:
    return sorted(p for folder in ("realpdfs", "realcorpus") for p in (SHARED / folder).rglob("*.pdf"))


@pytest.mark.slow
@pytest.mark.skipif(not _real_pdfs(), reason="../shared/realpdfs and ../shared/realcorpus are not beside the project")
def test_every_real_page_reads_without_error():
    """Every page of the real papers through the text readers, and its first lines as a question."""
    from assistant.acronyms import defined
    from assistant.trace import Matter, _figure_of

    precept = Matter(terms=frozenset({"precept"}), weights={"precept": 1.0}, anchors=frozenset(), identifiers=frozenset({"Low Farm & Green"}))
    from ingest.cleaning import clean_pages
    from ingest.errors import IngestError
    from ingest.pdf import extract_page_texts

    pages = 0
    for path in _real_pdfs():
        try:
            raw = extract_page_texts(path.read_bytes(), path.name, max_pages=600, ocr=False)
        except IngestError:
            continue  # a scan with no text layer: ingest reports it, there is no text to read
        for page in clean_pages(raw):
            pages += 1
            tokens(page.text)
            read_amounts(page.text)
            parse_filters(page.text[:400], CATALOGUE)
            detect_mode(page.text[:400])
            trace_span(page.text[:400], parse_filters(page.text[:400], CATALOGUE))
            cover_line(page.text[:600])
            _figure_of(page.text[:600], precept)
            defined(page.text)
    assert pages > 1000
