"""Tracing a matter across meetings: identifiers carried to later minutes, date order, summary, figure table."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.compose import Composer
from assistant.records import Filters, Hit
from assistant.retrieve import KeywordIndex
from assistant.trace import CLOSE_ANCHORED, Tracer, figure_table
from ingest.records import Chunk

MINUTES = {
    "2016-03-01": "12. Planning. Application 3/16/0456/FUL for a barn conversion at Low Farm was discussed. The council resolved to object.",
    "2016-09-06": "30. Planning. 3/16/0456/FUL: the district council refused permission and the applicant has appealed.",
    "2017-05-02": "8. Planning. The appeal on 3/16/0456/FUL was dismissed by the inspector. Members noted the decision.",
    "2017-07-04": "15. Highways. The potholes on the lane to the church were reported again to the county council.",
}
PRECEPT = {
    "2016-01-12": "9. Finance. The precept for 2016/17 was set at £3,000. Resolved: to submit the precept form.",
    "2017-01-10": "7. Finance. Resolved: that the precept for 2017/18 be £3,200, not £32,000 as printed in the draft.",
    "2018-01-16": "6. Finance. The council agreed a precept of £3,400 for 2018/19.",
}


def _chunks(texts: dict[str, str], paper: str) -> list[Chunk]:
    return [
        Chunk(
            chunk_id=f"{paper}{i}:00000", paper_id=f"{paper}{i}", source=f"minutes_{date}.pdf", council="Milburn Parish Council",
            committee="Parish Council", meeting_date=date, item="", title="Minutes of the meeting", doc_type="minutes",
            page_start=1, page_end=1, text=text,
        )
        for i, (date, text) in enumerate(texts.items())
    ]


def _tracer(chunks: list[Chunk]) -> tuple[Tracer, KeywordIndex]:
    index = KeywordIndex(chunks)
    pages = {c.paper_id: [c.text] for c in chunks}
    composer = Composer(lambda pid: pages.get(pid, []), index.idf, index.next_chunk, index.vocabulary)

    def search(query: str, filters: Filters, k: int) -> list[Hit]:
        return [Hit(chunk=index.chunks[p], score=s, keyword=s) for p, s in index.search(query, k, index.mask(filters))]

    return Tracer(composer, index, search), index


def test_a_planning_reference_carries_the_matter_to_meetings_that_drop_the_question_words():
    chunks = _chunks(MINUTES, "m")
    tracer, index = _tracer(chunks)
    seed = [Hit(chunk=chunks[0], score=1.0, dense=0.8)]  # only the first meeting uses "barn conversion"
    answer = tracer.trace("What happened to the application for the barn conversion at Low Farm?", seed, Filters())
    assert answer is not None and answer.mode == "timeline"
    assert [e.meeting_date for e in answer.events] == ["2016-03-01", "2016-09-06", "2017-05-02"]
    assert "First raised: 1 March 2016" in answer.answer and "Latest position: 2 May 2017" in answer.answer
    assert "potholes" not in answer.answer
    for citation in answer.citations:
        assert citation.quote in MINUTES[citation.meeting_date]


def test_a_recurring_figure_is_a_table_year_by_year_without_the_corrected_misprint():
    chunks = _chunks(PRECEPT, "p")
    tracer, _ = _tracer(chunks)
    hits = [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks]
    answer = tracer.trace("How did the precept change over these years?", hits, Filters())
    assert answer is not None and len(answer.events) == 3
    assert "| Meeting | Precept | Source |" in answer.answer  # the matter as the question spells it, not its stem
    for figure in ("£3,000", "£3,200", "£3,400"):
        assert figure in answer.answer.split("\n\n")[1]  # the table, before the meeting lines
    assert "£32,000 |" not in answer.answer


def test_no_series_no_table():
    assert figure_table([], {}, {}) == ""


def _trace_sittings(question: str, said: dict[tuple[str, str], str], idf=lambda term: 1.0):
    """A trace over one chunk per sitting ((committee, date) -> its text), every chunk ranked alike in meaning."""
    chunks = [
        Chunk(chunk_id=f"{d}:00000", paper_id=d, source=f"{d}.pdf", council="C", committee=committee, meeting_date=d,
              item="6", title="Social Value Annual Report", doc_type="minutes", page_start=1, page_end=1, text=text)
        for (committee, d), text in said.items()
    ]
    index = KeywordIndex(chunks)
    composer = Composer(lambda pid: [next(text for (_, d), text in said.items() if d == pid)], idf)
    tracer = Tracer(composer, index, lambda query, filters, k: [])
    return tracer.trace(question, [Hit(chunk=c, score=1.0, dense=0.5) for c in chunks], Filters())


def test_a_trace_on_a_rare_subject_leaves_out_meetings_that_never_name_it():
    # In the order retrieval ranks them for the question: the best hit names the subject.
    said = {
        ("Cabinet", "2024-03-18"): "Employee ownership became one of the priorities for 2024.",
        ("Cabinet", "2019-10-21"): "That the social value policy be approved for all council contracts.",
        ("Cabinet", "2022-03-28"): "A workshop on employee ownership was held with local firms.",
        ("Cabinet", "2023-03-20"): "Social value commitments grew across council contracts this year.",
    }
    rare = {"employe", "ownership"}
    idf = lambda term: 5.0 if term in rare else 1.0  # noqa: E731
    answer = _trace_sittings("How has employee ownership featured in social value over the years?", said, idf)
    assert [e.meeting_date for e in answer.events] == ["2022-03-28", "2024-03-18"]
    # A rare word of the question's phrasing that no paper uses ("side"), or that the best hit does not
    # use ("uplift" where the papers mostly say "growth"), leaves the trace whole.
    answer = _trace_sittings("How has the social value side developed over the years?", said, lambda t: 5.0 if t == "side" else 1.0)
    assert len(answer.events) == 4
    uplift = dict([next(iter(said.items())), (("Cabinet", "2021-02-01"), "The uplift in supplier commitments was strong over the year.")]) | said
    answer = _trace_sittings("How has the uplift in commitments developed over the years?", uplift, lambda t: 5.0 if t == "uplift" else 1.0)
    assert len(answer.events) == 5


def test_a_trace_that_one_meeting_holds_is_that_meetings_full_answer():
    said = {
        ("Resources and Governance Scrutiny Committee", "2021-03-09"): "In 2008/09 the local share of spend was 51.5%. "
        "By 2015/16 the local share of spend had reached 73.6%. In 2017/18 the local share of spend was 71.3%. "
        "In 2018/19 the local share of spend was 70%.",
    }
    answer = _trace_sittings("How has the local share of spend changed over the years?", said)
    assert all(figure in answer.answer for figure in ("51.5%", "73.6%", "71.3%", "70%"))
    assert answer.mode == "timeline" and len(answer.events) == 1
    assert set(answer.events[0].citation_keys) == {c.key for c in answer.citations}


def test_a_name_that_comes_up_on_every_matter_does_not_identify_this_one():
    said = dict(MINUTES)
    said["2016-03-01"] += " Cllr Ann Brook declared an interest in Low Farm."
    for month, subject in (("04", "the bus shelter"), ("05", "the village hall roof"), ("06", "the allotment rents")):
        said[f"2018-{month}-01"] = f"20. Cllr Ann Brook reported on {subject}. Members noted the report."
    chunks = _chunks(said, "n")
    tracer, _ = _tracer(chunks)
    matter = tracer.matter("What happened to the application for the barn conversion at Low Farm?", [Hit(chunk=chunks[0], score=1.0)], Filters())
    assert "3/16/0456/FUL" in matter.identifiers  # every chunk that names it is about the application
    assert not any("Brook" in name for name in matter.identifiers)  # most chunks naming her are about other things


def test_forms_and_standing_text_are_not_what_a_meeting_did():
    chunks = _chunks(PRECEPT, "p")
    # An annual return dated by its file name, with no meeting: the same printed line every year.
    form = "Box 2. Precept or rates and levies: total amount of precept received or receivable in the year."
    chunks += [
        Chunk(chunk_id=f"f{year}:00000", paper_id=f"f{year}", source=f"finstats_{year}-01-01_.pdf", council="Milburn Parish Council",
              committee="", meeting_date=f"{year}-01-01", item="", title="Annual return", doc_type="other", page_start=1, page_end=1,
              text=f"{form} £{year - 2013},000.")
        for year in (2016, 2017, 2018)
    ]
    # A forward plan's entry, printed alike in three meetings' packs.
    plan = "To update the committee on the precept and the budget timetable for the coming year."
    chunks += [
        Chunk(chunk_id=f"w{month}:00000", paper_id=f"w{month}", source=f"pack_2018-{month}.pdf", council="Milburn Parish Council",
              committee="Parish Council", meeting_date=f"2018-{month}-01", item="3", title="Forward plan", doc_type="agenda",
              page_start=1, page_end=1, text=plan)
        for month in ("03", "05", "07")
    ]
    tracer, _ = _tracer(chunks)
    answer = tracer.trace("How did the precept change over these years?", [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks[:3]], Filters())
    assert [e.meeting_date for e in answer.events] == ["2016-01-12", "2017-01-10", "2018-01-16"]
    assert "Box 2" not in answer.answer and "Forward plan" not in answer.answer


def test_a_forward_plan_is_a_meeting_of_a_trace_only_when_the_question_asks_when():
    chunks = _chunks(PRECEPT, "p")
    chunks.append(
        Chunk(chunk_id="w:00000", paper_id="w", source="pack_2017-09-05.pdf", council="Milburn Parish Council", committee="Parish Council",
              meeting_date="2017-09-05", item="4", title="Forward plan", doc_type="agenda", page_start=1, page_end=1,
              text="The precept for 2018/19 will be set at the meeting on 16 January 2018.")
    )
    tracer, _ = _tracer(chunks)
    hits = [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks]
    answer = tracer.trace("How did the precept change over these years?", hits, Filters())
    assert "2017-09-05" not in [e.meeting_date for e in answer.events]
    answer = tracer.trace("How has the timetable for setting the precept shifted over the years?", hits, Filters())
    assert "2017-09-05" in [e.meeting_date for e in answer.events]


def test_a_figure_raised_by_an_amount_to_another_is_the_level_it_reaches():
    from assistant.trace import Matter, _figure_of

    matter = Matter(terms=frozenset({"precept"}), weights={"precept": 4.0}, anchors=frozenset(), identifiers=frozenset())
    assert _figure_of("RESOLVED: That the Precept should be raised by £800.00 to £7,400.00", matter) == 7400.0
    assert _figure_of("A proposal to raise the Precept by £300.00, to a total of £7,700.00.", matter) == 7700.0
    assert _figure_of("The precept was set at £2,700.", matter) == 2700.0


def test_initials_a_paper_defines_for_the_matter_carry_it_to_papers_that_use_only_them():
    said = {
        "2024-09-12": "The committee considered a Workplace Parking Levy (WPL) for the city. Officers described the levy.",
        "2025-05-15": "Stage One of the WPL will take a year to complete.",
        "2025-10-23": "About £26,000 has been spent developing the WPL so far.",
        "2025-11-20": "The bus shelter on the high street was repaired.",
    }
    chunks = _chunks(said, "w")
    tracer, _ = _tracer(chunks)
    question = "Trace the workplace parking levy across the meetings."
    matter = tracer.matter(question, [Hit(chunk=chunks[0], score=1.0, dense=0.8)], Filters())
    assert "WPL" in matter.identifiers
    answer = tracer.trace(question, [Hit(chunk=chunks[0], score=1.0, dense=0.8)], Filters())
    assert [e.meeting_date for e in answer.events] == ["2024-09-12", "2025-05-15", "2025-10-23"]


def test_initials_of_another_name_in_the_same_breath_are_not_the_matters():
    said = {"2024-09-12": "The Workplace Parking Levy Outline Business Case (OBC) will come to committee next year."}
    chunks = _chunks(said, "o")
    tracer, _ = _tracer(chunks)
    matter = tracer.matter("Trace the workplace parking levy.", [Hit(chunk=chunks[0], score=1.0, dense=0.8)], Filters())
    assert "OBC" not in matter.identifiers  # "Outline Business Case" holds none of the matter's words


def test_a_story_of_few_meetings_tells_more_of_each_and_no_table_for_a_sum_restated():
    said = {
        "2024-09-12": "The levy's development was approved with a budget of £1m. Stage one would cost about £250,000. "
        "The whole levy scheme would cost around £2 million over three years. The bus shelter on the green was painted.",
        "2025-10-23": "The levy's development was approved with a budget of £1m. So far the levy has cost £26,000. "
        "About £100,000 of the levy budget is to be spent in 2025/26.",
    }
    chunks = _chunks(said, "l")
    tracer, _ = _tracer(chunks)
    answer = tracer.trace("What has the levy cost, report by report?", [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks], Filters())
    for figure in ("£250,000", "£2 million", "£26,000", "£100,000"):
        assert figure in answer.answer
    assert "bus shelter" not in answer.answer
    assert "| Meeting |" not in answer.answer or "£26,000 |" in answer.answer  # a table only where the figure moves


def test_the_lines_at_the_top_say_each_sentence_once():
    said = dict(PRECEPT, **{"2018-01-16": "6. Finance. Resolved: that the precept for 2018/19 be £3,400."})
    chunks = _chunks(said, "d")
    tracer, _ = _tracer(chunks)
    answer = tracer.trace("How did the precept change over these years?", [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks], Filters())
    summary = answer.answer.split("\n\n")[0]
    assert "Latest position: 16 January 2018" in summary and "Decided, 10 January 2017" in summary
    keys = re.findall(r"\[(\d+)\]", summary)
    assert len(keys) == len(set(keys)), "a decision that is the latest position is said there only"


def test_a_meeting_line_tells_how_it_came_out_and_not_its_heading():
    said = {
        "2024-06-04": "Renewal of the play area surface\nThe Clerk applied for a grant of £3,940 towards the play area surface.",
        "2024-07-02": "5. Renewal of the play area surface. The grant from the Locality Fund of £500 was still available for the play area. "
        "The Clerk reported that the grant application had been unsuccessful. "
        "RESOLVED: That the Clerk should look for other funding for the play area surface.",
    }
    chunks = [replace(c, title="Renewal of the play area surface") for c in _chunks(said, "s")]  # the minute's heading
    tracer, _ = _tracer(chunks)
    answer = tracer.trace("What happened to the plan to renew the play area surface?", [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks], Filters())
    line = next(line for line in answer.answer.splitlines() if line.startswith("- **2 July 2024**"))
    assert "unsuccessful" in line and "RESOLVED" in line
    assert "Renewal of the play area surface [" not in answer.answer


def test_a_heading_is_a_meetings_line_only_when_nothing_else_it_says_is():
    from assistant.compose import Evidence
    from assistant.question import read
    from assistant.text import tokens

    text = "Beacon to Commemorate the Centenary of Remembrance\nFurther details were received and the Councillors resolved to have the beacon on the green."
    chunk = _chunks({"2018-11-06": text}, "h")[0]
    tracer, _ = _tracer([chunk])
    heading, statement = text.split("\n")
    candidates = [
        Evidence(heading, chunk, 1, 1.5, 0, frozenset(tokens(heading)), 0),
        Evidence(statement, chunk, 1, 1.2, 0, frozenset(tokens(statement)), len(heading) + 1),
    ]
    matter = tracer.matter("History of the beacon", [Hit(chunk=chunk, score=1.0)], Filters())
    assert [e.text for e in tracer._pick(candidates, read("History of the beacon", mode="timeline"), matter, 2)] == [statement]
    assert [e.text for e in tracer._pick(candidates[:1], read("History of the beacon", mode="timeline"), matter, 2)] == [heading]


def test_an_identifier_is_found_whatever_its_case_and_with_and_for_an_ampersand():
    from assistant.trace import Matter

    matter = Matter(terms=frozenset(), weights={}, anchors=frozenset(), identifiers=frozenset({"Bonfire & Beacon", "WPL", "Years of Remembrance"}))
    assert matter.names("A cheque towards the Bonfire and Beacon Fire insurance.")
    assert matter.names("to commemorate 100 years of Remembrance")
    assert matter.names("The WPL scheme.") and not matter.names("The WPLC met.")


def test_a_name_the_question_spells_is_followed_as_the_name_not_its_words():
    said = {
        "2016-03-01": "7. Tree management. The trees on Fell Lane are diseased and need felling.",
        "2016-05-03": "16. The trees up Fell Lane are to be trimmed when the birds have stopped nesting.",
        "2018-01-16": "7. Planning. An application for a radar dish at Great Dun Fell was received; a tree at High Croft may be removed.",
    }
    chunks = _chunks(said, "f")
    tracer, _ = _tracer(chunks)
    answer = tracer.trace("What did the council do about the trees on Fell Lane?", [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks], Filters())
    assert [e.meeting_date for e in answer.events] == ["2016-03-01", "2016-05-03"]  # a fell and a tree are not Fell Lane's trees


def test_a_figure_in_a_list_of_payments_is_the_one_after_the_matters_words():
    from assistant.trace import Matter, _figure_of

    matter = Matter(terms=frozenset({"hall", "fee"}), weights={}, anchors=frozenset(), identifiers=frozenset(), asked={"hall": 3.0, "fee": 2.0})
    payments = "Resolved to pay: The Village Hall £40 - Meetings Churchyard Donation £ 250 Clerks Fee £450"
    assert _figure_of(payments, matter) == 40
    clerk = Matter(terms=frozenset({"clerk"}), weights={}, anchors=frozenset(), identifiers=frozenset(), asked={"clerk": 3.0})
    assert _figure_of(payments, clerk) == 450  # "Churchyard Donation £ 250 Clerks": the 250 is the donation's
    # The old figure a sentence recalls is not the meeting's.
    assert _figure_of("The hall fees have increased by 100%, it was previously £5 for the meeting room and £20 for the full hall.", matter) is None
    assert _figure_of("The hall fee is now £60; it was previously £30.", matter) == 60


def _scored(question: str, text: str) -> dict[str, float]:
    """A trace's score of each sentence of one meeting's text, for a question."""
    from assistant.question import read

    chunk = _chunks({"2025-05-15": text}, "s")[0]
    tracer, _ = _tracer([chunk])
    matter = tracer.matter(question, [Hit(chunk=chunk, score=1.0)], Filters())
    return {e.text: e.score for e in tracer._sentences(chunk, matter, read(question, mode="timeline"))}


def test_a_question_about_a_number_ranks_that_number_above_any_sum():
    text = "The levy's parking scheme was approved with a budget of £1 million. There are about 8,600 parking spaces in the levy's central zone."
    scored = _scored("How has the number of parking spaces for the levy changed?", text)
    budget, spaces = text.split(". ", 1)
    assert scored[spaces] > scored[budget + "."]


def test_a_meeting_may_name_the_matter_by_all_its_other_rare_words_without_the_rarest():
    from assistant.text import tokens
    from assistant.trace import Matter, _said

    weights = {"fee": 4.2, "villag": 2.8, "hall": 3.4, "pay": 3.2}
    fees = Matter(terms=frozenset(weights), weights=weights, anchors=frozenset({"fee"}), identifiers=frozenset())
    rental = "The Councillors resolved to pay the Village Hall £55 for the annual rental"
    assert fees.mentions(rental, _said(rental)) >= 0.5  # the hall's fees, though the minutes say rental
    assert fees.mentions("The Village Hall Committee met.", _said("The Village Hall Committee met.")) == 0.0
    # Common words ("spend with suppliers in the borough") do not stand in for the rare one ("inside").
    common = {"insid": 4.9, "spend": 1.7, "borough": 1.8, "supplier": 1.2}
    inside = Matter(terms=frozenset(common), weights=common, anchors=frozenset({"insid"}), identifiers=frozenset())
    text = "Each year the Council spends a substantial sum with suppliers across the borough."
    assert set(tokens(text)) >= {"spend", "borough", "supplier"} and inside.mentions(text, _said(text)) == 0.0


def test_a_sentence_naming_the_year_of_the_last_change_tells_what_its_meeting_did():
    from assistant.question import read
    from assistant.trace import LAST_TIME, Matter

    [chunk] = _chunks({"2020-03-03": (
        "Finance. The Clerk had Expenses of £27.11, the Councillors resolved to pay. "
        "The Clerks Wages were reviewed as the last pay rise was 2017, therefore the hourly rate was increased to £9.77, "
        "making a total of £937.92, Councillors resolved to be paid. "
        "In 2017 the clerk's rate of pay was set at £8.73 per hour, making a total of £838.00, resolved to pay."
    )}, "c")
    tracer, _ = _tracer([chunk])
    matter = Matter(terms=frozenset({"clerk", "pay"}), weights={"clerk": 2.6, "pay": 3.2}, anchors=frozenset(), identifiers=frozenset())
    score = {e.text[:12]: e.score for e in tracer._sentences(chunk, matter, read("How has the clerk's pay changed?", mode="timeline"))}
    # "The last pay rise was 2017" explains 2020's rise and ranks with the meeting's other decisions; "In 2017 ..." recaps.
    assert score["The Clerks W"] >= score["The Clerk ha"] > score["In 2017 the "]
    assert LAST_TIME.search("The charge has been unchanged since 2016.") and not LAST_TIME.search("In 2016 the charge was set at £5.")


def test_a_word_every_paper_on_the_matter_holds_says_little_of_which_sentence_answers():
    from assistant.trace import ASPECT_FLOOR, _aspect

    texts = {
        "2025-05-15": "Workplace Parking Levy update. The levy budget is £1m.",
        "2025-10-23": "Workplace Parking Levy update. Initial engagement with employers will take place.",
        "2026-03-19": "Workplace Parking Levy update. Engagement took place via webinars; consultation follows.",
        "2026-06-05": "Workplace Parking Levy decision notice.",
    }
    hits = [Hit(chunk=c, score=1.0) for c in _chunks(texts, "wpl")]
    weights = _aspect({"levi": 2.6, "engag": 2.9, "consult": 2.2}, hits)
    assert weights["levi"] == 2.6 * ASPECT_FLOOR, "the matter's own word, in every paper on it, keeps only its floor"
    assert weights["engag"] == 2.9 * 0.5 and weights["consult"] == 2.2 * 0.75
    assert _aspect({"levi": 2.6}, []) == {"levi": 2.6}


def test_a_table_only_where_the_question_follows_an_amount_and_only_of_that_amount():
    precept = PRECEPT | {
        # A grant of £45 minuted beside the precept is another thing's figure, however near its words.
        "2019-01-08": "6. Finance. A grant of £45 towards the precept leaflet was received.",
        "2020-01-07": "5. Finance. The clerk's rate rose to £9.77 an hour; the precept for 2020/21 was set at £3,650.50.",
    }
    chunks = _chunks(precept, "q")
    tracer, _ = _tracer(chunks)
    hits = [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks]
    followed = tracer.trace("Trace the precept year by year.", hits, Filters())
    table = followed.answer.split("\n\n")[1]
    assert table.startswith("| Meeting | Precept |")
    assert "£3,650.50 |" in table, "pence are kept"
    assert "£45 |" not in table, "a sum far below the series is another thing's"
    # Asked what happened, not how an amount moved: no table, though the meetings state sums.
    planning = {
        "2016-03-01": "12. Planning. Application 3/16/0456/FUL for a barn at Low Farm, with a fee of £462, was discussed.",
        "2017-05-02": "8. Planning. 3/16/0456/FUL: the applicant paid £578 to appeal the refusal.",
    }
    chunks = _chunks(planning, "r")
    tracer, _ = _tracer(chunks)
    told = tracer.trace("What happened to the application for the barn at Low Farm?", [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks], Filters())
    assert told is not None and len(told.events) == 2 and "| Meeting |" not in told.answer


def test_of_several_sums_one_far_from_the_matters_words_is_not_its_figure():
    from assistant.trace import FIGURE_REACH, Matter, _figure_of

    clerk = Matter(terms=frozenset({"clerk"}), weights={}, anchors=frozenset(), identifiers=frozenset(), asked={"clerk": 3.0})
    far = " ".join(["word"] * (FIGURE_REACH + 2))
    assert _figure_of(f"The clerk reported {far} and £50 was paid, then £70 more.", clerk) is None
    assert _figure_of(f"The clerk reported {far} and £50 was paid.", clerk) == 50, "a sentence's only sum is its figure"


def test_asked_how_a_timetable_moved_a_trace_gives_the_dates_not_the_reports_purpose():
    texts = {
        "2025-05-15": "Workplace Parking Levy (WPL) update. The report updates the committee on progress with the WPL business case. "
        "The WPL business case is planned to finish in April 2026.",
        "2026-03-19": "WPL update. The report updates the committee on progress with the WPL business case and its risks. "
        "The WPL business case has a revised end date of June 2026. "
        "(It should be noted that the percentages do not add up to 100% because of rounding.)",
    }
    chunks = _chunks(texts, "t")
    tracer, _ = _tracer(chunks)
    answer = tracer.trace("How has the timetable for the WPL business case shifted?", [Hit(chunk=c, score=1.0, dense=0.8) for c in chunks], Filters())
    assert answer is not None and "April 2026" in answer.answer and "June 2026" in answer.answer
    assert "percentages" not in answer.answer, "an aside in brackets is no line of a meeting"


def test_asked_when_a_sentence_saying_how_the_dates_moved_ranks_above_the_resolution_noting_progress():
    text = ("Resolved: that the committee notes progress with the levy business case and its costs. "
            "The levy business case has been pushed back, with a revised end date of June 2026.")
    scored = _scored("How has the timetable for the levy business case shifted?", text)
    purpose, dates = text.split(". ", 1)
    assert scored[dates] > scored[purpose + "."]


def test_a_meeting_nearly_as_close_in_meaning_as_the_best_is_on_the_matter_in_other_words():
    texts = {
        "2016-11-01": "9. Speeding. Speeding traffic through the village was discussed; SLOW markings were requested.",
        "2018-09-04": "7. Highway Matters. The signs will be painted in the next road package.",
        "2019-03-05": "8. Highway Matters. The gully cleaner will visit the bridge in the spring.",
    }
    # Other meetings' business, so that the matter's words are rare in the index, as in a council's archive.
    others = {f"20{10 + i // 12}-{1 + i % 12:02d}-07": f"{i}. Finance. Invoice {i} for the hall was paid." for i in range(48)}
    chunks = _chunks(texts | others, "h")
    tracer, _ = _tracer(chunks)
    near, far = 0.8 - CLOSE_ANCHORED / 2, 0.8 - 2 * CLOSE_ANCHORED
    hits = [Hit(chunk=chunks[0], score=1.0, dense=0.8), Hit(chunk=chunks[1], score=0.5, dense=near), Hit(chunk=chunks[2], score=0.4, dense=far)]
    question = "Trace what the council did about speeding traffic and the SLOW markings."
    matter = tracer.matter(question, hits, Filters())
    assert matter.anchors, "the matter has rare words of its own"
    gathered = {h.chunk.meeting_date for h in tracer.gather(question, hits, matter, Filters())}
    assert gathered == {"2016-11-01", "2018-09-04"}, "nearly as close in meaning as the best, in other words; not one further off"
