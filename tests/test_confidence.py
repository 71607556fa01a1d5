"""Calibrated refusal: the hits are evidence enough, or the refusal sentence is given."""

from __future__ import annotations

from assistant.confidence import Confidence
from assistant.records import Filters, Hit
from assistant.settings import Settings
from assistant.text import tokens
from fakes import make_chunk

MINUTES = [
    "Precept 2017/18. The precept for 2017/18 was set at £2,700, an increase of £200.",
    "The bonfire was well attended. The clerk will write to the insurers about cover for the beacon.",
]
VOCABULARY = frozenset(t for text in MINUTES for t in tokens(text))


def _confidence() -> Confidence:
    # The index's weights: its rare words weigh most, and a word it never saw as much as one it rarely did.
    rare = {"precept": 4.5, "bonfir": 4.5, "beacon": 4.5}
    return Confidence(Settings(), lambda term: rare.get(term, 1.0 if term in VOCABULARY else 4.0), VOCABULARY)


def _hits(dense: float) -> list[Hit]:
    return [Hit(chunk=make_chunk(text, ordinal=i, title="Finance"), score=1.0, dense=dense) for i, text in enumerate(MINUTES)]


def test_a_trace_of_a_matter_the_papers_take_up_is_answered_however_far_its_wording_is():
    # Mostly words asking for a trace: the question's closeness to any one passage is below every threshold.
    hits = _hits(dense=0.35)
    question = "Trace the precept year by year from 2016 to 2021."
    assert _confidence().confident(question, hits, Filters(), mode="timeline")
    # The same closeness for a plain question is no evidence.
    assert not _confidence().confident("What was the precept?", hits, Filters(), mode="answer")


def test_a_trace_of_a_matter_the_papers_never_name_is_refused():
    hits = _hits(dense=0.35)
    assert not _confidence().confident("Trace the garden waste charges over the years.", hits, Filters(), mode="timeline")
    # Two of the matter's words in two passages are not one passage about it.
    assert not _confidence().confident("Trace the precept and the bonfire beacon insurance over the years.", hits[:1], Filters(), mode="timeline")


def test_a_word_the_papers_never_use_does_not_veto_a_trace_whose_matter_they_hold():
    hits = _hits(dense=0.35)
    assert _confidence().confident("Trace the precept from the years it was frozen.", hits, Filters(), mode="timeline")


def test_a_financial_year_is_no_topic_word():
    from assistant.question import topic_terms

    assert topic_terms("Trace the precept from 2016/17 to the 2026/27 figure.") >= {"precept"}
    assert not topic_terms("Trace the precept from 2016/17 to the 2026-27 figure.") & {"17", "27", "2016", "2026"}


def test_a_follow_up_whose_own_words_the_papers_never_use_is_refused():
    hits = [Hit(chunk=make_chunk("The council won the Social Value Award for the public sector in June 2023."), score=1.0, dense=0.9)]
    vocabulary = set(tokens("The council won the Social Value Award for the public sector in June 2023, presented with money."))
    confidence = Confidence(Settings(), idf=lambda term: 5.0 if term == "prize" else 1.0, vocabulary=vocabulary)
    # Very close in meaning through the subject it carries ("the Social Value Award"), but "prize" is in no paper.
    question = "Did the Social Value Award the council won come with any prize money?"
    assert confidence.confident(question, hits, Filters())
    assert not confidence.confident(question, hits, Filters(), typed="did it come with any prize money?")
    assert confidence.confident(question, hits, Filters(), typed="and who presented the award?")


def test_one_passage_holding_the_whole_question_answers_it_whatever_the_closer_passages_hold():
    # Fairly close in meaning (between min_dense and sure_dense); the three closest passages are about something
    # else, the fourth holds every word of the question: as at a lower closeness, that one passage answers.
    others = [Hit(chunk=make_chunk(f"Members asked how the overspend on item {n} would be met from reserves.", ordinal=n), score=1.0, dense=0.57) for n in range(3)]
    spend = Hit(chunk=make_chunk("The precept and the bonfire beacon insurance were paid.", ordinal=3), score=0.5, dense=0.41)
    question = "What was said about the precept and the bonfire beacon insurance?"
    assert _confidence().coverage(question, others + [spend], Filters()) == 0.0
    assert _confidence().confident(question, others + [spend], Filters())
    assert not _confidence().confident(question, others, Filters())
