"""The assistant over a small real Chroma index with a fake embedder: modes, filters, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.prompts import REFUSAL
from assistant.retrieve import KeywordIndex
from assistant.records import Hit
from assistant.question import OWN_QUESTION, detect_mode
from assistant.service import Assistant, with_context
from ingest.records import Chunk
from ingest.pipeline import ingest_corpus
from ingest.store import Store
from paperfactory import make_minutes, make_report
from fakes import FAKE_CALIBRATION

ROTHERHAM = "Rotherham Metropolitan Borough Council"


@pytest.fixture
def assistant(settings, fake_embeddings):
    folder = Path(settings.corpus_dir)
    make_report(
        folder / "2019-cabinet-policy.pdf", meeting_date="2019-10-21", item="61", title="Social Value Policy",
        paragraphs=[
            "1.1 The Social Value Policy asks that all council contracts worth 100,000 pounds or more are scored on social value.",
            "1.2 Social value will count for 20 per cent of the overall tender score.",
            "2.1 That Cabinet approves the Social Value Policy and the use of the Social Value Portal to measure it.",
        ],
    )
    make_report(
        folder / "2022-cabinet-report.pdf", meeting_date="2022-03-28", item="126", title="Social Value Annual Report",
        paragraphs=[
            "1.1 The Council was accredited as a Living Wage Employer by the Living Wage Foundation in September 2021.",
            "2.1 That Cabinet agrees the social value priorities for 2022, including the launch of the Commissioning Toolkit in May 2022.",
        ],
    )
    make_minutes(
        folder / "2022-osmb-minutes.pdf", committee="Overview and Scrutiny Management Board", meeting_date="2022-03-23",
        items=[
            ("5", "COVID RECOVERY FUND", ["The Board considered the Covid Recovery Fund of two million pounds for local businesses."]),
            ("6", "SOCIAL VALUE ANNUAL REPORT", ["The Board scrutinised the social value annual report before Cabinet.", "Resolved: That a social value mid-year progress report be brought to the Board."]),
        ],
    )
    make_report(
        folder / "2023-cabinet-report.pdf", meeting_date="2023-03-20", item="141", title="Social Value Annual Report",
        paragraphs=["1.1 More than 13 million pounds of social value commitments have been secured from council contracts.", "2.1 That Cabinet agrees the social value priorities for 2023, including a supplier celebration event."],
    )
    make_report(
        folder / "manchester" / "2021-manchester.pdf", council="Manchester City Council", committee="Resources and Governance Scrutiny Committee",
        meeting_date="2021-03-09", item="14", title="Refresh of the Social Value Policy",
        paragraphs=[
            "1.1 Manchester proposes a minimum 30 per cent social value weighting in tender evaluation.",
            "1.2 In 2017/18, 71.3 per cent of spend with the top 300 suppliers went to Manchester-based organisations.",
            "1.3 In 2018/19 the share of spend with Manchester-based organisations was 70 per cent.",
        ],
    )
    return _assistant_over(folder, settings, fake_embeddings)


def _assistant_over(folder: Path, settings, fake_embeddings) -> Assistant:
    """An assistant over a folder of test papers, every one ingested."""
    store = Store.from_settings(settings)
    assert not ingest_corpus(folder, settings=settings, store=store, embeddings=fake_embeddings).failed
    return Assistant(settings.model_copy(update=FAKE_CALIBRATION), store=store, embeddings=fake_embeddings)


def _meetings(answer):
    return {(c.committee, c.meeting_date, c.item) for c in answer.citations}


def test_answer_cites_meeting_item_and_page_with_verified_quotes(assistant):
    answer = assistant.ask("When was the council accredited as a Living Wage Employer?")
    assert answer.answered and answer.mode == "answer"
    assert ("Cabinet", "2022-03-28", "126") in _meetings(answer)
    assert "September 2021" in answer.answer
    for citation in answer.citations:
        assert f"[{citation.key}]" in answer.answer
        page = assistant.page_texts(next(p.paper_id for p in assistant.papers() if p.source == citation.source))[citation.page - 1]
        assert " ".join(citation.quote.split()) in " ".join(page.split())


def test_year_filter_restricts_citations(assistant):
    answer = assistant.ask("What social value priorities were agreed in 2023?")
    assert answer.answered
    assert {c.meeting_date[:4] for c in answer.citations} == {"2023"}
    assert answer.filters.date_from == "2023-01-01"


def test_filters_fail_closed_and_say_which(assistant):
    for question, words in [
        ("What did we commit to on social value in 2017?", "year 2017"),
        ("What did Leeds decide about social value?", "Leeds"),
        ("What did the Planning Committee decide on social value?", "Planning Committee"),
    ]:
        answer = assistant.ask(question)
        assert not answer.answered and not answer.citations
        assert words in answer.answer and answer.answer != REFUSAL


def test_a_date_that_describes_the_subject_reads_later_papers_when_its_own_are_missing(assistant):
    # No paper is from 2020; "the priorities agreed in 2020" are what later papers report back on.
    answer = assistant.ask("What progress was there on the social value priorities agreed in 2020?")
    assert answer.answered and answer.answer.startswith("*No papers from year 2020 are in the index")
    assert not answer.filters.date_from and answer.citations
    # Asking which meetings to read still fails closed.
    answer = assistant.ask("What social value priorities were agreed in 2020?")
    assert not answer.answered and "year 2020" in answer.answer


def test_a_financial_year_no_meeting_fell_in_reads_the_papers_that_name_it(assistant):
    question = "What share of Manchester's spend with its top 300 suppliers went to Manchester-based organisations in 2017/18?"
    answer = assistant.ask(question)
    assert answer.answered and answer.answer.startswith("*No papers from financial year 2017/18 are in the index")
    assert "71.3 per cent" in answer.answer
    follow_up = assistant.ask("And the year after that?", history=[question])
    assert follow_up.answered and "70 per cent" in follow_up.answer
    assert follow_up.answer.startswith("*No papers from financial year 2018/19")
    # A year no paper names stays a filter that matches nothing.
    answer = assistant.ask("What share of Manchester's spend went to Manchester-based organisations in 2012/13?")
    assert not answer.answered and "financial year 2012/13" in answer.answer


def test_what_was_first_adopted_reads_the_earliest_papers_on_it(assistant):
    answer = assistant.ask("What did the council commit to when it first adopted the social value policy?")
    assert answer.answered and answer.citations
    assert {c.meeting_date[:4] for c in answer.citations} == {"2019"}
    assert ("first", "papers, around 21 October 2019") in answer.filters.labels
    # Without the cue the later papers take part.
    later = assistant.ask("What social value priorities did the council commit to?")
    assert {c.meeting_date[:4] for c in later.citations} - {"2019"}


def test_a_follow_up_pointing_back_with_them_asks_its_own_kind_of_question(assistant):
    first = "How many social value priorities did Cabinet agree for 2023?"
    standalone, _ = assistant.resolve("Which of them involves suppliers?", [first])
    assert "priorities" in standalone
    # "Which ...?" wants a name, not the count the first question asked for (the papers give none).
    answer = assistant.ask("Which of them involves suppliers?", history=[first])
    assert answer.answered and "celebration event" in answer.answer
    # Opening with "and" changes nothing; "what were they ...?" asks again for what was asked before.
    answer = assistant.ask("And which of them involves suppliers?", history=[first])
    assert answer.answered and "celebration event" in answer.answer
    assert OWN_QUESTION.match("so who came up with that framework?")
    assert not OWN_QUESTION.match("and what were they a year later?")
    # A yes-or-no question about a thing it names asks its own kind of question; "did it?" does not.
    assert OWN_QUESTION.match("has the time of year it goes to cabinet shifted as well?")
    assert not OWN_QUESTION.match("did they change it the year after?")


def test_the_latest_reads_the_last_round_and_a_comparison_of_named_years_is_no_first(assistant):
    answer = assistant.ask("What is the latest figure for social value commitments secured from council contracts?")
    assert answer.answered and {c.meeting_date for c in answer.citations} == {"2023-03-20"}
    assert ("last", "papers, around 20 March 2023") in answer.filters.labels
    answer = assistant.ask("What did the 2022 report keep from the original 2019 social value policy?")
    assert not any(facet in ("first", "last") for facet, _ in answer.filters.labels)


def test_a_follow_up_comparing_with_the_year_before_reads_both_years(assistant):
    first = "What social value commitments were secured in 2023?"
    assert assistant.resolve("Is that up on the year before?", [first])[1].date_from == "2022-01-01"
    assert assistant.resolve("Is that up on the year before?", [first])[1].date_to == "2023-12-31"
    assert assistant.resolve("And the year before?", [first])[1].date_to == "2022-12-31"


def test_a_comparison_follow_up_naming_another_council_reads_both(assistant):
    first = "What minimum social value weighting does Manchester propose in tender evaluation?"
    _, filters = assistant.resolve("How does that compare with the weighting Rotherham uses?", [first])
    assert set(filters.councils) == {"Manchester City Council", ROTHERHAM}
    # Without a comparison the new council replaces the old.
    _, filters = assistant.resolve("And what about Rotherham?", [first])
    assert filters.councils == (ROTHERHAM,)


def test_explicit_filters_combine_with_the_question(assistant):
    from assistant.records import Filters

    answer = assistant.ask("What did the board ask for on social value?", filters=Filters(committees=("Overview and Scrutiny Management Board",)))
    assert answer.answered
    assert {c.committee for c in answer.citations} == {"Overview and Scrutiny Management Board"}


def test_off_topic_question_is_refused(assistant):
    answer = assistant.ask("What are the parking charges at the hospital car park?")
    assert (answer.answered, answer.answer, answer.citations) == (False, REFUSAL, ())


def test_council_filter_tells_the_two_councils_apart(assistant):
    answer = assistant.ask("What social value weighting did Manchester propose?")
    assert answer.answered
    assert {c.council for c in answer.citations} == {"Manchester City Council"}


def test_commitments_mode_lists_decisions_with_meeting_and_item(assistant):
    answer = assistant.ask("What did we commit to on social value in 2022?")
    assert answer.mode == "commitments" and answer.answered
    assert ("Cabinet", "2022-03-28", "126") in _meetings(answer)
    assert "- " in answer.answer and "item 126" in answer.answer
    assert all(c.meeting_date.startswith("2022") for c in answer.citations)


def test_timeline_mode_gives_one_line_per_meeting_in_date_order(assistant):
    answer = assistant.ask("How has social value reporting developed since the policy was adopted?")
    assert answer.mode == "timeline" and answer.answered
    dates = [e.meeting_date for e in answer.events]
    assert dates == sorted(dates) and len(dates) == len(set((e.meeting_date, e.committee) for e in answer.events))
    assert "2019-10-21" in dates and "2023-03-20" in dates
    keys = {c.key for c in answer.citations}
    assert all(set(e.citation_keys) <= keys for e in answer.events)
    assert answer.to_json()["events"][0]["citation_keys"]


def test_draft_mode_gives_a_paragraph_and_council_style_references(assistant):
    answer = assistant.ask("Draft a background paragraph on our social value policy")
    assert answer.mode == "draft" and answer.answered
    assert "**References**" in answer.answer
    assert "Cabinet, 21 October 2019, item 61, Social Value Policy, p. 1" in answer.answer


def test_follow_up_uses_the_history(assistant):
    first = "What did Cabinet decide about social value priorities in March 2022?"
    answer = assistant.ask("And a year later?", history=[first])
    assert answer.answered
    assert {c.meeting_date for c in answer.citations} == {"2023-03-20"}
    assert answer.filters.date_from == "2023-01-01"


def test_afterwards_reads_the_meetings_after_and_a_pronoun_carries_the_topic(assistant):
    first = "What social value priorities did Cabinet agree in March 2022?"
    standalone, filters = assistant.resolve("Were they delivered afterwards?", [first])
    assert "priorities" in standalone
    assert (filters.date_from, filters.date_to) == ("2022-04-01", "")
    # "Delivered" is in none of these papers: a follow-up whose own words no paper uses is refused (see test_confidence).
    assert not assistant.ask("Were they delivered afterwards?", history=[first]).answered
    answer = assistant.ask("Were they reported on afterwards?", history=[first])
    assert answer.answered and {c.meeting_date for c in answer.citations} == {"2023-03-20"}
    assert assistant.resolve("And what did the next report say about them?", [first])[1].date_from == "2022-04-01"
    assert "priorities" in assistant.resolve("Did the board look at it as well?", [first])[0]
    # "Who else ...?" points back at what was just answered, however many words it has.
    assert "priorities" in assistant.resolve("Who else was up for it in that category of the awards that year?", [first])[0]
    # "How does that compare ...?" is about what was just asked, under its filters.
    standalone, filters = assistant.resolve("How does that compare with Manchester?", [first])
    assert "priorities" in standalone and filters.date_from == "2022-03-01"
    assert assistant.resolve("How does the council measure social value?", [first])[1].date_from == ""


def test_a_quote_not_on_its_page_is_dropped(assistant, monkeypatch):
    honest = assistant.page_texts
    monkeypatch.setattr(assistant, "page_texts", lambda pid: [t.replace("Living Wage", "Living W.") for t in honest(pid)])
    answer = assistant.ask("When was the council accredited as a Living Wage Employer?")
    assert all("Living Wage" not in c.quote for c in answer.citations)


def test_json_shape_is_stable(assistant):
    data = assistant.ask("When was the Social Value Policy approved by Cabinet?").to_json()
    assert set(data) == {"question", "answered", "answer", "citations", "mode", "filters"}
    assert set(data["citations"][0]) == {"key", "council", "committee", "meeting_date", "item", "title", "doc_type", "page", "page_end", "source", "quote", "source_url"}
    assert isinstance(data["citations"][0]["page"], int) and data["citations"][0]["page_end"] >= data["citations"][0]["page"]
    assert data["citations"][0]["source"].startswith("corpus/")


def test_empty_index_says_so(settings, fake_embeddings):
    empty = Assistant(settings, embeddings=fake_embeddings)
    answer = empty.ask("Anything?")
    assert not answer.answered and "no papers" in answer.answer.lower()


@pytest.mark.parametrize(
    ("question", "mode"),
    [
        ("What did we commit to on social value in 2022?", "commitments"),
        ("What were the priorities for 2024?", "commitments"),
        ("How has social value reporting developed since the policy was adopted?", "timeline"),
        ("When was the anchor network first proposed?", "timeline"),
        ("Draft a background paragraph on our social value policy", "draft"),
        ("When was the council accredited as a Living Wage Employer?", "answer"),
        ("Did the council promise to publish a report each year?", "answer"),
        ("Can you trace the anchor network across the annual reports?", "timeline"),
        ("Take me through the council's work on the Living Wage.", "timeline"),
        ("When has the board looked at social value?", "timeline"),
        ("When did the board first look at social value?", "answer"),
        ("What did the council say it would focus on in 2023?", "commitments"),
        ("What did the Manchester scrutiny committee agree to ask for?", "commitments"),
        ("How have the social value commitments secured through all of the council's contracts grown since 2023?", "timeline"),
        ("Track the total pledged through council contracts across the last three annual reports.", "timeline"),
        ("How did they explain the way a supplier's promise ends up counted as delivered?", "answer"),
        ("What promises did we make on social value?", "commitments"),
        ("How much has Yorkshire Water committed to spend on the sewage works?", "answer"),
        ("When is the committee scheduled to take the decision on the business case?", "answer"),
    ],
)
def test_mode_detection(question, mode):
    assert detect_mode(question) == mode


def test_a_yes_no_follow_up_is_answered_plainly():
    assert detect_mode("What priorities were agreed? Were they described the same way", "Were they described the same way?") == "answer"


def test_who_wrote_a_report_is_answered_from_its_cover_block(assistant):
    answer = assistant.ask("Who wrote the 2023 social value annual report?")
    assert answer.answered
    assert any(c.quote.startswith("Report of: Chief Executive") and c.meeting_date == "2023-03-20" for c in answer.citations)


def test_an_authorship_question_brings_the_cover_block_of_a_long_reports_item():
    def chunk(paper: str, ordinal: int, item: str, text: str, doc_type: str = "report") -> Chunk:
        return Chunk(chunk_id=f"{paper}:{ordinal:05d}", paper_id=paper, source=f"{paper}.pdf", council="C", committee="Cabinet",
                     meeting_date="2023-03-20", item=item, title=f"Item {item}", doc_type=doc_type, page_start=1, page_end=1,
                     text=text, ordinal=ordinal)

    pack = [chunk("pack", 0, "140", "Report of: Strategic Director"), chunk("pack", 1, "141", "Report of: Assistant Chief Executive"),
            chunk("pack", 2, "141", "2.1 Commitments grew."), chunk("pack", 3, "141", "3.1 Local spend doubled.")]
    minutes = chunk("mins", 4, "141", "The Leader introduced the report.", doc_type="minutes")
    index = KeywordIndex(pack + [minutes])
    assert index.item_start(pack[3]) == pack[1] and index.item_start(pack[1]) == pack[1] and index.item_start(pack[0]) == pack[0]
    hits = [Hit(chunk=pack[3], score=0.9), Hit(chunk=minutes, score=0.8), Hit(chunk=pack[2], score=0.7)]
    ids = [h.chunk.chunk_id for h in with_context(hits, lambda c: index.item_start(c) if c.doc_type == "report" else None)]
    # The cover follows its report's best hit once; minutes have no cover block to add.
    assert ids == ["pack:00003", "pack:00001", "mins:00004", "pack:00002"]


def test_who_chaired_a_meeting_is_answered_from_its_minutes_attendance(assistant):
    answer = assistant.ask("Who chaired the scrutiny board meeting on the social value annual report?")
    assert answer.answered and "Councillor Read (in the Chair)" in answer.answer
    assert any(c.title == "Attendance and apologies" and c.meeting_date == "2022-03-23" for c in answer.citations)


def test_a_misspelt_word_is_read_as_meant_and_the_answer_says_so(assistant):
    answer = assistant.ask("What social value priorities did Cabniet agree for 2023?")
    assert answer.answered and "supplier celebration event" in answer.answer
    assert answer.answer.startswith("*Read “Cabniet” as “Cabinet”.*")
    refused = assistant.ask("When were the potholes on Rotherhm's roads fixed?")
    assert not refused.answered and "“Rotherhm” as “Rotherham”" in refused.answer


def test_a_date_describing_the_subject_is_no_meeting_filter_when_other_meetings_papers_name_it(assistant):
    # No meeting was held in September 2021; where the accreditation stood then is in a 2022 report.
    answer = assistant.ask("Where did Living Wage accreditation stand at the end of September 2021?")
    assert answer.answered and any(c.meeting_date == "2022-03-28" for c in answer.citations)
    assert "September 2021" in answer.answer and "other meetings" in answer.answer
    # A month no paper names at all still fails closed, and so does the date of a meeting.
    assert assistant.ask("What stood at the end of August 2020?").answer.startswith("No papers in the index match")
    assert assistant.ask("What happened with Living Wage accreditation in September 2021?").answer.startswith("No papers")


def test_a_filtered_answer_says_how_many_undated_papers_were_not_searched(assistant, monkeypatch):
    from dataclasses import replace

    from assistant.records import Filters

    year = Filters(date_from="2022-01-01", date_to="2022-12-31")
    assert assistant.scope.unsearched(year) == ""
    papers = assistant.papers()
    monkeypatch.setattr(assistant, "papers", lambda: papers + [replace(papers[0], meeting_date="", source="undated.pdf")])
    assert assistant.scope.unsearched(year).startswith("1 paper with no known meeting date")
    assert "1 paper with no known" in assistant.ask("What did Cabinet agree in 2022?").answer


def test_a_changed_registry_renews_the_catalogue_and_filter_checks(assistant, settings, fake_embeddings):
    from assistant.records import Filters

    leeds = Filters(councils=("Leeds City Council",))
    catalogue, table = assistant.catalogue(), assistant.paper_table()
    assert assistant.catalogue() is catalogue and assistant.paper_table() is table, "made once, not per question"
    assert "Leeds City Council" not in catalogue.councils and assistant.scope.unmatched(leeds)
    make_report(
        Path(settings.corpus_dir) / "leeds" / "2024-leeds.pdf", council="Leeds City Council", committee="Executive Board",
        meeting_date="2024-06-19", item="9", title="Social Value Update", paragraphs=["1.1 Leeds secured social value from its contracts."],
    )
    assert not ingest_corpus(Path(settings.corpus_dir), settings=settings, store=assistant.store, embeddings=fake_embeddings).failed
    assert assistant.refresh()
    renewed = assistant.catalogue()
    assert renewed is not catalogue and assistant.paper_table() is not table
    assert "Leeds City Council" in renewed.councils and "Executive Board" in renewed.committees
    assert assistant.scope.unmatched(leeds) == ""
    assert assistant.paper_table().latest(Filters()) == "2024-06-19"


def test_a_council_no_paper_is_of_is_the_subject_of_the_papers_about_it(settings, fake_embeddings):
    folder = Path(settings.corpus_dir)
    make_report(
        folder / "2024-cabinet-report.pdf", meeting_date="2024-03-18", item="156", title="Social Value Annual Report",
        paragraphs=[
            "1.1 The Council won the social value award for its commissioning, and Wigan Council was highly commended.",
            "1.2 Social value commitments reached 27.8 million pounds this year.",
        ],
    )
    # A comparator's paper filed with the council's own: its file is named for the other council.
    make_report(
        folder / "salford-benchmarking.pdf", meeting_date="2024-03-18", item="156", title="Appendix B Benchmarking",
        paragraphs=["1.1 Salford City Council applies a 20 per cent social value weighting to its own tenders."],
    )
    assistant = _assistant_over(folder, settings, fake_embeddings)
    answer = assistant.ask("What social value weighting does Salford City Council apply to its tenders?")
    assert answer.answered and answer.answer.startswith("*No papers from council Salford are in the index")
    assert "20 per cent" in answer.answer and {Path(c.source).name for c in answer.citations} == {"salford-benchmarking.pdf"}
    # Named in passing, for an award, Wigan is not what the council's own report is about.
    answer = assistant.ask("What social value commitments had Wigan Council reported?")
    assert not answer.answered and not answer.citations
    # A council no paper names fails closed, as before.
    answer = assistant.ask("What social value weighting does Leeds apply to its tenders?")
    assert not answer.answered and "Leeds" in answer.answer


def test_a_date_filter_that_finds_nothing_reads_the_papers_whose_date_is_not_known(settings, fake_embeddings):
    from assistant.prompts import UNDATED_NOTE
    from paperfactory import _draw

    folder = Path(settings.corpus_dir)
    make_report(
        folder / "2022-cabinet-report.pdf", meeting_date="2022-03-28", item="126", title="Social Value Annual Report",
        paragraphs=["2.1 That Cabinet agrees the social value priorities for 2022, including the launch of the Commissioning Toolkit."],
    )
    # A review filed beside the agendas, with no meeting or date on it.
    _draw(folder / "living-wage-review.pdf", [["Living Wage Review", "", "The review found that 412 suppliers paid the real Living Wage to their staff in 2022."]], "Living Wage Review")
    assistant = _assistant_over(folder, settings, fake_embeddings)
    answer = assistant.ask("How many suppliers paid the real Living Wage to their staff in 2022?")
    assert answer.answered and "412 suppliers" in answer.answer and UNDATED_NOTE in answer.answer
    assert answer.filters.undated and answer.filters.date_from == "2022-01-01"
    # What the papers of those dates answer is answered from them alone.
    answer = assistant.ask("What social value priorities did Cabinet agree in 2022?")
    assert answer.answered and not answer.filters.undated and UNDATED_NOTE not in answer.answer


def test_every_answer_says_what_its_stages_cost(assistant, monkeypatch):
    stages = {"embed_ms", "dense_ms", "keyword_ms", "fusion_ms", "compose_ms", "total_ms"}
    answered = assistant.ask("What share of the tender score does social value count for?")
    assert answered.answered and stages <= set(answered.timings_ms)
    assert answered.timings_ms["total_ms"] >= sum(answered.timings_ms[s] for s in stages - {"total_ms"}) * 0.99
    # A fail-closed notice and the error sentence searched nothing, and still say how long they took.
    assert set(assistant.ask("What did Cabinet decide in 1997?").timings_ms) == {"total_ms"}
    monkeypatch.setattr(assistant.retriever, "search", lambda *a, **k: 1 / 0)
    assert set(assistant.ask("What share of the tender score does social value count for?").timings_ms) == {"total_ms"}
