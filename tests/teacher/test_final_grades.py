"""Final grades in the gradebook exports: tenta's grade column, Moodle's scale column, Canvas's hint, the
`grades` file, students with ungraded answers, and the distribution - from a real SQLite gradebook."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from db.records import Gradebook
from question_bank.errors import TentaError
from question_bank.grade_scales import PRESETS, parse_grade_scale
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from quiz.teacher.batch import store_submissions
from quiz.teacher.exports import GradebookFormat, gradebook_table, last_answer_dates, write_table
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, WEAK_DROPOUT, write_csv

UG_VG = PRESETS["ug-vg"]
"""On the test bank's 5 points: G from 2.5, VG from 3.75."""


def exam_with_exact_scores(ctx: AppContext, bank: Bank, tmp_path: Path) -> Gradebook:
    """Five students with final scores set by teacher overrides (no model), around the boundaries:
    Anna 2.5 (exactly G), Bo 2.49 (just below), Cia 3.75 (exactly VG), Dan 2 with an answer not graded
    yet, Eva 0.5 with only one question answered."""
    scores: dict[str, dict[str, float | None]] = {
        "Anna": {"1": 1.5, "2": 0.0, "3": 1.0},
        "Bo": {"1": 1.49, "2": 0.0, "3": 1.0},
        "Cia": {"1": 2.0, "2": 1.75, "3": 0.0},
        "Dan": {"1": 2.0, "2": None},
        "Eva": {"1": 0.5},
    }
    answers = {"1": GOOD_DROPOUT, "2": GOOD_STOPPING, "3": "GPU"}
    rows = [
        [name, f"{name.lower()}@uni.se" if name != "Eva" else "", question, answers[question]]
        for name, by_question in scores.items()
        for question in by_question
    ]
    source = write_csv(tmp_path / "exam.csv", rows, header=("student", "student_id", "question", "answer"))
    stored = store_submissions(ctx.repository, bank, read_submissions(source)).answers
    numbers = {question.id: str(question.number) for question in bank.questions}
    for answer in stored:
        score = scores[answer.student_name][numbers[answer.question_id]]
        if score is not None:
            ctx.repository.add_override(answer.id, score, "", "Kim")
    return ctx.repository.gradebook(bank.id)


def table_rows(ctx: AppContext, bank: Bank, tmp_path: Path, format_name: GradebookFormat) -> list[list[str]]:
    gradebook = exam_with_exact_scores(ctx, bank, tmp_path)
    table = gradebook_table(gradebook, bank, format_name, grade_scale=UG_VG)
    path = tmp_path / "out.csv"
    write_table(table, path)
    with path.open(encoding=table.encoding, newline="") as handle:
        return list(csv.reader(handle))


