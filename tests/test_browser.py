"""The app in a real browser: Debian chromium driven by Playwright over the demo corpus (real model).

One server for the module, over a copy of the session's corpus index (so the upload here never
reaches the index other modules use) with uploads in a temporary folder. Screenshots go to
docs/screenshots/ only when COUNCIL_SCREENSHOTS=1, otherwise to a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.is_file():
    pytest.skip("Debian chromium not installed (/usr/bin/chromium): run `make browser-deps`", allow_module_level=True)
pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]'")

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from paperfactory import make_report  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SLOW = 90_000  # ms: an answer on a 2-core machine, streamed in
QUESTION = "What did we commit to on social value in 2022?"
UPLOAD_TITLE = "Highway Maintenance Programme Update"
CITED_PDF = re.compile(r"^/papers/.+\.pdf#page=\d+$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: docs/screenshots when COUNCIL_SCREENSHOTS=1, else a temporary folder."""
    if os.environ.get("COUNCIL_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser_assistant(corpus_index, real_embeddings, tmp_path_factory):
    """An Assistant over a private copy of the corpus index; uploads go to a temporary folder."""
    from assistant.service import Assistant

    settings, _ = corpus_index
    base = tmp_path_factory.mktemp("browser-index")
    shutil.copytree(settings.index_dir, base / "index")
    private = settings.model_copy(update={"index_dir": base / "index", "upload_dir": str(base / "uploads"), "port": _free_port()})
    assistant = Assistant(private, embeddings=real_embeddings)
    assert len(assistant.papers()) >= 3, "the corpus index copy holds the corpus"
    assistant.warm_up()
    return assistant


@pytest.fixture(scope="module")
def base_url(browser_assistant):
    """The real app (create_server) served by uvicorn on a free 127.0.0.1 port."""
    import uvicorn

    from app import create_server

    settings = browser_assistant.settings
    server = uvicorn.Server(uvicorn.Config(create_server(browser_assistant, settings), host="127.0.0.1", port=settings.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True, name="browser-test-app")
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    yield f"http://127.0.0.1:{settings.port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    expect.set_options(timeout=30_000)  # assertions wait this long (the machine is slow)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _open(browser, base_url: str, width: int = 1280, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    context.set_default_timeout(SLOW)
    page = context.new_page()
    page.goto(base_url + "/", wait_until="domcontentloaded")
    expect(page.get_by_label("Your question")).to_be_visible()
    return page


@pytest.fixture
def page(browser, base_url):
    page = _open(browser, base_url)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def answered(browser, base_url):
    """A page where a question was asked with the keyboard alone and its answer has finished streaming."""
    page = _open(browser, base_url)
    box = page.get_by_label("Your question")
    box.focus()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Download answer as Markdown")).to_be_visible(timeout=SLOW)  # the last step of an answer
    yield page
    page.context.close()


def _last_answer(page: Page):
    return page.get_by_role("log").locator('[data-testid="bot"]').last


def _screenshot(page: Page, path: Path, *, chat_from_the_top: bool = False) -> None:
    """A full-page screenshot; with the conversation scrolled back to the question if asked.

    The viewport is first grown to the page's height: the resize a full-page capture makes would
    otherwise scroll the conversation back to its end.
    """
    size = page.viewport_size
    for _ in range(2):  # the page may grow once more at the new size
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], page.evaluate("document.documentElement.scrollHeight"))})
        page.wait_for_timeout(300)
    if chat_from_the_top:
        log = page.get_by_role("log")
        question = log.locator('[data-testid="user"]').first
        for _ in range(20):
            log.evaluate(
                "e => { for (let n = e; n && n !== document.body; n = n.parentElement) n.scrollTop = 0;"
                " e.querySelectorAll('*').forEach(d => { if (d.scrollTop) d.scrollTop = 0; }); }"
            )
            page.wait_for_timeout(250)
            if question.evaluate("e => e.getBoundingClientRect().top >= document.querySelector('#chat').getBoundingClientRect().top"):
                break
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def _fits(page: Page, locator, width: int) -> None:
    box = locator.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, "not laid out"
    assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, f"cut off at {width}px: {box}"


