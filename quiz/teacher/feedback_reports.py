"""Graded exams handed back: one document per student (Gradescope's "publish grades", Moodle's review of
an attempt) with each answer, its final score, the teacher's changes and comments, and key-point feedback.

What a student sees follows the gradebook exports (quiz.teacher.exports): the latest answer per question,
the teacher's override wins, an unanswered question counts 0, and the final grade comes from the same
rules (`final_grades`). An answer not graded yet, or one waiting for the teacher's review (an uncertain
auto grade, a regrade request), is shown as "not graded yet" without its provisional score or key points,
and the student's total then carries no final grade: a score that may still change is not handed out.

Answers are quoted verbatim: in Markdown every character CommonMark would read as markup is
backslash-escaped, line breaks are kept as hard breaks and fenced code blocks stay code blocks (closed
even when the student forgot to); in HTML everything is escaped and the file needs nothing outside itself.
"""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from db.records import AnswerDetail, Gradebook, GradebookRow, OverrideRecord
from db.repository import latest_per_student_question
from grading.rubric import feedback_remarks, short_quote
from question_bank.errors import TentaError
from question_bank.grade_scales import GradeBoundary, describe_scale
from question_bank.models import Bank, CodeBlock, Question
from quiz.teacher.exports import (
    atomic_writer,
    final_grades,
    format_score,
    last_answer_dates,
    question_columns,
    question_labels,
)
from quiz.teacher.review import scaled_auto_score


class FeedbackFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"


class QuestionState(StrEnum):
    GRADED = "graded"
    UNANSWERED = "unanswered"
    NOT_GRADED = "not_graded"
    IN_REVIEW = "in_review"


