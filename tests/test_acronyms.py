"""Acronyms as the papers spell them out, searched with the question's acronym."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.acronyms import defined, definitions, spelled_out, with_spelled_out
from assistant.retrieve import KeywordIndex
from fakes import make_chunk


def test_the_words_before_the_bracket_whose_initials_give_the_letters_spell_it_out():
    text = "Committee approved the development of a Workplace Parking Levy (WPL) Outline Business Case (OBC)."

    assert definitions("WPL", text) == ["Workplace Parking Levy"]
    assert definitions("OBC", text) == ["Outline Business Case"]
    assert definitions("TOM", "the National Themes, Outcomes and Measures (TOMs) framework") == ["Themes Outcomes and Measures"]
    assert definitions("AGAR", "the Annual Governance and Accountability Return (AGAR) 2021/22") == [
        "Annual Governance and Accountability Return"
    ]


def test_brackets_that_do_not_spell_the_acronym_out_are_no_definition():
    assert definitions("WPL", "as the levy was explained (WPL) last year") == []
    assert definitions("CAZ", "the Clean Air Zone") == []
    assert definitions("OBC", "a report (OBC)") == []


def test_the_commonest_spelling_out_wins_in_the_papers_capitals():
    texts = [
        "A Workplace Parking Levy (WPL) would raise funds.",
        "The workplace parking levy (WPL) consultation.",
        "A Workplace Parking Levy (WPL) scheme.",
        "A Wholly Private Lane (WPL) was a misprint.",
    ]

    assert spelled_out("WPL", texts) == "Workplace Parking Levy"
    assert spelled_out("WPL", ["no definition here"]) == ""


def test_a_questions_acronym_is_searched_with_its_words_once():
    lookup = {"WPL": "Workplace Parking Levy", "OBC": "Outline Business Case"}.get

    assert with_spelled_out("When will the WPL OBC be decided, and the WPL start?", lambda a: lookup(a) or "") == (
        "When will the WPL (Workplace Parking Levy) OBC (Outline Business Case) be decided, and the WPL start?"
    )
    # Words the question already has, and acronyms no paper defines, are left as typed.
    assert with_spelled_out("the Workplace Parking Levy (WPL)", lambda a: lookup(a) or "") == "the Workplace Parking Levy (WPL)"
    assert with_spelled_out("What did the LTN cost?", lambda a: "") == "What did the LTN cost?"


def test_the_keyword_index_reads_an_acronym_from_the_chunks_that_use_it():
    chunks = [
        make_chunk("The forward plan lists the Workplace Parking Levy Outline Business Case for 9 July 2026.", ordinal=0),
        make_chunk("Members noted the Workplace Parking Levy (WPL) update and the WPL timetable.", ordinal=1),
        make_chunk("The WPL consultation closes in June.", ordinal=2),
    ]
    index = KeywordIndex(chunks)

    assert index.spelled_out("WPL") == "Workplace Parking Levy"
    assert index.spelled_out("OBC") == ""  # no chunk uses it
    top = index.search(with_spelled_out("When is the WPL outline business case decided?", index.spelled_out), 1, None)
    assert top[0][0] == 0


@given(st.text(max_size=300), st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=8))
def test_any_text_gives_definitions_or_none_never_an_error(text: str, acronym: str):
    for found in definitions(acronym, text):
        assert found
    assert isinstance(with_spelled_out(text, lambda a: "Some Words"), str)


def test_every_acronym_a_text_spells_out_is_found_with_its_words():
    text = "The Bristol Workplace Parking Levy (WPL) and its Outline Business Case (OBC); a report (TfL) and (XYZ) alone."

    assert defined(text) == [("WPL", "Workplace Parking Levy"), ("OBC", "Outline Business Case")]
