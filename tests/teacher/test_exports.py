"""Exports: the gradebook for a spreadsheet, Moodle and Canvas, and answers surviving a write → read round
trip with awkward text."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from db.records import Gradebook, GradebookRow
from question_bank.errors import TentaError
from question_bank.formats.detect import EXPORTERS, import_file
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from quiz.scores import format_score
from quiz.teacher.batch import answer_details, store_submissions
from quiz.teacher.exports import (
    GradebookFormat,
    gradebook_table,
    write_answers,
    write_gradebook,
    write_table,
)
from quiz.teacher.review import apply_override
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, WEAK_DROPOUT, write_csv

AWKWARD_ANSWERS = [
    'Först, sedan: "citat" och åäö ÅÄÖ',
    "rad ett\nrad två, med komma\n\nrad fyra",
    'semi;colon\ttab and a trailing quote"',
    "emoji 🧠 and ß, ø, é",
]


def test_gradebook_has_every_bank_question_a_total_and_a_percent(bank: Bank, tmp_path: Path) -> None:
    gradebook = Gradebook(
        bank_id=bank.id,
        question_ids=["dropout", "gpu"],
        max_points={"dropout": 2.0, "gpu": 1.0},
        rows=[
            GradebookRow(
                student_id=1,
                student_name="Öberg, Åsa",
                external_id="åsa@x.se",
                scores={"dropout": 1.3333, "gpu": 1.0},
                total=2.3333,
                max_total=3.0,
            ),
            GradebookRow(
                student_id=2,
                student_name="Bo",
                external_id=None,
                scores={"dropout": None, "gpu": 0.0},
                total=0.0,
                max_total=3.0,
            ),
        ],
    )
    path = tmp_path / "out" / "gradebook.csv"

    write_gradebook(path, gradebook, bank)

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "student",
        "student_id",
        "dropout",
        "early-stopping",
        "gpu",
        "total",
        "max_total",
        "percent",
    ]
    assert rows[1] == ["Öberg, Åsa", "åsa@x.se", "1.33", "", "1", "2.33", "5", "46.67"]
    assert rows[2] == ["Bo", "", "", "", "0", "0", "5", "0"]


def test_format_score() -> None:
    assert [format_score(v) for v in (None, 0.0, 1.0, 1.5, 1.256, 2.0 / 3)] == [
        "",
        "0",
        "1",
        "1.5",
        "1.26",
        "0.67",
    ]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_exported_answers_read_back_as_the_same_submissions(
    ctx: AppContext, bank: Bank, tmp_path: Path, suffix: str
) -> None:
    source = write_csv(
        tmp_path / "in.csv",
        [[f"Ödmjuk, Student {i}", "dropout", text] for i, text in enumerate(AWKWARD_ANSWERS)],
    )
    stored = store_submissions(ctx.repository, bank, read_submissions(source))
    exported = tmp_path / f"answers{suffix}"

    write_answers(exported, answer_details(ctx.repository, stored.answers), {})
    again = read_submissions(exported)

    assert again.errors == []
    assert [(row.student_name, row.question_key, row.answer) for row in again.rows] == [
        (f"Ödmjuk, Student {i}", "dropout", text) for i, text in enumerate(AWKWARD_ANSWERS)
    ]
    assert all(
        isinstance(row.submitted_at, datetime) and row.submitted_at.tzinfo == UTC for row in again.rows
    )


def test_detailed_jsonl_keeps_grade_override_and_feedback_fields(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "in.csv", [["Åsa", "gpu", "GPU"]])
    (answer,) = store_submissions(ctx.repository, bank, read_submissions(source)).answers
    ctx.repository.add_override(answer.id, 1.0, "rätt, bra", "lärare")
    path = tmp_path / "answers.jsonl"

    write_answers(path, answer_details(ctx.repository, [answer]), {answer.student_id: "s-1"})

    (record,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert record["student"] == "Åsa" and record["student_id"] == "s-1"
    assert record["auto_grade"] is None
    assert record["override"]["comment"] == "rätt, bra"
    assert record["final_score"] == 1.0
    assert "rätt" in path.read_text(encoding="utf-8")  # not \\u-escaped


def test_unknown_export_format_is_a_clear_error(bank: Bank, tmp_path: Path) -> None:
    with pytest.raises(TentaError, match=r"\.csv, \.tsv or \.jsonl"):
        write_answers(tmp_path / "answers.xlsx", [], {})


@pytest.mark.parametrize("format_name", ["gift", "yaml", "moodle-xml"])
def test_bank_export_uses_the_bank_formats_and_reads_back(
    bank: Bank, tmp_path: Path, format_name: str
) -> None:
    path = tmp_path / f"bank.{ {'gift': 'txt', 'yaml': 'yaml', 'moodle-xml': 'xml'}[format_name] }"
    path.write_text(EXPORTERS[format_name](bank), encoding="utf-8")

    again = import_file(path)

    assert [question.prompt_in("en") for question in again.questions] == [
        question.prompt_in("en") for question in bank.questions
    ]


# --- LMS gradebooks -------------------------------------------------------------------------------

ASA_COMMENT = "Bra, men nämn överanpassning"
BO_COMMENT = "För vag; läs om dropout"


def graded_class(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    """Three students through the real paths: a submissions file (one with an email, one with a student
    number, one with no identifier), grading, teacher overrides with comments, and one answer left ungraded.

    Final scores (bank max 2 + 2 + 1 = 5): Åsa dropout 4/3 (override over the auto grade), gpu 1, no
    early-stopping answer; Bo dropout 0.5 (override), gpu 0, early-stopping not graded; Cecilia dropout 2
    (override without comment), gpu 1.
    """
    source = write_csv(
        tmp_path / "exam.csv",
        [
            ["Åsa Öberg", "asa@uni.se", "1", GOOD_DROPOUT],
            ["Åsa Öberg", "asa@uni.se", "3", "GPU"],
            ["Bo Ek", "s1234", "1", WEAK_DROPOUT],
            ["Bo Ek", "s1234", "3", "Hard disk"],
            ["Bo Ek", "s1234", "2", GOOD_STOPPING],
            ["Cecilia Lund", "", "1", GOOD_DROPOUT],
            ["Cecilia Lund", "", "3", "GPU"],
        ],
        header=("student", "student_id", "question", "answer"),
    )
    answers = store_submissions(ctx.repository, bank, read_submissions(source)).answers
    grade_and_store(ctx, [answer for answer in answers if answer.question_id != "early-stopping"])
    decisions = {"Åsa Öberg": (4 / 3, ASA_COMMENT), "Bo Ek": (0.5, BO_COMMENT), "Cecilia Lund": (2.0, "")}
    for detail in ctx.repository.answer_history(bank_id=bank.id, question_id="dropout"):
        assert detail.latest_grade is not None  # the override replaces a real auto grade
        score, comment = decisions[detail.answer.student_name]
        apply_override(ctx.repository, detail, score=score, point_credits={}, comment=comment, teacher="Kim")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def lms_file(
    ctx: AppContext, bank: Bank, tmp_path: Path, format_name: GradebookFormat, *, per_question: bool = False
) -> Path:
    table = gradebook_table(ctx.repository.gradebook(bank.id), bank, format_name, per_question=per_question)
    path = tmp_path / f"{format_name.value}.csv"
    write_table(table, path)
    return path


def test_moodle_gradebook_identifies_by_email_puts_unmatched_first_and_carries_feedback(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    graded_class(ctx, bank, tmp_path)

    table = gradebook_table(ctx.repository.gradebook(bank.id), bank, GradebookFormat.MOODLE)
    path = tmp_path / "moodle.csv"
    write_table(table, path)

    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_rows(path) == [
        ["Full name", "Email address", "ID number", "Neural networks quiz", "Feedback"],
        ["Bo Ek", "", "s1234", "-", f"Q1: {BO_COMMENT}"],
        ["Cecilia Lund", "", "", "3", ""],
        ["Åsa Öberg", "asa@uni.se", "", "2.33", f"Q1: {ASA_COMMENT}"],
    ]
    assert table.unidentified == ("Bo Ek", "Cecilia Lund")
    assert len(table.notes) == 2
    assert "'Email address'" in table.notes[0] and table.notes[0].endswith(": Bo Ek, Cecilia Lund")
    assert "1 answer(s) not graded yet" in table.notes[1] and table.notes[1].endswith(": Bo Ek")


def test_moodle_per_question_columns_and_id_numbers_when_nobody_has_an_email(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    graded_class(ctx, bank, tmp_path)
    gradebook = ctx.repository.gradebook(bank.id)
    without_email = gradebook.model_copy(
        update={
            "rows": [
                row.model_copy(update={"external_id": None}) if row.student_name == "Åsa Öberg" else row
                for row in gradebook.rows
            ]
        }
    )

    table = gradebook_table(without_email, bank, GradebookFormat.MOODLE, title="Tenta 1", per_question=True)

    assert table.rows == [
        [
            "Full name",
            "Email address",
            "ID number",
            "Tenta 1",
            "Tenta 1: Q1",
            "Tenta 1: Q2",
            "Tenta 1: Q3",
            "Feedback",
        ],
        ["Cecilia Lund", "", "", "3", "2", "0", "1", ""],
        ["Åsa Öberg", "", "", "2.33", "1.33", "0", "1", f"Q1: {ASA_COMMENT}"],
        ["Bo Ek", "", "s1234", "-", "0.5", "-", "0", f"Q1: {BO_COMMENT}"],
    ]
    assert table.unidentified == ("Cecilia Lund", "Åsa Öberg")
    assert "'ID number'" in table.notes[0]


def test_canvas_gradebook_has_canvas_header_points_possible_and_sis_ids(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    graded_class(ctx, bank, tmp_path)

    path = lms_file(ctx, bank, tmp_path, GradebookFormat.CANVAS, per_question=True)

    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    quiz = "Neural networks quiz"
    assert read_rows(path) == [
        [
            "Student",
            "ID",
            "SIS User ID",
            "SIS Login ID",
            "Section",
            quiz,
            f"{quiz}: Q1",
            f"{quiz}: Q2",
            f"{quiz}: Q3",
        ],
        ["Points Possible", "", "", "", "", "5", "2", "2", "1"],
        ["Bo Ek", "", "s1234", "s1234", "", "", "0.5", "", "0"],
        ["Cecilia Lund", "", "", "", "", "3", "2", "0", "1"],
        ["Åsa Öberg", "", "", "asa@uni.se", "", "2.33", "1.33", "0", "1"],
    ]
    table = gradebook_table(ctx.repository.gradebook(bank.id), bank, GradebookFormat.CANVAS)
    assert table.rows[0][5:] == [quiz] and table.rows[1][5:] == ["5"]
    assert table.unidentified == ("Cecilia Lund",)
    assert "by exact name only: Cecilia Lund" in table.notes[0]
    assert "are empty (no grade): Bo Ek" in table.notes[1]


def test_tenta_format_is_the_spreadsheet_gradebook(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    graded_class(ctx, bank, tmp_path)
    gradebook = ctx.repository.gradebook(bank.id)
    legacy = tmp_path / "legacy.csv"
    write_gradebook(legacy, gradebook, bank)

    path = lms_file(ctx, bank, tmp_path, GradebookFormat.TENTA)

    assert path.read_bytes() == legacy.read_bytes()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    # His early-stopping answer is not graded yet: its cell, his total and percent are blank, as in the LMS
    # files (a total of 0.5 over the graded answers read as final).
    assert rows[1] == ["Bo Ek", "s1234", "0.5", "", "0", "", "5", ""]


def test_a_later_override_and_a_later_answer_change_what_the_lms_gets(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    graded_class(ctx, bank, tmp_path)
    (pending,) = ctx.repository.ungraded_answers(bank.id)
    grade_and_store(ctx, [pending])
    (cecilia,) = [
        detail
        for detail in ctx.repository.answer_history(bank_id=bank.id, question_id="dropout")
        if detail.answer.student_name == "Cecilia Lund"
    ]
    apply_override(ctx.repository, cecilia, score=1.0, point_credits={}, comment="Halva", teacher="Kim")

    rows = gradebook_table(ctx.repository.gradebook(bank.id), bank, GradebookFormat.MOODLE).rows

    by_name = {row[0]: row for row in rows[1:]}
    bo_stopping = ctx.repository.get_answer(pending.id).final_score
    assert bo_stopping is not None
    assert by_name["Bo Ek"][3] == format_score(0.5 + bo_stopping)
    assert by_name["Cecilia Lund"][3:] == ["2", "Q1: Halva"]


def test_gradebook_printed_without_a_file_is_the_same_csv(
    ctx: AppContext, bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graded_class(ctx, bank, tmp_path)
    table = gradebook_table(ctx.repository.gradebook(bank.id), bank, GradebookFormat.CANVAS)

    write_table(table, None)

    assert list(csv.reader(capsys.readouterr().out.splitlines())) == table.rows


def test_moodle_warns_when_the_total_exceeds_its_grade_limit(bank: Bank) -> None:
    big = bank.model_copy(
        update={"questions": [q.model_copy(update={"max_points": 60.0}) for q in bank.questions[:2]]}
    )
    gradebook = Gradebook(bank_id=big.id, question_ids=[], max_points={}, rows=[])

    table = gradebook_table(gradebook, big, GradebookFormat.MOODLE)

    assert table.rows == [["Full name", "Email address", "ID number", "Neural networks quiz", "Feedback"]]
    assert table.notes == (
        "the maximum total is 120: Moodle refuses imported grades above 100 unless the site allows "
        "unlimited grades",
    )


def test_the_export_command_offers_exactly_the_bank_exporters() -> None:
    from question_bank.formats.detect import PACKAGE_EXPORTERS
    from quiz.cli.bank import ExportFormat

    assert [member.value for member in ExportFormat] == [*EXPORTERS, *PACKAGE_EXPORTERS]
