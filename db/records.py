"""What the repository hands out and takes in: pydantic records, never ORM rows."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from question_bank.errors import TentaError
from question_bank.models import Question


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class SessionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    ABANDONED = "abandoned"


class AuditKind(StrEnum):
    SUBMITTED = "submitted"
    GRADED = "graded"
    REGRADED = "regraded"
    """An auto grade of an answer graded before (`tenta regrade`, a regrade request); its detail has the
    previous auto score, so the trail tells it from the first grading."""
    REGRADE_REQUESTED = "regrade_requested"
    OVERRIDDEN = "overridden"
    MOVED_TO_GROUP = "moved_to_group"
    TAKEN_OUT_OF_GROUP = "taken_out_of_group"
    GROUP_MERGED = "group_merged"
    GROUP_CONFIRMED = "group_confirmed"
    GROUP_UNCONFIRMED = "group_unconfirmed"
    GROUP_RELEASED = "group_released"
    """A group decision withdrawn: the answer's score follows its auto grade (or own override) again."""


class StudentRecord(_Record):
    id: int
    name: str
    external_id: str | None
    is_default: bool
    created_at: datetime


MAX_EXTRA_PERCENT = 400.0
MAX_EXTRA_MINUTES = 24 * 60.0


def minutes_text(minutes: float) -> str:
    """60 → "60", 37.5 → "37.5": minutes (or a percentage) as a person writes them, to a tenth."""
    return f"{minutes:.1f}".removesuffix(".0")


class ExtraTimeRecord(_Record):
    """A student's extra time on timed exams: `percent` of the exam's limit or `minutes`, exactly one.

    `bank_id` None means every bank; a setting for the exam's own bank wins over it."""

    student_id: int
    student_name: str
    bank_id: str | None
    percent: float | None = Field(default=None, gt=0.0, le=MAX_EXTRA_PERCENT)
    minutes: float | None = Field(default=None, gt=0.0, le=MAX_EXTRA_MINUTES)
    updated_at: datetime

    @property
    def amount(self) -> str:
        """ "25 %" or "15 min"."""
        if self.percent is not None:
            return f"{minutes_text(self.percent)} %"
        return f"{minutes_text(self.minutes or 0.0)} min"

    def extended_minutes(self, limit_minutes: float) -> float:
        """The student's own limit for an exam of `limit_minutes`."""
        if self.percent is not None:
            return limit_minutes * (1.0 + self.percent / 100.0)
        return limit_minutes + (self.minutes or 0.0)

    def describe(self, limit_minutes: float) -> str:
        """ "60 min + 25 % = 75 min": the arithmetic a student or invigilator can check."""
        extended = minutes_text(self.extended_minutes(limit_minutes))
        return f"{minutes_text(limit_minutes)} min + {self.amount} = {extended} min"


def check_extra_time(percent: float | None, minutes: float | None) -> None:
    """Raise a TentaError naming the bad value unless exactly one valid amount of extra time is given."""
    if (percent is None) == (minutes is None):
        raise TentaError("extra time is either a percentage or a number of minutes, exactly one of them")
    if percent is not None and not (math.isfinite(percent) and 0.0 < percent <= MAX_EXTRA_PERCENT):
        raise TentaError(
            f"extra time {percent:g} % is outside 0-{MAX_EXTRA_PERCENT:g} % "
            "(more than 0; to remove a student's extra time, clear it)"
        )
    if minutes is not None and not (math.isfinite(minutes) and 0.0 < minutes <= MAX_EXTRA_MINUTES):
        raise TentaError(
            f"extra time {minutes:g} min is outside 0-{MAX_EXTRA_MINUTES:g} min "
            "(more than 0, at most a day; to remove a student's extra time, clear it)"
        )


