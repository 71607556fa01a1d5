"""Where a paper's meeting comes from: manifests, ModernGov and folder names, the folder's other papers, fragments."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings as hypothesis_settings, strategies as st

from ingest.cleaning import clean_pages
from ingest.context import (
    Draft,
    announced_date,
    Indexed,
    clean_committee,
    clean_council,
    decision_numbers,
    junk_title,
    listed_items,
    looks_like_committee,
    looks_like_council,
    meeting_folder,
    meeting_stats,
    read_file_name,
    read_folders,
    read_meeting_json,
    resolve_folder,
    same_body,
    slug_title,
)
from ingest.metadata import parse_cover

KENT_AGENDA = """AGENDA
CABINET
Thursday, 30th January, 2025, at 10.00 am Ask for: Georgina Little
UNRESTRICTED ITEMS
1. Apologies
2. Declarations of Interest
3. Minutes of the Meeting held on 9th January 2025 (Pages 1 - 10)
5. 24/00108 - Revenue and Capital Budget Monitoring Report – November 2024-25
(Pages 11 - 84)
6. Draft Revenue Budget 2025-26, MTFP 2025-28, Draft Capital Programme 2025-35
and Treasury Management Strategy (Pages 85 - 276)
8. 24/00115 - Kent County Council Integrated Care Strategy (KCC ICS) Delivery Plan
(Pages 327 - 460)"""
BUDGET_REPORT = """From: Roger Gough, Leader
To: Cabinet, 30 January 2025
Subject: Draft Revenue Budget 2025-26 and 2025-28 MTFP and Draft Capital Programme 2025-35
Classification: Unrestricted
1. Introduction
The Cabinet is asked to endorse the budget for Kent County Council.
Appendices:
Appendix H – Assessment of Financial Resilience
Appendix I – Budget Risks Register"""


def draft(path: str, *pages: str, manifest=None) -> Draft:
    """A paper read on its own, from its text (no PDF needed)."""
    cleaned = tuple(clean_pages(list(pages)))
    cover = parse_cover(pages[0], Path(path).name)
    kind = read_file_name(path).doc_type if read_file_name(path).moderngov else cover.doc_type
    return Draft(
        path=path, source=path, sha256=str(abs(hash(path))).ljust(64, "0"), pages=cleaned, cover=cover,
        items=listed_items(cleaned, kind), manifest=manifest,
    )


def by_name(drafts, contexts):
    return {Path(d.path).name: c for d, c in zip(drafts, contexts)}


# -- names -------------------------------------------------------------------------------------------


def test_moderngov_file_names_give_date_committee_and_kind():
    name = read_file_name("Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf")
    assert (name.moderngov, name.meeting_date, name.committee, name.doc_type) == (True, "2025-01-30", "Cabinet", "minutes")
    pack = read_file_name("Budget Amendments 13th-Feb-2025 09.30 County Council.pdf")
    assert (pack.meeting_date, pack.committee, pack.title) == ("2025-02-13", "County Council", "Budget Amendments")
    qa = read_file_name("Questions put and answers given 13th-Mar-2025 10.00 County Council.pdf")
    assert (qa.meeting_date, qa.committee, qa.doc_type) == ("2025-03-13", "County Council", "")
    front = read_file_name("Agenda frontsheet 09th-Jan-2025 10.00 County Council.pdf")
    assert (front.doc_type, front.title) == ("agenda", "Agenda")
    encoded = read_file_name("Budget%20Amendments%2013th-Feb-2025%2009.30%20County%20Council.pdf")
    assert (encoded.meeting_date, encoded.committee) == ("2025-02-13", "County Council")
    supplement = read_file_name("Item 7 - Supplementary - 24-00109 - Appendix B - EqIA Updated Jan 2025.pdf")
    assert (supplement.item, supplement.decisions) == ("7", ("24/00109",))


def test_other_file_names_give_what_they_hold():
    assert read_file_name("9 January 2025 - County Council minutes.pdf").committee == "County Council"
    assert read_file_name("9 January 2025 - County Council minutes.pdf").meeting_date == "2025-01-09"
    assert read_file_name("minutes_2018-11-06_.pdf").meeting_date == "2018-11-06"
    assert read_file_name("policies_Data Protection Policy May 2019.pdf").title == "Data Protection Policy May 2019"
    assert read_file_name("24-00108 - Finance Monitoring Report - Q3 - November 2024-25.pdf").decisions == ("24/00108",)
    assert slug_title("src-bcc-0003_committee-report-workplace-parking-levy-2024-09-12.pdf") == "Committee Report Workplace Parking Levy"
    assert slug_title("appendix-a-feasibility-study.pdf") == "Appendix A Feasibility Study"


def test_folder_names_give_council_committee_and_date():
    hints = read_folders("/archive/bristol-city-council/transport-and-connectivity-policy-committee/2024-09-12/report.pdf")
    assert (hints.council, hints.committee, hints.meeting_date) == (
        "Bristol City Council", "Transport and Connectivity Policy Committee", "2024-09-12",
    )
    kent = read_folders("/archive/full_council/2025-02-13/originals/Appendix H - Reserves Policy.pdf")
    assert (kent.committee, kent.meeting_date, kent.meeting_folder) == ("Full Council", "2025-02-13", "/archive/full_council/2025-02-13")
    assert meeting_folder("/archive/cabinet/2025-01-30/public_packs/pack.pdf") == "/archive/cabinet/2025-01-30"
    plain = read_folders("/home/jo/comparators-other-councils/annual-reports/2024-25/a.pdf")
    assert (plain.council, plain.committee, plain.meeting_date) == ("", "", "")
    assert read_folders("/a/west-of-england-mca/joint-committee-and-mca-committee/2026-03-27/x.pdf").committee == "Joint Committee and MCA Committee"


def test_fragments_are_not_councils_or_committees():
    for fragment in (
        "Council’s prudent financial management", "Council Tax Reduction Schemes (CTRS)", "Committee Members present",
        "at the discretion of the Council", "once adopted by Full Council", "Executive Director of Transport",
        "Commission Meeting Minutes", "Committee", "council members, employees, volunteers",
    ):
        assert not clean_committee(fragment), fragment
    for fragment in ("TM half-year report 2024-25 to County Council", "The Council", "County Council", "Part 3.1 - Full Council"):
        assert not clean_council(fragment), fragment
    assert clean_council("Powers of Bristol City Council") == "Bristol City Council"
    assert clean_council("BURTON-CUM-WALDEN PARISH COUNCIL") == "Burton-Cum-Walden Parish Council"
    for name in ("Cabinet", "County Council", "Full Council", "Parish Council", "Health Reform and Public Health Cabinet Committee",
                 "Transport & Connectivity Policy Committee", "Cabinet (special meeting)"):
        assert clean_committee(name) == name, name
    assert clean_committee("AGM of the Parish Council") == "Parish Council"
    assert clean_committee("Council", bare_ok=True) == "Council" and not clean_committee("Council")
    assert same_body("Transport and Connectivity Committee", "Transport & Connectivity Policy Committee")
    assert same_body("County Council", "Full Council") and not same_body("Cabinet", "Full Council")
    assert junk_title("Page 1 of 61") and junk_title("1") and junk_title("West of England Combined Authority Committee")


def test_meeting_json_is_read_and_bad_ones_are_ignored():
    text = json.dumps({
        "council": "Kent County Council", "committee": "Cabinet", "meeting_date": "2025-01-30", "url": "https://x/m",
        "documents": [{"file": "report.pdf", "item": "8", "item_title": "ICS Delivery Plan", "title": "Report", "url": "https://x/r.pdf"}],
    })
    entry = read_meeting_json(text)["report.pdf"]
    assert (entry.council, entry.committee, entry.meeting_date, entry.item, entry.url) == (
        "Kent County Council", "Cabinet", "2025-01-30", "8", "https://x/r.pdf",
    )
    for bad in ("", "[]", "{", '{"documents": 3}', '{"documents": [1, {"file": 2}]}', "null"):
        assert isinstance(read_meeting_json(bad), dict)


def test_decision_numbers_and_listed_items():
    assert decision_numbers("24/00108 and 24-00109, not 2024-25 or 2025-2028") == ("24/00108", "24/00109")
    items = listed_items(clean_pages([KENT_AGENDA]), "agenda")
    assert [n for n, _ in items] == ["1", "2", "3", "5", "6", "8"]
    assert "Treasury Management Strategy" in dict(items)["6"]


# -- a folder of papers ------------------------------------------------------------------------------


def test_the_manifest_wins_and_gives_the_public_url():
    manifest = read_meeting_json(json.dumps({
        "council": "Kent County Council", "committee": "Cabinet", "meeting_date": "2025-01-30",
        "documents": [{"file": "x.pdf", "item": "8", "item_title": "ICS", "title": "ICS Delivery Plan", "url": "https://example.org/x.pdf"}],
    }))["x.pdf"]
    [context] = resolve_folder([draft("/m/2025-02-01/x.pdf", "To: Scrutiny Committee, 3 March 2024\nSubject: Something", manifest=manifest)])
    assert (context.meeting.committee, context.meeting.meeting_date, context.item, context.title) == ("Cabinet", "2025-01-30", "8", "ICS Delivery Plan")
    assert context.source_url == "https://example.org/x.pdf"
    assert context.provenance == {
        "council": "manifest", "committee": "manifest", "meeting_date": "manifest", "item": "manifest", "title": "manifest", "source_url": "manifest",
    }


def test_reports_and_appendices_beside_an_agenda_take_its_meeting_and_items():
    folder = "/archive/cabinet-30-jan"
    drafts = [
        draft(f"{folder}/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf", KENT_AGENDA),
        draft(f"{folder}/24-00115 - Adoption of Integrated Care Strategy delivery plan - Report.pdf",
              "From: Roger Gough, Leader\nTo: Cabinet, 30 January 2025\nDecision Number: 24/00115\nSubject: KCC ICS Delivery Plan\n"),
        draft(f"{folder}/Draft Revenue Budget 2025-26 and 2025-28 MTFP and Draft Capital Programme 2025-35.pdf", BUDGET_REPORT),
        draft(f"{folder}/Appendix H - Assessment of Financial Resilience.pdf", "Assessment of Financial Resilience\nThe council's reserves are adequate."),
    ]
    contexts = by_name(drafts, resolve_folder(drafts))
    report = contexts["24-00115 - Adoption of Integrated Care Strategy delivery plan - Report.pdf"]
    assert (report.meeting.committee, report.meeting.meeting_date, report.item, report.provenance["item"]) == ("Cabinet", "2025-01-30", "8", "agenda")
    budget = contexts["Draft Revenue Budget 2025-26 and 2025-28 MTFP and Draft Capital Programme 2025-35.pdf"]
    assert (budget.item, budget.provenance["item"]) == ("6", "agenda")
    appendix = contexts["Appendix H - Assessment of Financial Resilience.pdf"]
    assert (appendix.meeting.committee, appendix.meeting.meeting_date) == ("Cabinet", "2025-01-30")
    assert (appendix.item, appendix.provenance["item"], appendix.provenance["meeting_date"]) == ("6", "sibling", "sibling")
    assert appendix.meeting.council == "Kent County Council", "one council's folder is its, for an appendix that never names it"
    assert appendix.title == "Appendix H - Assessment of Financial Resilience"


def test_the_full_councils_meeting_is_its_committee():
    drafts = [
        draft("/k/full_council/2025-02-13/Budget Amendments 13th-Feb-2025 09.30 County Council.pdf",
              "Dear Member\nCOUNTY COUNCIL - THURSDAY, 13 FEBRUARY 2025\nEnclosed are the amendments"),
        draft("/k/full_council/2025-02-13/Appendix H - Reserves Policy.pdf", "Reserves Policy\nKent County Council holds reserves."),
    ]
    contexts = by_name(drafts, resolve_folder(drafts))
    assert {c.meeting.committee for c in contexts.values()} == {"County Council"}
    assert contexts["Budget Amendments 13th-Feb-2025 09.30 County Council.pdf"].provenance["committee"] == "filename"
    assert contexts["Budget Amendments 13th-Feb-2025 09.30 County Council.pdf"].title == "Budget Amendments"


def test_minutes_of_the_previous_meeting_keep_their_meeting():
    folder = "/k/full_council/2025-02-13"
    drafts = [
        draft(f"{folder}/Agenda frontsheet 13th-Feb-2025 09.30 County Council.pdf", "AGENDA\nCOUNTY COUNCIL\nThursday, 13th February, 2025\n1. Apologies"),
        draft(f"{folder}/9 January 2025 - County Council minutes.pdf", "KENT COUNTY COUNCIL\nMINUTES of a meeting of the Kent County Council held on Thursday, 9 January 2025\n1. Apologies"),
        draft(f"{folder}/Minutes of Previous Meeting.pdf", "Minutes\nCounty Council\nMeeting date: Thursday 19 December 2024\n1. Apologies"),
    ]
    contexts = by_name(drafts, resolve_folder(drafts))
    assert contexts["9 January 2025 - County Council minutes.pdf"].meeting.meeting_date == "2025-01-09"
    assert contexts["9 January 2025 - County Council minutes.pdf"].meeting.committee == "County Council"
    assert contexts["Minutes of Previous Meeting.pdf"].meeting.meeting_date == "2024-12-19"
    assert contexts["Agenda frontsheet 13th-Feb-2025 09.30 County Council.pdf"].meeting.meeting_date == "2025-02-13"


def test_a_percent_twenty_copy_is_a_duplicate_and_a_packs_parts_are_indexed_once():
    body = "Treasury management half-year report for the County Council. " * 8
    other = "Capital programme monitoring for the year, with every scheme listed. " * 8
    folder = "/k/cabinet/2025-01-30"
    drafts = [
        draft(f"{folder}/Budget Amendments 13th-Feb-2025 09.30 County Council.pdf", body),
        draft(f"{folder}/Budget%20Amendments%2013th-Feb-2025%2009.30%20County%20Council.pdf", body),
        draft(f"{folder}/Public reports pack 30th-Jan-2025 10.00 Cabinet.pdf", "AGENDA\nCABINET\n1. Apologies", body, other),
        draft(f"{folder}/Capital monitoring.pdf", other),
    ]
    contexts = by_name(drafts, resolve_folder(drafts))
    assert contexts["Budget%20Amendments%2013th-Feb-2025%2009.30%20County%20Council.pdf"].duplicate_of.endswith(
        "Budget Amendments 13th-Feb-2025 09.30 County Council.pdf"
    )
    assert not contexts["Budget Amendments 13th-Feb-2025 09.30 County Council.pdf"].duplicate_of
    assert contexts["Public reports pack 30th-Jan-2025 10.00 Cabinet.pdf"].pages_elsewhere == (2, 3)
    assert not contexts["Capital monitoring.pdf"].pages_elsewhere and not contexts["Capital monitoring.pdf"].duplicate_of


def test_a_parish_councils_own_meetings_and_the_dates_its_papers_share():
    folder = "/p/milburn"
    drafts = [
        draft(f"{folder}/agendas_2018-01-16_.pdf", "MILBURN PARISH COUNCIL\nAgenda\nTuesday, 16th January 2018\n1. Apologies"),
        draft(f"{folder}/minutes_2018-01-18_.pdf", "Milburn Parish Council - 16th January 2018\nPresent\nCouncillors D Richardson (Chair)"),
        draft(f"{folder}/minutes_2018-03-06_.pdf", "Milburn Parish Council - 6th March 2018\nPresent\nCouncillors D Richardson (Chair)"),
        draft(f"{folder}/policies_Accessibility Statement Aug 2020.pdf", "Milburn Parish Council\nThis accessibility statement applies"),
    ]
    contexts = by_name(drafts, resolve_folder(drafts))
    minutes = contexts["minutes_2018-01-18_.pdf"]
    assert (minutes.meeting.committee, minutes.meeting.meeting_date) == ("Parish Council", "2018-01-16"), "the date its agenda shares"
    policy = contexts["policies_Accessibility Statement Aug 2020.pdf"]
    assert not policy.has_meeting and policy.meeting.council == "Milburn Parish Council"


def test_a_name_and_a_page_that_disagree():
    notice = draft("/p/notices/public-notice-2025-05-01.pdf", "PUBLIC NOTICE\nA Meeting of X Parish Council will be held on Tuesday, 1 April 2025 at 8.00 pm.")
    copied = draft("/p/agendas_2019-05-07_AGM.pdf", "MILBURN PARISH COUNCIL\nAnnual Parish Meeting on Tuesday, 7th May 2018 at 7.30pm")
    assert resolve_folder([notice])[0].meeting.meeting_date == "2025-04-01", "the date announced with its right weekday"
    assert resolve_folder([copied])[0].meeting.meeting_date == "2019-05-07", "7 May 2018 was a Monday"


def test_a_dated_paper_does_not_pull_others_into_a_meeting_that_was_never_shown():
    drafts = [
        draft("/c/comparators/leicester-review-2021-05-19.pdf", "Leicester City Council\nEvidence based review"),
        draft("/c/comparators/nottingham-annual-report.pdf", "Nottingham City\nCouncil\nAnnual Report"),
    ]
    contexts = by_name(drafts, resolve_folder(drafts))
    assert contexts["nottingham-annual-report.pdf"].meeting.meeting_date == ""
    assert contexts["nottingham-annual-report.pdf"].meeting.council == ""


def test_stats_count_known_meetings_agreement_and_fragments(tmp_path):
    folder = tmp_path / "cabinet" / "2025-01-30"
    rows = [
        Indexed(source=str(folder / "a.pdf"), council="Kent County Council", committee="Cabinet", meeting_date="2025-01-30"),
        Indexed(source=str(folder / "b.pdf"), council="", committee="Cabinet", meeting_date="2025-01-31"),
        Indexed(source=str(folder / "m.pdf"), council="", committee="Cabinet", meeting_date="2025-01-09", doc_type="minutes"),
        Indexed(source=str(tmp_path / "c.pdf"), council="Council’s prudent financial management", committee="", meeting_date=""),
    ]
    stats = meeting_stats(rows, root=tmp_path)
    assert (stats["papers"], stats["meeting_known"], stats["no_meeting"], stats["checked"], stats["agree"]) == (4, 3, 1, 3, 2)
    assert (stats["fragments"], stats["earlier_minutes_kept"]) == (1, 1)
    assert stats["disagreements"][0]["source"].endswith("b.pdf")


# -- never raise on any string -----------------------------------------------------------------------

TEXT = st.text(max_size=300)


@hypothesis_settings(max_examples=300, deadline=None)
@given(TEXT)
def test_name_readers_never_raise(text):
    read_file_name(text)
    read_file_name(text + ".pdf")
    read_folders(text)
    read_folders("/" + text + "/x.pdf", stop="/")
    meeting_folder(text)
    slug_title(text)
    decision_numbers(text)
    announced_date(text)
    junk_title(text)
    same_body(text, text[::-1])
    assert looks_like_committee(text) in (True, False)
    assert looks_like_council(text) in (True, False)
    value = clean_committee(text)
    assert not value or looks_like_committee(value)
    council = clean_council(text)
    assert not council or looks_like_council(council)


@hypothesis_settings(max_examples=200, deadline=None)
@given(TEXT)
def test_manifest_reader_never_raises(text):
    assert isinstance(read_meeting_json(text), dict)
    assert isinstance(read_meeting_json(json.dumps({"documents": [{"file": text, "item": text}], "meeting_date": text})), dict)


@hypothesis_settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=40), st.text(max_size=400)), min_size=1, max_size=4))
def test_resolving_a_folder_never_raises(papers):
    drafts = [draft(f"/f/{name or 'x'}.pdf", text or " ") for name, text in papers]
    contexts = resolve_folder(drafts)
    assert len(contexts) == len(drafts)
    for context in contexts:
        assert not context.meeting.committee or looks_like_committee(context.meeting.committee, bare_ok=True)
        assert not context.meeting.council or looks_like_council(context.meeting.council)
    listed_items(drafts[0].pages, "agenda")


# -- through ingest, on ModernGov-named copies of real papers ----------------------------------------

import shutil  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402

from conftest import REAL_PDFS  # noqa: E402
from paperfactory import make_report  # noqa: E402

KENT = {
    "cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf": "kent_cabinet_2025-01-30_agenda_frontsheet.pdf",
    "cabinet/2025-01-30/originals/24-00115 - Adoption of Integrated Care Strategy delivery plan - Report.pdf": "kent_cabinet_2025-01-30_ics_delivery_plan_report_24-00115.pdf",
    "cabinet/2025-01-30/originals/Appendix I Budget Risk Register 22.01.25.pdf": "kent_cabinet_2025-01-30_appendixI_budget_risk_register.pdf",
    "full_council/2025-02-13/public_packs/Budget Amendments 13th-Feb-2025 09.30 County Council.pdf": "kent_county_council_2025-02-13_budget_amendments_pack.pdf",
}


def _kent_archive(root: Path) -> Path:
    """Real Kent papers saved as a user saves a ModernGov site: one folder per meeting, ModernGov's file names."""
    for name, real in KENT.items():
        target = root / "kent-county-council" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REAL_PDFS / real, target)
    # The same pack saved again under its URL-encoded name, with other bytes (a re-download): its text is the same.
    pack = root / "kent-county-council" / "full_council" / "2025-02-13" / "public_packs"
    writer = PdfWriter(clone_from=str(pack / "Budget Amendments 13th-Feb-2025 09.30 County Council.pdf"))
    writer.add_metadata({"/Title": "downloaded again"})
    with open(pack / "Budget%20Amendments%2013th-Feb-2025%2009.30%20County%20Council.pdf", "wb") as handle:
        writer.write(handle)
    return root / "kent-county-council"


