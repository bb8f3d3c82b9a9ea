"""The lean encoder's memory behaviour: weights read, not mapped, where mapping would cost RSS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from grading.bert_encoder import WEIGHTS_FILE, BertEncoder, MappedSafetensors
from grading.embedder import Embedder

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads Linux /proc")


def _memory_mb() -> dict[str, float]:
    lines = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    fields = dict(line.split(":", 1) for line in lines)
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM", "RssFile")}


def test_stored_rows_equal_the_mapped_matrix(minilm_embedder: Embedder) -> None:
    weights = MappedSafetensors(minilm_embedder.path / WEIGHTS_FILE)
    name = next(name for name in weights.names() if name.endswith("word_embeddings.weight"))
    mapped = weights.tensor(name, (weights.rows(name), 384))
    stored = weights.stored_rows(name, 384)
    ids = np.array([0, 101, 102, 30521, 101, 7592], dtype=np.int64)
    assert torch.equal(stored.gather(ids), mapped[torch.from_numpy(ids)])
    assert stored.gather(np.array([], dtype=np.int64)).shape == (0, 384)
    with pytest.raises(ValueError, match="row ids"):
        stored.gather(np.array([weights.rows(name)]))


def test_released_weights_leave_resident_memory_and_read_back_equal(minilm_embedder: Embedder) -> None:
    """The fused q/k/v projections' mapped originals are dropped; a later read sees the file again."""
    weights = MappedSafetensors(minilm_embedder.path / WEIGHTS_FILE)
    name = next(name for name in weights.names() if name.endswith("word_embeddings.weight"))
    matrix = weights.tensor(name, (weights.rows(name), 384))
    before = _memory_mb()["RssFile"]
    snapshot = matrix.numpy().copy()  # touches every page of the 47 MB matrix
    assert _memory_mb()["RssFile"] - before > 30
    weights.release(name)
    assert _memory_mb()["RssFile"] - before < 5
    np.testing.assert_array_equal(matrix.numpy(), snapshot)


@pytest.mark.e5
def test_a_batch_of_scattered_tokens_keeps_the_embedding_matrix_off_resident_memory(
    e5_embedder: Embedder,
) -> None:
    """Thousands of distinct tokens (every language at once) must not pull the 384 MB matrix in.

    Gathering through the mapping made the kernel map ~250 KB around each row touched: this batch
    then peaked 250+ MB above where it started. Read row by row, activations are all it adds.
    """
    encoder = e5_embedder._model
    assert isinstance(encoder, BertEncoder)
    encoder.encode(["query: warm up"], batch_size=1)  # layer weights resident before measuring
    rng = np.random.default_rng(7)
    pieces = [encoder.tokenizer.id_to_token(int(token)) or "" for token in rng.integers(5, 250_000, 3000)]
    texts = ["query: " + " ".join(pieces[start : start + 30]) for start in range(0, len(pieces), 30)]
    before = _memory_mb()
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")  # restart the peak (VmHWM) here
    vectors = encoder.encode(texts, batch_size=256)
    after = _memory_mb()
    assert vectors.shape == (len(texts), 384)
    assert after["RssFile"] - before["RssFile"] < 10
    assert after["VmHWM"] - before["VmRSS"] < 150
