"""Soft token alignment (grading.tokens), its on-disk cache, and the token states the real models give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grading.embedder import Embedder
from grading.embedding_cache import EmbeddingCache
from grading.grader import GradedExample, Grader
from grading.tokens import TokenStates, align, question_echo, rarity_weights
from question_bank.models import Question


def _states(ids: list[int], seed: int = 0, dimension: int = 8) -> TokenStates:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(len(ids), dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return TokenStates(np.array(ids, dtype=np.int32), vectors, np.ones(len(ids), dtype=np.float32))


def test_identical_text_aligns_fully_and_an_empty_answer_not_at_all() -> None:
    reference = _states([5, 6, 7])
    assert align(reference, reference, np.zeros(0, np.int32), floor=0.0).recall == pytest.approx(1.0)
    empty = TokenStates.empty(8)
    assert align(reference, empty, np.zeros(0, np.int32), floor=0.0).f1 == 0.0
    assert question_echo(empty, reference, floor=0.0) == 0.0


def test_restating_question_tokens_earns_little_recall() -> None:
    reference = _states([1, 2, 3, 4])
    answer = TokenStates(reference.ids[:2], reference.vectors[:2], reference.weights[:2])
    plain = align(reference, answer, np.zeros(0, np.int32), floor=0.0)
    restating = align(reference, answer, np.array([1, 2], np.int32), floor=0.0)
    assert restating.recall < plain.recall


def test_rare_pieces_weigh_more() -> None:
    weights = rarity_weights(np.array([-2.0, -9.0, -14.0]))
    assert weights[0] < weights[1] < weights[2]


def test_token_states_survive_the_cache_and_damaged_entries_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite3"
    states = _states([10, 11, 12], seed=3)
    EmbeddingCache(path).put_tokens("model", {"some text": states})
    again = EmbeddingCache(path).get_tokens("model", ["some text", "other"], dimension=8)
    assert list(again) == ["some text"]
    np.testing.assert_array_equal(again["some text"].ids, states.ids)
    np.testing.assert_allclose(again["some text"].vectors, states.vectors, atol=1e-3)
    assert EmbeddingCache(path).get_tokens("model", ["some text"], dimension=16) == {}


@pytest.mark.parametrize("fixture", ["minilm_embedder", "e5_embedder"])
def test_models_give_token_states_from_the_same_pass(fixture: str, request: pytest.FixtureRequest) -> None:
    embedder: Embedder = request.getfixturevalue(fixture)
    texts = ["Dropout switches off random neurons during training.", "Overfitting is reduced."]
    vectors, tokens = embedder.encode_with_tokens(texts)
    np.testing.assert_allclose(vectors, embedder.encode(texts), atol=1e-5)
    for states in tokens:
        assert len(states) >= 3
        np.testing.assert_allclose(np.linalg.norm(states.vectors, axis=1), 1.0, atol=1e-4)
        assert (states.weights > 0).all()
    # the prefix and special tokens are not part of the text's tokens
    first_piece = embedder.encode_with_tokens(["Dropout"])[1][0]
    assert len(first_piece) <= 3


def test_swedish_answer_aligns_with_english_reference_better_than_unrelated_text(
    e5_embedder: Embedder,
) -> None:
    _, (reference, swedish, unrelated) = e5_embedder.encode_with_tokens(
        [
            "Dropout randomly deactivates a fraction of the neurons during training to prevent overfitting.",
            "Dropout stänger slumpmässigt av en andel av neuronerna under träningen "
            "för att undvika överanpassning.",
            "Keras är ett högnivå-API som körs ovanpå TensorFlow.",
        ]
    )
    none = np.zeros(0, np.int32)
    floor = 0.68
    assert (
        align(reference, swedish, none, floor).recall > align(reference, unrelated, none, floor).recall + 0.1
    )


def test_graded_twin_answer_gets_its_grade_from_the_token_vote(
    minilm_grader: Grader, dropout_question: Question
) -> None:
    twin = "Dropout randomly turns off neurons during training, which reduces overfitting."
    examples = [
        GradedExample(answer=twin, fraction=1.0),
        GradedExample(answer="Dropout is when students leave school early.", fraction=0.0),
        GradedExample(answer="It deletes bad rows from the training data.", fraction=0.0),
    ]
    result = minilm_grader.features(dropout_question, twin, examples=examples)
    assert result is not None
    values = result.values
    assert values["knn_tok_good"] == pytest.approx(1.0, abs=1e-3)
    assert values["knn_sim"] == pytest.approx(1.0, abs=1e-3)  # encoded exactly like the answer
    assert values["knn_tok_top"] == 1.0
    assert values["knn_tok_bad"] < 0.9


def test_restating_the_question_aligns_worse_than_answering_it(
    minilm_grader: Grader, dropout_question: Question
) -> None:
    answering = minilm_grader.features(
        dropout_question, "During training it randomly switches off neurons so the network cannot overfit."
    )
    restating = minilm_grader.features(dropout_question, "Dropout is a regularization technique, what is it?")
    assert answering is not None and restating is not None
    assert answering.values["tok_recall"] > restating.values["tok_recall"]
    assert restating.values["tok_q"] > answering.values["tok_q"]


def test_only_remembered_token_states_reach_the_disk_cache(minilm_embedder: Embedder, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite3")
    embedder = Embedder(
        minilm_embedder._model, model_id=minilm_embedder.model_id, path=minilm_embedder.path, cache=cache
    )
    embedder.encode_with_tokens(["A student's answer."], remember=False)
    embedder.encode_with_tokens(["A reference answer."])
    stored = cache.get_tokens(
        embedder.model_id, ["A student's answer.", "A reference answer."], dimension=384
    )
    assert list(stored) == ["A reference answer."]
    calls = embedder.model_calls
    _, (again,) = embedder.encode_with_tokens(["A reference answer."])
    assert embedder.model_calls == calls
    np.testing.assert_array_equal(again.ids, stored["A reference answer."].ids)
    with pytest.raises(TypeError):
        embedder.encode_with_tokens("a single string")


def test_a_text_longer_than_the_model_input_keeps_the_tokens_of_every_window(
    minilm_embedder: Embedder,
) -> None:
    long_text = " ".join(f"Sentence number {index} talks about gradients and weights." for index in range(80))
    vectors, (states,) = minilm_embedder.encode_with_tokens([long_text])
    assert len(states) > minilm_embedder.max_tokens
    np.testing.assert_allclose(vectors, minilm_embedder.encode([long_text]), atol=1e-5)