# -- chat -----------------------------------------------------------------------------------------


def test_keyboard_question_gets_a_cited_answer_and_sources(answered, shots):
    page = answered
    log = page.get_by_role("log")
    # The conversation has an accessible name of its own (Gradio's default is "chatbot conversation").
    expect(log).to_have_attribute("aria-label", "Conversation with the council papers assistant")
    expect(log.locator('[data-testid="user"]').last).to_have_text(QUESTION)
    expect(page.get_by_label("Your question")).to_have_value("")  # cleared for the next question
    answer = _last_answer(page)
    expect(answer.get_by_role("link", name="[1]", exact=True)).to_be_visible()
    expect(answer).not_to_contain_text("Searching the papers")
    sources = page.locator("#sources")
    expect(sources.get_by_role("heading", name="Sources")).to_be_visible()
    text = sources.inner_text()
    # One card per paper page: Committee · 28 March 2022 · item 126 — Title / Council · report · page 3 ·
    # open the PDF at page 3 / [1] the quote / [2] the next quote from that page ...
    assert re.search(r"^[^·\n]+ · \d{1,2} [A-Z][a-z]+ 2022 · item \S+ — \S", text, re.M), text
    assert re.search(r"· page \d+ · open the PDF at page \d+", text), text
    assert re.search(r"^\[1\] \S", text, re.M), text
    _screenshot(page, shots / "chat.png", chat_from_the_top=True)


def test_citation_opens_the_pdf_at_its_page(answered, base_url):
    page = answered
    link = _last_answer(page).get_by_role("link", name="[1]", exact=True).first
    href = link.get_attribute("href")
    assert href and CITED_PDF.match(href), href
    assert re.search(r", p\. \d+$", link.get_attribute("title") or ""), "hovering names the meeting and page"
    response = page.request.get(base_url + href.split("#")[0])
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    card = page.locator("#sources").get_by_role("link", name=re.compile(r"^open the PDF at page \d+$")).first
    assert CITED_PDF.match(card.get_attribute("href") or "")


def test_answer_downloads_as_markdown_with_references(answered):
    page = answered
    with page.expect_download(timeout=SLOW) as info:
        page.get_by_role("button", name="Download answer as Markdown").click()
    download = info.value
    assert download.suggested_filename.endswith(".md")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "**References**" in text and "[1]" in text


def _choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.locator(f"#{box.get_attribute('aria-controls')}").get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def test_a_year_range_with_no_papers_is_said_before_and_after_asking(page, browser_assistant):
    years = {int(p.meeting_date[:4]) for p in browser_assistant.papers() if p.meeting_date}
    empty = [str(y) for y in range(min(years), max(years) + 1) if y not in years]
    assert empty, f"the corpus has papers in every year {sorted(years)}: nothing to test"
    year = empty[0]
    _choose(page, "From year", year)
    _choose(page, "To year", year)
    status = page.locator("#filter-status")
    expect(status).to_contain_text("⚠")
    expect(status).to_contain_text(year)
    page.get_by_label("Your question").fill("What did we commit to on social value?")
    page.get_by_role("button", name="Ask", exact=True).click()
    answer = _last_answer(page)
    expect(answer).to_contain_text("No papers", timeout=SLOW)
    expect(answer).to_contain_text(year)
    expect(answer.get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("button", name="Download answer as Markdown")).to_have_count(0)


# -- documents ------------------------------------------------------------------------------------