class QuizSessionRecord(_Record):
    """A quiz sitting: its questions in order, where the student is, and what they were typing."""

    id: int
    student_id: int
    bank_id: str
    bank_version: str
    mode: str
    status: SessionStatus
    position: int = Field(description="Index into question_ids of the question on screen.")
    started_at: datetime
    finished_at: datetime | None
    deadline: datetime | None = Field(default=None, description="When a timed exam ends; None when untimed.")
    question_ids: list[str]
    drafts: dict[str, str] = Field(description="Unsubmitted text per question id.")
    answer_ids: dict[str, int] = Field(description="Latest submitted answer per question id.")
    flagged: list[str] = Field(default_factory=list, description="Question ids flagged to come back to.")
    time_spent: dict[str, float] = Field(
        default_factory=dict, description="Seconds spent per question id over every sitting (0: left out)."
    )
    topics: list[str] = Field(
        default_factory=list, description="The topics the questions were chosen from; empty: the whole bank."
    )

    @property
    def current_question_id(self) -> str | None:
        return self.question_ids[self.position] if 0 <= self.position < len(self.question_ids) else None

    @property
    def unanswered_question_ids(self) -> list[str]:
        return [question_id for question_id in self.question_ids if question_id not in self.answer_ids]


class AnswerRecord(_Record):
    id: int
    student_id: int
    student_name: str
    session_id: int | None
    bank_id: str
    question_id: str
    snapshot_id: int
    content_hash: str
    text: str
    language: str | None
    time_taken_s: float | None
    submitted_at: datetime
    source: str
    external_key: str | None


class NewGrade(_Record):
    """An automatic grade to store (the grading service converts grading.Grade into this)."""

    score: float = Field(ge=0.0)
    max_points: float = Field(gt=0.0)
    points: list[dict[str, Any]] = Field(default_factory=list, description="Per-key-point results.")
    feedback: str = ""
    confidence: float = Field(ge=0.0, le=1.0)
    needs_review: bool = False
    flags: list[str] = Field(default_factory=list)
    language: str | None = None
    grader_version: str
    model_id: str


class GradeRecord(NewGrade):
    id: int
    answer_id: int
    created_at: datetime


class OverrideRecord(_Record):
    id: int
    answer_id: int
    score: float
    comment: str
    teacher: str
    created_at: datetime
    point_credits: dict[str, float] = Field(
        default_factory=dict,
        description="The teacher's key-point decisions: point id → credit (0 missing, 0.5 partial, "
        "1 covered, or any share); empty when the teacher set only a score.",
    )
    group_key: str | None = Field(
        default=None, description="The answer group whose decision this is; None when decided alone."
    )


class GroupPinRecord(_Record):
    """An answer a teacher placed in an answer group: regrouping keeps it there."""

    answer_id: int
    group_key: str
    pinned_by: str
    created_at: datetime


class GroupConfirmationRecord(_Record):
    """An answer group a teacher reviewed; answers with ids above `last_answer_id` came later."""

    group_key: str
    last_answer_id: int
    confirmed_by: str
    created_at: datetime


class NewAuditEvent(_Record):
    """An audit entry a teacher action writes with its change (answer groups: moves, confirmations)."""

    answer_id: int
    kind: AuditKind
    detail: dict[str, Any] = Field(default_factory=dict)


class GroupLayout(_Record):
    """How a teacher shaped one question's answer groups (everything else is computed)."""

    pins: list[GroupPinRecord]
    confirmations: list[GroupConfirmationRecord]


def credit_status(credit: float) -> str:
    """The key-point status a credit reads as: 1 covered, 0 missing, anything between partial."""
    if credit >= 1.0:
        return "covered"
    return "missing" if credit <= 0.0 else "partial"


