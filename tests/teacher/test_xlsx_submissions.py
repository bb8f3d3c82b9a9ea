"""Submissions in Excel workbooks: Microsoft Forms' and Moodle's .xlsx exports, read by the real reader and
graded by the real `tenta grade` (real SQLite file, MiniLM)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from question_bank.errors import InputFileError
from quiz.cli import teacher as teacher_cli
from quiz.cli.main import app
from quiz.context import AppContext
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, WEAK_DROPOUT
from tests.workbooks import Cell, write_workbook

DROPOUT = "What does dropout do during training?"
STOPPING = "What is early stopping?"
GPU = "Which hardware speeds up training of large networks the most?"
FORMS_HEADER = ["ID", "Start time", "Completion time", "Email", "Name", DROPOUT, STOPPING, GPU]
FORMS_ROWS: list[list[Cell]] = [
    [
        1.0,
        datetime(2024, 3, 4, 10, 1, 12),
        datetime(2024, 3, 4, 10, 14, 55),
        "asa@example.se",
        "Åsa Öberg",
        GOOD_DROPOUT,
        "We watch the validation loss\nand stop training when it stops improving.",
        "GPU",
    ],
    [
        2.0,
        datetime(2024, 3, 4, 10, 2),
        datetime(2024, 3, 4, 10, 20),
        "bjorn@example.se",
        "Björn Ek",
        WEAK_DROPOUT,
        None,
        "Hard disk",
    ],
]


def microsoft_forms_workbook(path: Path, *, instructions: bool = False) -> Path:
    sheets: dict[str, Sequence[Sequence[Cell]]] = {}
    if instructions:
        sheets["Read me"] = [["Responses to the quiz are on the next sheet."], ["Do not edit them."]]
    sheets["Sheet1"] = [FORMS_HEADER, *FORMS_ROWS]
    return write_workbook(path, sheets)


def test_microsoft_forms_workbook_rows_are_form_answers_with_real_times(tmp_path: Path) -> None:
    parsed = read_submissions(microsoft_forms_workbook(tmp_path / "Quiz(1-2).xlsx"))

    assert parsed.errors == [] and parsed.notes == []
    assert [(row.line, row.student_name, row.question_key) for row in parsed.rows] == [
        (2, "Åsa Öberg", DROPOUT),
        (2, "Åsa Öberg", STOPPING),
        (2, "Åsa Öberg", GPU),
        (3, "Björn Ek", DROPOUT),
        (3, "Björn Ek", GPU),
    ]
    first = parsed.rows[0]
    assert first.student_external_id == "asa@example.se" and first.column == DROPOUT
    assert first.submitted_at is not None
    assert first.submitted_at.astimezone().replace(tzinfo=None) == datetime(2024, 3, 4, 10, 14, 55)
    assert parsed.rows[1].answer == "We watch the validation loss\nand stop training when it stops improving."


def test_the_responses_sheet_is_chosen_over_an_instructions_sheet(tmp_path: Path) -> None:
    parsed = read_submissions(microsoft_forms_workbook(tmp_path / "quiz.xlsx", instructions=True))
    assert parsed.notes == ["quiz.xlsx: read sheet 'Sheet1' (other sheets: 'Read me')"]
    assert len(parsed.rows) == 5


def test_moodle_responses_report_workbook_is_read_wide_and_skips_the_average_row(tmp_path: Path) -> None:
    header: list[Cell] = [
        "Surname",
        "First name",
        "Email address",
        "State",
        "Started on",
        "Completed",
        "Time taken",
    ]
    header += ["Grade/6.00", "Response 1", "Response 2", "Response 3"]
    started = datetime(2024, 3, 4, 10)
    asa: list[Cell] = [
        "Öberg",
        "Åsa",
        "asa@example.se",
        "Finished",
        started,
        datetime(2024, 3, 4, 10, 30),
        "30 mins",
    ]
    bjorn: list[Cell] = [
        "Ek",
        "Björn",
        "bjorn@example.se",
        "Finished",
        started,
        datetime(2024, 3, 4, 10, 41),
        "41 mins",
    ]
    rows: list[list[Cell]] = [
        header,
        [*asa, 5.5, GOOD_DROPOUT, GOOD_STOPPING, "GPU"],
        [*bjorn, 2.0, WEAK_DROPOUT, "-", "Hard disk"],
        ["Overall average", None, None, None, None, None, None, 3.75, None, None, None],
    ]
    parsed = read_submissions(write_workbook(tmp_path / "DL-Quiz 1-responses.xlsx", {"Responses": rows}))

    assert parsed.errors == []
    assert [(row.line, row.student_name, row.question_key) for row in parsed.rows] == [
        (2, "Åsa Öberg", "1"),
        (2, "Åsa Öberg", "2"),
        (2, "Åsa Öberg", "3"),
        (3, "Björn Ek", "1"),
        (3, "Björn Ek", "3"),
    ]
    where = tmp_path / "DL-Quiz 1-responses.xlsx"
    assert [warning.message for warning in parsed.warnings] == [
        f"{where}:3: sheet 'Responses', column J (Response 2): not answered; nothing stored",
        f"{where}:4: sheet 'Responses': 'Overall average' row skipped (not a student)",
    ]


def test_bad_rows_name_sheet_row_and_column_letter_and_the_good_rows_stay(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["student", "question", "answer"],
        ["Åsa", 1.0, GOOD_DROPOUT],
        ["Björn", 2.0, None],
        ["Cecilia", 1.0, "An answer", "a note nobody headed"],
    ]
    path = write_workbook(tmp_path / "answers.xlsx", {"Blad1": rows})

    parsed = read_submissions(path)

    assert [(row.student_name, row.question_key) for row in parsed.rows] == [("Åsa", "1")]
    assert [error.message for error in parsed.errors] == [
        f"{path}:4: sheet 'Blad1', column D: has text but no header",
    ]
    assert [warning.message for warning in parsed.warnings] == [
        f"{path}:3: sheet 'Blad1', column C (answer): not answered; nothing stored"
    ]


def test_a_sheet_without_usable_columns_is_one_error_naming_the_sheet(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "answers.xlsx", {"Blad1": [["question", "answer"], ["1", "x"]]})
    with pytest.raises(InputFileError, match=r"answers\.xlsx:1: sheet 'Blad1': no column for student"):
        read_submissions(path)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("responses.xlsx", b"ID,Name\n1,x\n", "is not an Excel workbook (not a zip archive)"),
        (
            "responses.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "is an Excel 97-2003 .xls workbook",
        ),
    ],
)
def test_unreadable_workbooks_are_one_line(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError) as caught:
        read_submissions(path)
    assert caught.value.message.startswith(f"{path}: {reason}")


def test_tenta_grade_grades_a_microsoft_forms_workbook(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(teacher_cli, "make_context", lambda: ctx)
    monkeypatch.setenv("COLUMNS", "200")
    path = microsoft_forms_workbook(tmp_path / "Neural networks quiz.xlsx", instructions=True)

    result = CliRunner().invoke(app, ["grade", str(path), "--bank", "teacher-test"])

    assert result.exit_code == 0, result.stderr
    assert "Neural networks quiz.xlsx: read sheet 'Sheet1' (other sheets: 'Read me')" in result.stdout
    assert "Stored 5 answers from Neural networks quiz.xlsx" in result.stdout
    history = ctx.repository.answer_history(bank_id="teacher-test")
    assert sorted((detail.answer.question_id, detail.answer.text[:13]) for detail in history) == [
        ("dropout", GOOD_DROPOUT[:13]),
        ("dropout", WEAK_DROPOUT[:13]),
        ("early-stopping", "We watch the "),
        ("gpu", "GPU"),
        ("gpu", "Hard disk"),
    ]
    scores = {(detail.answer.question_id, detail.answer.text[:3]): detail.final_score for detail in history}
    assert scores[("gpu", "GPU")] == 1 and scores[("gpu", "Har")] == 0
    good, weak = scores[("dropout", GOOD_DROPOUT[:3])], scores[("dropout", WEAK_DROPOUT[:3])]
    assert good is not None and weak is not None and good > weak

    again = CliRunner().invoke(app, ["grade", str(path), "--bank", "teacher-test"])
    assert "0 to grade, 5 already graded" in again.stdout


def test_group_labels_merged_above_the_header_are_passed_over(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Student", None, "Answers"])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    sheet.append(["Name", "Email", DROPOUT, STOPPING])
    sheet.append(["Åsa Öberg", "asa@example.se", GOOD_DROPOUT, GOOD_STOPPING])
    path = tmp_path / "answers.xlsx"
    workbook.save(path)

    parsed = read_submissions(path)

    assert parsed.errors == []
    assert [(row.line, row.student_name, row.question_key) for row in parsed.rows] == [
        (3, "Åsa Öberg", DROPOUT),
        (3, "Åsa Öberg", STOPPING),
    ]
