"""Graded exams handed back: each student's Markdown / HTML file from a real SQLite file graded by MiniLM,
with course passages from a real faiss index, teacher overrides and comments, hostile answers, unanswered
and pending questions, final grades, file names, the index, and `tenta export feedback` itself."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from db.records import AnswerRecord
from grading.retrieval import CourseIndex, chunk_markdown
from question_bank.errors import TentaError
from question_bank.grade_scales import PRESETS, GradeBoundary
from question_bank.models import Bank
from quiz.cli import teacher as teacher_cli
from quiz.cli.main import app
from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from quiz.scores import format_score
from quiz.teacher.batch import store_submissions
from quiz.teacher.feedback.files import FeedbackFormat, file_stems, write_feedback
from quiz.teacher.feedback.model import FeedbackExam, StudentFeedback, collect_feedback, select_students
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, WEAK_DROPOUT, write_csv

NOTES = """# Regularisation

## Dropout

Dropout randomly deactivates neurons during training: each unit is switched off with some probability,
so the network cannot rely on single units. This reduces overfitting.

## Early stopping

Early stopping monitors the validation loss and stops training when it no longer improves.
"""
HOSTILE = (
    "# Not a heading\n"
    "<script>alert('x')</script> and a | pipe | table |\n"
    "|---|---|\n"
    "`not code` **not bold** [not](a link) &amp;\n"
    "1. not a list\n"
    "```python\n"
    "model.add(Dropout(0.5))  # <b>kept</b>\n"
    "```\n"
    "- still text"
)
SWEDISH_DROPOUT = "Dropout stänger slumpmässigt av neuroner under träningen, vilket minskar överanpassning."
COMMENT = "Good, but say what happens at test time <em>too</em>."
UG_VG = PRESETS["ug-vg"]
ANNA = "Anna Öberg"
ANNA_TWIN = unicodedata.normalize("NFD", ANNA)
"""The same name as another system (macOS file names, some LMS exports) writes it: another student to
tenta, the same name to a reader and to the file system."""


@dataclass(frozen=True)
class Exam:
    exam: FeedbackExam
    students: dict[str, StudentFeedback]
    """By '<name> <id>'."""


def store(ctx: AppContext, bank: Bank, tmp_path: Path, rows: list[list[str]]) -> list[AnswerRecord]:
    source = write_csv(tmp_path / "exam.csv", rows, header=("student", "student_id", "question", "answer"))
    return store_submissions(ctx.repository, bank, read_submissions(source)).answers


@pytest.fixture
def graded(ctx: AppContext, bank: Bank, tmp_path: Path) -> AppContext:
    """Anna Öberg (two students of that name), a hostile student, a Swedish one, and Dan whose answer
    waits for grading; Anna's dropout answer overridden with a comment, Örjan's second one up for regrade."""
    ctx.use_course_index(CourseIndex.build(chunk_markdown(NOTES, "regularisation.md"), ctx.embedder))
    answers = store(
        ctx,
        bank,
        tmp_path,
        [
            [ANNA, "", "1", GOOD_DROPOUT],
            [ANNA, "", "2", GOOD_STOPPING],
            [ANNA, "", "3", "GPU"],
            [ANNA_TWIN, "", "1", WEAK_DROPOUT],
            ["Hacker", "h4x", "1", HOSTILE],
            ["Hacker", "h4x", "3", "Hard disk"],
            ["Örjan", "orjan@uni.se", "1", SWEDISH_DROPOUT],
            ["Örjan", "orjan@uni.se", "2", GOOD_STOPPING],
            ["Dan", "", "1", GOOD_DROPOUT],
        ],
    )
    grade_and_store(ctx, [answer for answer in answers if answer.student_name != "Dan"])
    first = next(a for a in answers if a.student_name == ANNA and a.question_id == "dropout")
    ctx.repository.add_override(first.id, 1.25, COMMENT, "Kim", point_credits={"overfitting": 0.0})
    second = next(a for a in answers if a.student_name == "Örjan" and a.question_id == "early-stopping")
    ctx.repository.request_regrade(second.id, "I said the same as the book")
    return ctx


def collect(
    ctx: AppContext, bank: Bank, scale: tuple[GradeBoundary, ...] = UG_VG, *, with_reference: bool = False
) -> Exam:
    details = ctx.repository.answer_history(bank_id=bank.id)
    exam, students = collect_feedback(
        bank,
        ctx.repository.gradebook(bank.id),
        details,
        scale,
        published=date(2026, 1, 15),
        with_reference=with_reference,
    )
    return Exam(exam, {f"{s.name} {s.external_id or ''}".strip(): s for s in students})


def written(ctx: AppContext, bank: Bank, out: Path, format_name: FeedbackFormat) -> dict[str, str]:
    """'<name> <id>' → the text of the student's file, and 'index' → the index."""
    collected = collect(ctx, bank)
    students = list(collected.students.values())
    paths = write_feedback(out, students, collected.exam, format_name)
    texts = {
        key: path.read_text(encoding="utf-8") for key, path in zip(collected.students, paths, strict=False)
    }
    texts["index"] = paths[-1].read_text(encoding="utf-8")
    return texts


