"""Hybrid retrieval over a real Chroma index with the bucket embedder: filtered dense search in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.records import Filters
from assistant.retrieve import KeywordIndex, Retriever
from ingest.pipeline import ingest_corpus
from ingest.store import Store
from fakes import make_chunk
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


# -- the saved keyword index -------------------------------------------------------------------------


def _ranking(retriever, query, filters=Filters()):
    return [(h.chunk.chunk_id, round(h.score, 6)) for h in retriever.search(query, filters, k=10).hits]


def _more_papers(settings, fake_embeddings, store, years=(2024,)):
    folder = Path(settings.corpus_dir)
    for year in years:
        make_report(folder / f"{year}-new.pdf", committee="Cabinet", meeting_date=f"{year}-05-20", item="7",
                    paragraphs=[f"1.1 In {year} Cabinet considered the carbon budget and {TOPICS[0]}."])
    assert not ingest_corpus(folder, settings=settings, store=store, embeddings=fake_embeddings).failed


def test_a_saved_keyword_index_is_loaded_not_rebuilt_and_ranks_as_a_fresh_one(store, settings, fake_embeddings, monkeypatch, tmp_path):
    from assistant.retrieve import keyword_folder

    first = Retriever(store, fake_embeddings, saved=keyword_folder(settings))
    expected = {q: _ranking(first, q) for q in TOPICS}
    assert (keyword_folder(settings) / "current").is_file()

    def no_reading(*args, **kwargs):
        raise AssertionError("start-up read the chunks back from Chroma")

    monkeypatch.setattr(store, "all_chunks", no_reading)
    monkeypatch.setattr(store, "chunks_of", no_reading)
    again = Retriever(store, fake_embeddings, saved=keyword_folder(settings))
    assert {q: _ranking(again, q) for q in TOPICS} == expected
    assert again.keyword.df == first.keyword.df and again.keyword.vocabulary == first.keyword.vocabulary


def test_papers_added_or_removed_update_the_saved_index_paper_by_paper(store, settings, fake_embeddings, monkeypatch):
    from assistant.retrieve import keyword_folder

    Retriever(store, fake_embeddings, saved=keyword_folder(settings)).keyword
    _more_papers(settings, fake_embeddings, store)
    gone = next(pid for pid, meta in store.registry().items() if str(meta["source"]).endswith("2019-0.pdf"))
    store.remove_paper(gone)
    fetched: list[list[str]] = []
    chunks_of = store.chunks_of
    monkeypatch.setattr(store, "chunks_of", lambda ids, **kw: fetched.append(list(ids)) or chunks_of(ids, **kw))
    monkeypatch.setattr(store, "all_chunks", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rebuilt from Chroma")))
    updated = Retriever(store, fake_embeddings, saved=keyword_folder(settings))
    updated.keyword  # loaded at first use
    new = [pid for pid, meta in store.registry().items() if str(meta["source"]).endswith("2024-new.pdf")]
    assert fetched == [new]
    assert gone not in updated.keyword.papers() and updated.keyword.papers() == store.done_papers()
    monkeypatch.undo()
    fresh = Retriever(store, fake_embeddings)
    for query in [*TOPICS, "carbon budget"]:
        assert _ranking(updated, query) == _ranking(fresh, query)


def test_after_ingest_saves_the_keyword_index_start_up_reads_neither_registry_nor_chunks(store, settings, fake_embeddings, monkeypatch):
    from assistant.retrieve import keyword_folder, save_keyword_index

    Retriever(store, fake_embeddings, saved=keyword_folder(settings)).keyword
    _more_papers(settings, fake_embeddings, store)
    assert save_keyword_index(settings, store) > 0  # what `ingest build` does when it finishes
    from ingest.cli import after_build_hooks

    assert save_keyword_index in after_build_hooks()  # registered in pyproject.toml; ingest does not import it
    done = store.done_papers()

    def no_reading(*args, **kwargs):
        raise AssertionError("start-up read the store")

    for name in ("registry", "all_chunks", "chunks_of"):
        monkeypatch.setattr(store, name, no_reading)
    started = Retriever(store, fake_embeddings, saved=keyword_folder(settings))
    assert started.keyword.papers() == done
    monkeypatch.undo()
    for query in [*TOPICS, "carbon budget"]:
        assert _ranking(started, query) == _ranking(Retriever(store, fake_embeddings), query)


def test_a_keyword_index_that_cannot_be_saved_does_not_fail_ingest(store, settings, monkeypatch):
    import assistant.retrieve as retrieve

    monkeypatch.setattr(retrieve.SavedIndex, "save", lambda *a, **k: (_ for _ in ()).throw(PermissionError("read-only")))
    monkeypatch.setattr(store, "all_chunks", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("Chroma went away")))
    assert retrieve.save_keyword_index(settings, store) >= 0  # logged; start-up builds it instead
    assert not (retrieve.keyword_folder(settings) / "current").exists()


def test_a_saved_index_of_another_tokenizer_is_rebuilt(store, settings, fake_embeddings, monkeypatch):
    import assistant.retrieve as retrieve

    Retriever(store, fake_embeddings, saved=retrieve.keyword_folder(settings)).keyword
    monkeypatch.setattr(retrieve, "TOKENIZER_VERSION", "changed")
    assert retrieve.SavedIndex(retrieve.keyword_folder(settings)).load() is None
    rebuilt = Retriever(store, fake_embeddings, saved=retrieve.keyword_folder(settings))
    assert len(rebuilt.keyword) == store.chunks.count()


def test_a_pending_paper_is_never_in_the_keyword_index(store, settings, fake_embeddings):
    from assistant.retrieve import keyword_folder

    retriever = Retriever(store, fake_embeddings, saved=keyword_folder(settings))
    before = retriever.keyword.papers()
    pid = next(iter(before))
    meta = store.registry()[pid]
    store.papers.update(ids=[pid], metadatas=[meta | {"status": "pending"}])
    assert retriever.refresh()
    assert pid not in retriever.keyword.papers()
    assert pid not in Retriever(store, fake_embeddings, saved=keyword_folder(settings)).keyword.papers()


def test_the_inverted_file_finds_what_the_exact_search_finds(monkeypatch):
    import numpy as np

    import assistant.retrieve as retrieve
    from assistant.retrieve import ClusterIndex, KeywordIndex

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(40, 32)).astype(np.float32)
    vectors = centres[np.arange(4000) % 40] + rng.normal(0, 0.05, (4000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = KeywordIndex.__new__(KeywordIndex)
    index.vectors, index.clusters = vectors, None
    monkeypatch.setattr(retrieve, "EXACT_BELOW", 10)
    clustered = KeywordIndex.__new__(KeywordIndex)
    clustered.vectors, clustered.clusters = vectors, ClusterIndex.train(vectors)
    mask = np.arange(4000) % 3 == 0
    for query in centres[:10]:
        for m in (None, mask):
            exact = index.nearest(query.tolist(), 20, m)
            found = clustered.nearest(query.tolist(), 20, m)
            assert len(found) == 20 and all(m is None or m[i] for i, _ in found)
            # Approximate: as close to the question as the exact neighbours, if not always the same ones.
            assert [s for _, s in found] == pytest.approx([s for _, s in exact], abs=0.02)
    monkeypatch.setattr(retrieve, "IVF_PROBE", 1.0)
    for query in centres[:5]:
        assert {i for i, _ in clustered.nearest(query.tolist(), 20, mask)} == {i for i, _ in index.nearest(query.tolist(), 20, mask)}


def test_the_registry_is_read_again_only_when_its_token_changed(store, settings, fake_embeddings, monkeypatch):
    from assistant.retrieve import keyword_folder

    assert store.registry_token(), "ingest renewed the token"
    Retriever(store, fake_embeddings, saved=keyword_folder(settings)).keyword  # built and saved with the registry
    reads: list[int] = []
    registry = store.registry
    monkeypatch.setattr(store, "registry", lambda: reads.append(1) or registry())
    restarted = Retriever(store, fake_embeddings, saved=keyword_folder(settings))
    restarted.keyword
    assert reads == [] and restarted.registry == registry(), "nothing written since the save: the saved registry is the registry"
    reads.clear()
    assert not restarted.refresh(trust_token=True) and reads == [], "the background check reads one small file"
    _more_papers(settings, fake_embeddings, store)
    reads.clear()
    assert restarted.refresh(trust_token=True) and reads == [1], "a write through the store renews the token"
    assert restarted.keyword.papers() == store.done_papers()
    new = next(pid for pid, meta in registry().items() if str(meta["source"]).endswith("2024-new.pdf"))
    assert new in restarted.registry
    # A write that bypassed the store: seen by an explicit refresh (and the background's periodic full read), not by the token.
    store.papers.update(ids=[new], metadatas=[registry()[new] | {"status": "pending"}])
    assert not restarted.refresh(trust_token=True)
    assert restarted.refresh() and new not in restarted.keyword.papers()
    reads.clear()
    assert new not in Retriever(store, fake_embeddings, saved=keyword_folder(settings)).keyword.papers() and reads == []
    store._renew_token()  # another process wrote through its Store
    again = Retriever(store, fake_embeddings, saved=keyword_folder(settings))
    assert new not in again.keyword.papers() and reads == [1], "a token that differs from the saved one: the registry is read"


def test_holding_finds_the_chunks_with_every_word_of_a_text_in_any_case():
    chunks = [
        make_chunk("A cheque towards the Bonfire and Beacon insurance.", paper="a", ordinal=0),
        make_chunk("The beacon was lit on the green.", paper="b", ordinal=0),
        make_chunk("The WPL outline business case.", paper="c", ordinal=0),
    ]
    index = KeywordIndex(chunks)
    assert index.holding("Bonfire & Beacon").tolist() == [True, False, False]
    assert index.holding("wpl").tolist() == [False, False, True]
    assert not index.holding("Low Farm").any()  # a word no chunk holds
    assert index.holding("& ,") is None  # no words: any chunk may say it


def test_exact_scores_of_scattered_rows_are_the_products_row_by_row(monkeypatch):
    import numpy as np

    import assistant.retrieve as retrieve
    from assistant.retrieve import ClusterIndex, KeywordIndex

    monkeypatch.setattr(retrieve, "SCORE_BLOCK", 64)  # several blocks and a short last one
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(1000, 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[7]
    rows = np.sort(rng.choice(1000, 300, replace=False))
    plain = KeywordIndex.__new__(KeywordIndex)
    plain.vectors, plain.clusters = vectors, None
    clustered = KeywordIndex.__new__(KeywordIndex)
    clustered.vectors, clustered.clusters = vectors, ClusterIndex.train(vectors)
    for index in (plain, clustered):
        assert np.array_equal(index._exact(rows, query), vectors[rows] @ query), "read through the grouped copy when clustered"
    assert np.array_equal(clustered.clusters.grouped[clustered.clusters.place], vectors)


def test_a_retriever_runs_blas_on_one_thread(store, fake_embeddings):
    from threadpoolctl import threadpool_info

    Retriever(store, fake_embeddings)
    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert all(pool["num_threads"] == 1 for pool in pools), pools  # every BLAS loaded by then, not only the first


def test_an_acronym_is_searched_with_its_words_unless_they_name_a_filtered_committee(store, fake_embeddings, monkeypatch):
    retriever = Retriever(store, fake_embeddings)
    keyword = retriever.keyword
    searched: list[str] = []
    monkeypatch.setattr(keyword, "spelled_out", {"OSMB": "Overview and Scrutiny Management Board", "WPL": "Workplace Parking Levy"}.get)
    monkeypatch.setattr(keyword, "search", lambda query, k, mask: searched.append(query) or [])

    retriever.search("What did OSMB hear on the WPL?", Filters(), method="bm25")
    retriever.search("What did OSMB hear on the WPL?", Filters(committees=("Overview and Scrutiny Management Board",)), method="bm25")

    assert searched == [
        "What did OSMB (Overview and Scrutiny Management Board) hear on the WPL (Workplace Parking Levy)?",
        "What did OSMB hear on the WPL (Workplace Parking Levy)?",
    ]
