"""Two students with one name, end to end: `tenta grade` keeps them apart by id, the exports show both,
a profile made by name takes its id from the first file that gives one, and a file that names a shared
name without ids is refused row by row, storing nothing. Real SQLite file, real MiniLM, the real app."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from quiz.cli.main import app
from quiz.context import AppContext
from tests.cli.teacher_commands import runner, shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, WEAK_DROPOUT, write_csv

ANNA = "Anna Öberg"
BANK = "teacher-test"
HEADER = ("student", "email", "question", "answer")


def two_annas(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "exam.csv",
        [
            [ANNA, "anna.oberg@uni.se", "1", GOOD_DROPOUT],
            [ANNA, "anna.oberg2@uni.se", "1", WEAK_DROPOUT],
            [ANNA, "anna.oberg@uni.se", "2", GOOD_STOPPING],
        ],
        header=HEADER,
    )


def test_two_students_with_one_name_are_graded_and_exported_apart(ctx: AppContext, tmp_path: Path) -> None:
    code, stdout, stderr = tenta("grade", two_annas(tmp_path), "--bank", BANK)

    assert code == 0, stderr
    assert "Stored 3 answers" in stdout
    students = {student.external_id: student for student in ctx.repository.list_students()}
    assert set(students) == {"anna.oberg@uni.se", "anna.oberg2@uni.se"}
    assert {student.name for student in students.values()} == {ANNA}
    first, second = students["anna.oberg@uni.se"], students["anna.oberg2@uni.se"]
    answers = {
        (detail.answer.student_id, detail.answer.question_id): detail.answer.text
        for detail in ctx.repository.answer_history(bank_id=BANK)
    }
    assert answers == {
        (first.id, "dropout"): GOOD_DROPOUT,
        (first.id, "early-stopping"): GOOD_STOPPING,
        (second.id, "dropout"): WEAK_DROPOUT,
    }

    code, stdout, _ = tenta("export", "gradebook", "-b", BANK)
    assert code == 0
    sheet = list(csv.reader(io.StringIO(stdout)))
    rows = {row[1]: row for row in sheet[1:]}
    assert len(sheet) == 3 and {row[0] for row in rows.values()} == {ANNA}
    assert sheet[0][2:4] == ["dropout", "early-stopping"]
    assert rows["anna.oberg@uni.se"][3] != "" and rows["anna.oberg2@uni.se"][3] == "", "her own answers"

    code, stdout, _ = tenta("export", "gradebook", "-b", BANK, "-f", "moodle")
    assert code == 0
    moodle = list(csv.reader(io.StringIO(stdout)))
    assert sorted(row[:3] for row in moodle[1:]) == [
        [ANNA, "anna.oberg2@uni.se", ""],
        [ANNA, "anna.oberg@uni.se", ""],
    ]

    code, stdout, _ = tenta("export", "gradebook", "-b", BANK, "-f", "canvas")
    assert code == 0
    canvas = list(csv.reader(io.StringIO(stdout)))
    assert sorted((row[0], row[3]) for row in canvas[2:]) == [
        (ANNA, "anna.oberg2@uni.se"),
        (ANNA, "anna.oberg@uni.se"),
    ]

    out = tmp_path / "feedback"
    code, stdout, stderr = tenta("export", "feedback", "-b", BANK, "--out", out)
    assert code == 0, stderr
    handed_back = sorted(path.name for path in out.iterdir() if path.name != "index.md")
    assert len(handed_back) == 2 and all(name.startswith("Anna-Öberg_anna.oberg") for name in handed_back)
    texts = [(out / name).read_text(encoding="utf-8") for name in handed_back]
    assert sum(GOOD_STOPPING in text for text in texts) == 1, "only the first Anna answered question 2"


def test_a_profile_made_by_name_takes_the_id_of_the_first_file_that_names_it(
    ctx: AppContext, tmp_path: Path
) -> None:
    bo = ctx.repository.get_or_create_student("Bo")  # what the app's "New profile" dialog does
    exam = write_csv(tmp_path / "exam.csv", [["Bo", "bo@uni.se", "1", GOOD_DROPOUT]], header=HEADER)

    assert tenta("grade", exam, "--bank", BANK)[0] == 0

    (student,) = ctx.repository.list_students()
    assert (student.id, student.external_id) == (bo.id, "bo@uni.se")
    (answer,) = ctx.repository.answer_history(student_id=bo.id)
    assert answer.answer.text == GOOD_DROPOUT

    other = write_csv(tmp_path / "other.csv", [["Bo", "bo.ek@uni.se", "2", GOOD_STOPPING]], header=HEADER)
    assert tenta("grade", other, "--bank", BANK)[0] == 0
    assert [s.external_id for s in ctx.repository.list_students()] == ["bo@uni.se", "bo.ek@uni.se"]
    assert len(ctx.repository.answer_history(student_id=bo.id)) == 1, "another Bo's answer is not his"


def test_a_file_without_ids_naming_a_shared_name_is_refused_and_changes_nothing(
    ctx: AppContext, tmp_path: Path
) -> None:
    assert tenta("grade", two_annas(tmp_path), "--bank", BANK)[0] == 0
    students_before = ctx.repository.list_students()
    answers_before = ctx.repository.answer_history(bank_id=BANK)
    no_ids = write_csv(
        tmp_path / "no-ids.csv",
        [[ANNA, "2", GOOD_STOPPING], [ANNA, "Q3", "GPU"]],
        header=("student", "question", "answer"),
    )

    code, stdout, stderr = tenta("grade", no_ids, "--bank", BANK)

    assert code == 1
    assert "no answer could be read from" in stderr and "Stored" not in stdout
    flat = " ".join(stderr.split())  # the console wraps long lines
    ambiguous = f"2 students are named {ANNA!r} (ids: anna.oberg@uni.se, anna.oberg2@uni.se)"
    assert f"no-ids.csv:2: {ambiguous}" in flat and f"no-ids.csv:3: {ambiguous}" in flat
    assert "a student id or e-mail column on every row" in flat
    assert "2 row(s) not imported" in stderr
    assert ctx.repository.list_students() == students_before
    assert ctx.repository.answer_history(bank_id=BANK) == answers_before


def test_student_commands_tell_namesakes_apart_by_id(ctx: AppContext) -> None:
    assert tenta("student", "add", ANNA, "--id", "anna.oberg@uni.se")[0] == 0
    code, stdout, _ = tenta("student", "add", ANNA, "--id", "anna.oberg2@uni.se")
    assert code == 0 and f"Student {ANNA} (anna.oberg2@uni.se)." in stdout

    refused = runner.invoke(app, ["student", "extra-time", ANNA, "--percent", "25"])
    assert refused.exit_code != 0
    message = " ".join(str(refused.exception).split())
    assert f"2 students are named {ANNA!r} (ids: anna.oberg@uni.se, anna.oberg2@uni.se)" in message
    assert "name the student by their id instead" in message

    assert tenta("student", "extra-time", "anna.oberg2@uni.se", "--percent", "25")[0] == 0
    (setting,) = ctx.repository.extra_time_settings()
    chosen = ctx.repository.find_student("anna.oberg2@uni.se")
    assert chosen is not None and setting.student_id == chosen.id
    listing = tenta("student", "list")[1]
    assert listing.count(ANNA) == 2 and "anna.oberg@uni.se" in listing and "+25 %" in listing