def section(text: str, heading: str) -> str:
    """The part of a Markdown file under `## heading`, up to the next question."""
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_an_override_shows_the_teachers_score_comment_and_key_point_decision(
    graded: AppContext, bank: Bank, tmp_path: Path
) -> None:
    collected = collect(graded, bank)
    anna = collected.students[ANNA]
    dropout = anna.questions[0]
    text = written(graded, bank, tmp_path / "out", FeedbackFormat.MARKDOWN)[ANNA]
    part = section(text, "Question 1")

    assert dropout.score == 1.25 and dropout.auto_score is not None
    assert "**Score: 1.25 / 2 points**" in part
    assert f"Score set by the teacher (Kim) from {dropout.auto_score:.2f}".rstrip("0").rstrip(".") in part
    assert "Good, but say what happens at test time \\<em\\>too\\</em\\>." in part
    overfitting = next(point for point in dropout.points if point.text == "Reduces overfitting")
    assert overfitting.status == "missing" and overfitting.decided_by == "Kim"
    assert "✗ missing (decided by the teacher; the automatic grade said " in part
    assert "Reduces overfitting" in part and "Randomly deactivates neurons during training" in part


def test_key_points_come_with_their_status_the_sentence_that_matched_and_the_passage_to_read(
    graded: AppContext, bank: Bank, tmp_path: Path
) -> None:
    collected = collect(graded, bank)
    strong = collected.students[ANNA].questions[1]
    weak = collected.students[ANNA_TWIN].questions[0]
    texts = written(graded, bank, tmp_path / "out", FeedbackFormat.MARKDOWN)

    assert {point.status for point in strong.points} == {"covered"}
    assert {point.status for point in weak.points} == {"missing"}
    strong_part = section(texts[ANNA], "Question 2")
    weak_part = section(texts[ANNA_TWIN], "Question 1")
    assert strong_part.count("**✓ covered** (1 p)") == 2
    assert "In your answer: “We watch the validation loss" in strong_part
    assert weak_part.count("**✗ missing** (1 p)") == 2
    assert "In your answer" not in weak_part
    assert "Read: regularisation.md" in weak_part
    assert "Early stopping monitors the validation loss" in strong_part  # the passage behind the point
    assert weak.score is not None and weak.score < 1
    assert f"**Score: {format_score(weak.score)} / 2 points**" in weak_part


