"""HTML: everything is escaped, and the page needs nothing outside itself and prints well."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from question_bank.grade_scales import describe_scale
from quiz.scores import format_score
from quiz.teacher.feedback.model import (
    FeedbackExam,
    QuestionFeedback,
    QuestionState,
    Reference,
    StudentFeedback,
)
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

STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; } h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
section.question { border-top: 1px solid #ccc; padding: 1rem 0; break-inside: avoid-page; }
.prompt, .text { white-space: pre-wrap; overflow-wrap: anywhere; }
.answer { background: #f5f5f5; border-left: 4px solid #888; padding: .5rem .8rem; margin: .5rem 0; }
.reference { background: #eef6ee; border-left: 4px solid #1b6e20; padding: .5rem .8rem; margin: .5rem 0; }
.comment { background: #fff8e1; border-left: 4px solid #e0a800; padding: .5rem .8rem; margin: .5rem 0; }
pre { background: #f0f0f0; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.score { font-weight: 600; } .pending { color: #8a5a00; } .unanswered { color: #666; font-style: italic; }
ul.points { padding-left: 1.2rem; } ul.points li { margin: .3rem 0; }
.covered { color: #1b6e20; } .partial { color: #8a5a00; } .missing { color: #b00020; }
.status { font-weight: 600; } .detail { color: #444; font-size: .93em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } a { color: inherit; }
  .answer, .comment, .reference, pre { background: none; } }
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


def html_question(question: QuestionFeedback, words: Words) -> str:
    state_class = {
        QuestionState.UNANSWERED: "score unanswered",
        QuestionState.NOT_GRADED: "score pending",
        QuestionState.IN_REVIEW: "score pending",
    }.get(question.state, "score")
    parts = [
        '<section class="question">',
        f"<h2>{escape(question_label(question, words))}</h2>",
        html_text(question.prompt, "prompt"),
    ]
    if question.code is not None:
        parts.append(html_code(question.code.source, question.code.language))
    parts.append(f'<p class="{state_class}">{escape(score_line(question, words))}</p>')
    parts += html_answer(question, words)
    if question.reference is not None:
        parts += html_reference(question.reference, words)
    return "\n".join([*parts, "</section>"])


def html_reference(reference: Reference, words: Words) -> list[str]:
    answer = html_text(reference.answer) or "–"
    parts = [f'<p>{escape(words.reference_answer)}</p>\n<div class="reference">{answer}</div>']
    if reference.points:
        items = "\n".join(f"<li>{escape(reference_point_line(point))}</li>" for point in reference.points)
        parts.append(f'<p>{escape(words.rubric)}</p>\n<ul class="rubric">\n{items}\n</ul>')
    return parts


def html_answer(question: QuestionFeedback, words: Words) -> list[str]:
    """The answer verbatim, the teacher's change and comment, and the key points as graded."""
    if question.answer is None:
        return [f'<p class="unanswered">{escape(words.did_not_answer)}</p>']
    answer = html_text(question.answer) or f'<p class="unanswered">{escape(words.empty_answer)}</p>'
    parts = [f'<p>{escape(words.your_answer)}</p>\n<div class="answer">{answer}</div>']
    teacher = teacher_line(question, words)
    if teacher is not None and question.override is not None:
        parts.append(f"<p><em>{escape(teacher)}</em></p>")
        if question.override.comment.strip():
            comment = html_text(question.override.comment)
            parts.append(
                f'<div class="comment"><strong>{escape(words.teacher_comment)}</strong>{comment}</div>'
            )
    if question.points:
        items = []
        for point in question.points:
            details = []
            if point.matched_sentence and point.status != "missing":
                details.append(f"{escape(words.in_your_answer)}: “{escape(point.matched_sentence)}”")
            if point.passage_source:
                details.append(escape(passage_line(point, words)))
            detail_html = "".join(f'<br><span class="detail">{detail}</span>' for detail in details)
            status = escape(point_status(point, words))
            items.append(
                f'<li><span class="status {escape(point.status)}">{status}</span> '
                f"({format_score(point.points)} p): {escape(point.text)}{detail_html}</li>"
            )
        parts.append(
            f'<p>{escape(words.key_points)}</p>\n<ul class="points">\n' + "\n".join(items) + "\n</ul>"
        )
    if question.feedback.strip():
        parts.append(
            f'<p>{escape(words.feedback)}</p>\n<div class="comment">{html_text(question.feedback)}</div>'
        )
    return parts


def html_page(title: str, body: Sequence[str], language: str) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(language)}">',
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


def html_summary(student: StudentFeedback, words: Words) -> str:
    """Every question's points and state at a glance, as Gradescope shows above a graded submission."""
    header = "".join(f"<th>{escape(name)}</th>" for name in (words.question, words.points, words.status))
    rows = [f"<tr>{header}</tr>"]
    for question in student.questions:
        points, status = summary_cells(question, words)
        label = escape(question_label(question, words))
        rows.append(f"<tr><td>{label}</td><td>{points}</td><td>{escape(status)}</td></tr>")
    return '<table class="summary">\n' + "\n".join(rows) + "\n</table>"


def render_html(student: StudentFeedback, exam: FeedbackExam) -> str:
    words = words_for(student.language)
    meta = [(words.student, student_heading(student)), (words.bank, bank_line(exam, words))]
    if student.exam_date:
        meta.append((words.exam_date, student.exam_date.isoformat()))
    meta += [(words.published, exam.published.isoformat()), (words.total, total_line(student, words))]
    if exam.scale:
        meta += [
            (words.grade, grade_line(student, words)),
            (words.grade_scale, describe_scale(exam.scale, exam.max_total)),
        ]
    listing = "".join(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in meta)
    body = [
        f"<h1>{escape(exam.title)}</h1>",
        f'<dl class="meta">{listing}</dl>',
        html_summary(student, words),
        *(html_question(question, words) for question in student.questions),
    ]
    return html_page(f"{exam.title} — {student.name}", body, words.language)


def render_html_index(
    students: Sequence[StudentFeedback], exam: FeedbackExam, files: Mapping[int, str]
) -> str:
    words = words_for(exam.language)
    header = [words.student, words.id, words.total, *([words.grade] if exam.scale else []), words.status]
    rows = ["<tr>" + "".join(f"<th>{escape(name)}</th>" for name in header) + "</tr>"]
    for student in students:
        cells = [
            f'<a href="{escape(quote(files[student.student_id]))}">{escape(student.name)}</a>',
            escape(student.external_id or ""),
            escape(index_total(student, words)),
            *([escape(student.grade or "–")] if exam.scale else []),
            escape(index_status(student, words)),
        ]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    title = words.index_title.format(title=exam.title)
    summary = words.index_line.format(
        published=exam.published.isoformat(), count=len(students), max=format_score(exam.max_total)
    )
    body = [f"<h1>{escape(title)}</h1>", f"<p>{escape(summary)}</p>", "<table>", *rows, "</table>"]
    return html_page(title, body, words.language)
