"""All-or-nothing multiple response, graded by the real Grader: full points exactly when the ticked set is
the set of correct choices; a strict subset, or any wrong tick, earns nothing (Moodle multichoiceset, QTI
match_correct), where an ordinary multiple-response question adds the ticked fractions up."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from grading.models import GradeFlag
from question_bank.models import Choice, Question, QuestionType

if TYPE_CHECKING:
    from grading.grader import Grader


def _activations(*, all_or_nothing: bool) -> Question:
    return Question(
        id="activations",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which are activation functions?"},
        choices=(
            Choice(text="ReLU", fraction=0.5),
            Choice(text="Adam", fraction=0.0, feedback="Adam is an optimiser."),
            Choice(text="tanh", fraction=0.5),
            Choice(text="Dropout", fraction=0.0),
        ),
        max_points=2,
        all_or_nothing=all_or_nothing,
    )


@pytest.mark.parametrize("answer", ["a, c", "c, a", "1\n3", "A C"])
def test_exactly_the_correct_choices_earn_full_points(minilm_grader: Grader, answer: str) -> None:
    grade = minilm_grader.grade(_activations(all_or_nothing=True), answer)
    assert grade.score == 2 and grade.confidence == 1.0
    assert "every correct choice and no other" in grade.feedback


def test_a_strict_subset_of_the_correct_choices_earns_nothing(minilm_grader: Grader) -> None:
    grade = minilm_grader.grade(_activations(all_or_nothing=True), "a")
    assert grade.score == 0
    assert "All or nothing: 1 of the 2 correct choices ticked, so no points" in grade.feedback
    assert minilm_grader.grade(_activations(all_or_nothing=False), "a").score == 1  # partial credit


def test_a_wrong_tick_next_to_all_correct_ones_earns_nothing(minilm_grader: Grader) -> None:
    grade = minilm_grader.grade(_activations(all_or_nothing=True), "a, b, c")
    assert grade.score == 0
    assert "2 of the 2 correct choices ticked and 1 wrong one, so no points" in grade.feedback
    assert "Adam is an optimiser." in grade.feedback  # the ticked choice's own feedback still shows
    assert minilm_grader.grade(_activations(all_or_nothing=False), "a, b, c").score == 2


def test_only_wrong_choices_and_empty_answers_earn_nothing(minilm_grader: Grader) -> None:
    question = _activations(all_or_nothing=True)
    assert minilm_grader.grade(question, "b, d").score == 0
    assert "2 wrong ones" in minilm_grader.grade(question, "b, d").feedback
    empty = minilm_grader.grade(question, "  ")
    assert empty.score == 0 and GradeFlag.EMPTY in empty.flags


def test_one_correct_choice_all_or_nothing_is_a_single_answer(minilm_grader: Grader) -> None:
    question = Question(
        id="optimiser",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which is an optimiser?"},
        choices=(Choice(text="Adam", fraction=1.0), Choice(text="ReLU"), Choice(text="Dropout")),
        all_or_nothing=True,
    )
    assert minilm_grader.grade(question, "Adam").score == 1
    assert minilm_grader.grade(question, "a, b").score == 0


def _one_answer() -> Question:
    return Question(
        id="optimiser",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which of these is an optimiser?"},
        choices=(
            Choice(text="ReLU", fraction=0.0),
            Choice(text="Adam", fraction=1.0),
            Choice(text="SGD without momentum", fraction=0.5),
            Choice(text="Dropout", fraction=0.0),
        ),
        max_points=1,
    )


@pytest.mark.parametrize("answer", ["a, b, c", "A B C D", "b, c", "2\n4"])
def test_naming_several_choices_of_a_one_answer_question_earns_nothing(
    minilm_grader: Grader, answer: str
) -> None:
    """Helper 73: 'A, B, C' on a single-answer Aiken question scored full points."""
    grade = minilm_grader.grade(_one_answer(), answer)
    assert grade.score == 0
    assert "takes one answer" in grade.feedback


@pytest.mark.parametrize(("answer", "score"), [("b", 1.0), ("Adam", 1.0), ("c", 0.5), ("a", 0.0)])
def test_one_choice_of_a_one_answer_question_earns_its_fraction(
    minilm_grader: Grader, answer: str, score: float
) -> None:
    assert minilm_grader.grade(_one_answer(), answer).score == score


def test_true_and_false_together_earn_nothing(minilm_grader: Grader) -> None:
    question = Question(
        id="relu-linear",
        type=QuestionType.TRUE_FALSE,
        prompt={"en": "ReLU is a linear function."},
        choices=(Choice(text="True", fraction=0.0), Choice(text="False", fraction=1.0)),
        max_points=1,
    )
    assert minilm_grader.grade(question, "a, b").score == 0
    assert minilm_grader.grade(question, "false").score == 1