@pytest.mark.skipif(not REAL_PDFS.is_dir(), reason="../shared/realpdfs is not present on this machine")
def test_a_moderngov_archive_gets_its_meetings_items_and_council(settings, fake_embeddings, tmp_path):
    from ingest.pipeline import ingest_corpus, inspect_pdf
    from ingest.store import Store

    archive = _kent_archive(tmp_path / "corpus")
    store = Store.from_settings(settings)
    report = ingest_corpus(archive, settings=settings, store=store, embeddings=fake_embeddings)
    assert [Path(f["path"]).name for f in report.failed] == ["Budget%20Amendments%2013th-Feb-2025%2009.30%20County%20Council.pdf"]
    assert "duplicate of" in report.failed[0]["error"] and "same text" in report.failed[0]["error"]
    assert (report.papers, report.no_meeting) == (4, 0)
    papers = {Path(s.source).name: s for s in store.summaries()}
    for summary in papers.values():
        assert summary.council == "Kent County Council", summary.source
    appendix = papers["Appendix I Budget Risk Register 22.01.25.pdf"]
    assert (appendix.committee, appendix.meeting_date, appendix.provenance["meeting_date"]) == ("Cabinet", "2025-01-30", "folder")
    assert appendix.provenance["committee"] == "filename", "the agenda frontsheet's ModernGov name names the committee"
    report_paper = papers["24-00115 - Adoption of Integrated Care Strategy delivery plan - Report.pdf"]
    assert (report_paper.items[0][0], report_paper.provenance["item"]) == ("8", "agenda"), "decision 24/00115 is item 8 of the agenda"
    pack = papers["Budget Amendments 13th-Feb-2025 09.30 County Council.pdf"]
    assert (pack.committee, pack.meeting_date, pack.title) == ("County Council", "2025-02-13", "Budget Amendments")
    shown = inspect_pdf(archive / "cabinet/2025-01-30/originals/Appendix I Budget Risk Register 22.01.25.pdf", settings=settings)
    assert shown["provenance"]["committee"] == "filename" and shown["committee"] == "Cabinet"


