from dataclasses import replace

import pytest

from assistant.records import Filters
from assistant.text import stem
from assistant.filters import (
    Catalogue, content_dates, describe, event_dates, mentions_financial_year, merge, parse_filters, recent, relative_shift, report_window,
    shift_years, strip_dates,
)

CATALOGUE = Catalogue(
    councils=("Manchester City Council", "Rotherham Metropolitan Borough Council"),
    committees=("Cabinet", "Overview and Scrutiny Management Board", "Resources and Governance Scrutiny Committee"),
    vocabulary=frozenset(stem(w) for w in ("sheffield", "preston", "salford")),
)
OSMB = "Overview and Scrutiny Management Board"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did we commit to on social value in 2022?", {"date_from": "2022-01-01", "date_to": "2022-12-31"}),
        # A report on a financial year is taken during it or in the six months after it.
        ("What did OSMB say about the 2021/22 report?", {"committee": [OSMB], "date_from": "2021-04-01", "date_to": "2022-09-30"}),
        ("What were commitments in the 2024/25 annual report?", {"date_from": "2024-04-01", "date_to": "2025-09-30"}),
        ("What was spent in 2021/22?", {"date_from": "2021-04-01", "date_to": "2022-03-31"}),
        ("What had the overspend come down to by the end of 2024-25?", {"date_from": "2024-04-01", "date_to": "2025-09-30"}),
        # When something takes effect is not when a meeting was; the year still narrows the papers.
        ("What is the pay rate from April 2023?", {"date_from": "2023-01-01", "date_to": "2023-12-31"}),
        ("What changes with effect from 1 April 2023?", {"date_from": "2023-01-01", "date_to": "2023-12-31"}),
        ("What was the pay rate due to kick in on 1 April 2023?", {"date_from": "2023-01-01", "date_to": "2023-12-31"}),
        # The end of the period a policy runs for is no meeting year.
        ("When the policy was refreshed to run to 2027, what was kept?", {}),
        ("When did the Procurement Act 2023 come into force?", {}),
        ("What did the 2024 report say about the policy running to 2027?", {"date_from": "2024-01-01", "date_to": "2024-12-31"}),
        ("Summarise our results in 2024 and 2025", {"date_from": "2024-01-01", "date_to": "2025-12-31"}),
        ("How have commitments grown from the 2023 annual report through to 2025?", {"date_from": "2023-01-01", "date_to": "2025-12-31"}),
        ("How has the total grown between the 2023 annual report and the 2025 one?", {"date_from": "2023-01-01", "date_to": "2025-12-31"}),
        ("What changed between 2019 and 2022?", {"date_from": "2019-01-01", "date_to": "2022-12-31"}),
        # Two years named apart: the papers of both and between; a period counts by its first year.
        ("What did the 2024-2027 policy keep from the original 2019 one?", {"date_from": "2019-01-01", "date_to": "2024-12-31"}),
        ("What did the 2022 report keep from the 2019 policy?", {"date_from": "2019-01-01", "date_to": "2022-12-31"}),
        ("How does the Procurement Act 2023 and the 2024 report affect us?", {"date_from": "2024-01-01", "date_to": "2024-12-31"}),
        ("Trace the anchor network in each year's priorities, 2022 through to 2025.", {"date_from": "2022-01-01", "date_to": "2025-12-31"}),
        ("Social value in 2022-23", {"date_from": "2022-04-01", "date_to": "2023-03-31"}),
        # A year's budget and fees are set in the months before it starts.
        ("What council tax increase was recommended for 2024/25?", {"date_from": "2023-10-01", "date_to": "2025-03-31"}),
        ("What did the overview and scrutiny management board ask for?", {"committee": [OSMB]}),
        ("What did the Scrutiny Board say?", {"committee": [OSMB]}),
        ("What did Cabinet decide in March 2022?", {"committee": ["Cabinet"], "date_from": "2022-03-01", "date_to": "2022-03-31"}),
        ("What happened on 28 March 2022?", {"date_from": "2022-03-28", "date_to": "2022-03-28"}),
        # Minutes are approved at a later meeting.
        ("When were the minutes of the Cabinet meeting of 9 June 2025 approved?", {"committee": ["Cabinet"], "date_from": "2025-06-10"}),
        ("What changed between 2019 and 2023?", {"date_from": "2019-01-01", "date_to": "2023-12-31"}),
        ("How has it developed since 2022?", {"date_from": "2022-01-01"}),
        ("How has it developed since the 2019 policy?", {"date_from": "2019-01-01"}),
        ("What did we learn from the 2022 report?", {"date_from": "2022-01-01", "date_to": "2022-12-31"}),
        ("What did Manchester do on social value?", {"council": ["Manchester City Council"]}),
        ("What do the minutes say about the toolkit?", {"doc_type": ["minutes"]}),
        ("What is in the Social Value Policy 2024-2027?", {}),
        ("What was the Preston model?", {}),
    ],
)
def test_filters_parsed_from_questions(question, expected):
    got = parse_filters(question, CATALOGUE).to_json()
    got.pop("asked", None)
    assert got == expected


