"""The entries of a list a sentence ending ":" opens (assistant/lists.py), read on a chunk of one paper."""

from __future__ import annotations

from assistant.compose import Evidence
from assistant.lists import list_entries
from fakes import make_chunk
from ingest.records import Chunk


def _chunk(text: str) -> Chunk:
    return make_chunk(text, doc_type="minutes", title="Decision Recording Form", item="8")


def _entries(chunk: Chunk, lead: str) -> list[str]:
    """The entries of the list the sentence lead opens in chunk (every quote taken as on its page)."""
    opening = Evidence(lead, chunk, 1, 1.0, 0, frozenset(), chunk.text.index(lead))
    return [e.text for e in list_entries(opening, lambda c: None, lambda e: True)]


def test_a_decision_numbered_from_one_is_a_list_of_its_parts():
    chunk = _chunk(
        "(d) Decision taken\n"
        "That the Committee for Transport and Connectivity:\n"
        "1. Noted the outcomes of the review of evidence and best practice.\n"
        "2. Approved launching a six-week public engagement on the outcomes.\n"
        "4. Authorised the Director to decide which proposals proceed.\n"
        "(e) Exempt Information?"
    )
    # In order from one: "4." after "2." is another list, or a paragraph, not the third part.
    assert [text[:2] for text in _entries(chunk, "That the Committee for Transport and Connectivity:")] == ["1.", "2."]


def test_a_decisions_note_on_its_parts_belongs_to_it_and_a_forms_next_field_ends_it():
    chunk = _chunk(
        "(d) Decision taken\n"
        "That the Committee for Transport and Connectivity:\n"
        "1. Noted the outcomes of the review of evidence.\n"
        "2. Approved (Unanimously) launching a six-week public engagement:\n"
        "(a) online, and\n"
        "(b) at drop-in sessions.\n"
        "Recommendations 3 was not approved (2 For, 7 Against with 0 Abstention.)\n"
        "3. Authorised the Director to decide which proposals proceed.\n"
        "(e) Exempt Information?\n"
        "Open"
    )
    entries = _entries(chunk, "That the Committee for Transport and Connectivity:")
    assert [text[:5] for text in entries] == ["1. No", "2. Ap", "(a) o", "(b) a", "Recom", "3. Au"]


def test_a_bullets_further_sentences_before_the_next_bullet_are_its_own():
    chunk = _chunk(
        "During discussion, Members raised the following points:\n"
        "• The reduced project timeline was noted. Officers confirmed that the consultants had agreed to the revised schedule.\n"
        "• It was suggested that the next update report should include the IT implications.\n"
        "• Members asked for an investment strategy for the levy revenue.\n"
        "The Committee noted the report."
    )
    assert _entries(chunk, "During discussion, Members raised the following points:") == [
        "• The reduced project timeline was noted. Officers confirmed that the consultants had agreed to the revised schedule.",
        "• It was suggested that the next update report should include the IT implications.",
        "• Members asked for an investment strategy for the levy revenue.",
    ]  # the sentence after the last bullet is the minute's, not the bullet's


def test_a_list_runs_on_into_the_items_next_chunk_and_only_verified_entries_are_kept():
    first = make_chunk("The priorities for 2023 are:\n(a) to embed strong delivery;\n(b) to help new businesses;", title="Priorities")
    second = make_chunk("(c) to hold a celebration event.\nThe report was noted.", ordinal=1, title="Priorities")
    opening = Evidence("The priorities for 2023 are:", first, 1, 1.0, 0, frozenset(), 0)
    found = list_entries(opening, lambda c: second if c is first else None, lambda e: "celebration" not in e.text)
    assert [e.text for e in found] == ["(a) to embed strong delivery;", "(b) to help new businesses;"]
    assert [e.text[:3] for e in list_entries(opening, lambda c: second if c is first else None, lambda e: True)] == ["(a)", "(b)", "(c)"]
    assert list_entries(Evidence("No list here.", first, 1, 1.0, 0, frozenset(), 0), lambda c: None, lambda e: True) == []


def test_the_other_numbered_parts_of_a_quoted_resolution_are_brought_once_each():
    from assistant.lists import resolution_parts

    first = make_chunk("(1) That the report be noted. (2) That a mid-year report be submitted to the Board.", ordinal=0)
    second = make_chunk("(3) That the definition of social value be set out on the website. Members thanked officers.", ordinal=1)
    following = {first.chunk_id: second}
    quoted = Evidence("(2) That a mid-year report be submitted to the Board.", first, 1, 1.0, 0, frozenset(), first.text.index("(2)"))

    parts = resolution_parts([quoted], lambda chunk: following.get(chunk.chunk_id), lambda evidence: True)

    assert [p.text[:3] for p in parts] == ["(1)", "(3)"]
    assert resolution_parts([quoted], lambda chunk: None, lambda evidence: "(1)" not in evidence.text) == []
