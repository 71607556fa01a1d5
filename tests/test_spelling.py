"""Misspelt question words are read as the indexed words they were meant to be, and only those."""

from __future__ import annotations

from assistant.retrieve import KeywordIndex
from assistant.spelling import Known, Speller, edit_distance
from assistant.text import stem
from ingest.records import Chunk

TEXTS = [
    "The Council was accredited as a Living Wage Employer in September 2021.",
    "Accreditation means paying the real Living Wage to every directly employed member of staff.",
    "Rotherham's threshold for social value is £100,000; Rotherham applies it to goods and works.",
    "The procurement team set the threshold for apprenticeships at Rotherham.",
    "The general fund pays for the procurement team.",
    "General fund balances are reported to Cabinet.",
    "Below the threshold officers seek written quotations.",
    "At least one of the quotations should come from a local business.",
]


def _speller() -> Speller:
    chunks = [
        Chunk(chunk_id=f"p{i}:00000", paper_id=f"p{i}", source=f"p{i}.pdf", council="C", committee="Cabinet",
              meeting_date="2022-03-28", item="6", title="Social Value", doc_type="report", page_start=1, page_end=1, text=text)
        for i, text in enumerate(TEXTS)
    ]
    return Speller(KeywordIndex(chunks))


def test_edit_distance_counts_a_swap_of_neighbours_as_one_and_stops_at_its_limit():
    assert edit_distance("threshold", "treshold", 2) == 1
    assert edit_distance("sheffield", "sheffeild", 2) == 1
    assert edit_distance("accredit", "acredit", 1) == 1
    assert edit_distance("council", "pothole", 2) == 3


def test_a_misspelt_word_is_read_as_the_indexed_word_nearest_what_was_typed():
    speller = _speller()
    question, changes = speller.correct("When did we get our accredditation, and what is the treshold in Rotheram?")
    assert changes == [("accredditation", "accreditation"), ("treshold", "threshold"), ("Rotheram", "Rotherham")]
    assert question == "When did we get our accreditation, and what is the threshold in Rotherham?"


def test_known_short_and_unknown_words_are_left_alone():
    speller = _speller()
    # "treshld": two edits from a short word; "generated": one the papers never use, but English ("general" is near).
    for question in ("Were the potholes fixed?", "What is the treshld?", "Was Rotherham accredited?", "What about bins?", "What was generated?"):
        assert speller.correct(question) == (question, []), question


def test_an_english_word_the_papers_use_only_in_a_longer_form_is_read_as_that_form():
    speller = _speller()
    assert speller.correct("Do officers get written quotes?") == ("Do officers get written quotations?", [("quotes", "quotations")])
    # Each change is noted once; a short word ("quote", a verb as often as a noun) is left alone.
    assert speller.correct("Are quotes needed, and quotes again?")[1] == [("quotes", "quotations")]
    assert speller.correct("Can a firm quote?")[1] == []
    assert speller.correct("Which figure was quoted?")[1] == []  # a verb's past is no noun
    # Too short a stem to stand for a longer word: "act" is not "action".
    assert speller.longer_form("act") is None


def test_two_indexed_words_run_together_are_read_apart():
    speller = _speller()
    assert speller.correct("Was there a livingwage rise?") == ("Was there a living wage rise?", [("livingwage", "living wage")])


def test_a_hyphenated_word_the_papers_write_apart_is_read_apart():
    speller = _speller()
    assert speller.correct("Was the living-wage accreditation kept?") == ("Was the living wage accreditation kept?", [("living-wage", "living wage")])
    assert speller.correct("Was the well-being of staff kept?")[1] == []  # "well" and "being" are no indexed words


def test_a_stem_the_papers_use_only_run_on_counts_as_known_to_the_refusal():
    known = Known(_speller())
    assert stem("quotations") in known and stem("quote") in known  # "quot" runs on to "quotat"
    assert stem("potholes") not in known and "q" not in known
    assert speller_leaves_the_question(_speller(), "Can a firm quote?")


def speller_leaves_the_question(speller: Speller, question: str) -> bool:
    return speller.correct(question) == (question, [])
