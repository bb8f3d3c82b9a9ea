"""Past activity for the browsing screens, stored through a repository whose clock is set to the seeded days.

Grades here are written directly (not by the model) because history, progress and the review queue
only read them; the quiz and feedback tests grade with the real model.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.records import NewGrade
from db.repository import open_repository
from grading.models import PointResult, PointStatus
from question_bank.models import Question
from quiz import scheduling
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import QuizRequest, start_quiz
from tests.tui.conftest import NOW

DAYS = (9, 6, 2)
"""Sessions were taken this many days before NOW."""

FRACTIONS = ((0.3, 0.5, 0.2, 0.6), (0.55, 0.7, 0.4, 0.8), (0.75, 0.9, 0.6, 1.0))


def _points(question: Question, fraction: float) -> list[dict[str, object]]:
    results = []
    for index, point in enumerate(question.rubric):
        status = (
            PointStatus.COVERED if index / max(len(question.rubric), 1) < fraction else PointStatus.MISSING
        )
        results.append(
            PointResult(
                point_id=point.id,
                text=point.text,
                weight=point.weight,
                status=status,
                similarity=0.8 if status is PointStatus.COVERED else 0.2,
                credit=1.0 if status is PointStatus.COVERED else 0.0,
                matched_sentence=point.text if status is PointStatus.COVERED else None,
            ).model_dump(mode="json")
        )
    return results


def _grade(question: Question, fraction: float, *, needs_review: bool = False) -> NewGrade:
    return NewGrade(
        score=round(fraction * question.max_points * 2) / 2,
        max_points=question.max_points,
        points=_points(question, fraction),
        confidence=0.35 if needs_review else 0.85,
        needs_review=needs_review,
        flags=["low_confidence"] if needs_review else [],
        grader_version="seed",
        model_id="seed",
    )


@dataclass
class SeedClock:
    """The time the repository stamps rows with; the seed moves it to each seeded moment."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def clocked(ctx: AppContext, now: datetime) -> SeedClock:
    """Give `ctx` a repository on its database that reads the time from a settable clock."""
    clock = SeedClock(now)
    ctx.repository = open_repository(ctx.settings.resolved_database_url, clock=clock)
    return clock


def seed_history(ctx: AppContext) -> int:
    """Three finished practice sessions on different days; the last answer needs review. Returns its id."""
    clock = clocked(ctx, NOW)
    repository = ctx.repository
    bank = ctx.catalog.load("dl-course")
    student = repository.default_student()
    questions = list(bank.questions[:4])
    last_answer = 0
    for days, fractions in zip(DAYS, FRACTIONS, strict=True):
        when = clock.now = NOW - timedelta(days=days)
        session = repository.start_session(student.id, bank, questions, "practice" if days != 2 else "full")
        for question, fraction in zip(questions, fractions, strict=True):
            answer = repository.submit_answer(
                student.id,
                bank,
                question,
                f"{question.reference_in('en').split('.')[0]}.",
                session_id=session.id,
                submitted_at=when,
                time_taken_s=95.0,
            )
            needs_review = days == DAYS[-1] and question is questions[-1]
            repository.save_grade(answer.id, _grade(question, fraction, needs_review=needs_review))
            scheduling.review(
                repository,
                student_id=student.id,
                bank_id=bank.id,
                question_id=question.id,
                fraction=fraction,
                now=when,
                answer_id=answer.id,
            )
            last_answer = answer.id
        clock.now = when + timedelta(minutes=14)
        repository.finish_session(session.id)
    first_answer = last_answer - len(questions) * len(DAYS) + 1
    clock.now = NOW - timedelta(days=1)
    repository.add_override(
        first_answer,
        1.0,
        "Half credit: the hierarchy is right, the examples are missing.",
        "Lind",
        point_credits={"kp3": 1.0, "kp5": 0.0},
    )
    return last_answer


def unfinished_full_exam(ctx: AppContext, position: int, draft: str) -> int:
    """A full exam left at `position` with a draft typed there, started at NOW. Returns the session id."""
    clock = clocked(ctx, NOW)
    student = ctx.repository.default_student()
    request = QuizRequest(student_id=student.id, bank_id="dl-course", mode=QuizMode.FULL)
    quiz = start_quiz(ctx, request, now=NOW, rng=random.Random(0))
    clock.now = NOW + timedelta(minutes=14)
    quiz.go_to(position)
    quiz.save_draft(draft)
    return quiz.session_id
