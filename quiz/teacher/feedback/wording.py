"""The sentences every format shares: score lines, the teacher's change, key point marks, totals, headings;
and the split of free text into prose and fenced code that every format keeps apart.

A student reads their document in the language they answered in (Swedish or English; see
model.student_language), so every phrase a document prints is here once per language (Words)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from quiz.scores import format_score, score_out_of
from quiz.teacher.feedback.model import (
    FeedbackExam,
    PointFeedback,
    QuestionFeedback,
    QuestionState,
    ReferencePoint,
    StudentFeedback,
)

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


@dataclass(frozen=True)
class Words:
    """What a feedback document says, in one language; `{…}` fields are filled in where used."""

    language: str
    covered: str
    partial: str
    missing: str
    status_covered: str
    status_partial: str
    status_missing: str
    question: str
    question_number: str
    points: str
    status: str
    student: str
    bank: str
    exam_date: str
    published: str
    total: str
    grade: str
    grade_scale: str
    id: str
    file: str
    score: str
    not_answered_score: str
    not_graded_score: str
    in_review_score: str
    confirmed: str
    changed: str
    changed_from: str
    decided: str
    decided_changed: str
    no_grade_yet: str
    total_pending: str
    total_final: str
    so_far: str
    version: str
    not_answered: str
    not_graded: str
    being_reviewed: str
    set_by_teacher: str
    graded: str
    your_answer: str
    empty_answer: str
    did_not_answer: str
    teacher_comment: str
    key_points: str
    in_your_answer: str
    course_material: str
    read: str
    feedback: str
    reference_answer: str
    rubric: str
    index_title: str
    index_line: str
    index_pending: str
    index_final: str
    page: str
    cut: str


ENGLISH = Words(
    language="en",
    covered="covered",
    partial="partly covered",
    missing="missing",
    status_covered="✓ covered",
    status_partial="◐ partly covered",
    status_missing="✗ missing",
    question="Question",
    question_number="Question {number}",
    points="Points",
    status="Status",
    student="Student",
    bank="Bank",
    exam_date="Exam date",
    published="Feedback published",
    total="Total",
    grade="Grade",
    grade_scale="Grade scale",
    id="Id",
    file="File",
    score="Score: {score} points",
    not_answered_score="Not answered: 0 / {max} points",
    not_graded_score="Not graded yet (max {max} points)",
    in_review_score="Not graded yet: the teacher is reviewing this answer (max {max} points)",
    confirmed="Score confirmed by the teacher ({teacher})",
    changed="Score set by the teacher ({teacher}){before} to {score} points",
    changed_from=" from {score}",
    decided="{status} (decided by the teacher)",
    decided_changed="{status} (decided by the teacher; the automatic grade said {auto})",
    no_grade_yet="no grade yet: some answers are not graded yet",
    total_pending="{total} points so far (not final: {count} answer(s) not graded yet)",
    total_final="{total} points ({percent} %)",
    so_far=" so far",
    version="{bank}, version {version}",
    not_answered="not answered",
    not_graded="not graded yet",
    being_reviewed="being reviewed",
    set_by_teacher="set by the teacher",
    graded="graded",
    your_answer="Your answer:",
    empty_answer="(empty answer)",
    did_not_answer="You did not answer this question.",
    teacher_comment="Teacher's comment:",
    key_points="Key points:",
    in_your_answer="In your answer",
    course_material="Course material",
    read="Read",
    feedback="Feedback:",
    reference_answer="Reference answer:",
    rubric="Rubric:",
    index_title="{title}: feedback",
    index_line="Published {published}; {count} student(s); max {max} points.",
    index_pending="{count} not graded yet",
    index_final="final",
    page="page",
    cut="[… {count:,} more characters are not shown here; the Markdown or HTML export "
    "(tenta export feedback --format md) has the whole text]",
)

SWEDISH = Words(
    language="sv",
    covered="täckt",
    partial="delvis täckt",
    missing="saknas",
    status_covered="✓ täckt",
    status_partial="◐ delvis täckt",
    status_missing="✗ saknas",
    question="Fråga",
    question_number="Fråga {number}",
    points="Poäng",
    status="Status",
    student="Student",
    bank="Frågebank",
    exam_date="Tentamensdatum",
    published="Återkoppling publicerad",
    total="Totalt",
    grade="Betyg",
    grade_scale="Betygsskala",
    id="Id",
    file="Fil",
    score="Poäng: {score}",
    not_answered_score="Inte besvarad: 0 / {max} poäng",
    not_graded_score="Inte rättad än (max {max} poäng)",
    in_review_score="Inte rättad än: läraren granskar svaret (max {max} poäng)",
    confirmed="Poängen bekräftad av läraren ({teacher})",
    changed="Poängen ändrad av läraren ({teacher}){before} till {score} poäng",
    changed_from=" från {score}",
    decided="{status} (läraren har bedömt punkten)",
    decided_changed="{status} (läraren har bedömt punkten; den automatiska rättningen sa {auto})",
    no_grade_yet="inget betyg än: några svar är inte rättade än",
    total_pending="{total} poäng hittills (inte slutligt: {count} svar inte rättade än)",
    total_final="{total} poäng ({percent} %)",
    so_far=" hittills",
    version="{bank}, version {version}",
    not_answered="inte besvarad",
    not_graded="inte rättad än",
    being_reviewed="granskas",
    set_by_teacher="satt av läraren",
    graded="rättad",
    your_answer="Ditt svar:",
    empty_answer="(tomt svar)",
    did_not_answer="Du besvarade inte den här frågan.",
    teacher_comment="Lärarens kommentar:",
    key_points="Bedömningspunkter:",
    in_your_answer="I ditt svar",
    course_material="Kursmaterial",
    read="Läs",
    feedback="Återkoppling:",
    reference_answer="Modellsvar:",
    rubric="Bedömningsmall:",
    index_title="{title}: återkoppling",
    index_line="Publicerad {published}; {count} student(er); max {max} poäng.",
    index_pending="{count} inte rättade än",
    index_final="slutlig",
    page="sida",
    cut="[… {count:,} tecken till visas inte här; exporten som Markdown eller HTML "
    "(tenta export feedback --format md) har hela texten]",
)

WORDS = {words.language: words for words in (ENGLISH, SWEDISH)}


class DocumentLanguage(StrEnum):
    """The languages a document can be written in (`--language`); answers in any other get English."""

    SWEDISH = "sv"
    ENGLISH = "en"


def words_for(language: str | None) -> Words:
    return WORDS.get(language or "", ENGLISH)


def status_word(words: Words, status: str) -> str:
    """'covered', 'partly covered', 'missing' (or 'täckt', 'delvis täckt', 'saknas'); unknown as given."""
    return {"covered": words.covered, "partial": words.partial, "missing": words.missing}.get(status, status)


def status_mark(words: Words, status: str) -> str:
    """'✓ covered', '◐ partly covered', '✗ missing' in the document's language."""
    marks = {
        "covered": words.status_covered,
        "partial": words.status_partial,
        "missing": words.status_missing,
    }
    return marks.get(status, status)


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


