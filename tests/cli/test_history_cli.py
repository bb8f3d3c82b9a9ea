"""`tenta history` end to end: a real database in the temporary data dir, the real command, real output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from db.records import NewGrade
from db.repository import open_repository
from question_bank.errors import TentaError
from quiz.cli.main import app
from quiz.settings import Settings
from tests.db.banks import sample_bank

runner = CliRunner()
WIDE = {"COLUMNS": "160"}


def _grade(score: float, max_points: float, *, feedback: str, needs_review: bool = False) -> NewGrade:
    return NewGrade(
        score=score,
        max_points=max_points,
        feedback=feedback,
        confidence=0.4 if needs_review else 0.9,
        needs_review=needs_review,
        grader_version="0.1.0",
        model_id="multilingual-e5-small",
    )


@pytest.fixture
def sessions(settings: Settings) -> tuple[int, int]:
    """Anna finished an exam (one answer overridden); Bo left a practice quiz half-way."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    repository = open_repository(settings.resolved_database_url)
    bank = sample_bank()
    anna, bo = repository.get_or_create_student("Anna"), repository.get_or_create_student("Bo")
    exam = repository.start_session(anna.id, bank, bank.questions, "exam")
    conv = repository.submit_answer(
        anna.id, bank, bank.questions[0], "En kärna glider över bilden.", session_id=exam.id
    )
    repository.save_grade(
        conv.id, _grade(1.0, 2.0, feedback="Missing: products are summed.", needs_review=True)
    )
    repository.add_override(conv.id, 1.5, "Summing is implied.", "Eva", point_credits={"sum": 0.5})
    drop = repository.submit_answer(
        anna.id, bank, bank.questions[1], "Dropout nollar aktiveringar.", session_id=exam.id
    )
    repository.save_grade(drop.id, _grade(1.0, 1.0, feedback="All key points covered."))
    repository.finish_session(exam.id)
    practice = repository.start_session(
        bo.id, bank, bank.questions[:2], "practice", topics=("cnn", "regularization", "activations")
    )
    answer = repository.submit_answer(bo.id, bank, bank.questions[0], "vet ej", session_id=practice.id)
    repository.save_grade(answer.id, _grade(0.0, 2.0, feedback="No key point found."))
    repository.close()
    return exam.id, practice.id


def test_history_lists_sessions_newest_first_with_scores(sessions: tuple[int, int]) -> None:
    result = runner.invoke(app, ["history"], env=WIDE)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    bo_line = next(line for line in lines if "Bo" in line)
    anna_line = next(line for line in lines if "Anna" in line)
    assert lines.index(bo_line) < lines.index(anna_line)
    assert "finished" in anna_line and "2/3" in anna_line and "2.5/4" in anna_line and "62%" in anna_line
    assert "in progress" in bo_line and "1/2" in bo_line and "0/2" in bo_line and "0%" in bo_line


def test_history_for_one_student(sessions: tuple[int, int]) -> None:
    result = runner.invoke(app, ["history", "--student", "Bo"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "Practice · topics: cnn, regularization +1 more" in result.output, "a row names two topics"
    assert "exam" not in result.output


def test_history_of_one_session_shows_each_answer_grade_override_and_feedback(
    sessions: tuple[int, int],
) -> None:
    exam_id, _practice_id = sessions
    result = runner.invoke(app, ["history", str(exam_id)], env=WIDE)
    assert result.exit_code == 0, result.output
    output = result.output
    assert f"Session {exam_id}" in output and "Anna" in output and "2.5/4 (62%)" in output
    assert "En kärna glider över bilden." in output
    assert "auto: 1 / 2" in output and "override by Eva: 1.5: Summing is implied." in output
    assert "Feedback: Missing: products are summed." in output
    assert "key points as the teacher judged them: [partial] element-wise products are summed" in output
    assert "Dropout nollar aktiveringar." in output and "All key points covered." in output
    assert "Not answered." in output  # relu was never answered
    assert output.index("conv") < output.index("dropout") < output.index("relu")


def test_empty_history(settings: Settings) -> None:
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 0, result.output
    assert "No quiz sessions yet." in result.output


def test_unknown_student_and_session_are_user_errors(sessions: tuple[int, int]) -> None:
    unknown = runner.invoke(app, ["history", "--student", "Nobody"])
    assert isinstance(unknown.exception, TentaError)
    assert "no student named 'Nobody' (known: Anna, Bo)" in unknown.exception.message
    missing = runner.invoke(app, ["history", "999"])
    assert (
        isinstance(missing.exception, TentaError)
        and "no quiz session with id 999" in missing.exception.message
    )


def test_history_on_a_corrupt_database_prints_one_line_naming_the_file(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    database = settings.data_dir / "tenta.sqlite3"
    database.write_bytes(b"\x00garbage" * 512)
    tenta = Path(sys.executable).parent / "tenta"
    result = subprocess.run([str(tenta), "history"], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {database}: cannot use the database (file is not a database)"
    assert "Traceback" not in result.stderr


def test_a_due_today_quiz_ended_early_is_scored_out_of_the_cards_answered(settings: Settings) -> None:
    """As in the app (quiz.progress.counted_summary): one card of three answered 2 / 2 before the student
    ended Due today read '2/4 50%' in `tenta history`, as if the other two were failed."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    repository = open_repository(settings.resolved_database_url)
    bank = sample_bank()
    cai = repository.get_or_create_student("Cai")
    due = repository.start_session(cai.id, bank, bank.questions, "due")
    answer = repository.submit_answer(cai.id, bank, bank.questions[0], "Kärnan glider.", session_id=due.id)
    repository.save_grade(answer.id, _grade(2.0, 2.0, feedback="All key points covered."))
    repository.finish_session(due.id)
    repository.close()
    listing = runner.invoke(app, ["history"], env=WIDE)
    assert listing.exit_code == 0, listing.output
    row = next(line for line in listing.output.splitlines() if "Due today" in line)
    assert "1/3" in row and "2/2" in row and "100%" in row, row
    detail = runner.invoke(app, ["history", str(due.id)], env=WIDE)
    assert detail.exit_code == 0, detail.output
    assert "Score: 2/2 (100%), 1 of 3 answered" in detail.output, detail.output
