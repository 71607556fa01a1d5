"""Dense retrieval (Chroma), keyword retrieval (bm25s) and their fusion, under filters.

The keyword index holds every chunk of every done paper, their keyword tokens, BM25 scores, metadata
columns and (with an in-process index) their vectors. It is saved beside the Chroma index and
loaded memory-mapped at start-up; when the registry says papers changed, only those papers' chunks
are fetched and tokenized, and the rest is taken from the saved index (see SavedIndex). With the
vectors in memory the dense search scores every chunk that passes the filters exactly, in numpy, up
to IVF_MIN chunks, and through an inverted file of clusters above that: Chroma's metadata filter
costs more than the search at 100k chunks, and its HNSW search is approximate, with neighbours
that differ from one process to the next. A Chroma server keeps the vectors, so there Chroma searches.
"""

from __future__ import annotations

import gc
import json
import logging
import math
import os
import pickle
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.records import Chunk

from .acronyms import phrase, spelled_out, with_spelled_out
from .facets import Facets
from .records import Filters, Hit
from .text import TOKENIZER_VERSION, tokens, uncached_tokens

log = logging.getLogger(__name__)

RRF_K = 60
"""Reciprocal-rank constant (Cormack et al. 2009); flat enough that both lists count."""
SAVED_FORMAT = "1"
"""Layout of the saved keyword index; with the tokenizer's version, a saved index of another is rebuilt."""
EMPTY_TOKEN = "_"
"""bm25s wants at least one token per document: a chunk with none gets this one (no query has it)."""
DEFINITION_CHUNKS = 5_000
"""The chunks using an acronym that are read for its definition (the first in index order)."""
IVF_MIN = 200_000
"""From this many chunks the dense search goes through an inverted file: exact scoring reads every vector
(150 MB per 100k chunks, ~10 ms a question on this machine), which at 1M chunks is ~100 ms alone."""
IVF_TRAIN = 50_000
"""Vectors the clusters are trained on (a fixed-seed sample)."""
IVF_PROBE = 0.02
"""Share of the clusters a question's vector is compared within (the nearest ones)."""
EXACT_BELOW = 30_000
"""Filters passing fewer chunks than this are scored exactly, over just those chunks."""
SCORE_BLOCK = 2048
"""Rows an exact score of scattered rows gathers at once, into one buffer kept per thread: a filter passing 12,000
to 30,000 chunks cost 90-180 ms at 300k chunks (cProfile), gathered into one fresh array from the saved file's pages."""
CHECK_COST_SHARE = 20
"""The background check waits at least this many times as long as its last read of the registry took."""
FULL_CHECK_SECONDS = 300.0
"""The background check reads the registry itself at least this often, for writes that did not renew the store's token."""


class TokenTable:
    """Each chunk's keyword tokens as ids into a vocabulary that only grows: what an update re-indexes from
    without tokenizing the unchanged papers again."""

    def __init__(self, vocab: dict[str, int], ids: np.ndarray, offsets: np.ndarray) -> None:
        self.vocab = vocab
        self.ids = ids
        """Token ids of every chunk, one after another (int32)."""
        self.offsets = offsets
        """Chunk i's ids are ids[offsets[i]:offsets[i + 1]] (int64, one more than there are chunks)."""

    @classmethod
    def of_texts(cls, texts: Sequence[str], vocab: dict[str, int] | None = None) -> "TokenTable":
        """Tokenize texts (tokens() of assistant/text.py), adding new tokens to a copy of the vocabulary."""
        vocab = dict(vocab or {})
        ids: list[int] = []
        offsets = [0]
        for text in texts:
            for token in uncached_tokens(text) or [EMPTY_TOKEN]:
                ids.append(vocab.setdefault(token, len(vocab)))
            offsets.append(len(ids))
        return cls(vocab, np.asarray(ids, dtype=np.int32), np.asarray(offsets, dtype=np.int64))

    def rows(self, keep: np.ndarray) -> "TokenTable":
        """The table of the chunks at these positions, in that order."""
        lengths = np.diff(self.offsets)[keep]
        starts = self.offsets[:-1][keep]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        if not len(keep):
            return TokenTable(self.vocab, np.zeros(0, dtype=np.int32), offsets)
        # One gather over every kept chunk's span.
        index = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return TokenTable(self.vocab, self.ids[index], offsets)

    def extend(self, other: "TokenTable") -> "TokenTable":
        """This table followed by another made with this one's vocabulary (or an extension of it)."""
        return TokenTable(other.vocab, np.concatenate([self.ids, other.ids]), np.concatenate([self.offsets, other.offsets[1:] + self.offsets[-1]]))

    def documents(self) -> list[list[int]]:
        """Token ids per chunk, as bm25s takes them."""
        ids = self.ids.tolist()
        return [ids[a:b] for a, b in zip(self.offsets[:-1].tolist(), self.offsets[1:].tolist())]


