"""The embedders: the int8 ONNX export of the packaged model against the float model, and the backend setting."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.settings import Settings

TEXTS = [
    "Cabinet approved the Social Value Policy and its framework of themes, outcomes and measures.",
    "Local spend with suppliers in the borough rose by £28m to £105m in the year.",
    "The council was accredited as a Living Wage Employer.",
    "Apprenticeships",
    "",
]


def test_the_backend_and_its_quantisation_are_part_of_the_collection_name(tmp_path):
    int8 = Settings(index_dir=tmp_path, embed_backend="onnx-int8")
    float32 = Settings(index_dir=tmp_path, embed_backend="torch")
    assert int8.collection_name != float32.collection_name
    assert Settings(index_dir=tmp_path).embed_backend == "onnx-int8"


def test_the_settings_name_the_embedder(tmp_path):
    from ingest.embedding import OnnxEmbeddings, SentenceTransformerEmbeddings, embeddings_for

    assert isinstance(embeddings_for(Settings(index_dir=tmp_path)), OnnxEmbeddings)
    assert isinstance(embeddings_for(Settings(index_dir=tmp_path, embed_backend="torch")), SentenceTransformerEmbeddings)
    assert embeddings_for(Settings(index_dir=tmp_path)).folder.parent == tmp_path / "models"


@pytest.mark.slow
def test_the_int8_model_is_exported_once_and_points_where_the_float_model_does(tmp_path, real_embeddings):
    from ingest.embedding import ONNX_FILE, OnnxEmbeddings

    settings = Settings(index_dir=tmp_path)
    onnx = OnnxEmbeddings(settings.model_path, settings.model_cache)
    # As in a command line with no logging set up: the export must not give the root logger a handler
    # (onnxruntime's logging.warning() would, and every library's debug lines would then print).
    import logging

    root = logging.getLogger()
    handlers, root.handlers = root.handlers, []
    try:
        vectors = np.array(onnx.embed_documents(TEXTS))
        assert root.handlers == []
    finally:
        root.handlers = handlers
    exported = onnx.folder / ONNX_FILE
    assert exported.is_file()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    reference = np.array(real_embeddings.embed_documents(TEXTS))
    # int8 weights move each vector a little (cosine ~0.99 with the float model's), never far.
    assert (vectors * reference).sum(axis=1).min() > 0.95
    # Batching and the order of texts do not change a text's vector (texts are sorted by length inside).
    assert np.allclose(np.array(onnx.embed_documents(TEXTS[::-1]))[::-1], vectors, atol=1e-5)
    assert np.allclose(onnx.embed_query(TEXTS[0]), vectors[0], atol=1e-5)
    stamp = exported.stat().st_mtime_ns
    OnnxEmbeddings(settings.model_path, settings.model_cache).embed_query("again")
    assert exported.stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_the_int8_model_ranks_the_parking_chunk_first(tmp_path):
    from ingest.embedding import OnnxEmbeddings

    settings = Settings(index_dir=tmp_path)
    onnx = OnnxEmbeddings(settings.model_path, settings.model_cache)
    chunks = [
        "Car parking charges in the town centre will rise from April.",
        "Social value commitments secured through council contracts.",
        "The council's apprenticeship levy funded forty places.",
    ]
    scores = np.array(onnx.embed_documents(chunks)) @ np.array(onnx.embed_query("How much will it cost to park in town?"))
    assert int(np.argmax(scores)) == 0