def score_line(question: QuestionFeedback, words: Words) -> str:
    maximum = format_score(question.max_points)
    if question.state is QuestionState.UNANSWERED:
        return words.not_answered_score.format(max=maximum)
    if question.state is QuestionState.NOT_GRADED:
        return words.not_graded_score.format(max=maximum)
    if question.state is QuestionState.IN_REVIEW:
        return words.in_review_score.format(max=maximum)
    return words.score.format(score=score_out_of(question.score, question.max_points))


def teacher_line(question: QuestionFeedback, words: Words) -> str | None:
    """'Changed by the teacher (Kim) from 0.8 to 2 points' or 'Confirmed by the teacher (Kim)'."""
    override = question.override
    if override is None:
        return None
    auto = question.auto_score
    if auto is not None and abs(auto - override.score) < 0.005:
        return words.confirmed.format(teacher=override.teacher)
    before = words.changed_from.format(score=format_score(auto)) if auto is not None else ""
    return words.changed.format(teacher=override.teacher, before=before, score=format_score(override.score))


def point_status(point: PointFeedback, words: Words) -> str:
    status = status_mark(words, point.status)
    if point.decided_by and point.auto_status and point.auto_status != point.status:
        return words.decided_changed.format(status=status, auto=status_word(words, point.auto_status))
    if point.decided_by:
        return words.decided.format(status=status)
    return status


def grade_line(student: StudentFeedback, words: Words) -> str:
    if student.pending:
        return words.no_grade_yet
    return student.grade or ""


def total_line(student: StudentFeedback, words: Words) -> str:
    total = score_out_of(student.total, student.max_total)
    if student.pending:
        return words.total_pending.format(total=total, count=len(student.pending))
    percent = 100.0 * student.total / student.max_total if student.max_total else 0.0
    return words.total_final.format(total=total, percent=f"{percent:.0f}")


def index_total(student: StudentFeedback, words: Words) -> str:
    return score_out_of(student.total, student.max_total) + (words.so_far if student.pending else "")


def index_status(student: StudentFeedback, words: Words) -> str:
    """'final', or how many of the student's answers are not graded yet."""
    return words.index_pending.format(count=len(student.pending)) if student.pending else words.index_final


def student_heading(student: StudentFeedback) -> str:
    return student.name + (f" ({student.external_id})" if student.external_id else "")


def bank_line(exam: FeedbackExam, words: Words) -> str:
    """Which bank and version the exam was, so a student and teacher talk about the same questions."""
    return words.version.format(bank=exam.bank_id, version=exam.version)


def question_label(question: QuestionFeedback, words: Words) -> str:
    """'Question 3' / 'Fråga 3' for a numbered question, else its label as the gradebook has it."""
    number = re.fullmatch(r"Q(\d+)", question.label)
    return words.question_number.format(number=number.group(1)) if number else question.label


def summary_cells(question: QuestionFeedback, words: Words) -> tuple[str, str]:
    """The question's points and its state, for the table at the top of a student's document."""
    if question.state is QuestionState.UNANSWERED:
        return score_out_of(0.0, question.max_points), words.not_answered
    if question.state is QuestionState.NOT_GRADED:
        return score_out_of(None, question.max_points), words.not_graded
    if question.state is QuestionState.IN_REVIEW:
        return score_out_of(None, question.max_points), words.being_reviewed
    override, auto = question.override, question.auto_score
    changed = override is not None and (auto is None or abs(auto - override.score) >= 0.005)
    return score_out_of(
        question.score, question.max_points
    ), words.set_by_teacher if changed else words.graded


def passage_line(point: PointFeedback, words: Words) -> str:
    """'Read: <source>: “excerpt”' under a missed point ('Course material: …' under a covered one)."""
    verb = words.course_material if point.status == "covered" else words.read
    excerpt = f": “{point.passage_text}”" if point.passage_text else ""
    return f"{verb}: {point.passage_source}{excerpt}"


def reference_point_line(point: ReferencePoint) -> str:
    return f"{point.text} ({format_score(point.points)} p)"
