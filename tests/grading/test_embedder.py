"""The Embedder on the real bundled MiniLM model: shapes, normalisation, caching, dedup and errors."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from grading.bert_encoder import BertEncoder
from grading.embedder import Embedder, SentenceTransformerEncoder
from grading.embedding_cache import EmbeddingCache
from question_bank.errors import TentaError
from tests.conftest import MODELS_DIR

REFERENCE = "Dropout randomly deactivates a fraction of neurons during training to reduce overfitting."
PARAPHRASE = "During training, dropout switches off random units so the network does not overfit."
UNRELATED = "The train to Uppsala leaves from platform four at noon."


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


def test_minilm_rows_are_unit_float32(minilm_embedder: Embedder) -> None:
    vectors = minilm_embedder.encode([REFERENCE, PARAPHRASE, UNRELATED])
    assert vectors.shape == (3, minilm_embedder.dimension)
    assert minilm_embedder.dimension == 384
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_minilm_separates_paraphrase_from_unrelated(minilm_embedder: Embedder) -> None:
    reference, paraphrase, unrelated = minilm_embedder.encode([REFERENCE, PARAPHRASE, UNRELATED])
    assert cosine(reference, paraphrase) > 0.6
    assert cosine(reference, unrelated) < 0.2
    assert minilm_embedder.model_id == "all-MiniLM-L6-v2"
    assert minilm_embedder.query_prefix == ""


def test_empty_input_gives_empty_matrix(minilm_embedder: Embedder) -> None:
    vectors = minilm_embedder.encode([])
    assert vectors.shape == (0, minilm_embedder.dimension)
    assert vectors.dtype == np.float32


def test_single_string_is_rejected(minilm_embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        minilm_embedder.encode("not a list")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be str"):
        minilm_embedder.encode([REFERENCE, None])  # type: ignore[list-item]


def test_lean_encoder_equals_sentence_transformers(minilm_embedder: Embedder) -> None:
    """The memory-mapped BERT runtime gives sentence-transformers' vectors, packed or alone."""
    from sentence_transformers import SentenceTransformer

    assert isinstance(minilm_embedder._model, BertEncoder)
    texts = [REFERENCE, PARAPHRASE, UNRELATED, "Ja.", "x" * 3000, "ÅÄÖ åäö"] + [
        f"Sentence number {index} about gradient descent." for index in range(40)
    ]
    reference = SentenceTransformer(str(minilm_embedder.path), device="cpu").encode(
        texts, normalize_embeddings=True
    )
    packed = minilm_embedder._model.encode(texts, batch_size=256)
    np.testing.assert_allclose(packed, reference, atol=2e-6)
    alone = np.stack([minilm_embedder._model.encode([text], batch_size=1)[0] for text in texts[:6]])
    np.testing.assert_allclose(alone, reference[:6], atol=2e-6)


def test_other_pooling_falls_back_to_sentence_transformers(minilm_embedder: Embedder, tmp_path: Path) -> None:
    """A folder the lean runtime cannot reproduce (CLS pooling) loads through sentence-transformers."""
    folder = tmp_path / "cls-model"
    shutil.copytree(minilm_embedder.path, folder, ignore=shutil.ignore_patterns("model.safetensors"))
    (folder / "model.safetensors").symlink_to(minilm_embedder.path / "model.safetensors")
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    pooling.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling), encoding="utf-8")
    embedder = Embedder.load(str(folder), models_dir=MODELS_DIR)
    assert isinstance(embedder._model, SentenceTransformerEncoder)
    cls_vector, long_vector = embedder.encode([REFERENCE, "word " * 400])
    (mean_vector,) = minilm_embedder.encode([REFERENCE])
    assert 0.3 < float(cls_vector @ mean_vector) < 0.9999
    np.testing.assert_allclose(np.linalg.norm(long_vector), 1.0, atol=1e-5)
    assert embedder.token_ids("hello")[0] == minilm_embedder.token_ids("hello")[0]


def test_duplicates_are_encoded_once_and_deterministic(minilm_embedder: Embedder) -> None:
    text = "Batch normalisation keeps activations in a stable range — även på svenska."
    before = minilm_embedder.model_calls
    vectors = minilm_embedder.encode([text, UNRELATED, text, text])
    assert minilm_embedder.model_calls - before == 2
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[0], vectors[3])
    again = minilm_embedder.encode([text])
    np.testing.assert_allclose(again[0], vectors[0], atol=1e-6)


def test_odd_text_is_encoded(minilm_embedder: Embedder) -> None:
    texts = [
        "",
        " ",
        "<think>hmm</think>",
        "def f(x):\n    return x**2",
        "åäö ÅÄÖ ✓ \u200b",
        "x" * 5000,
        "nul\x00byte",
        "lone \ud800 surrogate",
        "pair \ud83d\ude00 from JSON",
    ]
    vectors = minilm_embedder.encode(texts)
    assert vectors.shape == (len(texts), 384)
    assert np.all(np.isfinite(vectors))


