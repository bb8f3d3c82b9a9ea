"""Answer groups a teacher can trust: similar wording is not enough, the auto grades must agree too.

The lead's case: five answers to the bundled dl-course dropout question, one of them wrong on the same
topic ("dropout removes outliers"). With the default model (multilingual-e5-small) every answer is
close to every other by cosine, so similarity alone groups the wrong answer with the right ones.
"""

from __future__ import annotations

import numpy as np
import pytest

from grading.embedder import Embedder
from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from quiz.settings import Settings
from quiz.teacher.grouping import (
    AutoGradeProfile,
    agreement_matrix,
    answer_groups,
    cluster,
    default_threshold,
)

QUESTION_ID = "q07-dropout"
RIGHT = [
    "Dropout means that during training a random share of the neurons in a layer is switched off at each "
    "step, so the network cannot rely on single neurons; this reduces overfitting.",
    "Dropout betyder att man under träningen slumpmässigt stänger av en andel av neuronerna i ett lager i "
    "varje steg, så att nätverket inte kan förlita sig på enskilda neuroner och överanpassar mindre.",
    "During training each step randomly switches off a share of a layer's neurons, so the network cannot "
    "depend on single neurons and overfits less.",
]
WRONG = (
    "Dropout removes bad data points (outliers) from the training data so the model does not learn "
    "wrong things."
)
VAGUE = "Dropout is a regularization technique that is used in neural networks."


@pytest.fixture
def e5_ctx(settings: Settings, e5_embedder: Embedder) -> AppContext:
    context = AppContext(settings)
    context.__dict__["embedder"] = e5_embedder
    return context


@pytest.fixture
def graded_dropout_answers(e5_ctx: AppContext) -> dict[str, int]:
    """The five answers stored and auto-graded; text → answer id."""
    bank = e5_ctx.catalog.load("dl-course")
    question = next(question for question in bank.questions if question.id == QUESTION_ID)
    repository = e5_ctx.repository
    answers = [
        repository.submit_answer(
            repository.get_or_create_student(f"student {index}").id, bank, question, text
        )
        for index, text in enumerate([*RIGHT, WRONG, VAGUE])
    ]
    grade_and_store(e5_ctx, answers)
    return {answer.text: answer.id for answer in answers}


def test_a_wrong_answer_on_the_same_topic_is_not_grouped_with_right_ones(
    e5_ctx: AppContext, graded_dropout_answers: dict[str, int]
) -> None:
    groups = answer_groups(e5_ctx.repository, e5_ctx.embedder, "dl-course", QUESTION_ID)

    group_of = {member.answer.text: group.id for group in groups for member in group.members}
    assert all(group_of[WRONG] != group_of[text] for text in RIGHT)
    assert len({group_of[text] for text in RIGHT}) < len(RIGHT), "right answers still share a group"
    # Similarity alone (the old rule) cannot tell them apart: the grades are what keeps them apart.
    vectors = e5_ctx.embedder.encode([*RIGHT, WRONG])
    assert min(float(vectors[-1] @ vectors[row]) for row in range(len(RIGHT))) >= 0.85
    wrong_row = len(RIGHT)
    assert any(wrong_row in rows and len(rows) > 1 for rows in cluster(vectors, 0.85))


def test_a_wrong_answer_stays_out_even_at_a_loose_threshold(
    e5_ctx: AppContext, graded_dropout_answers: dict[str, int]
) -> None:
    groups = answer_groups(e5_ctx.repository, e5_ctx.embedder, "dl-course", QUESTION_ID, threshold=0.5)

    wrong_group = next(group for group in groups if group.member(graded_dropout_answers[WRONG]))
    assert not {member.answer.text for member in wrong_group.members} & set(RIGHT)


def test_the_default_threshold_follows_the_model(e5_embedder: Embedder, minilm_embedder: Embedder) -> None:
    e5, minilm = default_threshold(e5_embedder), default_threshold(minilm_embedder)

    assert 0.88 <= e5 <= 0.95
    assert 0.55 <= minilm <= 0.8
    assert default_threshold(e5_embedder) == e5


def test_grades_agree_within_a_tenth_and_without_a_flipped_key_point() -> None:
    full = AutoGradeProfile(1.0, {"a": "covered", "b": "covered"})
    nearly = AutoGradeProfile(0.92, {"a": "covered", "b": "partial"})
    flipped = AutoGradeProfile(0.95, {"a": "covered", "b": "missing"})
    half = AutoGradeProfile(0.5, {"a": "covered", "b": "missing"})
    ungraded = AutoGradeProfile(None)

    assert full.agrees(nearly) and nearly.agrees(full)
    assert not full.agrees(flipped)
    assert not full.agrees(half)
    assert not full.agrees(ungraded) and ungraded.agrees(AutoGradeProfile(None))
    assert agreement_matrix([full, nearly, half]).tolist() == [
        [True, True, False],
        [True, True, False],
        [False, False, True],
    ]


def test_cluster_keeps_disagreeing_answers_apart_however_close() -> None:
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    agree = np.array([[True, True, False], [True, True, False], [False, False, True]])

    assert cluster(vectors, 0.9, agree) == [[0, 1], [2]]
    assert cluster(vectors, 0.9) == [[0, 1, 2]]
