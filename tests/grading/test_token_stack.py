"""TokenStack (grading.tokens) aligns an answer with many texts in one matrix product; it must give what
`align` gives text by text, whatever the texts' lengths, empty texts and question tokens."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from grading.embedder import Embedder
from grading.features import point_token_coverage, token_features
from grading.grader import Grader
from grading.retrieval import GradedAnswerIndex
from grading.tokens import NO_ALIGNMENT, TokenStack, TokenStates, align
from question_bank.loader import BankCatalog

DIMENSION = 16
ANSWERS = Path(__file__).resolve().parents[1] / "data" / "dl_course_answers.jsonl"


def _random_states(
    rng: np.random.Generator, length: int, *, copied_from: TokenStates | None = None
) -> TokenStates:
    """`length` random unit tokens (ids 0..29, so some are question tokens), weights like rarity's;
    with `copied_from`, every other token is one of its tokens, so some align above ALIGNED."""
    vectors = rng.normal(size=(length, DIMENSION)).astype(np.float32)
    ids = rng.integers(0, 30, size=length).astype(np.int32)
    if copied_from is not None and len(copied_from):
        picks = rng.integers(0, len(copied_from), size=length)
        noise = 0.1 * rng.normal(size=(length, DIMENSION)).astype(np.float32)
        vectors[::2] = copied_from.vectors[picks[::2]] + noise[::2]
        ids[::2] = copied_from.ids[picks[::2]]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    weights = rng.uniform(0.5, 9.0, size=length).astype(np.float32)
    return TokenStates(ids, vectors, weights)


def _assert_same_as_align(
    texts: list[TokenStates], answer: TokenStates, question_ids: np.ndarray, floor: float
) -> None:
    stacked = TokenStack.of(texts, question_ids).align(answer, floor)
    plain = [align(text, answer, question_ids, floor) for text in texts]
    assert len(stacked.recall) == len(texts)
    np.testing.assert_allclose(stacked.recall, [a.recall for a in plain], rtol=0, atol=1e-12)
    np.testing.assert_allclose(stacked.precision, [a.precision for a in plain], rtol=0, atol=1e-12)
    np.testing.assert_allclose(stacked.hard_recall, [a.hard_recall for a in plain], rtol=0, atol=1e-12)
    np.testing.assert_allclose(stacked.f1, [a.f1 for a in plain], rtol=0, atol=1e-12)
    expected_best = max(plain, key=lambda alignment: alignment.recall, default=NO_ALIGNMENT)
    best = stacked.best()
    assert (best.recall, best.precision, best.hard_recall) == pytest.approx(
        (expected_best.recall, expected_best.precision, expected_best.hard_recall), abs=1e-12
    )


@pytest.mark.parametrize("floor", [0.0, 0.68])
@pytest.mark.parametrize(
    "lengths",
    [
        [1],
        [7],
        [1, 1, 1],
        [3, 1, 12, 2, 40],
        [0, 5, 0, 0, 9, 0],
        [6, 0],
        [0, 0, 0],
        [],
    ],
)
def test_stacked_alignment_equals_aligning_each_text(lengths: list[int], floor: float) -> None:
    rng = np.random.default_rng(len(lengths) * 100 + sum(lengths))
    answer = _random_states(rng, 11)
    texts = [_random_states(rng, length, copied_from=answer) for length in lengths]
    for question_ids in (np.zeros(0, np.int32), np.array([3, 7, 11, 19], np.int32)):
        _assert_same_as_align(texts, answer, question_ids, floor)
    one_token_answer = _random_states(rng, 1)
    _assert_same_as_align(texts, one_token_answer, np.array([3], np.int32), floor)


def test_copied_tokens_count_as_hard_recall_in_the_stack() -> None:
    """The random cases above must reach the hard threshold, or hard recall would go untested."""
    rng = np.random.default_rng(1)
    answer = _random_states(rng, 11)
    texts = [_random_states(rng, 8, copied_from=answer), _random_states(rng, 8)]
    hard = TokenStack.of(texts, np.zeros(0, np.int32)).align(answer, 0.0).hard_recall
    assert hard[0] > 0.2
    assert hard[1] == 0.0


def test_an_empty_answer_or_stack_aligns_with_nothing() -> None:
    rng = np.random.default_rng(2)
    texts = [_random_states(rng, 4), _random_states(rng, 9)]
    nothing = TokenStack.of(texts, np.zeros(0, np.int32)).align(TokenStates.empty(DIMENSION), 0.5)
    assert nothing.recall.tolist() == nothing.precision.tolist() == nothing.f1.tolist() == [0.0, 0.0]
    assert nothing.best() == NO_ALIGNMENT
    no_texts = TokenStack.of([], np.zeros(0, np.int32)).align(_random_states(rng, 5), 0.5)
    assert len(no_texts.recall) == 0
    assert no_texts.best() == NO_ALIGNMENT


def test_grading_features_equal_aligning_each_wording_reference_and_graded_answer(
    e5_embedder: Embedder,
) -> None:
    """On a real dl-course question (points with Swedish and English wordings) and real answers."""
    bank = BankCatalog(None).load("dl-course")
    records = [json.loads(line) for line in ANSWERS.read_text(encoding="utf-8").splitlines()]
    number = max(
        {record["question_number"] for record in records}, key=lambda n: len(bank.question(n).rubric)
    )
    question = bank.question(number)
    answers = [record["student_answer"] for record in records if record["question_number"] == number][:6]
    grader = Grader.create(e5_embedder)
    profile = grader.profile(question)
    floor = grader.scoring.token_floor
    question_ids = profile.question_ids
    _, states = e5_embedder.encode_with_tokens(answers, remember=False)
    assert len(profile.points) >= 2 and sum(len(point.tokens) for point in profile.points) >= 3
    examples = GradedAnswerIndex(np.eye(len(states), 8, dtype=np.float32), [1.0, 0.0] * 3, tokens=states)
    for answer in states:
        expected = [
            max(align(w, answer, question_ids, floor).recall for w in point.tokens)
            for point in profile.points
        ]
        coverage = point_token_coverage(profile, answer, floor)
        assert coverage == pytest.approx(expected, abs=1e-12)
        best = max(
            (align(reference, answer, question_ids, floor) for reference in profile.reference_tokens),
            key=lambda alignment: alignment.recall,
        )
        values = token_features(profile, answer, floor)
        assert (values["tok_recall"], values["tok_precision"], values["tok_hard"]) == pytest.approx(
            (best.recall, best.precision, best.hard_recall), abs=1e-12
        )
        agreement = examples.token_agreement(answer, floor)
        plain = [align(other, answer, np.zeros(0, np.int32), floor).f1 for other in states]
        np.testing.assert_allclose(agreement, plain, rtol=0, atol=1e-12)
