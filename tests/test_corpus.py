"""The demo corpus: big enough, every PDF parses to what its source says, and the build is byte-stable."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_builder():
    # corpus/ is a folder of data with one script, not a package.
    spec = importlib.util.spec_from_file_location("build_corpus", ROOT / "corpus" / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_corpus"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


build_corpus = _load_builder()
SOURCES = build_corpus.load_sources()
IDS = [source.stem for source in SOURCES]
# One of each kind: report, minutes, agenda pack (with an @columns page), second council.
REBUILT = (
    "2019-10-21-cabinet-report-social-value-policy",
    "2022-03-28-cabinet-minutes",
    "2022-03-23-osmb-agenda-pack",
    "2021-03-09-rgsc-report-social-value-policy-refresh",
)


def test_the_corpus_is_big_enough():
    pdfs = sorted((ROOT / "corpus" / "pdfs").rglob("*.pdf"))
    pages = sum(build_corpus.page_count(pdf) for pdf in pdfs)
    assert len(pdfs) >= 20, f"{len(pdfs)} PDFs"
    assert pages >= 150, f"{pages} pages"


def test_every_pdf_has_a_source():
    drawn = {source.pdf_path() for source in SOURCES}
    strays = [pdf for pdf in (ROOT / "corpus" / "pdfs").rglob("*.pdf") if pdf not in drawn]
    assert not strays, "PDFs without a source in corpus/source: " + ", ".join(map(str, strays))


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_source_is_valid(source):
    assert build_corpus.validate(source) == []


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_parse_matches_front_matter(source):
    assert build_corpus.check_source(source) == [], "run: .venv/bin/python corpus/build_corpus.py --check"


@pytest.mark.parametrize("stem", REBUILT)
def test_rebuilding_gives_identical_bytes(stem, tmp_path):
    source = next(s for s in SOURCES if s.stem == stem)
    (rebuilt,) = build_corpus.build([source], tmp_path)
    assert rebuilt.read_bytes() == source.pdf_path().read_bytes(), "run: make corpus"


def test_readme_lists_every_paper():
    readme = (ROOT / "corpus" / "README.md").read_text(encoding="utf-8")
    assert build_corpus.papers_table(SOURCES) in readme, "run: make corpus (it rewrites the list)"


def test_long_words_are_hyphenated_only_where_ingest_joins_them():
    text = " ".join(
        "the council's procurement commitments strengthen community organisations, apprenticeships "
        "and case-by-case environmental sustainability requirements across directorates".split() * 12
    )
    lines = build_corpus.wrap(text, 180)
    assert any(line.endswith("-") for line in lines), "expected some hyphenated line ends"
    for line, following in zip(lines, lines[1:]):
        if line.endswith("-"):
            assert line[-2].islower() and following[0].islower()
            assert not line.endswith(("case-", "by-"))
    assert " ".join(lines).replace("- ", "").split() == text.split()
