"""Teacher CLI QA (session 15), as a Swedish teacher grading a class on the command line: dates typed the
Swedish way in `regrade --since` and `export gradebook --exam-date` (a), external ids whole in `student list`
(b), names whole in `review` (c), a student who submitted twice (d), an Excel list with a 'Fråga' column (e),
`audit` in local time with the submission time (f) and whole key points (g), and long question ids whole in
the `grade` summary (h), at 80 columns where it matters."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.local_time import read_local_time
from quiz.scores import format_score
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, TEACHER_BANK, WEAK_DROPOUT, write_csv
from tests.teacher.test_final_grades import exam_with_exact_scores


@pytest.fixture
def stockholm_winter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC+1 as a POSIX zone string, so no tz database is needed."""
    monkeypatch.setenv("TZ", "CET-1")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-27 14:30", datetime(2026, 11, 27, 14, 30)),
        ("2026-11-27 14.30", datetime(2026, 11, 27, 14, 30)),  # fromisoformat: 14:00:00.3
        ("2026-11-27", datetime(2026, 11, 27)),
        ("27/11/2026", datetime(2026, 11, 27)),
        ("27.11.2026 kl 9.05", datetime(2026, 11, 27, 9, 5)),
        ("27 nov 2026", datetime(2026, 11, 27)),
        ("27 Nov. 2026, 14:30", datetime(2026, 11, 27, 14, 30)),
        ("3 maj 2026 kl. 08.00", datetime(2026, 5, 3, 8, 0)),
        ("27 oktober", datetime(2026, 10, 27)),
        ("27/11", datetime(2026, 11, 27)),
        ("igår", datetime(2026, 11, 26)),
        ("I går kl 16.45", datetime(2026, 11, 26, 16, 45)),
        ("idag", datetime(2026, 11, 27)),
        ("14.30", datetime(2026, 11, 27, 14, 30)),
        ("2026-11-27T14:30+00:00", datetime(2026, 11, 27, 15, 30)),
    ],
)
def test_a_dates_are_read_as_a_swedish_teacher_types_them_in_local_time(
    stockholm_winter: None, typed: str, expected: datetime
) -> None:
    now = datetime(2026, 11, 27, 0, 30).astimezone()  # just after midnight here, still the 26th in UTC

    moment = read_local_time(typed, now)

    assert moment is not None
    assert moment.replace(tzinfo=None) == expected
    assert moment.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "typed", ["31/02/2026", "25:00", "11/27/2026", "27 brumaire 2026", "förra veckan", ""]
)
def test_a_what_is_not_a_date_is_none(typed: str) -> None:
    assert read_local_time(typed) is None


def test_a_regrade_since_reads_a_swedish_date_and_time_in_local_time(
    ctx: AppContext, tmp_path: Path, stockholm_winter: None
) -> None:
    rows = [
        ["Åsa", "dropout", GOOD_DROPOUT, "2026-11-27 14:10"],
        ["Björn", "dropout", WEAK_DROPOUT, "2026-11-27 14:40"],
        ["Cecilia", "early-stopping", GOOD_STOPPING, "2026-11-26 09:00"],
    ]
    path = write_csv(tmp_path / "tenta.csv", rows, ("student", "question", "answer", "submitted_at"))
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0

    regraded = {}
    for since in (
        "2026-11-27 14.30",
        "27/11/2026 14:30",
        "27 nov 2026 kl 14.30",
        "27/11/2026",
        "26 nov 2026",
    ):
        code, stdout, _ = tenta("regrade", "--bank", "teacher-test", "--since", since, "--dry-run")
        assert code == 0
        found = re.search(r"Regraded (\d+) answer", stdout)
        assert found is not None, stdout
        regraded[since] = int(found.group(1))

    # Before: '2026-11-27 14.30' was read as 14:00:00.3 (2 answers); the others were 'not a date'.
    assert regraded == {
        "2026-11-27 14.30": 1,
        "27/11/2026 14:30": 1,
        "27 nov 2026 kl 14.30": 1,
        "27/11/2026": 2,
        "26 nov 2026": 3,
    }


def test_a_regrade_since_still_reads_a_time_copied_from_the_submissions_file(
    ctx: AppContext, tmp_path: Path, stockholm_winter: None
) -> None:
    """The forms a submissions file writes ('27 November 2026 2:20 PM' from an English Moodle, Google
    Forms' '2026/11/27 14:20:00') were read by --since before it read Swedish typing, and still are."""
    rows = [
        ["Åsa", "dropout", GOOD_DROPOUT, "2026-11-27 14:10"],
        ["Björn", "dropout", WEAK_DROPOUT, "2026-11-27 14:40"],
    ]
    path = write_csv(tmp_path / "tenta.csv", rows, ("student", "question", "answer", "submitted_at"))
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0
    for since in ("27 November 2026 2:20 PM", "2026/11/27 14:20:00"):
        code, stdout, _ = tenta("regrade", "--bank", "teacher-test", "--since", since, "--dry-run")
        assert code == 0
        assert "Regraded 1 answer" in stdout, (since, stdout)


