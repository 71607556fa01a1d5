"""The Chroma index: the only module that imports chromadb.

Two collections per index: one chunk per record (text, vector, flat metadata), and one paper
per record in a registry that doubles as a write-ahead log. A paper is marked "pending" before
its chunks change and "done" after, so a run killed half-way is repaired by the next one and
readers never see half a paper.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from .records import Chunk, Paper, PaperSummary
from .settings import Settings

DONE, PENDING = "done", "pending"
# Chroma's sqlite backend caps one write at a few thousand records.
WRITE_BATCH = 1000
READ_BATCH = 5000
"""Records one get reads (sqlite allows 32,766 variables in one statement)."""
_CLIENTS: dict[str, object] = {}
_CLIENTS_LOCK = threading.Lock()


def make_client(settings: Settings):
    """One Chroma client per index location per process: embedded, or HTTP when chroma_url is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    key = settings.chroma_url or str(settings.chroma_path.resolve())
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            if settings.chroma_url:
                url = urlparse(settings.chroma_url)
                _CLIENTS[key] = chromadb.HttpClient(
                    host=url.hostname or "127.0.0.1",
                    port=url.port or 8000,
                    ssl=url.scheme == "https",
                    settings=chroma_settings,
                )
            else:
                settings.chroma_path.mkdir(parents=True, exist_ok=True)
                _CLIENTS[key] = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
        return _CLIENTS[key]