def test_scrutiny_alone_means_every_scrutiny_committee():
    assert parse_filters("What did scrutiny say?", CATALOGUE).committees == (OSMB, "Resources and Governance Scrutiny Committee")


@pytest.mark.parametrize(
    "question",
    ["What is Leeds doing on social value?", "What did Sheffield City Council commit to?", "Social value in Kent", "What did Salford's council decide?"],
)
def test_councils_not_in_the_index_become_filters_that_match_nothing(question):
    filters = parse_filters(question, CATALOGUE)
    assert filters.councils and all("not in the index" in c for c in filters.councils)
    assert "council" in describe(filters)


def test_a_place_the_papers_mention_is_a_topic_not_a_council():
    assert parse_filters("Was Salford highly commended?", CATALOGUE).councils == ()


def test_unknown_committee_is_kept_so_it_can_fail_closed():
    filters = parse_filters("What did the Planning Committee decide?", CATALOGUE)
    assert filters.committees == ("Planning Committee (not in the index)",)


def test_follow_up_year_shift_and_merge():
    base = parse_filters("What did Cabinet decide about social value in March 2022?", CATALOGUE)
    assert relative_shift("And a year later?") == 1
    assert relative_shift("And the year before?") == -1
    assert relative_shift("What had those figures reached by the next annual report?") == 1
    assert relative_shift("And in the previous annual report?") == -1
    shifted = shift_years(base, 1)
    assert (shifted.date_from, shifted.date_to, shifted.committees) == ("2023-01-01", "2023-12-31", ("Cabinet",))
    merged = merge(base, parse_filters("What about OSMB?", CATALOGUE))
    assert merged.committees == (OSMB,) and merged.date_from == "2022-03-01"


def test_a_financial_year_moves_by_financial_years_and_widens_to_the_reports_on_it():
    base = parse_filters("What share of spend stayed local in 2017/18?", CATALOGUE)
    shifted = shift_years(base, 1)
    assert (shifted.date_from, shifted.date_to) == ("2018-04-01", "2019-03-31")
    assert ("financial_year", "2018/19") in shifted.labels and describe(shifted) == "financial year 2018/19"
    widened = report_window(parse_filters("What was the 2024/25 social value total?", CATALOGUE))
    assert (widened.date_from, widened.date_to) == ("2024-04-01", "2025-09-30")
    assert report_window(parse_filters("What was the social value total in 2024?", CATALOGUE)) is None


@pytest.mark.parametrize(
    ("text", "named"),
    [("In 2017/18 the share was 71.3%.", True), ("the 2017-18 accounts", True), ("for 2017/2018", True),
     ("in 2017 and 2018", False), ("2017/19", False), ("2016/17", False)],
)
def test_a_financial_year_is_named_in_any_of_its_forms(text, named):
    assert mentions_financial_year(text, 2017) == named


