"""Ingest as a sync, with every kind of bad input, using the real Chroma and a fake embedder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfWriter

from ingest.pipeline import ingest_corpus, ingest_files
from ingest.store import Store
from paperfactory import make_minutes, make_report

from conftest import REAL_PDFS


@pytest.fixture
def corpus(settings):
    folder = Path(settings.corpus_dir)
    make_report(folder / "report.pdf", paragraphs=["1.1 The Council adopted the Social Value Policy in October 2019."])
    make_minutes(folder / "minutes.pdf", items=[("126", "SOCIAL VALUE ANNUAL REPORT", ["Resolved: That the report be received."])])
    return folder


def _state(store: Store) -> tuple:
    """Everything a reader can see: papers and chunk ids with their texts."""
    chunks = store.chunks.get(include=["documents", "metadatas"])
    return (
        sorted((s.source, s.sha256, s.chunks) for s in store.summaries()),
        sorted(zip(chunks["ids"], chunks["documents"])),
        sorted(m["status"] for m in store.registry().values()),
    )


def test_build_is_an_idempotent_sync(settings, corpus, fake_embeddings):
    store = Store.from_settings(settings)
    first = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert (first.papers, first.failed) == (2, [])
    assert first.chunks == store.chunks.count() > 0
    before = _state(store)

    again = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert (again.papers, again.chunks, again.skipped_unchanged) == (0, 0, 2)
    assert _state(store) == before

    make_report(corpus / "report.pdf", paragraphs=["1.1 A changed report about local spend."])
    (corpus / "minutes.pdf").unlink()
    synced = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert (synced.papers, synced.replaced, synced.removed, synced.skipped_unchanged) == (1, 1, 1, 0)
    [paper] = store.summaries()
    assert paper.source.endswith("corpus/report.pdf") or paper.source == "corpus/report.pdf"
    texts = store.chunks.get(include=["documents"])["documents"]
    assert any("local spend" in t for t in texts)
    assert not any("Social Value Policy" in t for t in texts)


def test_chunks_carry_citation_metadata(settings, corpus, fake_embeddings):
    store = Store.from_settings(settings)
    ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    metas = store.chunks.get(include=["metadatas"])["metadatas"]
    minutes = [m for m in metas if m["doc_type"] == "minutes" and m["item"] == "126"]
    assert minutes and minutes[0]["committee"] == "Cabinet" and minutes[0]["meeting_date"] == "2022-03-28"
    assert minutes[0]["title"] == "Social Value Annual Report" and minutes[0]["page_start"] == 1
    assert {m["source"] for m in metas} == {"corpus/minutes.pdf", "corpus/report.pdf"}


def _bad_inputs(folder: Path, good: Path) -> dict[str, str]:
    """Every kind of bad file, with a word its reason must contain."""
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.pdf").write_text("These are my notes, not a PDF.")
    data = good.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + b"garbage " * 50)
    shutil.copyfile(good, folder / "copy-of-report.pdf")
    writer = PdfWriter(clone_from=str(good))
    writer.encrypt("secret")
    with open(folder / "locked.pdf", "wb") as handle:
        writer.write(handle)
    long = PdfWriter()
    for _ in range(1000):
        long.add_blank_page(width=200, height=200)
    with open(folder / "thousand-pages.pdf", "wb") as handle:
        long.write(handle)
    return {
        "empty.pdf": "empty",
        "notes.pdf": "not a PDF",
        "truncated.pdf": "",
        "corrupt.pdf": "",
        "copy-of-report.pdf": "duplicate of",
        "locked.pdf": "encrypted",
        "thousand-pages.pdf": "1,000 pages",
    }


def test_bad_inputs_are_reported_and_the_rest_goes_in(settings, corpus, fake_embeddings):
    store = Store.from_settings(settings)
    ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    expected = _bad_inputs(corpus, corpus / "report.pdf")
    make_report(corpus / "new.pdf", meeting_date="2023-03-20", item="141", paragraphs=["1.1 A new report arrives with the bad files."])
    report = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert report.papers == 1 and report.skipped_unchanged == 2
    failed = {Path(f["path"]).name: f["error"] for f in report.failed}
    assert set(failed) == set(expected)
    for name, word in expected.items():
        assert word in failed[name], failed[name]
        assert "\n" not in failed[name]
    assert sorted(Path(s.source).name for s in store.summaries()) == ["minutes.pdf", "new.pdf", "report.pdf"]
    assert all(m["status"] == "done" for m in store.registry().values())


def test_a_paper_that_cannot_be_read_is_reported(settings, corpus, fake_embeddings, monkeypatch):
    """A file that is gone by the time it is parsed fails with its reason; the rest goes in."""
    import ingest.pipeline

    hash_file = ingest.pipeline._sha256

    def hash_then_lose(path, source):
        digest = hash_file(path, source)
        if path.name == "minutes.pdf":
            path.unlink()
        return digest

    monkeypatch.setattr(ingest.pipeline, "_sha256", hash_then_lose)
    store = Store.from_settings(settings)
    report = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert report.papers == 1
    [failure] = report.failed
    assert failure["path"] == "corpus/minutes.pdf" and "cannot be read" in failure["error"]
    assert [Path(s.source).name for s in store.summaries()] == ["report.pdf"]


def test_a_manifest_that_is_not_yaml_fails_its_folders_papers(settings, corpus, fake_embeddings):
    (corpus / "manifest.yaml").write_text("papers: [unclosed\n")
    report = ingest_corpus(corpus, settings=settings, store=Store.from_settings(settings), embeddings=fake_embeddings)
    assert report.papers == 0
    assert sorted(f["path"] for f in report.failed) == ["corpus/minutes.pdf", "corpus/report.pdf"]
    assert all("manifest is not valid YAML" in f["error"] for f in report.failed)


class Killed(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing in ingest catches it."""


