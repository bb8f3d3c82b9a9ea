"""A course bank with a grade scale and practice spread over days, for the readiness screen's tests.

The practice grades are written directly (the snapshot must not move when the grader is tuned); the Pilot
test in test_progress_readiness.py grades with the real model."""

from __future__ import annotations

from datetime import timedelta

from question_bank.models import Bank
from quiz.context import AppContext
from tests.practice import grade_and_review
from tests.tui.conftest import NOW
from tests.tui.seed import clocked

GRADED_BANK = "dl-graded"

PRACTICE = {
    9: {"q01-ai-ml-dl": 1.0, "q04-train-validation-test": 0.8, "q06-regularization-purpose": 1.0},
    4: {"q07-dropout": 0.5, "q10-cnn-how": 0.9, "q05-keras-code": 0.25},
    1: {"q12-cpu-gpu": 1.0, "q09-image-network": 0.5, "q02-tensorflow-keras": 0.0},
}
"""Days before NOW → question → score fraction."""


def install_graded_bank(ctx: AppContext) -> Bank:
    """The bundled course as a user bank with the Swedish U/G/VG scale."""
    bundled = ctx.catalog.load("dl-course")
    ctx.catalog.install(
        Bank.model_validate({**bundled.model_dump(), "id": GRADED_BANK, "grade_scale": "ug-vg"})
    )
    return ctx.catalog.load(GRADED_BANK)


def seed_practice(ctx: AppContext) -> None:
    """One finished practice session per day of PRACTICE, graded and scheduled as the quiz does."""
    bank = install_graded_bank(ctx)
    clock = clocked(ctx, NOW)
    repository = ctx.repository
    student = repository.default_student()
    for days, fractions in PRACTICE.items():
        when = clock.now = NOW - timedelta(days=days)
        questions = [bank.question(question_id) for question_id in fractions]
        session = repository.start_session(student.id, bank, questions, "practice")
        for question in questions:
            answer = repository.submit_answer(
                student.id, bank, question, "answer", session_id=session.id, submitted_at=when
            )
            grade_and_review(
                repository,
                student_id=student.id,
                bank_id=bank.id,
                question=question,
                answer_id=answer.id,
                fraction=fractions[question.id],
                when=when,
            )
        clock.now = when + timedelta(minutes=10)
        repository.finish_session(session.id)
    clock.now = NOW