def test_where_clause_matches_accepts():
    filters = parse_filters("What did OSMB say in 2022?", CATALOGUE)
    assert filters.where() == {
        "$and": [
            {"committee": {"$in": [OSMB]}},
            {"date_int": {"$gte": 20220101}},
            {"date_int": {"$lte": 20221231}},
        ]
    }
    assert filters.accepts("R", OSMB, "2022-03-23", "minutes")
    assert not filters.accepts("R", "Cabinet", "2022-03-28", "minutes")
    assert not filters.accepts("R", OSMB, "", "minutes")


def test_strip_dates_keeps_the_topic():
    assert strip_dates("What did Cabinet decide about social value in March 2022?") == "What did Cabinet decide about social value?"


@pytest.mark.parametrize(
    ("question", "describes_subject"),
    [
        ("What had been achieved against the commitments agreed in February 2021?", True),
        ("How were the priorities set in 2022 delivered?", True),
        ("What was agreed in February 2021?", False),
        ("What did Cabinet agree in March 2022?", False),
        ("Which priorities were approved on 28 March 2022?", False),
    ],
)
def test_a_date_describing_the_subject_can_be_set_aside(question, describes_subject):
    filters = parse_filters(question, CATALOGUE)
    relaxed = content_dates(question, filters)
    assert (relaxed is not None) == describes_subject
    if relaxed is not None:
        assert not relaxed.date_from and not relaxed.date_to and not relaxed.labels



@pytest.mark.parametrize(
    ("question", "date_from"),
    [
        ("Which award did the council win in June 2023?", "2023-06-01"),
        ("The council picked up a national award for its work in summer 2023 - which category?", "2023-01-01"),
        ("What was launched in May 2022?", "2022-05-01"),
        ("When the toolkit started in 2022, who was it for?", "2022-01-01"),
        ("How big a pay rise did the lowest paid workers get in 2023?", "2023-01-01"),
        ("By how much did the lowest paid workers' pay go up in 2023?", "2023-01-01"),
        ("How far did local spend rise in 2022?", "2022-01-01"),
        # The date of a meeting or of a decision stays a window of meetings.
        ("What was reported to Cabinet in March 2024 about the award it won?", None),
        ("What did we commit to in 2022?", None),
        ("What did Cabinet agree in March 2022?", None),
        ("Which award had been won since 2021?", None),
    ],
)
def test_an_events_date_reads_the_papers_from_then_on(question, date_from):
    filters = parse_filters(question, CATALOGUE)
    event = event_dates(question, filters)
    if date_from is None:
        assert event is None
    else:
        assert event is not None and event.date_from == date_from and not event.date_to
        assert [facet for facet, _ in event.labels] == ["since"]

def test_the_last_n_years_or_reports_read_back_from_the_latest_paper():
    question = "Track the total pledged across the last three annual reports"
    filters = recent(question, parse_filters(question, CATALOGUE), "2025-06-09")
    assert (filters.date_from, filters.date_to) == ("2022-06-10", "") and describe(filters) == "the last three annual reports"
    assert recent("over the past 2 years", parse_filters("over the past 2 years", CATALOGUE), "2025-06-09").date_from == "2023-06-10"
    assert recent("What did Cabinet decide in 2022 over the last three meetings?", parse_filters("in 2022", CATALOGUE), "2025-06-09") is None
    assert recent("What were the priorities?", parse_filters("What were the priorities?", CATALOGUE), "2025-06-09") is None


REAL_COMMITTEES = Catalogue(
    councils=("Bristol City Council", "Milburn Parish Council"),
    committees=("Annual Parish Meeting", "Joint Committee and MCA Committee", "Parish Council", "Transport and Connectivity Policy Committee"),
)


@pytest.mark.parametrize(
    ("question", "committee"),
    [
        ("Trace the Transport and Connectivity Policy Committee's decisions on the levy.", "Transport and Connectivity Policy Committee"),
        ("What did the Transport & Connectivity committee agree in 2024?", "Transport and Connectivity Policy Committee"),
        ("What did the MCA committee decide about buses?", "Joint Committee and MCA Committee"),
        ("What did the Annual Parish Meeting hear about the green?", "Annual Parish Meeting"),
    ],
)
def test_a_committee_of_the_index_is_named_by_its_own_words(question, committee):
    assert parse_filters(question, REAL_COMMITTEES).committees == (committee,)