@pytest.fixture
def cached_minilm(minilm_embedder: Embedder, tmp_path: Path) -> Embedder:
    """The session's MiniLM model behind a fresh on-disk cache in tmp_path."""
    cache = EmbeddingCache(tmp_path / "embeddings" / "embeddings.sqlite3")
    return Embedder(
        minilm_embedder._model,
        model_id=minilm_embedder.model_id,
        path=minilm_embedder.path,
        query_prefix=minilm_embedder.query_prefix,
        cache=cache,
    )


def test_warm_cache_returns_identical_vectors_without_the_model(
    cached_minilm: Embedder, tmp_path: Path
) -> None:
    texts = [REFERENCE, PARAPHRASE, UNRELATED]
    cold = cached_minilm.encode(texts)
    assert cached_minilm.model_calls == 3
    warm = cached_minilm.encode(list(reversed(texts)))
    assert cached_minilm.model_calls == 3
    np.testing.assert_array_equal(warm, cold[::-1])

    fresh_process_cache = EmbeddingCache(tmp_path / "embeddings" / "embeddings.sqlite3")
    stored = fresh_process_cache.get_many(cached_minilm.model_id, texts, dimension=384)
    assert set(stored) == set(texts)
    np.testing.assert_array_equal(stored[REFERENCE], cold[0])
    assert fresh_process_cache.get_many("another-model", texts, dimension=384) == {}


def test_cache_is_plain_sqlite_blobs(cached_minilm: Embedder, tmp_path: Path) -> None:
    cached_minilm.encode([REFERENCE])
    database = tmp_path / "embeddings" / "embeddings.sqlite3"
    with sqlite3.connect(database) as connection:
        (blob,) = connection.execute("SELECT vector FROM vectors").fetchone()
    assert len(blob) == 384 * 4


def test_damaged_cache_entry_is_recomputed(cached_minilm: Embedder, tmp_path: Path) -> None:
    cold = cached_minilm.encode([REFERENCE])
    database = tmp_path / "embeddings" / "embeddings.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE vectors SET vector = ?", (b"\x00" * 10,))
    again = cached_minilm.encode([REFERENCE])
    assert cached_minilm.model_calls == 2
    np.testing.assert_allclose(again, cold, atol=1e-6)


def test_unreadable_cache_file_does_not_break_encoding(minilm_embedder: Embedder, tmp_path: Path) -> None:
    garbage = tmp_path / "embeddings.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    embedder = Embedder(
        minilm_embedder._model,
        model_id=minilm_embedder.model_id,
        path=minilm_embedder.path,
        cache=EmbeddingCache(garbage),
    )
    vectors = embedder.encode([REFERENCE])
    assert vectors.shape == (1, 384)


def test_load_with_cache_dir_creates_cache(tmp_path: Path) -> None:
    embedder = Embedder.load("all-MiniLM-L6-v2", models_dir=MODELS_DIR, cache_dir=tmp_path / "cache")
    embedder.encode([REFERENCE])
    assert (tmp_path / "cache" / "embeddings.sqlite3").is_file()


def test_missing_model_folder_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(TentaError, match="no-such-model") as raised:
        Embedder.load(str(missing), models_dir=MODELS_DIR)
    assert "\n" not in raised.value.message


def test_corrupt_model_folder_names_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "broken-model"
    folder.mkdir()
    (folder / "modules.json").write_text("{ not json", encoding="utf-8")
    (folder / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(TentaError, match="broken-model") as raised:
        Embedder.load(str(folder), models_dir=MODELS_DIR)
    assert "\n" not in raised.value.message


def test_model_by_path_loads_and_gets_a_stable_id(minilm_embedder: Embedder) -> None:
    by_path = Embedder.load(str(minilm_embedder.path), models_dir=MODELS_DIR)
    again = Embedder.load(str(minilm_embedder.path), models_dir=MODELS_DIR)
    assert by_path.model_id == again.model_id
    assert by_path.model_id.startswith("model@")
    np.testing.assert_allclose(by_path.encode([REFERENCE]), minilm_embedder.encode([REFERENCE]), atol=1e-6)


def test_long_text_is_read_to_the_end(minilm_embedder: Embedder) -> None:
    """Texts longer than the model's input are encoded in windows, so their endings still count."""
    filler = "Neural networks are trained with gradient descent on a loss function. " * 40
    assert len(minilm_embedder.token_ids(filler)) > minilm_embedder.max_tokens
    about_dropout, about_trains = minilm_embedder.encode([filler + REFERENCE * 10, filler + UNRELATED * 10])
    assert float(about_dropout @ about_trains) < 0.98
    (dropout,) = minilm_embedder.encode([REFERENCE])
    assert float(about_dropout @ dropout) > float(about_trains @ dropout)
    np.testing.assert_allclose(np.linalg.norm(about_dropout), 1.0, atol=1e-5)
