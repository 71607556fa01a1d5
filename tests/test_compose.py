"""Extractive composition: lists follow the sentence that opens them, timelines say what each meeting did."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answers import COUNT, VOTE_RECORD, compose, evidence
from assistant.answers import states_amount as _states_amount
from assistant.compose import Composer, Evidence, _looks_back, has_figure
from assistant.question import ASKS_AUTHOR, ASKS_CHAIR, ASKS_COUNT, ASKS_WHEN
from assistant.records import Filters
from assistant.service import Assistant
from ingest.pipeline import ingest_corpus
from assistant.records import Hit
from ingest.records import Chunk
from ingest.store import Store
from paperfactory import make_minutes, make_report
from fakes import FAKE_CALIBRATION, make_chunk


@pytest.fixture
def assistant(settings, fake_embeddings):
    folder = Path(settings.corpus_dir)
    make_minutes(
        folder / "2022-cabinet-minutes.pdf", meeting_date="2022-03-28",
        items=[
            ("125", "HOUSING REPAIRS CONTRACT", ["Cabinet considered the award of the housing repairs contract and its local employment clauses."]),
            ("126", "SOCIAL VALUE ANNUAL REPORT", [
                "Cabinet considered the second social value annual report, which covered the year to the end of November 2021.",
                "Cabinet could choose not to agree the priorities, but this was not recommended.",
                "Resolved: (1) That the social value annual report be received.",
                "(2) That the social value priorities for 2022 be agreed:",
                "(a) to launch the social value commissioning toolkit in May 2022;",
                "(b) to embed social value further across the council;",
                "(c) to increase social value commitments on skills and employment;",
                "(d) to work with the combined authority on social value across the sub-region.",
                "Cabinet thanked officers for the social value report.",
            ]),
        ],
    )
    make_report(
        folder / "2024-cabinet-report.pdf", meeting_date="2024-03-18", item="156", title="Social Value Annual Report",
        paragraphs=[
            "1.1 Cabinet approved the Social Value Policy on 21 October 2019 after scrutiny by the board in 2019.",
            "1.2 Since March 2023 social value commitments have more than doubled, to £27.8m, and delivered value doubled to £8m.",
            "1.3 That Cabinet approves the updated Social Value Policy 2024-2027.",
        ],
    )
    # Small chunks, so that the list runs on into the next chunk of the same item.
    settings = settings.model_copy(update={"chunk_chars": 220, **FAKE_CALIBRATION})
    store = Store.from_settings(settings)
    assert not ingest_corpus(folder, settings=settings, store=store, embeddings=fake_embeddings).failed
    return Assistant(settings, store=store, embeddings=fake_embeddings)


def test_a_resolution_that_opens_a_list_brings_every_entry_in_order(assistant):
    answer = assistant.ask("What did we commit to on social value in 2022?")
    assert answer.mode == "commitments" and answer.answered
    lines = answer.answer.splitlines()
    lead = next(i for i, line in enumerate(lines) if "(2) That the social value priorities for 2022 be agreed:" in line)
    entries = [line for line in lines[lead + 1 :] if line.startswith("  - ")]
    assert [e.split(")")[0] for e in entries[:4]] == ["  - (a", "  - (b", "  - (c", "  - (d"]
    assert sum("(b) to embed" in line for line in lines) == 1, "an entry is shown once, under its list"
    assert "could choose not to agree" not in answer.answer, "an options appraisal is no commitment"
    quoted = {c.quote for c in answer.citations}
    assert "(d) to work with the combined authority on social value across the sub-region." in quoted


def test_timeline_prefers_what_the_meeting_did_over_background(assistant):
    answer = assistant.ask("How has social value reporting developed over the years?")
    assert answer.mode == "timeline"
    event = next(e for e in answer.events if e.meeting_date == "2024-03-18")
    assert "£27.8m" in event.summary or "2024-2027" in event.summary
    assert "21 October 2019" not in event.summary


def test_sentences_about_other_years_rank_below_the_years_asked():
    chunk = Chunk(
        chunk_id="p:00000", paper_id="p", source="s.pdf", council="C", committee="Cabinet", meeting_date="2025-06-09",
        item="9", title="Social Value Annual Report", doc_type="report", page_start=1, page_end=1,
        text="Cabinet agreed four social value priorities for 2024. The social value priorities for 2025 are set out below.",
    )
    composer = Composer(lambda pid: [chunk.text], lambda term: 1.0)
    ranked = evidence(composer, "What were the social value priorities?", [Hit(chunk=chunk, score=1.0)], "commitments",
                               Filters(date_from="2025-01-01", date_to="2025-12-31"))
    assert "2025" in ranked[0].text


def test_looks_back_and_display_text():
    assert _looks_back("Cabinet approved the policy on 21 October 2019.", "2022-03-28")
    assert not _looks_back("The priorities for 2022 are set out below.", "2022-03-28")
    assert not _looks_back("The year to the end of November 2021 is covered.", "2022-03-28")
    assert not _looks_back("No year at all.", "2022-03-28")
    chunk = Chunk(chunk_id="p:0", paper_id="p", source="s", council="", committee="", meeting_date="", item="", title="",
                  doc_type="report", page_start=1, page_end=1, text="")
    assert Evidence("2.3 The policy was reviewed.", chunk, 1, 1.0, 0, frozenset()).display == "The policy was reviewed."
    assert Evidence("(1) That the report be received.", chunk, 1, 1.0, 0, frozenset()).display == "(1) That the report be received."


def _chunk(text: str) -> Chunk:
    return make_chunk(text, source="s.pdf", council="C", meeting_date="2023-03-20", item="141", title="Social Value Annual Report")


def _answer_from_sittings(
    question: str, said: dict[tuple[str, str], str], idf=lambda term: 1.0, title: str = "Social Value Annual Report", mode: str = "answer"
):
    """compose() over one chunk per sitting ((committee, date) -> its text), every chunk ranked alike."""
    chunks = [
        Chunk(chunk_id=f"{d}:00000", paper_id=d, source=f"{d}.pdf", council="C", committee=committee, meeting_date=d,
              item="6", title=title, doc_type="minutes", page_start=1, page_end=1, text=text)
        for (committee, d), text in said.items()
    ]
    composer = Composer(lambda pid: [next(text for (_, d), text in said.items() if d == pid)], idf)
    return compose(composer, question, [Hit(chunk=c, score=1.0, dense=0.5) for c in chunks], mode=mode, filters=Filters())


def test_an_entry_chosen_alone_brings_the_sentence_that_opens_its_list():
    chunk = _chunk(
        "1.2 That Cabinet agrees the priorities set out in paragraph 2.2 below.\n"
        "2.2 The priorities proposed for 2023 are:\n"
        "(a) To embed strong delivery of social value through training.\n"
        "(b) To help new businesses to enter the supply markets.\n"
        "(c) To formally launch the social value anchor networks."
    )
    composer = Composer(lambda pid: [chunk.text], lambda term: 1.0)
    entry = next(e for e in evidence(composer, "anchor networks", [Hit(chunk=chunk, score=1.0)], "answer") if e.text.startswith("(c)"))
    lead = composer.opener(entry)
    assert lead is not None and lead.text == "2.2 The priorities proposed for 2023 are:"
    assert [e.text[:3] for e in composer.list_entries(lead)] == ["(a)", "(b)", "(c)"]
    assert composer.opener(Evidence("Not an entry.", chunk, 1, 1.0, 0, frozenset())) is None


def test_years_days_items_and_covid_19_are_not_figures():
    for text in ("recovery from Covid-19", "agreed in 2022", "considered on 23 March 2022", "item 164 and Minute 61",
                 "3.6 Social value would continue", "the 2022/23 report"):
        assert not has_figure(text), text
    for text in ("a weighting of at least 30%", "£13.5m secured", "1,302 jobs and 665 apprenticeships", "up 25 per cent"):
        assert has_figure(text), text
    assert COUNT.search("six outcomes") and COUNT.search("12 measures")
    assert not COUNT.search("£13.5m") and not COUNT.search("20%") and not COUNT.search("in 2023")


def test_how_many_things_wants_a_count_of_those_things():
    assert _states_amount("How many suppliers attended?", "Some 25 local suppliers attended the event.")
    assert _states_amount("How many social value measures are used?", "The Council has chosen 21 measures.")
    assert _states_amount("How many outcomes are there?", "The policy identifies six key outcomes.")
    assert _states_amount("How many workplaces filled in the form?", "Ninety-two workplaces completed the online form.")
    assert _states_amount("How many coins were ordered?", "The Council ordered twenty five coins.")
    assert not _states_amount("How many suppliers attended?", "There were 11 category winners and suppliers were pleased.")
    assert not _states_amount("How many suppliers attended?", "The event was held on 23 March 2022.")
    assert _states_amount("How much was secured?", "It secured £13.5m.")
    assert _states_amount("What is the number of measures kept?", "The Council has chosen 21 measures.")
    assert not _states_amount("What is the number of measures kept?", "The measures were cut in 2024.")
    assert ASKS_COUNT.search("whats the number of TOMs measures") and not ASKS_COUNT.search("a number of suppliers attended")
    assert _states_amount("How many contracts had been let?", "Contracts let with social value commitments 31")  # a table row
    assert not _states_amount("What £ proxy value does one hire carry?", "The Council has chosen 21 measures.")
    assert _states_amount("What £ proxy value does one hire carry?", "Each hire is valued at £45,000.")
    # "Of the measures chosen, how many are there?": the things come before the question.
    assert _states_amount("Of the measures chosen, how many are there?", "The Council has chosen 21 measures.")
    assert not _states_amount("Of the measures chosen, how many are there?", "The measures were chosen with care.")
    # The place a question names is not what it counts: "Plan 4 and Bristol Transport Strategy" holds no responses.
    question = "How many responses did Bristol's public consultation receive?"
    assert not _states_amount(question, "It is referenced in the Joint Local Transport Plan 4 and Bristol Transport Strategy.")
    assert _states_amount(question, "The consultation received 1,204 responses from Bristol residents.")
    assert ASKS_COUNT.search("whats the £ proxy value for one apprenticeship week?") and ASKS_COUNT.search("What's the hourly rate?")
    assert not ASKS_COUNT.search("What is the social value policy?")
    assert ASKS_COUNT.search("How big a pay rise did the lowest paid get?") and _states_amount("How big a pay rise was it?", "They got a pay rise of 10.1%.")
    assert ASKS_COUNT.search("What's the council's real Living Wage hourly rate for 2025/26?")
    assert not _states_amount("What's the rate?", "The fee rates for 2025/26 were confirmed.")  # no year's digits


def test_how_much_wants_an_amount_stated_about_what_was_asked():
    said = {
        ("Cabinet", "2023-03-20"): "There is an annual subscription cost for the Social Value Portal, met from existing budgets. "
        "A new pay rate of £10.19 per hour applies to directly employed staff from April 2023.",
    }
    rare = {"subscript", "hour", "rate", "staff"}
    idf = lambda term: 4.0 if term in rare else 1.0  # noqa: E731
    # Amounts only in a sentence about something else: the papers do not say what the subscription costs.
    assert _answer_from_sittings("How much does the council pay each year for its Social Value Portal subscription?", said, idf) is None
    assert _answer_from_sittings("What annual cost does the portal subscription have?", said, idf) is None
    answer = _answer_from_sittings("What hourly rate do directly employed staff get from April 2023?", said, idf)
    assert answer is not None and "£10.19" in answer.answer
    # An amount of another kind than the one asked for ("what hourly rate", "what percentage") is no answer.
    assert _states_amount("What hourly rate did the Foundation set in 2024?", "A new pay rate of £10.19 per hour applies.")
    assert not _states_amount("What hourly rate did the Foundation set in 2024?", "Social value committed: more than £13m and £27.8m.")
    assert _states_amount("What percentage of spend stayed local?", "Local spend rose to 28% of the total.")
    assert not _states_amount("What percentage of spend stayed local?", "Local spend rose by £28m to £105m.")


def test_commit_words_name_the_mode_only_in_a_question_that_asks_for_commitments():
    composer = Composer(lambda pid: [], lambda term: 1.0)
    assert "commit" in composer.topic_terms("What was said about the social value committed through contracts?")
    assert "commit" not in composer.topic_terms("What did we commit to on social value?")
    assert "commit" not in composer.topic_terms("What did Rotherham commit itself to on social value?")


def test_of_two_sentences_saying_the_same_at_one_meeting_the_one_with_the_figures_is_shown():
    said = {
        ("Cabinet", "2024-03-18"): "That Cabinet receives the annual report and notes the increase in social value commitments. "
        "That the annual report be received, and the increase in social value commitments, to £27.8m, be noted.",
    }
    answer = _answer_from_sittings("What did Cabinet note about the increase in social value commitments?", said)
    assert "£27.8m" in answer.answer and "notes the increase" not in answer.answer


def test_what_the_board_asked_for_brings_every_part_of_its_resolution():
    said = {
        ("Overview and Scrutiny Management Board", "2022-03-23"): "The Board considered the social value annual report. "
        "Members discussed mid-year progress on the toolkit. Mid-year progress on training was also raised. "
        "Officers described mid-year progress with suppliers. Mid-year progress on local spend was welcomed. "
        "Members asked about mid-year progress in the anchor network. "
        "(1) That Cabinet be advised that the Board supports the recommendations. "
        "(2) That a mid-year progress report on social value be submitted to the Board. "
        "(3) That the definition of social value be set out more clearly on the website. "
        "(4) That future reports include examples of impact on residents.",
    }
    rare = {"mid-year", "progress"}
    idf = lambda term: 4.0 if term in rare else 1.0  # noqa: E731
    answer = _answer_from_sittings("What mid-year progress did the board ask for?", said, idf)
    assert "(3) That the definition" in answer.answer and "(4) That future reports" in answer.answer
    # A question that is not about what was asked keeps to the sentences that answer it.
    answer = _answer_from_sittings("When is the mid-year progress report due?", said, idf)
    assert "(4) That future reports" not in answer.answer


def test_sentences_of_one_paper_alike_but_for_their_figures_are_both_shown():
    said = {
        ("Resources and Governance Scrutiny Committee", "2021-03-09"): "Suppliers reported that they created around 1,302 jobs and 665 apprenticeships in the city. "
        "Suppliers reported 1,579 jobs and 561 apprenticeships created in the city.",
    }
    answer = _answer_from_sittings("How many jobs and apprenticeships did suppliers report?", said)
    assert "1,302" in answer.answer and "1,579" in answer.answer


def test_a_draft_is_prose_and_never_quotes_a_list_of_documents():
    said = {
        ("Cabinet", "2024-03-18"): "1.1 That the annual report on social value be received.\n"
        "2024 Cabinet, 18 March 2024 156 This report; social value policy 2024-2027\n"
        "Background documents\n"
        "Social value policy annual analyses of spend with the top 300 suppliers.\n"
        "1. Introduction\n"
        "1.2 The social value policy was adopted by Cabinet in October 2019 and reviewed in 2024.\n"
        "1.3 It covers every social value contract of £100,000 or more.\n"
        "1.4 Social value commitments on council contracts reached £27.8m in the annual report.",
    }
    answer = _answer_from_sittings("Draft a background paragraph on the social value policy annual report", said, mode="draft")
    assert "adopted by Cabinet in October 2019" in answer.answer and "£27.8m" in answer.answer
    for left_out in ("That the annual report", "This report;", "annual analyses of spend"):
        assert left_out not in answer.answer, left_out
    # A draft about the decisions taken quotes the resolutions.
    answer = _answer_from_sittings("Draft a paragraph on the decisions taken on the social value annual report", said, mode="draft")
    assert "That the annual report on social value be received." in answer.answer


def test_an_answer_opens_with_the_meeting_of_its_best_sentence():
    said = {
        ("Cabinet", "2019-10-21"): "Members discussed the threshold for contracts at length.",
        ("Cabinet", "2024-03-18"): "The review kept the social value threshold of £100,000 for contracts.",
    }
    answer = _answer_from_sittings("Did the review keep the social value threshold for contracts?", said, lambda t: 3.0 if t == "threshold" else 1.0)
    assert answer.answer.startswith("**Cabinet, 18 March 2024") and "**Cabinet, 21 October 2019" in answer.answer


def test_an_answer_unfolds_only_the_lists_of_sentences_on_its_subject():
    said = {
        ("Cabinet", "2024-03-18"): "The review kept the contract threshold of £100,000 for the policy.\n"
        "The review of the contract policy found that these parts stay the same:\n"
        "(a) The six outcomes of the policy remain in place.\n"
        "(b) The measurement framework of the policy remains in place.",
    }
    idf = lambda term: 4.0 if term in {"threshold", "outcom"} else 1.0  # noqa: E731
    answer = _answer_from_sittings("Did the review keep the contract threshold for the policy?", said, idf)
    assert "£100,000" in answer.answer and "(a) The six outcomes" not in answer.answer
    answer = _answer_from_sittings("Which parts of the policy stay the same, such as the outcomes?", said, idf)
    assert "(a) The six outcomes" in answer.answer and "(b) The measurement framework" in answer.answer


def test_words_that_say_how_something_changed_are_not_its_subject():
    terms = Composer(lambda pid: [], lambda term: 1.0).topic_terms("How has the total grown from one annual report to the next?")
    assert "total" in terms and not terms & {"grow", "one", "next"}


def test_a_count_needs_no_share_of_a_long_questions_words():
    said = {("Cabinet", "2025-06-09"): "From the refreshed national list the Council has chosen 21 measures for its contracts."}
    question = "Of the measures the council has picked from the refreshed national framework of themes, outcomes and measures, how many are there in all?"
    answer = _answer_from_sittings(question, said, lambda t: 4.0 if t in {"theme", "outcom", "framework", "pick"} else 1.0)
    assert answer is not None and "21 measures" in answer.answer


def test_words_no_paper_uses_do_not_dilute_an_amount_questions_share():
    said = {("Cabinet", "2025-06-09"): "One contract produced £3.1m of social value, which raised the total by 25%. The total is now £32m."}
    question = "Someone said a single contract bumped the figures massively - how much did it produce?"
    unused = {"someon", "bump", "massiv"}
    idf = lambda term: 6.0 if term in unused else 1.0  # noqa: E731
    chunks = [Hit(chunk=_chunk(said[("Cabinet", "2025-06-09")]), score=1.0, dense=0.5)]
    composer = Composer(lambda pid: [said[("Cabinet", "2025-06-09")]], idf, vocabulary=frozenset({"contract", "produc", "singl", "figur"}))
    answer = compose(composer, question, chunks, mode="answer", filters=Filters())
    assert answer is not None and "£3.1m" in answer.answer
    # Counting the unused words against it, the same sentence would hold too small a share.
    assert compose(Composer(lambda pid: [said[("Cabinet", "2025-06-09")]], idf), question, chunks, mode="answer", filters=Filters()) is None


def test_who_chaired_and_whose_report_of_read_as_such():
    assert ASKS_CHAIR.search("Who was chairing the scrutiny board?") and ASKS_AUTHOR.search("Which senior officer were they the 'report of'?")


def test_what_period_asks_when():
    for question in ("What period did the report cover?", "How long does the policy run?", "What dates were the meetings?"):
        assert ASKS_WHEN.search(question), question
    assert not ASKS_WHEN.search("What did the report cover?")


def test_words_a_filter_already_applied_are_not_topic_terms():
    composer = Composer(lambda pid: [], lambda term: 1.0)
    filters = Filters(committees=("Overview and Scrutiny Management Board",), labels=(("committee", "OSMB"),))
    terms = composer.topic_terms("What local spend did OSMB hear about in June 2025?", filters)
    assert terms == {"local", "spend"}
    assert "agre" in composer.topic_terms("What did Cabinet agree?") & composer.topic_terms("priorities agreed by Cabinet")


def test_a_resolution_that_points_at_a_paragraph_brings_the_list_there():
    chunk = _chunk(
        "1.2 That Cabinet agrees the priorities for 2023 set out in paragraph 2.2 below.\n"
        "2. Summary of the priorities for 2023\n"
        "2.1 The priorities build on the lessons of the first three years.\n"
        "2.2 The priorities proposed for 2023 are:\n"
        "(a) To embed strong delivery of social value through training.\n"
        "(b) To hold a celebration event for suppliers.\n"
        "5.1 Option 1 is to agree the priorities for 2023 as proposed.\n"
        "5.2 Cabinet could choose not to agree any priorities, which is not recommended."
    )
    composer = Composer(lambda pid: [chunk.text], lambda term: 1.0)
    ranked = evidence(composer, "What priorities did Cabinet agree for 2023?", [Hit(chunk=chunk, score=1.0)], "commitments")
    texts = [e.text for e in ranked]
    assert not any("Option 1" in t or "could choose" in t for t in texts), "an options appraisal is no commitment"
    assert "2. Summary of the priorities for 2023" not in texts, "a heading says nothing"
    resolution = next(e for e in ranked if e.text.startswith("1.2 That Cabinet agrees"))
    lead = composer.referenced(resolution)
    assert lead is not None and lead.text == "2.2 The priorities proposed for 2023 are:"
    assert [e.text[:3] for e in composer.list_entries(lead)] == ["(a)", "(b)"]


def test_the_same_sentence_at_the_next_meeting_is_a_second_citation_but_a_recap_a_year_later_is_not():
    sentence = "The threshold for social value remains one hundred thousand pounds for every contract."
    sittings = (("Overview and Scrutiny Management Board", "2022-03-23"), ("Cabinet", "2022-03-28"), ("Cabinet", "2023-03-20"))
    answer = _answer_from_sittings("What is the social value threshold?", dict.fromkeys(sittings, sentence))
    assert {c.meeting_date for c in answer.citations} == {"2022-03-23", "2022-03-28"}


def test_another_meeting_joins_an_answer_only_with_a_distinctive_term_of_the_question():
    said = {
        ("Cabinet", "2019-10-21"): "The policy model follows how Preston used its social value spending to keep wealth local.",
        ("Overview and Scrutiny Management Board", "2019-10-16"): "The Board heard that the social value policy was modelled partly on other councils.",
        ("Cabinet", "2022-03-28"): "The social value policy of the council continued to work well across all of its contracts.",
        ("Cabinet", "2023-03-20"): "Officers visited Preston again to compare notes on procurement.",
    }
    rare = {"preston"}
    idf = lambda term: 3.0 if term in rare else 0.5  # noqa: E731
    assert Composer(lambda pid: [], idf).distinctive_terms("Which other council's policy model did Preston's inspire?") >= rare
    answer = _answer_from_sittings("Which other council's social value policy model came from Preston?", said, idf, "Social Value Policy")
    # The best sentence's meeting and its scrutiny days before may add context; a meeting years later
    # joins only by naming the subject ("Preston"), not by talking about social value policy at all.
    assert {c.meeting_date for c in answer.citations} == {"2019-10-21", "2019-10-16", "2023-03-20"}


def _ranked(text: str, question: str, mode: str = "answer") -> list[Evidence]:
    """The sentences of one chunk, scored for a question, best first (every term weighted alike)."""
    chunk = _chunk(text)
    return evidence(Composer(lambda pid: [chunk.text], lambda term: 1.0), question, [Hit(chunk=chunk, score=1.0)], mode)


def test_a_draft_prefers_the_sentences_that_carry_the_reports_figures():
    ranked = _ranked(
        "The annual report showed how council contracts secure social value for residents. "
        "The annual report showed that commitments rose to £27.8m.",
        "Draft a paragraph on what the annual report showed",
        "draft",
    )
    assert "£27.8m" in ranked[0].text


def test_an_answer_from_a_report_brings_what_its_other_sitting_said():
    said = {
        ("Cabinet", "2022-03-28"): (
            "The supplier engagement event will now be held every year. "
            "Each year's event gives suppliers a preview of forthcoming tenders. "
            "Suppliers attending the event meet commissioners from every directorate. "
            "The event is free and open to businesses of any size. "
            "A workshop at the event explains how social value is scored in engagement with bidders. "
            "Feedback from suppliers shapes the following year's engagement programme. "
            "The event will be held at the town hall."
        ),
        ("Overview and Scrutiny Management Board", "2022-03-23"): "Members welcomed the yearly event and asked how local suppliers would hear of it.",
        ("Cabinet", "2023-03-20"): "Members asked how local suppliers would hear of the supplier event next year.",
    }
    answer = _answer_from_sittings("Will the supplier engagement event be held every year?", said)
    # The answer is full of Cabinet's sentences, yet scrutiny days before joins it in its own words;
    # the next year's sitting does not.
    assert {c.meeting_date for c in answer.citations} == {"2022-03-28", "2022-03-23"}


def test_a_draft_about_one_meeting_draws_on_more_than_two_of_its_sentences():
    said = {
        ("Cabinet", "2024-03-18"): (
            "The annual report shows commitments of £27.8m secured through council contracts. "
            "The annual report says delivered social value reached £8m by the end of the year. "
            "With the annual report Cabinet approved the updated Social Value Policy 2024-2027. "
            "The annual report records the Public Sector Leadership award won in June 2023. "
            "The annual report proposes four priorities for 2024, starting with employee ownership."
        ),
    }
    answer = _answer_from_sittings("Draft a paragraph summarising the March 2024 annual report", said, mode="draft")
    assert len(answer.citations) >= 4


def test_an_amount_question_takes_other_years_only_for_their_amounts():
    said = {
        ("Cabinet", "2019-10-21"): "Social value counts for 20% of the tender score for contracts over the threshold.",
        ("Cabinet", "2022-03-28"): "Members heard that the tender score for social value was reviewed during the year.",
        ("Cabinet", "2024-03-18"): "Under the updated policy, bids are still weighted 20% on social value.",
    }
    answer = _answer_from_sittings("What share of the tender score does social value count for?", said)
    # 2024 states the share again and joins; 2022 talks about the tender score without one.
    assert {c.meeting_date for c in answer.citations} == {"2019-10-21", "2024-03-18"}
    # "How many ...?" is answered by a list as well as by a figure.
    listed = {
        ("Cabinet", "2019-10-21"): "The 2019 policy names six outcomes it expects bidders to pursue.",
        ("Cabinet", "2024-03-18"): "Social value commitments should contribute to the following outcomes:\n(a) raising living standards;\n(b) a strong local economy.",
    }
    answer = _answer_from_sittings("How many outcomes do social value commitments contribute to?", listed)
    assert {c.meeting_date for c in answer.citations} == {"2019-10-21", "2024-03-18"}


def test_who_wrote_a_report_is_answered_by_the_lines_naming_its_author_only():
    chunk = _chunk(
        "Report title: Social Value Annual Report\nReport of: Assistant Chief Executive\nReport author: Head of Procurement\n"
        "The annual report for 2023 was written to show how the policy secured social value."
    )
    composer = Composer(lambda pid: [chunk.text], lambda term: 1.0)
    answer = compose(composer, "Who wrote the 2023 social value annual report?", [Hit(chunk=chunk, score=1.0)], mode="answer", filters=Filters())
    assert [c.quote for c in answer.citations] == ["Report of: Assistant Chief Executive", "Report author: Head of Procurement"]
    # Minutes name it their own way: "the report of the City Treasurer".
    minutes = _chunk("The Committee considered the report of the Deputy Chief Executive and City Treasurer on the policy refresh.")
    composer = Composer(lambda pid: [minutes.text], lambda term: 1.0)
    answer = compose(composer, "Whose report was the policy refresh?", [Hit(chunk=minutes, score=1.0)], mode="answer", filters=Filters())
    assert answer.citations[0].quote.startswith("The Committee considered the report of the Deputy Chief Executive")


def test_asked_for_an_example_the_sentence_giving_one_ranks_first():
    ranked = _ranked(
        "Suppliers will be invited to show examples of how their commitments are tracked at the celebration event. "
        "If, for example, a supplier commits to 10 hires, each hire is tracked as evidence against the commitment.",
        "Can you give an example of how a supplier's commitment is tracked?",
    )
    assert "10 hires" in ranked[0].text


def test_what_a_report_covered_asks_for_its_content_not_the_word_cover():
    composer = Composer(lambda pid: [], lambda term: 1.0)
    assert "cover" not in composer.topic_terms("What did the two mid-year reports cover?")


def test_another_meeting_joins_an_answer_only_with_enough_of_the_subject_the_best_sentence_names():
    said = {
        ("Cabinet", "2024-03-18"): "In June 2023 the council won the national Leadership award for its social value work.",
        ("Cabinet", "2019-10-21"): "Social value is evaluated as part of the award of every contract.",
        ("Cabinet", "2025-06-09"): "Officers plan to enter the national awards again, building on the 2023 win.",
    }
    rare = {"nation": 2.5, "award": 3.0, "win": 2.5}
    idf = lambda term: rare.get(term, 0.5)  # noqa: E731
    answer = _answer_from_sittings("What national award did the council win for its social value work?", said, idf)
    # "award" alone is the contract award; 2025 names the national award and the win again.
    assert {c.meeting_date for c in answer.citations} == {"2024-03-18", "2025-06-09"}


def test_a_list_the_report_and_the_minutes_both_hold_is_said_once_and_cites_both():
    listing = (
        "Resolved: that the priorities for 2022 are:\n(a) To launch the commissioning toolkit in May 2022.\n"
        "(b) To embed social value in every contract over the threshold.\n(c) To hold a supplier celebration event."
    )
    said = {("Overview and Scrutiny Management Board", "2022-03-23"): listing, ("Cabinet", "2022-03-28"): listing}
    answer = _answer_from_sittings("What social value priorities were agreed for 2022?", said, mode="commitments")
    for entry in ("(a) To launch", "(b) To embed", "(c) To hold"):
        assert answer.answer.count(entry) == 1, answer.answer
        cited = {c.meeting_date for c in answer.citations if c.quote.startswith(entry)}
        assert cited == {"2022-03-23", "2022-03-28"}


def test_a_minute_without_its_full_stop_is_a_sentence_and_a_short_title_a_heading():
    from assistant.compose import HEADING

    assert HEADING.match("Retirement of the Clerk") and HEADING.match("2. Summary of the priorities for 2023 and the years after that")
    assert not HEADING.match("Councillor Richardson welcomed Councillor Neil Cresswell to the Parish Council")


def test_which_person_or_firm_asks_who():
    # "Which senior officer were they the report of?" is read as a plain question: a Person answer gave
    # every cover block's "Report of" line, the work programme's too (heldout_v6), not the annual reports' one.
    from assistant.question import read

    for question in ("Which councillor was welcomed in November 2018?", "Which consultants wrote the business case?", "Who chaired it?"):
        assert read(question).who, question
    assert not read("Which year was the precept highest?").who


def test_that_said_opens_no_resolution():
    from assistant.compose import RESOLUTION

    assert RESOLUTION.search("That Cabinet approves the Social Value Policy.")
    assert not RESOLUTION.search("That said, the survey shows fewer people find it difficult to manage.")


def test_a_sentence_about_another_place_only_does_not_answer_for_the_place_asked():
    chunk = _chunk(
        "Nottingham's annual levy charge is currently £550. Bristol's levy would raise about £10 million a year. "
        "The levy funds public transport in both Bristol and Nottingham."
    )
    said = [e.text for e in evidence(Composer(lambda pid: [chunk.text], lambda term: 1.0), "How much would Bristol's levy raise?", [Hit(chunk=chunk, score=1.0)], "answer")]
    assert "Nottingham's annual levy charge is currently £550." not in said
    assert any(text.startswith("Bristol's levy") for text in said) and any("both Bristol and Nottingham" in text for text in said)


def test_a_forms_capitalised_fields_are_a_cover_line_and_a_paragraph_number_is_no_figure():
    from assistant.compose import cover_line, has_figure

    assert cover_line("KEY OR NON-KEY DECISION: Key decision over £500k spend/save & impacts more than 2 wards COMMITTEE: Transport")
    assert not cover_line("RESOLVED: That the council objects to the application for the reasons given by the planning officer.")
    assert not has_figure("16. WPL revenue can also be directed towards transport programmes.")
    assert has_figure("5. The whole scheme would cost around £2million.")


def _minutes(paper: str, *texts: str) -> tuple[Composer, list[Hit]]:
    """A composer over one paper of minutes in consecutive chunks, every chunk a hit, its neighbours known."""
    chunks = [
        make_chunk(text, paper=paper, ordinal=n, council="C", committee="Transport Committee", meeting_date="2024-09-12", item="", title="Minutes", doc_type="minutes")
        for n, text in enumerate(texts)
    ]
    composer = Composer(
        lambda pid: [" ".join(texts)], lambda term: 1.0,
        adjacent=lambda chunk, step: chunks[chunk.ordinal + step] if 0 <= chunk.ordinal + step < len(chunks) else None,
    )
    return composer, [Hit(chunk=c, score=1.0, dense=0.5) for c in chunks]


def test_a_vote_question_is_answered_by_the_record_of_the_vote_on_its_subject():
    composer, hits = _minutes(
        "m",
        "Councillor Plowden moved the recommendation on residents parking permit tariffs. "
        "On being put to the vote the recommendation was CARRIED unanimously. "
        "The committee discussed the workplace parking levy business case and the risks of the project at length.",
        # The vote on the levy opens the next chunk: what it was on is read from the discussion before it.
        "On the recommendation being put to the vote, the recommendation was CARRIED (8 voting FOR, 1 against). "
        "Councillors then discussed the bus shelters on the main road.",
    )
    answer = compose(composer, "How did members vote on the workplace parking levy business case?", hits, mode="answer", filters=Filters())
    assert answer is not None and "8 voting FOR, 1 against" in answer.answer
    assert "CARRIED unanimously" not in answer.answer  # the vote on another item
    # Much said about the subject, but no vote recorded on it: no answer.
    composer, hits = _minutes("n", "The committee discussed the micromobility contract and the delegation to officers at length. Members asked about the costs.")
    assert compose(composer, "How did members vote on the micromobility contract delegation?", hits, mode="answer", filters=Filters()) is None
    # A constitution's voting rules record no vote.
    assert not VOTE_RECORD.search("Each member to have one vote, no member is to have a casting vote.")
    assert not VOTE_RECORD.search("Approve and implement increase of £56 to £124 for first vehicle permit tariffs.")
    assert VOTE_RECORD.search("Recommendations 3 was not approved (2 For, 7 Against with 0 Abstention.)")


def test_a_vote_is_on_the_decision_it_carried_when_the_discussion_before_does_not_name_it():
    composer, hits = _minutes(
        "v",
        "Members asked about the risks and the checks and balances. The amendment was withdrawn on the above assurances. "
        "On the recommendation being put to the vote, the recommendation was CARRIED (8 voting FOR, 1 against). It was APPROVED;",
        # The decision the vote carried opens the next chunk.
        "3. Approved the progression to the Outline Business Case for a workplace parking levy at a cost of up to £1m.",
    )
    answer = compose(composer, "What was the vote when the committee approved the workplace parking levy business case?", hits, mode="answer", filters=Filters())
    assert answer is not None and "8 voting FOR, 1 against" in answer.answer


def test_which_were_voted_down_wants_the_votes_lost_with_what_was_put():
    composer, hits = _minutes(
        "m",
        "Recommendation 4C proposed the removal of the 30-minute free parking tariff in all residents parking schemes. "
        "On being put to the vote the recommendation was LOST (4 members voting in favour, 5 against). "
        "Recommendation 6 proposed early bird parking charges at Temple Gate. "
        "On being put to the vote the recommendation was CARRIED unanimously.",
    )
    answer = compose(composer, "Which of the parking charges recommendations were voted down?", hits, mode="answer", filters=Filters())
    assert answer is not None and "LOST (4 members voting in favour, 5 against)" in answer.answer
    assert "30-minute free parking tariff" in answer.answer and "CARRIED unanimously" not in answer.answer


def test_how_much_money_wants_a_sum_of_money_and_accounts_print_pounds_without_the_sign():
    assert _states_amount("How much money did the bonfire raise?", "Donation from May Fair etc. 2,438.00 1,278.79")
    assert not _states_amount("How much money did the bonfire raise?", "46 Siobhan Martin East Bristol Liveable Neighbourhood Trial")
    assert not _states_amount("How much is the independent review costing?", "The review was item 46 of the agenda.")
    assert _states_amount("What charge per space did the review recommend?", "It recommended a charge of £400 per space a year.")
    assert ASKS_COUNT.search("What annual charge per parking space did the review recommend?")


def test_a_study_without_a_report_of_line_is_authored_by_the_organisation_its_cover_names():
    cover = make_chunk(
        "i\nLeicester Castle Business School\nDe Montfort University\nLEICESTER CITY COUNCIL\n"
        "Workplace Parking Levy: An evidence-based review of policy and prospects for Leicester\nDraft Report",
        title="Leicester WPL Evidence Based Review",
    )
    body = make_chunk(
        "The University of Nottingham studied the levy in 2015, and the review draws on that work for Leicester.",
        ordinal=4, title="Leicester WPL Evidence Based Review",
    )
    composer = Composer(lambda pid: [cover.text + "\n" + body.text], lambda term: 1.0)
    hits = [Hit(chunk=body, score=1.0), Hit(chunk=cover, score=0.9)]
    answer = compose(composer, "Who wrote the evidence-based review of a workplace parking levy for Leicester?", hits, mode="answer", filters=Filters())
    # The cover's own lines, not a later sentence that mentions another university.
    assert [c.quote for c in answer.citations] == ["Leicester Castle Business School", "De Montfort University"]


def test_the_minutes_procedural_items_answer_questions_about_attendance_and_substitutes():
    from assistant.question import read

    attendance = make_chunk(
        "Apologies were received from Councillor Coombes. Councillor Jos Clark attended as substitute.",
        doc_type="minutes", title="Attendance and apologies", item="2",
    )
    budget = make_chunk("The committee approved the budget for the levy of two million pounds.", ordinal=3)
    composer = Composer(lambda pid: [attendance.text, budget.text], lambda term: 1.0)
    hits = [Hit(chunk=budget, score=1.0), Hit(chunk=attendance, score=0.9)]
    asked = read("Who sat on the committee as a substitute at the meeting, and for whom?")
    assert asked.procedure and not read("What did the committee decide about the levy?").procedure
    assert "substitute" in composer.evidence(asked, hits)[0].text
    # The same sentence, were the question not about attendance, would rank as a procedural item does.
    from dataclasses import replace

    score = {e.text: e.score for e in composer.evidence(asked, hits)}
    unasked = {e.text: e.score for e in composer.evidence(replace(asked, procedure=False), hits)}
    assert score["Councillor Jos Clark attended as substitute."] - unasked["Councillor Jos Clark attended as substitute."] == pytest.approx(0.3)
    # Not asked about, the procedural items rank below what the meeting did.
    assert composer.evidence(read("What did the committee approve for the levy?"), hits)[0].chunk is budget


def test_an_amount_under_an_item_titled_with_the_subject_answers_how_much():
    def answer(title: str):
        chunk = make_chunk("RESOLVED: To make a donation to SUP of £54.00 to support its work by buying two water testing kits.",
                           doc_type="minutes", title=title, item="7")
        composer = Composer(lambda pid: [chunk.text], lambda term: 1.0)
        return compose(composer, "How much did the council give Stop Ure Pollution?", [Hit(chunk=chunk, score=1.0)], mode="answer", filters=Filters())

    # The minute's heading names what its resolution, in initials, is about.
    assert answer("Contribution to Stop Ure Pollution (SUP)").citations[0].quote.startswith("RESOLVED: To make a donation to SUP of £54.00")
    assert answer("Grants to village groups") is None  # no amount beside the subject: refused


def test_a_resolution_with_its_parts_in_one_long_sentence_is_quoted_whole():
    from assistant.compose import LONGEST_SENTENCE, too_long

    parts = "; ".join(f"({n}) That the Clerk should arrange the new website domain and email address, step {n}" for n in ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii"))
    resolution = f"RESOLVED: {parts}."
    assert len(resolution) > LONGEST_SENTENCE and not too_long(resolution)
    assert too_long("Table 3 " + "1,234 5,678 " * 60)  # a table read as one line is no sentence
    chunk = make_chunk(resolution, doc_type="minutes", title="Parish Website", item="6")
    composer = Composer(lambda pid: [chunk.text], lambda term: 1.0)
    answer = compose(composer, "What did the council resolve about the new website domain?", [Hit(chunk=chunk, score=1.0)], mode="answer", filters=Filters())
    assert answer.citations[0].quote == resolution


def test_a_meeting_of_the_asked_year_setting_a_later_deadline_is_about_that_year():
    from assistant.compose import _other_years

    deadline = "The light will be kept in working order, basic repairs only, until 31st March 2022."
    assert not _other_years(deadline, "2018-09-04", (2018, 2018))  # what the 2018 meeting decided
    assert _other_years(deadline, "2022-05-01", (2018, 2018))  # a later meeting's news of 2022
    assert _other_years("In 2015 the council first looked at the light.", "2018-09-04", (2018, 2018))  # a recap
    assert not _other_years("In 2018 the council looked at the light.", "2019-01-08", (2018, 2018))
    assert not _other_years("The council looked at the light.", "2016-01-08", (2018, 2018))  # names no year


def test_asked_what_members_raised_the_points_beside_the_best_sentence_unfold():
    chunk = _chunk(
        "10 Workplace Parking Levy Update report\n"
        "The Committee received a report updating the committee on progress with the levy's business case.\n"
        "During discussion, Members raised the following points:\n"
        "• The reduced project timeline was noted. Officers confirmed that the consultants had agreed to the revised schedule.\n"
        "• It was suggested that the next update report should include the IT implications.\n"
        "• Members asked for an investment strategy for the levy revenue.\n"
        "The Committee noted the report."
    )
    composer = Composer(lambda pid: [chunk.text], lambda term: 1.0)
    answer = compose(composer, "What did members ask officers to do next on the levy update?", [Hit(chunk=chunk, score=1.0)], mode="answer", filters=Filters())
    assert "  - It was suggested that the next update report should include the IT implications." in answer.answer


def test_a_financial_year_runs_into_the_next_calendar_year():
    from assistant.compose import _other_years

    charge = "In Nottingham the charge is currently £415/year per liable place (2019/20)."
    assert not _other_years(charge, "", (2020, 2020))  # January 2020 is in 2019/20
    assert _other_years(charge, "", (2021, 2021))
    assert _other_years("The meeting on 2019-12-03 set the charge.", "", (2020, 2020))  # a date, not a financial year


def test_sentences_of_one_undated_paper_are_one_round_of_meetings():
    from assistant.compose import _same_round
    from assistant.text import tokens

    page4 = make_chunk("This strategy sets out a headline programme to increase passenger numbers.", paper="bus", meeting_date="", committee="")
    page7 = make_chunk("A doubling in bus passenger journeys by 2036.", paper="bus", ordinal=5, meeting_date="", committee="")
    other = make_chunk("A doubling of cycle journeys by 2030.", paper="cycling", meeting_date="", committee="")
    best, same, elsewhere = (Evidence(c.text, c, 1, score, 0, frozenset(tokens(c.text))) for c, score in ((page4, 1.0), (page7, 0.9), (other, 0.9)))
    assert _same_round(best, same) and not _same_round(best, elsewhere)
    composer = Composer(lambda pid: [page4.text + "\n" + page7.text] if pid == "bus" else [other.text], lambda term: 1.0)
    chosen = composer.select([best, same, elsewhere], 6, anchors=frozenset({"headlin", "programm"}))
    # The strategy's own later page joins without the best sentence's words; another undated paper does not.
    assert [e.chunk.paper_id for e in chosen] == ["bus", "bus"]


def test_a_paper_of_no_known_meeting_is_no_sitting_of_a_round_however_near_its_date():
    from assistant.compose import _same_round
    from assistant.text import tokens

    minutes = make_chunk("At present there are 29 properties connected to the broadband.", paper="m", meeting_date="2016-01-12", committee="Parish Council")
    # An annual return dated by the year it covers, filed beside the minutes: no committee, a date eleven days off.
    annual = make_chunk("Business Saver Account as at 31st March 2016 £1595.96.", paper="a", meeting_date="2016-01-01", committee="")
    scrutiny = make_chunk("The board asked about connections.", paper="s", meeting_date="2016-01-05", committee="Scrutiny Board")
    best, annual_return, sitting = (Evidence(c.text, c, 1, 1.0, 0, frozenset(tokens(c.text))) for c in (minutes, annual, scrutiny))
    assert _same_round(best, sitting) and not _same_round(best, annual_return)
    composer = Composer(lambda pid: [{"m": minutes, "a": annual, "s": scrutiny}[pid].text], lambda term: 1.0)
    chosen = composer.select([best, annual_return], 6, anchors=frozenset({"broadband", "properti"}))
    assert [e.chunk.paper_id for e in chosen] == ["m"], "a paper of no meeting joins by the question's words, not by its date"


def test_a_date_set_aside_as_the_subject_must_be_named_near_a_sentence_of_the_answer():
    from assistant.compose import PERIOD_REACH, about_period
    from assistant.scope import SET_ASIDE
    from assistant.text import tokens

    def said(text: str, sentence: str) -> Evidence:
        chunk = make_chunk(text, meeting_date="2023-11-15")
        return Evidence(sentence, chunk, 1, 1.0, 0, frozenset(tokens(sentence)), text.index(sentence))

    asked = Filters(labels=(("set_aside", "month november 2021"),))
    assert SET_ASIDE == "set_aside"
    total = "More than £13m of social value has been secured since the policy was introduced."
    assert not about_period([said(f"The policy was adopted in 2019. {total}", total)], asked)
    # The year heads the table or opens the paragraph the sentence is in: it speaks of that year.
    row = "Jobs created in Manchester 1,302 1,579"
    assert about_period([said(f"Measure 2020/21 2021/22\n{row}", row)], asked), "a financial year names its second year too"
    assert about_period([said(f"By the end of November 2021 the portal held 40 contracts. {total}", total)], asked)
    far = f"By the end of November 2021 the portal held 40 contracts. {'Other matters were noted. ' * (PERIOD_REACH // 20)}{total}"
    assert not about_period([said(far, total)], asked)
    assert about_period([said(total, total)], Filters()), "no date set aside: nothing to name"
    # A financial year names what was spent in it, not when a committee met: the answer must name it too.
    spend = "By 2017/18, this had risen to 71.3% of a total spend of £431m."
    in_year = Filters(date_from="2020-04-01", date_to="2021-03-31", labels=(("financial_year", "2020/21"),))
    assert not about_period([said(spend, spend)], in_year)
    assert about_period([said(f"In 2020-21 the analysis was paused. {spend}", spend)], in_year)


def test_a_sentence_over_a_page_break_is_verified_against_both_pages_and_cited_to_them():
    from assistant.compose import Citations

    seventh = "The committee noted the report. The levy would raise funds for"
    eighth = "bus services across the city from 2027. The next item was taken."
    text = f"{seventh}\n{eighth}"
    chunk = make_chunk(text, page_start=7, page_end=8, page_offsets=((0, 7), (len(seventh) + 1, 8)))
    pages = {"p": ["", "", "", "", "", "", seventh, eighth]}
    composer = Composer(lambda pid: pages[pid], lambda term: 1.0)
    over = text.index("The levy")
    crossing = Evidence("The levy would raise funds for bus services across the city from 2027.", chunk, 7, 1.0, 0, frozenset(), over)
    within = Evidence("The next item was taken.", chunk, 8, 1.0, 0, frozenset(), text.index("The next"))
    misplaced = Evidence("The next item was taken.", chunk, 7, 1.0, 0, frozenset(), over)  # it is not printed on page 7

    assert (crossing.page_end, within.page_end) == (8, 8)
    assert composer.verified(crossing) and composer.verified(within)
    assert not composer.verified(misplaced)
    citations = Citations()
    composer.cite(crossing, citations)
    composer.cite(within, citations)
    first, second = citations.items
    assert first.reference().endswith("pp. 7–8") and first.to_json()["page_end"] == 8
    assert second.reference().endswith("p. 8") and second.to_json()["page_end"] == 8


def test_a_paper_with_no_committee_is_headed_and_cited_by_its_council():
    from assistant.compose import Citations, meeting_heading

    chunk = make_chunk("The rent for Hudson Quarry remains £5.00 per annum.", committee="", meeting_date="", item="", council="Burton-cum-Walden Parish Council", title="Annual Report 2024-25")
    assert meeting_heading(chunk) == "Burton-cum-Walden Parish Council, undated — Annual Report 2024-25"
    citations = Citations()
    citations.add(Evidence(chunk.text, chunk, 1, 1.0, 0, frozenset()))
    assert citations.items[0].reference() == "Burton-cum-Walden Parish Council, undated, Annual Report 2024-25, p. 1"
    unknown = make_chunk("A line.", committee="", council="", meeting_date="", item="", title="Notes")
    assert meeting_heading(unknown) == "Unknown committee, undated — Notes"


def test_a_draft_about_what_was_agreed_gives_the_resolution_before_the_minutes_narrative():
    earlier = [
        ("2024-10-01", "The Clerk reported that the council's mower was reaching the end of its life and was costly to repair."),
        ("2024-11-05", "The Clerk reported that a new mower of the same standard would cost around £12,000."),
        ("2025-03-04", "Councillors noted that the mower reserve for a new mower now stood at £2,000."),
    ]
    chunks = [
        make_chunk(text, paper=f"m{n}", council="C", committee="Parish Council", meeting_date=when, item="5", title="Mower", doc_type="minutes")
        for n, (when, text) in enumerate(earlier)
    ] + [
        make_chunk(
            "The Council considered a paper from the Clerk on whether to buy a new mower, as the council's mower is now 12 years old. "
            "The Council considered quotations from two suppliers for a new mower and a trade-in of the old mower of £3,950. "
            "RESOLVED: To purchase a new Husqvarna mower at a price of £13,155.00 and to sell the existing mower in part-exchange.",
            paper="m9", council="C", committee="Parish Council", meeting_date="2025-12-02", item="5", title="Mower", doc_type="minutes",
        )
    ]
    pages = {c.paper_id: [c.text] for c in chunks}
    composer = Composer(lambda pid: pages[pid], lambda term: 1.0)
    hits = [Hit(chunk=c, score=1.0, dense=0.5) for c in chunks]
    answer = compose(composer, "Draft a short note for the newsletter on the new mower the council agreed to buy.", hits, mode="draft", filters=Filters())
    # Two sentences a meeting when several meetings take the subject: the decision is one of its meeting's two.
    assert answer is not None and "£13,155.00" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "According to the committee's forward plan, when is the levy's business case due to come for decision?",
        "In September 2024, how much did the committee agree to spend on the levy?",
        "When is the committee due to take its decision on the levy?",
    ],
)
def test_a_question_for_one_fact_after_a_framing_clause_is_no_list_of_decisions(question):
    from assistant.question import detect_mode

    assert detect_mode(question) == "answer"
