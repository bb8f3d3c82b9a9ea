"""What a student's document holds: each question's answer, final score, the teacher's changes and the
key points, gathered from the repository's answers the way the gradebook counts them."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from db.records import AnswerDetail, Gradebook, GradebookRow, OverrideRecord
from db.repository import latest_per_student_question
from grading.rubric import feedback_remarks, short_quote
from question_bank.errors import TentaError
from question_bank.grade_scales import GradeBoundary
from question_bank.models import Bank, CodeBlock, Question
from quiz.teacher.exports import final_grades, last_answer_dates, question_columns, question_labels
from quiz.teacher.review import scaled_auto_score


class QuestionState(StrEnum):
    GRADED = "graded"
    UNANSWERED = "unanswered"
    NOT_GRADED = "not_graded"
    IN_REVIEW = "in_review"


PENDING_STATES = (QuestionState.NOT_GRADED, QuestionState.IN_REVIEW)
PASSAGE_WORDS = 45
"""Words of a course passage quoted under a key point; the source names where to read the rest."""


@dataclass(frozen=True)
class PointFeedback:
    """One key point as the final grade judged it."""

    text: str
    status: str
    points: float
    matched_sentence: str | None
    passage_source: str | None
    passage_text: str | None
    decided_by: str | None
    auto_status: str | None


@dataclass(frozen=True)
class ReferencePoint:
    """A rubric key point as the bank states it, with its share of the question's points."""

    text: str
    points: float


@dataclass(frozen=True)
class Reference:
    """What a full answer says (Moodle's review option "Right answer"), shown only when the teacher asks."""

    answer: str
    points: tuple[ReferencePoint, ...]


@dataclass(frozen=True)
class QuestionFeedback:
    label: str
    prompt: str
    code: CodeBlock | None
    max_points: float
    state: QuestionState
    answer: str | None = None
    score: float | None = None
    auto_score: float | None = None
    override: OverrideRecord | None = None
    points: tuple[PointFeedback, ...] = ()
    feedback: str = ""
    """The grader's own feedback, shown for questions without key points (choices, numbers), with the
    question's outcome feedback for the final score before its general feedback."""
    reference: Reference | None = None


@dataclass(frozen=True)
class StudentFeedback:
    student_id: int
    name: str
    external_id: str | None
    exam_date: date | None
    questions: tuple[QuestionFeedback, ...]
    total: float
    max_total: float
    grade: str | None
    language: str = "en"
    """The language the document is written in: the one the student answered in, or the teacher's choice."""

    @property
    def pending(self) -> tuple[QuestionFeedback, ...]:
        return tuple(question for question in self.questions if question.state in PENDING_STATES)


@dataclass(frozen=True)
class FeedbackExam:
    """What every student's document shares: the bank, the scale and the day of publishing."""

    bank_id: str
    title: str
    version: str
    published: date
    scale: tuple[GradeBoundary, ...]
    max_total: float
    language: str = "en"
    """The language of the index: the teacher's choice, else the one most students' documents are in."""


# --- collecting ------------------------------------------------------------------------------------


def answer_state(detail: AnswerDetail | None) -> QuestionState:
    if detail is None:
        return QuestionState.UNANSWERED
    if detail.final_score is None:
        return QuestionState.NOT_GRADED
    if detail.waits_for_teacher:
        return QuestionState.IN_REVIEW
    return QuestionState.GRADED


def answer_language(detail: AnswerDetail) -> str | None:
    """The language the student wrote in: as stored with the answer, else as the grader read it."""
    grade = detail.latest_grade
    return detail.answer.language or (grade.language if grade else None)


def student_language(details: Iterable[AnswerDetail], default: str) -> str:
    """The language most of a student's answers are in (for the prompts of questions left unanswered)."""
    counts = Counter(language for detail in details if (language := answer_language(detail)))
    return counts.most_common(1)[0][0] if counts else default


def point_feedback(point: Mapping[str, Any], max_points: float) -> PointFeedback:
    passage = point.get("supporting_passage") or {}
    return PointFeedback(
        text=str(point.get("text") or point.get("point_id") or ""),
        status=str(point.get("status") or "missing"),
        points=float(point.get("weight") or 0.0) * max_points,
        matched_sentence=point.get("matched_sentence") or None,
        passage_source=passage.get("source") or None,
        passage_text=short_quote(str(passage["text"]), PASSAGE_WORDS) if passage.get("text") else None,
        decided_by=point.get("decided_by") or None,
        auto_status=point.get("auto_status") or None,
    )


def correct_answers(question: Question) -> str:
    """The right choices or numbers of a question graded without a reference text."""
    choices = [
        choice.text if choice.fraction >= 1 else f"{choice.text} ({choice.fraction:.0%})"
        for choice in question.choices
        if choice.fraction > 0
    ]
    numbers = [
        f"{number.value:g}" + (f" ± {number.tolerance:g}" if number.tolerance else "")
        for number in question.numerical
        if number.fraction >= 1
    ]
    return "; ".join(choices + numbers)


def reference_for(question: Question, language: str, main_language: str, max_points: float) -> Reference:
    """The reference answer in the student's language, else the bank's main one, else any; with the
    rubric's key points and their points."""
    written = question.reference_answer
    answer = written.get(language) or written.get(main_language) or question.reference_in(language)
    return Reference(
        answer=answer or correct_answers(question),
        points=tuple(ReferencePoint(point.text, point.weight * max_points) for point in question.rubric),
    )