def check_point_credits(answer_id: int, question: Question, credits: Mapping[str, float]) -> dict[str, float]:
    """The decisions as stored, or a TentaError naming the answer and the point that is wrong.

    The question as asked (the answer's snapshot) decides which key points exist.
    """
    known = [point.id for point in question.rubric]
    for point_id, credit in credits.items():
        if point_id not in known:
            listed = ", ".join(known) if known else "none"
            raise TentaError(
                f"answer {answer_id}: question {question.id} has no key point {point_id!r} "
                f"(its key points: {listed})"
            )
        if not (math.isfinite(credit) and 0.0 <= credit <= 1.0):
            raise TentaError(
                f"answer {answer_id}: key point {point_id!r} credit {credit:g} is outside 0-1 "
                "(0 missing, 0.5 partial, 1 covered)"
            )
    return {point_id: float(credits[point_id]) for point_id in known if point_id in credits}


class AnswerDetail(_Record):
    """An answer with the question as it was asked, every grade (newest last) and every override."""

    answer: AnswerRecord
    question: Question = Field(description="The snapshot, usable for regrading exactly what was asked.")
    bank_version: str
    prompt: str
    reference_answer: str
    rubric: list[dict[str, Any]]
    topics: list[str]
    max_points: float
    grades: list[GradeRecord]
    overrides: list[OverrideRecord]
    final_score: float | None = Field(description="Latest override if any, else latest grade, else None.")
    needs_review: bool = Field(description="Latest grade asks for review and no teacher has overridden.")
    regrade_requested: bool
    regrade_reason: str | None

    @property
    def latest_grade(self) -> GradeRecord | None:
        return self.grades[-1] if self.grades else None

    @property
    def waits_for_teacher(self) -> bool:
        """An uncertain auto grade no teacher has overridden, or a regrade request: the answer's score is
        not final until a teacher decides it (feedback files say "being reviewed", every gradebook format
        holds the student's total and grade, statistics count it as provisional)."""
        return self.needs_review or self.regrade_requested

    def in_review_queue(self, *, counted: bool) -> bool:
        """Whether `tenta review` (and the app's queue) lists the answer: it waits for the teacher and is
        the attempt the gradebook counts (`counted`: the student's latest answer to the question), or the
        student asked for a regrade of it, which stays listed for any attempt. The one rule for the queue
        and every count of it (Repository.review_queue, `tenta grade`'s summary)."""
        return self.regrade_requested or (counted and self.waits_for_teacher)

    @property
    def latest_override(self) -> OverrideRecord | None:
        return self.overrides[-1] if self.overrides else None

    @property
    def final_points(self) -> list[dict[str, Any]]:
        """The key points as the final grade has them: the latest auto grade's results, with the latest
        override's decisions in place of the grader's status and credit for the points it decided.

        A decided point keeps the grader's evidence and gains `auto_status` and `decided_by`.
        """
        grade, override = self.latest_grade, self.latest_override
        auto_points = list(grade.points) if grade else []
        if override is None or not override.point_credits:
            return auto_points
        by_id = {str(point.get("point_id")): point for point in auto_points}
        points = []
        for rubric_point in self.question.rubric:
            point = by_id.get(rubric_point.id) or {
                "point_id": rubric_point.id,
                "text": rubric_point.text,
                "weight": rubric_point.weight,
                "status": "missing",
                "similarity": 0.0,
                "credit": 0.0,
            }
            credit = override.point_credits.get(rubric_point.id)
            if credit is not None:
                point = {
                    **point,
                    "status": credit_status(credit),
                    "credit": credit,
                    "auto_status": point.get("status") if rubric_point.id in by_id else None,
                    "decided_by": override.teacher,
                }
            points.append(point)
        return points


class AuditEvent(_Record):
    id: int
    answer_id: int
    kind: AuditKind
    actor: str
    at: datetime
    detail: dict[str, Any]


class SessionSummary(_Record):
    session_id: int
    student_id: int
    student_name: str
    bank_id: str
    bank_version: str
    mode: str
    topics: list[str] = Field(
        default_factory=list, description="The topics the questions were chosen from; empty: the whole bank."
    )
    status: SessionStatus
    started_at: datetime
    finished_at: datetime | None
    question_count: int
    answered_count: int
    graded_count: int
    needs_review_count: int
    score: float | None = Field(description="Sum of final scores of graded answers; None if none is graded.")
    max_points: float = Field(description="Sum of the max points of every question in the session.")

    @property
    def percent(self) -> float | None:
        if self.score is None or self.max_points <= 0:
            return None
        return 100.0 * self.score / self.max_points


