"""Dense retrieval (Chroma), keyword retrieval (bm25s) and their fusion, under filters.

The keyword index is rebuilt from the Chroma collection whenever the set of ingested papers
changes, so the two retrievers always rank the same chunks. With an in-process index it also
holds the chunk vectors, and the dense search scores every chunk that passes the filters exactly,
in numpy: Chroma's metadata filter costs more than the search at 100k chunks, and its HNSW search
is approximate, with neighbours that differ from one process to the next. A Chroma server keeps the
vectors, so there Chroma searches.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ingest.records import Chunk

from .records import Filters, Hit
from .text import tokens

RRF_K = 60
"""Reciprocal-rank constant (Cormack et al. 2009); flat enough that both lists count."""


class KeywordIndex:
    """BM25 over chunk titles and texts, with metadata columns for filtering (and the vectors, if in memory)."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray | None = None) -> None:
        import bm25s

        self.chunks = chunks
        self.vectors = vectors
        """Unit-length float32 rows, row i the vector of chunk i; None when the vectors stay in a Chroma server."""
        self.position = {c.chunk_id: i for i, c in enumerate(chunks)}
        self._openings: dict[tuple[str, str, str], Chunk] | None = None
        corpus = [tokens(f"{c.title} {c.text}") for c in chunks]
        self.df: Counter[str] = Counter()
        for doc in corpus:
            self.df.update(set(doc))
        self.vocabulary = frozenset(self.df)
        self.bm25 = None
        if chunks:
            self.bm25 = bm25s.BM25()
            # bm25s wants at least one token per document.
            self.bm25.index([doc or ["_"] for doc in corpus], show_progress=False)
            self._vocab_ids = self.bm25.vocab_dict
        # Fixed-width string columns: numpy compares them without a Python call per chunk.
        self.council = np.array([c.council for c in chunks], dtype=str)
        self.committee = np.array([c.committee for c in chunks], dtype=str)
        self.date = np.array([c.meeting_date for c in chunks], dtype=str)
        self.doc_type = np.array([c.doc_type for c in chunks], dtype=str)

    def __len__(self) -> int:
        return len(self.chunks)

    def next_chunk(self, chunk: Chunk) -> Chunk | None:
        """The chunk that follows this one in the same item of the same paper, if any."""
        position = self.position.get(f"{chunk.paper_id}:{chunk.ordinal + 1:05d}")
        if position is None:
            return None
        following = self.chunks[position]
        return following if following.item == chunk.item and following.title == chunk.title else None

    def item_start(self, chunk: Chunk) -> Chunk:
        """The first chunk of this chunk's item in its paper: for a report, its cover block."""
        while chunk.ordinal > 0:
            position = self.position.get(f"{chunk.paper_id}:{chunk.ordinal - 1:05d}")
            before = self.chunks[position] if position is not None else None
            if before is None or before.item != chunk.item or before.title != chunk.title:
                break
            chunk = before
        return chunk

    def minutes_opening(self, chunk: Chunk) -> Chunk | None:
        """The opening of the minutes of a chunk's meeting (who was present, who was in the chair), if indexed."""
        if self._openings is None:
            self._openings = {
                (c.council, c.committee, c.meeting_date): c for c in self.chunks if c.doc_type == "minutes" and c.ordinal == 0 and not c.item
            }
        return self._openings.get((chunk.council, chunk.committee, chunk.meeting_date))

    def idf(self, token: str) -> float:
        """Inverse document frequency; unseen tokens weigh most."""
        n = max(1, len(self.chunks))
        return math.log(1 + (n - self.df.get(token, 0) + 0.5) / (self.df.get(token, 0) + 0.5))

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Which chunks pass the filters (None when nothing is filtered)."""
        if filters.empty:
            return None
        keep = np.ones(len(self.chunks), dtype=bool)
        if filters.councils:
            keep &= np.isin(self.council, list(filters.councils))
        if filters.committees:
            keep &= np.isin(self.committee, list(filters.committees))
        if filters.doc_types:
            keep &= np.isin(self.doc_type, list(filters.doc_types))
        if filters.date_from:
            keep &= (self.date >= filters.date_from) & (self.date != "")
        if filters.date_to:
            keep &= (self.date <= filters.date_to) & (self.date != "")
        return keep

    def any_text(self, filters: Filters, test: Callable[[str], bool], hint: str = "") -> bool:
        """Whether the text of any chunk that passes the filters passes the test (hint: a substring it needs)."""
        mask = self.mask(filters)
        positions = range(len(self.chunks)) if mask is None else np.flatnonzero(mask)
        return any(hint in self.chunks[i].text and test(self.chunks[i].text) for i in positions)

    def search(self, query: str, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        """(chunk position, BM25 score) of the best k chunks that pass the mask (None: every chunk)."""
        if self.bm25 is None:
            return []
        terms = [t for t in tokens(query) if t in self._vocab_ids]
        if not terms:
            return []
        scores = self.bm25.get_scores(terms)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def nearest(self, vector: list[float], k: int, mask: np.ndarray) -> list[tuple[int, float]]:
        """(chunk position, cosine similarity) of the k chunks closest to a vector among those the mask passes; exact."""
        passing = np.flatnonzero(mask)
        if not passing.size:
            return []
        query = np.asarray(vector, dtype=np.float32)
        # One pass over every row costs less than copying out the passing rows unless few pass.
        similarity = (self.vectors @ (query / (np.linalg.norm(query) or 1.0)))[passing]
        k = min(k, passing.size)
        top = np.argpartition(-similarity, k - 1)[:k]
        top = top[np.argsort(-similarity[top])]
        return [(int(passing[i]), float(similarity[i])) for i in top]


@dataclass(slots=True)
class Retrieval:
    """Ranked hits plus what each stage cost."""

    hits: list[Hit]
    timings_ms: dict[str, float]


class Retriever:
    """Hybrid search over one index; thread-safe for concurrent app users."""

    def __init__(self, store, embeddings, *, fusion: str = "rrf", fetch_k: int = 40) -> None:
        self.store = store
        self.embeddings = embeddings
        self.fusion = fusion
        self.fetch_k = fetch_k
        self._keyword: KeywordIndex | None = None
        self._stamp = ""
        self._lock = threading.Lock()

    @property
    def keyword(self) -> KeywordIndex:
        """The keyword index, built on first use."""
        if self._keyword is None:
            self.refresh(force=True)
        return self._keyword

    def refresh(self, *, force: bool = False) -> bool:
        """Rebuild the keyword index if the set of papers changed; True when it did."""
        with self._lock:
            stamp = self.store.stamp()
            if not force and stamp == self._stamp and self._keyword is not None:
                return False
            chunks, vectors = self.store.all_chunks(with_vectors=not self.store.served)
            self._keyword = KeywordIndex(chunks, vectors)
            self._stamp = stamp
            return True

    def search(self, query: str, filters: Filters, *, k: int = 8, method: str = "hybrid") -> Retrieval:
        """The best k chunks for a query under filters, by the named method (hybrid, dense or bm25)."""
        keyword = self.keyword
        mask = keyword.mask(filters)
        timings: dict[str, float] = {}
        dense: list[tuple[int, float]] = []
        lexical: list[tuple[int, float]] = []
        if method in ("hybrid", "dense"):
            started = time.perf_counter()
            vector = self.embeddings.embed_query(query)
            timings["embed_ms"] = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            dense = self._dense(vector, filters, mask, keyword, max(self.fetch_k, k))
            timings["dense_ms"] = (time.perf_counter() - started) * 1000
        if method in ("hybrid", "bm25"):
            started = time.perf_counter()
            lexical = keyword.search(query, max(self.fetch_k, k), mask)
            timings["keyword_ms"] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        fused = self._fuse(dense, lexical, keyword, method)
        hits = fused[:k]
        if dense and lexical and k > 1 and lexical[0][0] not in {p for p, _ in dense}:
            # Reciprocal rank fusion puts a chunk the keywords rank first, and the meaning search misses
            # altogether, below chunks both rank tenth: the paragraph naming "the Preston model" fell to
            # eleventh for "which other council's model influenced the approach?". It keeps its place.
            leader = next(h for h in fused if h.chunk is keyword.chunks[lexical[0][0]])
            if leader not in hits:
                hits = hits[: k - 1] + [leader]
        timings["fusion_ms"] = (time.perf_counter() - started) * 1000
        return Retrieval(hits=hits, timings_ms=timings)

    def _dense(
        self, vector: list[float], filters: Filters, mask: np.ndarray | None, keyword: KeywordIndex, fetch_k: int
    ) -> list[tuple[int, float]]:
        # With the vectors in memory the search is exact, filtered or not: Chroma's HNSW index is
        # approximate, and its neighbours differ between processes, so the same question could get
        # another answer after a restart.
        if keyword.vectors is not None:
            return keyword.nearest(vector, fetch_k, mask if mask is not None else np.ones(len(keyword), dtype=bool))
        out = []
        for chunk_id, distance in self.store.nearest(vector, fetch_k, filters.where()):
            position = keyword.position.get(chunk_id)
            # Chunks of a paper still being written (not in the keyword index) are not shown.
            if position is not None:
                out.append((position, 1.0 - float(distance)))
        return out

    def _fuse(self, dense, lexical, keyword: KeywordIndex, method: str) -> list[Hit]:
        dense_score = dict(dense)
        keyword_score = dict(lexical)
        fused: dict[int, float] = {}
        if method == "dense":
            fused = dict(dense)
        elif method == "bm25":
            fused = dict(lexical)
        elif self.fusion == "score":
            for ranking in (dense, lexical):
                if not ranking:
                    continue
                values = [s for _, s in ranking]
                low, high = min(values), max(values)
                for position, score in ranking:
                    fused[position] = fused.get(position, 0.0) + 0.5 * ((score - low) / (high - low) if high > low else 1.0)
        else:
            for ranking in (dense, lexical):
                for rank, (position, _) in enumerate(ranking):
                    fused[position] = fused.get(position, 0.0) + 1.0 / (RRF_K + rank + 1)
        order = sorted(fused, key=lambda p: -fused[p])
        return [
            Hit(
                chunk=keyword.chunks[p],
                score=fused[p],
                dense=dense_score.get(p, 0.0),
                keyword=keyword_score.get(p, 0.0),
            )
            for p in order
        ]