def test_a_run_killed_mid_paper_is_repaired_by_the_next(settings, corpus, fake_embeddings, monkeypatch, tmp_path):
    make_minutes(corpus / "big.pdf", items=[(str(n), f"ITEM NUMBER {n}", ["Words about procurement. " * 30]) for n in range(1, 40)])
    clean_settings = settings.model_copy(update={"index_dir": tmp_path / "clean-index"})
    clean = Store.from_settings(clean_settings)
    ingest_corpus(corpus, settings=clean_settings, store=clean, embeddings=fake_embeddings)

    store = Store.from_settings(settings)
    real_upsert = store.chunks.upsert
    calls = {"n": 0}

    def dying_upsert(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            half = {k: v[: len(v) // 2] for k, v in kwargs.items()}
            real_upsert(**half)
            raise Killed()
        return real_upsert(**kwargs)

    monkeypatch.setattr("ingest.store.WRITE_BATCH", 10)
    monkeypatch.setattr(store.chunks, "upsert", dying_upsert)
    with pytest.raises(Killed):
        ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert "pending" in {m["status"] for m in store.registry().values()}
    assert len(store.summaries()) < 3, "a half-written paper is not listed"
    monkeypatch.setattr(store.chunks, "upsert", real_upsert)

    ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert _state(store) == _state(clean)


def test_upload_of_a_paper_already_in_the_corpus_is_a_duplicate(settings, corpus, fake_embeddings, tmp_path):
    store = Store.from_settings(settings)
    ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    upload = tmp_path / "uploads" / "same.pdf"
    upload.parent.mkdir()
    shutil.copyfile(corpus / "report.pdf", upload)
    report = ingest_files([upload], settings=settings, store=store, embeddings=fake_embeddings)
    assert report.papers == 0 and "duplicate of corpus/report.pdf" in report.failed[0]["error"]
    assert len(store.summaries()) == 2


@pytest.mark.skipif(not REAL_PDFS.is_dir(), reason="../shared/realpdfs is not present on this machine")
def test_real_committee_pdfs_ingest_without_a_crash(settings, fake_embeddings, copy_pdf):
    for pdf in sorted(REAL_PDFS.glob("*.pdf")):
        copy_pdf(pdf)
    settings = settings.model_copy(update={"ocr": False})
    store = Store.from_settings(settings)
    report = ingest_corpus(Path(settings.corpus_dir), settings=settings, store=store, embeddings=fake_embeddings)
    failed = {Path(f["path"]).name: f["error"] for f in report.failed}
    assert set(failed) == {"tintern_cc_annual_return_2018-19_SCANNED.pdf"}
    assert "image-only PDF" in failed["tintern_cc_annual_return_2018-19_SCANNED.pdf"]
    summaries = {Path(s.source).name: s for s in store.summaries()}
    assert len(summaries) == 6
    kent = summaries["kent_cabinet_2025-01-30_ics_delivery_plan_report_24-00115.pdf"]
    assert (kent.committee, kent.meeting_date, kent.pages) == ("Cabinet", "2025-01-30", 9)
    chunk_pages = {m["page_end"] for m in store.chunks.get(include=["metadatas"])["metadatas"] if m["paper_id"] == kent.paper_id}
    assert max(chunk_pages) == 9


def test_manifest_overrides_metadata(settings, corpus, fake_embeddings):
    (corpus / "manifest.yaml").write_text(
        "papers:\n  report.pdf:\n    committee: Cabinet (special meeting)\n    source_url: https://example.org/report.pdf\n"
    )
    store = Store.from_settings(settings)
    ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    report = next(s for s in store.summaries() if s.source.endswith("report.pdf"))
    assert report.committee == "Cabinet (special meeting)"
    assert report.source_url == "https://example.org/report.pdf"
    assert json.loads(json.dumps(report.to_json()))["items"] == [{"item": "126", "title": "Social Value Annual Report"}]


@pytest.mark.skipif(not (REAL_PDFS / "tintern_cc_annual_return_2018-19_SCANNED.pdf").is_file(), reason="../shared/realpdfs is not present on this machine")
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Debian tesseract-ocr is not installed: run `make system-deps`")
def test_a_scanned_pdf_is_read_with_ocr_when_tesseract_is_installed(settings, fake_embeddings, copy_pdf):
    copy_pdf(REAL_PDFS / "tintern_cc_annual_return_2018-19_SCANNED.pdf")
    store = Store.from_settings(settings)
    report = ingest_corpus(Path(settings.corpus_dir), settings=settings, store=store, embeddings=fake_embeddings)
    assert (report.papers, report.failed) == (1, [])
    texts = " ".join(store.chunks.get(include=["documents"])["documents"]).lower()
    assert "accounting statements" in texts


KILLED_RUN = """
import os, signal, sys
sys.path[:0] = [{tests!r}, {root!r}]
from pathlib import Path
from assistant.settings import Settings
from fakes import BucketEmbeddings
from ingest import store as store_module
from ingest.pipeline import ingest_corpus

settings = Settings(index_dir=Path({index!r}), root=Path({base!r}), corpus_dir={corpus!r})
store = store_module.Store.from_settings(settings)
store_module.WRITE_BATCH = 10
real_upsert, calls = store.chunks.upsert, []

def upsert_then_die(**kwargs):
    calls.append(1)
    real_upsert(**kwargs)
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no exception handler: the machine lost power

store.chunks.upsert = upsert_then_die
ingest_corpus(Path({corpus!r}), settings=settings, store=store, embeddings=BucketEmbeddings())
"""


def test_a_process_killed_with_sigkill_mid_ingest_is_repaired_by_the_next_run(settings, corpus, fake_embeddings, tmp_path):
    import signal
    import subprocess
    import sys

    make_minutes(corpus / "big.pdf", items=[(str(n), f"ITEM NUMBER {n}", ["Words about procurement. " * 30]) for n in range(1, 40)])
    clean_settings = settings.model_copy(update={"index_dir": tmp_path / "clean-index"})
    clean = Store.from_settings(clean_settings)
    ingest_corpus(corpus, settings=clean_settings, store=clean, embeddings=fake_embeddings)

    tests = Path(__file__).resolve().parent
    script = KILLED_RUN.format(tests=str(tests), root=str(tests.parent), index=str(settings.index_dir), base=str(settings.root), corpus=str(corpus))
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    store = Store.from_settings(settings)  # a new process's view: reopened from disk
    assert "pending" in {m["status"] for m in store.registry().values()}
    report = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert not report.failed
    assert _state(store) == _state(clean)


def test_the_registry_is_read_in_pages(settings, monkeypatch):
    """One get of every paper failed above 32,766 papers (sqlite's variable limit): the registry is read a page at a time."""
    import ingest.store as store_module
    from ingest.store import Store

    store = Store.from_settings(settings)
    ids = [f"p{i:03d}" for i in range(23)]
    store.papers.upsert(ids=ids, embeddings=[[1.0]] * len(ids), metadatas=[{"status": "done", "chunks": i} for i in range(len(ids))])
    monkeypatch.setattr(store_module, "READ_BATCH", 5)
    assert store.done_papers() == {pid: i for i, pid in enumerate(ids)}


# -- refusals remembered (ingest/refusals.py) ---------------------------------------------------------------


def _count_reads(monkeypatch) -> list[str]:
    """The sources whose PDFs are parsed from now on (a list that fills as they are)."""
    import ingest.pipeline

    read: list[str] = []
    read_draft = ingest.pipeline.read_draft

    def counted(data, *, source, **kwargs):
        read.append(source)
        return read_draft(data, source=source, **kwargs)

    monkeypatch.setattr(ingest.pipeline, "read_draft", counted)
    return read


def _same_text_copy(pdf: Path, target: Path, tag: str) -> Path:
    """Another file with the same text: other bytes (a title in its metadata), so not a byte-for-byte duplicate."""
    writer = PdfWriter(clone_from=str(pdf))
    writer.add_metadata({"/Title": tag})
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def test_a_refused_duplicate_is_not_read_again_until_it_or_its_twin_changes(settings, corpus, fake_embeddings, monkeypatch):
    _same_text_copy(corpus / "report.pdf", corpus / "report_1.pdf", "a copy")
    store = Store.from_settings(settings)
    first = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    [refused] = first.failed
    assert first.papers == 2 and refused["path"] == "corpus/report_1.pdf" and "(same text)" in refused["error"]

    read = _count_reads(monkeypatch)
    second = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert read == [], "nothing is parsed: not the copy, nor its folder for it"
    assert (second.papers, second.skipped_unchanged) == (0, 2)
    assert refused["remembered"] is False
    assert second.failed == [refused | {"remembered": True}], "still reported, with its reason, as not read again"

    _same_text_copy(corpus / "report.pdf", corpus / "report_1.pdf", "another copy")  # its bytes change (the text does not)
    third = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert sorted(read) == ["corpus/minutes.pdf", "corpus/report.pdf", "corpus/report_1.pdf"]
    assert [(f["path"], f["remembered"]) for f in third.failed] == [("corpus/report_1.pdf", False)] and third.papers == 0

    read.clear()
    (corpus / "report.pdf").unlink()  # its twin leaves the index
    fourth = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert "corpus/report_1.pdf" in read
    assert (fourth.removed, fourth.papers, fourth.failed) == (1, 1, [])
    assert sorted(Path(s.source).name for s in store.summaries()) == ["minutes.pdf", "report_1.pdf"]
    assert not settings.refusals_path.exists(), "nothing is refused: nothing is remembered"


def test_a_remembered_duplicate_is_read_with_its_folder_when_the_folder_changes(settings, corpus, fake_embeddings, monkeypatch, tmp_path):
    _same_text_copy(corpus / "report.pdf", corpus / "report_1.pdf", "a copy")
    store = Store.from_settings(settings)
    ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    make_report(corpus / "new.pdf", meeting_date="2023-03-20", item="141", paragraphs=["1.1 A new report arrives beside the copy."])
    read = _count_reads(monkeypatch)
    report = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert "corpus/report_1.pdf" in read, "its text is part of what the folder says of the others"
    assert report.papers == 1 and [(f["path"], f["remembered"]) for f in report.failed] == [("corpus/report_1.pdf", False)]

    clean_settings = settings.model_copy(update={"index_dir": tmp_path / "clean-index"})
    clean = Store.from_settings(clean_settings)
    ingest_corpus(corpus, settings=clean_settings, store=clean, embeddings=fake_embeddings)
    assert _state(store) == _state(clean)


def test_an_unreadable_file_is_read_again_when_what_judged_it_changes(settings, corpus, fake_embeddings, monkeypatch):
    (corpus / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + b"garbage " * 50)
    blank = PdfWriter()
    blank.add_blank_page(width=200, height=200)
    with open(corpus / "scan.pdf", "wb") as handle:
        blank.write(handle)
    monkeypatch.setattr("ingest.pdf.tesseract_available", lambda: False)
    store = Store.from_settings(settings)
    first = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert sorted(f["path"] for f in first.failed) == ["corpus/corrupt.pdf", "corpus/scan.pdf"]

    read = _count_reads(monkeypatch)
    second = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert read == [] and sorted((f["path"], f["remembered"]) for f in second.failed) == [("corpus/corrupt.pdf", True), ("corpus/scan.pdf", True)]

    monkeypatch.setattr("ingest.pdf.tesseract_available", lambda: True)  # OCR can run now: the scan is read again
    third = ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert "corpus/scan.pdf" in read and "corpus/corrupt.pdf" not in read
    assert {f["path"]: f["remembered"] for f in third.failed} == {"corpus/corrupt.pdf": True, "corpus/scan.pdf": False}

    read.clear()
    monkeypatch.setattr("ingest.pdf.reader_version", lambda: "pypdf 99.0")  # another reader: every refusal is read again
    ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert {"corpus/corrupt.pdf", "corpus/scan.pdf"} <= set(read)

    (corpus / "corrupt.pdf").unlink()
    (corpus / "scan.pdf").unlink()
    ingest_corpus(corpus, settings=settings, store=store, embeddings=fake_embeddings)
    assert not settings.refusals_path.exists(), "a file gone from the folder is forgotten"


@pytest.mark.skipif(not (REAL_PDFS / "tintern_cc_annual_return_2018-19_SCANNED.pdf").is_file(), reason="../shared/realpdfs is not present on this machine")
def test_ocr_reads_only_the_scanned_pages_each_with_one_tesseract_thread(monkeypatch, tmp_path):
    import subprocess

    from pypdf import PdfReader

    from ingest import pdf

    text_page = PdfReader(next(Path("corpus").rglob("*.pdf"))).pages[0]
    scanned_page = PdfReader(REAL_PDFS / "tintern_cc_annual_return_2018-19_SCANNED.pdf").pages[0]
    writer = PdfWriter()
    for page in (text_page, scanned_page, text_page, scanned_page):
        writer.add_page(page)
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    calls = []

    def tesseract(args, **kwargs):
        calls.append((kwargs["env"].get("OMP_THREAD_LIMIT"), Path(args[1]).suffix))
        return subprocess.CompletedProcess(args, 0, stdout="read by OCR", stderr="")

    monkeypatch.setattr(pdf, "tesseract_available", lambda: True)
    monkeypatch.setattr(pdf.subprocess, "run", tesseract)
    texts = pdf.extract_page_texts(path.read_bytes(), "mixed.pdf", max_pages=10)
    assert [t == "read by OCR" for t in texts] == [False, True, False, True]
    assert texts[0].strip() and texts[0] == texts[2]
    assert calls == [("1", ".pgm"), ("1", ".pgm")], "each scanned page once, as grey pixels, on one thread"


def test_ingest_imports_neither_the_assistant_nor_the_app():
    """The layers point one way: the assistant reads what ingest writes; ingest reaches it only through entry points."""
    import ast

    imported = set()
    for path in (Path(__file__).parent.parent / "ingest").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    assert imported & {"assistant", "app", "gradio", "evals"} == set()
    assert {"pypdf", "chromadb"} <= imported  # the walk sees imports inside functions too


def test_a_failing_after_build_hook_is_logged_and_the_build_still_reports(corpus, settings, fake_embeddings, monkeypatch, caplog):
    from ingest import cli

    def broken(settings, store):
        raise RuntimeError("disk full")

    monkeypatch.setattr(cli, "after_build_hooks", lambda: [broken, lambda settings, store: 0.5])
    store = Store.from_settings(settings)
    monkeypatch.setattr("ingest.pipeline.ingest_corpus", lambda folder, **kw: ingest_corpus(folder, embeddings=fake_embeddings, **kw))
    report = cli._ingest(corpus, settings, store)
    assert report.papers > 0 and report.keyword_seconds == 0.5
    assert "after-build hook" in caplog.text and "disk full" in caplog.text