class ClusterIndex:
    """An inverted file over unit vectors: k-means clusters (fixed seed), each question compared within the nearest ones."""

    def __init__(self, centroids: np.ndarray, assign: np.ndarray, vectors: np.ndarray) -> None:
        self.centroids = centroids
        self.assign = assign
        """Cluster of each row."""
        self.order = np.argsort(assign, kind="stable").astype(np.int64)
        self.bounds = np.searchsorted(assign[self.order], np.arange(len(centroids) + 1))
        self.grouped = np.ascontiguousarray(vectors[self.order], dtype=np.float32)
        """The vectors cluster by cluster: a cluster is one contiguous block (a gather of scattered rows cost more than the products)."""
        self.place = np.empty(len(self.order), dtype=np.int64)
        """Row i's place in grouped: an exact score reads the copy in memory, not the saved file's cold pages."""
        self.place[self.order] = np.arange(len(self.order), dtype=np.int64)

    @classmethod
    def train(cls, vectors: np.ndarray, seed: int = 15) -> "ClusterIndex":
        """Clusters of about sqrt(n) * 2 rows' worth, trained on a sample, then every row assigned."""
        n = len(vectors)
        count = int(min(4096, max(16, 2 * math.sqrt(n))))
        rng = np.random.default_rng(seed)
        sample = np.asarray(vectors[np.sort(rng.choice(n, size=min(n, IVF_TRAIN), replace=False))], dtype=np.float32)
        centroids = sample[rng.choice(len(sample), size=count, replace=False)].copy()
        for _ in range(8):
            nearest = np.argmax(sample @ centroids.T, axis=1)
            for c in range(count):
                members = sample[nearest == c]
                if len(members):
                    centroids[c] = members.mean(axis=0)
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        return cls(centroids, cls.nearest_cluster(centroids, vectors), vectors)

    @staticmethod
    def nearest_cluster(centroids: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """The cluster of each row, in blocks (a 1M x 2,000 score matrix would not fit twice)."""
        out = np.empty(len(vectors), dtype=np.int32)
        for start in range(0, len(vectors), 65536):
            out[start : start + 65536] = np.argmax(np.asarray(vectors[start : start + 65536]) @ centroids.T, axis=1)
        return out

    def scores(self, query: np.ndarray, probe: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, similarities) of the rows in the `probe` clusters nearest the query."""
        probe = min(probe, len(self.centroids))
        best = np.argpartition(-(self.centroids @ query), probe - 1)[:probe]
        spans = [(self.bounds[c], self.bounds[c + 1]) for c in best]
        rows = np.concatenate([self.order[a:b] for a, b in spans])
        similarity = np.concatenate([self.grouped[a:b] @ query for a, b in spans])
        return rows, similarity


class KeywordIndex:
    """BM25 over chunk titles and texts, with metadata columns for filtering (and the vectors, if in memory)."""

    def __init__(
        self,
        chunks: list[Chunk],
        vectors: np.ndarray | None = None,
        *,
        table: TokenTable | None = None,
        bm25=None,
        clusters: ClusterIndex | None = None,
    ) -> None:
        import bm25s

        self.chunks = chunks
        self.vectors = vectors
        """Unit-length float32 rows, row i the vector of chunk i; None when the vectors stay in a Chroma server."""
        self.position = {c.chunk_id: i for i, c in enumerate(chunks)}
        self._openings: dict[tuple[str, str, str], Chunk] | None = None
        self.table = table if table is not None else TokenTable.of_texts([f"{c.title} {c.text}" for c in chunks])
        self.bm25 = bm25
        if self.bm25 is None and chunks:
            self.bm25 = bm25s.BM25()
            # bm25s adds its empty token to the vocabulary it is given: a copy, so the table's stays its own.
            self.bm25.index((self.table.documents(), dict(self.table.vocab)), show_progress=False)
        self.df: Counter[str] = Counter()
        if self.bm25 is not None:
            self._vocab_ids = self.bm25.vocab_dict
            # A chunk holds a token exactly when BM25 scores it for that token: the postings are the document frequencies.
            counts = np.diff(np.asarray(self.bm25.scores["indptr"]))
            self.df = Counter(
                {t: int(counts[i]) for t, i in self.table.vocab.items() if i < len(counts) and counts[i] and t != EMPTY_TOKEN}
            )
        self.vocabulary = frozenset(self.df)
        self.clusters = clusters
        if clusters is None and vectors is not None and len(vectors) >= IVF_MIN:
            self.clusters = ClusterIndex.train(vectors)
        self.facets = Facets(
            [c.council for c in chunks], [c.committee for c in chunks], [c.meeting_date for c in chunks], [c.doc_type for c in chunks]
        )
        """The filterable metadata as integer codes, each filter's mask kept for this index's lifetime."""
        self._spelled: dict[str, str] = {}

    def papers(self) -> dict[str, int]:
        """paper id -> how many of its chunks the index holds."""
        return dict(Counter(c.paper_id for c in self.chunks))

    def __len__(self) -> int:
        return len(self.chunks)

    def next_chunk(self, chunk: Chunk) -> Chunk | None:
        """The chunk that follows this one in the same item of the same paper, if any."""
        position = self.position.get(f"{chunk.paper_id}:{chunk.ordinal + 1:05d}")
        if position is None:
            return None
        following = self.chunks[position]
        return following if following.item == chunk.item and following.title == chunk.title else None

    def adjacent(self, chunk: Chunk, step: int) -> Chunk | None:
        """The chunk step places after (or, negative, before) this one in its paper, of whatever item: a minute's vote follows the discussion it closes."""
        ordinal = chunk.ordinal + step
        position = self.position.get(f"{chunk.paper_id}:{ordinal:05d}") if ordinal >= 0 else None
        return self.chunks[position] if position is not None else None

    def item_start(self, chunk: Chunk) -> Chunk:
        """The first chunk of this chunk's item in its paper: for a report, its cover block."""
        while (before := self.adjacent(chunk, -1)) is not None and before.item == chunk.item and before.title == chunk.title:
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
        """Which chunks pass the filters (None when nothing is filtered); read-only, kept per filter."""
        return self.facets.mask(filters)

    def any_text(self, filters: Filters, test: Callable[[str], bool], hint: str = "") -> bool:
        """Whether the text of any chunk that passes the filters passes the test (hint: a substring it needs)."""
        mask = self.mask(filters)
        positions = range(len(self.chunks)) if mask is None else np.flatnonzero(mask)
        return any(hint in self.chunks[i].text and test(self.chunks[i].text) for i in positions)

    def holding(self, text: str) -> np.ndarray | None:
        """Which chunks hold every term of a text (None when it has no terms: then any chunk may say it)."""
        terms = set(tokens(text))
        if self.bm25 is None or not terms:
            return None
        held = np.ones(len(self.chunks), dtype=bool)
        for term in terms:
            if term not in self._vocab_ids:
                return np.zeros(len(self.chunks), dtype=bool)
            held &= self.bm25.get_scores([term]) > 0
        return held

    def spelled_out(self, acronym: str) -> str:
        """The words the papers give an acronym ("WPL": "Workplace Parking Levy"), kept; "" when no paper defines it,
        or when no paper uses the words without the acronym (then they add no paper to a search, only their words:
        "Themes, Outcomes and Measures" drew every chunk about measures to a question on the TOMs)."""
        if acronym not in self._spelled:
            self._spelled[acronym] = self._spell_out(acronym)
        return self._spelled[acronym]

    def _spell_out(self, acronym: str) -> str:
        using = self.holding(acronym)
        if using is None or not using.any():
            return ""
        bracketed = f"({acronym}"
        words = spelled_out(acronym, (t for i in np.flatnonzero(using)[:DEFINITION_CHUNKS] if bracketed in (t := self.chunks[i].text)))
        held = self.holding(words) if words else None
        if held is None:
            return ""
        printed = phrase(words)
        return words if any(printed.search(self.chunks[i].text) for i in np.flatnonzero(held & ~using)[:DEFINITION_CHUNKS]) else ""

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

    def nearest(self, vector: list[float], k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        """(chunk position, cosine similarity) of the k chunks closest to a vector among those the mask passes (None: all).

        Exact below IVF_MIN chunks and for filters that pass few; otherwise within the nearest clusters,
        widened until k chunks that pass the filters are among them.
        """
        query = np.asarray(vector, dtype=np.float32)
        query = query / (np.linalg.norm(query) or 1.0)
        passing = None if mask is None else np.flatnonzero(mask)
        if passing is not None and not passing.size:
            return []
        if self.clusters is None or (passing is not None and passing.size < EXACT_BELOW):
            if passing is None:
                rows, similarity = None, self.vectors @ query
            elif passing.size < EXACT_BELOW:
                rows, similarity = passing, self._exact(passing, query)
            else:
                # One pass over every row costs less than copying out the passing rows unless few pass.
                rows, similarity = passing, (self.vectors @ query)[passing]
        else:
            probe = max(1, int(len(self.clusters.centroids) * IVF_PROBE))
            while True:
                rows, similarity = self.clusters.scores(query, probe)
                if mask is not None:
                    keep = mask[rows]
                    rows, similarity = rows[keep], similarity[keep]
                if len(rows) >= k or probe >= len(self.clusters.centroids):
                    break
                probe *= 4
        k = min(k, len(similarity))
        if not k:
            return []
        top = np.argpartition(-similarity, k - 1)[:k]
        top = top[np.argsort(-similarity[top], kind="stable")]
        return [(int(rows[i] if rows is not None else i), float(similarity[i])) for i in top]

    def _exact(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Similarities of these rows to the query, gathered SCORE_BLOCK rows at a time into this thread's buffer."""
        if self.clusters is not None:
            source, places = self.clusters.grouped, self.clusters.place[rows]
        else:
            source, places = self.vectors, rows
        buffer = getattr(_buffers, "rows", None)
        if buffer is None or buffer.shape[1] != source.shape[1]:
            buffer = _buffers.rows = np.empty((SCORE_BLOCK, source.shape[1]), dtype=np.float32)
        out = np.empty(len(places), dtype=np.float32)
        for start in range(0, len(places), SCORE_BLOCK):
            part = places[start : start + SCORE_BLOCK]
            block = np.take(source, part, axis=0, out=buffer[: len(part)], mode="clip")  # "raise" buffers into a temporary
            np.dot(block, query, out=out[start : start + len(part)])
        return out


_buffers = threading.local()
"""Each thread's gather buffer for KeywordIndex._exact (the app's users ask from several threads)."""


def _unpickle(data: bytes):
    """pickle.loads without the collector: each of the collections it would start while 100k chunks are made finds nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


class SavedIndex:
    """The keyword index saved beside the Chroma index, one folder per collection.

    Each save is a new generation folder, and the `current` file naming it is replaced atomically, so
    a reader (another process) never loads half a save. meta.json records the format and the
    tokenizer's version (either changing means a rebuild) and the registry stamp and chunk count per
    paper it was built from, which Retriever.refresh checks against the registry before using it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def version(self) -> str:
        return f"{SAVED_FORMAT}|tokens-{TOKENIZER_VERSION}"

    def load(self) -> tuple[KeywordIndex, dict] | None:
        """The saved index and its meta, or None when missing, of another version or unreadable."""
        import bm25s

        try:
            folder = self.folder / (self.folder / "current").read_text().strip()
            meta = json.loads((folder / "meta.json").read_text())
            if meta.get("version") != self.version:
                return None
            chunks = _unpickle((folder / "chunks.pkl").read_bytes())
            vocab_tokens = json.loads((folder / "vocab.json").read_text())
            table = TokenTable(
                {t: i for i, t in enumerate(vocab_tokens)},
                np.load(folder / "token_ids.npy", mmap_mode="r"),
                np.load(folder / "token_offsets.npy", mmap_mode="r"),
            )
            # Plain arrays over the mapped files: numpy's memmap subclass costs a Python call per indexing (2.5 ms a question).
            vectors = np.asarray(np.load(folder / "vectors.npy", mmap_mode="r")) if meta.get("vectors") else None
            clusters = None
            if (folder / "centroids.npy").is_file():
                clusters = ClusterIndex(np.load(folder / "centroids.npy"), np.load(folder / "assign.npy"), vectors)
            bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True) if chunks else None
            if bm25 is not None:
                bm25.scores = {k: np.asarray(v) if isinstance(v, np.memmap) else v for k, v in bm25.scores.items()}
        except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError) as exc:
            log.info("saved keyword index not used (%s): rebuilding", exc)
            return None
        return KeywordIndex(chunks, vectors, table=table, bm25=bm25, clusters=clusters), meta

    def registry(self) -> dict[str, dict] | None:
        """The registry as read when the current generation was saved, or None."""
        try:
            folder = self.folder / (self.folder / "current").read_text().strip()
            return _unpickle((folder / "registry.pkl").read_bytes())
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            return None

    def note_registry(self, token: str, registry: dict[str, dict]) -> None:
        """Keep this registry read (and the store's token at the time) with the current generation, for the next start-up."""
        try:
            folder = self.folder / (self.folder / "current").read_text().strip()
            meta = json.loads((folder / "meta.json").read_text())
            for name, data in (("registry.pkl", pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL)), ("meta.json", json.dumps(meta | {"registry_token": token}).encode())):
                temporary = folder / f"{name}.{os.getpid()}"
                temporary.write_bytes(data)
                os.replace(temporary, folder / name)
        except (OSError, ValueError) as exc:
            log.warning("registry not saved with the keyword index in %s: %s", self.folder, exc)

    def save(self, index: KeywordIndex, stamp: str, token: str = "", registry: dict[str, dict] | None = None) -> None:
        """Write the index as a new generation, then point `current` at it and drop older generations."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"g{time.time_ns()}-{os.getpid()}"
        folder = self.folder / name
        folder.mkdir()
        (folder / "chunks.pkl").write_bytes(pickle.dumps(index.chunks, protocol=pickle.HIGHEST_PROTOCOL))
        by_id = sorted(index.table.vocab, key=index.table.vocab.__getitem__)
        (folder / "vocab.json").write_text(json.dumps(by_id))
        np.save(folder / "token_ids.npy", np.asarray(index.table.ids))
        np.save(folder / "token_offsets.npy", np.asarray(index.table.offsets))
        if index.vectors is not None:
            np.save(folder / "vectors.npy", np.asarray(index.vectors, dtype=np.float32))
        if index.clusters is not None:
            np.save(folder / "centroids.npy", index.clusters.centroids)
            np.save(folder / "assign.npy", index.clusters.assign)
        if index.bm25 is not None:
            index.bm25.save(str(folder / "bm25"), show_progress=False)
        if registry is not None:
            (folder / "registry.pkl").write_bytes(pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL))
        meta = {
            "version": self.version, "stamp": stamp, "papers": index.papers(), "chunks": len(index), "vectors": index.vectors is not None,
            # The store's token when the registry was read: unchanged at the next start-up, the saved registry is the registry.
            "registry_token": token if registry is not None else "",
        }
        (folder / "meta.json").write_text(json.dumps(meta))
        pointer = self.folder / f"current.{name}"
        pointer.write_text(name)
        os.replace(pointer, self.folder / "current")
        for old in self.folder.iterdir():
            # Linux keeps a memory-mapped file readable after it is removed: a process still using an old generation is unharmed.
            if old.is_dir() and old.name != name and old.name.startswith("g"):
                shutil.rmtree(old, ignore_errors=True)


def updated(base: KeywordIndex, done: dict[str, int], fetch: Callable[[list[str]], tuple[list[Chunk], np.ndarray | None]]) -> KeywordIndex:
    """The index of the done papers (paper id -> chunk count), reusing base's rows for papers it holds in full.

    Only the papers new to base, or whose chunk count differs from the registry's, are fetched and tokenized.
    """
    held = base.papers()
    keep_papers = {pid for pid, count in held.items() if done.get(pid) == count}
    fetched = sorted(pid for pid in done if pid not in keep_papers)
    keep = np.array([i for i, c in enumerate(base.chunks) if c.paper_id in keep_papers], dtype=np.int64)
    new_chunks, new_vectors = fetch(fetched) if fetched else ([], None)
    chunks = [base.chunks[i] for i in keep] + new_chunks
    table = base.table.rows(keep).extend(TokenTable.of_texts([f"{c.title} {c.text}" for c in new_chunks], base.table.vocab))
    vectors = None
    if base.vectors is not None:
        parts = [np.asarray(base.vectors[keep], dtype=np.float32)] + ([new_vectors] if new_vectors is not None else [])
        vectors = np.concatenate(parts) if parts else None
    clusters = None
    if base.clusters is not None and vectors is not None and len(vectors) < 2 * len(base.clusters.assign):
        # New rows join the nearest existing cluster; the clusters are trained again when the index has doubled.
        extra = ClusterIndex.nearest_cluster(base.clusters.centroids, new_vectors) if new_vectors is not None else np.zeros(0, np.int32)
        clusters = ClusterIndex(base.clusters.centroids, np.concatenate([base.clusters.assign[keep], extra]), vectors)
    return KeywordIndex(chunks, vectors, table=table, clusters=clusters)


def save_keyword_index(settings, store) -> float:
    """Bring the saved keyword index in step with the store; the seconds it took.

    `ingest build` calls this when it finishes, so that the next start-up loads the index and the
    registry it was made from, rather than reading the registry and updating the index itself (9 s at
    100k chunks after one paper was added, against 2 s). Best effort: an index that cannot be saved is
    logged, and start-up brings it in step instead.
    """
    started = time.perf_counter()
    try:
        Retriever(store, None, saved=keyword_folder(settings)).refresh(force=True)
    except Exception:  # noqa: BLE001 (the papers are written; only the start-up shortcut is lost)
        log.exception("keyword index not saved in %s: the next start-up builds it", keyword_folder(settings))
    return time.perf_counter() - started


@dataclass(slots=True)
class Retrieval:
    """Ranked hits plus what each stage cost."""

    hits: list[Hit]
    timings_ms: dict[str, float]


def keyword_folder(settings) -> Path:
    """Where an index's keyword index is saved: beside its Chroma folder, one per collection (and per client kind)."""
    return settings.index_dir / "keyword" / (settings.collection_name + ("-served" if settings.chroma_url else ""))