class SessionItemDetail(_Record):
    position: int
    question_id: str
    prompt: str
    max_points: float
    draft: str | None
    answer: AnswerDetail | None
    flagged: bool = Field(default=False, description="The student flagged it to come back to.")


class SessionDetail(_Record):
    summary: SessionSummary
    items: list[SessionItemDetail]


class QuestionStats(_Record):
    """Classical item analysis of one question from the latest answer of each student.

    facility: mean of final score / max points. discrimination: facility among the top 27 % of students
    (ranked by their mean fraction over the whole bank) minus facility among the bottom 27 %;
    None with fewer than two students.
    """

    question_id: str
    prompt: str
    attempts: int = Field(description="Graded answers, every attempt counted.")
    students: int = Field(description="Distinct students with a graded answer.")
    mean_score: float | None
    max_points: float
    facility: float | None
    discrimination: float | None
    needs_review: int = Field(
        description="Students whose counted answer waits for the teacher (AnswerDetail.waits_for_teacher): "
        "its score is provisional."
    )


class GradebookRow(_Record):
    student_id: int
    student_name: str
    external_id: str | None
    scores: dict[str, float | None] = Field(description="Final score of the latest answer per question id.")
    total: float
    max_total: float
    pending: list[str] = Field(
        default_factory=list, description="Questions answered but not graded yet (their score is None)."
    )
    comments: dict[str, str] = Field(
        default_factory=dict,
        description="The latest override's comment per question, where a teacher wrote one.",
    )


class Gradebook(_Record):
    bank_id: str
    question_ids: list[str]
    max_points: dict[str, float]
    rows: list[GradebookRow]


class ExportRow(_Record):
    """One answer flattened for a spreadsheet or an LMS import."""

    answer_id: int
    student_id: int
    student_name: str
    student_external_id: str | None
    bank_id: str
    question_id: str
    submitted_at: datetime
    language: str | None
    text: str
    auto_score: float | None
    override_score: float | None
    final_score: float | None
    max_points: float
    needs_review: bool
    feedback: str
    teacher_comment: str | None
    grader_version: str | None
    model_id: str | None


class ReviewCardRecord(_Record):
    """FSRS card fields as the `fsrs` package names them; scheduling itself lives in quiz.scheduling."""

    id: int | None = None
    student_id: int
    bank_id: str
    question_id: str
    state: int = Field(description="fsrs.State value: 1 learning, 2 review, 3 relearning.")
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime
    last_review: datetime | None = None
    lapses: int = Field(default=0, ge=0, description="Again on the card in review (Anki's lapses).")
    leech: bool = Field(default=False, description="Lapsed often enough to be a leech (Anki's tag).")


class SuspensionReason(StrEnum):
    MANUAL = "manual"
    """The student suspended it."""
    LEECH = "leech"
    """Suspended automatically when it became a leech."""


class SuspensionRecord(_Record):
    """A question practice, due today and weakest first leave out for this student until unsuspended."""

    student_id: int
    bank_id: str
    question_id: str
    reason: SuspensionReason
    suspended_at: datetime


class ReviewLogEntry(_Record):
    rating: int = Field(ge=1, le=4, description="fsrs.Rating value: 1 again, 2 hard, 3 good, 4 easy.")
    reviewed_at: datetime
    duration_ms: int | None = None
    answer_id: int | None = None


class ReviewLogRecord(ReviewLogEntry):
    id: int
    card_id: int
    question_id: str


class DocumentRecord(_Record):
    id: int
    path: str
    content_hash: str
    chunk_count: int
    registered_at: datetime


class DocumentChunkRecord(_Record):
    document_id: int
    path: str
    position: int
    text: str
