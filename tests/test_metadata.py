from ingest.cleaning import clean_pages
from ingest.metadata import display_title, parse_cover, parse_date, split_items

COVER = """Rotherham Metropolitan Borough Council
Public Report
Committee: Cabinet
Meeting date: Monday 28 March 2022
Agenda item: 126
Report title: Social Value Annual Report
Report of: Chief Executive
1. Summary"""


def test_dates_in_the_forms_councils_print():
    assert parse_date("Monday 28 March 2022") == "2022-03-28"
    assert parse_date("Thursday, 30th January, 2025, at 10.00 am") == "2025-01-30"
    assert parse_date("Minutes from Monday, January 29, 2018") == "2018-01-29"
    assert parse_date("held on 2019-10-21") == "2019-10-21"
    assert parse_date("31 February 2022") == ""
    assert parse_date("no date here") == ""


def test_report_cover_block():
    cover = parse_cover(COVER)
    assert cover.meeting.council == "Rotherham Metropolitan Borough Council"
    assert cover.meeting.committee == "Cabinet"
    assert cover.meeting.meeting_date == "2022-03-28"
    assert (cover.doc_type, cover.item, cover.title) == ("report", "126", "Social Value Annual Report")


def test_kent_style_report_header():
    cover = parse_cover("From: Roger Gough, Leader\nTo: Cabinet, 30 January 2025\nDecision Number: 24/00115\nSubject: Integrated Care Strategy Delivery Plan\n", "report.pdf")
    assert cover.meeting.committee == "Cabinet"
    assert cover.meeting.meeting_date == "2025-01-30"
    assert cover.title == "Integrated Care Strategy Delivery Plan"


def test_minutes_heading_and_items():
    text = (
        "Rotherham Metropolitan Borough Council\nMinutes\nCabinet\nMeeting date: Monday 28 March 2022\n"
        "Present: Councillor Read (in the Chair).\n"
        "125.  MINUTES OF THE PREVIOUS MEETING\nResolved: That the minutes be approved.\n"
        "126.  SOCIAL VALUE ANNUAL REPORT\nConsideration was given to the report.\n1. A numbered line that is not an item.\n"
    )
    page2 = "Resolved: (1) That the report be received.\n127.  HOUSING REVENUE ACCOUNT\nThe plan was approved."
    pages = clean_pages([text, page2])
    cover = parse_cover(pages[0].text)
    assert (cover.doc_type, cover.meeting.committee, cover.meeting.meeting_date) == ("minutes", "Cabinet", "2022-03-28")
    items = split_items(pages, cover)
    assert [(i.number, i.title, i.page_start, i.page_end) for i in items] == [
        ("", "Attendance and apologies", 1, 1),
        ("125", "Minutes of the Previous Meeting", 1, 1),
        ("126", "Social Value Annual Report", 1, 2),
        ("127", "Housing Revenue Account", 2, 2),
    ]
    assert all(i.doc_type == "minutes" for i in items)


def test_agenda_pack_splits_front_sheet_and_reports():
    front = "Rotherham Metropolitan Borough Council\nAgenda\nOverview and Scrutiny Management Board\nMeeting date: Wednesday 23 March 2022\n5.  COVID RECOVERY FUND\nPre-decision scrutiny.\n6.  SOCIAL VALUE ANNUAL REPORT\nPre-decision scrutiny."
    report = COVER.replace("Agenda item: 126", "Agenda item: 6") + "\nBody."
    pages = clean_pages([front, report, "More of the report."])
    cover = parse_cover(pages[0].text)
    assert cover.doc_type == "agenda"
    assert cover.meeting.committee == "Overview and Scrutiny Management Board"
    items = split_items(pages, cover)
    assert [(i.number, i.doc_type, i.page_start, i.page_end) for i in items] == [
        ("", "agenda", 1, 1),
        ("5", "agenda", 1, 1),
        ("6", "agenda", 1, 1),
        ("6", "report", 2, 3),
    ]


def test_sentence_case_agenda_items_of_other_bodies():
    pages = clean_pages(["TINTERN COMMUNITY COUNCIL\nAGENDA\n805.  Apologies for absence\n806.  Confirmation of minutes of 2018 AGM\n807.  Chairman’s Report"])
    items = split_items(pages, parse_cover(pages[0].text, "agenda.pdf"))
    assert [i.number for i in items] == ["", "805", "806", "807"]


def test_a_long_minute_heading_is_one_when_its_number_is_the_next():
    text = (
        "21.01.04  Matters Arising\nThe seat has still to be painted\n"
        "21.01.05  Discussion regarding the procurement of the Village Green\nGuy Heelis was invited to speak.\n"
        "1.2  The clerk reported that the hall roof had been repaired and that the invoice was paid\n"
    )
    pages = clean_pages(["Parish Council minutes\n" + text])
    items = split_items(pages, parse_cover(pages[0].text, "minutes.pdf"))
    # A line as long as wrapped prose is a heading when it carries on the minutes' numbering, not otherwise.
    assert [(i.number, i.title) for i in items][-2:] == [("21.01.04", "Matters Arising"), ("21.01.05", "Discussion regarding the procurement of the Village Green")]


def test_display_title():
    assert display_title("SOCIAL VALUE – MID YEAR REPORT") == "Social Value – Mid Year Report"
    assert display_title("MINUTES OF THE PREVIOUS MEETING") == "Minutes of the Previous Meeting"
    assert display_title("Already Fine") == "Already Fine"


def test_meeting_date_prefers_the_date_announced_with_its_weekday():
    letter = "Ask for: Joel Cook\nDate: 27 February 2025\nDear Member\nCOUNTY COUNCIL - THURSDAY, 13 FEBRUARY 2025\nEnclosed are the amendments"
    cover = parse_cover(letter, "budget_amendments_pack.pdf")
    assert cover.meeting.meeting_date == "2025-02-13"
    assert cover.meeting.committee == "County Council"


def test_file_name_dates_between_underscores_are_a_fallback():
    assert parse_date("kent_cabinet_2025-01-30_appendixI_budget_risk_register.pdf") == "2025-01-30"
    assert parse_date("ref 12019-10-211") == ""


def test_council_named_inside_a_line_and_appendix_title():
    cover = parse_cover("To: Cabinet, 30 January 2025\nSubject: Kent County Council Integrated Care Strategy\n", "report.pdf")
    assert cover.meeting.council == "Kent County Council"
    appendix = parse_cover("Appendix I: Budget Risks Register 2025-26\nTOTAL £m 334.7 290.0\nDirectorate Risk Title", "kent_appendixI.pdf")
    assert (appendix.doc_type, appendix.title) == ("appendix", "Appendix I: Budget Risks Register 2025-26")
