"""Assistant settings: the index settings plus retrieval, answering and serving knobs."""

from __future__ import annotations

from pydantic import Field

from ingest.settings import Settings as IngestSettings


class Settings(IngestSettings):
    """COUNCIL_* environment variables; every field has a default."""

    host: str = Field(default="127.0.0.1", description="Address the app binds to; anything else is an explicit choice.")
    port: int = Field(default=7860, description="Port the app serves on.")
    corpus_dir: str = Field(default="corpus", description="Folder whose PDFs the app may serve and the index mirrors.")
    upload_dir: str = Field(default="uploads", description="Folder where PDFs uploaded through the app are kept.")
    upload_max_bytes: int = Field(default=25_000_000, description="Largest PDF the app accepts as an upload.")
    fusion: str = Field(default="rrf", description="How dense and keyword rankings are fused: rrf or score.")
    retriever: str = Field(default="hybrid", description="hybrid, dense or bm25 (the last two are baselines).")
    top_k: int = Field(default=8, description="Chunks an answer is composed from.")
    fetch_k: int = Field(default=40, description="Candidates each retriever returns before fusion.")
    # A question is a few dozen tokens: a second torch thread gains ~2 ms on a quiet machine, and when
    # the other core is busy each of its waits stalls a query embedding from ~14 ms to 50-480 ms
    # (measured on 2 cores). Concurrent app users are spread over the cores by their own threads.
    embed_threads: int = Field(default=1, description="Torch threads for embedding questions (and uploads in the app); 0 keeps torch's default.")
    refresh_seconds: float = Field(
        default=5.0, description="Seconds between checks for papers another process (ingest build) added to the index; 0: never."
    )
    min_dense: float = Field(default=0.46, description="Refuse when no chunk is this similar to the question (cosine; set on the gold set).")
    sure_dense: float = Field(default=0.60, description="Answer without further checks when a chunk is this similar (set on the gold set).")
    min_coverage: float = Field(default=0.2, description="Between the two: share of the question's idf-weighted terms the best chunks must contain.")
    max_unseen: float = Field(default=0.35, description="Between the two: refuse when this share of the question's weighted terms is unknown to the index.")
    floor_dense: float = Field(default=0.40, description="Below min_dense and above this, answer only when one chunk holds nearly all the question's words.")
    min_one_chunk_coverage: float = Field(default=0.8, description="Between floor_dense and min_dense: share of the question's idf-weighted terms one of the best chunks must contain.")
    llm_base_url: str = Field(default="", description="OpenAI-compatible server URL (llama.cpp, vLLM, LM Studio); empty means no LLM.")
    llm_model: str = Field(default="", description="Model name on the OpenAI-compatible server.")
    llm_api_key: str = Field(default="not-needed", description="API key for the OpenAI-compatible server, if it wants one.")
    ollama_model: str = Field(default="", description="Ollama model name; used when no OpenAI-compatible URL is set.")
    ollama_url: str = Field(default="http://127.0.0.1:11434", description="Ollama server URL.")
    llm_timeout: float = Field(default=60.0, description="Seconds to wait for the LLM before answering without it.")

    @property
    def uses_llm(self) -> bool:
        """Whether a chat model is configured."""
        return bool((self.llm_base_url and self.llm_model) or self.ollama_model)