def test_a_hostile_answer_is_shown_verbatim_in_commonmark(
    graded: AppContext, bank: Bank, tmp_path: Path
) -> None:
    text = written(graded, bank, tmp_path / "out", FeedbackFormat.MARKDOWN)["Hacker h4x"]
    rendered = MarkdownIt("commonmark").enable("table").render(section(text, "Question 1"))
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", rendered, re.DOTALL)
    assert len(quotes) == 1  # the whole answer sits in one quote
    (answer,) = quotes

    assert "<script>" not in answer and "&lt;script&gt;alert('x')&lt;/script&gt;" in answer
    assert "<h1>" not in answer and "# Not a heading" in answer
    assert "<code>not code</code>" not in answer and "`not code`" in answer
    assert "<strong>not bold</strong>" not in answer and "**not bold**" in answer
    assert "<a href" not in answer and "[not](a link)" in answer
    assert "&amp;amp;" in answer  # the student's "&amp;" as typed, not an ampersand
    assert "<ol>" not in answer and "1. not a list" in answer
    assert "<ul>" not in answer and "- still text" in answer
    assert "| pipe | table |<br" in answer and "<table>" not in answer
    code = re.search(r'<pre><code class="language-python">(.*?)</code></pre>', answer, re.DOTALL)
    assert code is not None and code.group(1) == "model.add(Dropout(0.5))  # &lt;b&gt;kept&lt;/b&gt;\n"
    # the rest of the document is still structured
    whole = MarkdownIt("commonmark").render(text)
    assert whole.count("<h2>") == 3 and "<h1>Neural networks quiz</h1>" in whole
    assert "<script>" not in whole


def test_a_fence_the_student_left_open_is_closed_within_the_answer(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    answers = store(ctx, bank, tmp_path, [["Eva", "", "1", "see:\n````\nunclosed ``` code"]])
    ctx.repository.add_override(answers[0].id, 0.0, "", "Kim")
    text = written(ctx, bank, tmp_path / "out", FeedbackFormat.MARKDOWN)["Eva"]
    rendered = MarkdownIt("commonmark").render(text)

    assert "<pre><code>unclosed ``` code\n</code></pre>" in rendered
    assert rendered.count("<h2>") == 3  # questions 2 and 3 are headings, not swallowed by the code


def test_the_html_file_is_escaped_and_self_contained(graded: AppContext, bank: Bank, tmp_path: Path) -> None:
    text = written(graded, bank, tmp_path / "out", FeedbackFormat.HTML)["Hacker h4x"]

    assert "<script>" not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert (
        '<pre data-language="python"><code>model.add(Dropout(0.5))  # &lt;b&gt;kept&lt;/b&gt;</code></pre>'
        in text
    )
    assert "# Not a heading" in text
    assert "<style>" in text and "@media print" in text
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text) and "<link" not in text


def test_unanswered_ungraded_and_in_review_questions_are_shown_as_such(
    graded: AppContext, bank: Bank, tmp_path: Path
) -> None:
    texts = written(graded, bank, tmp_path / "out", FeedbackFormat.MARKDOWN)
    collected = collect(graded, bank)

    hacker = section(texts["Hacker h4x"], "Question 2")
    assert "**Not answered: 0 / 2 points**" in hacker and "*You did not answer this question.*" in hacker
    dan = texts["Dan"]
    assert "**Not graded yet (max 2 points)**" in section(dan, "Question 1")
    assert "Key points" not in dan
    assert "- Grade: **no grade yet: some answers are not graded yet**" in dan
    assert "points so far (not final: 1 answer(s) not graded yet)" in dan
    orjan = texts["Örjan orjan@uni.se"]
    in_review = section(orjan, "Question 2")
    assert "Not graded yet: the teacher is reviewing this answer" in in_review and "Score:" not in in_review
    assert "Key points" not in in_review
    assert collected.students["Örjan orjan@uni.se"].grade is None
    assert [student.name for student in collected.students.values() if student.pending] == ["Dan", "Örjan"]


def test_the_final_grade_follows_the_scale_and_the_gradebook_total(
    graded: AppContext, bank: Bank, tmp_path: Path
) -> None:
    collected = collect(graded, bank)
    gradebook = {row.student_id: row for row in graded.repository.gradebook(bank.id).rows}
    anna = collected.students[ANNA]
    texts = written(graded, bank, tmp_path / "out", FeedbackFormat.MARKDOWN)

    assert anna.total == pytest.approx(gradebook[anna.student_id].total)
    assert anna.grade == ("VG" if anna.total >= 3.75 else "G" if anna.total >= 2.5 else "U")
    assert f"- Grade: **{anna.grade}**" in texts[ANNA]
    assert "- Grade scale: U 0% · G 50% (2.5 p) · VG 75% (3.75 p)" in texts[ANNA]
    without_scale = collect(graded, bank, scale=())
    assert without_scale.students[ANNA].grade is None


