"""`tenta student` end to end: the real command on a real database in the temporary data dir."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.cli.main import app
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import QuizRequest, start_quiz
from quiz.settings import Settings

runner = CliRunner()
WIDE = {"COLUMNS": "160"}
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def tenta(*args: str) -> str:
    result = runner.invoke(app, list(args), env=WIDE)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def tenta_error(*args: str) -> str:
    result = runner.invoke(app, list(args), env=WIDE)
    assert isinstance(result.exception, TentaError), (result.output, result.exception)
    return result.exception.message


@pytest.fixture
def timed_bank(settings: Settings) -> str:
    ctx = AppContext(settings)
    bundled = ctx.catalog.load("dl-course")
    ctx.catalog.install(
        Bank.model_validate({**bundled.model_dump(), "id": "dl-timed", "time_limit_minutes": 60})
    )
    return "dl-timed"


def test_extra_time_for_all_banks_and_one_bank_is_listed_and_used_by_the_next_exam(
    settings: Settings, timed_bank: str
) -> None:
    assert "Student Bo (bo@uni.se)." in tenta("student", "add", "Bo", "--id", "bo@uni.se")
    tenta("student", "add", "Alva")
    everywhere = tenta("student", "extra-time", "Bo", "--percent", "50")
    assert "Bo: +50 % on the timed full exams of every bank." in everywhere
    assert "Exams already started keep their deadline" in everywhere
    own = tenta("student", "extra-time", "bo@uni.se", "--bank", timed_bank, "--minutes", "15")
    assert "Bo: +15 min on the timed full exams of bank dl-timed." in own
    assert "dl-timed: 60 min + 15 min = 75 min." in own
    untimed = tenta("student", "extra-time", "Alva", "--bank", "dl-course", "--percent", "25")
    assert "dl-course has no time limit yet" in untimed

    listing = tenta("student", "list").splitlines()
    bo_line = next(line for line in listing if line.strip().startswith("Bo"))
    alva_line = next(line for line in listing if line.strip().startswith("Alva"))
    assert "bo@uni.se" in bo_line and "+50 % (all banks); dl-timed: +15 min" in bo_line
    assert "dl-course: +25 %" in alva_line

    ctx = AppContext(settings)
    bo = ctx.repository.find_student("Bo")
    assert bo is not None
    request = QuizRequest(student_id=bo.id, bank_id=timed_bank, mode=QuizMode.FULL)
    exam = start_quiz(ctx, request, now=NOW, rng=random.Random(0))
    assert exam.deadline == NOW + timedelta(minutes=75)

    assert "Bo: extra time for bank dl-timed removed (was +15 min)." in tenta(
        "student", "extra-time", "Bo", "--bank", timed_bank, "--clear"
    )
    assert "Bo had no extra time for bank dl-timed; nothing changed." in tenta(
        "student", "extra-time", "Bo", "--bank", timed_bank, "--clear"
    )
    bo_line = next(line for line in tenta("student", "list").splitlines() if line.strip().startswith("Bo"))
    assert "+50 % (all banks)" in bo_line and "dl-timed" not in bo_line
    assert ctx.repository.get_session(exam.session_id).deadline == NOW + timedelta(minutes=75)


def test_bad_values_and_unknown_names_are_one_clear_error_and_change_nothing(
    settings: Settings, timed_bank: str
) -> None:
    tenta("student", "add", "Bo")
    assert "extra time -5 % is outside 0-400 %" in tenta_error(
        "student", "extra-time", "Bo", "--percent", "-5"
    )
    assert "extra time 450 % is outside 0-400 %" in tenta_error(
        "student", "extra-time", "Bo", "--percent", "450"
    )
    assert "extra time -10 min is outside" in tenta_error("student", "extra-time", "Bo", "--minutes", "-10")
    unknown = tenta_error("student", "extra-time", "Nobody", "--percent", "25")
    assert "no student named 'Nobody' (known: Bo)" in unknown
    assert "tenta student add NAME" in unknown and "New on the home screen" in unknown
    bad_bank = tenta_error("student", "extra-time", "Bo", "--bank", "dl-timd", "--percent", "25")
    assert "--bank: no bank with id 'dl-timd' (known: dl-course, dl-timed" in bad_bank
    both = tenta_error("student", "extra-time", "Bo", "--percent", "25", "--minutes", "10")
    neither = tenta_error("student", "extra-time", "Bo")
    assert "exactly one of --percent P, --minutes M or --clear" in both and both == neither
    assert AppContext(settings).repository.extra_time_settings() == []
    bo_line = next(line for line in tenta("student", "list").splitlines() if line.strip().startswith("Bo"))
    assert bo_line.split()[-1] == "-"


def test_list_without_students_says_how_to_add_one(settings: Settings) -> None:
    assert "No students yet" in tenta("student", "list")
    assert "tenta student add NAME" in tenta("student", "list")