@pytest.mark.parametrize(
    "question",
    [
        "How does transport and connectivity affect the parish?",  # the words, but no body named
        "What did the parish council decide about the green?",  # the council itself, not one of its meetings
    ],
)
def test_words_of_a_committee_name_are_not_a_committee_unless_a_body_is_named(question):
    assert parse_filters(question, REAL_COMMITTEES).committees == ()


def test_papers_with_no_known_date_pass_a_date_filter_only_when_asked_to():
    year = Filters(date_from="2022-01-01", date_to="2022-12-31")
    assert not year.accepts("R", OSMB, "", "minutes")
    wider = replace(year, undated=True)
    assert wider.accepts("R", OSMB, "", "minutes") and wider.accepts("R", OSMB, "2022-03-23", "minutes")
    assert not wider.accepts("R", OSMB, "2021-03-23", "minutes")
    assert wider.where() == {"$or": [{"$and": [{"date_int": {"$gte": 20220101}}, {"date_int": {"$lte": 20221231}}]}, {"date_int": {"$eq": 0}}]}


def test_a_trace_is_not_bounded_by_a_year_that_names_a_thing():
    from assistant.filters import ATTRIBUTIVE_YEAR

    named = [m.groups() for m in ATTRIBUTIVE_YEAR.finditer("How has the evidence built up, from the Atkins study to the 2026 surveys?")]
    assert named == [("to", None, "2026", "surveys")]
    assert ATTRIBUTIVE_YEAR.search("What became of the 2019 application?").groups() == (None, None, "2019", "application")
    assert not ATTRIBUTIVE_YEAR.search("What happened to the footpath in 2019?")
    assert not ATTRIBUTIVE_YEAR.search("How did the precept change between the 2016 and 2019 budgets?")


def test_a_trace_span_keeps_the_side_a_named_year_bounds():
    from assistant.filters import NAMING, trace_span

    asked = Filters(date_from="2026-01-01", date_to="2026-12-31", labels=(("year", "2026"),))
    to = trace_span("How has the evidence built up, from the Atkins study to the 2026 surveys?", asked)
    assert (to.date_from, to.date_to, to.labels) == ("", "2026-12-31", ((NAMING, "2026"),))
    named = trace_span("What became of the 2026 surveys?", asked)
    assert (named.date_from, named.date_to) == ("", "")
    assert trace_span("How did the precept change in 2026?", asked) == asked
    month = Filters(date_from="2026-01-01", date_to="2026-01-31", labels=(("month", "January 2026"),))
    assert trace_span("Trace the mower the council bought, up to the January 2026 newsletter.", month).date_from == ""


def test_a_draft_sets_aside_the_date_of_what_it_is_written_for():
    from assistant.filters import NAMING, OUTPUT_DATE, draft_span

    month = Filters(date_from="2026-01-01", date_to="2026-01-31", labels=(("month", "January 2026"),))
    note = draft_span("Draft a short note for the January 2026 newsletter on the new mower the council agreed to buy.", month)
    assert (note.date_from, note.date_to, note.labels) == ("", "", ((NAMING, "January 2026"),))
    year = Filters(date_from="2022-01-01", date_to="2022-12-31", labels=(("year", "2022"),))
    assert draft_span("Draft a background paragraph on the 2022 priorities.", year) == year  # the date of its subject stands
    assert draft_span("Draft a paragraph for our 2026 report on the 2022 priorities.", year) == year
    assert OUTPUT_DATE.sub(" ", "Draft a note for the January 2026 newsletter on the mower.") == "Draft a note   on the mower."


def test_the_end_of_the_year_a_figure_is_for_is_no_meeting_date():
    from assistant.filters import subject_date

    question = "What were Milburn's total receipts for the year ended 31 March 2017?"
    assert subject_date(question, parse_filters(question, REAL_COMMITTEES))
    asked = "What did the parish council decide on 31 March 2017?"
    assert not subject_date(asked, parse_filters(asked, REAL_COMMITTEES))