def test_the_manifests_url_reaches_chunks_and_citations(settings, fake_embeddings, tmp_path):
    from assistant.compose import Citations, Evidence
    from ingest.pipeline import ingest_corpus
    from ingest.store import Store

    folder = tmp_path / "corpus" / "cabinet" / "2022-03-28"
    make_report(folder / "report.pdf", paragraphs=["1.1 The Council adopted the Social Value Policy in October 2019."])
    (folder / "meeting.json").write_text(json.dumps({
        "council": "Rotherham Metropolitan Borough Council", "committee": "Cabinet", "meeting_date": "2022-03-28",
        "url": "https://example.org/mgAi.aspx?ID=1",
        "documents": [{"file": "report.pdf", "item": "126", "item_title": "Social Value Annual Report", "title": "Social Value Annual Report", "url": "https://example.org/documents/s1/report.pdf"}],
    }))
    store = Store.from_settings(settings)
    report = ingest_corpus(tmp_path / "corpus", settings=settings, store=store, embeddings=fake_embeddings)
    assert (report.papers, report.no_meeting, report.to_json()["no_meeting"]) == (1, 0, 0)
    [summary] = store.summaries()
    assert summary.source_url == "https://example.org/documents/s1/report.pdf"
    assert summary.provenance["committee"] == "manifest" and summary.to_json()["provenance"]["item"] == "manifest"
    chunks, _ = store.all_chunks()
    assert {c.source_url for c in chunks} == {"https://example.org/documents/s1/report.pdf"}
    citations = Citations()
    citations.add(Evidence(chunks[0].text[:40], chunks[0], chunks[0].page_start, 1.0, 0, frozenset()))
    assert citations.items[0].to_json()["source_url"] == "https://example.org/documents/s1/report.pdf"
