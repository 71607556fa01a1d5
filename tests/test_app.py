"""The Gradio app: what it serves, what it accepts, what a user sees, and 20 users during an upload."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

import app as app_module
from app import App, check_upload, create_server, link_citations, resolve_paper_path, safe_upload_name
from assistant.prompts import ERROR
from assistant.service import Assistant
from ingest.pipeline import ingest_corpus
from ingest.store import DONE, Store
from paperfactory import make_minutes, make_report
from fakes import FAKE_CALIBRATION


@pytest.fixture
def assistant(settings, fake_embeddings):
    folder = Path(settings.corpus_dir)
    make_report(
        folder / "pdfs" / "2022-cabinet-report.pdf", meeting_date="2022-03-28", item="126", title="Social Value Annual Report",
        paragraphs=[
            "1.1 The Council was accredited as a Living Wage Employer by the Living Wage Foundation in September 2021.",
            "2.1 That Cabinet agrees the social value priorities for 2022, including the launch of the Commissioning Toolkit in May 2022.",
            "3.1 Social value commitments of £13.5m were secured from eligible council contracts.",
        ],
    )
    make_report(
        folder / "pdfs" / "2024-cabinet-report.pdf", meeting_date="2024-03-18", item="156", title="Social Value Annual Report",
        paragraphs=["1.1 Since March 2023 social value commitments have more than doubled, to £27.8m.", "1.2 The value delivered has doubled, from £4m to £8m."],
    )
    make_minutes(
        folder / "pdfs" / "2022-osmb-minutes.pdf", committee="Overview and Scrutiny Management Board", meeting_date="2022-03-23",
        items=[("6", "SOCIAL VALUE ANNUAL REPORT", ["Resolved: That a social value mid-year progress report be brought to the Board."])],
    )
    store = Store.from_settings(settings)
    assert not ingest_corpus(folder, settings=settings, store=store, embeddings=fake_embeddings).failed
    return Assistant(settings.model_copy(update=FAKE_CALIBRATION), store=store, embeddings=fake_embeddings)


@pytest.fixture
def ui(assistant, settings):
    return App(assistant, assistant.settings)


def _last(generator):
    out = None
    for out in generator:
        pass
    return out


# -- serving PDFs ---------------------------------------------------------------------------------


def test_only_pdfs_in_the_corpus_and_upload_folders_are_served(assistant, settings, tmp_path):
    settings = assistant.settings
    inside = "corpus/pdfs/2022-cabinet-report.pdf"
    assert resolve_paper_path(inside, settings) == (tmp_path / inside).resolve()
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 secret")
    (tmp_path / "corpus" / "pdfs" / "link.pdf").symlink_to(secret)
    (tmp_path / "corpus" / "notes.txt").write_text("not a pdf")
    for attempt in [
        "../secret.pdf", "corpus/../secret.pdf", "corpus/pdfs/../../secret.pdf", str(secret), "/etc/passwd",
        "corpus%2F..%2Fsecret.pdf", "corpus/%2e%2e/secret.pdf", "corpus/%252e%252e/secret.pdf", "corpus\\..\\secret.pdf",
        "corpus/pdfs/link.pdf", "corpus/notes.txt", "corpus/pdfs/missing.pdf", "corpus/pdfs/2022-cabinet-report.pdf\x00.txt", "",
    ]:
        assert resolve_paper_path(attempt, settings) is None, attempt


def test_the_papers_route_serves_a_cited_pdf_and_nothing_else(assistant):
    from fastapi.testclient import TestClient

    client = TestClient(create_server(assistant, assistant.settings))
    ok = client.get("/papers/corpus/pdfs/2022-cabinet-report.pdf")
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/pdf" and ok.content.startswith(b"%PDF-")
    for attempt in ["/papers/../pyproject.toml", "/papers/%2e%2e/%2e%2e/etc/passwd", "/papers//etc/passwd", "/papers/corpus/%252e%252e/x.pdf"]:
        response = client.get(attempt)
        assert response.status_code == 404 and b"%PDF" not in response.content, attempt


def test_upload_names_cannot_leave_the_upload_folder():
    assert safe_upload_name("../../etc/passwd") == "passwd.pdf"
    assert safe_upload_name("/abs/path/Cabinet 2022 (final).PDF") == "Cabinet-2022-final.pdf"
    assert safe_upload_name("..%2F..%2Fevil.pdf") == "evil.pdf"
    assert safe_upload_name("%252e%252e%252fevil.pdf") == "evil.pdf"
    assert safe_upload_name("C:\\Users\\x\\report.pdf") == "report.pdf"
    assert safe_upload_name(".hidden.pdf") == "hidden.pdf"
    assert safe_upload_name("....") == "upload.pdf"


def test_uploads_are_checked(settings, tmp_path):
    small = settings.model_copy(update={"upload_max_bytes": 100})
    cases = {"empty.pdf": b"", "notes.pdf": b"just some notes", "big.pdf": b"%PDF-1.4" + b"x" * 200, "ok.pdf": b"%PDF-1.4 tiny"}
    reasons = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        reasons[name] = check_upload(tmp_path / name, small)
    assert "empty" in reasons["empty.pdf"]
    assert "not a PDF" in reasons["notes.pdf"]
    assert "limit" in reasons["big.pdf"]
    assert reasons["ok.pdf"] == ""


# -- chat -----------------------------------------------------------------------------------------


def test_chat_answer_links_each_citation_to_its_page_and_offers_markdown(ui):
    steps = list(ui.respond("When was the council accredited as a Living Wage Employer?", [], "auto", [], [], "Any", "Any"))
    assert len(steps) >= 3, "the answer streams in"
    chat, cleared, sources, download = steps[-1]
    assert cleared == "" and chat[0] == {"role": "user", "content": "When was the council accredited as a Living Wage Employer?"}
    answer = chat[-1]["content"]
    assert "September 2021" in answer
    assert "(/papers/corpus/pdfs/2022-cabinet-report.pdf#page=1" in answer
    assert "### Sources" in sources and "Cabinet · 28 March 2022 · item 126" in sources and "page 1" in sources
    markdown = Path(download["value"]).read_text(encoding="utf-8")
    assert download["visible"] and "**References**" in markdown and "Cabinet, 28 March 2022, item 126" in markdown


def test_sources_say_how_the_question_was_read(ui):
    *_, (chat, _, sources, _) = ui.respond("What social value priorities did Cabinet agree in 2022?", [], "auto", [], [], "Any", "Any")
    assert "*Searched: committee Cabinet and year 2022.*" in sources
    *_, (chat, _, sources, _) = ui.respond("When was the council accredited as a Living Wage Employer?", [], "auto", [], [], "Any", "Any")
    assert "Searched" not in sources


def test_chat_follow_up_uses_the_conversation(ui):
    chat = _last(ui.respond("What social value commitments were secured in March 2022?", [], "auto", [], [], "Any", "Any"))[0]
    chat = _last(ui.respond("And two years later?", chat, "auto", [], [], "Any", "Any"))[0]
    assert "2024-cabinet-report.pdf" in chat[-1]["content"] and "2022-cabinet-report.pdf" not in chat[-1]["content"]


def test_a_year_filter_that_matches_nothing_is_said_before_and_after_asking(ui):
    assert "2023" in ui.choices()[2], "every year of the span is offered"
    status = ui.filter_status([], [], "2023", "2023")
    assert status.startswith("⚠") and "year 2023" in status
    chat, _, sources, download = _last(ui.respond("What did we commit to on social value?", [], "auto", [], [], "2023", "2023"))
    notice = chat[-1]["content"]
    assert notice.startswith("No papers in the index match") and "year 2023" in notice and sources == "" and not download["visible"]
    assert "3 of 3" in ui.filter_status([], [], "2022", "2024")


def test_errors_reach_the_page_as_one_plain_sentence(ui, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("chroma exploded\nTraceback (most recent call last)")

    monkeypatch.setattr(ui.assistant, "ask", broken)
    chat, *_ = _last(ui.respond("Anything?", [], "auto", [], [], "Any", "Any"))
    assert chat[-1]["content"] == ERROR
    monkeypatch.setattr(ui.assistant, "timeline", broken)
    assert ui.timeline("social value", [])[-1] == ERROR


def test_link_citations_leaves_unknown_keys_alone(ui):
    answer = ui.assistant.ask("When was the council accredited as a Living Wage Employer?")
    text = link_citations(replace(answer, answer=answer.answer + " [99]"))
    assert text.endswith("[99]") and "[[1]](" in text


# -- timeline and documents ----------------------------------------------------------------------


def test_timeline_tab_has_meetings_in_order_figures_and_csv(ui):
    events, plot, points, csv_file, status = ui.timeline("social value", [])
    dates = list(events["Date"])
    assert dates == sorted(dates) and "2022-03-28" in dates and "2024-03-18" in dates
    assert all("](/papers/corpus/" in link for link in events["Source"])
    series = {(row["Series"], row["Amount"]) for _, row in points.iterrows()}
    assert ("Commitments secured", "£27.8m") in series and ("Value delivered", "£8m") in series
    assert plot["visible"] and len(plot["value"]) == len(points) and plot["y_title"] == "£ million"
    text = Path(csv_file["value"]).read_text(encoding="utf-8")
    assert text.startswith("kind,meeting_date") and "figure" in text and "event" in text


def test_timeline_tab_takes_any_topic_with_committee_and_year_filters_and_a_default_from_the_index(ui):
    assert ui.assistant.default_topic() == "social value"
    events, plot, points, _, status = ui.timeline("", [], ["Cabinet"], "2024", "2024")
    assert list(events["Date"]) == ["2024-03-18"] and "social value" in status
    # A matter with no figure that recurs has no chart.
    events, plot, points, _, status = ui.timeline("Living Wage Employer accreditation", [], [], "Any", "Any")
    assert "2022-03-28" in list(events["Date"]), status and plot["visible"] is False and points.empty


def test_upload_adds_good_pdfs_and_reports_bad_ones_without_restart(ui, tmp_path):
    good = make_report(tmp_path / "incoming" / "Cabinet 2025 report.pdf", meeting_date="2025-06-09", item="9", title="Social Value Annual Report",
                       paragraphs=["1.1 Total social value commitments reached £32m and £12.3m was validated as delivered."])
    bad = tmp_path / "incoming" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"garbage " * 20)
    notpdf = tmp_path / "incoming" / "notes.pdf"
    notpdf.write_text("hello")
    result, table, *_ = ui.upload([str(good), str(bad), str(notpdf)])
    assert "✓ **Cabinet-2025-report.pdf** is in the index" in result
    assert "✗ **broken.pdf**" in result and "✗ **notes.pdf**: not a PDF" in result
    assert "2025-06-09" in list(table["Date"])
    answer = ui.assistant.ask("How much social value was validated as delivered in 2025?")
    assert answer.answered and any(c.source.startswith("uploads/") for c in answer.citations)
    assert resolve_paper_path(answer.citations[0].source, ui.settings) is not None
    assert all(meta["status"] == DONE for meta in ui.assistant.store.registry().values())


# -- 20 users while an upload goes in ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(assistant):
    import uvicorn

    settings = assistant.settings.model_copy(update={"port": _free_port()})
    server = uvicorn.Server(uvicorn.Config(create_server(assistant, settings), host="127.0.0.1", port=settings.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    yield f"http://127.0.0.1:{settings.port}/", assistant
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.server
def test_twenty_users_ask_while_an_upload_is_ingested(served, tmp_path):
    from gradio_client import Client, handle_file

    url, assistant = served
    upload = make_report(tmp_path / "up" / "osmb-2025.pdf", committee="Overview and Scrutiny Management Board", meeting_date="2025-06-04",
                         item="6", title="Social Value Annual Report", paragraphs=[f"{n}.1 Local spend rose by £28m to £105m in the year, paragraph {n}." for n in range(1, 60)])
    questions = [
        "When was the council accredited as a Living Wage Employer?",
        "What did we commit to on social value in 2022?",
        "How much social value had been committed by March 2024?",
        "What did the board ask for on social value?",
    ]

    def ask(n: int) -> tuple[float, str]:
        client = Client(url, verbose=False)
        started = time.perf_counter()
        chat = client.predict(questions[n % len(questions)], [], "auto", [], [], "Any", "Any", api_name="/ask")[0]
        return time.perf_counter() - started, app_module._text(chat[-1]["content"])

    with ThreadPoolExecutor(max_workers=21) as pool:
        uploading = pool.submit(lambda: Client(url, verbose=False).predict([handle_file(str(upload))], api_name="/upload"))
        asked = [pool.submit(ask, n) for n in range(20)]
        results = [f.result(timeout=300) for f in asked]
        upload_result = uploading.result(timeout=300)[0]
    seconds = sorted(s for s, _ in results)
    answers = [text for _, text in results]
    assert all(text and text != ERROR and "[[1]](/papers/" in text for text in answers), answers
    assert "✓ **osmb-2025.pdf** is in the index" in upload_result
    registry = assistant.store.registry()
    assert all(meta["status"] == DONE for meta in registry.values()) and len(registry) == 4
    assert assistant.store.chunks.count() == sum(int(m["chunks"]) for m in registry.values())
    print(f"\n20 concurrent asks during an upload: p50 {statistics.median(seconds) * 1000:.0f} ms, max {seconds[-1] * 1000:.0f} ms")


# -- public links and fetching from a ModernGov site ---------------------------------------------


def _with_public_url(ui, monkeypatch, source_url: str = "https://democracy.example.gov.uk/documents/s1/Report.pdf"):
    papers = [replace(p, source_url=source_url) if p.source.endswith("2022-cabinet-report.pdf") else p for p in ui.assistant.papers()]
    monkeypatch.setattr(ui.assistant, "papers", lambda: papers)
    return source_url


def test_chat_offers_the_councils_page_beside_the_local_copy(ui, monkeypatch):
    online = _with_public_url(ui, monkeypatch)
    *_, (chat, _, sources, _) = ui.respond("When was the council accredited as a Living Wage Employer?", [], "auto", [], [], "Any", "Any")
    answer = chat[-1]["content"]
    assert "(/papers/corpus/pdfs/2022-cabinet-report.pdf#page=1" in answer, "the [n] link still opens the local copy"
    assert f"[↗]({online}#page=1 " in answer, "and ↗ opens the same page on the council's site"
    assert "[open the PDF at page 1](/papers/corpus/pdfs/2022-cabinet-report.pdf#page=1)" in sources
    assert f"[the same page on the council's site]({online}#page=1)" in sources


def test_a_paper_without_a_public_url_or_with_an_unsafe_one_gets_only_its_local_link(ui, monkeypatch):
    _with_public_url(ui, monkeypatch, source_url="javascript:alert(1)")
    answer = ui.assistant.ask("When was the council accredited as a Living Wage Employer?")
    text = link_citations(answer, ui.public_urls())
    assert "↗" not in text and "javascript" not in text
    assert "council's site" not in app_module.source_cards(answer, ui.public_urls())


def test_documents_tab_shows_public_links_and_papers_with_no_known_meeting(ui, monkeypatch):
    online = _with_public_url(ui, monkeypatch)
    papers = ui.assistant.papers() + [replace(ui.assistant.papers()[0], source="uploads/loose.pdf", committee="", meeting_date="", source_url="")]
    monkeypatch.setattr(ui.assistant, "papers", lambda: papers)
    table = ui.documents()
    assert list(table.columns)[-2:] == ["PDF", "Public link"]
    rows = {row["PDF"]: row for _, row in table.iterrows()}
    cabinet = next(r for pdf, r in rows.items() if "2022-cabinet-report.pdf" in pdf)
    assert cabinet["Public link"] == f"[council's site]({online})" and cabinet["Date"] == "2022-03-28"
    loose = next(r for pdf, r in rows.items() if "loose.pdf" in pdf)
    assert loose["Date"] == "no known meeting" and loose["Public link"] == ""


@pytest.mark.server
def test_documents_tab_fetches_a_moderngov_site_into_the_index(ui, tmp_path):
    import importlib.util

    import fake_moderngov
    from ingest.fetch import FetchSettings

    server, site = fake_moderngov.start(slow_seconds=0.1)
    ui.fetch_settings = FetchSettings(delay=0, timeout=2)
    steps: list[tuple] = []
    try:
        result, table, *choices = ui.fetch(f"{site.url}/mgIssueHistoryHome.aspx?IId=700", "", "", "", progress=lambda *a, **k: steps.append(a))
        again, *_ = ui.fetch(f"{site.url}/mgIssueHistoryHome.aspx?IId=700", "", "", "", progress=lambda *a, **k: None)
        bad_date, *_ = ui.fetch(site.url, "", "March", "", progress=lambda *a, **k: None)
        unknown, *_ = ui.fetch(site.url, "Planning", "", "", progress=lambda *a, **k: None)
    finally:
        server.shutdown()
        server.server_close()
    assert result.startswith("Fetched 2 meetings") and "4 new or changed papers" in result and "4 papers added to the index" in result
    assert "0 new or changed papers, 4 unchanged" in again and "0 papers added" in again
    assert bad_date == "From date “March” is not a date like 2024-03-31."
    assert unknown.startswith("Could not fetch: no committee called Planning")
    assert any(step and isinstance(step[0], tuple) for step in steps), "the download shows its progress"
    fetched = [p for p in ui.assistant.papers() if "/127.0.0.1/" in f"/{p.source}"]
    assert len(fetched) == 4 and all(resolve_paper_path(p.source, ui.settings) for p in fetched), "local copies are served"
    if importlib.util.find_spec("ingest.context") is None:
        pytest.skip("ingest does not read meeting.json yet (issue 16): the meeting and public link of fetched papers are not checked")
    report = next(p for p in fetched if p.source.endswith("Social Value Annual Report.pdf"))
    assert (report.committee, report.meeting_date) == ("Cabinet", "2022-03-28")
    assert report.source_url == f"{site.url}/documents/s9001/Social%20Value%20Annual%20Report.pdf"
    assert f"[council's site]({report.source_url})" in list(table["Public link"])