def question_feedback(
    label: str,
    question: Question,
    max_points: float,
    detail: AnswerDetail | None,
    language: str,
    *,
    reference_language: str | None = None,
) -> QuestionFeedback:
    """One question of a student's document; a score that may still change is left out. With a
    `reference_language` (the bank's main language) the reference answer and rubric come along."""
    asked = question if detail is None else detail.question
    shown_language = language if detail is None else answer_language(detail) or language
    shown = QuestionFeedback(
        label=label,
        prompt=asked.prompt_in(shown_language),
        code=asked.code,
        max_points=max_points if detail is None else detail.max_points,
        state=answer_state(detail),
        answer=None if detail is None else detail.answer.text,
    )
    if reference_language is not None:
        reference = reference_for(asked, shown_language, reference_language, shown.max_points)
        shown = dataclasses.replace(shown, reference=reference)
    if detail is None:
        return shown
    if shown.state is not QuestionState.GRADED:
        return shown
    grade = detail.latest_grade
    return dataclasses.replace(
        shown,
        score=detail.final_score,
        auto_score=scaled_auto_score(detail),
        override=detail.latest_override,
        points=tuple(point_feedback(point, detail.max_points) for point in detail.final_points),
        feedback=feedback_with_outcome(
            feedback_remarks(grade.feedback), asked, detail.final_score or 0.0, detail.max_points
        )
        if grade is not None and not asked.rubric
        else "",
    )


def feedback_with_outcome(feedback: str, question: Question, score: float, max_points: float) -> str:
    """The grader's feedback with the question's outcome feedback for `score` (Moodle's right / partly
    right / wrong feedback) put before the general feedback the grader ends with, as Moodle orders them."""
    outcome = question.outcome_feedback_for(score, max_points)
    if not outcome:
        return feedback
    general = question.general_feedback.strip()
    text = feedback.rstrip()
    if general and text.endswith(general):
        before = text.removesuffix(general).rstrip()
        return "\n".join(part for part in (before, outcome, general) if part)
    return "\n".join(part for part in (text, outcome) if part)


def collect_feedback(
    bank: Bank,
    gradebook: Gradebook,
    details: Sequence[AnswerDetail],
    scale: Sequence[GradeBoundary],
    *,
    published: date,
    with_reference: bool = False,
    language: str | None = None,
) -> tuple[FeedbackExam, list[StudentFeedback]]:
    """Every student in the gradebook with their questions in bank order (then questions the bank no
    longer has), the total and, when nothing is pending, the final grade; `with_reference` adds each
    question's reference answer and rubric. Each document is in the language its student answered in
    (`document_language`), or in `language` when the teacher chose one."""
    columns = question_columns(gradebook, bank)
    labels = question_labels(bank, list(columns))
    max_total = sum(columns.values())
    latest = latest_per_student_question(details)
    questions = {detail.answer.question_id: detail.question for detail in latest.values()}
    questions.update({question.id: question for question in bank.questions})
    grades = final_grades(gradebook, bank, scale) if scale else {}
    exam_dates = last_answer_dates(list(latest.values()))
    exam = FeedbackExam(bank.id, bank.title, bank.version, published, tuple(scale), max_total)
    students = []
    for row in gradebook.rows:
        own = [detail for (student_id, _), detail in latest.items() if student_id == row.student_id]
        answered_in = student_language(own, bank.languages[0])
        items = tuple(
            question_feedback(
                labels[question_id],
                questions[question_id],
                max_points,
                latest.get((row.student_id, question_id)),
                answered_in,
                reference_language=bank.languages[0] if with_reference else None,
            )
            for question_id, max_points in columns.items()
        )
        written_in = language or document_language(answered_in)
        student = student_feedback(row, items, max_total, grades.get(row.student_id), exam_dates)
        students.append(dataclasses.replace(student, language=written_in))
    index_language = language or majority_language(students, document_language(bank.languages[0]))
    return dataclasses.replace(exam, language=index_language), students


def document_language(language: str) -> str:
    """Swedish for a student who answered in Swedish, English for everyone else (English is the
    language an exchange student writing in a third language most likely reads)."""
    return "sv" if language == "sv" else "en"


def majority_language(students: Sequence[StudentFeedback], default: str) -> str:
    """The language most documents are in; `default` (the bank's) on a tie or without students."""
    counts = Counter(student.language for student in students).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return default
    return counts[0][0]


def student_feedback(
    row: GradebookRow,
    items: tuple[QuestionFeedback, ...],
    max_total: float,
    grade: str | None,
    exam_dates: Mapping[int, date],
) -> StudentFeedback:
    pending = any(item.state in PENDING_STATES for item in items)
    return StudentFeedback(
        student_id=row.student_id,
        name=row.student_name,
        external_id=row.external_id,
        exam_date=exam_dates.get(row.student_id),
        questions=items,
        total=sum(item.score or 0.0 for item in items),
        max_total=max_total,
        grade=None if pending else grade,
    )


def comparable(text: str) -> str:
    """Names as a person compares them: case, surrounding space and Unicode composition ignored."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def select_students(students: Sequence[StudentFeedback], wanted: Sequence[str]) -> list[StudentFeedback]:
    """The students named by name or student id (case-insensitive); all of them when none is named.
    A name that matches nobody is an error, so a typo never silently leaves a student out."""
    if not wanted:
        return list(students)
    chosen: set[int] = set()
    for key in wanted:
        found = {
            student.student_id
            for student in students
            if comparable(key) in (comparable(student.name), comparable(student.external_id or ""))
        }
        if not found:
            raise TentaError(f"--student {key!r}: no student with that name or id has answers in this bank")
        chosen |= found
    return [student for student in students if student.student_id in chosen]
