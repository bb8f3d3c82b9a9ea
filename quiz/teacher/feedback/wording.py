"""The sentences every format shares: score lines, the teacher's change, key point marks, totals; and the
split of free text into prose and fenced code that every format keeps apart."""

from __future__ import annotations

import re

from quiz.scores import format_score, score_out_of
from quiz.teacher.feedback.model import (
    FeedbackExam,
    PointFeedback,
    QuestionFeedback,
    QuestionState,
    ReferencePoint,
    StudentFeedback,
)

STATUS_MARKS = {"covered": "✓ covered", "partial": "◐ partly covered", "missing": "✗ missing"}
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def text_segments(text: str) -> list[tuple[str | None, list[str]]]:
    """The text as (None, prose lines) and (code language, code lines) pieces; a fence left open is
    closed at the end of the text."""
    segments: list[tuple[str | None, list[str]]] = []
    prose: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if opening is None or (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            prose.append(lines[index])
            index += 1
            continue
        if prose:
            segments.append((None, prose))
            prose = []
        fence = opening.group(1)
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        code: list[str] = []
        index += 1
        while index < len(lines) and not closing.match(lines[index]):
            code.append(lines[index])
            index += 1
        index += 1
        language = re.sub(r"[^\w+#.-]", "", (opening.group(2).split() or [""])[0])
        segments.append((language, code))
    if prose:
        segments.append((None, prose))
    return segments


def score_line(question: QuestionFeedback) -> str:
    if question.state is QuestionState.UNANSWERED:
        return f"Not answered: 0 / {format_score(question.max_points)} points"
    if question.state is QuestionState.NOT_GRADED:
        return f"Not graded yet (max {format_score(question.max_points)} points)"
    if question.state is QuestionState.IN_REVIEW:
        return (
            "Not graded yet: the teacher is reviewing this answer "
            f"(max {format_score(question.max_points)} points)"
        )
    return f"Score: {score_out_of(question.score, question.max_points)} points"


def teacher_line(question: QuestionFeedback) -> str | None:
    """'Changed by the teacher (Kim) from 0.8 to 2 points' or 'Confirmed by the teacher (Kim)'."""
    override = question.override
    if override is None:
        return None
    auto = question.auto_score
    if auto is not None and abs(auto - override.score) < 0.005:
        return f"Score confirmed by the teacher ({override.teacher})"
    before = f" from {format_score(auto)}" if auto is not None else ""
    return f"Score set by the teacher ({override.teacher}){before} to {format_score(override.score)} points"


def point_status(point: PointFeedback) -> str:
    status = STATUS_MARKS.get(point.status, point.status)
    if point.decided_by and point.auto_status and point.auto_status != point.status:
        return f"{status} (decided by the teacher; the automatic grade said {point.auto_status})"
    if point.decided_by:
        return f"{status} (decided by the teacher)"
    return status


def grade_line(student: StudentFeedback) -> str:
    if student.pending:
        return "no grade yet: some answers are not graded yet"
    return student.grade or ""


def total_line(student: StudentFeedback) -> str:
    total = score_out_of(student.total, student.max_total)
    if student.pending:
        return f"{total} points so far (not final: {len(student.pending)} answer(s) not graded yet)"
    percent = 100.0 * student.total / student.max_total if student.max_total else 0.0
    return f"{total} points ({percent:.0f} %)"


def index_total(student: StudentFeedback) -> str:
    return score_out_of(student.total, student.max_total) + (" so far" if student.pending else "")


def student_heading(student: StudentFeedback) -> str:
    return student.name + (f" ({student.external_id})" if student.external_id else "")


def bank_line(exam: FeedbackExam) -> str:
    """Which bank and version the exam was, so a student and teacher talk about the same questions."""
    return f"{exam.bank_id}, version {exam.version}"


def summary_cells(question: QuestionFeedback) -> tuple[str, str]:
    """The question's points and its state, for the table at the top of a student's document."""
    if question.state is QuestionState.UNANSWERED:
        return score_out_of(0.0, question.max_points), "not answered"
    if question.state is QuestionState.NOT_GRADED:
        return score_out_of(None, question.max_points), "not graded yet"
    if question.state is QuestionState.IN_REVIEW:
        return score_out_of(None, question.max_points), "being reviewed"
    override, auto = question.override, question.auto_score
    changed = override is not None and (auto is None or abs(auto - override.score) >= 0.005)
    return score_out_of(question.score, question.max_points), "set by the teacher" if changed else "graded"


def reference_point_line(point: ReferencePoint) -> str:
    return f"{point.text} ({format_score(point.points)} p)"
