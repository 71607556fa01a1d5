"""Fakes that implement the real interfaces, for tests that do not need torch."""

from __future__ import annotations

import hashlib
import math

from langchain_core.embeddings import Embeddings

from assistant.text import tokens
from ingest.records import Chunk

FAKE_CALIBRATION = {"min_dense": 0.2, "sure_dense": 0.5, "max_unseen": 0.65}
"""Refusal thresholds for the bucket embedder: its cosines and tiny test corpora sit far below the real
model's, whose thresholds (assistant.settings) were set on the gold set."""


class BucketEmbeddings(Embeddings):
    """Hashes each stemmed word into one of `dim` buckets: texts sharing words are close."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for token in tokens(text):
            vector[int(hashlib.md5(token.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        self.calls += 1
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """The vector of a query."""
        return self._vector(text)


def make_chunk(text: str, *, paper: str = "p", ordinal: int = 0, **fields) -> Chunk:
    """A chunk of one paper with every field a citation needs; `fields` overrides any of them."""
    values = dict(
        chunk_id=f"{paper}:{ordinal:05d}", paper_id=paper, source=f"{paper}.pdf", council="Kent County Council", committee="Cabinet",
        meeting_date="2025-01-30", item="5", title="Budget", doc_type="report", page_start=1, page_end=1, text=text, ordinal=ordinal,
    )
    return Chunk(**(values | fields))