def _provenance(value) -> dict[str, str]:
    """The registry's provenance JSON as a dict ({} for papers indexed before it was kept)."""
    try:
        data = json.loads(str(value or "{}"))
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _in_batches(values: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Store:
    """The chunk collection and the paper registry of one index."""

    def __init__(self, client, collection_name: str, *, served: bool = False, token_file: Path | None = None) -> None:
        self.client = client
        self.collection_name = collection_name
        self.served = served
        """True when a Chroma server holds the index (and its vectors), False when it is in this process."""
        self.token_file = token_file
        """A file every registry write through this class renews (None: not kept, as for a Chroma server)."""
        self.chunks = client.get_or_create_collection(
            collection_name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        self.papers = client.get_or_create_collection(f"{collection_name}-papers", embedding_function=None)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Store":
        """The store the settings point at."""
        served = bool(settings.chroma_url)
        token_file = None if served else settings.chroma_path / f"{settings.collection_name}.registry-token"
        return cls(make_client(settings), settings.collection_name, served=served, token_file=token_file)

    # -- the registry token -----------------------------------------------------------------

    def registry_token(self) -> str:
        """What the token file holds now ("" when none is kept): unchanged means the registry has not been written through a Store.

        Reading the registry costs 0.2 ms a paper (seconds at 40,000 papers); this is one small file.
        A reader still reads the registry itself now and then, for writes that did not come through Store.
        """
        if self.token_file is None:
            return ""
        try:
            return self.token_file.read_text()
        except OSError:
            return ""

    def _renew_token(self) -> None:
        # Renewed before and after each write, so a token read while a write runs is never the last one.
        if self.token_file is None:
            return
        with contextlib.suppress(OSError):
            self.token_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.token_file.with_name(f"{self.token_file.name}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_text(f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}")
            os.replace(temporary, self.token_file)

    # -- the registry -----------------------------------------------------------------------

    def registry(self) -> dict[str, dict]:
        """paper_id -> registry metadata for every paper, done or pending.

        Read READ_BATCH papers at a time: one get of every paper failed above 32,766 of them
        ("too many SQL variables", Chroma 1.5's sqlite), which failed every question of the
        1,000,000-chunk bench (39,539 papers). A read that a write through a Store overlapped (the
        token changed) is read again, as pages can shift under a write.
        """
        for _ in range(3):
            token = self.registry_token()
            out: dict[str, dict] = {}
            offset = 0
            while True:
                records = self.papers.get(include=["metadatas"], limit=READ_BATCH, offset=offset)
                out.update((pid, dict(meta or {})) for pid, meta in zip(records["ids"], records["metadatas"]))
                offset += READ_BATCH
                if len(records["ids"]) < READ_BATCH:
                    break
            if self.registry_token() == token:
                break
        return out

    def summaries(self, registry: dict[str, dict] | None = None) -> list[PaperSummary]:
        """Every fully ingested paper, in meeting date order; registry: registry(), if read (at 40,000 papers a read is seconds)."""
        out = []
        for pid, meta in (self.registry() if registry is None else registry).items():
            if meta.get("status") != DONE:
                continue
            out.append(
                PaperSummary(
                    paper_id=pid,
                    sha256=str(meta["sha256"]),
                    source=str(meta["source"]),
                    council=str(meta["council"]),
                    committee=str(meta["committee"]),
                    meeting_date=str(meta["meeting_date"]),
                    doc_type=str(meta["doc_type"]),
                    title=str(meta["title"]),
                    items=tuple(tuple(i) for i in json.loads(str(meta["items"]))),
                    pages=int(meta["pages"]),
                    chunks=int(meta["chunks"]),
                    source_url=str(meta.get("source_url", "")),
                    provenance=_provenance(meta.get("provenance")),
                )
            )
        return sorted(out, key=lambda s: (s.meeting_date, s.source))

    def page_texts(self, paper_id: str) -> list[str]:
        """The cleaned text of every page of a paper, as ingested (for quote checks)."""
        records = self.papers.get(ids=[paper_id], include=["documents"])
        if not records["ids"] or not records["documents"][0]:
            return []
        return list(json.loads(records["documents"][0])["pages"])

    @staticmethod
    def _pending(paper: Paper, chunk_count: int) -> dict:
        return {
            "status": PENDING,
            "sha256": paper.sha256,
            "source": paper.source,
            "council": paper.meeting.council,
            "committee": paper.meeting.committee,
            "meeting_date": paper.meeting.meeting_date,
            "doc_type": paper.doc_type,
            "title": paper.title,
            "items": json.dumps([(i.number, i.title) for i in paper.items]),
            "pages": len(paper.pages),
            "chunks": chunk_count,
            "source_url": paper.source_url,
            "provenance": json.dumps(paper.provenance, sort_keys=True),
        }

    # -- writes -------------------------------------------------------------------------------

    def write_papers(self, papers: Sequence[tuple[Paper, Sequence[Chunk], Sequence[Sequence[float]]]]) -> None:
        """Replace the chunks of these (paper, chunks, vectors), every paper pending until all are written.

        One registry write, one delete and one upsert per WRITE_BATCH chunks for them all, not for each
        paper: a Chroma write costs some 15 ms of CPU whatever its size.
        """
        ids = [paper.paper_id for paper, _, _ in papers]
        self._renew_token()
        self.papers.upsert(
            ids=ids,
            embeddings=[[1.0]] * len(ids),
            metadatas=[self._pending(paper, len(chunks)) for paper, chunks, _ in papers],
            documents=[json.dumps({"pages": [p.text for p in paper.pages]}) for paper, _, _ in papers],
        )
        self.chunks.delete(where={"paper_id": {"$in": ids}})
        chunks = [chunk for _, paper_chunks, _ in papers for chunk in paper_chunks]
        vectors = [vector for _, _, paper_vectors in papers for vector in paper_vectors]
        for batch in _in_batches(range(len(chunks)), WRITE_BATCH):
            self.chunks.upsert(
                ids=[chunks[i].chunk_id for i in batch],
                embeddings=[list(vectors[i]) for i in batch],
                documents=[chunks[i].text for i in batch],
                metadatas=[chunks[i].to_metadata() for i in batch],
            )
        # Chroma merges updated metadata into what is there: only the status changes.
        self.papers.update(ids=ids, metadatas=[{"status": DONE}] * len(ids))
        self._renew_token()

    def remove_paper(self, paper_id: str) -> None:
        """Delete a paper and its chunks; a run killed half-way leaves it pending for the next run."""
        self._renew_token()
        records = self.papers.get(ids=[paper_id], include=["metadatas"])
        if records["ids"]:
            meta = dict(records["metadatas"][0] or {})
            meta["status"] = PENDING
            self.papers.update(ids=[paper_id], metadatas=[meta])
        self.chunks.delete(where={"paper_id": paper_id})
        self.papers.delete(ids=[paper_id])
        self._renew_token()

    # -- reads --------------------------------------------------------------------------------

    def done_papers(self, registry: dict[str, dict] | None = None) -> dict[str, int]:
        """paper id -> chunk count of every fully ingested paper (what a reader may show); registry: registry(), if read."""
        registry = self.registry() if registry is None else registry
        return {pid: int(meta.get("chunks", 0)) for pid, meta in registry.items() if meta.get("status") == DONE}

    def all_chunks(self, *, with_vectors: bool = False, done: set[str] | None = None) -> tuple[list[Chunk], np.ndarray | None]:
        """Every chunk of every done paper (for the keyword index) and, with_vectors, their vectors.

        The vectors are unit-length float32 rows in the order of the chunks; None when not asked for or
        when there are no chunks. done: the paper ids to keep (default: the registry's done papers now).
        """
        done = set(self.done_papers()) if done is None else done
        return self._read_chunks(lambda offset: {"limit": 5000, "offset": offset}, self.chunks.count(), with_vectors, done)

    def chunks_of(self, paper_ids: Sequence[str], *, with_vectors: bool = False) -> tuple[list[Chunk], np.ndarray | None]:
        """The chunks (and vectors) of these papers, in paper then chunk order: what an update of the keyword index fetches."""
        out: list[Chunk] = []
        rows: list[np.ndarray] = []
        for batch in _in_batches(list(paper_ids), 200):
            chunks, vectors = self._read_chunks(lambda _: {"where": {"paper_id": {"$in": list(batch)}}}, 1, with_vectors, set(batch))
            out += chunks
            if vectors is not None:
                rows.append(vectors)
        order = sorted(range(len(out)), key=lambda i: (out[i].paper_id, out[i].ordinal))
        vectors = np.concatenate(rows)[order] if rows else None
        return [out[i] for i in order], vectors

    def _read_chunks(self, query, total: int, with_vectors: bool, done: set[str]) -> tuple[list[Chunk], np.ndarray | None]:
        out: list[Chunk] = []
        rows: list[np.ndarray] = []
        include = ["documents", "metadatas", "embeddings"] if with_vectors else ["documents", "metadatas"]
        for offset in range(0, total, 5000):
            records = self.chunks.get(include=include, **query(offset))
            keep = [i for i, meta in enumerate(records["metadatas"]) if meta and meta.get("paper_id") in done]
            out += [Chunk.from_metadata(records["ids"][i], records["documents"][i] or "", records["metadatas"][i]) for i in keep]
            if with_vectors and keep:
                rows.append(np.asarray(records["embeddings"], dtype=np.float32)[keep])
        if not rows:
            return out, None
        vectors = np.concatenate(rows)
        # Chroma's cosine space compares directions; unit rows make a dot product the same cosine.
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return out, vectors

    def nearest(self, vector: Sequence[float], k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine distance) of the k chunks nearest a vector that pass a where clause, nearest first.

        Chroma's own query, as LangChain's Chroma vector store made it: importing langchain_chroma cost
        ~0.25-0.4 s of every start-up (its tracers and retrievers) for a call this size.
        """
        found = self.chunks.query(query_embeddings=[list(vector)], n_results=k, where=where, include=["distances"])
        return list(zip(found["ids"][0], found["distances"][0]))

    def stamp(self, done: dict[str, int] | None = None) -> str:
        """Changes whenever the done papers or their chunk counts change (keeps the keyword index in step); done: done_papers(), if read.

        Made from the registry alone: counting the chunk collection as well cost 0.2 s at 50k chunks
        (4 s at 1M) on every check, and every chunk write goes through a registry write (write_papers).
        """
        done = self.done_papers() if done is None else done
        digest = hashlib.sha256("\n".join(f"{pid} {done[pid]}" for pid in sorted(done)).encode()).hexdigest()[:16]
        return f"{len(done)}:{digest}"
