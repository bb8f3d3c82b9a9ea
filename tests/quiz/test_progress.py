"""Progress data from stored grades: mastery, weakest-first order, dashboard line, chart series."""

from __future__ import annotations

import random
from datetime import timedelta

from db.records import NewGrade
from question_bank.models import Bank
from quiz import progress
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import QuizRequest, start_quiz
from tests.quiz.conftest import NOW


def _answer_all(ctx: AppContext, student_id: int, fractions: dict[str, float], when_days: int = 0) -> None:
    """Take a full exam, answering the questions in `fractions` with those scores (stored directly)."""
    request = QuizRequest(student_id=student_id, bank_id="dl-course", mode=QuizMode.FULL)
    when = NOW - timedelta(days=when_days)
    quiz = start_quiz(ctx, request, now=when, rng=random.Random(0))
    for position, question in enumerate(quiz.questions):
        if question.id not in fractions:
            continue
        quiz.go_to(position)
        answer = quiz.submit("answer", now=when)
        ctx.repository.save_grade(
            answer.id,
            NewGrade(
                score=fractions[question.id] * question.max_points,
                max_points=question.max_points,
                confidence=0.9,
                grader_version="test",
                model_id="none",
            ),
        )
    quiz.finish(now=when)


def test_mastery_uses_the_latest_answer_and_an_override_wins(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    first = bank.questions[0]
    _answer_all(ctx, student_id, {first.id: 0.2}, when_days=3)
    _answer_all(ctx, student_id, {first.id: 0.6}, when_days=1)
    answers = progress.student_answers(ctx.repository, student_id, bank.id)
    (item, *_rest) = progress.question_mastery(bank, answers)
    assert item.attempts == 2 and item.latest == 0.6
    newest = max(ctx.repository.history(student_id=student_id), key=lambda summary: summary.session_id)
    detail = ctx.repository.session_detail(newest.session_id).items[0].answer
    assert detail is not None
    ctx.repository.add_override(detail.answer.id, first.max_points, "full marks", "teacher")
    answers = progress.student_answers(ctx.repository, student_id, bank.id)
    assert progress.question_mastery(bank, answers)[0].latest == 1.0


def test_other_students_do_not_count(ctx: AppContext, bank: Bank, student_id: int) -> None:
    other = ctx.repository.get_or_create_student("Bo").id
    _answer_all(ctx, other, {bank.questions[0].id: 1.0})
    assert progress.student_answers(ctx.repository, student_id, bank.id) == []


def test_weakest_first_puts_failed_topics_before_unknown_and_known(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    weak = bank.questions[-1]
    strong = [question for question in bank.questions if not set(question.topics) & set(weak.topics)]
    _answer_all(ctx, student_id, {weak.id: 0.0, **{question.id: 1.0 for question in strong}})
    answers = progress.student_answers(ctx.repository, student_id, bank.id)
    ordered = progress.weakest_first(bank, answers)
    assert ordered[0].id == weak.id
    assert {question.id for question in ordered} == {question.id for question in bank.questions}
    assert {question.id for question in ordered[-len(strong) :]} == {question.id for question in strong}


def test_dashboard_line_and_session_series(ctx: AppContext, bank: Bank, student_id: int) -> None:
    student = next(s for s in ctx.repository.list_students() if s.id == student_id)
    empty = progress.dashboard(ctx, student, bank.id, NOW)
    new = len(bank.questions)
    assert empty.line() == f"{bank.title}: nothing answered yet · {new} due today ({new} new)"
    _answer_all(ctx, student_id, {bank.questions[0].id: 0.5, bank.questions[1].id: 1.0})
    summary = progress.dashboard(ctx, student, bank.id, NOW)
    assert summary.finished_sessions == 1 and summary.graded_answers == 2
    assert summary.mastery == 0.75
    (point,) = progress.session_scores(ctx.repository, student_id, bank.id)
    total = sum(question.max_points for question in bank.questions)
    expected = (0.5 * bank.questions[0].max_points + bank.questions[1].max_points) / total
    assert abs(point.fraction - expected) < 1e-9
    topics = progress.topic_scores_over_time(
        bank, progress.student_answers(ctx.repository, student_id, bank.id)
    )
    assert all(len(series) == 1 for series in topics.values())
