"""Practice written straight into the database for tests that check what is computed from it (progress,
readiness, history): a fixed grade instead of the model's, and the review FSRS would record for it."""

from __future__ import annotations

from datetime import datetime

from db.records import NewGrade
from db.repository import Repository
from question_bank.models import Question
from quiz import scheduling


def fixed_grade(question: Question, fraction: float) -> NewGrade:
    """A confident grade worth `fraction` of the question's points."""
    return NewGrade(
        score=fraction * question.max_points,
        max_points=question.max_points,
        confidence=0.9,
        grader_version="test",
        model_id="none",
    )


def grade_and_review(
    repository: Repository,
    *,
    student_id: int,
    bank_id: str,
    question: Question,
    answer_id: int,
    fraction: float,
    when: datetime,
) -> None:
    """Store a fixed grade for the answer and review the question's card with it, as the quiz does."""
    repository.save_grade(answer_id, fixed_grade(question, fraction))
    scheduling.review(
        repository,
        student_id=student_id,
        bank_id=bank_id,
        question_id=question.id,
        fraction=fraction,
        now=when,
        answer_id=answer_id,
    )