def test_upload_a_pdf_and_see_it_in_the_table(page, base_url, browser_assistant, tmp_path, shots):
    pdf = make_report(
        tmp_path / "Cabinet highways update.pdf", meeting_date="2025-09-15", item="41", title=UPLOAD_TITLE,
        paragraphs=[
            "1.1 This report updates Cabinet on the highway maintenance programme for 2025/26.",
            "2.1 That Cabinet notes that 1,240 potholes were repaired between April and August 2025.",
        ],
    )
    before = len(browser_assistant.papers())
    page.get_by_role("tab", name="Documents").click()
    table = page.get_by_role("grid", name="Papers in the index")
    expect(table).to_be_visible()
    page.locator("#upload input[type=file]").set_input_files(str(pdf))
    expect(page.locator("#upload")).to_contain_text(re.compile(r"Cabinet highways update\s*\.pdf"))  # the file reached the server
    page.get_by_role("button", name="Add to the index").click()
    expect(page.locator("#upload-result")).to_contain_text("✓ Cabinet-highways-update.pdf is in the index.", timeout=SLOW)
    # The table renders only the rows in view; the newest paper is the last row.
    table.locator(".virtual-table-viewport").evaluate("e => { e.scrollTop = e.scrollHeight; }")
    expect(table).to_contain_text(UPLOAD_TITLE)
    expect(table).to_contain_text("2025-09-15")
    assert len(browser_assistant.papers()) == before + 1
    stored = Path(browser_assistant.settings.upload_dir) / "Cabinet-highways-update.pdf"
    assert stored.is_file() and not stored.resolve().is_relative_to(ROOT), "uploads stay out of the repo"
    href = table.get_by_role("link", name="Cabinet-highways-update.pdf").get_attribute("href")
    response = page.request.get(base_url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf", href
    table.get_by_text(UPLOAD_TITLE, exact=True).scroll_into_view_if_needed()
    table.locator(".virtual-table-viewport").evaluate("e => { e.scrollLeft = 0; }")  # council and committee in view
    _screenshot(page, shots / "documents.png")


# -- timeline -------------------------------------------------------------------------------------


def test_timeline_tab_shows_meetings_and_the_chart(page, shots):
    page.get_by_role("tab", name="Timeline").click()
    expect(page.get_by_text(re.compile(r"^\d+ meetings and \d+ figures on"))).to_be_visible(timeout=SLOW)
    meetings = page.get_by_role("grid", name="Meetings in date order")
    expect(meetings.get_by_role("columnheader", name="What was decided or reported")).to_be_visible()
    rows = meetings.get_by_role("row")
    expect(rows.nth(3)).to_be_visible()  # the header and at least three meetings
    dates = [d for d in meetings.get_by_role("gridcell").all_inner_texts() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.strip())]
    assert len(dates) >= 3 and dates == sorted(dates), dates
    chart = page.locator(".vega-embed").first
    expect(chart).to_be_visible()
    expect(chart.locator("canvas, svg").first).to_be_visible()
    assert chart.bounding_box()["height"] > 150
    expect(chart.get_by_text("£ million")).to_be_visible()
    expect(page.get_by_role("button", name="Download timeline as CSV")).to_be_visible()
    _screenshot(page, shots / "timeline.png")


# -- a phone --------------------------------------------------------------------------------------


def test_the_chat_works_at_375px(browser, base_url, shots):
    page = _open(browser, base_url, width=375, height=800)
    try:
        chat = page.get_by_role("log")
        box = page.get_by_label("Your question")
        ask = page.get_by_role("button", name="Ask", exact=True)
        for element in (chat, box, ask):
            expect(element).to_be_visible()
            _fits(page, element, 375)
        box.click()
        box.fill("How much social value had been committed by the March 2024 annual report?")
        ask.click()
        expect(page.get_by_role("button", name="Download answer as Markdown")).to_be_visible(timeout=SLOW)
        answer = _last_answer(page)
        expect(answer.get_by_role("link", name="[1]", exact=True).first).to_be_visible()
        _fits(page, answer, 375)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the page scrolls sideways at 375px"
        _screenshot(page, shots / "mobile.png", chat_from_the_top=True)
    finally:
        page.context.close()
