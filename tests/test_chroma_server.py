"""Ingest and answer through a real `chroma run` server on 127.0.0.1 (COUNCIL_CHROMA_URL)."""

from __future__ import annotations

import pytest

from paperfactory import make_minutes, make_report
from fakes import FAKE_CALIBRATION

pytestmark = pytest.mark.server


@pytest.fixture
def chroma_url(tmp_path):
    """A `chroma run` server on 127.0.0.1 with its data in tmp_path, stopped at teardown (the bench's own helpers)."""
    from evals.bench import start_chroma, stop

    try:
        process, url = start_chroma(tmp_path / "server-data")
    except RuntimeError as exc:
        log = tmp_path / "chroma-server.log"
        pytest.fail(f"{exc}\n{log.read_text(errors='replace')[-2000:] if log.exists() else ''}")
    try:
        yield url
    finally:
        stop(process)


def test_ingest_and_ask_through_a_chroma_server(chroma_url, tmp_path, fake_embeddings):
    from assistant.service import Assistant
    from assistant.settings import Settings
    from ingest.pipeline import ingest_corpus
    from ingest.store import Store

    folder = tmp_path / "corpus"
    make_report(
        folder / "2024-cabinet-report.pdf", meeting_date="2024-03-18", item="156", title="Social Value Annual Report",
        paragraphs=[
            "1.1 Social value commitments have more than doubled since March 2023 to 27.8 million pounds.",
            "1.2 Delivered social value has doubled from 4 million pounds to 8 million pounds.",
            "2.1 That Cabinet approves the updated Social Value Policy 2024 to 2027.",
        ],
    )
    make_minutes(
        folder / "2024-osmb-minutes.pdf", committee="Overview and Scrutiny Management Board", meeting_date="2024-03-13",
        items=[("7", "SOCIAL VALUE ANNUAL REPORT", ["The Board welcomed commitments of 27.8 million pounds.", "Resolved: That the report be noted."])],
    )
    settings = Settings(chroma_url=chroma_url, index_dir=tmp_path / "unused-local-index", root=tmp_path, corpus_dir=str(folder))
    store = Store.from_settings(settings)
    assert type(store.client).__name__ != "PersistentClient"

    report = ingest_corpus(folder, settings=settings, store=store, embeddings=fake_embeddings)
    assert report.papers == 2 and not report.failed
    assert not (tmp_path / "unused-local-index").exists(), "the embedded client was used instead of the server"

    assistant = Assistant(settings.model_copy(update=FAKE_CALIBRATION), store=store, embeddings=fake_embeddings)
    answer = assistant.ask("How much had social value commitments grown to by March 2024?")
    assert answer.answered, answer.answer
    assert answer.citations
    cited = {(c.committee, c.meeting_date) for c in answer.citations}
    assert cited <= {("Cabinet", "2024-03-18"), ("Overview and Scrutiny Management Board", "2024-03-13")}
    assert "27.8 million" in answer.answer
    for citation in answer.citations:
        page = assistant.page_texts(next(p.paper_id for p in assistant.papers() if p.source == citation.source))[citation.page - 1]
        assert " ".join(citation.quote.split()) in " ".join(page.split())

    # A second ingest of the same folder through the server skips everything.
    again = ingest_corpus(folder, settings=settings, store=store, embeddings=fake_embeddings)
    assert again.skipped_unchanged == 2 and again.papers == 0
