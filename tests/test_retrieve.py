"""Hybrid retrieval over a real Chroma index with the bucket embedder: filtered dense search in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.records import Filters
from assistant.retrieve import Retriever
from ingest.pipeline import ingest_corpus
from ingest.store import Store
from paperfactory import make_report

TOPICS = [
    "social value commitments secured from council contracts",
    "local spend with Rotherham suppliers and small businesses",
    "the living wage and apprenticeships for local people",
    "carbon reduction in the procurement of construction works",
]


@pytest.fixture
def store(settings, fake_embeddings):
    folder = Path(settings.corpus_dir)
    for year in range(2019, 2024):
        for n, committee in enumerate(("Cabinet", "Overview and Scrutiny Management Board")):
            make_report(
                folder / f"{year}-{n}.pdf",
                committee=committee,
                meeting_date=f"{year}-0{3 + n}-2{n}",
                item=str(100 + year - 2019),
                paragraphs=[f"{i}.1 In {year} the {committee} considered {topic}." for i, topic in enumerate(TOPICS, start=1)],
            )
    store = Store.from_settings(settings)
    assert not ingest_corpus(folder, settings=settings, store=store, embeddings=fake_embeddings).failed
    return store


FILTERS = [
    Filters(date_from="2021-01-01", date_to="2021-12-31"),
    Filters(committees=("Cabinet",), date_from="2020-01-01"),
    Filters(councils=("Rotherham Metropolitan Borough Council",), doc_types=("report",)),
    Filters(councils=("Manchester City Council",)),
]


@pytest.mark.parametrize("filters", [*FILTERS, Filters()])
def test_dense_search_in_memory_agrees_with_chroma(store, fake_embeddings, filters):
    in_memory = Retriever(store, fake_embeddings)
    # The same index as a Chroma server would serve it: the vectors stay in Chroma, which applies the filter.
    served = Retriever(Store(store.client, store.collection_name, served=True), fake_embeddings)
    assert in_memory.keyword.vectors is not None and served.keyword.vectors is None
    for query in TOPICS:
        exact = in_memory.search(query, filters, k=10, method="dense").hits
        chroma = served.search(query, filters, k=10, method="dense").hits
        assert all(filters.accepts(h.chunk.council, h.chunk.committee, h.chunk.meeting_date, h.chunk.doc_type) for h in exact)
        assert [h.dense for h in exact] == pytest.approx([h.dense for h in chroma], abs=1e-5)
        # Equal similarities may come in either order; the chunks returned are the same.
        assert {h.chunk.chunk_id for h in exact} == {h.chunk.chunk_id for h in chroma}



def test_the_keyword_leader_the_meaning_search_misses_stays_among_the_hits(store, fake_embeddings, monkeypatch):
    retriever = Retriever(store, fake_embeddings)
    keyword = retriever.keyword
    n = len(keyword)
    # Dense and keyword rankings agree on every chunk but one: the keywords rank it first, the
    # meaning search not at all. Fusion alone would put it last of all.
    leader = n - 1
    dense = [(p, 1.0 - p / n) for p in range(n - 1)]
    lexical = [(leader, 9.0)] + [(p, 5.0 - p / n) for p in range(n - 1)]
    monkeypatch.setattr(retriever, "_dense", lambda *args: dense)
    monkeypatch.setattr(keyword, "search", lambda *args: lexical)
    hits = retriever.search("anything", Filters(), k=4).hits
    assert len(hits) == 4 and hits[-1].chunk is keyword.chunks[leader]
    assert [h.chunk for h in hits[:3]] == [keyword.chunks[p] for p in range(3)]
    # A leader the meaning search also ranks takes its fused place, as before.
    monkeypatch.setattr(retriever, "_dense", lambda *args: dense + [(leader, 0.0)])
    assert keyword.chunks[leader] not in [h.chunk for h in retriever.search("anything", Filters(), k=4).hits]
