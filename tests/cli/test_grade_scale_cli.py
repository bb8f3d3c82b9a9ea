"""`tenta export gradebook --grade-scale / --format grades` and `tenta stats` with final grades, end to end
on a real SQLite file through the real `tenta` app."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.context import AppContext
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import TEACHER_BANK
from tests.teacher.test_final_grades import exam_with_exact_scores


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def give_the_bank_a_scale(ctx: AppContext, grade_scale: str) -> None:
    ctx.catalog.install(Bank.model_validate({**TEACHER_BANK, "grade_scale": grade_scale}), replace=True)


def test_grade_scale_option_adds_grades_and_prints_the_distribution(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)

    code, stdout, stderr = tenta(
        "export", "gradebook", "-b", "teacher-test", "--grade-scale", "U:0,G:50%,VG:75%"
    )

    assert code == 0
    rows = rows_of(stdout)
    assert rows[0][-1] == "grade"
    assert {row[0]: row[-1] for row in rows[1:]} == {
        "Anna": "G",
        "Bo": "U",
        "Cia": "VG",
        "Dan": "",
        "Eva": "U",
    }
    assert "Final grades: U 2 · G 1 · VG 1 · no grade 1" in stderr
    assert (
        "1 answer(s) not graded yet (run tenta grade): their cells and the totals and final grades of 1 "
        "student(s) are empty (no grade): Dan"
    ) in stderr


def test_the_option_overrides_the_banks_scale(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    give_the_bank_a_scale(ctx, "u345")
    exam_with_exact_scores(ctx, bank, tmp_path)

    code, stdout, stderr = tenta("export", "gradebook", "-b", "teacher-test")
    assert code == 0
    assert {row[0]: row[-1] for row in rows_of(stdout)[1:]} == {
        "Anna": "3",
        "Bo": "U",
        "Cia": "4",
        "Dan": "",
        "Eva": "U",
    }
    assert "Final grades: U 2 · 3 1 · 4 1 · 5 0 · no grade 1" in stderr

    code, stdout, stderr = tenta("export", "gradebook", "-b", "teacher-test", "--grade-scale", "pass-fail")
    assert code == 0
    assert {row[0]: row[-1] for row in rows_of(stdout)[1:]}["Cia"] == "Pass"
    assert "Final grades: Fail 2 · Pass 2 · no grade 1" in stderr


def test_grades_format_writes_one_row_per_student(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)
    out = tmp_path / "ladok" / "grades.csv"

    code, stdout, stderr = tenta(
        "export", "gradebook", "-b", "teacher-test", "-f", "grades", "--grade-scale", "ug-vg", "-o", out
    )

    assert code == 0 and "Wrote the grades gradebook of 5 students" in stdout
    assert out.read_bytes().startswith("\ufeffstudent_id;name;".encode())  # Excel in Swedish: ';', BOM
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    today = date.today().isoformat()
    assert rows[0] == ["student_id", "name", "grade", "examination_date", "points", "max_points"]
    assert rows[1] == ["anna@uni.se", "Anna", "G", today, "2,5", "5"]
    assert rows[4] == ["dan@uni.se", "Dan", "", today, "", "5"]
    assert "no personal identity number or student id in tenta; add it before reporting: Eva" in stderr

    code, stdout, _ = tenta(
        "export",
        "gradebook",
        "-b",
        "teacher-test",
        "-f",
        "grades",
        "--grade-scale",
        "ug-vg",
        "--exam-date",
        "2025-01-14",
    )
    assert code == 0
    assert {row[3] for row in csv.reader(io.StringIO(stdout), delimiter=";")} - {"examination_date"} == {
        "2025-01-14"
    }


def test_grades_format_without_any_scale_is_a_clear_error(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)

    with pytest.raises(TentaError, match="--format grades needs a grade scale: give --grade-scale"):
        tenta("export", "gradebook", "-b", "teacher-test", "-f", "grades")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("ug", "unknown grade scale preset 'ug'; choose one of ug-vg, u345, ects"),
        ("U:0,G:50", "piece 'G:50': say whether 50 is a share or points, e.g. G:50% or G:50p"),
        ("U:0,G:9p", "piece 'G:9p': 9 points is more than the exam's total of 5"),
        ("U:0,VG:75%,G:50%", "'G' at 50% is not above 'VG' at 75%"),
    ],
)
def test_a_bad_grade_scale_option_names_the_bad_piece_and_writes_nothing(
    ctx: AppContext, bank: Bank, tmp_path: Path, option: str, message: str
) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)
    out = tmp_path / "gradebook.csv"

    with pytest.raises(TentaError) as raised:
        tenta("export", "gradebook", "-b", "teacher-test", "--grade-scale", option, "-o", out)

    assert str(raised.value).startswith("--grade-scale: ") and message in str(raised.value)
    assert not out.exists()


def test_the_installed_command_prints_a_bad_scale_as_one_line(ctx: AppContext, bank: Bank) -> None:
    command = [str(Path(sys.executable).parent / "tenta"), "export", "gradebook", "-b", bank.id]
    env = {**os.environ, "COLUMNS": "300"}

    finished = subprocess.run(
        [*command, "--grade-scale", "U:0,G:50"], env=env, capture_output=True, text=True, check=False
    )

    assert finished.returncode == 1
    assert finished.stderr == (
        "error: --grade-scale: grade scale piece 'G:50': say whether 50 is a share or points, "
        "e.g. G:50% or G:50p\n"
    )


def test_stats_shows_the_grade_distribution(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    give_the_bank_a_scale(ctx, "ug-vg")
    exam_with_exact_scores(ctx, bank, tmp_path)

    code, stdout, _ = tenta("stats", "-b", "teacher-test")

    assert code == 0
    assert "Final grades (U 0% · G 50% (2.5 p) · VG 75% (3.75 p)): U 2 · G 1 · VG 1 · no grade 1" in stdout

    code, stdout, _ = tenta("stats", "-b", "teacher-test", "--grade-scale", "U:0,G:2p")
    assert code == 0
    assert "Final grades (U 0% · G 40% (2 p)): U 1 · G 3 · no grade 1" in stdout