def test_tenta_gradebook_gets_a_grade_column_with_exact_boundaries(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    rows = table_rows(ctx, bank, tmp_path, GradebookFormat.TENTA)

    assert rows[0][-4:] == ["total", "max_total", "percent", "grade"]
    by_name = {row[0]: (row[-4], row[-1]) for row in rows[1:]}
    assert by_name == {
        "Anna": ("2.5", "G"),
        "Bo": ("2.49", "U"),
        "Cia": ("3.75", "VG"),
        "Dan": ("", ""),  # an answer not graded yet: no total, as in the LMS files
        "Eva": ("0.5", "U"),
    }


def test_students_with_ungraded_answers_get_no_grade_and_the_note_says_why(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    gradebook = exam_with_exact_scores(ctx, bank, tmp_path)

    table = gradebook_table(gradebook, bank, GradebookFormat.TENTA, grade_scale=UG_VG)

    (note,) = table.notes
    assert "1 answer(s) not graded yet (run tenta grade): their cells and the totals and final grades" in note
    assert note.endswith(": Dan")
    assert table.grade_counts == (("U", 2), ("G", 1), ("VG", 1), ("no grade", 1))


def test_without_a_scale_the_gradebook_is_unchanged(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    gradebook = exam_with_exact_scores(ctx, bank, tmp_path)

    table = gradebook_table(gradebook, bank, GradebookFormat.TENTA)

    assert table.rows[0][-1] == "percent" and table.grade_counts == ()
    # Dan's answer not graded yet leaves his total empty, which the note explains, with or without a scale.
    (note,) = table.notes
    assert note.startswith("1 answer(s) not graded yet") and note.endswith(
        "the totals of 1 student(s) are empty (no grade): Dan"
    )


def test_moodle_gets_a_scale_column_with_its_no_grade_mark(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    gradebook = exam_with_exact_scores(ctx, bank, tmp_path)

    table = gradebook_table(gradebook, bank, GradebookFormat.MOODLE, grade_scale=UG_VG, title="Tenta")

    assert table.rows[0] == ["Full name", "Email address", "ID number", "Tenta", "Tenta: grade", "Feedback"]
    grades = {row[0]: (row[3], row[4]) for row in table.rows[1:]}
    assert grades == {
        "Eva": ("0.5", "U"),
        "Anna": ("2.5", "G"),
        "Bo": ("2.49", "U"),
        "Cia": ("3.75", "VG"),
        "Dan": ("-", "-"),
    }
    assert any(
        "'Tenta: grade' to a grade item of type Scale whose scale lists U,G,VG" in n for n in table.notes
    )
    assert any(
        "the totals and final grades of 1 student(s) are '-' (no grade): Dan" in n for n in table.notes
    )


def test_canvas_keeps_points_and_suggests_a_grading_scheme(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    gradebook = exam_with_exact_scores(ctx, bank, tmp_path)

    table = gradebook_table(gradebook, bank, GradebookFormat.CANVAS, grade_scale=UG_VG)

    assert table.rows[0][-1] == "Neural networks quiz"
    assert all(row[-1] not in {"U", "G", "VG"} for row in table.rows)
    assert any("grading scheme of U 0% · G 50% · VG 75%" in note for note in table.notes)


def test_grades_file_has_one_row_per_student_with_date(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    """Points with decimal commas: the grades file is written for Excel in a Swedish locale (9fb4bf8)."""
    gradebook = exam_with_exact_scores(ctx, bank, tmp_path)
    dates = last_answer_dates(ctx.repository.answer_history(bank_id=bank.id))
    assert set(dates.values()) == {date.today()}

    table = gradebook_table(
        gradebook,
        bank,
        GradebookFormat.GRADES,
        grade_scale=UG_VG,
        exam_dates=dict.fromkeys(dates, date(2025, 1, 14)),
    )

    assert table.rows == [
        ["student_id", "name", "grade", "examination_date", "points", "max_points"],
        ["anna@uni.se", "Anna", "G", "2025-01-14", "2,5", "5"],
        ["bo@uni.se", "Bo", "U", "2025-01-14", "2,49", "5"],
        ["cia@uni.se", "Cia", "VG", "2025-01-14", "3,75", "5"],
        ["dan@uni.se", "Dan", "", "2025-01-14", "", "5"],
        ["", "Eva", "U", "2025-01-14", "0,5", "5"],
    ]
    assert table.unidentified == ("Eva",)
    assert table.notes[0] == "scale U 0% · G 50% (2.5 p) · VG 75% (3.75 p)"


def test_grades_file_needs_a_scale(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    gradebook = exam_with_exact_scores(ctx, bank, tmp_path)

    with pytest.raises(TentaError, match="--format grades needs a grade scale"):
        gradebook_table(gradebook, bank, GradebookFormat.GRADES)


def test_points_thresholds_use_the_exam_total(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    gradebook = exam_with_exact_scores(ctx, bank, tmp_path)
    scale = parse_grade_scale("F:0,E:2.49p,A:3.75p", max_points=5)

    table = gradebook_table(gradebook, bank, GradebookFormat.TENTA, grade_scale=scale)

    assert {row[0]: row[-1] for row in table.rows[1:]} == {
        "Anna": "E",
        "Bo": "E",
        "Cia": "A",
        "Dan": "",
        "Eva": "F",
    }


def test_a_weak_exam_through_the_grader_still_gets_the_lowest_grade(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    """Auto grades (no overrides) take part like any final score."""
    source = write_csv(tmp_path / "weak.csv", [["Filip", "1", WEAK_DROPOUT], ["Filip", "3", "Hard disk"]])
    grade_and_store(ctx, store_submissions(ctx.repository, bank, read_submissions(source)).answers)

    table = gradebook_table(ctx.repository.gradebook(bank.id), bank, GradebookFormat.TENTA, grade_scale=UG_VG)

    assert table.rows[1][0] == "Filip" and table.rows[1][-1] == "U"
