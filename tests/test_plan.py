"""How a read question is searched (assistant/plan.py)."""

from __future__ import annotations

from assistant.plan import plan
from assistant.question import read
from assistant.records import Filters


def test_a_question_is_searched_as_its_kind_of_answer_wants():
    trace = plan(read("Trace the precept from 2016 to 2021"), "Trace the precept from 2016 to 2021", Filters(), top_k=8)
    assert trace.k == 80 and trace.end == ""
    commitments = plan(read("What did we commit to on social value?"), "What did we commit to on social value?", Filters(), top_k=8)
    assert commitments.k == 12 and commitments.query.endswith("recommendations resolved priorities agreed")
    vote = plan(read("How did members vote on the levy?"), "How did members vote on the levy?", Filters(), top_k=8)
    assert vote.k == 24 and vote.query.endswith("vote voting carried against")
    plain = plan(read("Who wrote the report?"), "Who wrote the report?", Filters(), top_k=8)
    assert (plain.k, plain.query) == (8, "Who wrote the report?")


def test_a_draft_is_composed_without_what_it_is_written_for():
    month = Filters(date_from="2026-01-01", date_to="2026-01-31", labels=(("month", "January 2026"),))
    asked = "Draft a note for the January 2026 newsletter on the new mower."
    draft = plan(read(asked), asked, month, top_k=8)
    assert draft.question == "Draft a note on the new mower." and (draft.filters.date_from, draft.filters.date_to) == ("", "")
    assert draft.k == 16


def test_the_first_or_latest_round_is_searched_only_when_no_date_says_otherwise():
    first = "What did the council commit to when it first adopted the policy?"
    assert plan(read(first), first, Filters(), top_k=8).end == "first"
    latest = "What is the latest running total?"
    assert plan(read(latest), latest, Filters(), top_k=8).end == "last"
    dated = "What did the 2024 policy keep from when it was first adopted?"
    assert plan(read(dated), dated, Filters(), top_k=8).end == ""
    year = Filters(date_from="2022-01-01", date_to="2022-12-31", labels=(("year", "2022"),))
    assert plan(read(latest), latest, year, top_k=8).end == ""