def test_a_swedish_answer_gets_the_swedish_prompt(graded: AppContext, bank: Bank, tmp_path: Path) -> None:
    texts = written(graded, bank, tmp_path / "out", FeedbackFormat.MARKDOWN)

    assert "Vad gör dropout under träning?" in section(texts["Örjan orjan@uni.se"], "Question 1")
    assert "What does dropout do during training?" in section(texts["Hacker h4x"], "Question 1")


def test_file_names_are_readable_and_unique(graded: AppContext, bank: Bank, tmp_path: Path) -> None:
    collected = collect(graded, bank)
    out = tmp_path / "out"
    paths = write_feedback(out, list(collected.students.values()), collected.exam, FeedbackFormat.MARKDOWN)
    names = sorted(path.name for path in paths)

    annas = {
        student.student_id for student in collected.students.values() if student.name in (ANNA, ANNA_TWIN)
    }
    assert names == sorted(
        [
            *(f"Anna-Öberg-{student_id}.md" for student_id in annas),
            *("Dan.md", "Hacker_h4x.md", "index.md", "Örjan_orjan-uni.se.md"),
        ]
    )
    twins = [student for student in collected.students.values() if student.name == "Dan"] * 2
    clash = [twins[0], StudentFeedback(**{**twins[0].__dict__, "student_id": 99, "name": "dan"})]
    stems = file_stems(clash)
    assert len({stem.casefold() for stem in stems.values()}) == 2 and stems[99] == "dan-99"
    odd = StudentFeedback(**{**twins[0].__dict__, "student_id": 7, "name": "../index", "external_id": None})
    assert file_stems([odd]) == {7: "student"}


def test_the_index_lists_every_student_with_links_that_resolve(
    graded: AppContext, bank: Bank, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    index = written(graded, bank, out, FeedbackFormat.MARKDOWN)["index"]
    rendered = MarkdownIt("commonmark").enable("table").render(index)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', rendered)

    assert len(links) == 5
    from urllib.parse import unquote

    assert all((out / unquote(href)).is_file() for href, _name in links)
    assert "| Dan |  | " in index.replace("[Dan](Dan.md)", "Dan") and "1 not graded yet" in index
    assert "| Hacker | h4x | 0" in index.replace("[Hacker](Hacker_h4x.md)", "Hacker")


def test_students_are_chosen_by_name_or_id(graded: AppContext, bank: Bank) -> None:
    students = list(collect(graded, bank).students.values())

    assert {s.name for s in select_students(students, ["anna öberg"])} == {ANNA, ANNA_TWIN}
    assert [s.name for s in select_students(students, ["H4X", "Dan"])] == ["Dan", "Hacker"]
    with pytest.raises(TentaError, match="--student 'Bertil'"):
        select_students(students, ["Bertil"])


def test_export_feedback_command(graded: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(teacher_cli, "make_context", lambda: graded)
    out = tmp_path / "feedback"
    runner = CliRunner()

    result = runner.invoke(
        app, ["export", "feedback", "--bank", "teacher-test", "--out", str(out), "--grade-scale", "ug-vg"]
    )

    assert result.exit_code == 0, result.output
    assert "Wrote feedback for 5 student(s) of bank teacher-test" in result.stdout
    assert "2 student(s) have answers not graded yet or waiting for review" in result.stderr
    assert "Dan, Örjan" in result.stderr
    assert len(list(out.glob("*.md"))) == 6

    only = tmp_path / "final"
    result = runner.invoke(
        app,
        [
            "export",
            "feedback",
            "-b",
            "teacher-test",
            "-o",
            str(only),
            "--only-final",
            "-f",
            "html",
            "--student",
            "Dan",
            "--student",
            "h4x",
        ],
    )

    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in only.iterdir()) == ["Hacker_h4x.html", "index.html"]
    assert "skipped (--only-final): Dan" in result.stderr

    result = runner.invoke(app, ["export", "feedback", "-b", "teacher-test", "-o", str(only), "-s", "Nobody"])
    assert result.exit_code != 0