def test_a_a_date_option_that_is_not_a_date_names_the_option_and_the_forms_it_reads(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)

    with pytest.raises(
        TentaError, match=re.escape("--since '31/11/2026' is not a date (use e.g. 2026-11-27")
    ):
        tenta("regrade", "--since", "31/11/2026")
    with pytest.raises(
        TentaError, match=re.escape("--exam-date 'fredag' is not a date (use e.g. 2026-11-27")
    ):
        tenta(
            "export",
            "gradebook",
            "-b",
            "teacher-test",
            "-f",
            "grades",
            "--grade-scale",
            "ug-vg",
            "--exam-date",
            "fredag",
        )


def test_a_exam_date_reads_the_same_forms_as_since(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)

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
        "14/1/2025",
    )

    # Before, typer's %Y-%m-%d refused '14/1/2025' with a usage error (exit 2).
    assert code == 0
    assert {line.split(";")[3] for line in stdout.splitlines()[1:]} == {"2025-01-14"}


def test_b_student_list_at_80_columns_shows_each_external_id_whole(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mails = {
        "Cecilia Karlsson": "cecilia.karlsson@student.su.se",
        "Anna-Karin Lindqvist": "anna-karin.lindqvist@student.su.se",
        "Örjan Ek": "orjan.ek@student.su.se",
    }
    rows = [[name, mail, "dropout", GOOD_DROPOUT] for name, mail in mails.items()]
    path = write_csv(tmp_path / "class.csv", rows, ("student", "email", "question", "answer"))
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0
    monkeypatch.setenv("COLUMNS", "80")

    code, stdout, _ = tenta("student", "list")

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    # Before: 'anna-karin.lindqvist@student.su.…' beside an empty 25-column extra time column.
    for mail in mails.values():
        assert mail in stdout
    assert "…" not in stdout


def _column(stdout: str, index: int) -> list[str]:
    """One column's text per table row (a row's lines joined at spaces); a row starts at an answer id."""
    rows: list[list[str]] = []
    for line in stdout.splitlines():
        if not line.startswith("│"):
            continue
        cells = line.split("│")
        if cells[1].strip():
            rows.append([])
        rows[-1].append(cells[index].strip())
    return [" ".join(part for part in row if part) for row in rows]


def test_c_review_at_80_columns_shows_each_students_name_whole(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["Johan Gustafsson", "Johan Gustafsdottir", "Anna-Karin Lindqvist"]
    rows = [[name, "early-stopping", GOOD_STOPPING] for name in names]
    path = write_csv(tmp_path / "class.csv", rows)
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0
    for detail in ctx.repository.answer_history(bank_id="teacher-test"):
        ctx.repository.request_regrade(detail.answer.id, "I named the validation loss")
    monkeypatch.setenv("COLUMNS", "80")

    code, stdout, _ = tenta("review", "--bank", "teacher-test")

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    # Before: 'Johan Gustafs…' twice, one line each; 'Anna-Karin Li…'.
    students = [cell.replace("- ", "-") for cell in _column(stdout, 2)]
    assert sorted(students) == sorted(names)
    assert set(_column(stdout, 3)) == {"early-stopping"}


def test_d_a_student_who_submitted_twice_is_named_and_counted_once_in_the_summary(
    ctx: AppContext, tmp_path: Path
) -> None:
    rows = [
        ["Anna", "dropout", GOOD_DROPOUT, "2026-11-27 10:00"],
        ["Björn", "dropout", WEAK_DROPOUT, "2026-11-27 10:05"],
        ["Björn", "early-stopping", "No idea.", "2026-11-27 10:05"],
        ["Björn", "dropout", GOOD_DROPOUT, "2026-11-27 11:30"],
        ["Björn", "early-stopping", GOOD_STOPPING, "2026-11-27 11:30"],
    ]
    path = write_csv(tmp_path / "attempts.csv", rows, ("student", "question", "answer", "submitted_at"))

    code, stdout, stderr = tenta("grade", path, "--bank", "teacher-test")

    assert code == 0
    assert "Stored 5 answers" in stdout  # every attempt stays stored
    # Before: no word of the second attempt, and the summary counted and averaged both.
    assert (
        f"warning: {path}:5: Björn: answered 2 question(s) again, first on line(s) 3-4: the latest submitted "
        "answer counts in the gradebook and the summary, the earlier ones stay stored (tenta audit)"
    ) in stderr.splitlines()
    summary = {
        line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
        for line in stdout.splitlines()
        if line.startswith("│")
    }
    latest = {
        detail.answer.question_id: detail
        for detail in ctx.repository.answer_history(bank_id="teacher-test")
        if detail.answer.student_name == "Björn" and detail.answer.text in {GOOD_DROPOUT, GOOD_STOPPING}
    }
    anna = next(
        d for d in ctx.repository.answer_history(bank_id="teacher-test") if d.answer.student_name == "Anna"
    )
    assert anna.final_score is not None and latest["dropout"].final_score is not None
    assert summary["dropout"][:2] == ["2", "2"]
    assert (
        summary["dropout"][2] == f"{format_score((anna.final_score + latest['dropout'].final_score) / 2)}/2"
    )
    assert summary["early-stopping"][:2] == ["1", "1"]
    row = next(r for r in ctx.repository.gradebook("teacher-test").rows if r.student_name == "Björn")
    assert row.scores["dropout"] == latest["dropout"].final_score


def test_e_a_swedish_excel_file_with_a_fraga_column_is_read(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "tenta.csv"
    lines = [
        "Namn;E-post;Fråga;Svar;Inlämnad",
        f"Åsa Ek;asa.ek@student.su.se;1;{GOOD_DROPOUT};2026-11-27 10:15",
        f"Åsa Ek;asa.ek@student.su.se;2;{GOOD_STOPPING};2026-11-27 10:15",
        "Bo Ek;bo.ek@student.su.se;1;;2026-11-27 10:20",
        "Bo Ek;bo.ek@student.su.se;Q3;GPU;2026-11-27 10:20",
    ]
    # What Excel with a Swedish locale saves as 'CSV UTF-8': a BOM, semicolons, CRLF.
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))

    code, stdout, stderr = tenta("grade", path, "--bank", "teacher-test")

    # Before: exit 1, "no column for question (e.g. 'question', 'question_id'); columns found: 'Namn', ...".
    assert code == 0, stderr
    assert "Stored 3 answers" in stdout
    stored = {
        (detail.answer.student_name, detail.answer.question_id)
        for detail in ctx.repository.answer_history(bank_id="teacher-test")
    }
    assert stored == {("Åsa Ek", "dropout"), ("Åsa Ek", "early-stopping"), ("Bo Ek", "gpu")}
    assert f"warning: {path}:4: Svar: not answered; nothing stored" in stderr.splitlines()


def test_f_audit_shows_local_time_that_regrade_since_reads_back(
    ctx: AppContext, tmp_path: Path, stockholm_winter: None
) -> None:
    rows = [["Åsa", "dropout", GOOD_DROPOUT, "27 november 2026 11:00"]]
    path = write_csv(tmp_path / "moodle.csv", rows, ("student", "question", "answer", "submitted_at"))
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0
    answer_id = ctx.repository.answer_history(bank_id="teacher-test")[0].answer.id

    code, stdout, _ = tenta("audit", answer_id)

    assert code == 0
    # Before: only the import's time, in UTC ('when (UTC)'), not when the student handed in.
    final = format_score(ctx.repository.get_answer(answer_id).final_score)
    assert f"final {final}/2, submitted 2026-11-27 11:00" in stdout
    event = ctx.repository.audit_trail(answer_id)[0]
    submitted = next(line for line in stdout.splitlines() if "submitted" in line and line.startswith("│"))
    assert submitted.split("│")[1].strip() == f"{event.at.astimezone():%Y-%m-%d %H:%M:%S}"
    assert event.at.astimezone().utcoffset() == timedelta(hours=1)
    code, stdout, _ = tenta("regrade", "--bank", "teacher-test", "--since", "2026-11-27 11:00", "--dry-run")
    assert code == 0 and "Regraded 1 answer(s)" in stdout


LONG_POINT = "During training a random fraction of the neurons is switched off at each training step"


def test_g_audit_shows_each_key_points_whole_text(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = [dict(question) for question in TEACHER_BANK["questions"]]  # type: ignore[call-overload]
    questions[0]["rubric"] = [
        {"id": "random-units", "text": LONG_POINT, "weight": 1},
        {"id": "overfitting", "text": "Reduces overfitting", "weight": 1},
    ]
    ctx.catalog.install(Bank.model_validate({**TEACHER_BANK, "questions": questions}), replace=True)
    path = write_csv(tmp_path / "class.csv", [["Åsa", "dropout", GOOD_DROPOUT]])
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0
    answer_id = ctx.repository.answer_history(bank_id="teacher-test")[0].answer.id
    monkeypatch.setenv("COLUMNS", "80")

    code, stdout, _ = tenta("audit", answer_id)

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    key_points = stdout[stdout.index("Key points") :]
    texts = " ".join(line.split("│")[5].strip() for line in key_points.splitlines() if line.startswith("│"))
    # Before: cut to 60 characters, 'During training a random fraction of the neurons is switch…'.
    assert LONG_POINT in " ".join(texts.split())


def test_h_the_grade_summary_shows_long_question_ids_whole_at_80_columns(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = "En parameter lärs in från träningsdata, en hyperparameter väljs före träningen."
    path = write_csv(
        tmp_path / "tenta.csv", [["Åsa", "3", answer], ["Bo", "4", "Träning, validering, test."]]
    )
    monkeypatch.setenv("COLUMNS", "80")

    code, stdout, _ = tenta("grade", path, "--bank", "dl-course")

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    # Before: 'q03-parameters-hyperpar…' and 'q04-train-validation-te…'.
    rows = [line.split("│")[1].strip() for line in stdout.splitlines() if line.startswith("│")]
    assert rows == ["q03-parameters-hyperparameters", "q04-train-validation-test"]
