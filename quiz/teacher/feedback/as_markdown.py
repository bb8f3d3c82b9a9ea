"""Markdown: every character CommonMark would read as markup is backslash-escaped, line breaks are kept as
hard breaks and fenced code blocks stay code blocks (closed even when the student forgot to)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from question_bank.grade_scales import describe_scale
from quiz.scores import format_score
from quiz.teacher.feedback.model import FeedbackExam, QuestionFeedback, Reference, StudentFeedback
from quiz.teacher.feedback.wording import (
    Words,
    bank_line,
    grade_line,
    index_status,
    index_total,
    passage_line,
    point_status,
    question_label,
    reference_point_line,
    score_line,
    student_heading,
    summary_cells,
    teacher_line,
    text_segments,
    total_line,
    words_for,
)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!{}])")
_LINE_START_MARKER = re.compile(r"^([-+=>])|^(\d{1,9})([.)])")


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


def markdown_question(question: QuestionFeedback, words: Words) -> list[str]:
    lines = [
        f"## {markdown_escape(question_label(question, words))}",
        "",
        *markdown_text(question.prompt),
        "",
    ]
    if question.code is not None:
        lines += [*markdown_code(question.code.source.splitlines(), question.code.language), ""]
    lines += [f"**{markdown_escape(score_line(question, words))}**", ""]
    lines += markdown_answer(question, words)
    if question.reference is not None:
        lines += markdown_reference(question.reference, words)
    return lines


def markdown_reference(reference: Reference, words: Words) -> list[str]:
    lines = [words.reference_answer, "", *quoted(markdown_text(reference.answer) or ["–"]), ""]
    if reference.points:
        rubric = [f"- {markdown_escape(reference_point_line(point))}" for point in reference.points]
        lines += [words.rubric, "", *rubric, ""]
    return lines


def markdown_answer(question: QuestionFeedback, words: Words) -> list[str]:
    """The answer verbatim, the teacher's change and comment, and the key points as graded."""
    if question.answer is None:
        return [f"*{markdown_escape(words.did_not_answer)}*", ""]
    answer = markdown_text(question.answer) or [f"*{markdown_escape(words.empty_answer)}*"]
    lines = [words.your_answer, "", *quoted(answer), ""]
    teacher = teacher_line(question, words)
    if teacher is not None and question.override is not None:
        lines += [f"*{markdown_escape(teacher)}*", ""]
        if question.override.comment.strip():
            lines += [words.teacher_comment, "", *quoted(markdown_text(question.override.comment)), ""]
    if question.points:
        lines += [words.key_points, ""]
        for point in question.points:
            lines.append(
                f"- **{markdown_escape(point_status(point, words))}** ({format_score(point.points)} p): "
                f"{markdown_escape(point.text)}"
            )
            if point.matched_sentence and point.status != "missing":
                lines.append(f"  - {words.in_your_answer}: “{markdown_escape(point.matched_sentence)}”")
            if point.passage_source:
                lines.append(f"  - {markdown_escape(passage_line(point, words))}")
        lines.append("")
    if question.feedback.strip():
        lines += [words.feedback, "", *quoted(markdown_text(question.feedback)), ""]
    return lines


def render_markdown(student: StudentFeedback, exam: FeedbackExam) -> str:
    words = words_for(student.language)
    lines = [
        f"# {markdown_escape(exam.title)}",
        "",
        f"- {words.student}: {markdown_escape(student_heading(student))}",
        f"- {words.bank}: {markdown_escape(bank_line(exam, words))}",
        *([f"- {words.exam_date}: {student.exam_date.isoformat()}"] if student.exam_date else []),
        f"- {words.published}: {exam.published.isoformat()}",
        f"- {words.total}: {markdown_escape(total_line(student, words))}",
    ]
    if exam.scale:
        lines.append(f"- {words.grade}: **{markdown_escape(grade_line(student, words))}**")
        lines.append(f"- {words.grade_scale}: {markdown_escape(describe_scale(exam.scale, exam.max_total))}")
    lines += ["", f"| {words.question} | {words.points} | {words.status} |", "|---|---|---|"]
    for question in student.questions:
        points, status = summary_cells(question, words)
        lines.append(f"| {markdown_escape(question_label(question, words))} | {points} | {status} |")
    lines.append("")
    for question in student.questions:
        lines += markdown_question(question, words)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown_index(
    students: Sequence[StudentFeedback], exam: FeedbackExam, files: Mapping[int, str]
) -> str:
    words = words_for(exam.language)
    header = [words.student, words.id, words.total, *([words.grade] if exam.scale else []), words.status]
    summary = words.index_line.format(
        published=exam.published.isoformat(), count=len(students), max=format_score(exam.max_total)
    )
    lines = [
        f"# {markdown_escape(words.index_title.format(title=exam.title))}",
        "",
        summary,
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for student in students:
        cells = [
            f"[{markdown_escape(student.name)}]({quote(files[student.student_id])})",
            markdown_escape(student.external_id or ""),
            index_total(student, words),
            *([markdown_escape(student.grade or "–")] if exam.scale else []),
            index_status(student, words),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
