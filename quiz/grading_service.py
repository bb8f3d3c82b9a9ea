"""Grade stored answers and store the grades: the one place where grading meets the database.

Answers are always committed before they get here, so a failure (no model, a crash in the grader)
loses nothing: the answer stays ungraded and `tenta regrade` picks it up later.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db.records import AnswerDetail, AnswerRecord, GradeRecord, NewGrade
from grading.models import Grade
from question_bank.errors import TentaError
from question_bank.models import Bank

if TYPE_CHECKING:
    from grading.grader import GradedExample, Grader, GradeRequest
    from quiz.context import AppContext

_grader_lock = threading.Lock()


class GradingFailedError(TentaError):
    """Some answers could not be graded; they stay stored and ungraded. `graded` holds the rest."""

    def __init__(self, failures: dict[int, str], graded: list[GradeRecord]) -> None:
        self.failures = failures
        self.graded = graded
        first_id, first_reason = next(iter(failures.items()))
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        super().__init__(f"grading answer {first_id} failed: {first_reason}{more}")


def ensure_grader(ctx: AppContext, *, ingest_course_material: bool = False) -> Grader:
    """The context's grader, loaded once even when a preload worker and a grading worker race for it.

    With `ingest_course_material`, a first run indexes the bundled course notes first (quiz.ingest), so
    missed key points come with a passage to read; if that fails the grader works without passages.
    """
    with _grader_lock:
        if ingest_course_material and not ctx.course_index_loaded:
            from quiz.ingest import ensure_course_index

            try:
                index = ensure_course_index(ctx)
            except TentaError:
                index = None
            ctx.use_course_index(index)
        return ctx.grader


def new_grade_from(grade: Grade) -> NewGrade:
    """The database form of a grading result: per-point evidence becomes plain JSON dicts."""
    return NewGrade(
        score=grade.score,
        max_points=grade.max_points,
        points=[point.model_dump(mode="json") for point in grade.points],
        feedback=grade.feedback,
        confidence=grade.confidence,
        needs_review=grade.needs_review,
        flags=[flag.value for flag in grade.flags],
        language=grade.language,
        grader_version=grade.grader_version,
        model_id=grade.model_id,
    )


def grade_and_store(ctx: AppContext, answers: Sequence[AnswerRecord]) -> list[GradeRecord]:
    """Grade `answers` (already stored) against the questions exactly as asked, and store each grade.

    Raises GradingFailedError naming the answers that failed; grades of the others are stored anyway.
    """
    if not answers:
        return []
    grader = ensure_grader(ctx)
    requests = grade_requests(ctx, answers)
    try:
        grades = grader.grade_many(requests)
    except Exception:  # fall back to one by one so one bad answer doesn't block a batch
        return _grade_one_by_one(ctx, grader, answers, requests)
    return [
        ctx.repository.save_grade(answer.id, new_grade_from(grade))
        for answer, grade in zip(answers, grades, strict=True)
    ]


def _grade_one_by_one(
    ctx: AppContext, grader: Grader, answers: Sequence[AnswerRecord], requests: Sequence[GradeRequest]
) -> list[GradeRecord]:
    stored: list[GradeRecord] = []
    failures: dict[int, str] = {}
    for answer, request in zip(answers, requests, strict=True):
        try:
            (grade,) = grader.grade_many([request])
        except Exception as error:
            failures[answer.id] = f"{type(error).__name__}: {error}"
            continue
        stored.append(ctx.repository.save_grade(answer.id, new_grade_from(grade)))
    if failures:
        raise GradingFailedError(failures, stored)
    return stored


def grade_requests(ctx: AppContext, answers: Sequence[AnswerRecord]) -> list[GradeRequest]:
    """What grading `answers` asks the grader: each question as asked, its bank, and the teacher's
    overrides of other answers as graded neighbours. A regrade's dry run asks the same, so its preview
    is what the regrade then stores."""
    from grading.grader import GradeRequest

    banks: dict[str, Bank | None] = {}
    histories: dict[tuple[str, str], _QuestionHistory] = {}
    return [_request_for(ctx, answer, GradeRequest, banks, histories) for answer in answers]


@dataclass(frozen=True)
class _QuestionHistory:
    """What the stored answers to one question tell the grader about another answer to it."""

    teacher_grades: list[tuple[int, GradedExample]]
    classmates: dict[str, tuple[str, ...]]
    """Per question content hash: each student's latest answer to that exact question text."""


def _request_for(
    ctx: AppContext,
    answer: AnswerRecord,
    request_type: type[GradeRequest],
    banks: dict[str, Bank | None],
    histories: dict[tuple[str, str], _QuestionHistory],
) -> GradeRequest:
    """The grading request for an answer: the question snapshot it answered, with its bank when installed,
    the teacher's decisions on other answers to the same question as graded neighbours, and the class's
    latest answers to it as classmates (grading.classmates)."""
    detail = ctx.repository.get_answer(answer.id)
    if answer.bank_id not in banks:
        banks[answer.bank_id] = _bank_or_none(ctx, answer.bank_id)
    key = (answer.bank_id, answer.question_id)
    if key not in histories:
        histories[key] = _question_history(ctx, *key)
    history = histories[key]
    examples = tuple(example for answer_id, example in history.teacher_grades if answer_id != answer.id)
    return request_type(
        question=detail.question,
        answer=answer.text,
        bank=banks[answer.bank_id],
        examples=examples,
        classmates=history.classmates.get(answer.content_hash, ()),
    )


def _question_history(ctx: AppContext, bank_id: str, question_id: str) -> _QuestionHistory:
    details = ctx.repository.answer_history(bank_id=bank_id, question_id=question_id)
    return _QuestionHistory(_teacher_graded(details), _latest_per_student(details))


def _latest_per_student(details: Sequence[AnswerDetail]) -> dict[str, tuple[str, ...]]:
    """Each student's latest answer per question text (`details` come newest first), in student order:
    a student's practice attempts are one classmate, not a class."""
    latest: dict[str, dict[int, str]] = {}
    for detail in details:
        latest.setdefault(detail.answer.content_hash, {}).setdefault(
            detail.answer.student_id, detail.answer.text
        )
    return {
        content_hash: tuple(text for _, text in sorted(by_student.items()))
        for content_hash, by_student in latest.items()
    }


def teacher_graded_examples(
    ctx: AppContext, bank_id: str, question_id: str
) -> list[tuple[int, GradedExample]]:
    """Answers to a question whose final score a teacher set (override), as (answer id, graded example).

    The grader uses them as nearest graded neighbours once a question has a few; this is how the
    teacher's decisions improve the grades of the answers still to come.
    """
    return _teacher_graded(ctx.repository.answer_history(bank_id=bank_id, question_id=question_id))


def _teacher_graded(details: Sequence[AnswerDetail]) -> list[tuple[int, GradedExample]]:
    from grading.grader import GradedExample

    examples = []
    for detail in details:
        override = detail.latest_override
        if override is None or detail.max_points <= 0:
            continue
        fraction = min(max(override.score / detail.max_points, 0.0), 1.0)
        examples.append((detail.answer.id, GradedExample(answer=detail.answer.text, fraction=fraction)))
    return examples


def _bank_or_none(ctx: AppContext, bank_id: str) -> Bank | None:
    try:
        return ctx.catalog.load(bank_id)
    except TentaError:
        return None