def one_blas_thread() -> None:
    """Run numpy's BLAS on one thread in this process from now on.

    A question's products are a matrix-vector product or a few hundred rows at a time: memory-bound, so a
    second thread adds little, and OpenBLAS's helper thread spins on a core after each call. On two cores
    that spinning took the core the question embedding (onnxruntime) and the answer rules were waiting for:
    at 100k chunks on a busy machine, side by side, embedding p50 7.5 -> 3.5 ms and compose 8.2 -> 4.0 ms.
    It also makes the last bits of a score independent of how many cores the machine has: OpenBLAS's
    default is one thread a core, and one gold case (a trace choosing between sentences that score alike)
    read one meeting's lines differently with one thread than with two, its metrics unchanged.
    """
    from threadpoolctl import threadpool_limits

    # Every BLAS loaded by now (not only the first time: a library loaded later, torch's, would keep its threads).
    threadpool_limits(limits=1, user_api="blas")


class Retriever:
    """Hybrid search over one index; thread-safe for concurrent app users."""

    def __init__(
        self, store, embeddings, *, fusion: str = "rrf", fetch_k: int = 40, saved: Path | None = None, check_every: float = 0.0
    ) -> None:
        one_blas_thread()
        self.store = store
        self.embeddings = embeddings
        self.fusion = fusion
        self.fetch_k = fetch_k
        self.saved = SavedIndex(saved) if saved is not None else None
        """Where the keyword index is saved and loaded from (None: built in memory each time)."""
        self.check_every = check_every
        """Seconds between checks of the registry for papers another process ingested (0: only on refresh())."""
        self.on_change: Callable[[], None] | None = None
        """Called after the index changed (the assistant forgets its catalogue)."""
        self._keyword: KeywordIndex | None = None
        self.registry: dict[str, dict] | None = None
        """The registry as the last refresh read it: what the keyword index is in step with (the assistant's catalogue reads it too)."""
        self._stamp = ""
        self._token = ""
        self._checked = time.monotonic()
        self._full_checked = time.monotonic()
        self._full_check_s = 0.0
        self._checking = threading.Lock()
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()

    @property
    def keyword(self) -> KeywordIndex:
        """The keyword index, loaded or built on first use."""
        if self._keyword is None:
            self.refresh(force=True)
        return self._keyword

    def refresh(self, *, force: bool = False, trust_token: bool = False) -> bool:
        """Bring the keyword index in step with the registry; True when it changed.

        The registry's done papers and their chunk counts decide: the saved index is used when its
        stamp matches, updated paper by paper when it does not, and rebuilt from Chroma when it is
        missing or of another version. Papers still pending are never in it, so neither retriever
        returns a chunk of a half-written paper. The registry is not read again when the store's
        token says nothing was written since it was (trust_token, the background check; and at
        start-up, the registry saved with the index).
        """
        with self._lock:
            started = time.monotonic()
            token = self.store.registry_token()
            if trust_token and token and token == self._token and self._keyword is not None:
                return False
            with_vectors = not self.store.served
            base, meta, registry = self._keyword, None, None
            if base is None and self.saved is not None:
                loaded = self.saved.load()
                if loaded is not None and loaded[1]["vectors"] == with_vectors:
                    base, meta = loaded
                    if token and meta.get("registry_token") == token:
                        registry = self.saved.registry()
            if registry is None:
                registry = self.store.registry()
                self._full_check_s = time.monotonic() - started
                self._full_checked = time.monotonic()
            done = self.store.done_papers(registry)
            stamp = self.store.stamp(done)
            self.registry, self._token = registry, token
            if not force and stamp == self._stamp and self._keyword is not None:
                return False
            # The registry's chunk count of every done paper matches what was saved: it is current.
            if meta is not None and meta["papers"] == done:
                self._keyword, self._stamp = base, stamp
                if token and meta.get("registry_token") != token:
                    self.saved.note_registry(token, registry)  # the next start-up need not read it
                return True
            if base is None:
                index = KeywordIndex(*self.store.all_chunks(with_vectors=with_vectors, done=set(done)))
            elif base.papers() == done:
                index = base
            else:
                index = updated(base, done, lambda ids: self.store.chunks_of(ids, with_vectors=with_vectors))
            changed = index is not self._keyword
            self._keyword, self._stamp = index, stamp
            self._checked = time.monotonic()
        if changed and self.on_change is not None:
            self.on_change()
        if self.saved is not None and changed:
            self._save(index, stamp, token, registry)
        return changed

    def _check_in_background(self) -> None:
        """Refresh in a thread when check_every has passed: questions meanwhile use the index they have."""
        now = time.monotonic()
        # At 40,000 papers a read of the registry is seconds of work: a check that must read it waits
        # until its cost is a small share of the time (the store's token spares most reads).
        every = max(self.check_every, CHECK_COST_SHARE * self._full_check_s)
        if not self.check_every or now - self._checked < every or not self._checking.acquire(blocking=False):
            return
        full = now - self._full_checked >= max(FULL_CHECK_SECONDS, every)

        def check() -> None:
            try:
                self.refresh(trust_token=not full)
            except Exception:  # noqa: BLE001 (a failed check leaves the index as it was; the next one tries again)
                log.exception("keyword index refresh failed")
            finally:
                self._checked = time.monotonic()
                self._checking.release()

        threading.Thread(target=check, daemon=True, name="keyword-refresh").start()

    def _save(self, index: KeywordIndex, stamp: str, token: str, registry: dict[str, dict]) -> None:
        # Saving is best effort: a read-only index folder still answers, from the index in memory.
        with self._save_lock:
            if index is not self._keyword:
                return  # a newer one is on its way
            try:
                self.saved.save(index, stamp, token, registry)
            except OSError as exc:
                log.warning("keyword index not saved to %s: %s", self.saved.folder, exc)

    def search(self, query: str, filters: Filters, *, k: int = 8, method: str = "hybrid") -> Retrieval:
        """The best k chunks for a query under filters, by the named method (hybrid, dense or bm25)."""
        self._check_in_background()
        keyword = self.keyword
        # An acronym is searched with the words the papers give it, unless they name a council or committee
        # the filters already hold ("OSMB").
        named = " ".join(filters.councils + filters.committees).lower()
        query = with_spelled_out(query, lambda acronym: "" if (words := keyword.spelled_out(acronym)).lower() in named else words)
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
            return keyword.nearest(vector, fetch_k, mask)
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
