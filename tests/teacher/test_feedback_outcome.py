"""A handed-back exam says, for a multiple-choice answer, the question's outcome feedback matching the final
score (the teacher's override included) above the general feedback."""

from __future__ import annotations

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from quiz.teacher.feedback.model import feedback_with_outcome, question_feedback

BANK = Bank.model_validate(
    {
        "id": "pooling",
        "title": "Pooling",
        "questions": [
            {
                "id": "downsample",
                "type": "multiple_choice",
                "prompt": {"en": "Which layer downsamples a feature map?"},
                "choices": [{"text": "Max pooling", "fraction": 1}, {"text": "Dropout"}],
                "general_feedback": "Pooling keeps the largest value of each window.",
                "outcome_feedback": {"correct": "Well done!", "incorrect": "Read chapter 5 again."},
            }
        ],
    }
)


def test_the_outcome_feedback_follows_the_final_score(ctx: AppContext) -> None:
    repository = ctx.repository
    student = repository.get_or_create_student("Anna")
    question = BANK.questions[0]
    answer = repository.submit_answer(student.id, BANK, question, "Dropout")
    grade_and_store(ctx, [answer])

    shown = question_feedback("Question 1", question, 1.0, repository.get_answer(answer.id), "en")
    assert shown.score == 0
    assert shown.feedback.index("Read chapter 5 again.") < shown.feedback.index("Pooling keeps the largest")
    assert "Well done!" not in shown.feedback

    repository.add_override(answer.id, 1.0, "Dropout also thins the map, fair enough.", "teacher")
    shown = question_feedback("Question 1", question, 1.0, repository.get_answer(answer.id), "en")
    assert shown.score == 1
    assert "Well done!" in shown.feedback and "Read chapter 5 again." not in shown.feedback


def test_without_the_general_feedback_at_the_end_the_outcome_feedback_comes_last() -> None:
    """A grade written before the bank's general feedback changed does not end with it."""
    question = BANK.questions[0]
    wrong = feedback_with_outcome("Score 0 of 1.", question, 0.0, 1.0)
    assert wrong == "Score 0 of 1.\nRead chapter 5 again."
    assert feedback_with_outcome("Score 1 of 1.", question, 1.0, 1.0) == "Score 1 of 1.\nWell done!"
    plain = question.model_copy(update={"outcome_feedback": None})
    assert feedback_with_outcome("Score 0 of 1.", plain, 0.0, 1.0) == "Score 0 of 1."
