"""Parsed metadata, items and page spans of representative corpus PDFs match their golden files."""

import json

import pytest

from golden import GOLDEN, REAL, REAL_CORPUS, ROOT, golden_path, outline, real_golden_path, real_outline

CASES = sorted(GOLDEN.glob("*.json"))


def test_there_are_golden_files():
    assert len(CASES) >= 5, "regenerate with: .venv/bin/python tests/golden.py"


@pytest.mark.parametrize("golden", CASES, ids=[c.stem for c in CASES])
def test_parse_matches_golden(golden):
    expected = json.loads(golden.read_text(encoding="utf-8"))
    pdf = ROOT / expected["source"]
    assert golden_path(pdf) == golden
    assert outline(pdf) == expected, "parser output changed: review, then run tests/golden.py"


@pytest.mark.parametrize("golden", CASES, ids=[c.stem for c in CASES])
def test_items_are_numbered_and_within_the_paper(golden):
    data = json.loads(golden.read_text(encoding="utf-8"))
    assert data["council"] and data["committee"] and data["meeting_date"]
    for item in data["items"]:
        assert 1 <= item["pages"][0] <= item["pages"][1] <= data["pages"]
        assert item["title"]
    assert any(item["item"] for item in data["items"])


@pytest.mark.skipif(not REAL_CORPUS.is_dir(), reason="../shared/realcorpus is not present on this machine (see its SOURCES.md)")
@pytest.mark.parametrize("relative", REAL, ids=[r.rsplit("/", 1)[-1][:50] for r in REAL])
def test_real_councils_papers_match_golden(relative):
    """Meeting, items, title and doc type of real councils' papers, read with their folders, as `ingest inspect` gives them."""
    expected = json.loads(real_golden_path(relative).read_text(encoding="utf-8"))
    assert real_outline(REAL_CORPUS / relative) == expected, "parser output changed: review, then run tests/golden.py"


@pytest.mark.slow
@pytest.mark.skipif(not REAL_CORPUS.is_dir(), reason="../shared/realcorpus is not present on this machine (see its SOURCES.md)")
def test_every_real_paper_has_a_meeting_or_is_counted_without_one_and_no_fragment(tmp_path):
    """Every paper of ../shared/realcorpus, read as `ingest build` reads it (about a minute of pypdf: marked slow)."""
    from ingest.context import Indexed, looks_like_committee, looks_like_council, meeting_stats
    from ingest.records import IngestReport
    from ingest.settings import Settings
    from ingest.store import Store
    from ingest.pipeline import ingest_corpus
    from fakes import BucketEmbeddings

    settings = Settings(index_dir=tmp_path / "index", root=ROOT, ocr=False)
    report = ingest_corpus(REAL_CORPUS, settings=settings, store=Store.from_settings(settings), embeddings=BucketEmbeddings())
    assert isinstance(report, IngestReport)
    summaries = Store.from_settings(settings).summaries()
    failed = {f["path"]: f["error"] for f in report.failed}
    assert all("image-only" in e or "duplicate of" in e for e in failed.values()), failed
    assert len(summaries) + len(failed) == len(list(REAL_CORPUS.rglob("*.pdf")))
    assert report.no_meeting == sum(not s.has_meeting for s in summaries)
    for s in summaries:
        assert not s.council or looks_like_council(s.council), s
        assert not s.committee or looks_like_committee(s.committee, bare_ok=True), s
    stats = meeting_stats([Indexed(source=s.source, council=s.council, committee=s.committee, meeting_date=s.meeting_date, doc_type=s.doc_type) for s in summaries], root=ROOT)
    assert stats["fragments"] == 0
    assert stats["agree_share"] >= 0.95, stats["disagreements"]