PENDING_STATES = (QuestionState.NOT_GRADED, QuestionState.IN_REVIEW)
STATUS_MARKS = {"covered": "✓ covered", "partial": "◐ partly covered", "missing": "✗ missing"}
MAX_STEM_LENGTH = 80
PASSAGE_WORDS = 45
"""Words of a course passage quoted under a key point; the source names where to read the rest."""
RESERVED_STEMS = frozenset(
    {"index", "con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)}
)
"""Our index file, and names Windows refuses for files whatever the suffix."""


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
    """The grader's own feedback, shown for questions without key points (choices, numbers)."""


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

    @property
    def pending(self) -> tuple[QuestionFeedback, ...]:
        return tuple(question for question in self.questions if question.state in PENDING_STATES)


@dataclass(frozen=True)
class FeedbackExam:
    """What every student's document shares: the bank, the scale and the day of publishing."""

    bank_id: str
    title: str
    published: date
    scale: tuple[GradeBoundary, ...]
    max_total: float


# --- collecting ------------------------------------------------------------------------------------


def answer_state(detail: AnswerDetail | None) -> QuestionState:
    if detail is None:
        return QuestionState.UNANSWERED
    if detail.final_score is None:
        return QuestionState.NOT_GRADED
    if detail.needs_review or detail.regrade_requested:
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


def question_feedback(
    label: str, question: Question, max_points: float, detail: AnswerDetail | None, language: str
) -> QuestionFeedback:
    """One question of a student's document; a score that may still change is left out."""
    if detail is None:
        return QuestionFeedback(
            label, question.prompt_in(language), question.code, max_points, QuestionState.UNANSWERED
        )
    asked = detail.question
    shown = QuestionFeedback(
        label=label,
        prompt=asked.prompt_in(answer_language(detail) or language),
        code=asked.code,
        max_points=detail.max_points,
        state=answer_state(detail),
        answer=detail.answer.text,
    )
    if shown.state is not QuestionState.GRADED:
        return shown
    grade = detail.latest_grade
    return dataclasses.replace(
        shown,
        score=detail.final_score,
        auto_score=scaled_auto_score(detail),
        override=detail.latest_override,
        points=tuple(point_feedback(point, detail.max_points) for point in detail.final_points),
        feedback=feedback_remarks(grade.feedback) if grade is not None and not asked.rubric else "",
    )


def collect_feedback(
    bank: Bank,
    gradebook: Gradebook,
    details: Sequence[AnswerDetail],
    scale: Sequence[GradeBoundary],
    *,
    published: date,
) -> tuple[FeedbackExam, list[StudentFeedback]]:
    """Every student in the gradebook with their questions in bank order (then questions the bank no
    longer has), the total and, when nothing is pending, the final grade."""
    columns = question_columns(gradebook, bank)
    labels = {
        question_id: re.sub(r"^Q(\d+)$", r"Question \1", label)
        for question_id, label in question_labels(bank, list(columns)).items()
    }
    max_total = sum(columns.values())
    latest = latest_per_student_question(details)
    questions = {detail.answer.question_id: detail.question for detail in latest.values()}
    questions.update({question.id: question for question in bank.questions})
    grades = final_grades(gradebook, bank, scale) if scale else {}
    exam_dates = last_answer_dates(list(latest.values()))
    exam = FeedbackExam(bank.id, bank.title, published, tuple(scale), max_total)
    students = []
    for row in gradebook.rows:
        own = [detail for (student_id, _), detail in latest.items() if student_id == row.student_id]
        language = student_language(own, bank.languages[0])
        items = tuple(
            question_feedback(
                labels[question_id],
                questions[question_id],
                max_points,
                latest.get((row.student_id, question_id)),
                language,
            )
            for question_id, max_points in columns.items()
        )
        students.append(student_feedback(row, items, max_total, grades.get(row.student_id), exam_dates))
    return exam, students


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


# --- file names ------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Letters (å, ä, ö and other scripts included), digits, '.', '_' and '-' only; the rest becomes '-'."""
    normal = unicodedata.normalize("NFC", text)
    cleaned = re.sub(r"[^\w.-]+", "-", normal)
    return re.sub(r"-{2,}", "-", cleaned).strip("-._")


def file_stems(students: Sequence[StudentFeedback]) -> dict[int, str]:
    """Student id → a file name stem from their name and id, unique even on case-insensitive disks:
    students whose stems coincide get tenta's student number appended."""
    base: dict[int, str] = {}
    for student in students:
        parts = [slug(student.name)[:MAX_STEM_LENGTH], slug(student.external_id or "")[:MAX_STEM_LENGTH]]
        stem = "_".join(part for part in parts if part)
        base[student.student_id] = stem if stem and stem.casefold() not in RESERVED_STEMS else "student"
    counts = Counter(stem.casefold() for stem in base.values())
    stems: dict[int, str] = {}
    used: set[str] = set()
    for student in students:
        stem = base[student.student_id]
        if counts[stem.casefold()] > 1:
            stem = f"{stem}-{student.student_id}"
        while stem.casefold() in used:
            stem = f"{stem}-{student.student_id}"
        used.add(stem.casefold())
        stems[student.student_id] = stem
    return stems


# --- Markdown --------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!{}])")
_LINE_START_MARKER = re.compile(r"^([-+=>])|^(\d{1,9})([.)])")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def markdown_escape(text: str) -> str:
    """Text on one line that CommonMark shows exactly as written (no emphasis, links, HTML, tables)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _escape_line(line: str) -> str:
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)].replace("\t", "    ").replace(" ", "\u00a0")
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", stripped.rstrip())
    escaped = _LINE_START_MARKER.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped
    )
    return indent + escaped


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


def markdown_code(code: Sequence[str], language: str = "") -> list[str]:
    """A fenced code block whose fence no line of the code can close."""
    longest = max((len(run) for line in code for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *code, fence]


def markdown_text(text: str) -> list[str]:
    """Multi-line text verbatim: paragraphs, hard line breaks, fenced code kept as code."""
    out: list[str] = []
    for language, lines in text_segments(text):
        if language is not None:
            out += [*markdown_code(lines, language), ""]
            continue
        paragraph: list[str] = []
        for line in [*lines, ""]:
            if line.strip():
                paragraph.append(_escape_line(line))
            elif paragraph:
                out += [*(part + "\\" for part in paragraph[:-1]), paragraph[-1], ""]
                paragraph = []
    while out and not out[-1]:
        out.pop()
    return out


def quoted(lines: Sequence[str]) -> list[str]:
    return [f"> {line}" if line else ">" for line in lines]


def points_text(score: float | None, max_points: float) -> str:
    return f"{format_score(score) or '–'} / {format_score(max_points)}"


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
    return f"Score: {points_text(question.score, question.max_points)} points"


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
    total = points_text(student.total, student.max_total)
    if student.pending:
        return f"{total} points so far (not final: {len(student.pending)} answer(s) not graded yet)"
    percent = 100.0 * student.total / student.max_total if student.max_total else 0.0
    return f"{total} points ({percent:.0f} %)"


def index_total(student: StudentFeedback) -> str:
    return points_text(student.total, student.max_total) + (" so far" if student.pending else "")


def student_heading(student: StudentFeedback) -> str:
    return student.name + (f" ({student.external_id})" if student.external_id else "")


def markdown_question(question: QuestionFeedback) -> list[str]:
    lines = [f"## {markdown_escape(question.label)}", "", *markdown_text(question.prompt), ""]
    if question.code is not None:
        lines += [*markdown_code(question.code.source.splitlines(), question.code.language), ""]
    lines += [f"**{markdown_escape(score_line(question))}**", ""]
    if question.answer is None:
        return [*lines, "*You did not answer this question.*", ""]
    answer = markdown_text(question.answer) or ["*(empty answer)*"]
    lines += ["Your answer:", "", *quoted(answer), ""]
    teacher = teacher_line(question)
    if teacher is not None and question.override is not None:
        lines += [f"*{markdown_escape(teacher)}*", ""]
        if question.override.comment.strip():
            lines += ["Teacher's comment:", "", *quoted(markdown_text(question.override.comment)), ""]
    if question.points:
        lines += ["Key points:", ""]
        for point in question.points:
            lines.append(
                f"- **{markdown_escape(point_status(point))}** ({format_score(point.points)} p): "
                f"{markdown_escape(point.text)}"
            )
            if point.matched_sentence and point.status != "missing":
                lines.append(f"  - In your answer: “{markdown_escape(point.matched_sentence)}”")
            if point.passage_source:
                verb = "Course material" if point.status == "covered" else "Read"
                excerpt = f": “{markdown_escape(point.passage_text)}”" if point.passage_text else ""
                lines.append(f"  - {verb}: {markdown_escape(point.passage_source)}{excerpt}")
        lines.append("")
    if question.feedback.strip():
        lines += ["Feedback:", "", *quoted(markdown_text(question.feedback)), ""]
    return lines


def render_markdown(student: StudentFeedback, exam: FeedbackExam) -> str:
    lines = [
        f"# {markdown_escape(exam.title)}",
        "",
        f"- Student: {markdown_escape(student_heading(student))}",
        *([f"- Exam date: {student.exam_date.isoformat()}"] if student.exam_date else []),
        f"- Feedback published: {exam.published.isoformat()}",
        f"- Total: {markdown_escape(total_line(student))}",
    ]
    if exam.scale:
        lines.append(f"- Grade: **{markdown_escape(grade_line(student))}**")
        lines.append(f"- Grade scale: {markdown_escape(describe_scale(exam.scale, exam.max_total))}")
    lines.append("")
    for question in student.questions:
        lines += markdown_question(question)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown_index(
    students: Sequence[StudentFeedback], exam: FeedbackExam, files: Mapping[int, str]
) -> str:
    header = ["Student", "Id", "Total", *(["Grade"] if exam.scale else []), "Status"]
    lines = [
        f"# {markdown_escape(exam.title)}: feedback",
        "",
        f"Published {exam.published.isoformat()}; {len(students)} student(s); "
        f"max {format_score(exam.max_total)} points.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for student in students:
        cells = [
            f"[{markdown_escape(student.name)}]({quote(files[student.student_id])})",
            markdown_escape(student.external_id or ""),
            index_total(student),
            *([markdown_escape(student.grade or "–")] if exam.scale else []),
            f"{len(student.pending)} not graded yet" if student.pending else "final",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- HTML ------------------------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; } h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
section.question { border-top: 1px solid #ccc; padding: 1rem 0; break-inside: avoid-page; }
.prompt, .text { white-space: pre-wrap; overflow-wrap: anywhere; }
.answer { background: #f5f5f5; border-left: 4px solid #888; padding: .5rem .8rem; margin: .5rem 0; }
.comment { background: #fff8e1; border-left: 4px solid #e0a800; padding: .5rem .8rem; margin: .5rem 0; }
pre { background: #f0f0f0; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.score { font-weight: 600; } .pending { color: #8a5a00; } .unanswered { color: #666; font-style: italic; }
ul.points { padding-left: 1.2rem; } ul.points li { margin: .3rem 0; }
.covered { color: #1b6e20; } .partial { color: #8a5a00; } .missing { color: #b00020; }
.status { font-weight: 600; } .detail { color: #444; font-size: .93em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } a { color: inherit; }
  .answer, .comment, pre { background: none; } }
"""


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def html_text(text: str, css_class: str = "text") -> str:
    """Multi-line text verbatim: prose with its line breaks, fenced code as <pre><code>."""
    parts = []
    for language, lines in text_segments(text):
        if language is None:
            prose = "\n".join(lines).strip("\n")
            if prose.strip():
                parts.append(f'<div class="{css_class}">{escape(prose)}</div>')
        else:
            parts.append(html_code("\n".join(lines), language))
    return "\n".join(parts)


def html_code(source: str, language: str) -> str:
    label = f' data-language="{escape(language)}"' if language else ""
    return f"<pre{label}><code>{escape(source)}</code></pre>"


def html_question(question: QuestionFeedback) -> str:
    state_class = {
        QuestionState.UNANSWERED: "score unanswered",
        QuestionState.NOT_GRADED: "score pending",
        QuestionState.IN_REVIEW: "score pending",
    }.get(question.state, "score")
    parts = [
        '<section class="question">',
        f"<h2>{escape(question.label)}</h2>",
        html_text(question.prompt, "prompt"),
    ]
    if question.code is not None:
        parts.append(html_code(question.code.source, question.code.language))
    parts.append(f'<p class="{state_class}">{escape(score_line(question))}</p>')
    if question.answer is None:
        parts.append('<p class="unanswered">You did not answer this question.</p>')
        return "\n".join([*parts, "</section>"])
    answer = html_text(question.answer) or '<p class="unanswered">(empty answer)</p>'
    parts.append(f'<p>Your answer:</p>\n<div class="answer">{answer}</div>')
    teacher = teacher_line(question)
    if teacher is not None and question.override is not None:
        parts.append(f"<p><em>{escape(teacher)}</em></p>")
        if question.override.comment.strip():
            comment = html_text(question.override.comment)
            parts.append(f'<div class="comment"><strong>Teacher\'s comment:</strong>{comment}</div>')
    if question.points:
        items = []
        for point in question.points:
            details = []
            if point.matched_sentence and point.status != "missing":
                details.append(f"In your answer: “{escape(point.matched_sentence)}”")
            if point.passage_source:
                verb = "Course material" if point.status == "covered" else "Read"
                excerpt = f": “{escape(point.passage_text)}”" if point.passage_text else ""
                details.append(f"{verb}: {escape(point.passage_source)}{excerpt}")
            detail_html = "".join(f'<br><span class="detail">{detail}</span>' for detail in details)
            items.append(
                f'<li><span class="status {escape(point.status)}">{escape(point_status(point))}</span> '
                f"({format_score(point.points)} p): {escape(point.text)}{detail_html}</li>"
            )
        parts.append('<p>Key points:</p>\n<ul class="points">\n' + "\n".join(items) + "\n</ul>")
    if question.feedback.strip():
        parts.append(f'<p>Feedback:</p>\n<div class="comment">{html_text(question.feedback)}</div>')
    return "\n".join([*parts, "</section>"])


def html_page(title: str, body: Sequence[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def render_html(student: StudentFeedback, exam: FeedbackExam) -> str:
    meta = [("Student", student_heading(student))]
    if student.exam_date:
        meta.append(("Exam date", student.exam_date.isoformat()))
    meta += [("Feedback published", exam.published.isoformat()), ("Total", total_line(student))]
    if exam.scale:
        meta += [("Grade", grade_line(student)), ("Grade scale", describe_scale(exam.scale, exam.max_total))]
    listing = "".join(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in meta)
    body = [
        f"<h1>{escape(exam.title)}</h1>",
        f'<dl class="meta">{listing}</dl>',
        *(html_question(question) for question in student.questions),
    ]
    return html_page(f"{exam.title} — {student.name}", body)


def render_html_index(
    students: Sequence[StudentFeedback], exam: FeedbackExam, files: Mapping[int, str]
) -> str:
    header = ["Student", "Id", "Total", *(["Grade"] if exam.scale else []), "Status"]
    rows = ["<tr>" + "".join(f"<th>{name}</th>" for name in header) + "</tr>"]
    for student in students:
        cells = [
            f'<a href="{escape(quote(files[student.student_id]))}">{escape(student.name)}</a>',
            escape(student.external_id or ""),
            escape(index_total(student)),
            *([escape(student.grade or "–")] if exam.scale else []),
            f"{len(student.pending)} not graded yet" if student.pending else "final",
        ]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    body = [
        f"<h1>{escape(exam.title)}: feedback</h1>",
        f"<p>Published {exam.published.isoformat()}; {len(students)} student(s); "
        f"max {escape(format_score(exam.max_total))} points.</p>",
        "<table>",
        *rows,
        "</table>",
    ]
    return html_page(f"{exam.title}: feedback", body)


# --- writing ---------------------------------------------------------------------------------------


def write_feedback(
    out_dir: Path, students: Sequence[StudentFeedback], exam: FeedbackExam, format_name: FeedbackFormat
) -> list[Path]:
    """One file per student and an index, each written atomically; the paths written, index last."""
    suffix = format_name.value
    stems = file_stems(students)
    files = {student_id: f"{stem}.{suffix}" for student_id, stem in stems.items()}
    render = render_markdown if format_name is FeedbackFormat.MARKDOWN else render_html
    written = []
    for student in students:
        path = out_dir / files[student.student_id]
        with atomic_writer(path) as handle:
            handle.write(render(student, exam))
        written.append(path)
    index = render_markdown_index if format_name is FeedbackFormat.MARKDOWN else render_html_index
    index_path = out_dir / f"index.{suffix}"
    with atomic_writer(index_path) as handle:
        handle.write(index(students, exam, files))
    written.append(index_path)
    return written
